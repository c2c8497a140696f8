//! Bills of materials, manufacturing orders and their progress on the target database.

use std::collections::BTreeMap;

use bascule_platform::db::record::{self, Page, PageRequest, Stored};
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{DbError, Exec, Kind, SqlBuilder, Tx};

use bascule_mail::{Deferred, MailError};

use super::{ProductionStore, check_revision, mapped, not_found, storage};
use crate::domain::{
    BillOfMaterials, ManufacturingOrder, MoState, ProductionError, ProgressEntry, ProgressTotals,
    Tool,
};
use crate::notify::MAIL_DOMAIN;
use crate::storage::records::{BomHeader, BomLineRow, OrderHeader, OrderTool, rewrap};

/// The entries reported on an order and what they add up to.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderProgress {
    /// Oldest first.
    pub entries: Vec<Stored<ProgressEntry>>,
    pub totals: ProgressTotals,
}

const ORDER: &str = "manufacturing order";

// Reads need no transaction: a bill's lines are fixed when it is created, entries are
// only ever appended, and an order's tools change only while it is a DRAFT (a read racing
// that update may see the tools of the next revision, which planning tolerates).

/// The tool codes of each of `mo_numbers`, in code order, in one query.
async fn tools_of(
    e: &mut impl Exec,
    mo_numbers: &[&str],
) -> Result<BTreeMap<String, Vec<String>>, DbError> {
    let mut tools: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if mo_numbers.is_empty() {
        return Ok(tools);
    }
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT mo_number, tool_code FROM {} WHERE mo_number IN (",
        e.dialect()
            .table(SchemaName::Production, "manufacturing_order_tool")
    ));
    for (i, n) in mo_numbers.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(*n);
    }
    b.push(") ORDER BY mo_number, tool_code");
    let query = b.query(&[("mo_number", Kind::Text), ("tool_code", Kind::Text)]);
    for mut row in e.fetch(query).await? {
        let mo_number: String = row.get("mo_number")?;
        tools
            .entry(mo_number)
            .or_default()
            .push(row.get("tool_code")?);
    }
    Ok(tools)
}

/// Completes order headers with their tools.
pub(super) async fn with_tools(
    e: &mut impl Exec,
    headers: Vec<Stored<OrderHeader>>,
) -> Result<Vec<Stored<ManufacturingOrder>>, ProductionError> {
    let numbers: Vec<&str> = headers
        .iter()
        .map(|h| h.value.0.mo_number.as_str())
        .collect();
    let mut tools = tools_of(e, &numbers).await.map_err(storage)?;
    Ok(headers
        .into_iter()
        .map(|h| {
            let mut order = h.value.0.clone();
            order.tool_codes = tools.remove(&order.mo_number).unwrap_or_default();
            rewrap(h, order)
        })
        .collect())
}

async fn locked_order(
    tx: &mut Tx,
    mo_number: &str,
) -> Result<Stored<OrderHeader>, ProductionError> {
    record::lock_all::<OrderHeader>(tx, &[("mo_number", mo_number.into())])
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| not_found(ORDER, mo_number))
}

/// Refuses an unknown or scrapped tool on an order.
async fn check_tools(tx: &mut Tx, codes: &[String]) -> Result<(), ProductionError> {
    for code in codes {
        let tool = record::find_by::<Tool>(tx, "code", code.as_str().into())
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("tool", code))?;
        tool.value
            .refuse_scrapped("a scrapped tool cannot be planned")?;
    }
    Ok(())
}

async fn insert_tools(
    tx: &mut Tx,
    mo_number: &str,
    codes: &[String],
) -> Result<(), ProductionError> {
    for tool_code in codes {
        let row = OrderTool {
            mo_number: mo_number.to_owned(),
            tool_code: tool_code.clone(),
        };
        record::insert(tx, row)
            .await
            .map_err(mapped("manufacturing order tool", tool_code))?;
    }
    Ok(())
}

impl ProductionStore {
    /// Stores a bill with its lines, in one transaction.
    pub async fn create_bom(
        &self,
        bom: BillOfMaterials,
    ) -> Result<Stored<BillOfMaterials>, ProductionError> {
        let bom = bom.validate()?;
        let key = bom.article_code.clone();
        let mut tx = self.begin().await?;
        let header = record::insert(&mut tx, BomHeader(bom))
            .await
            .map_err(mapped("bill of materials", &key))?;
        for line in &header.value.0.lines {
            let row = BomLineRow {
                bom_id: header.id.clone(),
                line: line.clone(),
            };
            record::insert(&mut tx, row)
                .await
                .map_err(mapped("bill of materials line", &key))?;
        }
        tx.commit().await.map_err(storage)?;
        let bom = header.value.0.clone();
        Ok(rewrap(header, bom))
    }

    /// The bill that produces `article_code`, with its lines.
    pub async fn get_bom(
        &self,
        article_code: &str,
    ) -> Result<Stored<BillOfMaterials>, ProductionError> {
        let mut db = self.db.clone();
        let header = record::find_by::<BomHeader>(&mut db, "article_code", article_code.into())
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("bill of materials", article_code))?;
        let lines = record::list_all::<BomLineRow>(&mut db, &[("bom_id", (&header.id).into())])
            .await
            .map_err(storage)?;
        let mut bom = header.value.0.clone();
        bom.lines = lines.into_iter().map(|l| l.value.line).collect();
        Ok(rewrap(header, bom))
    }

    /// Stores an order with its tools, in one transaction. Every tool must exist and not
    /// be scrapped. The state is kept as given: migrated orders arrive finished.
    pub async fn create_order(
        &self,
        order: ManufacturingOrder,
    ) -> Result<Stored<ManufacturingOrder>, ProductionError> {
        let order = order.validate()?;
        let key = order.mo_number.clone();
        let mut tx = self.begin().await?;
        check_tools(&mut tx, &order.tool_codes).await?;
        let header = record::insert(&mut tx, OrderHeader(order))
            .await
            .map_err(mapped(ORDER, &key))?;
        insert_tools(&mut tx, &key, &header.value.0.tool_codes).await?;
        tx.commit().await.map_err(storage)?;
        let order = header.value.0.clone();
        Ok(rewrap(header, order))
    }

    /// Replaces a DRAFT order at `revision` with `order` and its tools, in one
    /// transaction. Its number and state never change here: the state only through
    /// [`Self::change_order_state`].
    pub async fn update_order(
        &self,
        mo_number: &str,
        revision: i64,
        order: ManufacturingOrder,
    ) -> Result<Stored<ManufacturingOrder>, ProductionError> {
        let order = order.validate()?;
        if order.mo_number != mo_number {
            return Err(ProductionError::invalid(
                "mo_number",
                "an order's number cannot change",
            ));
        }
        let mut tx = self.begin().await?;
        let current = locked_order(&mut tx, mo_number).await?;
        check_revision(ORDER, mo_number, revision, current.revision)?;
        let state = current.value.0.state;
        if state != MoState::Draft {
            return Err(ProductionError::WrongState {
                entity: ORDER,
                key: mo_number.to_owned(),
                state: state.as_str(),
                reason: "an order changes only while DRAFT".into(),
            });
        }
        if order.state != state {
            return Err(ProductionError::invalid(
                "state",
                "an order's state changes through its transitions",
            ));
        }
        check_tools(&mut tx, &order.tool_codes).await?;
        let header = record::update(&mut tx, &current.id, revision, OrderHeader(order))
            .await
            .map_err(mapped(ORDER, mo_number))?;
        let mut b = SqlBuilder::new(tx.dialect());
        b.push(&format!(
            "DELETE FROM {} WHERE mo_number = ",
            tx.dialect()
                .table(SchemaName::Production, "manufacturing_order_tool")
        ))
        .bind(mo_number);
        tx.execute(b.statement()).await.map_err(storage)?;
        insert_tools(&mut tx, mo_number, &header.value.0.tool_codes).await?;
        tx.commit().await.map_err(storage)?;
        let order = header.value.0.clone();
        Ok(rewrap(header, order))
    }

    /// The order `mo_number` with its tools.
    pub async fn get_order(
        &self,
        mo_number: &str,
    ) -> Result<Stored<ManufacturingOrder>, ProductionError> {
        let mut db = self.db.clone();
        let header = record::find_by::<OrderHeader>(&mut db, "mo_number", mo_number.into())
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found(ORDER, mo_number))?;
        let mut orders = with_tools(&mut db, vec![header]).await?;
        orders.pop().ok_or_else(|| not_found(ORDER, mo_number))
    }

    /// Orders with their tools, in number order, optionally only those in `state`.
    pub async fn list_orders(
        &self,
        state: Option<MoState>,
        page: &PageRequest,
    ) -> Result<Page<Stored<ManufacturingOrder>>, ProductionError> {
        let filter: Vec<_> = state
            .map(|s| ("state", s.as_str().into()))
            .into_iter()
            .collect();
        let mut db = self.db.clone();
        let headers = record::list::<OrderHeader>(&mut db, &filter, page)
            .await
            .map_err(storage)?;
        let items = with_tools(&mut db, headers.items).await?;
        Ok(Page {
            items,
            next_token: headers.next_token,
        })
    }

    /// Moves an order at `revision` to state `to` if the transition table allows it.
    pub async fn change_order_state(
        &self,
        mo_number: &str,
        revision: i64,
        to: MoState,
    ) -> Result<Stored<ManufacturingOrder>, ProductionError> {
        self.change_order_state_mailing(mo_number, revision, to, |_| None)
            .await
    }

    /// [`Self::change_order_state`] that also writes, in the same transaction, the
    /// deferred e-mail `mail` makes of the order in its new state, if any: the state
    /// and its e-mail are committed together, or neither. An e-mail refused as made is
    /// logged and left out; the change stands.
    pub async fn change_order_state_mailing(
        &self,
        mo_number: &str,
        revision: i64,
        to: MoState,
        mail: impl FnOnce(&ManufacturingOrder) -> Option<Deferred>,
    ) -> Result<Stored<ManufacturingOrder>, ProductionError> {
        let mut tx = self.begin().await?;
        let current = locked_order(&mut tx, mo_number).await?;
        check_revision(ORDER, mo_number, revision, current.revision)?;
        let next = current.value.0.change_state(to)?;
        let header = record::update(&mut tx, &current.id, revision, OrderHeader(next))
            .await
            .map_err(mapped(ORDER, mo_number))?;
        if let Some(deferred) = mail(&header.value.0) {
            match bascule_mail::enqueue_deferred(&mut tx, MAIL_DOMAIN, deferred).await {
                Ok(_) => {}
                Err(MailError::Db(e)) => return Err(storage(e)),
                Err(e) => {
                    tracing::error!(mo_number, error = %e, "order e-mail not written");
                }
            }
        }
        let mut orders = with_tools(&mut tx, vec![header]).await?;
        tx.commit().await.map_err(storage)?;
        orders.pop().ok_or_else(|| not_found(ORDER, mo_number))
    }

    /// Records progress on an order; refused unless the order is IN_PROGRESS. The order
    /// stays locked meanwhile, so that it cannot be finished under the entry.
    pub async fn add_progress(
        &self,
        entry: ProgressEntry,
    ) -> Result<Stored<ProgressEntry>, ProductionError> {
        let entry = entry.validate()?;
        let key = entry.mo_number.clone();
        let mut tx = self.begin().await?;
        let order = locked_order(&mut tx, &key).await?;
        order.value.0.check_accepts_progress()?;
        let stored = record::insert(&mut tx, entry)
            .await
            .map_err(mapped("progress entry", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    /// Every entry reported on an order, with the totals derived from them.
    pub async fn list_progress(&self, mo_number: &str) -> Result<OrderProgress, ProductionError> {
        let mut db = self.db.clone();
        let order = record::find_by::<OrderHeader>(&mut db, "mo_number", mo_number.into())
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found(ORDER, mo_number))?;
        let entries =
            record::list_all::<ProgressEntry>(&mut db, &[("mo_number", mo_number.into())])
                .await
                .map_err(storage)?;
        let totals = ProgressTotals::of(order.value.0.quantity, entries.iter().map(|e| &e.value));
        Ok(OrderProgress { entries, totals })
    }
}
