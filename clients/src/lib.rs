//! The clients domain: customers with their addresses and GDPR consents, customer
//! orders with their lines and the state machine they follow.

pub mod domain;
pub mod storage;
