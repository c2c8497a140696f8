//! The clients domain: customers with their addresses, contacts and GDPR consents,
//! customer orders with their lines and the state machine they follow, the migration
//! of the legacy customer data, and the clients gRPC service.

pub mod api;
pub mod domain;
pub mod legacy;
pub mod notify;
pub mod storage;
