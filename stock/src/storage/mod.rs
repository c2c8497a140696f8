//! The stock repository over the target database.

mod operations;
mod records;
mod schema;
mod store;

pub use operations::ReorderCheck;
pub use schema::{ARTICLE_KINDS, MOVEMENT_KINDS, REORDER_MODES, REQUEST_STATES, ROUTES, schema};
pub use store::StockStore;
