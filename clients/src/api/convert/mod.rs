//! Clients messages to domain values and back; the domain's constructors check the input.

mod customer;
mod order;

pub use customer::{consent, contact, contact_from, customer, customer_from, purpose};
pub use order::{order, order_from};
