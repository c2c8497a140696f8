//! The production schema, version by version. Released versions are never edited.

use std::sync::LazyLock;

use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version, index,
};

pub(crate) const TOOL_KINDS: &[&str] = &[
    "MOULD",
    "INSPECTION_JIG",
    "GAUGE",
    "CUTTING_DIE",
    "FIXTURE",
    "MACHINE",
    "ELECTRODE",
    "OTHER",
];
pub(crate) const TOOL_STATES: &[&str] = &["AVAILABLE", "IN_USE", "IN_MAINTENANCE", "SCRAPPED"];
pub(crate) const MAINTENANCE_KINDS: &[&str] = &["PREVENTIVE", "CORRECTIVE", "CALIBRATION"];
pub(crate) const MO_STATES: &[&str] = &[
    "DRAFT",
    "CONFIRMED",
    "IN_PROGRESS",
    "DONE",
    "CLOSED",
    "CANCELLED",
];

fn v1() -> Vec<SchemaChange> {
    let tool = &["code"];
    let mo = &["mo_number"];
    // Article, customer and customer order codes belong to other domains: plain text,
    // never foreign keys, since each domain has its own schema and life cycle.
    let tables = [
        TableDef::entity("tool")
            .required("code", T::Text(32))
            .required("name", T::Text(200))
            .required("kind", T::Enum(TOOL_KINDS))
            .required("state", T::Enum(TOOL_STATES))
            .required("location", T::Text(100))
            .required("cycle_counter", T::Int)
            .required("cycles_at_last_maintenance", T::Int)
            .optional("max_cycles", T::Int)
            // Derived from the three counters, so that "due by cycles" is a plain
            // comparison a list filter can bind: max_cycles - (counter - at last maintenance).
            .optional("cycles_to_maintenance", T::Int)
            .optional("next_maintenance_on", T::Date)
            .optional("last_maintenance_on", T::Date)
            .optional("purchased_on", T::Date)
            .optional("purchase_price", T::MONEY)
            .optional("note", T::LongText)
            .unique(&["code"]),
        TableDef::entity("maintenance_record")
            .required("tool_code", T::Text(32))
            .required("kind", T::Enum(MAINTENANCE_KINDS))
            .required("performed_on", T::Date)
            .required("cycle_counter", T::Int)
            .required("performed_by", T::Text(100))
            .optional("note", T::Text(1000))
            .optional("next_due_on", T::Date)
            .references(&["tool_code"], "tool", tool),
        TableDef::entity("bill_of_materials")
            .required("article_code", T::Text(32))
            .required("name", T::Text(200))
            .required("batch_qty", T::QUANTITY)
            .unique(&["article_code"]),
        TableDef::entity("bom_line")
            .required("bom_id", T::Id)
            .required("line_no", T::Int)
            .required("component_code", T::Text(32))
            .required("quantity", T::QUANTITY)
            .required("unit", T::Text(20))
            .unique(&["bom_id", "line_no"])
            .references(&["bom_id"], "bill_of_materials", &["id"]),
        TableDef::entity("manufacturing_order")
            .required("mo_number", T::Text(32))
            .required("article_code", T::Text(32))
            .required("quantity", T::QUANTITY)
            .required("state", T::Enum(MO_STATES))
            .required("planned_start_on", T::Date)
            .required("planned_end_on", T::Date)
            .optional("deadline_on", T::Date)
            .optional("origin_order_number", T::Text(40))
            .optional("customer_code", T::Text(32))
            .optional("note", T::LongText)
            .unique(&["mo_number"]),
        TableDef::entity("manufacturing_order_tool")
            .required("mo_number", T::Text(32))
            .required("tool_code", T::Text(32))
            .unique(&["mo_number", "tool_code"])
            .references(&["mo_number"], "manufacturing_order", mo)
            .references(&["tool_code"], "tool", tool),
        TableDef::entity("progress_entry")
            .required("mo_number", T::Text(32))
            .required("entry_at", T::Timestamp)
            .required("qty_good", T::QUANTITY)
            .required("qty_scrap", T::QUANTITY)
            .required("operator", T::Text(3))
            .required("work_station", T::Text(60))
            .optional("note", T::LongText)
            .optional("recorded_at", T::Timestamp)
            .references(&["mo_number"], "manufacturing_order", mo),
        TableDef::entity("shop_operator")
            .required("trigram", T::Text(3))
            .required("badge_number", T::Text(20))
            .required("last_name", T::Text(100))
            .required("first_name", T::Text(100))
            .required("active", T::Bool)
            .unique(&["trigram"])
            .unique(&["badge_number"]),
    ];
    let mut changes: Vec<SchemaChange> =
        tables.into_iter().map(SchemaChange::CreateTable).collect();
    changes.extend([
        index(
            "maintenance_tool_ix",
            "maintenance_record",
            &["tool_code", "performed_on"],
        ),
        index(
            "mo_state_ix",
            "manufacturing_order",
            &["state", "mo_number"],
        ),
        index(
            "mo_tool_tool_ix",
            "manufacturing_order_tool",
            &["tool_code"],
        ),
        index(
            "progress_mo_ix",
            "progress_entry",
            &["mo_number", "entry_at"],
        ),
    ]);
    changes
}

static SCHEMA: LazyLock<SchemaDef> = LazyLock::new(|| {
    SchemaDef::new(
        SchemaName::Production,
        vec![Version {
            number: 1,
            description: "tools, maintenance, bills of materials, manufacturing orders, progress, operators",
            changes: v1(),
        }],
    )
});

pub fn schema() -> &'static SchemaDef {
    &SCHEMA
}

pub(crate) fn table(name: &str) -> &'static TableDef {
    // The names are this module's own constants: a miss is a programming error caught by every test.
    #[allow(clippy::expect_used)]
    SCHEMA
        .table(name)
        .expect("production table defined in schema v1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MaintenanceKind, MoState, ToolKind, ToolState};

    #[test]
    fn enum_columns_accept_exactly_the_domain_values() {
        let tool_kinds: Vec<_> = ToolKind::ALL.map(ToolKind::as_str).into();
        let tool_states: Vec<_> = ToolState::ALL.map(ToolState::as_str).into();
        let maintenance: Vec<_> = MaintenanceKind::ALL.map(MaintenanceKind::as_str).into();
        let mo_states: Vec<_> = MoState::ALL.map(MoState::as_str).into();
        assert_eq!(tool_kinds, TOOL_KINDS);
        assert_eq!(tool_states, TOOL_STATES);
        assert_eq!(maintenance, MAINTENANCE_KINDS);
        assert_eq!(mo_states, MO_STATES);
    }

    #[test]
    fn no_column_is_a_reserved_word() {
        const RESERVED: &[&str] = &[
            "number", "date", "level", "comment", "user", "order", "size", "mode", "access",
            "file", "session", "start", "uid", "row", "rows", "option", "resource", "desc",
            "group",
        ];
        for t in schema().tables() {
            for c in &t.columns {
                assert!(!RESERVED.contains(&c.name), "{}.{}", t.name, c.name);
            }
        }
    }
}
