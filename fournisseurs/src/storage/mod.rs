//! The fournisseurs repository over the target database.

pub(crate) mod legacy_rows;
pub(crate) mod records;
mod schema;
mod select;
mod store;

pub use schema::schema;
pub(crate) use schema::{BILL_STATES, PAYMENT_METHODS, PO_STATES};
pub use store::{BillWithPayments, FournisseursStore, OrderWithLines, ReceiptWithLines};
