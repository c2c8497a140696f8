//! The one error type of the clients domain.

#[derive(Debug, thiserror::Error)]
pub enum ClientsError {
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{entity} {key} not found")]
    NotFound { entity: &'static str, key: String },
    #[error("{entity} {key} already exists")]
    AlreadyExists { entity: &'static str, key: String },
    #[error("order {order_number} cannot go from {from} to {to}")]
    IllegalTransition {
        order_number: String,
        from: &'static str,
        to: &'static str,
    },
    #[error("order {order_number} is {state}: only a DRAFT order can be edited")]
    NotEditable {
        order_number: String,
        state: &'static str,
    },
    #[error(
        "customer {customer_code} has {count} open orders: its data is erased once they are closed or cancelled"
    )]
    OpenOrders { customer_code: String, count: usize },
    #[error("customer {customer_code} was erased: its personal data cannot be filled in again")]
    Erased { customer_code: String },
    #[error("{entity} {key} was changed by someone else since revision {revision}")]
    Conflict {
        entity: &'static str,
        key: String,
        revision: i64,
    },
    #[error("clients storage failed")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ClientsError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        ClientsError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
