//! Fournisseurs entities and their rules, free of any transport or storage type.

mod article;
mod bill;
mod error;
mod line;
mod order;
mod payment;
mod receipt;
mod supplier;

pub use article::SupplierArticle;
pub use bill::{BillState, PaymentStatus, SupplierBill};
pub use error::FournisseursError;
pub use line::{PurchaseOrderLine, ReceiptStatus, check_lines, order_total};
pub use order::{PoState, PurchaseOrder};
pub use payment::{Payment, PaymentMethod, paid_total};
pub use receipt::{Receipt, ReceiptLine};
pub use supplier::{Address, Supplier};

use rust_decimal::Decimal;

/// Checks a code: 1 to `max` characters, upper-case letters, digits, '-', '_' or '.'.
pub(crate) fn check_code(
    field: &'static str,
    code: &str,
    max: usize,
) -> Result<String, FournisseursError> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.chars().count() <= max
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_.".contains(c));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(FournisseursError::invalid(
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
) -> Result<String, FournisseursError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FournisseursError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(FournisseursError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Checks an optional text: trimmed, empty becomes `None`, at most `max` characters.
pub(crate) fn check_optional(
    field: &'static str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>, FournisseursError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => check_text(field, t, max).map(Some),
        None => Ok(None),
    }
}

/// Checks an ISO 4217 currency code; lower case is accepted and upper-cased.
pub(crate) fn check_currency(currency: &str) -> Result<String, FournisseursError> {
    let c = currency.trim().to_ascii_uppercase();
    if c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(FournisseursError::invalid(
            "currency",
            format!("{currency:?} is not an ISO 4217 code (three letters such as EUR)"),
        ))
    }
}

pub(crate) fn check_not_negative(
    field: &'static str,
    value: Decimal,
) -> Result<Decimal, FournisseursError> {
    if value.is_sign_negative() && !value.is_zero() {
        Err(FournisseursError::invalid(field, "must not be negative"))
    } else {
        Ok(value)
    }
}

pub(crate) fn check_positive(
    field: &'static str,
    value: Decimal,
) -> Result<Decimal, FournisseursError> {
    if value > Decimal::ZERO {
        Ok(value)
    } else {
        Err(FournisseursError::invalid(field, "must be positive"))
    }
}
