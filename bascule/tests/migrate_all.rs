//! The four domains migrated in the plan's order through the built binary: from the
//! legacy files into PostgreSQL and the embedded SQLite, from the live PostgreSQL
//! legacy databases (restored into scratch databases), and the demo; re-runs change nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bascule_platform::db::Target;
use bascule_platform::testing::Scratch;
use serde_json::Value;

const DOMAINS: [&str; 4] = ["fournisseurs", "stock", "production", "clients"];

fn legacy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/legacy")
}

fn bascule(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bascule"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("BASCULE_TARGET")
        .env_remove("BASCULE_CONFIG")
        .output()
        .expect("run bascule")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn url(target: &Target) -> String {
    match target {
        Target::Postgres { url } => url.clone(),
        Target::Sqlite { dir } => format!("sqlite://{}", dir.display()),
        Target::Oracle { .. } => unreachable!("not used here"),
    }
}

fn report(dir: &Path, domain: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(format!("report-{domain}.json"))).expect("report");
    serde_json::from_str(&text).expect("JSON report")
}

/// (source, table, entity, read, loaded, merged, quarantined, skipped) of a table.
type Counts = (String, String, String, u64, u64, u64, u64, u64);

fn totals(report: &Value) -> Vec<Counts> {
    report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| {
            let n = |k: &str| t[k].as_u64().expect("count");
            let s = |k: &str| t[k].as_str().unwrap_or_default().to_owned();
            (
                s("source"),
                s("table"),
                s("entity"),
                n("read"),
                n("loaded"),
                n("merged"),
                n("quarantined"),
                n("skipped"),
            )
        })
        .collect()
}

/// Every table balances, every entity reconciles, every quarantined record has its locator and reason.
fn check(report: &Value) {
    assert_eq!(report["reconciled"], true, "{}", report["entities"]);
    for t in report["tables"].as_array().expect("tables") {
        let n = |k: &str| t[k].as_u64().expect("count");
        assert_eq!(
            n("read"),
            n("loaded") + n("merged") + n("quarantined"),
            "{}",
            t["table"]
        );
        let listed = t["quarantined_records"].as_array().expect("records");
        assert_eq!(listed.len() as u64, n("quarantined"), "{}", t["table"]);
        for q in listed {
            assert!(!q["locator"].as_str().unwrap_or_default().is_empty(), "{q}");
            assert!(!q["rule"].as_str().unwrap_or_default().is_empty(), "{q}");
            assert!(!q["message"].as_str().unwrap_or_default().is_empty(), "{q}");
        }
    }
}

fn migrate_all(target: &str, reports: &Path) {
    let report = reports.join("report.json");
    let out = bascule(&[
        "migrate",
        "--all",
        "--source-dir",
        legacy().to_str().expect("path"),
        "--target",
        target,
        "--report",
        report.to_str().expect("path"),
    ]);
    ok(&out);
}

fn full_migration_twice(target: &Target) {
    let target = url(target);
    ok(&bascule(&["db", "upgrade", "--target", &target]));
    let first_dir = std::env::temp_dir().join(format!("bascule-reports-{}", uuid::Uuid::now_v7()));
    migrate_all(&target, &first_dir);
    let first: Vec<Value> = DOMAINS.iter().map(|d| report(&first_dir, d)).collect();
    for (d, r) in DOMAINS.iter().zip(&first) {
        check(r);
        for t in totals(r) {
            eprintln!(
                "{d:<13} {:<40} {:<20} -> {:<22} read {:>6} loaded {:>6} merged {:>5} quarantined {:>4} skipped {:>4}",
                t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7
            );
        }
    }
    // Stock looks supplier names up in fournisseurs: each domain waits for the one before.
    let second_dir = std::env::temp_dir().join(format!("bascule-reports-{}", uuid::Uuid::now_v7()));
    migrate_all(&target, &second_dir);
    for (d, before) in DOMAINS.iter().zip(&first) {
        let after = report(&second_dir, d);
        check(&after);
        assert_eq!(
            totals(&after),
            totals(before),
            "{d}: a re-run gives the same counts"
        );
        for (a, b) in after["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .zip(before["entities"].as_array().expect("entities"))
        {
            assert_eq!(
                a["target_checksum"], b["target_checksum"],
                "{d}: a re-run changes nothing in {}",
                a["entity"]
            );
        }
    }
    let _ = std::fs::remove_dir_all(first_dir);
    let _ = std::fs::remove_dir_all(second_dir);
    // Reconciled runs leave each domain VERIFIED, waiting for its switch-over checks.
    let plan: Value = serde_json::from_str(&ok(&bascule(&["plan", "--json", "--target", &target])))
        .expect("plan JSON");
    for (phase, d) in plan.as_array().expect("phases").iter().zip(DOMAINS) {
        assert_eq!(phase["domain"], *d);
        assert_eq!(phase["state"], "VERIFIED", "{phase}");
        assert_eq!(phase["last_run"]["status"], "SUCCEEDED", "{phase}");
    }
}

#[tokio::test]
async fn all_domains_from_the_files_into_postgres() {
    let scratch = Scratch::postgres().await.expect("scratch");
    let target = scratch.target.clone();
    tokio::task::spawn_blocking(move || full_migration_twice(&target))
        .await
        .expect("join");
    scratch.remove().await.expect("remove");
}

#[test]
fn all_domains_from_the_files_into_sqlite() {
    let scratch = Scratch::sqlite();
    full_migration_twice(&scratch.target);
}

#[test]
fn a_domain_waits_for_the_domains_it_looks_up() {
    let scratch = Scratch::sqlite();
    let target = url(&scratch.target);
    ok(&bascule(&["db", "upgrade", "--target", &target]));
    let out = bascule(&[
        "migrate",
        "stock",
        "--source-dir",
        legacy().to_str().expect("path"),
        "--target",
        &target,
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fournisseurs") && err.contains("migrate fournisseurs first")
            || err.contains("bascule migrate fournisseurs"),
        "{err}"
    );
}

fn restore(kind: &str, file: &Path, url: &str) {
    let status = match kind {
        "custom" => Command::new("pg_restore")
            .args(["--no-owner", "-d", url])
            .arg(file)
            .status(),
        _ => Command::new("psql")
            .args(["-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
            .arg(file)
            .status(),
    }
    .expect("restore tool");
    assert!(status.success(), "restoring {}", file.display());
}

/// The default mapping with its dump file replaced by the live database.
fn live_mapping(mapping: &str, file_source: &str, url: &str) -> String {
    let mut out = Vec::new();
    let mut lines = mapping.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == format!("path = \"{file_source}\"") {
            out.push(format!("url = \"{url}\""));
            if lines
                .peek()
                .is_some_and(|l| l.trim_start().starts_with("kind ="))
            {
                lines.next();
            }
        } else {
            out.push(line.to_owned());
        }
    }
    out.join("\n")
}

#[tokio::test]
async fn production_and_clients_from_the_live_postgres_databases() {
    let target = Scratch::postgres().await.expect("target");
    let clients_db = Scratch::postgres().await.expect("clients legacy db");
    let production_db = Scratch::postgres().await.expect("production legacy db");
    let (t, c, p) = (
        url(&target.target),
        url(&clients_db.target),
        url(&production_db.target),
    );
    tokio::task::spawn_blocking(move || {
        restore("custom", &legacy().join("clients/clients_pg.dump"), &c);
        restore("plain", &legacy().join("production/production_pg.sql"), &p);
        ok(&bascule(&["db", "upgrade", "--target", &t]));
        let dir = std::env::temp_dir().join(format!("bascule-live-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let src = legacy();
        let files_dir = dir.join("files");
        for d in ["fournisseurs", "stock", "production", "clients"] {
            let report = files_dir.join(format!("report-{d}.json"));
            ok(&bascule(&[
                "migrate",
                d,
                "--source-dir",
                src.to_str().expect("p"),
                "--target",
                &t,
                "--report",
                report.to_str().expect("p"),
            ]));
        }
        let live = [
            (
                "production",
                bascule_production::legacy::DEFAULT_MAPPING,
                "production/production_pg.sql",
                &p,
            ),
            (
                "clients",
                bascule_clients::legacy::DEFAULT_MAPPING,
                "clients/clients_pg.dump",
                &c,
            ),
        ];
        for (domain, mapping, file, db_url) in live {
            let text = live_mapping(mapping, file, db_url);
            assert!(
                text.contains(&format!("url = \"{db_url}\"")),
                "{domain}: the mapping's dump source was not found"
            );
            let mapping_file = dir.join(format!("{domain}-live.toml"));
            std::fs::write(&mapping_file, text).expect("write");
            let report = dir.join(format!("report-{domain}.json"));
            let out = bascule(&[
                "migrate",
                domain,
                "--source-dir",
                src.to_str().expect("p"),
                "--target",
                &t,
                "--mapping",
                mapping_file.to_str().expect("p"),
                "--report",
                report.to_str().expect("p"),
            ]);
            ok(&out);
            let from_live = report_at(&report);
            check(&from_live);
            let from_files = report_at(&files_dir.join(format!("report-{domain}.json")));
            // Same tables, same counts: the live base and its dump hold the same records,
            // and the files' run already loaded them, so nothing changes either.
            let strip = |v: Vec<Counts>| {
                v.into_iter()
                    .map(|t| {
                        (
                            t.1.rsplit('.').next().unwrap_or_default().to_owned(),
                            t.2,
                            t.3,
                            t.4 + t.5,
                            t.6,
                            t.7,
                        )
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                strip(totals(&from_live)),
                strip(totals(&from_files)),
                "{domain}"
            );
            for (a, b) in from_live["entities"]
                .as_array()
                .expect("e")
                .iter()
                .zip(from_files["entities"].as_array().expect("e"))
            {
                assert_eq!(
                    a["target_checksum"], b["target_checksum"],
                    "{domain}: live and dump give the same target"
                );
            }
        }
        let _ = std::fs::remove_dir_all(dir);
    })
    .await
    .expect("join");
    for s in [target, clients_db, production_db] {
        s.remove().await.expect("remove");
    }
}

fn report_at(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report")).expect("JSON")
}

#[test]
fn the_demo_runs_from_the_repository_copy_and_again() {
    let scratch = Scratch::sqlite();
    let target = url(&scratch.target);
    let first = ok(&bascule(&["demo", "--no-serve", "--target", &target]));
    assert!(
        first.contains("reconciled") && first.contains("clients"),
        "{first}"
    );
    for d in DOMAINS {
        assert!(
            first
                .lines()
                .any(|l| l.starts_with(d) && l.contains(" yes ")),
            "{d} not reconciled:\n{first}"
        );
    }
    let second = ok(&bascule(&["demo", "--no-serve", "--target", &target]));
    let table = |s: &str| {
        s.lines()
            .filter(|l| DOMAINS.iter().any(|d| l.starts_with(d)))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(table(&first), table(&second));
    let Target::Sqlite { dir } = &scratch.target else {
        unreachable!()
    };
    for d in DOMAINS {
        assert!(dir.join(format!("reports/{d}.html")).exists());
    }
    let _ = std::fs::remove_dir_all(dir);
}
