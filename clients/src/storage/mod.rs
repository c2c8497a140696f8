//! The clients repository over the target database.

mod contacts;
mod derive;
mod orders;
mod records;
mod schema;
mod store;

pub use contacts::StoredContact;
pub(crate) use contacts::{ContactConsentRecord, ContactRecord};
pub use derive::derive_customer_consents;
pub use schema::schema;
pub use store::{ClientsStore, StoredOrder};
