//! How production resources read in a terminal, and the JSON of those that hold more
//! than flat fields (a bill's lines, an order's tools, the totals of progress).

use bascule_proto::google::r#type::Decimal;
use bascule_proto::production::v1 as pb;
use serde_json::{Map, Value, json};

use super::output::{Field, View, list, list_with, object, show};

/// A calendar day as 2025-01-31, which `--…-date` options also accept.
fn day(d: Option<&pb::Date>) -> Field {
    Field::text(
        d.filter(|d| d.year != 0 || d.month != 0 || d.day != 0)
            .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
            .unwrap_or_default(),
    )
}

/// A count, grouped in tables like other numbers.
fn count(n: Option<i64>) -> Field {
    Field::Number(n.map(|n| n.to_string()).unwrap_or_default())
}

impl View for pb::Tool {
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "name",
        "kind",
        "state",
        "location",
        "cycle_counter",
        "cycles_to_maintenance",
        "next_maintenance_date",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("code", Field::text(&self.code)),
            ("name", Field::text(&self.name)),
            (
                "kind",
                Field::enum_name(self.kind, pb::ToolKind::as_str_name),
            ),
            (
                "state",
                Field::enum_name(self.state, pb::ToolState::as_str_name),
            ),
            ("location", Field::text(&self.location)),
            ("cycle_counter", count(Some(self.cycle_counter))),
            (
                "cycles_at_last_maintenance",
                count(Some(self.cycles_at_last_maintenance)),
            ),
            (
                "max_cycles_between_maintenance",
                count(self.max_cycles_between_maintenance),
            ),
            ("cycles_to_maintenance", count(self.cycles_to_maintenance)),
            (
                "next_maintenance_date",
                day(self.next_maintenance_date.as_ref()),
            ),
            (
                "last_maintenance_date",
                day(self.last_maintenance_date.as_ref()),
            ),
            ("purchase_date", day(self.purchase_date.as_ref())),
            (
                "purchase_price",
                Field::decimal(self.purchase_price.as_ref()),
            ),
            ("note", Field::text(&self.note)),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::MaintenanceRecord {
    const COLUMNS: &'static [&'static str] = &[
        "performed_date",
        "tool_code",
        "kind",
        "cycle_counter",
        "performed_by",
        "next_due_date",
        "id",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("id", Field::text(&self.id)),
            ("tool_code", Field::text(&self.tool_code)),
            (
                "kind",
                Field::enum_name(self.kind, pb::MaintenanceKind::as_str_name),
            ),
            ("performed_date", day(self.performed_date.as_ref())),
            ("cycle_counter", count(self.cycle_counter)),
            ("performed_by", Field::text(&self.performed_by)),
            ("next_due_date", day(self.next_due_date.as_ref())),
            ("note", Field::text(&self.note)),
            ("create_time", Field::time(self.create_time.as_ref())),
        ]
    }
}

impl View for pb::BillOfMaterials {
    const COLUMNS: &'static [&'static str] = &[
        "article_code",
        "name",
        "batch_quantity",
        "lines",
        "update_time",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("article_code", Field::text(&self.article_code)),
            ("name", Field::text(&self.name)),
            (
                "batch_quantity",
                Field::decimal(self.batch_quantity.as_ref()),
            ),
            ("lines", count(i64::try_from(self.lines.len()).ok())),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::BomLine {
    const COLUMNS: &'static [&'static str] = &["line_no", "component_code", "quantity", "unit"];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("line_no", count(Some(self.line_no))),
            ("component_code", Field::text(&self.component_code)),
            ("quantity", Field::decimal(self.quantity.as_ref())),
            ("unit", Field::text(&self.unit)),
        ]
    }
}

impl View for pb::ManufacturingOrder {
    const COLUMNS: &'static [&'static str] = &[
        "mo_number",
        "article_code",
        "quantity",
        "state",
        "planned_start_date",
        "planned_end_date",
        "deadline_date",
        "customer_code",
        "tool_codes",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("mo_number", Field::text(&self.mo_number)),
            ("article_code", Field::text(&self.article_code)),
            ("quantity", Field::decimal(self.quantity.as_ref())),
            (
                "state",
                Field::enum_name(self.state, pb::ManufacturingOrderState::as_str_name),
            ),
            ("planned_start_date", day(self.planned_start_date.as_ref())),
            ("planned_end_date", day(self.planned_end_date.as_ref())),
            ("deadline_date", day(self.deadline_date.as_ref())),
            (
                "origin_order_number",
                Field::text(&self.origin_order_number),
            ),
            ("customer_code", Field::text(&self.customer_code)),
            ("tool_codes", Field::text(self.tool_codes.join(", "))),
            ("note", Field::text(&self.note)),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::ProgressEntry {
    const COLUMNS: &'static [&'static str] = &[
        "entry_time",
        "operator",
        "work_station",
        "good_quantity",
        "scrap_quantity",
        "note",
        "id",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("id", Field::text(&self.id)),
            ("mo_number", Field::text(&self.mo_number)),
            ("entry_time", Field::time(self.entry_time.as_ref())),
            ("good_quantity", Field::decimal(self.good_quantity.as_ref())),
            (
                "scrap_quantity",
                Field::decimal(self.scrap_quantity.as_ref()),
            ),
            ("operator", Field::text(&self.operator)),
            ("work_station", Field::text(&self.work_station)),
            ("note", Field::text(&self.note)),
            ("record_time", Field::time(self.record_time.as_ref())),
            ("create_time", Field::time(self.create_time.as_ref())),
        ]
    }
}

fn bom_json(bom: &pb::BillOfMaterials) -> Value {
    let mut o = object(bom);
    o.insert(
        "lines".into(),
        Value::Array(bom.lines.iter().map(|l| Value::Object(object(l))).collect()),
    );
    Value::Object(o)
}

fn order_json(order: &pb::ManufacturingOrder) -> Value {
    let mut o = object(order);
    o.insert("tool_codes".into(), json!(order.tool_codes));
    Value::Object(o)
}

/// A bill: its fields then its lines, or JSON with `lines` as an array.
pub fn show_bom(bom: &pb::BillOfMaterials, json: bool) {
    if json {
        println!("{}", bom_json(bom));
    } else {
        show(bom, false);
        println!();
        list(&bom.lines, "", false);
    }
}

pub fn list_boms(boms: &[pb::BillOfMaterials], next_page_token: &str, json: bool) {
    list_with(boms, next_page_token, json, bom_json);
}

/// An order, with `tool_codes` as an array in JSON.
pub fn show_order(order: &pb::ManufacturingOrder, json: bool) {
    if json {
        println!("{}", order_json(order));
    } else {
        show(order, false);
    }
}

pub fn list_orders(orders: &[pb::ManufacturingOrder], next_page_token: &str, json: bool) {
    list_with(orders, next_page_token, json, order_json);
}

/// Totals of an order's progress, whatever the filter and page.
pub struct Totals<'a> {
    pub good: Option<&'a Decimal>,
    pub scrap: Option<&'a Decimal>,
    pub remaining: Option<&'a Decimal>,
}

/// Progress entries and the order's totals below them, or JSON with the totals beside
/// the items.
pub fn list_progress(
    entries: &[pb::ProgressEntry],
    next_page_token: &str,
    totals: &Totals<'_>,
    json: bool,
) {
    let totals = [
        ("total_good_quantity", Field::decimal(totals.good)),
        ("total_scrap_quantity", Field::decimal(totals.scrap)),
        ("remaining_quantity", Field::decimal(totals.remaining)),
    ];
    if json {
        let mut o = Map::new();
        o.insert(
            "items".into(),
            Value::Array(entries.iter().map(|e| Value::Object(object(e))).collect()),
        );
        o.insert("next_page_token".into(), json!(next_page_token));
        for (k, v) in &totals {
            o.insert((*k).to_owned(), v.json());
        }
        println!("{}", Value::Object(o));
    } else {
        list(entries, next_page_token, false);
        let [good, scrap, remaining] = totals.map(|(_, v)| v.shown());
        println!("total good {good}, scrap {scrap}, remaining {remaining}");
    }
}
