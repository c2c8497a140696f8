//! The fournisseurs service over gRPC (`bascule.fournisseurs.v1.FournisseursService`):
//! handlers check the switch-over gate, convert messages to domain values, call the
//! store (and, to receive goods, the stock service), and convert back.

mod bills;
mod convert;
mod error;
mod fields;
mod orders;
mod receive;
mod service;
mod stock;
mod suppliers;

pub use service::FournisseursApi;

/// The `ErrorInfo.domain` of fournisseurs errors.
pub const ERROR_DOMAIN: &str = "fournisseurs.bascule";
