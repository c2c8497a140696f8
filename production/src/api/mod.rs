//! The production service over gRPC (`bascule.production.v1.ProductionService`):
//! handlers check the switch-over gate, convert messages to domain values, call the
//! store (and, to complete an order, the stock service), and convert back.

mod completion;
mod convert;
mod error;
mod fields;
mod orders;
mod service;
mod tools;

pub use service::ProductionApi;

/// The `ErrorInfo.domain` of production errors.
pub const ERROR_DOMAIN: &str = "production.bascule";
