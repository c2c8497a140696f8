//! The stock domain: articles, locations, stock levels kept as the sum of an immutable
//! movement ledger, reorder rules and replenishment requests.

pub mod api;
pub mod domain;
pub mod legacy;
pub mod storage;
