//! The GDPR rights on the stored data: an export of everything held on a customer
//! (right of access) and the erasure of its personal data (right to erasure).

use bascule_platform::db::record::{self, Record, Stored};
use bascule_platform::db::{DbError, Exec, SqlBuilder, Tx};
use chrono::{DateTime, Utc};

use super::contacts::{ContactConsentRecord, ContactRecord, StoredContact};
use super::orders::lines_of;
use super::records::ConsentRecord;
use super::store::{ClientsStore, StoredOrder, lock_customer, mapped, storage};
use crate::domain::{ClientsError, Consent, Customer, CustomerOrder};

/// Everything the clients domain holds on one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerExport {
    pub customer: Stored<Customer>,
    /// Each contact with the consents they gave.
    pub contacts: Vec<StoredContact>,
    /// The customer's current consent per purpose.
    pub consents: Vec<Stored<Consent>>,
    /// Every order of the customer, in order number order, with its lines.
    pub orders: Vec<StoredOrder>,
}

impl ClientsStore {
    pub async fn export_customer(&self, code: &str) -> Result<CustomerExport, ClientsError> {
        let customer = self.get_customer(code).await?;
        let contacts = self.list_contacts(code).await?;
        let consents = self.list_consents(code).await?;
        let mut db = self.db.clone();
        let headers = record::list_all::<CustomerOrder>(&mut db, &[("customer_code", code.into())])
            .await
            .map_err(storage)?;
        let mut orders = Vec::with_capacity(headers.len());
        for order in headers {
            let lines = lines_of(&mut db, &order.id).await?;
            orders.push(StoredOrder { order, lines });
        }
        Ok(CustomerExport {
            customer,
            contacts,
            consents,
            orders,
        })
    }

    /// Erases the customer's personal data at `at`, in one transaction: the customer is
    /// anonymised, its contacts and the consents they gave are deleted, its own consents
    /// withdrawn without their proof, and its orders, kept for accounting, lose their
    /// notes. Refused while an order is open; erasing an erased customer changes nothing.
    pub async fn erase_customer(
        &self,
        code: &str,
        at: DateTime<Utc>,
    ) -> Result<Stored<Customer>, ClientsError> {
        let mut tx = self.db.begin().await.map_err(storage)?;
        let current = lock_customer(&mut tx, code).await?;
        let orders = record::list_all::<CustomerOrder>(&mut tx, &[("customer_code", code.into())])
            .await
            .map_err(storage)?;
        let open = orders.iter().filter(|o| !o.value.state.is_final()).count();
        let erased = current.value.clone().erase(at, open)?;
        if erased == current.value {
            tx.commit().await.map_err(storage)?;
            return Ok(current);
        }
        delete_contacts(&mut tx, &current.id)
            .await
            .map_err(storage)?;
        let consents = record::list_all::<ConsentRecord>(
            &mut tx,
            &[("customer_id", current.id.as_str().into())],
        )
        .await
        .map_err(storage)?;
        for c in consents {
            let key = format!("{code}/{}", c.value.consent.purpose.as_str());
            let row = ConsentRecord {
                customer_id: c.value.customer_id,
                consent: c.value.consent.erase(at)?,
            };
            record::update(&mut tx, &c.id, c.revision, row)
                .await
                .map_err(mapped("consent", &key))?;
        }
        for o in orders.into_iter().filter(|o| o.value.note.is_some()) {
            let number = o.value.order_number.clone();
            record::update(&mut tx, &o.id, o.revision, o.value.erase())
                .await
                .map_err(mapped("order", &number))?;
        }
        let stored = record::update(&mut tx, &current.id, current.revision, erased)
            .await
            .map_err(mapped("customer", code))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }
}

/// Deletes the customer's contacts and the consents they gave: a contact is a person,
/// nothing of them is kept. The platform's repository functions never delete.
async fn delete_contacts(tx: &mut Tx, customer_id: &str) -> Result<(), DbError> {
    let contacts = tx
        .dialect()
        .table(ContactRecord::SCHEMA, ContactRecord::table_def().name);
    let consents = tx.dialect().table(
        ContactConsentRecord::SCHEMA,
        ContactConsentRecord::table_def().name,
    );
    let mut b = SqlBuilder::new(tx.dialect());
    b.push(&format!(
        "DELETE FROM {consents} WHERE contact_id IN (SELECT id FROM {contacts} WHERE customer_id = "
    ))
    .bind(customer_id)
    .push(")");
    tx.execute(b.statement()).await?;
    let mut b = SqlBuilder::new(tx.dialect());
    b.push(&format!("DELETE FROM {contacts} WHERE customer_id = "))
        .bind(customer_id);
    tx.execute(b.statement()).await?;
    Ok(())
}
