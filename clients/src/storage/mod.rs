//! The clients repository over the target database.

mod orders;
mod records;
mod schema;
mod store;

pub use schema::schema;
pub use store::{ClientsStore, StoredOrder};
