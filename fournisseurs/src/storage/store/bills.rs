//! Supplier bills and their payments: creation, state changes, payments that never
//! overpay, and the overdue list.

use std::collections::HashMap;

use bascule_platform::db::Exec;
use bascule_platform::db::record::{self, Page, PageRequest, Stored};
use bascule_platform::db::schema::SchemaName;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{FournisseursStore, existing_supplier, mapped, not_found, storage};
use crate::domain::{
    BillState, FournisseursError, Payment, PaymentStatus, PurchaseOrder, SupplierBill, paid_total,
};
use crate::storage::select::select_where;

/// A bill as stored, with its payments by date.
#[derive(Debug, Clone, PartialEq)]
pub struct BillWithPayments {
    pub bill: Stored<SupplierBill>,
    pub payments: Vec<Stored<Payment>>,
}

impl BillWithPayments {
    pub fn paid(&self) -> Decimal {
        paid_total(self.payments.iter().map(|p| &p.value))
    }

    pub fn payment_status(&self) -> PaymentStatus {
        self.bill.value.payment_status(self.paid())
    }

    pub fn outstanding(&self) -> Decimal {
        self.bill.value.outstanding(self.paid())
    }

    pub fn is_overdue(&self, as_of: NaiveDate) -> bool {
        self.bill.value.is_overdue(self.paid(), as_of)
    }
}

/// The bill `id`, locked until the end of the transaction `e` is in.
async fn locked_bill(
    e: &mut impl Exec,
    id: &str,
) -> Result<Stored<SupplierBill>, FournisseursError> {
    record::lock_all::<SupplierBill>(e, &[("id", id.into())])
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("supplier bill", id))
}

async fn payments_of(
    e: &mut impl Exec,
    bill_id: &str,
) -> Result<Vec<Stored<Payment>>, FournisseursError> {
    record::list_all(e, &[("bill_id", bill_id.into())])
        .await
        .map_err(storage)
}

impl FournisseursStore {
    /// Records a bill; its supplier, and its order when it names one, must exist, and the
    /// order must be one of that supplier's.
    pub async fn create_bill(
        &self,
        bill: SupplierBill,
    ) -> Result<Stored<SupplierBill>, FournisseursError> {
        let bill = bill.validate()?;
        let key = bill.key();
        let mut tx = self.db.begin().await.map_err(storage)?;
        existing_supplier(&mut tx, &bill.supplier_code).await?;
        if let Some(po_number) = &bill.po_number {
            let order = record::find_by::<PurchaseOrder>(&mut tx, "po_number", po_number.into())
                .await
                .map_err(storage)?
                .ok_or_else(|| not_found("purchase order", po_number))?;
            bill.check_order_supplier(&order.value.supplier_code)?;
        }
        let stored = record::insert(&mut tx, bill)
            .await
            .map_err(mapped("supplier bill", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    pub async fn get_bill(&self, id: &str) -> Result<BillWithPayments, FournisseursError> {
        let mut tx = self.db.begin().await.map_err(storage)?;
        let bill = record::get::<SupplierBill>(&mut tx, id)
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("supplier bill", id))?;
        let payments = payments_of(&mut tx, id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(BillWithPayments { bill, payments })
    }

    /// The bill a supplier numbered `invoice_number`.
    pub async fn find_bill(
        &self,
        supplier_code: &str,
        invoice_number: &str,
    ) -> Result<BillWithPayments, FournisseursError> {
        let invoice_number = invoice_number.trim();
        let mut tx = self.db.begin().await.map_err(storage)?;
        let bill = record::list_all::<SupplierBill>(
            &mut tx,
            &[
                ("supplier_code", supplier_code.into()),
                ("invoice_number", invoice_number.into()),
            ],
        )
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            not_found(
                "supplier bill",
                &format!("{supplier_code}/{invoice_number}"),
            )
        })?;
        let payments = payments_of(&mut tx, &bill.id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(BillWithPayments { bill, payments })
    }

    /// Bills by invoice date, those of one supplier when `supplier_code` is given.
    pub async fn list_bills(
        &self,
        supplier_code: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Stored<SupplierBill>>, FournisseursError> {
        let filter: Vec<_> = supplier_code
            .map(|c| ("supplier_code", c.into()))
            .into_iter()
            .collect();
        record::list(&mut self.db.clone(), &filter, page)
            .await
            .map_err(storage)
    }

    /// Changes a DRAFT bill at `revision`; its supplier and state stay as they are. The
    /// order it names, when it names one, must be one of the supplier's.
    pub async fn update_bill(
        &self,
        id: &str,
        revision: i64,
        bill: SupplierBill,
    ) -> Result<Stored<SupplierBill>, FournisseursError> {
        let mut tx = self.db.begin().await.map_err(storage)?;
        let current = locked_bill(&mut tx, id).await?;
        let key = current.value.key();
        if current.revision != revision {
            return Err(FournisseursError::Conflict {
                entity: "supplier bill",
                key,
                revision,
            });
        }
        current.value.check_editable()?;
        let changed = SupplierBill {
            supplier_code: current.value.supplier_code.clone(),
            state: current.value.state,
            ..bill
        }
        .validate()?;
        if let Some(po_number) = &changed.po_number {
            let order = record::find_by::<PurchaseOrder>(&mut tx, "po_number", po_number.into())
                .await
                .map_err(storage)?
                .ok_or_else(|| not_found("purchase order", po_number))?;
            changed.check_order_supplier(&order.value.supplier_code)?;
        }
        let paid = paid_total(payments_of(&mut tx, id).await?.iter().map(|p| &p.value));
        if changed.amount_incl_tax < paid {
            return Err(FournisseursError::invalid(
                "amount_incl_tax",
                format!("{paid} was already paid on this bill"),
            ));
        }
        let new_key = changed.key();
        let stored = record::update(&mut tx, id, revision, changed)
            .await
            .map_err(mapped("supplier bill", &new_key))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    pub async fn get_payment(&self, id: &str) -> Result<Stored<Payment>, FournisseursError> {
        record::get::<Payment>(&mut self.db.clone(), id)
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("payment", id))
    }

    /// Moves a bill at `revision` to state `to`, as the transition table allows. A bill
    /// with payments is not cancelled: the payments would be left pointing at nothing due.
    pub async fn change_bill_state(
        &self,
        id: &str,
        revision: i64,
        to: BillState,
    ) -> Result<Stored<SupplierBill>, FournisseursError> {
        let mut tx = self.db.begin().await.map_err(storage)?;
        let current = locked_bill(&mut tx, id).await?;
        let key = current.value.key();
        if current.revision != revision {
            return Err(FournisseursError::Conflict {
                entity: "supplier bill",
                key,
                revision,
            });
        }
        let next = current.value.transition_to(to)?;
        if to == BillState::Cancelled && !payments_of(&mut tx, id).await?.is_empty() {
            return Err(FournisseursError::Refused {
                entity: "supplier bill",
                key,
                reason: "it has payments: they must be reversed before it is cancelled".into(),
            });
        }
        let stored = record::update(&mut tx, id, revision, next)
            .await
            .map_err(mapped("supplier bill", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    /// Records a payment of a bill; refused on a cancelled bill or beyond what is due.
    pub async fn record_payment(
        &self,
        payment: Payment,
    ) -> Result<Stored<Payment>, FournisseursError> {
        let payment = payment.validate()?;
        let mut tx = self.db.begin().await.map_err(storage)?;
        // The lock makes concurrent payments of one bill wait for each other.
        let bill = locked_bill(&mut tx, &payment.bill_id).await?;
        let paid = paid_total(
            payments_of(&mut tx, &bill.id)
                .await?
                .iter()
                .map(|p| &p.value),
        );
        bill.value.check_payment(paid, payment.amount)?;
        let stored = record::insert(&mut tx, payment)
            .await
            .map_err(mapped("payment", &bill.value.key()))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    pub async fn list_payments(
        &self,
        bill_id: &str,
    ) -> Result<Vec<Stored<Payment>>, FournisseursError> {
        Ok(self.get_bill(bill_id).await?.payments)
    }

    /// The bills overdue on `as_of`, by due date, with their payments.
    pub async fn list_overdue_bills(
        &self,
        as_of: NaiveDate,
    ) -> Result<Vec<BillWithPayments>, FournisseursError> {
        let cancelled = BillState::Cancelled.as_str();
        let mut tx = self.db.begin().await.map_err(storage)?;
        let bills_table = tx
            .dialect()
            .table(SchemaName::Fournisseurs, "supplier_bill");
        let bills = select_where::<SupplierBill>(&mut tx, |b| {
            b.push("due_date < ")
                .bind(as_of)
                .push(" AND state <> ")
                .bind(cancelled)
                .push(" ORDER BY due_date, id");
        })
        .await
        .map_err(storage)?;
        let payments = select_where::<Payment>(&mut tx, |b| {
            b.push(&format!(
                "bill_id IN (SELECT id FROM {bills_table} WHERE due_date < "
            ))
            .bind(as_of)
            .push(" AND state <> ")
            .bind(cancelled)
            .push(") ORDER BY paid_on, id");
        })
        .await
        .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        let mut by_bill: HashMap<String, Vec<Stored<Payment>>> = HashMap::new();
        for p in payments {
            by_bill.entry(p.value.bill_id.clone()).or_default().push(p);
        }
        Ok(bills
            .into_iter()
            .map(|bill| {
                let payments = by_bill.remove(&bill.id).unwrap_or_default();
                BillWithPayments { bill, payments }
            })
            .filter(|b| b.is_overdue(as_of))
            .collect())
    }
}
