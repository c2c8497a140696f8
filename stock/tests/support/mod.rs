//! What the stock mapping needs of the fournisseurs domain, for the tests: a minimal
//! `fournisseurs.supplier` table (code and name) seeded from the Oracle export, and the
//! legacy root directory.

use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use bascule_migrate::source::{CsvSource, OpenOptions, ReadOptions, Source};
use bascule_platform::control;
use bascule_platform::db::record::{self, Record};
use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version,
};
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, DbError, Row, Value};

/// The legacy root directory (the mapping's paths are relative to it).
pub const LEGACY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/legacy");

/// Just what the stock mapping reads of the fournisseurs domain: supplier codes and names.
static SUPPLIERS: LazyLock<SchemaDef> = LazyLock::new(|| {
    let supplier = TableDef::entity("supplier")
        .required("code", T::Text(32))
        .required("name", T::Text(200))
        .unique(&["code"]);
    SchemaDef::new(
        SchemaName::Fournisseurs,
        vec![Version {
            number: 1,
            description: "suppliers (stock legacy test)",
            changes: vec![SchemaChange::CreateTable(supplier)],
        }],
    )
});

#[derive(Debug, Clone, PartialEq)]
struct Supplier {
    code: String,
    name: String,
}

impl Record for Supplier {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "code";

    fn table_def() -> &'static TableDef {
        SUPPLIERS.table("supplier").expect("supplier table")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![("code", (&self.code).into()), ("name", (&self.name).into())]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Supplier {
            code: row.get("code")?,
            name: row.get("name")?,
        })
    }
}

/// The CODE_FOURNISSEUR and RAISON_SOCIALE pairs of the Oracle export, codes normalised
/// (trimmed, upper case), the first record of a duplicated code kept and records without
/// a code or a name left out (the fournisseurs migration quarantines them).
fn suppliers() -> Vec<Supplier> {
    let path = Path::new(LEGACY).join("fournisseurs/export/FOURNISSEUR.csv");
    let mut source = CsvSource::open(&path, &OpenOptions::default()).expect("FOURNISSEUR.csv");
    let mut reader = source
        .read("FOURNISSEUR", &ReadOptions::default(), None)
        .expect("FOURNISSEUR");
    let column = |name: &str| {
        reader
            .columns()
            .iter()
            .position(|c| c.name == name)
            .expect("column")
    };
    let (code, name) = (column("CODE_FOURNISSEUR"), column("RAISON_SOCIALE"));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(r) = reader.next_record().expect("record") {
        let text = |i: usize| r.cells[i].to_raw_string().unwrap_or_default();
        let supplier = Supplier {
            code: text(code).trim().to_uppercase(),
            name: text(name).split_whitespace().collect::<Vec<_>>().join(" "),
        };
        let complete = !supplier.code.is_empty() && !supplier.name.is_empty();
        if complete && seen.insert(supplier.code.clone()) {
            out.push(supplier);
        }
    }
    out
}

/// Creates the control, stock and test supplier schemas and seeds the suppliers.
pub async fn prepare(db: &Db) {
    upgrade(
        db,
        &[
            control::schema(),
            bascule_stock::storage::schema().clone(),
            SUPPLIERS.clone(),
        ],
    )
    .await
    .expect("upgrade");
    let mut tx = db.begin().await.expect("begin");
    for s in suppliers() {
        record::insert(&mut tx, s).await.expect("supplier");
    }
    tx.commit().await.expect("commit");
}
