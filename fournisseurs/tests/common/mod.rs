//! What the repository test suites share: a store on a fresh schema, seed data, builders.

use std::str::FromStr;

use bascule_fournisseurs::domain::{Address, PurchaseOrder, PurchaseOrderLine, Supplier};
use bascule_fournisseurs::storage::{FournisseursStore, schema};
use bascule_platform::db::Db;
use bascule_platform::db::upgrade::upgrade;
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub async fn store(db: Db) -> FournisseursStore {
    upgrade(&db, &[schema().clone()]).await.expect("upgrade");
    FournisseursStore::new(db)
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

pub fn supplier(code: &str) -> Supplier {
    let address = Address::new("12 rue des Forgerons", "69007", "Lyon", "FR").expect("address");
    Supplier::new(code, "Mécaplast Garnier & Fils 🏭", address).expect("supplier")
}

pub async fn seeded(db: Db) -> FournisseursStore {
    let s = store(db).await;
    s.create_supplier(supplier("F00012"))
        .await
        .expect("supplier");
    s.create_supplier(supplier("F00013"))
        .await
        .expect("supplier");
    s
}

pub fn line(no: i64, qty: &str, price: &str) -> PurchaseOrderLine {
    PurchaseOrderLine::new(
        no,
        "MP-00001",
        "Granulés PP noir é",
        dec(qty),
        "kg",
        dec(price),
    )
    .expect("line")
}

pub async fn order(s: &FournisseursStore, po: &str, supplier: &str) -> PurchaseOrder {
    let order = PurchaseOrder::new(po, supplier, day(2025, 3, 1), "jdupont").expect("order");
    s.create_order(order.clone(), vec![line(1, "10", "2")])
        .await
        .expect("create order");
    order
}
