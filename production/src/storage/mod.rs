//! The production repository over the target database.

pub(crate) mod records;
mod schema;
mod store;

pub use schema::schema;
pub(crate) use schema::{MAINTENANCE_KINDS, MO_STATES, TOOL_KINDS, TOOL_STATES};
pub use store::{OrderProgress, ProductionStore};
