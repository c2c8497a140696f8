//! What the service adds to the store: filtered, ordered keyset pages of every entity
//! (bills with their lines, orders with their tools), the tools due for maintenance as
//! such a page, and maintenance records by id.

use std::collections::BTreeMap;

use bascule_platform::db::record::{self, Page, Record, Stored};
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::search::{self, Comparison, ListQuery, Op};
use bascule_platform::db::{DbError, Exec, Kind, SqlBuilder, Value};
use chrono::NaiveDate;

use super::orders::with_tools;
use super::{ProductionStore, not_found, storage};
use crate::domain::{
    BillOfMaterials, BomLine, MaintenanceRecord, ManufacturingOrder, ProductionError, Tool,
};
use crate::storage::records::{BomHeader, OrderHeader, rewrap};

/// A search error in the domain's terms: a token from another list is bad input.
fn searched(e: DbError) -> ProductionError {
    match e {
        DbError::InvalidPageToken => ProductionError::invalid(
            "page_token",
            "does not come from the previous page of this same list",
        ),
        other => storage(other),
    }
}

/// The lines of each of `bom_ids`, in line order, in one query.
async fn lines_of(
    e: &mut impl Exec,
    bom_ids: &[&str],
) -> Result<BTreeMap<String, Vec<BomLine>>, DbError> {
    let mut lines: BTreeMap<String, Vec<BomLine>> = BTreeMap::new();
    if bom_ids.is_empty() {
        return Ok(lines);
    }
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT bom_id, line_no, component_code, quantity, unit FROM {} WHERE bom_id IN (",
        e.dialect().table(SchemaName::Production, "bom_line")
    ));
    for (i, id) in bom_ids.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(*id);
    }
    b.push(") ORDER BY bom_id, line_no");
    let query = b.query(&[
        ("bom_id", Kind::Text),
        ("line_no", Kind::Int),
        ("component_code", Kind::Text),
        ("quantity", Kind::Decimal),
        ("unit", Kind::Text),
    ]);
    for mut row in e.fetch(query).await? {
        let bom_id: String = row.get("bom_id")?;
        lines.entry(bom_id).or_default().push(BomLine {
            line_no: row.get("line_no")?,
            component_code: row.get("component_code")?,
            quantity: row.get("quantity")?,
            unit: row.get("unit")?,
        });
    }
    Ok(lines)
}

impl ProductionStore {
    /// One page of tools, maintenance records or progress entries, filtered and
    /// ordered as asked.
    pub async fn search<T: Record>(
        &self,
        query: &ListQuery<'_>,
    ) -> Result<Page<Stored<T>>, ProductionError> {
        search::search(&mut self.db.clone(), query)
            .await
            .map_err(searched)
    }

    /// One page of bills, each with its lines.
    pub async fn search_boms(
        &self,
        query: &ListQuery<'_>,
    ) -> Result<Page<Stored<BillOfMaterials>>, ProductionError> {
        let mut db = self.db.clone();
        let headers = search::search::<BomHeader>(&mut db, query)
            .await
            .map_err(searched)?;
        let ids: Vec<&str> = headers.items.iter().map(|h| h.id.as_str()).collect();
        let mut lines = lines_of(&mut db, &ids).await.map_err(storage)?;
        let items = headers
            .items
            .into_iter()
            .map(|h| {
                let mut bom = h.value.0.clone();
                bom.lines = lines.remove(&h.id).unwrap_or_default();
                rewrap(h, bom)
            })
            .collect();
        Ok(Page {
            items,
            next_token: headers.next_token,
        })
    }

    /// One page of orders, each with its tools.
    pub async fn search_orders(
        &self,
        query: &ListQuery<'_>,
    ) -> Result<Page<Stored<ManufacturingOrder>>, ProductionError> {
        let mut db = self.db.clone();
        let headers = search::search::<OrderHeader>(&mut db, query)
            .await
            .map_err(searched)?;
        let items = with_tools(&mut db, headers.items).await?;
        Ok(Page {
            items,
            next_token: headers.next_token,
        })
    }

    /// One page of the tools due for maintenance on `as_of` (see [`Tool::is_due`])
    /// among those `query` selects.
    pub async fn search_tools_due(
        &self,
        as_of: NaiveDate,
        query: ListQuery<'_>,
    ) -> Result<Page<Stored<Tool>>, ProductionError> {
        let mut criteria = query.criteria;
        criteria.all_of.push(vec![Comparison {
            column: "state",
            op: Op::Ne,
            value: "SCRAPPED".into(),
        }]);
        // A NULL on either side compares as unknown, so a tool without a maximum or a
        // date is due by the other rule only.
        criteria.all_of.push(vec![
            Comparison {
                column: "cycles_to_maintenance",
                op: Op::Le,
                value: Value::Int(0),
            },
            Comparison {
                column: "next_maintenance_on",
                op: Op::Le,
                value: Value::Date(as_of),
            },
        ]);
        self.search(&ListQuery { criteria, ..query }).await
    }

    pub async fn get_maintenance(
        &self,
        id: &str,
    ) -> Result<Stored<MaintenanceRecord>, ProductionError> {
        record::get(&mut self.db.clone(), id)
            .await
            .map_err(storage)?
            .ok_or_else(|| not_found("maintenance record", id))
    }
}
