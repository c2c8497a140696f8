//! How each production entity maps to its table's columns. Entities with child rows
//! (a bill's lines, an order's tools) are stored through header types private to
//! storage, so that no public record is ever read back without its children.

use bascule_platform::db::record::{Record, Stored};
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::{DbError, Row, Value};

use super::schema::table;
use crate::domain::{
    BillOfMaterials, BomLine, MaintenanceKind, MaintenanceRecord, ManufacturingOrder, MoState,
    Operator, ProductionError, ProgressEntry, Tool, ToolKind, ToolState,
};

fn decode_err(e: ProductionError) -> DbError {
    DbError::Decode(e.to_string())
}

/// The same stored record with another value (a header completed with its children).
pub(super) fn rewrap<T, U>(stored: Stored<T>, value: U) -> Stored<U> {
    Stored {
        id: stored.id,
        revision: stored.revision,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        value,
    }
}

impl Record for Tool {
    const SCHEMA: SchemaName = SchemaName::Production;
    const ORDER_BY: &'static str = "code";

    fn table_def() -> &'static TableDef {
        table("tool")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("code", (&self.code).into()),
            ("name", (&self.name).into()),
            ("kind", self.kind.as_str().into()),
            ("state", self.state.as_str().into()),
            ("location", (&self.location).into()),
            ("cycle_counter", self.cycle_counter.into()),
            (
                "cycles_at_last_maintenance",
                self.cycles_at_last_maintenance.into(),
            ),
            ("max_cycles", self.max_cycles_between_maintenance.into()),
            ("cycles_to_maintenance", self.cycles_to_maintenance().into()),
            ("next_maintenance_on", self.next_maintenance_on.into()),
            ("last_maintenance_on", self.last_maintenance_on.into()),
            ("purchased_on", self.purchased_on.into()),
            ("purchase_price", self.purchase_price.into()),
            ("note", self.note.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Tool {
            code: row.get("code")?,
            name: row.get("name")?,
            kind: ToolKind::parse(&row.get::<String>("kind")?).map_err(decode_err)?,
            state: ToolState::parse(&row.get::<String>("state")?).map_err(decode_err)?,
            location: row.get("location")?,
            cycle_counter: row.get("cycle_counter")?,
            cycles_at_last_maintenance: row.get("cycles_at_last_maintenance")?,
            max_cycles_between_maintenance: row.get("max_cycles")?,
            next_maintenance_on: row.get("next_maintenance_on")?,
            last_maintenance_on: row.get("last_maintenance_on")?,
            purchased_on: row.get("purchased_on")?,
            purchase_price: row.get("purchase_price")?,
            note: row.get("note")?,
        })
    }
}

impl Record for MaintenanceRecord {
    const SCHEMA: SchemaName = SchemaName::Production;
    const ORDER_BY: &'static str = "performed_on";

    fn table_def() -> &'static TableDef {
        table("maintenance_record")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("tool_code", (&self.tool_code).into()),
            ("kind", self.kind.as_str().into()),
            ("performed_on", self.performed_on.into()),
            ("cycle_counter", self.cycle_counter.into()),
            ("performed_by", (&self.performed_by).into()),
            ("note", self.note.clone().into()),
            ("next_due_on", self.next_due_on.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(MaintenanceRecord {
            tool_code: row.get("tool_code")?,
            kind: MaintenanceKind::parse(&row.get::<String>("kind")?).map_err(decode_err)?,
            performed_on: row.get("performed_on")?,
            cycle_counter: row.get("cycle_counter")?,
            performed_by: row.get("performed_by")?,
            note: row.get("note")?,
            next_due_on: row.get("next_due_on")?,
        })
    }
}

/// A bill without its lines, as its own table holds it.
#[derive(Debug)]
pub(super) struct BomHeader(pub BillOfMaterials);

impl Record for BomHeader {
    const SCHEMA: SchemaName = SchemaName::Production;
    const ORDER_BY: &'static str = "article_code";

    fn table_def() -> &'static TableDef {
        table("bill_of_materials")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("article_code", (&self.0.article_code).into()),
            ("name", (&self.0.name).into()),
            ("batch_qty", self.0.batch_qty.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(BomHeader(BillOfMaterials {
            article_code: row.get("article_code")?,
            name: row.get("name")?,
            batch_qty: row.get("batch_qty")?,
            lines: Vec::new(),
        }))
    }
}

#[derive(Debug)]
pub(super) struct BomLineRow {
    pub bom_id: String,
    pub line: BomLine,
}

impl Record for BomLineRow {
    const SCHEMA: SchemaName = SchemaName::Production;
    const ORDER_BY: &'static str = "line_no";

    fn table_def() -> &'static TableDef {
        table("bom_line")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("bom_id", (&self.bom_id).into()),
            ("line_no", self.line.line_no.into()),
            ("component_code", (&self.line.component_code).into()),
            ("quantity", self.line.quantity.into()),
            ("unit", (&self.line.unit).into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(BomLineRow {
            bom_id: row.get("bom_id")?,
            line: BomLine {
                line_no: row.get("line_no")?,
                component_code: row.get("component_code")?,
                quantity: row.get("quantity")?,
                unit: row.get("unit")?,
            },
        })
    }
}

/// An order without its tools, as its own table holds it.
#[derive(Debug)]
pub(crate) struct OrderHeader(pub ManufacturingOrder);

impl Record for OrderHeader {
    const SCHEMA: SchemaName = SchemaName::Production;
    const ORDER_BY: &'static str = "mo_number";

    fn table_def() -> &'static TableDef {
        table("manufacturing_order")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let o = &self.0;
        vec![
            ("mo_number", (&o.mo_number).into()),
            ("article_code", (&o.article_code).into()),
            ("quantity", o.quantity.into()),
            ("state", o.state.as_str().into()),
            ("planned_start_on", o.planned_start_on.into()),
            ("planned_end_on", o.planned_end_on.into()),
            ("deadline_on", o.deadline_on.into()),
            ("origin_order_number", o.origin_order_number.clone().into()),
            ("customer_code", o.customer_code.clone().into()),
            ("note", o.note.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(OrderHeader(ManufacturingOrder {
            mo_number: row.get("mo_number")?,
            article_code: row.get("article_code")?,
            quantity: row.get("quantity")?,
            state: MoState::parse(&row.get::<String>("state")?).map_err(decode_err)?,
            planned_start_on: row.get("planned_start_on")?,
            planned_end_on: row.get("planned_end_on")?,
            deadline_on: row.get("deadline_on")?,
            origin_order_number: row.get("origin_order_number")?,
            customer_code: row.get("customer_code")?,
            tool_codes: Vec::new(),
            note: row.get("note")?,
        }))
    }
}

/// One tool used by an order.
#[derive(Debug)]
pub(crate) struct OrderTool {
    pub mo_number: String,
    pub tool_code: String,
}

impl Record for OrderTool {
    const SCHEMA: SchemaName = SchemaName::Production;
    const ORDER_BY: &'static str = "tool_code";

    fn table_def() -> &'static TableDef {
        table("manufacturing_order_tool")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("mo_number", (&self.mo_number).into()),
            ("tool_code", (&self.tool_code).into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(OrderTool {
            mo_number: row.get("mo_number")?,
            tool_code: row.get("tool_code")?,
        })
    }
}

impl Record for ProgressEntry {
    const SCHEMA: SchemaName = SchemaName::Production;
    const ORDER_BY: &'static str = "entry_at";

    fn table_def() -> &'static TableDef {
        table("progress_entry")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("mo_number", (&self.mo_number).into()),
            ("entry_at", self.entry_at.into()),
            ("qty_good", self.qty_good.into()),
            ("qty_scrap", self.qty_scrap.into()),
            ("operator", (&self.operator).into()),
            ("work_station", (&self.work_station).into()),
            ("note", self.note.clone().into()),
            ("recorded_at", self.recorded_at.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(ProgressEntry {
            mo_number: row.get("mo_number")?,
            entry_at: row.get("entry_at")?,
            qty_good: row.get("qty_good")?,
            qty_scrap: row.get("qty_scrap")?,
            operator: row.get("operator")?,
            work_station: row.get("work_station")?,
            note: row.get("note")?,
            recorded_at: row.get("recorded_at")?,
        })
    }
}

impl Record for Operator {
    const SCHEMA: SchemaName = SchemaName::Production;
    const ORDER_BY: &'static str = "trigram";

    fn table_def() -> &'static TableDef {
        table("shop_operator")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("trigram", (&self.trigram).into()),
            ("badge_number", (&self.badge_number).into()),
            ("last_name", (&self.last_name).into()),
            ("first_name", (&self.first_name).into()),
            ("active", self.active.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Operator {
            trigram: row.get("trigram")?,
            badge_number: row.get("badge_number")?,
            last_name: row.get("last_name")?,
            first_name: row.get("first_name")?,
            active: row.get("active")?,
        })
    }
}
