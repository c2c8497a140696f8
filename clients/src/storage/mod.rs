//! The clients repository over the target database.

mod contacts;
mod derive;
mod gdpr;
mod orders;
mod records;
mod schema;
mod search;
mod store;

pub use contacts::StoredContact;
pub(crate) use contacts::{ContactConsentRecord, ContactRecord};
pub use derive::derive_customer_consents;
pub use gdpr::CustomerExport;
pub use schema::schema;
pub(crate) use schema::{CONSENT_PURPOSES, ORDER_STATES};
pub use store::{ClientsStore, StoredOrder};
