//! The one place where fournisseurs errors become API errors (and so gRPC statuses).

use bascule_rpc::ApiError;

use crate::domain::FournisseursError;

impl From<FournisseursError> for ApiError {
    fn from(e: FournisseursError) -> Self {
        match e {
            FournisseursError::Invalid { field, reason } => ApiError::invalid(field, reason),
            FournisseursError::NotFound { entity, key } => ApiError::not_found(entity, &key),
            FournisseursError::AlreadyExists { entity, key } => {
                ApiError::already_exists(entity, &key)
            }
            FournisseursError::Transition {
                entity,
                key,
                from,
                to,
                allowed,
            } => ApiError::precondition(
                "INVALID_TRANSITION",
                format!("{entity} {key} cannot go from {from} to {to} (from {from}: {allowed})"),
            )
            .with("entity", entity)
            .with("key", key)
            .with("from_state", from)
            .with("to_state", to),
            FournisseursError::Refused {
                entity,
                key,
                reason,
            } => ApiError::precondition("REFUSED", format!("{entity} {key}: {reason}"))
                .with("entity", entity)
                .with("key", key),
            FournisseursError::NotEditable { entity, key, state } => ApiError::precondition(
                "NOT_EDITABLE",
                format!("{entity} {key} is {state}: only a DRAFT can be changed"),
            )
            .with("entity", entity)
            .with("key", key)
            .with("state", state),
            FournisseursError::Overpayment {
                bill,
                outstanding,
                amount,
            } => ApiError::precondition(
                "OVERPAYMENT",
                format!(
                    "a payment of {amount} on bill {bill} would overpay it: {outstanding} outstanding"
                ),
            )
            .with("bill", bill)
            .with("outstanding", outstanding.normalize())
            .with("amount", amount.normalize()),
            FournisseursError::Conflict { entity, key, .. } => ApiError::stale(entity, &key),
            e @ FournisseursError::Storage(_) => ApiError::internal(e),
        }
    }
}
