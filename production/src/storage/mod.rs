//! The production repository over the target database.

pub(crate) mod records;
mod schema;
mod store;

pub use schema::schema;
pub use store::{OrderProgress, ProductionStore};
