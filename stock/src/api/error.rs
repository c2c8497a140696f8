//! The one place where stock errors become API errors (and so gRPC statuses).

use bascule_rpc::ApiError;

use crate::domain::StockError;

impl From<StockError> for ApiError {
    fn from(e: StockError) -> Self {
        match e {
            StockError::Invalid { field, reason } => ApiError::invalid(field, reason),
            StockError::NotFound { entity, key } => ApiError::not_found(entity, &key),
            StockError::AlreadyExists { entity, key } => ApiError::already_exists(entity, &key),
            StockError::InsufficientStock {
                article,
                location,
                on_hand,
                requested,
            } => ApiError::precondition(
                "INSUFFICIENT_STOCK",
                format!(
                    "not enough {article} at {location}: {on_hand} on hand, {requested} requested"
                ),
            )
            .with("article_code", article)
            .with("location_code", location)
            .with("on_hand", on_hand.normalize())
            .with("requested", requested.normalize()),
            StockError::AlreadyReversed(id) => ApiError::precondition(
                "ALREADY_REVERSED",
                format!("movement {id} was already reversed"),
            )
            .with("movement_id", id),
            StockError::Conflict { entity, key, .. } => ApiError::stale(entity, &key),
            e @ StockError::Storage(_) => ApiError::internal(e),
        }
    }
}
