//! The stock service over gRPC (`bascule.stock.v1.StockService`): handlers check the
//! switch-over gate, convert messages to domain values, call the store, convert back.

mod convert;
mod error;
mod fields;
mod service;

pub use service::StockApi;

/// The `ErrorInfo.domain` of stock errors.
pub const ERROR_DOMAIN: &str = "stock.bascule";
