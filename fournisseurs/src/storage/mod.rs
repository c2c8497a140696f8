//! The fournisseurs repository over the target database.

pub(crate) mod legacy_rows;
pub(crate) mod records;
mod schema;
mod select;
mod store;

pub use schema::schema;
pub use store::{BillWithPayments, FournisseursStore, OrderWithLines};
