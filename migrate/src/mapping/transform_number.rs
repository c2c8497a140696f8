//! Numbers and booleans typed by hand: French-formatted amounts ("1 353,296", "21,53 €")
//! and the many spellings of yes and no.

use rust_decimal::Decimal;

use super::transform::describe;
use super::val::{Val, Violation, float_to_decimal};

/// A number cell, or a text in French or plain format → exact decimal; blank → null.
pub fn french_number(val: Val) -> Result<Val, Violation> {
    let refuse = |what: String| Violation::new("french_number", what);
    match val {
        Val::Null => Ok(Val::Null),
        Val::Int(i) => Ok(Val::Decimal(Decimal::from(i))),
        Val::Decimal(d) => Ok(Val::Decimal(d)),
        Val::Float(f) => float_to_decimal(f)
            .map(Val::Decimal)
            .ok_or_else(|| refuse(format!("the number {f} is not finite"))),
        Val::Text(s) if s.trim().is_empty() => Ok(Val::Null),
        Val::Text(s) => parse_french_number(&s).map(Val::Decimal).ok_or_else(|| {
            refuse(format!(
                "{s:?} is not a number in French or plain format (such as 1 234,50 or 1234.50)"
            ))
        }),
        other => Err(refuse(format!(
            "expected a number, found {}",
            describe(&other)
        ))),
    }
}

/// Parses "1 234,50", "17 677" (any kind of space, grouped by three), "1.234,50" (dot
/// thousands), "21,53 €", "19,58EUR", "-12,5", "1234.5". A single `,` or a single `.` is
/// the decimal separator; anything ambiguous ("1.388.5", "12,3,4", "1,234.50") is refused.
pub fn parse_french_number(text: &str) -> Option<Decimal> {
    let mut body = text.trim();
    if let Some(rest) = body.strip_suffix('€') {
        body = rest;
    } else if let Some(head) = body
        .len()
        .checked_sub(3)
        .and_then(|at| body.get(at..).map(|tail| (at, tail)))
        && head.1.eq_ignore_ascii_case("EUR")
    {
        body = body.get(..head.0).unwrap_or_default();
    }
    body = body.trim_end();
    let (negative, body) = match body
        .strip_prefix('-')
        .or_else(|| body.strip_prefix('\u{2212}'))
    {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let (int_raw, frac) = match (commas, dots) {
        (0, 0) => (body, None),
        (1, _) => body.split_once(',').map(|(i, f)| (i, Some(f)))?,
        (0, 1) => body.split_once('.').map(|(i, f)| (i, Some(f)))?,
        _ => return None,
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(frac) = frac
        && !digits(frac)
    {
        return None;
    }
    let int = grouped_digits(int_raw)?;
    let mut plain = String::with_capacity(int.len() + 8);
    if negative {
        plain.push('-');
    }
    plain.push_str(&int);
    if let Some(frac) = frac {
        plain.push('.');
        plain.push_str(frac);
    }
    let mut number = Decimal::from_str_exact(&plain).ok()?;
    if number.is_zero() {
        number.set_sign_positive(true);
    }
    Some(number)
}

/// The digits of an integer part, either plain or grouped by three with spaces (of any
/// kind, not mixed) or with dots: "1 353", "10\u{a0}461", "1.234".
fn grouped_digits(int_raw: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if digits(int_raw) {
        return Some(int_raw.to_owned());
    }
    let spaced = int_raw.contains(char::is_whitespace);
    let dotted = int_raw.contains('.');
    if spaced == dotted {
        return None;
    }
    let groups: Vec<&str> = if spaced {
        int_raw.split(char::is_whitespace).collect()
    } else {
        int_raw.split('.').collect()
    };
    let (first, rest) = groups.split_first()?;
    let well_grouped =
        digits(first) && first.len() <= 3 && rest.iter().all(|g| digits(g) && g.len() == 3);
    well_grouped.then(|| groups.concat())
}

/// O/N, OUI/NON, Y/N, YES/NO, TRUE/FALSE, VRAI/FAUX, 1/0, X/empty (trimmed, any case),
/// a boolean cell, or the number 1 or 0.
pub fn boolean(val: Val) -> Result<Val, Violation> {
    let refuse = |val: &Val| {
        Violation::new(
            "boolean",
            format!(
                "{} is not a yes/no value (O/N, OUI/NON, Y/N, YES/NO, TRUE/FALSE, VRAI/FAUX, 1/0, X/empty)",
                describe(val)
            ),
        )
    };
    match &val {
        Val::Null => Ok(Val::Null),
        Val::Bool(b) => Ok(Val::Bool(*b)),
        Val::Int(1) => Ok(Val::Bool(true)),
        Val::Int(0) => Ok(Val::Bool(false)),
        Val::Float(f) if *f == 1.0 || *f == 0.0 => Ok(Val::Bool(*f == 1.0)),
        Val::Decimal(d) if *d == Decimal::ONE || d.is_zero() => Ok(Val::Bool(*d == Decimal::ONE)),
        Val::Text(s) => match s.trim().to_uppercase().as_str() {
            "O" | "OUI" | "Y" | "YES" | "TRUE" | "VRAI" | "1" | "X" => Ok(Val::Bool(true)),
            "N" | "NON" | "NO" | "FALSE" | "FAUX" | "0" | "" => Ok(Val::Bool(false)),
            _ => Err(refuse(&val)),
        },
        _ => Err(refuse(&val)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Val {
        Val::Decimal(Decimal::from_str(s).unwrap())
    }

    fn number(s: &str) -> Result<Val, Violation> {
        french_number(Val::Text(s.to_owned()))
    }

    #[test]
    fn french_numbers_from_the_stock_workbooks() {
        assert_eq!(number("4345,6"), Ok(dec("4345.6")));
        assert_eq!(number("1 353,296"), Ok(dec("1353.296")));
        assert_eq!(number("17\u{202f}677"), Ok(dec("17677")));
        assert_eq!(number("10\u{a0}461"), Ok(dec("10461")));
        assert_eq!(number("21,53 €"), Ok(dec("21.53")));
        assert_eq!(number("19,58€"), Ok(dec("19.58")));
        assert_eq!(number("19,58 EUR"), Ok(dec("19.58")));
        assert_eq!(number("1 234,50\u{a0}€"), Ok(dec("1234.50")));
        assert_eq!(number("1.234,50"), Ok(dec("1234.50")));
        assert_eq!(number("1.234.567,5"), Ok(dec("1234567.5")));
        assert_eq!(number(" 1234.5 "), Ok(dec("1234.5")));
        assert_eq!(number("1 234.5"), Ok(dec("1234.5")));
        assert_eq!(number("-12,5"), Ok(dec("-12.5")));
        assert_eq!(number("-0"), Ok(dec("0")));
        assert_eq!(number("007"), Ok(dec("7")));
        assert_eq!(number(""), Ok(Val::Null));
        assert_eq!(number(" \u{a0}"), Ok(Val::Null));
    }

    #[test]
    fn ambiguous_or_malformed_numbers_are_refused() {
        let err = number("1.388.5").unwrap_err();
        assert_eq!(err.rule, "french_number");
        assert!(
            err.message
                .starts_with("\"1.388.5\" is not a number in French or plain format"),
            "{}",
            err.message
        );
        for bad in [
            "12,3,4",
            "abc",
            "1,234.50",
            "12 34",
            "1 2345",
            "1.23,4",
            "1 234.567,5",
            "(12,5)",
            "12,",
            ",5",
            "-",
            "€",
            "1e5",
            "+3",
            "12,5 $",
            "- 12",
        ] {
            assert!(number(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn number_cells_are_taken_as_they_are() {
        assert_eq!(french_number(Val::Int(17677)), Ok(dec("17677")));
        assert_eq!(
            french_number(Val::Float(5464793.071)),
            Ok(dec("5464793.071"))
        );
        assert_eq!(french_number(dec("21.53")), Ok(dec("21.53")));
        assert!(french_number(Val::Float(f64::NAN)).is_err());
        let err = french_number(Val::Bool(true)).unwrap_err();
        assert_eq!(err.message, "expected a number, found the boolean true");
    }

    #[test]
    fn booleans_in_every_spelling() {
        for yes in [
            "O", "oui", " Oui ", "y", "YES", "true", "Vrai", "1", "x", "X",
        ] {
            assert_eq!(
                boolean(Val::Text(yes.to_owned())),
                Ok(Val::Bool(true)),
                "{yes}"
            );
        }
        for no in ["N", "non", "n", "No", "FALSE", "faux", "0", "", " "] {
            assert_eq!(
                boolean(Val::Text(no.to_owned())),
                Ok(Val::Bool(false)),
                "{no}"
            );
        }
        assert_eq!(boolean(Val::Bool(true)), Ok(Val::Bool(true)));
        assert_eq!(boolean(Val::Int(0)), Ok(Val::Bool(false)));
        assert_eq!(boolean(Val::Float(1.0)), Ok(Val::Bool(true)));
        assert_eq!(boolean(dec("1")), Ok(Val::Bool(true)));
        assert_eq!(boolean(Val::Null), Ok(Val::Null));
        assert!(boolean(Val::Int(2)).is_err());
        let err = boolean(Val::Text("peut-être".to_owned())).unwrap_err();
        assert_eq!(err.rule, "boolean");
        assert!(
            err.message
                .starts_with("\"peut-être\" is not a yes/no value"),
            "{}",
            err.message
        );
    }
}
