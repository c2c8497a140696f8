//! The clients domain: customers with their addresses, contacts and GDPR consents,
//! customer orders with their lines and the state machine they follow, and the
//! migration of the legacy customer data.

pub mod domain;
pub mod legacy;
pub mod storage;
