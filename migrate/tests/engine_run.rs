//! The engine end to end on SQLite and PostgreSQL: a CSV with the usual defects is
//! migrated into a test entity; counts balance, bad records are quarantined with their
//! locators, duplicates merge, re-runs change nothing, dry runs keep nothing, and a run
//! killed at random points resumes to the same result.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use bascule_migrate::engine::entity::{Catalog, MappedFields, RecordLoader};
use bascule_migrate::engine::plan::{Plan, compile};
use bascule_migrate::engine::report::RunReport;
use bascule_migrate::engine::run::{RunOptions, run};
use bascule_migrate::mapping::val::Violation;
use bascule_platform::control;
use bascule_platform::db::record::Record;
use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version,
};
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, DbError, Exec, Kind, Row, SqlBuilder, Value};
use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq)]
struct Part {
    code: String,
    name: String,
    qty: Option<Decimal>,
    counted_on: Option<NaiveDate>,
}

static SCHEMA: LazyLock<SchemaDef> = LazyLock::new(|| {
    let table = TableDef::entity("part")
        .required("code", T::Text(20))
        .required("name", T::Text(100))
        .optional("qty", T::QUANTITY)
        .optional("counted_on", T::Date)
        .unique(&["code"]);
    SchemaDef::new(
        SchemaName::Stock,
        vec![Version {
            number: 1,
            description: "parts",
            changes: vec![SchemaChange::CreateTable(table)],
        }],
    )
});

impl Record for Part {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "code";

    fn table_def() -> &'static TableDef {
        SCHEMA.table("part").expect("part")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("code", (&self.code).into()),
            ("name", (&self.name).into()),
            ("qty", self.qty.into()),
            ("counted_on", self.counted_on.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Part {
            code: row.get("code")?,
            name: row.get("name")?,
            qty: row.get("qty")?,
            counted_on: row.get("counted_on")?,
        })
    }
}

/// The domain's constructor: what the API would refuse, the migration refuses too.
fn build_part(f: &MappedFields) -> Result<Part, Violation> {
    let qty: Option<Decimal> = f.opt("qty")?;
    if qty.is_some_and(|q| q.is_sign_negative()) {
        return Err(Violation::new(
            "negative_quantity",
            "a stock quantity cannot be negative",
        ));
    }
    Ok(Part {
        code: f.get("code")?,
        name: f.get("name")?,
        qty,
        counted_on: f.opt("counted_on")?,
    })
}

fn catalog() -> Catalog {
    Catalog::new().with(RecordLoader::new("part", build_part))
}

const MAPPING: &str = r#"
domain = "stock"

[sources.csv]
path = "parts.csv"

[entities.part]
key = ["code"]
merge = { strategy = "most_recent", recency_field = "counted_on" }

[[feeds]]
source = "csv"
table = "parts"
entity = "part"
skip = [{ column = "code", pattern = "^TOTAL$", reason = "total row" }]

[feeds.fields]
code = { from = "code", transforms = ["trim", "upper"], rules = ["required", { pattern = "P\\d{3,5}" }] }
name = { from = "name", transforms = ["trim"], rules = ["required"] }
qty = { from = "qty", type = "decimal", transforms = ["french_number"] }
counted_on = { from = "counted", type = "date", transforms = [{ date = { formats = ["%d/%m/%Y", "%d/%m/%y"] } }] }
"#;

const CSV: &str = "code;name;qty;counted\r\n\
P001;Vis M6;\"1 234,50\";31/12/2024\r\n\
P002;Écrou 🔩;12;27/02/23\r\n\
P003;Rondelle;1.388.5;01/01/2024\r\n\
;Sans code;5;01/01/2024\r\n\
p001;Vis M6 zinguée;;15/01/2025\r\n\
TOTAL;;1251,5;\r\n\
P004;\"Joint \"\"torique\"\"\";7;32/01/2024\r\n\
P005;Ressort;-3;01/02/2024\r\n";

fn scratch_dir(csv: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bascule-engine-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("parts.csv"), csv).expect("csv");
    dir
}

fn plan(dir: &Path) -> Plan {
    compile("parts.toml", MAPPING, dir, &catalog()).expect("mapping compiles")
}

async fn prepare(db: &Db) {
    upgrade(db, &[control::schema(), SCHEMA.clone()])
        .await
        .expect("upgrade");
}

async fn parts(db: &Db) -> Vec<(String, String, Option<Decimal>, Option<NaiveDate>)> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT code, name, qty, counted_on FROM {} ORDER BY code",
        e.dialect().table(SchemaName::Stock, "part")
    ));
    let cols = [
        ("code", Kind::Text),
        ("name", Kind::Text),
        ("qty", Kind::Decimal),
        ("counted_on", Kind::Date),
    ];
    let rows = e.fetch(b.query(&cols)).await.expect("select");
    rows.into_iter()
        .map(|mut r| {
            (
                r.get("code").expect("value"),
                r.get("name").expect("value"),
                r.get("qty").expect("value"),
                r.get("counted_on").expect("value"),
            )
        })
        .collect()
}

fn options() -> RunOptions {
    RunOptions {
        batch_size: 3,
        target_display: "test".into(),
        ..RunOptions::default()
    }
}

async fn migrates_counts_and_quarantines(db: Db) {
    prepare(&db).await;
    let dir = scratch_dir(CSV);
    let report = run(&db, &plan(&dir), &catalog(), &options())
        .await
        .expect("run");
    let t = &report.tables[0];
    assert_eq!(
        (t.read, t.loaded, t.merged, t.quarantined, t.skipped),
        (7, 2, 1, 4, 1),
        "{t:#?}"
    );
    assert!(t.balanced && report.reconciled, "{report:#?}");
    let rules: Vec<(&str, &str)> = t
        .quarantined_records
        .iter()
        .map(|q| (q.locator.as_str(), q.rule.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("line 4", "french_number"),
            ("line 5", "required"),
            ("line 8", "date"),
            ("line 9", "negative_quantity")
        ]
    );
    assert_eq!(t.quarantined_records[0].raw["qty"], "1.388.5");
    assert!(
        t.quarantined_records[0].message.contains("1.388.5"),
        "{}",
        t.quarantined_records[0].message
    );
    assert_eq!(t.merged_records.len(), 1);
    assert_eq!(t.merged_records[0].into, "P001");
    assert_eq!(t.skipped_records[0].reason, "total row");
    assert_eq!(report.entities[0].source_rows, 2);
    assert_eq!(
        report.entities[0].source_checksum,
        report.entities[0].target_checksum
    );

    let rows = parts(&db).await;
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
    assert_eq!(
        rows,
        vec![
            (
                "P001".into(),
                "Vis M6 zinguée".into(),
                Some("1234.50".parse().expect("value")),
                d(2025, 1, 15)
            ),
            (
                "P002".into(),
                "Écrou 🔩".into(),
                Some(Decimal::from(12)),
                d(2023, 2, 27)
            ),
            (
                "P005".into(),
                "Ressort".into(),
                Some(Decimal::from(-3)),
                d(2024, 2, 1)
            ),
        ]
        .into_iter()
        .filter(|r: &(String, String, Option<Decimal>, Option<NaiveDate>)| r.0 != "P005")
        .collect::<Vec<_>>(),
        "P005's negative quantity is refused by the domain constructor"
    );
    assert_eq!(t.quarantined_by_rule.get("negative_quantity"), Some(&1));
    let _ = std::fs::remove_dir_all(dir);
}

async fn rerunning_changes_nothing(db: Db) {
    prepare(&db).await;
    let dir = scratch_dir(CSV);
    let first = run(&db, &plan(&dir), &catalog(), &options())
        .await
        .expect("run");
    let before = parts(&db).await;
    let second = run(&db, &plan(&dir), &catalog(), &options())
        .await
        .expect("run again");
    assert_eq!(parts(&db).await, before);
    assert_eq!(totals(&first), totals(&second));
    assert_eq!(
        first.entities[0].target_checksum,
        second.entities[0].target_checksum
    );
    assert!(second.reconciled);
    let _ = std::fs::remove_dir_all(dir);
}

async fn dry_runs_keep_nothing(db: Db) {
    prepare(&db).await;
    let dir = scratch_dir(CSV);
    let options = RunOptions {
        dry_run: true,
        ..options()
    };
    let report = run(&db, &plan(&dir), &catalog(), &options)
        .await
        .expect("dry run");
    assert!(report.dry_run && report.reconciled);
    assert_eq!(report.tables[0].loaded, 2);
    assert!(parts(&db).await.is_empty());
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT COUNT(*) AS n FROM {}",
        e.dialect().table(SchemaName::Control, "quarantine")
    ));
    let mut row = e
        .fetch_optional(b.query(&[("n", Kind::Int)]))
        .await
        .expect("count")
        .expect("row");
    assert_eq!(row.get::<i64>("n").expect("n"), 0);
    let _ = std::fs::remove_dir_all(dir);
}

fn totals(r: &RunReport) -> Vec<(u64, u64, u64, u64, u64)> {
    r.tables
        .iter()
        .map(|t| (t.read, t.loaded, t.merged, t.quarantined, t.skipped))
        .collect()
}

/// 1,500 records with defects and duplicates, for the crash test.
fn big_csv() -> String {
    let mut csv = String::from("code;name;qty;counted\n");
    for i in 0..1500 {
        let code = if i % 97 == 0 {
            String::new()
        } else {
            format!("P{:05}", i % 1200)
        };
        let qty = if i % 61 == 0 {
            "1.2.3".to_owned()
        } else {
            format!("{},{}", i, i % 10)
        };
        csv.push_str(&format!(
            "{code};Pièce n°{i};{qty};{:02}/{:02}/20{:02}\n",
            1 + i % 28,
            1 + i % 12,
            i % 25
        ));
    }
    csv
}

async fn a_killed_run_resumes_to_the_same_result(db: Db) {
    prepare(&db).await;
    let dir = scratch_dir(&big_csv());
    let options = RunOptions {
        batch_size: 40,
        ..options()
    };
    // The reference: the same migration, uninterrupted, in its own store.
    let reference_scratch = bascule_platform::testing::Scratch::sqlite();
    let reference_db = reference_scratch.connect().await.expect("reference");
    prepare(&reference_db).await;
    let reference = run(&reference_db, &plan(&dir), &catalog(), &options)
        .await
        .expect("reference run");
    let expected = parts(&reference_db).await;
    reference_db.close().await;
    let _ = reference_scratch.remove().await;

    let catalog = Arc::new(catalog());
    let plan = Arc::new(plan(&dir));
    let mut kills = 0;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let report = loop {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let (db2, plan2, catalog2, options2) = (
            db.clone(),
            Arc::clone(&plan),
            Arc::clone(&catalog),
            options.clone(),
        );
        let task = tokio::spawn(async move { run(&db2, &plan2, &catalog2, &options2).await });
        tokio::time::sleep(std::time::Duration::from_millis(5 + seed % 60)).await;
        if task.is_finished() || kills >= 40 {
            break task.await.expect("join").expect("run");
        }
        task.abort();
        let _ = task.await;
        kills += 1;
    };
    assert!(kills > 0, "the test must kill the run at least once");
    assert_eq!(parts(&db).await, expected, "after {kills} kills");
    assert_eq!(totals(&report), totals(&reference), "after {kills} kills");
    assert!(report.reconciled, "{:#?}", report.entities);
    let _ = std::fs::remove_dir_all(dir);
}

/// A live PostgreSQL source, read on the engine's reading thread (which drives the
/// driver through the runtime's handle), gives what the same records in a CSV give.
async fn a_live_postgresql_source_migrates_like_a_file(db: Db) {
    prepare(&db).await;
    let legacy = bascule_platform::testing::Scratch::postgres()
        .await
        .expect("legacy database");
    let bascule_platform::db::Target::Postgres { url } = &legacy.target else {
        panic!("a PostgreSQL scratch")
    };
    let legacy_db = legacy.connect().await.expect("connect");
    let mut e = legacy_db.clone();
    e.execute(bascule_platform::db::Statement::new(
        "CREATE TABLE parts (line integer PRIMARY KEY, code text, name text, qty text, counted text)",
        Vec::new(),
    ))
    .await
    .expect("create");
    let csv = big_csv();
    for (n, line) in csv.lines().skip(1).enumerate() {
        let cells: Vec<&str> = line.split(';').collect();
        let mut b = SqlBuilder::new(e.dialect());
        b.push("INSERT INTO parts VALUES (")
            .bind(i64::try_from(n).expect("line"))
            .push(", ");
        for (i, cell) in cells.iter().enumerate() {
            b.push(if i == 0 { "" } else { ", " })
                .bind(cell.trim_matches('"').replace("\"\"", "\""));
        }
        b.push(")");
        e.execute(b.statement()).await.expect("insert");
    }
    legacy_db.close().await;
    let mapping = MAPPING
        .replace(
            "[sources.csv]\npath = \"parts.csv\"",
            &format!("[sources.csv]\nurl = \"{url}\""),
        )
        .replace(
            "table = \"parts\"",
            "table = \"public.parts\"\nlegacy_key = [\"line\"]",
        );
    let dir = scratch_dir(&csv);
    let live = compile("live.toml", &mapping, &dir, &catalog()).expect("mapping");
    let report = run(&db, &live, &catalog(), &options()).await.expect("run");
    assert!(report.reconciled, "{:#?}", report.entities);
    let from_db = parts(&db).await;

    // The same records from the CSV file, into a store of their own.
    let reference = bascule_platform::testing::Scratch::sqlite();
    let reference_db = reference.connect().await.expect("reference");
    prepare(&reference_db).await;
    let expected = run(&reference_db, &plan(&dir), &catalog(), &options())
        .await
        .expect("reference run");
    assert_eq!(from_db, parts(&reference_db).await);
    assert_eq!(totals(&report), totals(&expected));
    reference_db.close().await;
    let _ = reference.remove().await;
    let _ = legacy.remove().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn mapping_mistakes_are_reported_with_their_lines() {
    let bad = MAPPING
        .replace("entity = \"part\"\nskip", "entity = \"prat\"\nskip")
        .replace("\"french_number\"", "\"french_numbr\"")
        .replace("name = { from", "nmae = { from");
    let err = compile("parts.toml", &bad, Path::new("."), &catalog()).expect_err("must fail");
    let text = err.to_string();
    assert!(text.contains("parts.toml"), "{text}");
    assert!(text.contains("line"), "{text}");
    let typo = MAPPING.replace("entity = \"part\"\nskip", "entity = \"prat\"\nskip");
    let err = compile("parts.toml", &typo, Path::new("."), &catalog())
        .expect_err("must fail")
        .to_string();
    assert!(
        err.contains("unknown entity prat")
            && err.contains("did you mean `part`?")
            && err.contains("line 14"),
        "{err}"
    );
    let field = MAPPING.replace("name = { from", "nmae = { from");
    let err = compile("parts.toml", &field, Path::new("."), &catalog())
        .expect_err("must fail")
        .to_string();
    assert!(
        err.contains("part has no field nmae") && err.contains("did you mean `name`?"),
        "{err}"
    );
}

bascule_platform::backend_tests!(
    migrates_counts_and_quarantines,
    rerunning_changes_nothing,
    dry_runs_keep_nothing,
    a_killed_run_resumes_to_the_same_result,
    a_live_postgresql_source_migrates_like_a_file,
);
