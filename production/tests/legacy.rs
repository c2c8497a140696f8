//! The default production mapping run on the real legacy files (both Access bases and the
//! PostgreSQL dump) on SQLite and PostgreSQL: every table balances, every entity
//! reconciles, every quarantined record is listed with its locator and reason, the counts
//! are pinned, the overlap of the two systems does not double anything, and a second run
//! changes nothing.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use bascule_migrate::engine::report::{RunReport, TableReport};
use bascule_migrate::engine::run::{RunOptions, run};
use bascule_platform::control;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, Dialect, Exec, Statement};
use bascule_production::domain::{MoState, ToolState};
use bascule_production::legacy::{catalog, plan};
use bascule_production::storage::{ProductionStore, schema};
use chrono::{Datelike, TimeZone, Utc};
use rust_decimal::Decimal;

const LEGACY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/legacy");

/// (read, loaded, merged, quarantined, skipped) of one feed.
type Counts = (u64, u64, u64, u64, u64);

/// Source, table, entity, counts and quarantines by rule of one feed.
type Feed = (
    &'static str,
    &'static str,
    &'static str,
    Counts,
    &'static [(&'static str, u64)],
);

/// Per feed, in load order, as measured on these files (the same on every backend).
const EXPECTED: &[Feed] = &[
    (
        "production/production.mdb",
        "Outillage",
        "tool",
        (122, 116, 2, 4, 0),
        &[
            ("date_range", 1),
            ("invalid_cycle_counter", 1),
            ("plausible_date", 1),
            ("required", 1),
        ],
    ),
    (
        "production/production-large.mdb",
        "Outillage",
        "tool",
        (81, 78, 1, 2, 0),
        &[("date_range", 1), ("invalid_cycle_counter", 1)],
    ),
    (
        "production/production_pg.sql",
        "public.operateur",
        "shop_operator",
        (27, 27, 0, 0, 0),
        &[],
    ),
    (
        "production/production.mdb",
        "OrdresFabrication",
        "manufacturing_order",
        (1200, 1196, 0, 4, 0),
        &[
            ("invalid_planned_end_on", 1),
            ("invalid_quantity", 1),
            ("plausible_date", 1),
            ("required", 1),
        ],
    ),
    (
        "production/production-large.mdb",
        "OrdresFabrication",
        "manufacturing_order",
        (5000, 4995, 0, 5, 0),
        &[
            ("invalid_planned_end_on", 1),
            ("invalid_quantity", 2),
            ("required", 2),
        ],
    ),
    (
        "production/production_pg.sql",
        "public.ordre_fabrication",
        "manufacturing_order",
        (692, 596, 92, 4, 0),
        &[("invalid_quantity", 2), ("plausible_date", 2)],
    ),
    (
        "production/production.mdb",
        "OrdresFabrication",
        "manufacturing_order_tool",
        (1017, 1014, 0, 3, 183),
        &[("exists", 3)],
    ),
    (
        "production/production-large.mdb",
        "OrdresFabrication",
        "manufacturing_order_tool",
        (4224, 4220, 0, 4, 776),
        &[("exists", 4)],
    ),
    (
        "production/production_pg.sql",
        "public.ordre_fabrication",
        "manufacturing_order_tool",
        (580, 494, 84, 2, 112),
        &[("exists", 2)],
    ),
    (
        "production/production.mdb",
        "SuiviProduction",
        "progress_entry",
        (7132, 7064, 10, 58, 0),
        &[
            ("date_range", 8),
            ("exists", 20),
            ("invalid_qty_good", 15),
            ("plausible_date", 3),
            ("required", 12),
        ],
    ),
    (
        "production/production-large.mdb",
        "SuiviProduction",
        "progress_entry",
        (199_603, 196_758, 597, 2248, 0),
        &[
            ("date_range", 199),
            ("exists", 796),
            ("invalid_qty_good", 597),
            ("plausible_date", 59),
            ("required", 597),
        ],
    ),
    (
        "production/production_pg.sql",
        "public.suivi_production",
        "progress_entry",
        (4888, 4389, 467, 32, 0),
        &[
            ("future_entry", 8),
            ("invalid_qty_good", 12),
            ("required", 12),
        ],
    ),
];

/// The rows each entity holds after the run.
const ROWS: &[(&str, u64)] = &[
    ("manufacturing_order", 6787),
    ("manufacturing_order_tool", 5728),
    ("progress_entry", 208_211),
    ("shop_operator", 27),
    ("tool", 194),
];

/// The PostgreSQL server of the tests runs without autovacuum, so the planner never
/// learns that the crosswalk and the target tables grew during the run: it then reads the
/// crosswalk through the wrong index, and 200,000 declarations load at ~550 rows/s instead
/// of ~4,500. A server in service analyzes growing tables by itself (autovacuum);
/// this emulates it, every few seconds, while the migration runs.
fn keep_statistics(db: &Db) -> Option<tokio::task::JoinHandle<()>> {
    if db.target().dialect() != Dialect::Postgres {
        return None;
    }
    let mut e = db.clone();
    Some(tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(3)).await;
            let _ = e.execute(Statement::new("ANALYZE", Vec::new())).await;
        }
    }))
}

async fn migrate(db: &Db) -> RunReport {
    let plan = plan(Path::new(LEGACY)).expect("the default mapping compiles");
    let options = RunOptions {
        batch_size: 500,
        target_display: "test".into(),
        ..RunOptions::default()
    };
    let analyzer = keep_statistics(db);
    let report = run(db, &plan, &catalog(), &options).await.expect("run");
    if let Some(task) = analyzer {
        task.abort();
        let _ = task.await;
    }
    report
}

fn counts(t: &TableReport) -> Counts {
    (t.read, t.loaded, t.merged, t.quarantined, t.skipped)
}

/// The source as the mapping names it, relative to the legacy directory.
fn relative(source: &str) -> &str {
    source
        .rsplit_once("legacy/")
        .map_or(source, |(_, relative)| relative)
}

fn summary(report: &RunReport, seconds: f64) {
    eprintln!("production migration: {seconds:.1} s");
    for t in &report.tables {
        eprintln!(
            "  {:<33} {:<24} -> {:<24} read {:>6} loaded {:>6} merged {:>5} quarantined {:>4} skipped {:>4}  {:>8.0} rows/s  {:?}",
            relative(&t.source),
            t.table,
            t.entity,
            t.read,
            t.loaded,
            t.merged,
            t.quarantined,
            t.skipped,
            t.rows_per_second,
            t.quarantined_by_rule
        );
    }
    for e in &report.entities {
        eprintln!(
            "  entity {:<24} rows {:>6} reconciled {}",
            e.entity, e.target_rows, e.reconciled
        );
    }
}

fn check_report(report: &RunReport) {
    for t in &report.tables {
        assert!(t.balanced, "{} {} does not balance", t.source, t.table);
        assert_eq!(
            t.quarantined_records.len() as u64,
            t.quarantined,
            "{}",
            t.table
        );
        for q in &t.quarantined_records {
            assert!(
                !q.locator.is_empty() && !q.rule.is_empty() && !q.message.is_empty(),
                "{q:?}"
            );
        }
        let by_rule: u64 = t.quarantined_by_rule.values().sum();
        assert_eq!(by_rule, t.quarantined, "{}", t.table);
    }
    for e in &report.entities {
        assert!(e.reconciled, "{e:?}");
    }
    assert!(report.reconciled);
    type Row = (String, String, String, Counts, Vec<(String, u64)>);
    let measured: Vec<Row> = report
        .tables
        .iter()
        .map(|t| {
            let rules = t
                .quarantined_by_rule
                .iter()
                .map(|(r, n)| (r.clone(), *n))
                .collect();
            let source = relative(&t.source).to_owned();
            (source, t.table.clone(), t.entity.clone(), counts(t), rules)
        })
        .collect();
    let expected: Vec<Row> = EXPECTED
        .iter()
        .map(|(s, t, e, c, rules)| {
            let rules = rules.iter().map(|(r, n)| ((*r).to_owned(), *n)).collect();
            ((*s).to_owned(), (*t).to_owned(), (*e).to_owned(), *c, rules)
        })
        .collect();
    assert_eq!(measured, expected);
    let rows: Vec<(&str, u64)> = report
        .entities
        .iter()
        .map(|e| (e.entity.as_str(), e.target_rows))
        .collect();
    assert_eq!(rows, ROWS);
}

/// What the domain reads back: the re-entered OFs, the old machines, the duplicates.
async fn check_values(db: &Db) {
    let store = ProductionStore::new(db.clone());
    // The founding workshop's machines keep their nineteenth-century purchase dates.
    for code in ["MAC-001", "MAC-003", "MAC-004"] {
        let machine = store.get_tool(code).await.expect("machine");
        let bought = machine.value.purchased_on.expect("purchase date");
        assert!(bought.year() < 1900 && bought.year() >= 1800, "{machine:?}");
    }
    // MOU-0597 was typed twice: the record with the greater counter wins.
    let twice = store.get_tool("MOU-0597").await.expect("MOU-0597");
    assert_eq!(
        (twice.value.cycle_counter, twice.value.state),
        (993_925, ToolState::InMaintenance)
    );
    assert_eq!(
        twice.value.purchase_price,
        Decimal::from_str("4120.43").ok()
    );
    // Re-entered in PostgreSQL with another quantity: PostgreSQL wins.
    let order = store.get_order("OF21-0063").await.expect("OF21-0063");
    assert_eq!(order.value.quantity, Decimal::from(3500));
    assert_eq!(order.value.state, MoState::Closed);
    assert_eq!(order.value.tool_codes, ["PPC-0996"]);
    // Declared in both systems, recounted in PostgreSQL: one entry, PostgreSQL's count.
    let progress = store.list_progress("OF21-0118").await.expect("OF21-0118");
    let at = Utc
        .with_ymd_and_hms(2021, 9, 15, 16, 7, 0)
        .single()
        .expect("time");
    let same: Vec<_> = progress
        .entries
        .iter()
        .filter(|e| e.value.entry_at == at)
        .collect();
    assert_eq!(same.len(), 1, "{same:?}");
    assert_eq!(same[0].value.qty_good, Decimal::from(15_860));
    // Corrected in PostgreSQL by a later row for the same time and operator: the
    // correction is the one entry left, with the operator found from operateur_id.
    let progress = store.list_progress("OF22-0096").await.expect("OF22-0096");
    let at = Utc
        .with_ymd_and_hms(2022, 7, 29, 7, 12, 0)
        .single()
        .expect("time");
    let same: Vec<_> = progress
        .entries
        .iter()
        .filter(|e| e.value.entry_at == at)
        .collect();
    assert_eq!(same.len(), 1, "{same:?}");
    assert_eq!(
        (same[0].value.qty_good, same[0].value.operator.as_str()),
        (Decimal::from(12_022), "JCH")
    );
}

/// Declarations on an unknown OF name it; dates with a missing digit are named too.
fn check_reasons(report: &RunReport) {
    for t in report
        .tables
        .iter()
        .filter(|t| t.table == "SuiviProduction")
    {
        for q in t.quarantined_records.iter().filter(|q| q.rule == "exists") {
            let of = q.raw["N° OF"]
                .as_str()
                .unwrap_or_default()
                .trim()
                .to_uppercase();
            assert!(of.starts_with("OF") && q.message.contains(&of), "{q:?}");
        }
        assert!(
            t.quarantined_records
                .iter()
                .any(|q| q.rule == "plausible_date" && q.message.contains("0202-")),
            "{}",
            t.table
        );
    }
}

fn entities(report: &RunReport) -> Vec<(String, u64, String)> {
    report
        .entities
        .iter()
        .map(|e| (e.entity.clone(), e.target_rows, e.target_checksum.clone()))
        .collect()
}

/// What production's mapping looks up in the domains migrated before it: stock's
/// articles, which stock's mapping resolves against fournisseurs' suppliers.
async fn migrate_earlier_domains(db: &Db) {
    upgrade(
        db,
        &[
            bascule_fournisseurs::storage::schema().clone(),
            bascule_stock::storage::schema().clone(),
        ],
    )
    .await
    .expect("upgrade");
    let options = RunOptions {
        target_display: "test".into(),
        ..RunOptions::default()
    };
    let legacy = Path::new(LEGACY);
    let fournisseurs = bascule_fournisseurs::legacy::plan(legacy).expect("fournisseurs mapping");
    run(
        db,
        &fournisseurs,
        &bascule_fournisseurs::legacy::catalog(),
        &options,
    )
    .await
    .expect("fournisseurs");
    let stock = bascule_stock::legacy::plan(legacy).expect("stock mapping");
    run(db, &stock, &bascule_stock::legacy::catalog(), &options)
        .await
        .expect("stock");
}

async fn migrates_every_production_source(db: Db) {
    upgrade(&db, &[control::schema(), schema().clone()])
        .await
        .expect("upgrade");
    migrate_earlier_domains(&db).await;
    let clock = Instant::now();
    let first = migrate(&db).await;
    summary(&first, clock.elapsed().as_secs_f64());
    check_report(&first);
    check_reasons(&first);
    check_values(&db).await;

    let clock = Instant::now();
    let second = migrate(&db).await;
    eprintln!("second run: {:.1} s", clock.elapsed().as_secs_f64());
    check_report(&second);
    assert_eq!(entities(&first), entities(&second));
    let all = |r: &RunReport| r.tables.iter().map(counts).collect::<Vec<_>>();
    assert_eq!(all(&first), all(&second));
}

bascule_platform::backend_tests!(migrates_every_production_source);
