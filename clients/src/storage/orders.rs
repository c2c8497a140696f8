//! Customer order operations on the target database: each method is one transaction,
//! the header and its lines always written together.

use bascule_platform::db::record::{self, Page, PageRequest, Record, Stored};
use bascule_platform::db::{DbError, Exec, SqlBuilder, Tx};

use bascule_mail::MailError;

use super::contacts::ContactRecord;
use super::records::LineRecord;
use super::store::{ClientsStore, StoredOrder, customer_in, lock_customer, mapped, storage};
use crate::domain::{ClientsError, CustomerOrder, OrderLine, OrderState};
use crate::notify::{self, MAIL_DOMAIN, MailAddresses, OrderEvent, OrderMailData};

impl ClientsStore {
    /// Creates an order with its lines. The state is kept as given so that migrated
    /// orders keep theirs; a new order ([`CustomerOrder::new`]) is a DRAFT, and a
    /// draft is refused for an inactive customer.
    pub async fn create_order(
        &self,
        order: CustomerOrder,
        lines: Vec<OrderLine>,
    ) -> Result<StoredOrder, ClientsError> {
        let order = order.validate()?;
        let lines = order.check_lines(lines)?;
        let number = order.order_number.clone();
        let mut tx = self.db.begin().await.map_err(storage)?;
        let customer = lock_customer(&mut tx, &order.customer_code).await?;
        if order.state == OrderState::Draft && !customer.value.active {
            return Err(ClientsError::invalid(
                "customer_code",
                format!("customer {} is inactive", order.customer_code),
            ));
        }
        let stored = record::insert(&mut tx, order)
            .await
            .map_err(mapped("order", &number))?;
        insert_lines(&mut tx, &stored.id, &number, &lines).await?;
        tx.commit().await.map_err(storage)?;
        Ok(StoredOrder {
            order: stored,
            lines,
        })
    }

    pub async fn get_order(&self, order_number: &str) -> Result<StoredOrder, ClientsError> {
        // The header is locked while the lines are read, so that they are the lines of
        // that revision and not of an edit committed in between.
        let mut tx = self.db.begin().await.map_err(storage)?;
        let order = lock_order(&mut tx, order_number).await?;
        let lines = lines_of(&mut tx, &order.id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(StoredOrder { order, lines })
    }

    /// One page of order headers in order number order, of one customer when given.
    pub async fn list_orders(
        &self,
        customer_code: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Stored<CustomerOrder>>, ClientsError> {
        let filter: Vec<_> = customer_code
            .map(|c| ("customer_code", c.into()))
            .into_iter()
            .collect();
        record::list(&mut self.db.clone(), &filter, page)
            .await
            .map_err(storage)
    }

    /// Replaces the header fields and the lines of a DRAFT order at `revision`. Its
    /// number and customer never change, and its state changes only through
    /// [`ClientsStore::change_order_state`].
    pub async fn update_order(
        &self,
        order_number: &str,
        revision: i64,
        order: CustomerOrder,
        lines: Vec<OrderLine>,
    ) -> Result<StoredOrder, ClientsError> {
        if order.order_number != order_number {
            return Err(ClientsError::invalid(
                "order_number",
                "an order's number cannot change",
            ));
        }
        let order = order.validate()?;
        let mut tx = self.db.begin().await.map_err(storage)?;
        let current = lock_order(&mut tx, order_number).await?;
        check_revision(&current, revision)?;
        current.value.check_editable()?;
        if order.customer_code != current.value.customer_code {
            return Err(ClientsError::invalid(
                "customer_code",
                "an order's customer cannot change",
            ));
        }
        if order.state != current.value.state {
            return Err(ClientsError::invalid(
                "state",
                "an order's state changes through a transition",
            ));
        }
        let lines = order.check_lines(lines)?;
        let stored = record::update(&mut tx, &current.id, revision, order)
            .await
            .map_err(mapped("order", order_number))?;
        delete_lines(&mut tx, &current.id).await.map_err(storage)?;
        insert_lines(&mut tx, &current.id, order_number, &lines).await?;
        tx.commit().await.map_err(storage)?;
        Ok(StoredOrder {
            order: stored,
            lines,
        })
    }

    /// Moves an order at `revision` to `next`, if the transition table allows it.
    pub async fn change_order_state(
        &self,
        order_number: &str,
        revision: i64,
        next: OrderState,
    ) -> Result<Stored<CustomerOrder>, ClientsError> {
        let mut tx = self.db.begin().await.map_err(storage)?;
        let current = lock_order(&mut tx, order_number).await?;
        check_revision(&current, revision)?;
        let line_count =
            record::count::<LineRecord>(&mut tx, &[("order_id", current.id.as_str().into())])
                .await
                .map_err(storage)?;
        let moved = current
            .value
            .transition(next, usize::try_from(line_count).unwrap_or_default())?;
        let event = OrderEvent::for_transition(current.value.state, next);
        let stored = record::update(&mut tx, &current.id, revision, moved)
            .await
            .map_err(mapped("order", order_number))?;
        let mut queued = false;
        if let (Some(event), Some(addresses)) = (event, &self.mail) {
            queued = write_mail(&mut tx, event, &stored, addresses).await?;
        }
        tx.commit().await.map_err(storage)?;
        if queued && let Some(waker) = self.mail.as_ref().and_then(|m| m.waker.as_ref()) {
            waker.wake();
        }
        Ok(stored)
    }
}

/// The order header, locked until the end of the transaction.
async fn lock_order(
    tx: &mut Tx,
    order_number: &str,
) -> Result<Stored<CustomerOrder>, ClientsError> {
    record::lock_all::<CustomerOrder>(tx, &[("order_number", order_number.into())])
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| ClientsError::NotFound {
            entity: "order",
            key: order_number.to_owned(),
        })
}

/// Refuses a write based on a revision the order has moved past, before any rule is
/// checked against a state the caller has not seen.
fn check_revision(current: &Stored<CustomerOrder>, revision: i64) -> Result<(), ClientsError> {
    if current.revision == revision {
        Ok(())
    } else {
        Err(ClientsError::Conflict {
            entity: "order",
            key: current.value.order_number.clone(),
            revision,
        })
    }
}

pub(super) async fn lines_of(
    e: &mut impl Exec,
    order_id: &str,
) -> Result<Vec<OrderLine>, ClientsError> {
    let rows = record::list_all::<LineRecord>(e, &[("order_id", order_id.into())])
        .await
        .map_err(storage)?;
    Ok(rows.into_iter().map(|s| s.value.line).collect())
}

async fn insert_lines(
    tx: &mut Tx,
    order_id: &str,
    order_number: &str,
    lines: &[OrderLine],
) -> Result<(), ClientsError> {
    for line in lines {
        let key = format!("{order_number}/{}", line.line_no);
        let row = LineRecord {
            order_id: order_id.to_owned(),
            line: line.clone(),
        };
        record::insert(tx, row)
            .await
            .map_err(mapped("order line", &key))?;
    }
    Ok(())
}

/// The platform's repository functions never delete: lines replaced wholesale are
/// removed here, inside the transaction that writes the new ones.
async fn delete_lines(tx: &mut Tx, order_id: &str) -> Result<u64, DbError> {
    let table = tx
        .dialect()
        .table(LineRecord::SCHEMA, LineRecord::table_def().name);
    let mut b = SqlBuilder::new(tx.dialect());
    b.push(&format!("DELETE FROM {table} WHERE order_id = "))
        .bind(order_id);
    tx.execute(b.statement()).await
}

/// Writes, in the transaction of the state change of `order`, the e-mails that
/// [`notify::plan`] decides for `event`; returns whether one was new. An address the
/// outbox refuses (a stored one lettre cannot parse) leaves the change to go through
/// without that e-mail, logged; a database failure fails the change, so that it never
/// happens without its e-mails. An e-mail already queued under its key (a replayed
/// change) is not written again.
async fn write_mail(
    tx: &mut Tx,
    event: OrderEvent,
    order: &Stored<CustomerOrder>,
    addresses: &MailAddresses,
) -> Result<bool, ClientsError> {
    let number = &order.value.order_number;
    let customer = customer_in(tx, &order.value.customer_code).await?;
    let principal = record::list_all::<ContactRecord>(
        tx,
        &[
            ("customer_id", customer.id.as_str().into()),
            ("principal", true.into()),
        ],
    )
    .await
    .map_err(storage)?
    .into_iter()
    .map(|c| c.value.contact)
    .find(|c| c.email.is_some());
    let lines = lines_of(tx, &order.id).await?;
    let data = OrderMailData {
        order: &order.value,
        lines: &lines,
        customer: &customer.value,
        principal: principal.as_ref(),
    };
    let mut queued = false;
    for email in notify::plan(event, &data, addresses)? {
        let key = email.dedup_key.clone();
        match bascule_mail::enqueue(tx, MAIL_DOMAIN, email).await {
            Ok(done) if done.created => queued = true,
            Ok(_) => tracing::info!(dedup_key = key, "e-mail already queued: not written again"),
            Err(MailError::Invalid(why)) => tracing::error!(
                order_number = number,
                dedup_key = key,
                error = why,
                "e-mail refused by the outbox: not sent"
            ),
            Err(e) => return Err(ClientsError::Storage(Box::new(e))),
        }
    }
    Ok(queued)
}
