//! Production entities and their rules, free of any transport or storage type.

mod bom;
mod completion;
mod error;
mod maintenance;
mod operator;
mod order;
mod progress;
mod tool;

pub use bom::{BillOfMaterials, BomLine};
pub use completion::{Posting, PostingKind};
pub use error::ProductionError;
pub use maintenance::{MaintenanceKind, MaintenanceRecord};
pub use operator::Operator;
pub use order::{ManufacturingOrder, MoState};
pub use progress::{ProgressEntry, ProgressTotals};
pub use tool::{Tool, ToolKind, ToolState};

use rust_decimal::Decimal;

/// The longest free-text note of a tool, an order or a progress entry: what an Access
/// memo typed through its forms holds (65,535 characters), so that no legacy note is cut.
pub const NOTE_MAX: usize = 65_535;

/// Checks a code: 1 to `max` characters, upper-case letters, digits, '-', '_' or '.'.
pub(crate) fn check_code(
    field: &'static str,
    code: &str,
    max: usize,
) -> Result<String, ProductionError> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.chars().count() <= max
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_.".contains(c));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(ProductionError::invalid(
            field,
            format!("{code:?} must be 1 to {max} upper-case letters, digits, '-', '_' or '.'"),
        ))
    }
}

/// Checks a required human-readable text: trimmed, not empty, at most `max` characters.
pub(crate) fn check_text(
    field: &'static str,
    text: &str,
    max: usize,
) -> Result<String, ProductionError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ProductionError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(ProductionError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Checks an optional text: blank becomes `None`, so that every backend stores it alike.
pub(crate) fn check_optional_text(
    field: &'static str,
    text: Option<String>,
    max: usize,
) -> Result<Option<String>, ProductionError> {
    match text {
        Some(t) if !t.trim().is_empty() => check_text(field, &t, max).map(Some),
        _ => Ok(None),
    }
}

/// The largest magnitude a quantity or amount column holds: 16 digits before the point.
const DECIMAL_LIMIT: i64 = 10_000_000_000_000_000;

/// Checks that a quantity or amount fits its column (6 decimals, 16 integer digits)
/// and is not negative; `positive` also refuses zero.
pub(crate) fn check_amount(
    field: &'static str,
    value: Decimal,
    positive: bool,
) -> Result<Decimal, ProductionError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(ProductionError::invalid(field, "must not be negative"));
    }
    if positive && value.is_zero() {
        return Err(ProductionError::invalid(field, "must be positive"));
    }
    if value.normalize().scale() > 6 {
        return Err(ProductionError::invalid(
            field,
            "must have at most 6 decimals",
        ));
    }
    if value >= Decimal::from(DECIMAL_LIMIT) {
        return Err(ProductionError::invalid(
            field,
            "must have at most 16 digits before the decimal point",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn codes_and_texts_are_trimmed_and_bounded() {
        assert_eq!(check_code("code", " MOU0012 ", 32).unwrap(), "MOU0012");
        assert!(check_code("code", "mou0012", 32).is_err());
        assert!(check_code("code", "", 32).is_err());
        assert!(check_code("code", "ABCDE", 4).is_err());
        assert_eq!(
            check_text("name", " Moule é 🎉 ", 20).unwrap(),
            "Moule é 🎉"
        );
        assert!(check_text("name", "   ", 20).is_err());
        assert_eq!(
            check_optional_text("note", Some("  ".into()), 10).unwrap(),
            None
        );
    }

    #[test]
    fn amounts_fit_their_columns() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert!(check_amount("q", d("12345678901.123456"), true).is_ok());
        assert!(check_amount("q", d("1.1234567"), false).is_err());
        assert!(check_amount("q", d("1.1000000"), false).is_ok());
        assert!(check_amount("q", d("9999999999999999.999999"), false).is_ok());
        assert!(check_amount("q", d("10000000000000000"), false).is_err());
        assert!(check_amount("q", d("-0.5"), false).is_err());
        assert!(check_amount("q", Decimal::ZERO, false).is_ok());
        assert!(check_amount("q", Decimal::ZERO, true).is_err());
    }
}
