//! `bascule reactivate DOMAIN --check-only` against the demo data migrated into the
//! embedded database (each domain verified, its quarantine accepted) and served by
//! `bascule serve`: for each of the four domains, the
//! integrity and process checks pass, what the checks created is removed afterwards,
//! every table holds as many rows as before, and no e-mail was queued.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use bascule_platform::db::schema::{SchemaDef, SchemaName};
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder, Target};
use support::{bin, demo, ok, text};

const DOMAINS: [&str; 4] = ["fournisseurs", "stock", "production", "clients"];

fn schemas() -> Vec<&'static SchemaDef> {
    vec![
        bascule_fournisseurs::storage::schema(),
        bascule_stock::storage::schema(),
        bascule_production::storage::schema(),
        bascule_clients::storage::schema(),
    ]
}

async fn rows(db: &Db, schema: SchemaName, table: &str) -> i64 {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT COUNT(*) AS n FROM {}",
        e.dialect().table(schema, table)
    ));
    let mut row = e
        .fetch_optional(b.query(&[("n", Kind::Int)]))
        .await
        .expect("count")
        .expect("a count");
    row.get("n").expect("n")
}

/// The rows of every domain table, and of the outbox.
async fn counts(target: &str) -> BTreeMap<String, i64> {
    let db = Db::connect(&Target::parse(target).expect("target"))
        .await
        .expect("connect");
    let mut counts = BTreeMap::new();
    for schema in schemas() {
        for table in schema.tables() {
            counts.insert(
                format!("{}.{}", schema.name.as_str(), table.name),
                rows(&db, schema.name, table.name).await,
            );
        }
    }
    counts.insert(
        "control.outbox".into(),
        rows(&db, SchemaName::Control, "outbox").await,
    );
    db.close().await;
    counts
}

#[tokio::test]
async fn every_domain_passes_its_checks_and_leaves_no_test_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = format!("sqlite://{}", dir.path().display());
    ok(&bin("admin")
        .args(["db", "upgrade", "--target", &target])
        .output()
        .expect("upgrade"));
    let mapping = dir.path().join("production.toml");
    std::fs::write(&mapping, support::without_bellignat()).expect("write the mapping");
    for domain in DOMAINS {
        let mut migrate = bin("admin");
        migrate.args([
            "migrate",
            domain,
            "--source-dir",
            &demo(),
            "--target",
            &target,
        ]);
        if domain == "production" {
            migrate.args(["--mapping", mapping.to_str().expect("path")]);
        }
        ok(&migrate.output().expect("migrate"));
    }
    for domain in DOMAINS {
        ok(&bin("admin")
            .args([
                "rejects", "accept", "--domain", domain, "--all", "--reason", "test", "--target",
                &target,
            ])
            .output()
            .expect("accept the quarantine"));
    }
    let before = counts(&target).await;
    assert!(before["stock.article"] > 0, "{before:?}");

    let (server, url) = support::serve("all", &target, false);
    for service in [
        "bascule.fournisseurs.v1.FournisseursService",
        "bascule.stock.v1.StockService",
        "bascule.production.v1.ProductionService",
        "bascule.clients.v1.ClientsService",
    ] {
        support::wait_serving(&url, service).await;
    }

    let mut failures = Vec::new();
    for domain in DOMAINS {
        let report = dir.path().join(format!("reactivation-{domain}.json"));
        let out = bin("admin")
            .args([
                "reactivate",
                domain,
                "--server",
                &url,
                "--check-only",
                "--report",
                report.to_str().expect("path"),
                "--target",
                &target,
            ])
            .env_remove("BASCULE_SMTP_URL")
            .output()
            .expect("reactivate");
        // Without an SMTP relay the communications check fails: exit 2, not an error.
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{domain}: {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).expect("report"))
                .expect("JSON report");
        assert_eq!(report["switched_live"], false, "{domain}");
        let checks = report["checks"].as_array().expect("checks");
        for group in ["integrity", "processes"] {
            let of_group: Vec<_> = checks.iter().filter(|c| c["group"] == group).collect();
            assert!(!of_group.is_empty(), "{domain}: no {group} check");
            for c in of_group {
                if c["passed"] != true {
                    failures.push(format!("{domain}: {c}"));
                }
            }
        }
        let cleanup = report["cleanup"].as_array().expect("cleanup");
        if cleanup.is_empty() {
            failures.push(format!("{domain}: nothing removed after the checks"));
        }
    }
    a_customer_unknown_to_clients_stops_its_switch_over(&target, &url, dir.path()).await;
    support::stop(server);
    assert!(failures.is_empty(), "{failures:#?}");

    let after = counts(&target).await;
    let changed: Vec<_> = before
        .iter()
        .filter(|(table, n)| after.get(*table) != Some(n))
        .map(|(table, n)| format!("{table}: {n} before, {:?} after", after.get(table)))
        .collect();
    assert!(changed.is_empty(), "rows left by the checks: {changed:#?}");
}

/// A manufacturing order naming a customer that clients does not have: the clients
/// switch-over is refused, naming the code.
async fn a_customer_unknown_to_clients_stops_its_switch_over(target: &str, url: &str, dir: &Path) {
    let db = Db::connect(&Target::parse(target).expect("target"))
        .await
        .expect("connect");
    let mut e = db.clone();
    let set = |code: &str| {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "UPDATE {} SET customer_code = ",
            e.dialect()
                .table(SchemaName::Production, "manufacturing_order")
        ))
        .bind(code.to_owned())
        .push(" WHERE mo_number = (SELECT MIN(mo_number) FROM ")
        .push(
            &e.dialect()
                .table(SchemaName::Production, "manufacturing_order"),
        )
        .push(")");
        b.statement()
    };
    let statement = set("C99998");
    e.execute(statement).await.expect("break a reference");
    let report = dir.join("reactivation-clients-broken.json");
    let out = bin("admin")
        .args([
            "reactivate",
            "clients",
            "--server",
            url,
            "--check-only",
            "--report",
            report.to_str().expect("path"),
            "--target",
            target,
        ])
        .output()
        .expect("reactivate");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let check = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == "customer_code of manufacturing orders resolve in clients")
        .expect("the reference check")
        .clone();
    assert_eq!(check["passed"], false, "{check}");
    assert!(
        check["detail"].as_str().expect("detail").contains("C99998"),
        "{check}"
    );
    db.close().await;
}
