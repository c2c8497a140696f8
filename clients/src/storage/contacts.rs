//! The contacts of a customer and the consents each of them gave: their rows, and the
//! repository operations on them.

use bascule_platform::db::record::{self, Record, Stored};
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::{DbError, Exec, Row, Value};

use super::records::{decode_err, map_stored};
use super::schema::table;
use super::store::{ClientsStore, customer_in, lock_customer, mapped, storage};
use crate::domain::{ClientsError, Consent, ConsentPurpose, Contact};

/// A contact with the customer it belongs to, as its row holds it.
#[derive(Debug, Clone)]
pub(crate) struct ContactRecord {
    pub customer_id: String,
    pub contact: Contact,
}

impl Record for ContactRecord {
    const SCHEMA: SchemaName = SchemaName::Clients;
    const ORDER_BY: &'static str = "last_name";

    fn table_def() -> &'static TableDef {
        table("customer_contact")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let c = &self.contact;
        vec![
            ("customer_id", (&self.customer_id).into()),
            ("civility", c.civility.clone().into()),
            ("first_name", (&c.first_name).into()),
            ("last_name", (&c.last_name).into()),
            ("job_title", c.job_title.clone().into()),
            ("email", c.email.clone().into()),
            ("phone", c.phone.clone().into()),
            ("mobile", c.mobile.clone().into()),
            ("principal", c.principal.into()),
            ("legacy_id", c.legacy_id.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(ContactRecord {
            customer_id: row.get("customer_id")?,
            contact: Contact {
                civility: row.get("civility")?,
                first_name: row.get("first_name")?,
                last_name: row.get("last_name")?,
                job_title: row.get("job_title")?,
                email: row.get("email")?,
                phone: row.get("phone")?,
                mobile: row.get("mobile")?,
                principal: row.get("principal")?,
                legacy_id: row.get("legacy_id")?,
            },
        })
    }
}

/// A consent one contact gave, as its row holds it.
#[derive(Debug, Clone)]
pub(crate) struct ContactConsentRecord {
    pub contact_id: String,
    pub consent: Consent,
}

impl Record for ContactConsentRecord {
    const SCHEMA: SchemaName = SchemaName::Clients;
    const ORDER_BY: &'static str = "collected_at";

    fn table_def() -> &'static TableDef {
        table("contact_consent")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let c = &self.consent;
        vec![
            ("contact_id", (&self.contact_id).into()),
            ("purpose", c.purpose.as_str().into()),
            ("granted", c.granted.into()),
            ("collected_at", c.collected_at.into()),
            ("channel", (&c.channel).into()),
            ("withdrawn_at", c.withdrawn_at.into()),
            ("proof", c.proof.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(ContactConsentRecord {
            contact_id: row.get("contact_id")?,
            consent: Consent {
                purpose: ConsentPurpose::parse(&row.get::<String>("purpose")?)
                    .map_err(decode_err)?,
                granted: row.get("granted")?,
                collected_at: row.get("collected_at")?,
                channel: row.get("channel")?,
                withdrawn_at: row.get("withdrawn_at")?,
                proof: row.get("proof")?,
            },
        })
    }
}

/// A contact as stored, with the consents they gave (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredContact {
    pub contact: Stored<Contact>,
    pub consents: Vec<Consent>,
}

impl ClientsStore {
    /// Adds a contact to the customer; a customer has one contact of a given name.
    pub async fn add_contact(
        &self,
        customer_code: &str,
        contact: Contact,
    ) -> Result<Stored<Contact>, ClientsError> {
        let contact = contact.validate()?;
        let key = format!("{customer_code}/{}", contact.display_name());
        let mut tx = self.db.begin().await.map_err(storage)?;
        let customer = lock_customer(&mut tx, customer_code).await?;
        customer.value.check_not_erased()?;
        let row = ContactRecord {
            customer_id: customer.id,
            contact,
        };
        let stored = record::insert(&mut tx, row)
            .await
            .map_err(mapped("contact", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(map_stored(stored, |r| r.contact))
    }

    /// The contact `id` of the customer; a contact of another customer is not found.
    pub async fn get_contact(
        &self,
        customer_code: &str,
        id: &str,
    ) -> Result<Stored<Contact>, ClientsError> {
        let mut db = self.db.clone();
        let customer = customer_in(&mut db, customer_code).await?;
        contact_of(&mut db, &customer.id, customer_code, id)
            .await
            .map(|s| map_stored(s, |r| r.contact))
    }

    /// Replaces the details of a contact at `revision`.
    pub async fn update_contact(
        &self,
        customer_code: &str,
        id: &str,
        revision: i64,
        contact: Contact,
    ) -> Result<Stored<Contact>, ClientsError> {
        let contact = contact.validate()?;
        let key = format!("{customer_code}/{id}");
        let mut tx = self.db.begin().await.map_err(storage)?;
        let customer = lock_customer(&mut tx, customer_code).await?;
        customer.value.check_not_erased()?;
        let current = contact_of(&mut tx, &customer.id, customer_code, id).await?;
        let row = ContactRecord {
            customer_id: current.value.customer_id,
            contact,
        };
        let stored = record::update(&mut tx, &current.id, revision, row)
            .await
            .map_err(mapped("contact", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(map_stored(stored, |r| r.contact))
    }

    /// The customer's contacts, the main one first, then by name, each with the
    /// consents they gave.
    pub async fn list_contacts(
        &self,
        customer_code: &str,
    ) -> Result<Vec<StoredContact>, ClientsError> {
        let mut tx = self.db.begin().await.map_err(storage)?;
        let customer = customer_in(&mut tx, customer_code).await?;
        let rows =
            record::list_all::<ContactRecord>(&mut tx, &[("customer_id", customer.id.into())])
                .await
                .map_err(storage)?;
        let mut contacts = Vec::with_capacity(rows.len());
        for row in rows {
            let consents = record::list_all::<ContactConsentRecord>(
                &mut tx,
                &[("contact_id", row.id.as_str().into())],
            )
            .await
            .map_err(storage)?;
            contacts.push(StoredContact {
                contact: map_stored(row, |r| r.contact),
                consents: consents.into_iter().map(|c| c.value.consent).collect(),
            });
        }
        tx.commit().await.map_err(storage)?;
        contacts.sort_by(|a, b| {
            (b.contact.value.principal)
                .cmp(&a.contact.value.principal)
                .then_with(|| a.contact.value.last_name.cmp(&b.contact.value.last_name))
                .then_with(|| a.contact.value.first_name.cmp(&b.contact.value.first_name))
        });
        Ok(contacts)
    }
}

/// The contact `id` if it belongs to the customer whose row id is `customer_id`.
async fn contact_of(
    e: &mut impl Exec,
    customer_id: &str,
    customer_code: &str,
    id: &str,
) -> Result<Stored<ContactRecord>, ClientsError> {
    record::get::<ContactRecord>(e, id)
        .await
        .map_err(storage)?
        .filter(|c| c.value.customer_id == customer_id)
        .ok_or_else(|| ClientsError::NotFound {
            entity: "contact",
            key: format!("{customer_code}/{id}"),
        })
}
