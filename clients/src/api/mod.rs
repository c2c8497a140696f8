//! The clients service over gRPC (`bascule.clients.v1.ClientsService`): handlers check
//! the switch-over gate, convert messages to domain values, call the store, convert back.

mod consents;
mod contacts;
mod convert;
mod customers;
mod error;
mod fields;
mod orders;
mod service;

pub use service::ClientsApi;

/// The `ErrorInfo.domain` of clients errors.
pub const ERROR_DOMAIN: &str = "clients.bascule";
