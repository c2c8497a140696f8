//! What the service's lists need of the store: filtered, ordered keyset pages of any
//! fournisseurs entity, and the children of a page's rows (order lines, receipt lines,
//! payments) read in one query per page rather than one per row.

use std::collections::HashMap;

use bascule_platform::db::DbError;
use bascule_platform::db::record::{Page, Record, Stored};
use bascule_platform::db::search::{self, ListQuery};

use super::orders::line_of;
use super::{FournisseursStore, storage};
use crate::domain::{FournisseursError, Payment, PurchaseOrderLine, ReceiptLine};
use crate::storage::records::{LineRow, ReceiptLineRow};
use crate::storage::select::select_where;

/// The rows of `T` whose `column` is one of `ids`, in `T`'s order, grouped by that column.
async fn children_of<T: Record>(
    store: &FournisseursStore,
    column: &'static str,
    ids: &[&str],
    parent: impl Fn(&T) -> &str,
) -> Result<HashMap<String, Vec<Stored<T>>>, FournisseursError> {
    let mut grouped: HashMap<String, Vec<Stored<T>>> = HashMap::new();
    if ids.is_empty() {
        return Ok(grouped);
    }
    let rows = select_where::<T>(&mut store.db.clone(), |b| {
        b.push(&format!("{column} IN ("));
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.bind(*id);
        }
        b.push(&format!(") ORDER BY {}, id", T::ORDER_BY));
    })
    .await
    .map_err(storage)?;
    for row in rows {
        grouped
            .entry(parent(&row.value).to_owned())
            .or_default()
            .push(row);
    }
    Ok(grouped)
}

impl FournisseursStore {
    /// One page of any fournisseurs entity, filtered and ordered as asked.
    pub async fn search<T: Record>(
        &self,
        query: &ListQuery<'_>,
    ) -> Result<Page<Stored<T>>, FournisseursError> {
        search::search(&mut self.db.clone(), query)
            .await
            .map_err(|e| match e {
                DbError::InvalidPageToken => FournisseursError::invalid(
                    "page_token",
                    "does not come from the previous page of this same list",
                ),
                other => storage(other),
            })
    }

    /// The lines of the orders `order_ids`, by order id, in line number order.
    pub async fn lines_of_orders(
        &self,
        order_ids: &[&str],
    ) -> Result<HashMap<String, Vec<Stored<PurchaseOrderLine>>>, FournisseursError> {
        let rows = children_of::<LineRow>(self, "order_id", order_ids, |r| &r.order_id).await?;
        Ok(rows
            .into_iter()
            .map(|(id, lines)| (id, lines.into_iter().map(line_of).collect()))
            .collect())
    }

    /// The lines of the receipts `receipt_ids`, by receipt id, in line number order.
    pub async fn lines_of_receipts(
        &self,
        receipt_ids: &[&str],
    ) -> Result<HashMap<String, Vec<ReceiptLine>>, FournisseursError> {
        let rows =
            children_of::<ReceiptLineRow>(self, "receipt_id", receipt_ids, |r| &r.receipt_id)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, lines)| (id, lines.into_iter().map(|l| l.value.line).collect()))
            .collect())
    }

    /// The payments of the bills `bill_ids`, by bill id, by payment date.
    pub async fn payments_of_bills(
        &self,
        bill_ids: &[&str],
    ) -> Result<HashMap<String, Vec<Stored<Payment>>>, FournisseursError> {
        children_of::<Payment>(self, "bill_id", bill_ids, |p| &p.bill_id).await
    }
}
