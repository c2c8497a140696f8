//! The normalization of names for matching: "Aciers Lemaître S.A.S." and "ACIERS LEMAITRE"
//! are the same supplier.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Legal forms removed by [`normalize`] when they stand as whole words.
const LEGAL_FORMS: &[&str] = &[
    "SA",
    "SAS",
    "SASU",
    "SARL",
    "EURL",
    "SNC",
    "SCI",
    "GMBH",
    "LTD",
    "SPA",
    "SRL",
    "BV",
    "ETS",
    "ETABLISSEMENTS",
    "STE",
    "SOCIETE",
];

/// Upper-case, accents folded (NFD, combining marks dropped; œ → OE, æ → AE, ß → SS),
/// punctuation → space (dotted abbreviations such as "S.A.R.L." are joined first), legal
/// forms removed as whole words, & → ET, spaces collapsed and trimmed.
pub fn normalize(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'œ' | 'Œ' => folded.push_str("OE"),
            'æ' | 'Æ' => folded.push_str("AE"),
            'ß' | 'ẞ' => folded.push_str("SS"),
            'ø' | 'Ø' => folded.push('O'),
            'ł' | 'Ł' => folded.push('L'),
            'đ' | 'Đ' => folded.push('D'),
            '&' => folded.push_str(" ET "),
            c => folded.extend(c.to_uppercase()),
        }
    }
    let cleaned: String = folded
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| {
            if c.is_alphanumeric() || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<String> = Vec::new();
    for token in cleaned.split_whitespace() {
        let parts: Vec<&str> = token.split('.').filter(|p| !p.is_empty()).collect();
        if parts.len() >= 2
            && parts
                .iter()
                .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
        {
            words.push(parts.concat());
        } else {
            words.extend(parts.into_iter().map(str::to_owned));
        }
    }
    words.retain(|w| !LEGAL_FORMS.contains(&w.as_str()));
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_case_accents_punctuation_and_legal_forms() {
        assert_eq!(normalize("ACIERS LEMAÎTRE"), "ACIERS LEMAITRE");
        assert_eq!(normalize("Aciers Lemaitre SA"), "ACIERS LEMAITRE");
        assert_eq!(normalize("  Aciers   Lemaître, S.A.S. "), "ACIERS LEMAITRE");
        assert_eq!(
            normalize("ÉTABLISSEMENTS BLANC & FILS EURL"),
            "BLANC ET FILS"
        );
        assert_eq!(normalize("Ets Blanc et Fils"), "BLANC ET FILS");
        assert_eq!(normalize("BIANCHI POLIMERI S.R.L."), "BIANCHI POLIMERI");
        assert_eq!(
            normalize("KRÜGER KUNSTSTOFFTECHNIK GmbH"),
            "KRUGER KUNSTSTOFFTECHNIK"
        );
        assert_eq!(normalize("Bœuf & Cœur"), "BOEUF ET COEUR");
        assert_eq!(normalize("Ætna Straße"), "AETNA STRASSE");
        assert_eq!(
            normalize("Sté Polymères de l'Oignin"),
            "POLYMERES DE L OIGNIN"
        );
        assert_eq!(
            normalize("LUBRIFIANTS\u{a0}MOREAU\u{202f}SARL"),
            "LUBRIFIANTS MOREAU"
        );
        // Legal forms only as whole words.
        assert_eq!(normalize("SASSENAGE SAS"), "SASSENAGE");
        assert_eq!(normalize("J.P. MARTIN"), "JP MARTIN");
        assert_eq!(normalize("ACIER 3.5 MM"), "ACIER 3 5 MM");
        assert_eq!(normalize(" - "), "");
    }
}
