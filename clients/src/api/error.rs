//! The one place where clients errors become API errors (and so gRPC statuses).

use bascule_rpc::ApiError;

use crate::domain::ClientsError;

impl From<ClientsError> for ApiError {
    fn from(e: ClientsError) -> Self {
        match e {
            // The domain calls it invalid because an order in a committed state must have
            // lines; through the API only a transition out of DRAFT can break that rule,
            // and the lines are then missing from the stored order, not from the input.
            ClientsError::Invalid {
                field: "lines",
                reason,
            } => ApiError::precondition("ORDER_HAS_NO_LINES", reason),
            ClientsError::Invalid { field, reason } => ApiError::invalid(field, reason),
            ClientsError::NotFound { entity, key } => ApiError::not_found(entity, &key),
            ClientsError::AlreadyExists { entity, key } => ApiError::already_exists(entity, &key),
            ClientsError::IllegalTransition {
                order_number,
                from,
                to,
            } => ApiError::precondition(
                "INVALID_TRANSITION",
                format!("order {order_number} cannot go from {from} to {to}"),
            )
            .with("order_number", order_number)
            .with("from", from)
            .with("to", to),
            ClientsError::NotEditable {
                order_number,
                state,
            } => ApiError::precondition(
                "ORDER_NOT_EDITABLE",
                format!("order {order_number} is {state}: only a DRAFT order can be edited"),
            )
            .with("order_number", order_number)
            .with("state", state),
            ClientsError::OpenOrders {
                customer_code,
                count,
            } => ApiError::precondition(
                "OPEN_ORDERS",
                format!(
                    "customer {customer_code} has {count} open orders: its data is erased \
                     once they are closed or cancelled"
                ),
            )
            .with("customer_code", customer_code)
            .with("open_orders", count),
            ClientsError::Erased { customer_code } => ApiError::precondition(
                "CUSTOMER_ERASED",
                format!("customer {customer_code} was erased: its personal data cannot be filled in again"),
            )
            .with("customer_code", customer_code),
            ClientsError::Conflict { entity, key, .. } => ApiError::stale(entity, &key),
            e @ ClientsError::Storage(_) => ApiError::internal(e),
        }
    }
}
