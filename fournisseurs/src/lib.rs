//! The fournisseurs domain: suppliers and what they sell us, purchase orders and their
//! receipts, supplier bills and their payments.

pub mod domain;
pub mod legacy;
pub mod storage;
