//! The production repository, run on SQLite, PostgreSQL and (when configured) Oracle.

use std::str::FromStr;

use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;
use bascule_platform::db::upgrade::upgrade;
use bascule_production::domain::{
    BillOfMaterials, BomLine, MaintenanceKind, MaintenanceRecord, ManufacturingOrder, MoState,
    Operator, ProductionError, ProgressEntry, Tool, ToolKind, ToolState,
};
use bascule_production::storage::{ProductionStore, schema};
use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

async fn store(db: Db) -> ProductionStore {
    upgrade(&db, &[schema().clone()]).await.expect("upgrade");
    ProductionStore::new(db)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn tool(code: &str) -> Tool {
    Tool::new(
        code,
        "Moule boîtier 🎉 é",
        ToolKind::Mould,
        "Presse 3 — allée B",
    )
    .expect("tool")
}

fn order(mo_number: &str, tools: &[&str]) -> ManufacturingOrder {
    let mut o = ManufacturingOrder::new(
        mo_number,
        "PF-00001",
        dec("500"),
        day(2025, 6, 2),
        day(2025, 6, 6),
    )
    .expect("order");
    o.tool_codes = tools.iter().map(|t| (*t).to_owned()).collect();
    o
}

fn entry(mo_number: &str, good: &str, scrap: &str) -> ProgressEntry {
    ProgressEntry {
        mo_number: mo_number.into(),
        entry_at: Utc
            .with_ymd_and_hms(2025, 6, 3, 14, 5, 9)
            .single()
            .expect("time"),
        qty_good: dec(good),
        qty_scrap: dec(scrap),
        operator: "JDU".into(),
        work_station: "Presse 3".into(),
        note: Some("Équipe de nuit ☕".into()),
        recorded_at: None,
    }
}

// Under tests/store/ rather than tests/: cargo would build each file there as a test
// binary of its own, without these helpers.
#[path = "store/orders.rs"]
mod orders;
#[path = "store/tools.rs"]
mod tools;
