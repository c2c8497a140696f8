//! Clients messages to domain values and back; the domain's constructors check the input.

mod customer;
mod order;

pub use customer::{consent, contact, contact_from, customer, customer_from, purpose};
pub use order::{order, order_from};

use bascule_rpc::ApiError;

/// A proto enum value to the domain's, by name; UNSPECIFIED or unknown is bad input.
fn enum_name<E: TryFrom<i32>>(
    field: &str,
    value: i32,
    name: impl Fn(&E) -> &'static str,
) -> Result<&'static str, ApiError> {
    match E::try_from(value) {
        Ok(e) if value != 0 => Ok(name(&e)),
        _ => Err(ApiError::invalid(field, "is required")),
    }
}

/// A domain enum's name to the proto value of that name.
fn pb_enum<E: Default>(name: &str, from_name: impl Fn(&str) -> Option<E>) -> E {
    from_name(name).unwrap_or_default()
}

/// A message field that must be set.
pub fn required<'a, T>(field: &str, value: Option<&'a T>) -> Result<&'a T, ApiError> {
    value.ok_or_else(|| ApiError::invalid(field, "is required"))
}
