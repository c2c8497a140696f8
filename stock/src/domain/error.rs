//! The one error type of the stock domain.

use rust_decimal::Decimal;

#[derive(Debug, thiserror::Error)]
pub enum StockError {
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{entity} {key} not found")]
    NotFound { entity: &'static str, key: String },
    #[error("{entity} {key} already exists")]
    AlreadyExists { entity: &'static str, key: String },
    #[error("not enough {article} at {location}: {on_hand} on hand, {requested} requested")]
    InsufficientStock {
        article: String,
        location: String,
        on_hand: Decimal,
        requested: Decimal,
    },
    #[error("movement {0} was already reversed")]
    AlreadyReversed(String),
    #[error("{entity} {key} was changed by someone else since revision {revision}")]
    Conflict {
        entity: &'static str,
        key: String,
        revision: i64,
    },
    #[error("stock storage failed")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StockError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        StockError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
