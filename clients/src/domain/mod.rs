//! Clients entities and their rules, free of any transport or storage type.

mod consent;
mod contact;
mod customer;
mod erasure;
mod error;
mod order;
mod state;
mod total;

pub use consent::{Consent, ConsentPurpose};
pub use contact::Contact;
pub use customer::{Address, Customer};
pub use erasure::{ERASED_ADDRESS, ERASED_NAME};
pub use error::ClientsError;
pub use order::{CustomerOrder, OrderLine};
pub use state::OrderState;
pub use total::total_excl_tax;

use rust_decimal::Decimal;

/// Checks a code: 1 to `max` characters, upper-case letters, digits, '-', '_' or '.'.
pub(crate) fn check_code(
    field: &'static str,
    code: &str,
    max: usize,
) -> Result<String, ClientsError> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.chars().count() <= max
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_.".contains(c));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(ClientsError::invalid(
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
) -> Result<String, ClientsError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ClientsError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(ClientsError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Checks an optional text: trimmed, empty meaning absent, at most `max` characters.
pub(crate) fn check_optional_text(
    field: &'static str,
    text: Option<String>,
    max: usize,
) -> Result<Option<String>, ClientsError> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => check_text(field, t, max).map(Some),
    }
}

/// Checks an optional phone number: digits with the separators people type.
pub(crate) fn check_phone(
    field: &'static str,
    phone: Option<String>,
) -> Result<Option<String>, ClientsError> {
    let Some(phone) = check_optional_text(field, phone, 30)? else {
        return Ok(None);
    };
    let ok = phone.chars().any(|c| c.is_ascii_digit())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +.-()/".contains(c));
    if ok {
        Ok(Some(phone))
    } else {
        Err(ClientsError::invalid(
            field,
            format!("{phone:?} must be digits, spaces and + . - ( ) /"),
        ))
    }
}

/// Digits kept after the point by the money and quantity columns.
const DECIMAL_SCALE: u32 = 6;
/// Digits allowed before the point by those columns (22 in all, 6 after the point).
const DECIMAL_INTEGER_DIGITS: usize = 16;

/// Checks that an amount fits the money and quantity columns, so that a value the
/// database would round or refuse is refused here, with the field named.
pub(crate) fn check_amount(field: &'static str, d: Decimal) -> Result<Decimal, ClientsError> {
    let d = d.normalize();
    let integer_digits = d.trunc().abs().to_string().trim_start_matches('0').len();
    if d.scale() > DECIMAL_SCALE || integer_digits > DECIMAL_INTEGER_DIGITS {
        return Err(ClientsError::invalid(
            field,
            format!(
                "{d} must have at most {DECIMAL_INTEGER_DIGITS} digits before and \
                 {DECIMAL_SCALE} after the decimal point"
            ),
        ));
    }
    Ok(d)
}
