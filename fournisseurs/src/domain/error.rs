//! The one error type of the fournisseurs domain.

use rust_decimal::Decimal;

#[derive(Debug, thiserror::Error)]
pub enum FournisseursError {
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{entity} {key} not found")]
    NotFound { entity: &'static str, key: String },
    #[error("{entity} {key} already exists")]
    AlreadyExists { entity: &'static str, key: String },
    #[error("{entity} {key} cannot go from {from} to {to} (from {from}: {allowed})")]
    Transition {
        entity: &'static str,
        key: String,
        from: &'static str,
        to: &'static str,
        /// What the state machine does allow from `from`, for the message.
        allowed: String,
    },
    #[error("{entity} {key}: {reason}")]
    Refused {
        entity: &'static str,
        key: String,
        reason: String,
    },
    /// Only a DRAFT is edited: what was sent or posted changes through its own methods.
    #[error("{entity} {key} is {state}: only a DRAFT can be changed")]
    NotEditable {
        entity: &'static str,
        key: String,
        state: &'static str,
    },
    #[error("a payment of {amount} on bill {bill} would overpay it: {outstanding} outstanding")]
    Overpayment {
        bill: String,
        outstanding: Decimal,
        amount: Decimal,
    },
    #[error("{entity} {key} was changed by someone else since revision {revision}")]
    Conflict {
        entity: &'static str,
        key: String,
        revision: i64,
    },
    #[error("fournisseurs storage failed")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl FournisseursError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        FournisseursError::Invalid {
            field,
            reason: reason.into(),
        }
    }

    /// The refusal of a state change that the state machine does not allow.
    pub(crate) fn transition(
        entity: &'static str,
        key: &str,
        from: &'static str,
        to: &'static str,
        allowed: &[&'static str],
    ) -> Self {
        let allowed = if allowed.is_empty() {
            "final state, no change allowed".to_owned()
        } else {
            format!("allowed {}", allowed.join(", "))
        };
        FournisseursError::Transition {
            entity,
            key: key.to_owned(),
            from,
            to,
            allowed,
        }
    }
}
