//! The one place where production errors become API errors (and so gRPC statuses).

use bascule_rpc::ApiError;

use crate::domain::ProductionError;

/// The API name of a field the domain names after its column.
fn api_field(field: &'static str) -> &'static str {
    match field {
        "planned_start_on" => "planned_start_date",
        "planned_end_on" => "planned_end_date",
        "deadline_on" => "deadline_date",
        "performed_on" => "performed_date",
        "next_due_on" => "next_due_date",
        "batch_qty" => "batch_quantity",
        "qty_good" => "good_quantity",
        "qty_scrap" => "scrap_quantity",
        "entry_at" => "entry_time",
        other => other,
    }
}

impl From<ProductionError> for ApiError {
    fn from(e: ProductionError) -> Self {
        match e {
            ProductionError::Invalid { field, reason } => {
                ApiError::invalid(api_field(field), reason)
            }
            ProductionError::NotFound { entity, key } => ApiError::not_found(entity, &key),
            ProductionError::AlreadyExists { entity, key } => {
                ApiError::already_exists(entity, &key)
            }
            ProductionError::InvalidTransition {
                entity,
                key,
                from,
                to,
            } => ApiError::precondition(
                "INVALID_TRANSITION",
                format!("{entity} {key} cannot go from {from} to {to}"),
            )
            .with("entity", entity)
            .with("key", key)
            .with("from", from)
            .with("to", to),
            ProductionError::WrongState {
                entity,
                key,
                state,
                reason,
            } => ApiError::precondition(
                "WRONG_STATE",
                format!("{entity} {key} is {state}: {reason}"),
            )
            .with("entity", entity)
            .with("key", key)
            .with("state", state),
            ProductionError::NoBillOfMaterials { article } => ApiError::precondition(
                "NO_BILL_OF_MATERIALS",
                format!("no bill of materials produces {article}: create one first"),
            )
            .with("article_code", article),
            ProductionError::Conflict { entity, key, .. } => ApiError::stale(entity, &key),
            e @ ProductionError::Storage(_) => ApiError::internal(e),
        }
    }
}
