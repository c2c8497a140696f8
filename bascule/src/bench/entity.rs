//! The benchmark's own target tables and mappings: an item table fed by the generated
//! CSV and workbook, and a production-tracking table fed by the Access file. They go
//! through the same engine, transforms, rules and domain-style constructor as real data.

use std::sync::LazyLock;

use bascule_migrate::engine::entity::{Catalog, MappedFields, RecordLoader};
use bascule_migrate::mapping::val::Violation;
use bascule_platform::db::record::Record;
use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version,
};
use bascule_platform::db::{DbError, Row, Value};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

pub static SCHEMA: LazyLock<SchemaDef> = LazyLock::new(|| {
    let item = TableDef::entity("bench_item")
        .required("code", T::Text(20))
        .required("name", T::Text(200))
        .required("qty", T::QUANTITY)
        .required("price", T::MONEY)
        .required("counted_on", T::Date)
        .required("category", T::Text(20))
        .required("active", T::Bool)
        .unique(&["code"]);
    let progress = TableDef::entity("bench_progress")
        .required("entry_no", T::Int)
        .required("mo_number", T::Text(40))
        .optional("entry_at", T::Timestamp)
        .required("qty_good", T::Int)
        .required("qty_scrap", T::Int)
        .optional("operator", T::Text(20))
        .optional("station", T::Text(40))
        .optional("note", T::Text(1000))
        .unique(&["entry_no"]);
    SchemaDef::new(
        SchemaName::Stock,
        vec![Version {
            number: 1,
            description: "benchmark tables",
            changes: vec![
                SchemaChange::CreateTable(item),
                SchemaChange::CreateTable(progress),
            ],
        }],
    )
});

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    code: String,
    name: String,
    qty: Decimal,
    price: Decimal,
    counted_on: NaiveDate,
    category: String,
    active: bool,
}

impl Record for Item {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "code";

    fn table_def() -> &'static TableDef {
        SCHEMA
            .table("bench_item")
            .expect("bench_item is defined above")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("code", (&self.code).into()),
            ("name", (&self.name).into()),
            ("qty", self.qty.into()),
            ("price", self.price.into()),
            ("counted_on", self.counted_on.into()),
            ("category", (&self.category).into()),
            ("active", self.active.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Item {
            code: row.get("code")?,
            name: row.get("name")?,
            qty: row.get("qty")?,
            price: row.get("price")?,
            counted_on: row.get("counted_on")?,
            category: row.get("category")?,
            active: row.get("active")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    entry_no: i64,
    mo_number: String,
    entry_at: Option<DateTime<Utc>>,
    qty_good: i64,
    qty_scrap: i64,
    operator: Option<String>,
    station: Option<String>,
    note: Option<String>,
}

impl Record for Progress {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "entry_no";

    fn table_def() -> &'static TableDef {
        SCHEMA
            .table("bench_progress")
            .expect("bench_progress is defined above")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("entry_no", self.entry_no.into()),
            ("mo_number", (&self.mo_number).into()),
            ("entry_at", self.entry_at.into()),
            ("qty_good", self.qty_good.into()),
            ("qty_scrap", self.qty_scrap.into()),
            ("operator", self.operator.clone().into()),
            ("station", self.station.clone().into()),
            ("note", self.note.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Progress {
            entry_no: row.get("entry_no")?,
            mo_number: row.get("mo_number")?,
            entry_at: row.get("entry_at")?,
            qty_good: row.get("qty_good")?,
            qty_scrap: row.get("qty_scrap")?,
            operator: row.get("operator")?,
            station: row.get("station")?,
            note: row.get("note")?,
        })
    }
}

fn build_item(f: &MappedFields) -> Result<Item, Violation> {
    let qty: Decimal = f.get("qty")?;
    let price: Decimal = f.get("price")?;
    if qty.is_sign_negative() || price.is_sign_negative() {
        return Err(Violation::new(
            "negative",
            "quantities and prices cannot be negative",
        ));
    }
    Ok(Item {
        code: f.get("code")?,
        name: f.get("name")?,
        qty,
        price,
        counted_on: f.get("counted_on")?,
        category: f.get("category")?,
        active: f.get("active")?,
    })
}

fn build_progress(f: &MappedFields) -> Result<Progress, Violation> {
    let qty_good: i64 = f.get("qty_good")?;
    let qty_scrap: i64 = f.get("qty_scrap")?;
    if qty_good < 0 || qty_scrap < 0 {
        return Err(Violation::new("negative", "quantities cannot be negative"));
    }
    Ok(Progress {
        entry_no: f.get("entry_no")?,
        mo_number: f.get("mo_number")?,
        entry_at: f.opt("entry_at")?,
        qty_good,
        qty_scrap,
        operator: f.opt("operator")?,
        station: f.opt("station")?,
        note: f.opt("note")?,
    })
}

pub fn catalog() -> Catalog {
    Catalog::new()
        .with(RecordLoader::new("bench_item", build_item))
        .with(RecordLoader::new("bench_progress", build_progress))
}

const ITEM_FIELDS: &str = r#"
code = { from = "code", transforms = ["trim", "upper"], rules = ["required", { pattern = "P\\d{7}" }] }
name = { from = "name", transforms = ["trim"], rules = ["required"] }
qty = { from = "qty", type = "decimal", transforms = ["french_number"], rules = ["required"] }
price = { from = "price", type = "decimal", transforms = ["french_number"], rules = ["required"] }
counted_on = { from = "counted_on", type = "date", transforms = [{ date = { formats = ["%d/%m/%Y"] } }], rules = ["required"] }
category = { from = "category", transforms = ["trim", "upper"], rules = [{ one_of = ["MP", "CO", "CS", "EM", "SF", "PF"] }] }
active = { from = "active", type = "bool", transforms = ["boolean"] }
"#;

/// The mapping of the generated CSV or workbook (`table` is the file stem or sheet).
pub fn item_mapping(path: &str, table: &str) -> String {
    format!(
        "domain = \"stock\"\n[sources.bench]\npath = \"{path}\"\n[entities.bench_item]\nkey = [\"code\"]\n\
         [[feeds]]\nsource = \"bench\"\ntable = \"{table}\"\nentity = \"bench_item\"\n[feeds.fields]\n{ITEM_FIELDS}"
    )
}

/// The mapping of SuiviProduction in the production Access file.
pub fn progress_mapping(path: &str) -> String {
    format!(
        r#"domain = "stock"
[sources.bench]
path = "{path}"
[entities.bench_progress]
key = ["entry_no"]
[[feeds]]
source = "bench"
table = "SuiviProduction"
entity = "bench_progress"
legacy_key = ["N°"]
[feeds.fields]
entry_no = {{ from = "N°", type = "int", rules = ["required"] }}
mo_number = {{ from = "N° OF", transforms = ["trim", "upper"], rules = ["required"] }}
entry_at = {{ from = "Date", type = "timestamp", transforms = [{{ to_utc = "Europe/Paris" }}] }}
qty_good = {{ from = "Qté bonne", type = "int", default = 0 }}
qty_scrap = {{ from = "Qté rebut", type = "int", default = 0 }}
operator = {{ from = "Opérateur", transforms = ["trim", "upper"] }}
station = {{ from = "Poste", transforms = ["trim"] }}
note = {{ from = "Commentaire", transforms = ["trim", "null_if_blank"] }}
"#
    )
}
