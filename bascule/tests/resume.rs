//! A real domain migration killed half-way (`kill -9`, several times) and started again
//! resumes from its last checkpoint: the same report totals and the same data as a run
//! never interrupted, on the embedded SQLite and on PostgreSQL.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use bascule_platform::db::schema::{ColumnType, SchemaName};
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder, Target};
use bascule_platform::testing::Scratch;
use serde_json::Value;
use support::{bin, demo, ok, text, url};

/// `bascule migrate DOMAIN` on the demo data, in small batches so that a run has many
/// checkpoints to stop between.
fn migrate(target: &str, domain: &str, mapping: &Path, report: &Path) -> Command {
    let mut command = bin("admin");
    command.args([
        "migrate",
        domain,
        "--source-dir",
        &demo(),
        "--target",
        target,
        "--batch-size",
        "25",
        "--report",
        report.to_str().expect("utf-8"),
    ]);
    if domain == "production" {
        command.args(["--mapping", mapping.to_str().expect("utf-8")]);
    }
    command
}

/// Per table: read, loaded, merged, quarantined, skipped; per entity: its rows. (The
/// checksums embed the new ids, which differ from one target to another: the data is
/// compared by [`same_data`].)
fn totals(report: &Value) -> (Vec<Vec<u64>>, Vec<Value>) {
    let tables = report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| {
            ["read", "loaded", "merged", "quarantined", "skipped"]
                .iter()
                .map(|k| t[*k].as_u64().expect("count"))
                .collect()
        })
        .collect();
    let entities = report["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| e["target_rows"].clone())
        .collect();
    (tables, entities)
}

fn read(report: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(report).expect("report")).expect("JSON")
}

fn prepared(target: &str, dir: &Path, mapping: &Path) {
    ok(&bin("admin")
        .args(["db", "upgrade", "--target", target])
        .output()
        .expect("upgrade"));
    for domain in ["fournisseurs", "stock"] {
        let report = dir.join(format!("{domain}.json"));
        ok(&migrate(target, domain, mapping, &report)
            .output()
            .expect("migrate"));
    }
}

/// Every production table's business values, ids and timestamps left out, sorted.
async fn business_rows(target: &str) -> Vec<(String, Vec<String>)> {
    let db = Db::connect(&Target::parse(target).expect("target"))
        .await
        .expect("connect");
    let mut out = Vec::new();
    for table in bascule_production::storage::schema().tables() {
        let columns: Vec<(&str, Kind)> = table
            .columns
            .iter()
            .filter(|c| c.ty != ColumnType::Id)
            .filter(|c| !["revision", "created_at", "updated_at"].contains(&c.name))
            .map(|c| (c.name, c.ty.kind()))
            .collect();
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let mut e = db.clone();
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "SELECT {} FROM {}",
            names.join(", "),
            e.dialect().table(SchemaName::Production, table.name)
        ));
        let mut rows: Vec<String> = e
            .fetch(b.query(&columns))
            .await
            .expect("read")
            .iter()
            .map(|r| format!("{:?}", r.values()))
            .collect();
        rows.sort();
        out.push((table.name.to_owned(), rows));
    }
    db.close().await;
    out
}

fn killed_and_resumed(reference_target: &str, target: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mapping = dir.path().join("production.toml");
    std::fs::write(&mapping, support::without_bellignat()).expect("mapping");

    prepared(reference_target, dir.path(), &mapping);
    let reference = dir.path().join("reference.json");
    ok(
        &migrate(reference_target, "production", &mapping, &reference)
            .output()
            .expect("migrate"),
    );
    let reference = read(&reference);
    assert_eq!(reference["reconciled"], true);

    prepared(target, dir.path(), &mapping);
    let report = dir.path().join("resumed.json");
    let mut kills = 0;
    let delays = [900, 500, 1300, 400, 1100, 700];
    loop {
        let mut child = migrate(target, "production", &mapping, &report)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start the migration");
        std::thread::sleep(Duration::from_millis(delays[kills % delays.len()]));
        if child.try_wait().expect("status").is_some() || kills >= 12 {
            let out = child.wait_with_output().expect("finish");
            assert!(out.status.success(), "{}", text(&out.stderr));
            break;
        }
        let killed = Command::new("kill")
            .args(["-KILL", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let _ = child.wait();
        kills += 1;
    }
    assert!(kills > 0, "the migration must be killed at least once");
    let resumed = read(&report);
    assert_eq!(resumed["reconciled"], true, "after {kills} kills");
    assert_eq!(
        totals(&resumed),
        totals(&reference),
        "after {kills} kills: the same counts and data as an uninterrupted run"
    );
}

async fn resumes_like_an_uninterrupted_run(reference: String, target: String) {
    let (r, t) = (reference.clone(), target.clone());
    tokio::task::spawn_blocking(move || killed_and_resumed(&r, &t))
        .await
        .expect("join");
    let (expected, actual) = (
        business_rows(&reference).await,
        business_rows(&target).await,
    );
    for ((table, e), (_, a)) in expected.iter().zip(&actual) {
        assert_eq!(e.len(), a.len(), "{table}: rows");
        assert!(e == a, "{table}: a resumed run loaded other values");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_production_migration_resumes_on_sqlite() {
    let reference = Scratch::sqlite();
    let target = Scratch::sqlite();
    resumes_like_an_uninterrupted_run(url(&reference.target), url(&target.target)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_production_migration_resumes_on_postgres() {
    let reference = Scratch::postgres().await.expect("scratch");
    let target = Scratch::postgres().await.expect("scratch");
    resumes_like_an_uninterrupted_run(url(&reference.target), url(&target.target)).await;
    reference.remove().await.expect("remove");
    target.remove().await.expect("remove");
}
