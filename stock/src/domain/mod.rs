//! Stock entities and their rules, free of any transport or storage type.

mod article;
mod error;
mod level;
mod movement;
mod reorder;

pub use article::{Article, ArticleKind, Location, Replenishment};
pub use error::StockError;
pub use level::StockLevel;
pub use movement::{Movement, MovementKind, NewMovement, OPENING_REFERENCE};
pub use reorder::{ReorderMode, ReorderRule, ReplenishmentRequest, RequestState};

/// Checks a code: 1 to `max` characters, upper-case letters, digits, '-', '_' or '.'.
pub(crate) fn check_code(
    field: &'static str,
    code: &str,
    max: usize,
) -> Result<String, StockError> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.chars().count() <= max
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_.".contains(c));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(StockError::invalid(
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
) -> Result<String, StockError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(StockError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(StockError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}
