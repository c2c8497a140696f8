//! Input as French users type it: "1 234,50" or "1234.5" for numbers, 31/01/2025 or
//! 2025-01-31 for dates, and enum names in any case with - or _.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use prost_types::FieldMask;
use rust_decimal::Decimal;

use super::{Failure, input_error};

/// A decimal written the French way ("1 234,5", with spaces or non-breaking spaces
/// between thousands) or the English way ("1234.5").
pub fn decimal(field: &str, text: &str) -> Result<Decimal, Failure> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let normalized = match (compact.contains(','), compact.contains('.')) {
        // "1.234,5": dots group thousands.
        (true, true) => compact.replace('.', "").replace(',', "."),
        (true, false) => compact.replace(',', "."),
        _ => compact,
    };
    normalized.parse::<Decimal>().map_err(|_| {
        input_error(format!(
            "--{field}: {text:?} is not a number (for example 12,5 or 1 234,50)"
        ))
    })
}

/// A date (31/01/2025, 2025-01-31: midnight UTC) or an RFC 3339 time.
pub fn time(field: &str, text: &str) -> Result<DateTime<Utc>, Failure> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    date(field, text)?
        .and_hms_opt(0, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t))
        .ok_or_else(|| input_error(format!("--{field}: {text:?} is not a date")))
}

pub fn date(field: &str, text: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .map_err(|_| {
            input_error(format!(
                "--{field}: {text:?} is not a date such as 31/01/2025 or 2025-01-31"
            ))
        })
}

/// An enum value by name: "raw-material", "RAW_MATERIAL" and "Raw_Material" all work.
pub fn enum_value<E: Into<i32>>(
    field: &str,
    text: &str,
    from_name: impl Fn(&str) -> Option<E>,
    names: &[&str],
) -> Result<i32, Failure> {
    let name = text.trim().to_uppercase().replace('-', "_");
    from_name(&name)
        .filter(|_| !name.ends_with("UNSPECIFIED"))
        .map(Into::into)
        .ok_or_else(|| {
            input_error(format!(
                "--{field}: {text:?} is not one of {}",
                names
                    .iter()
                    .map(|n| n.to_lowercase().replace('_', "-"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// true/false, oui/non, yes/no.
pub fn boolean(field: &str, text: &str) -> Result<bool, Failure> {
    match text.to_lowercase().as_str() {
        "true" | "oui" | "yes" | "o" | "y" | "1" => Ok(true),
        "false" | "non" | "no" | "n" | "0" => Ok(false),
        _ => Err(input_error(format!(
            "--{field}: {text:?} is not oui or non"
        ))),
    }
}

/// The update mask of the fields given on the command line; nothing given is bad input
/// naming the `flags` that could have been.
pub fn mask(given: &[(&str, bool)], flags: &str) -> Result<FieldMask, Failure> {
    let paths: Vec<String> = given
        .iter()
        .filter(|(_, set)| *set)
        .map(|(p, _)| (*p).to_owned())
        .collect();
    if paths.is_empty() {
        return Err(input_error(format!("nothing to change: give {flags}")));
    }
    Ok(FieldMask { paths })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn numbers_the_french_way_and_the_english_way() {
        let d = |s| decimal("q", s).ok();
        assert_eq!(d("1 234,50"), Decimal::from_str("1234.50").ok());
        assert_eq!(d("1\u{202f}234,5"), Decimal::from_str("1234.5").ok());
        assert_eq!(d("1.234,5"), Decimal::from_str("1234.5").ok());
        assert_eq!(d("-12.5"), Decimal::from_str("-12.5").ok());
        assert!(d("douze").is_none());
    }

    #[test]
    fn dates_and_enums() {
        assert_eq!(
            date("d", "31/01/2025").ok(),
            NaiveDate::from_ymd_opt(2025, 1, 31)
        );
        assert_eq!(
            date("d", "2025-01-31").ok(),
            NaiveDate::from_ymd_opt(2025, 1, 31)
        );
        assert!(date("d", "31/13/2025").is_err());
        let from = |s: &str| (s == "RAW_MATERIAL").then_some(1);
        assert_eq!(
            enum_value("kind", "raw-material", from, &["RAW_MATERIAL"]).ok(),
            Some(1)
        );
        assert!(enum_value("kind", "banana", from, &["RAW_MATERIAL"]).is_err());
    }
}
