//! The fournisseurs domain: suppliers and what they sell us, purchase orders and their
//! receipts, supplier bills and their payments; and the gRPC service that serves them.

pub mod api;
pub mod domain;
pub mod legacy;
pub mod notify;
pub mod storage;
