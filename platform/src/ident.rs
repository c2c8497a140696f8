//! Checks of public identifier formats shared by several domains: SIRET (Luhn), IBAN
//! (ISO 13616 mod 97) and e-mail addresses. Each returns the normalized form.

/// A SIRET: 14 digits whose Luhn sum is a multiple of 10 (spaces are removed).
/// La Poste's establishments (SIREN 356000000) use a digit sum instead, as INSEE specifies.
pub fn siret(input: &str) -> Result<String, String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("{input:?} is not 14 digits"));
    }
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let valid = if digits.starts_with("356000000") {
        values.iter().sum::<u32>().is_multiple_of(5)
    } else {
        luhn(&values)
    };
    if valid {
        Ok(digits)
    } else {
        Err(format!("{input:?} fails the SIRET check digit"))
    }
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                *d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// An IBAN: country code, check digits and account, mod 97 = 1 (spaces removed, upper case).
pub fn iban(input: &str) -> Result<String, String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.len() < 15
        || compact.len() > 34
        || !compact.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(format!(
            "{input:?} is not an IBAN (15 to 34 letters and digits)"
        ));
    }
    let (head, tail) = compact.split_at(4);
    if !head[..2].chars().all(|c| c.is_ascii_uppercase())
        || !head[2..].chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!(
            "{input:?} must start with a country code and two check digits"
        ));
    }
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = c.to_digit(36).unwrap_or(0);
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder == 1 {
        Ok(compact)
    } else {
        Err(format!("{input:?} fails the IBAN check digits"))
    }
}

/// An e-mail address of the usual form `local@domain.tld` (trimmed, domain lower-cased).
pub fn email(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    let bad = || format!("{input:?} is not an e-mail address");
    let (local, domain) = trimmed.rsplit_once('@').ok_or_else(bad)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok {
        Ok(format!("{local}@{}", domain.to_lowercase()))
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siret_uses_luhn() {
        assert_eq!(siret("732 829 320 00074").unwrap(), "73282932000074");
        assert!(siret("73282932000075").is_err());
        assert!(siret("7328293200007").is_err());
        assert!(siret("7328293200007A").is_err());
        assert!(siret("35600000000015").is_ok());
    }

    #[test]
    fn iban_uses_mod_97() {
        assert_eq!(
            iban("fr76 3000 6000 0112 3456 7890 189").unwrap(),
            "FR7630006000011234567890189"
        );
        assert!(iban("FR7630006000011234567890188").is_err());
        assert!(iban("GB82 WEST 1234 5698 7654 32").is_ok());
        assert!(iban("12").is_err());
    }

    #[test]
    fn email_accepts_usual_addresses_only() {
        assert_eq!(
            email(" Achats@Mecaplast-Garnier.FR ").unwrap(),
            "Achats@mecaplast-garnier.fr"
        );
        assert!(email("élodie.dupré@exemple.fr").is_ok());
        for bad in [
            "", "a", "a@b", "a@@b.fr", "a b@c.fr", ".a@b.fr", "a@-b.fr", "a@b..fr",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
