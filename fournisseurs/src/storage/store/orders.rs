//! Purchase orders with their lines: creation, reading, state changes and receipts.

use std::collections::HashMap;

use bascule_mail::{Email, MailError};
use bascule_platform::db::record::{self, Page, PageRequest, Stored};
use bascule_platform::db::{Exec, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{FournisseursStore, existing_supplier, mapped, not_found, storage};
use crate::domain::{
    FournisseursError, PoState, PurchaseOrder, PurchaseOrderLine, ReceiptStatus, SupplierArticle,
    check_lines, order_total,
};
use crate::notify::{self, MAIL_DOMAIN, MailAddresses, OrderMailData, Planned, PoMail};
use crate::storage::records::LineRow;

/// An order as stored, with its lines in line number order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderWithLines {
    pub order: Stored<PurchaseOrder>,
    pub lines: Vec<Stored<PurchaseOrderLine>>,
}

impl OrderWithLines {
    /// The total excluding tax, derived from the lines.
    pub fn total(&self) -> Decimal {
        order_total(self.lines.iter().map(|l| &l.value))
    }

    pub fn receipt_status(&self) -> ReceiptStatus {
        ReceiptStatus::of(self.lines.iter().map(|l| &l.value))
    }
}

pub(super) fn line_of(row: Stored<LineRow>) -> Stored<PurchaseOrderLine> {
    Stored {
        id: row.id,
        revision: row.revision,
        created_at: row.created_at,
        updated_at: row.updated_at,
        value: row.value.line,
    }
}

/// The order `po_number`, locked until the end of the transaction `e` is in.
pub(super) async fn locked_order(
    e: &mut impl Exec,
    po_number: &str,
) -> Result<Stored<PurchaseOrder>, FournisseursError> {
    record::lock_all::<PurchaseOrder>(e, &[("po_number", po_number.into())])
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("purchase order", po_number))
}

impl FournisseursStore {
    /// Creates an order and its lines together; the supplier must exist.
    pub async fn create_order(
        &self,
        order: PurchaseOrder,
        lines: Vec<PurchaseOrderLine>,
    ) -> Result<OrderWithLines, FournisseursError> {
        let order = order.validate()?;
        let mut lines = lines
            .into_iter()
            .map(PurchaseOrderLine::validate)
            .collect::<Result<Vec<_>, _>>()?;
        check_lines(&lines)?;
        lines.sort_by_key(|l| l.line_no);
        let po_number = order.po_number.clone();
        let mut tx = self.db.begin().await.map_err(storage)?;
        existing_supplier(&mut tx, &order.supplier_code).await?;
        let order = record::insert(&mut tx, order)
            .await
            .map_err(mapped("purchase order", &po_number))?;
        let mut stored = Vec::with_capacity(lines.len());
        for line in lines {
            let key = format!("{po_number}/{}", line.line_no);
            let row = LineRow {
                order_id: order.id.clone(),
                line,
            };
            let row = record::insert(&mut tx, row)
                .await
                .map_err(mapped("purchase order line", &key))?;
            stored.push(line_of(row));
        }
        tx.commit().await.map_err(storage)?;
        Ok(OrderWithLines {
            order,
            lines: stored,
        })
    }

    pub async fn get_order(&self, po_number: &str) -> Result<OrderWithLines, FournisseursError> {
        let mut tx = self.db.begin().await.map_err(storage)?;
        let order = record::find_by::<PurchaseOrder>(&mut tx, "po_number", po_number.into())
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("purchase order", po_number))?;
        let lines = record::list_all::<LineRow>(&mut tx, &[("order_id", (&order.id).into())])
            .await
            .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        Ok(OrderWithLines {
            order,
            lines: lines.into_iter().map(line_of).collect(),
        })
    }

    /// Order headers by number, those of one supplier when `supplier_code` is given.
    pub async fn list_orders(
        &self,
        supplier_code: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Stored<PurchaseOrder>>, FournisseursError> {
        let filter: Vec<_> = supplier_code
            .map(|c| ("supplier_code", c.into()))
            .into_iter()
            .collect();
        record::list(&mut self.db.clone(), &filter, page)
            .await
            .map_err(storage)
    }

    /// Moves an order at `revision` to state `to`, as the transition table allows.
    pub async fn change_order_state(
        &self,
        po_number: &str,
        revision: i64,
        to: PoState,
    ) -> Result<Stored<PurchaseOrder>, FournisseursError> {
        let mut tx = self.db.begin().await.map_err(storage)?;
        let current = locked_order(&mut tx, po_number).await?;
        if current.revision != revision {
            return Err(FournisseursError::Conflict {
                entity: "purchase order",
                key: po_number.to_owned(),
                revision,
            });
        }
        let mail = PoMail::for_transition(current.value.state, to);
        let next = current.value.transition_to(to)?;
        let stored = record::update(&mut tx, &current.id, revision, next)
            .await
            .map_err(mapped("purchase order", po_number))?;
        let mut queued = false;
        if let (Some(mail), Some(addresses)) = (mail, &self.mail) {
            queued = write_mail(&mut tx, mail, &stored, addresses).await?;
        }
        tx.commit().await.map_err(storage)?;
        if queued && let Some(waker) = self.mail.as_ref().and_then(|m| m.waker.as_ref()) {
            waker.wake();
        }
        Ok(stored)
    }

    /// Changes the header of a DRAFT order at `revision`: its number, supplier and state
    /// stay as they are (states change through [`FournisseursStore::change_order_state`]).
    pub async fn update_order_header(
        &self,
        revision: i64,
        order: PurchaseOrder,
    ) -> Result<OrderWithLines, FournisseursError> {
        let po_number = order.po_number.clone();
        let mut tx = self.db.begin().await.map_err(storage)?;
        let current = locked_order(&mut tx, &po_number).await?;
        if current.revision != revision {
            return Err(FournisseursError::Conflict {
                entity: "purchase order",
                key: po_number,
                revision,
            });
        }
        current.value.check_editable()?;
        let changed = PurchaseOrder {
            supplier_code: current.value.supplier_code.clone(),
            state: current.value.state,
            ..order
        }
        .validate()?;
        record::update(&mut tx, &current.id, revision, changed)
            .await
            .map_err(mapped("purchase order", &po_number))?;
        tx.commit().await.map_err(storage)?;
        self.get_order(&po_number).await
    }

    /// Adds `quantity` received on `received_on` to line `line_no` of a confirmed order.
    pub async fn record_receipt(
        &self,
        po_number: &str,
        line_no: i64,
        quantity: Decimal,
        received_on: NaiveDate,
    ) -> Result<Stored<PurchaseOrderLine>, FournisseursError> {
        let key = format!("{po_number}/{line_no}");
        let mut tx = self.db.begin().await.map_err(storage)?;
        // Locking the order keeps it from being cancelled or closed during the receipt.
        let order = locked_order(&mut tx, po_number).await?;
        let current = record::lock_all::<LineRow>(
            &mut tx,
            &[
                ("order_id", (&order.id).into()),
                ("line_no", line_no.into()),
            ],
        )
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("purchase order line", &key))?;
        let line = order
            .value
            .receive(current.value.line, quantity, received_on)?;
        let row = LineRow {
            order_id: order.id.clone(),
            line,
        };
        let stored = record::update(&mut tx, &current.id, current.revision, row)
            .await
            .map_err(mapped("purchase order line", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(line_of(stored))
    }
}

fn mail_failed(e: impl std::error::Error + Send + Sync + 'static) -> FournisseursError {
    FournisseursError::Storage(Box::new(e))
}

/// Writes `email` into the outbox in `tx`; true when it was new. An e-mail already
/// queued under its key (a replayed change) is not written again.
async fn enqueue(tx: &mut Tx, email: Email) -> Result<bool, MailError> {
    let key = email.dedup_key.clone();
    let done = bascule_mail::enqueue(tx, MAIL_DOMAIN, email).await?;
    if !done.created {
        tracing::info!(dedup_key = key, "e-mail already queued: not written again");
    }
    Ok(done.created)
}

/// Writes, in the transaction of the state change of `order`, the e-mail `mail` that
/// [`notify::plan`] decides: to the supplier, or the notice that it has no address.
/// Returns whether something was queued. An address the outbox refuses (the supplier
/// record holds one lettre cannot parse) leaves the change to go through, with the
/// notice instead; a database failure fails the change, so that it never happens
/// without its e-mail.
async fn write_mail(
    tx: &mut Tx,
    mail: PoMail,
    order: &Stored<PurchaseOrder>,
    addresses: &MailAddresses,
) -> Result<bool, FournisseursError> {
    let po_number = &order.value.po_number;
    let supplier = existing_supplier(tx, &order.value.supplier_code).await?;
    let lines: Vec<PurchaseOrderLine> =
        record::list_all::<LineRow>(tx, &[("order_id", (&order.id).into())])
            .await
            .map_err(storage)?
            .into_iter()
            .map(|r| r.value.line)
            .collect();
    let skus: HashMap<String, String> = record::list_all::<SupplierArticle>(
        tx,
        &[("supplier_code", (&supplier.value.code).into())],
    )
    .await
    .map_err(storage)?
    .into_iter()
    .filter_map(|a| a.value.supplier_sku.map(|sku| (a.value.article_code, sku)))
    .collect();
    let data = OrderMailData {
        order: &order.value,
        lines: &lines,
        supplier: &supplier.value,
        skus: &skus,
    };
    let notice = match notify::plan(mail, &data, addresses).map_err(mail_failed)? {
        Planned::Supplier(email) => match enqueue(tx, email).await {
            Ok(created) => return Ok(created),
            Err(MailError::Invalid(why)) => {
                tracing::warn!(
                    po_number,
                    supplier = supplier.value.code,
                    error = why,
                    "the supplier's ordering address is refused: the administrator is told instead"
                );
                notify::no_address_notice(mail, &data, addresses, Some(&why))
                    .map_err(mail_failed)?
            }
            Err(e) => return Err(mail_failed(e)),
        },
        Planned::NoAddress(notice) => {
            tracing::warn!(
                po_number,
                supplier = supplier.value.code,
                "the supplier has no ordering address: the order is not e-mailed to it"
            );
            notice
        }
    };
    let Some(notice) = notice else {
        tracing::debug!(
            po_number,
            "no administrator nor purchasing address: nobody is told that the supplier got no e-mail"
        );
        return Ok(false);
    };
    match enqueue(tx, notice).await {
        Ok(created) => Ok(created),
        Err(MailError::Invalid(why)) => {
            tracing::error!(
                po_number,
                error = why,
                "the notice to the administrator is refused"
            );
            Ok(false)
        }
        Err(e) => Err(mail_failed(e)),
    }
}
