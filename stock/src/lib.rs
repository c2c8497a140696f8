//! The stock domain: articles, locations, stock levels kept as the sum of an immutable
//! movement ledger, reorder rules and replenishment requests, and the e-mails the
//! reorder check writes ([`notify`]).

pub mod api;
pub mod domain;
pub mod legacy;
pub mod notify;
pub mod storage;
