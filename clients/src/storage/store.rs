//! Clients operations on the target database: each method is one transaction. This file
//! holds customers and consents; orders are in `orders.rs`.

use std::sync::Arc;

use bascule_platform::db::record::{self, Page, PageRequest, Stored};
use bascule_platform::db::{Db, DbError, Exec, Tx};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::records::{ConsentRecord, map_stored};
use crate::domain::{
    ClientsError, Consent, ConsentPurpose, Customer, CustomerOrder, OrderLine, total_excl_tax,
};
use crate::notify::MailAddresses;

#[derive(Debug, Clone)]
pub struct ClientsStore {
    pub(super) db: Db,
    /// The e-mails of state changes are written only when set (see [`crate::notify`]).
    pub(super) mail: Option<Arc<MailAddresses>>,
}

/// An order as stored: its header with the metadata, and its lines in line order.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOrder {
    /// The revision of the header is the revision of the whole order: lines are only
    /// written together with it.
    pub order: Stored<CustomerOrder>,
    pub lines: Vec<OrderLine>,
}

impl StoredOrder {
    /// The total of the lines; an order migrated without lines has its legacy total.
    pub fn total_excl_tax(&self) -> Result<Decimal, ClientsError> {
        match self.order.value.legacy_total_excl_tax {
            Some(total) if self.lines.is_empty() => Ok(total),
            _ => total_excl_tax(&self.lines),
        }
    }
}

pub(super) fn storage(e: DbError) -> ClientsError {
    ClientsError::Storage(Box::new(e))
}

/// Maps a storage error to the domain's, naming the entity concerned.
pub(super) fn mapped(entity: &'static str, key: &str) -> impl FnOnce(DbError) -> ClientsError {
    let key = key.to_owned();
    move |e| match e {
        DbError::Duplicate(_) => ClientsError::AlreadyExists { entity, key },
        DbError::NotFound => ClientsError::NotFound { entity, key },
        DbError::StaleRevision { expected } => ClientsError::Conflict {
            entity,
            key,
            revision: expected,
        },
        DbError::TooLong { column, .. } => {
            ClientsError::invalid("text", format!("{column} is too long"))
        }
        other => storage(other),
    }
}

/// The customer with `code`, read through `e` (the pool or a transaction).
pub(super) async fn customer_in(
    e: &mut impl Exec,
    code: &str,
) -> Result<Stored<Customer>, ClientsError> {
    record::find_by(e, "code", code.into())
        .await
        .map_err(storage)?
        .ok_or_else(|| ClientsError::NotFound {
            entity: "customer",
            key: code.to_owned(),
        })
}

/// The customer with `code`, locked until the end of the transaction `tx`: what adds
/// personal data to a customer, or an order, holds it so that an erasure running at the
/// same time either comes first (and the write sees an erased, inactive customer) or
/// waits for the write and then sees what it added.
pub(super) async fn lock_customer(
    tx: &mut Tx,
    code: &str,
) -> Result<Stored<Customer>, ClientsError> {
    record::lock_all::<Customer>(tx, &[("code", code.into())])
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| ClientsError::NotFound {
            entity: "customer",
            key: code.to_owned(),
        })
}

impl ClientsStore {
    /// A store that writes no e-mail: for tools and tests that want the data alone.
    /// The service uses [`ClientsStore::with_mail`].
    pub fn new(db: Db) -> Self {
        Self { db, mail: None }
    }

    /// The same store writing the e-mails of order state changes into the outbox, in
    /// their transactions (the control schema's outbox table must exist).
    pub fn with_mail(self, addresses: MailAddresses) -> Self {
        Self {
            mail: Some(Arc::new(addresses)),
            ..self
        }
    }

    pub async fn create_customer(
        &self,
        customer: Customer,
    ) -> Result<Stored<Customer>, ClientsError> {
        let customer = customer.validate()?;
        let code = customer.code.clone();
        record::insert(&mut self.db.clone(), customer)
            .await
            .map_err(mapped("customer", &code))
    }

    pub async fn get_customer(&self, code: &str) -> Result<Stored<Customer>, ClientsError> {
        customer_in(&mut self.db.clone(), code).await
    }

    pub async fn list_customers(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Stored<Customer>>, ClientsError> {
        record::list(&mut self.db.clone(), &[], page)
            .await
            .map_err(storage)
    }

    /// Updates a customer at `revision`; its code never changes.
    pub async fn update_customer(
        &self,
        code: &str,
        revision: i64,
        customer: Customer,
    ) -> Result<Stored<Customer>, ClientsError> {
        if customer.code != code {
            return Err(ClientsError::invalid(
                "code",
                "a customer's code cannot change",
            ));
        }
        let customer = customer.validate()?;
        let current = self.get_customer(code).await?;
        current.value.check_not_erased()?;
        record::update(&mut self.db.clone(), &current.id, revision, customer)
            .await
            .map_err(mapped("customer", code))
    }

    /// Records the customer's consent for its purpose, replacing the one recorded before:
    /// the table keeps the current state per purpose.
    pub async fn put_consent(
        &self,
        customer_code: &str,
        consent: Consent,
    ) -> Result<Stored<Consent>, ClientsError> {
        let consent = consent.validate()?;
        let key = format!("{customer_code}/{}", consent.purpose.as_str());
        let mut tx = self.db.begin().await.map_err(storage)?;
        let customer = lock_customer(&mut tx, customer_code).await?;
        customer.value.check_not_erased()?;
        let existing = lock_consent(&mut tx, &customer.id, consent.purpose).await?;
        let row = ConsentRecord {
            customer_id: customer.id,
            consent,
        };
        let stored = match existing {
            Some(current) => record::update(&mut tx, &current.id, current.revision, row).await,
            None => record::insert(&mut tx, row).await,
        }
        .map_err(mapped("consent", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(map_stored(stored, |r| r.consent))
    }

    /// Withdraws the customer's consent for `purpose` at `at`. A consent withdrawn already
    /// keeps its first withdrawal date, which is what the customer is owed proof of.
    pub async fn withdraw_consent(
        &self,
        customer_code: &str,
        purpose: ConsentPurpose,
        at: DateTime<Utc>,
    ) -> Result<Stored<Consent>, ClientsError> {
        let key = format!("{customer_code}/{}", purpose.as_str());
        let mut tx = self.db.begin().await.map_err(storage)?;
        let customer = customer_in(&mut tx, customer_code).await?;
        let current = lock_consent(&mut tx, &customer.id, purpose)
            .await?
            .ok_or_else(|| ClientsError::NotFound {
                entity: "consent",
                key: key.clone(),
            })?;
        if current.value.consent.withdrawn_at.is_some() {
            return Ok(map_stored(current, |r| r.consent));
        }
        let row = ConsentRecord {
            customer_id: customer.id,
            consent: current.value.consent.withdraw(at)?,
        };
        let stored = record::update(&mut tx, &current.id, current.revision, row)
            .await
            .map_err(mapped("consent", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(map_stored(stored, |r| r.consent))
    }

    /// The customer's consents, one per purpose at most, in purpose order.
    pub async fn list_consents(
        &self,
        customer_code: &str,
    ) -> Result<Vec<Stored<Consent>>, ClientsError> {
        let mut db = self.db.clone();
        let customer = customer_in(&mut db, customer_code).await?;
        let rows =
            record::list_all::<ConsentRecord>(&mut db, &[("customer_id", customer.id.into())])
                .await
                .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(|s| map_stored(s, |r| r.consent))
            .collect())
    }
}

async fn lock_consent(
    e: &mut impl Exec,
    customer_id: &str,
    purpose: ConsentPurpose,
) -> Result<Option<Stored<ConsentRecord>>, ClientsError> {
    let rows = record::lock_all::<ConsentRecord>(
        e,
        &[
            ("customer_id", customer_id.into()),
            ("purpose", purpose.as_str().into()),
        ],
    )
    .await
    .map_err(storage)?;
    Ok(rows.into_iter().next())
}
