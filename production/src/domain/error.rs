//! The one error type of the production domain.

#[derive(Debug, thiserror::Error)]
pub enum ProductionError {
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{entity} {key} not found")]
    NotFound { entity: &'static str, key: String },
    #[error("{entity} {key} already exists")]
    AlreadyExists { entity: &'static str, key: String },
    #[error("{entity} {key} cannot go from {from} to {to}")]
    InvalidTransition {
        entity: &'static str,
        key: String,
        from: &'static str,
        to: &'static str,
    },
    #[error("{entity} {key} is {state}: {reason}")]
    WrongState {
        entity: &'static str,
        key: String,
        state: &'static str,
        reason: String,
    },
    #[error("{entity} {key} was changed by someone else since revision {revision}")]
    Conflict {
        entity: &'static str,
        key: String,
        revision: i64,
    },
    #[error("no bill of materials produces {article}")]
    NoBillOfMaterials { article: String },
    #[error("production storage failed")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ProductionError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        ProductionError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
