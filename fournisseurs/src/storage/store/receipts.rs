//! Receipts of goods on purchase orders: checked before the stock service is told,
//! recorded once it has posted the movements.

use bascule_platform::db::record::{self, Stored};
use rust_decimal::Decimal;

use super::orders::{OrderWithLines, line_of, locked_order};
use super::{FournisseursStore, mapped, not_found, storage};
use crate::domain::{FournisseursError, PurchaseOrderLine, Receipt, ReceiptLine};
use crate::storage::records::{LineRow, ReceiptLineRow};

/// A receipt as stored, with its lines in line number order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptWithLines {
    pub receipt: Stored<Receipt>,
    pub lines: Vec<ReceiptLine>,
}

impl FournisseursStore {
    /// The order lines a receipt would change, as they would be after it, checked without
    /// writing anything: the stock service is only told about a receipt the order accepts.
    pub async fn check_receipt(
        &self,
        receipt: &Receipt,
        quantities: &[(i64, Decimal)],
    ) -> Result<Vec<PurchaseOrderLine>, FournisseursError> {
        let order = self.get_order(&receipt.po_number).await?;
        let lines: Vec<PurchaseOrderLine> = order.lines.into_iter().map(|l| l.value).collect();
        order
            .order
            .value
            .receive_lines(&lines, quantities, receipt.received_on)
    }

    /// Records receipt `id` and adds its quantities to the order's lines, in one
    /// transaction; returns the receipt and the order after it. The order is checked again under its lock: it may have been closed or
    /// cancelled since [`FournisseursStore::check_receipt`].
    pub async fn record_receipt_lines(
        &self,
        id: &str,
        receipt: Receipt,
        lines: Vec<ReceiptLine>,
    ) -> Result<(ReceiptWithLines, OrderWithLines), FournisseursError> {
        let receipt = receipt.validate()?;
        let po_number = receipt.po_number.clone();
        let mut tx = self.db.begin().await.map_err(storage)?;
        let order = locked_order(&mut tx, &po_number).await?;
        let current = record::lock_all::<LineRow>(&mut tx, &[("order_id", (&order.id).into())])
            .await
            .map_err(storage)?;
        let plain: Vec<PurchaseOrderLine> = current.iter().map(|r| r.value.line.clone()).collect();
        let quantities: Vec<(i64, Decimal)> =
            lines.iter().map(|l| (l.line_no, l.quantity)).collect();
        let received = order
            .value
            .receive_lines(&plain, &quantities, receipt.received_on)?;
        for line in received {
            let key = format!("{po_number}/{}", line.line_no);
            let row = current
                .iter()
                .find(|r| r.value.line.line_no == line.line_no)
                .ok_or_else(|| not_found("purchase order line", &key))?;
            let changed = LineRow {
                order_id: order.id.clone(),
                line,
            };
            record::update(&mut tx, &row.id, row.revision, changed)
                .await
                .map_err(mapped("purchase order line", &key))?;
        }
        let stored = record::insert_with_id(&mut tx, id.to_owned(), receipt)
            .await
            .map_err(mapped("receipt", id))?;
        for line in &lines {
            let row = ReceiptLineRow {
                receipt_id: id.to_owned(),
                line: line.clone(),
            };
            record::insert(&mut tx, row)
                .await
                .map_err(mapped("receipt line", &format!("{id}/{}", line.line_no)))?;
        }
        // The order as the receipt left it, read in the same transaction: the caller
        // answers with it and must not fail once the receipt is recorded.
        let order_lines = record::list_all::<LineRow>(&mut tx, &[("order_id", (&order.id).into())])
            .await
            .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        let mut lines = lines;
        lines.sort_by_key(|l| l.line_no);
        let receipt = ReceiptWithLines {
            receipt: stored,
            lines,
        };
        let order = OrderWithLines {
            order,
            lines: order_lines.into_iter().map(line_of).collect(),
        };
        Ok((receipt, order))
    }

    pub async fn get_receipt(&self, id: &str) -> Result<ReceiptWithLines, FournisseursError> {
        let receipt = record::get::<Receipt>(&mut self.db.clone(), id)
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("receipt", id))?;
        let lines = self
            .lines_of_receipts(&[id])
            .await?
            .remove(id)
            .unwrap_or_default();
        Ok(ReceiptWithLines { receipt, lines })
    }
}
