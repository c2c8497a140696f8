//! Rollback, legacy fingerprints, retirement and catch-up through the built binary, on
//! PostgreSQL and the embedded SQLite, from a copy of the fournisseurs (and stock)
//! legacy files in a temporary directory.

mod support;

use std::path::Path;

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder, Target};
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::testing::Scratch;
use serde_json::Value;
use tempfile::TempDir;

use support::{bin, fails, ok};

/// F00014's record in FOURNISSEUR.csv, and the same record with a new first address line.
const F00014: &str = "\"166 rue Denis Papin\"";
const F00014_MOVED: &str = "\"168 rue Denis Papin\"";
/// A supplier typed into GESCOM after the switch-over.
const APPENDED: &str = "9001;\"F09001\";\"NOUVEAU FOURNISSEUR SPRL\";;\"12 rue Neuve\";;\"1000\";\"BRUXELLES\";\"BE\";;;;;30;\"O\";01/10/25;01/10/25;\r\n";

fn url(target: &Target) -> String {
    match target {
        Target::Postgres { url } => url.clone(),
        Target::Sqlite { dir } => format!("sqlite://{}", dir.display()),
        Target::Oracle { .. } => unreachable!("not used here"),
    }
}

/// A copy of the legacy files of `domains`, to change freely.
fn legacy_copy(domains: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/legacy");
    for domain in domains {
        let out = std::process::Command::new("cp")
            .arg("-r")
            .arg(shared.join(domain))
            .arg(dir.path())
            .output()
            .expect("cp");
        assert!(out.status.success(), "{out:?}");
    }
    dir
}

fn bascule(target: &str, args: &[&str]) -> std::process::Output {
    bin("tester")
        .args(args)
        .args(["--target", target])
        .output()
        .expect("run bascule")
}

fn migrate(target: &str, legacy: &Path, domain: &str, report: &Path) -> Value {
    ok(&bascule(
        target,
        &[
            "migrate",
            domain,
            "--source-dir",
            legacy.to_str().expect("path"),
            "--report",
            report.to_str().expect("path"),
        ],
    ));
    serde_json::from_str(&std::fs::read_to_string(report).expect("report")).expect("JSON")
}

async fn count(db: &Db, schema: SchemaName, table: &str, domain: Option<&str>) -> i64 {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT COUNT(*) AS n FROM {}",
        e.dialect().table(schema, table)
    ));
    if let Some(d) = domain {
        b.push(" WHERE domain = ").bind(d);
    }
    let mut row = e
        .fetch_optional(b.query(&[("n", Kind::Int)]))
        .await
        .expect("count")
        .expect("a row");
    row.get("n").expect("n")
}

async fn address_of(db: &Db, code: &str) -> Option<String> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT address_line1 FROM {} WHERE code = ",
        e.dialect().table(SchemaName::Fournisseurs, "supplier")
    ))
    .bind(code);
    e.fetch_optional(b.query(&[("address_line1", Kind::Text)]))
        .await
        .expect("select")
        .map(|mut r| r.get("address_line1").expect("address"))
}

async fn set_live(db: &Db, domain: &str) {
    domain_state::transition(db, domain, DomainState::Live, "test", Some("test"), None)
        .await
        .expect("verified → live");
}

async fn state(db: &Db, domain: &str) -> DomainState {
    domain_state::current(&mut db.clone(), domain)
        .await
        .expect("state")
}

/// Runs `scenario` on a scratch PostgreSQL database and on a scratch SQLite directory.
async fn on_both<F, Fut>(scenario: F)
where
    F: Fn(String, Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let pg = Scratch::postgres().await.expect("PostgreSQL scratch");
    let sqlite = Scratch::sqlite();
    for scratch in [&pg, &sqlite] {
        let target = url(&scratch.target);
        ok(&bascule(&target, &["db", "upgrade"]));
        let db = scratch.connect().await.expect("connect");
        scenario(target, db.clone()).await;
        db.close().await;
    }
    pg.remove().await.expect("remove the scratch database");
}

fn tables(report: &Value) -> Vec<(String, u64, u64, u64)> {
    report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| {
            let n = |k: &str| t[k].as_u64().expect("count");
            (
                t["entity"].as_str().expect("entity").to_owned(),
                n("loaded"),
                n("merged"),
                n("quarantined"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_rollback_removes_what_was_migrated_and_a_new_migration_gives_the_same_counts() {
    on_both(|target, db| async move {
        let legacy = legacy_copy(&["fournisseurs"]);
        let reports = tempfile::tempdir().expect("reports");
        let first = migrate(
            &target,
            legacy.path(),
            "fournisseurs",
            &reports.path().join("1.json"),
        );
        assert!(count(&db, SchemaName::Fournisseurs, "supplier", None).await > 0);
        assert!(
            count(
                &db,
                SchemaName::Control,
                "legacy_record",
                Some("fournisseurs")
            )
            .await
                > 0
        );
        let runs = count(
            &db,
            SchemaName::Control,
            "migration_run",
            Some("fournisseurs"),
        )
        .await;

        let out = ok(&bascule(
            &target,
            &["rollback", "fournisseurs", "--reason", "wrong extract"],
        ));
        assert!(out.contains("fournisseurs.supplier "), "{out}");
        assert!(out.contains("control.crosswalk"), "{out}");
        assert_eq!(state(&db, "fournisseurs").await, DomainState::Legacy);
        for table in [
            "supplier",
            "purchase_order",
            "purchase_order_line",
            "payment",
        ] {
            assert_eq!(
                count(&db, SchemaName::Fournisseurs, table, None).await,
                0,
                "{table}"
            );
        }
        for table in ["crosswalk", "quarantine", "legacy_record", "legacy_source"] {
            assert_eq!(
                count(&db, SchemaName::Control, table, Some("fournisseurs")).await,
                0,
                "{table}"
            );
        }
        assert_eq!(count(&db, SchemaName::Control, "checkpoint", None).await, 0);
        assert_eq!(
            count(
                &db,
                SchemaName::Control,
                "migration_run",
                Some("fournisseurs")
            )
            .await,
            runs,
            "the runs stay, as history"
        );

        let err = fails(&bascule(&target, &["rollback", "fournisseurs"]), 1);
        assert!(err.contains("nothing to roll back"), "{err}");

        let second = migrate(
            &target,
            legacy.path(),
            "fournisseurs",
            &reports.path().join("2.json"),
        );
        assert_eq!(tables(&first), tables(&second));
        assert_eq!(state(&db, "fournisseurs").await, DomainState::Verified);
    })
    .await;
}

#[tokio::test]
async fn a_rollback_waits_for_the_domains_that_refer_to_it_and_never_touches_a_live_one() {
    on_both(|target, db| async move {
        let legacy = legacy_copy(&["fournisseurs", "stock"]);
        let reports = tempfile::tempdir().expect("reports");
        migrate(&target, legacy.path(), "fournisseurs", &reports.path().join("f.json"));
        migrate(&target, legacy.path(), "stock", &reports.path().join("s.json"));

        let err = fails(&bascule(&target, &["rollback", "fournisseurs"]), 1);
        assert!(
            err.contains("stock is verified and its data refers to fournisseurs: roll back stock first"),
            "{err}"
        );
        assert_eq!(state(&db, "fournisseurs").await, DomainState::Verified);
        assert!(count(&db, SchemaName::Fournisseurs, "supplier", None).await > 0);

        ok(&bascule(&target, &["rollback", "stock"]));
        set_live(&db, "fournisseurs").await;
        let err = fails(&bascule(&target, &["rollback", "fournisseurs"]), 1);
        assert!(
            err.contains("fournisseurs is live: a live domain is not rolled back; its legacy systems may be out of date"),
            "{err}"
        );
        assert!(count(&db, SchemaName::Fournisseurs, "supplier", None).await > 0);
    })
    .await;
}

#[tokio::test]
async fn an_unchanged_live_domain_is_retired_with_its_report_and_checklist() {
    on_both(|target, db| async move {
        let legacy = legacy_copy(&["fournisseurs"]);
        let reports = tempfile::tempdir().expect("reports");
        migrate(
            &target,
            legacy.path(),
            "fournisseurs",
            &reports.path().join("f.json"),
        );
        let source_dir = legacy.path().to_str().expect("path");

        let err = fails(
            &bascule(
                &target,
                &["retire", "fournisseurs", "--source-dir", source_dir],
            ),
            1,
        );
        assert!(
            err.contains("fournisseurs is verified: only a live domain"),
            "{err}"
        );

        set_live(&db, "fournisseurs").await;
        let report_path = reports.path().join("retirement.json");
        let out = ok(&bascule(
            &target,
            &[
                "retire",
                "fournisseurs",
                "--source-dir",
                source_dir,
                "--report",
                report_path.to_str().expect("path"),
            ],
        ));
        assert_eq!(state(&db, "fournisseurs").await, DomainState::Retired);
        let csv = std::fs::canonicalize(legacy.path().join("fournisseurs/export/FOURNISSEUR.csv"))
            .expect("path");
        assert!(out.contains(&format!("archive {}", csv.display())), "{out}");
        assert!(out.contains("point the users of fournisseurs"), "{out}");

        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(&report_path).expect("report"))
                .expect("JSON");
        assert_eq!(report["status"], "retired");
        let sources = report["sources"].as_array().expect("sources");
        assert_eq!(sources.len(), 4);
        let fournisseur = sources
            .iter()
            .find(|s| s["table"] == "FOURNISSEUR")
            .expect("FOURNISSEUR");
        assert_eq!(fournisseur["rows"], 149);
        assert_eq!(fournisseur["file_sha256"].as_str().map(str::len), Some(64));
        assert_eq!(
            count(&db, SchemaName::Control, "report", Some("fournisseurs")).await,
            1
        );
        let mut e = db.clone();
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "SELECT r.kind AS kind FROM {} t JOIN {} r ON r.id = t.report_id WHERE t.to_state = ",
            e.dialect().table(SchemaName::Control, "domain_transition"),
            e.dialect().table(SchemaName::Control, "report"),
        ))
        .bind("RETIRED");
        let mut row = e
            .fetch_optional(b.query(&[("kind", Kind::Text)]))
            .await
            .expect("select")
            .expect("the transition names its report");
        assert_eq!(row.get::<String>("kind").expect("kind"), "retirement");

        let err = fails(
            &bascule(
                &target,
                &["retire", "fournisseurs", "--source-dir", source_dir],
            ),
            1,
        );
        assert!(err.contains("retired already"), "{err}");
    })
    .await;
}

/// Moves F00014 and appends a supplier; returns the locator of the appended record.
fn edit_suppliers(legacy: &Path) -> String {
    let file = legacy.join("fournisseurs/export/FOURNISSEUR.csv");
    let text = std::fs::read_to_string(&file).expect("read");
    assert_eq!(text.matches(F00014).count(), 1);
    assert!(text.ends_with('\n'));
    let appended = format!("line {}", text.matches('\n').count() + 1);
    let mut text = text.replace(F00014, F00014_MOVED);
    text.push_str(APPENDED);
    std::fs::write(&file, text).expect("write");
    appended
}

fn locators(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|r| r["locator"].as_str().expect("locator").to_owned())
        .collect()
}

#[tokio::test]
async fn changed_legacy_records_stop_the_retirement_until_caught_up() {
    on_both(|target, db| async move {
        let legacy = legacy_copy(&["fournisseurs"]);
        let reports = tempfile::tempdir().expect("reports");
        migrate(
            &target,
            legacy.path(),
            "fournisseurs",
            &reports.path().join("f.json"),
        );
        let source_dir = legacy.path().to_str().expect("path");
        let err = fails(
            &bascule(
                &target,
                &[
                    "migrate",
                    "fournisseurs",
                    "--catch-up",
                    "--source-dir",
                    source_dir,
                ],
            ),
            1,
        );
        assert!(err.contains("--catch-up is for a live domain"), "{err}");
        set_live(&db, "fournisseurs").await;
        let suppliers = count(&db, SchemaName::Fournisseurs, "supplier", None).await;
        let appended = edit_suppliers(legacy.path());

        let report_path = reports.path().join("retirement.json");
        let retire = |target: &str| {
            bascule(
                target,
                &[
                    "retire",
                    "fournisseurs",
                    "--source-dir",
                    source_dir,
                    "--report",
                    report_path.to_str().expect("path"),
                ],
            )
        };
        let out = retire(&target);
        let err = fails(&out, 2);
        assert!(
            err.contains("bascule migrate fournisseurs --catch-up"),
            "{err}"
        );
        assert_eq!(state(&db, "fournisseurs").await, DomainState::Live);
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(&report_path).expect("report"))
                .expect("JSON");
        assert_eq!(report["status"], "refused");
        let differences = report["differences"].as_array().expect("differences");
        assert_eq!(differences.len(), 1, "{differences:?}");
        let d = &differences[0];
        assert_eq!(d["table"], "FOURNISSEUR");
        // F00014 starts on line 4 (the first record spans two lines); the new one is last.
        assert_eq!(
            locators(&d["changed_or_new"]),
            ["line 4", appended.as_str()]
        );
        assert_eq!(locators(&d["changed_or_removed"]), ["line 4"]);
        assert_eq!(d["changed_or_new"][0]["key"], "1003");
        let stdout = support::text(&out.stdout);
        assert!(
            stdout.contains("2 changed or new, 1 changed or removed"),
            "{stdout}"
        );

        let out = ok(&bascule(
            &target,
            &[
                "migrate",
                "fournisseurs",
                "--catch-up",
                "--source-dir",
                source_dir,
            ],
        ));
        assert!(out.contains("2 records caught up"), "{out}");
        assert!(out.contains("0 quarantined"), "{out}");
        assert_eq!(
            address_of(&db, "F00014").await.as_deref(),
            Some("168 rue Denis Papin")
        );
        assert_eq!(
            address_of(&db, "F09001").await.as_deref(),
            Some("12 rue Neuve")
        );
        assert_eq!(
            count(&db, SchemaName::Fournisseurs, "supplier", None).await,
            suppliers + 1
        );

        ok(&retire(&target));
        assert_eq!(state(&db, "fournisseurs").await, DomainState::Retired);
    })
    .await;
}
