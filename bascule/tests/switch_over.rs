//! The whole switch-over through the command line, on PostgreSQL and on the embedded
//! SQLite: the four domains from legacy to retired in the plan's order, with a
//! reactivation refused for an unaccepted quarantine, a rollback, writes refused before
//! live, and a legacy file changed after the switch-over that blocks retirement until
//! `--catch-up` brings its change over. The runbooks in docs/ show these commands.

mod support;

use std::path::Path;
use std::process::Output;

use bascule_mail::testing::smtp::{ServerOptions, SmtpServer};
use bascule_platform::testing::Scratch;
use serde_json::Value;
use support::{bin, fails, json, ok, stop, text, url, wait_serving};

const FROM: &str = "Bascule <bascule@exemple.fr>";
const PLAN: [&str; 4] = ["fournisseurs", "stock", "production", "clients"];

/// Copies the demo legacy files, which the test then changes as a user of the old
/// system would.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

struct Operator {
    target: String,
    legacy: String,
    production_mapping: String,
    reports: std::path::PathBuf,
    smtp: String,
}

impl Operator {
    fn bascule(&self, args: &[&str]) -> Output {
        bin("operator")
            .args(args)
            .args(["--target", &self.target])
            .env("BASCULE_SMTP_URL", &self.smtp)
            .env("BASCULE_MAIL_FROM", FROM)
            .output()
            .expect("run bascule")
    }

    fn states(&self) -> Vec<String> {
        json(&self.bascule(&["plan", "--json"]))
            .as_array()
            .expect("phases")
            .iter()
            .map(|p| p["state"].as_str().expect("state").to_owned())
            .collect()
    }

    fn state(&self, domain: &str) -> String {
        let i = PLAN.iter().position(|d| *d == domain).expect("domain");
        self.states()[i].clone()
    }

    /// `--source-dir`, and for production the mapping without the Bellignat base that
    /// the demo data set leaves out.
    fn sources(&self, domain: &str) -> Vec<String> {
        let mut args = vec!["--source-dir".to_owned(), self.legacy.clone()];
        if domain == "production" {
            args.extend(["--mapping".to_owned(), self.production_mapping.clone()]);
        }
        args
    }

    fn migrate(&self, domain: &str, extra: &[&str]) -> Output {
        let report = self.reports.join(format!("{domain}.json"));
        let sources = self.sources(domain);
        let mut args = vec![
            "migrate",
            domain,
            "--report",
            report.to_str().expect("utf-8"),
        ];
        args.extend(sources.iter().map(String::as_str));
        args.extend_from_slice(extra);
        self.bascule(&args)
    }

    fn retire(&self, domain: &str, report: &Path) -> Output {
        let sources = self.sources(domain);
        let mut args = vec![
            "retire",
            domain,
            "--report",
            report.to_str().expect("utf-8"),
        ];
        args.extend(sources.iter().map(String::as_str));
        self.bascule(&args)
    }

    fn reactivate(&self, domain: &str, server: &str) -> (Output, Value) {
        let report = self.reports.join(format!("reactivation-{domain}.json"));
        let out = self.bascule(&[
            "reactivate",
            domain,
            "--server",
            server,
            "--report",
            report.to_str().expect("utf-8"),
        ]);
        let written = std::fs::read_to_string(&report).expect("reactivation report");
        assert!(report.with_extension("html").exists(), "HTML report");
        (out, serde_json::from_str(&written).expect("JSON report"))
    }

    fn accept_quarantine(&self, domain: &str) {
        ok(&self.bascule(&[
            "rejects",
            "accept",
            "--domain",
            domain,
            "--all",
            "--reason",
            "reviewed with the business: these rows stay out",
        ]));
    }
}

/// Exports the quarantined records and replays them as they are: each fails again,
/// with its reason, and stays open; none is lost or loaded.
fn replay_uncorrected(op: &Operator, domain: &str) {
    let open = |op: &Operator| {
        json(&op.bascule(&["rejects", "list", "--domain", domain, "--json"]))
            .as_array()
            .expect("rejects")
            .len()
    };
    let before = open(op);
    assert!(
        before > 0,
        "the demo data of {domain} has quarantined records"
    );
    ok(&op.bascule(&["rejects", "list", "--domain", domain]));
    let file = op.reports.join(format!("rejects-{domain}.jsonl"));
    let file = file.to_str().expect("utf-8");
    std::fs::create_dir_all(&op.reports).expect("mkdir");
    ok(&op.bascule(&["rejects", "export", "--domain", domain, "-o", file]));
    let out = op.migrate(domain, &["--replay-rejects", file]);
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(open(op), before, "uncorrected records stay open, once each");
}

fn failed_checks(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["name"].as_str().expect("name").to_owned())
        .collect()
}

/// A supplier change made in the old system after the switch-over, and a new supplier.
fn someone_keeps_using_the_legacy_file(legacy: &Path) {
    let file = legacy.join("fournisseurs/export/FOURNISSEUR.csv");
    let before = std::fs::read_to_string(&file).expect("read csv");
    assert!(
        before.contains("\"ACIERS LEMAÎTRE\""),
        "the row the test changes"
    );
    let mut after = before.replacen("\"ACIERS LEMAÎTRE\"", "\"ACIERS LEMAÎTRE ET FILS\"", 1);
    if !after.ends_with('\n') {
        after.push_str("\r\n");
    }
    after.push_str(
        "9999;\"F09999\";\"FONDERIE NOUVELLE\";\"\";\"2 rue des Forges\";\"\";\"69007\";\"LYON\";\"FR\";\"\";\"\";\"\";\"\";30;\"O\";01/02/25;01/02/25;\"\"\r\n",
    );
    std::fs::write(&file, after).expect("write csv");
}

/// Every article code the stock service lists, in order.
fn article_codes(address: &str) -> Vec<String> {
    let listed = json(&support::run(
        "operator",
        address,
        &["stock", "articles", "list", "--all", "--json"],
    ));
    let items = listed["items"].as_array().expect("the listed items");
    items
        .iter()
        .map(|a| a["code"].as_str().expect("code").to_owned())
        .collect()
}

/// The old production base names an article that never existed in stock.
fn an_order_names_an_unknown_article(legacy: &Path) {
    let file = legacy.join("production/production_pg.sql");
    let before = std::fs::read_to_string(&file).expect("read dump");
    let row = "\tOF24-0001\tPF-75909\t";
    assert!(before.contains(row), "the order the test changes");
    std::fs::write(&file, before.replacen(row, "\tOF24-0001\tPF-99999\t", 1)).expect("write dump");
}

async fn whole_switch_over(target: String) {
    let smtp = SmtpServer::start(ServerOptions::default()).await;
    let work = tempfile::tempdir().expect("temp dir");
    let legacy = work.path().join("legacy");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/legacy"),
        &legacy,
    );
    let production_mapping = work.path().join("production.toml");
    std::fs::write(&production_mapping, support::without_bellignat()).expect("mapping");
    let op = Operator {
        target: target.clone(),
        legacy: legacy.display().to_string(),
        production_mapping: production_mapping.display().to_string(),
        reports: work.path().join("reports"),
        smtp: smtp.url(),
    };
    ok(&op.bascule(&["db", "upgrade"]));
    assert_eq!(op.states(), ["LEGACY"; 4]);

    let (server, address) = support::serve_with(
        "all",
        &target,
        false,
        &[
            ("BASCULE_SMTP_URL", smtp.url().as_str()),
            ("BASCULE_MAIL_FROM", FROM),
        ],
    );
    wait_serving(&address, "").await;

    // Phase 1: fournisseurs. Its legacy data has records in quarantine.
    ok(&op.migrate("fournisseurs", &[]));
    assert_eq!(op.state("fournisseurs"), "VERIFIED");
    let refused = support::run(
        "operator",
        &address,
        &[
            "fournisseurs",
            "suppliers",
            "create",
            "F09990",
            "--name",
            "Avant la bascule",
            "--address",
            "1 rue",
            "--city",
            "Lyon",
        ],
    );
    fails(&refused, 5);
    let (out, report) = op.reactivate("fournisseurs", &address);
    fails(&out, 2);
    assert_eq!(failed_checks(&report), ["quarantine empty or accepted"]);
    assert_eq!(report["switched_live"], false);
    assert_eq!(op.state("fournisseurs"), "VERIFIED");
    op.accept_quarantine("fournisseurs");
    let (out, report) = op.reactivate("fournisseurs", &address);
    ok(&out);
    assert!(failed_checks(&report).is_empty(), "{report}");
    assert_eq!(op.state("fournisseurs"), "LIVE");
    // The transition is recorded with who made it and the report that justified it.
    let plan = json(&op.bascule(&["plan", "--json"]));
    let change = &plan[0]["last_change"];
    assert_eq!(
        (&change["from"], &change["to"], &change["by"]),
        (
            &Value::from("VERIFIED"),
            &Value::from("LIVE"),
            &Value::from("operator")
        )
    );
    assert_eq!(change["report_id"], report["id"]);

    // Phase 2: stock, rehearsed, rolled back once and migrated again.
    ok(&op.migrate("stock", &["--dry-run"]));
    assert_eq!(op.state("stock"), "LEGACY", "a rehearsal changes nothing");
    ok(&op.migrate("stock", &[]));
    replay_uncorrected(&op, "stock");
    assert_eq!(op.state("stock"), "VERIFIED");
    let first = article_codes(&address);
    ok(&op.bascule(&["rollback", "stock", "--reason", "rehearsal"]));
    assert_eq!(op.state("stock"), "LEGACY");
    ok(&op.migrate("stock", &[]));
    op.accept_quarantine("stock");
    let (out, _) = op.reactivate("stock", &address);
    ok(&out);
    assert_eq!(op.state("stock"), "LIVE");
    let again = article_codes(&address);
    assert!(!first.is_empty());
    assert_eq!(
        first, again,
        "the migration after a rollback gives the same articles"
    );

    // Phases 3 and 4. One order of the old production base names an article stock
    // does not have: it is quarantined with the reason, not loaded with a dangling code.
    an_order_names_an_unknown_article(&legacy);
    for domain in ["production", "clients"] {
        ok(&op.migrate(domain, &[]));
        if domain == "production" {
            let rejects =
                json(&op.bascule(&["rejects", "list", "--domain", "production", "--json"]));
            let unknown: Vec<&Value> = rejects
                .as_array()
                .expect("rejects")
                .iter()
                .filter(|r| r["rule"] == "exists" && r["raw"].to_string().contains("PF-99999"))
                .collect();
            let messages: Vec<&str> = unknown
                .iter()
                .map(|r| r["message"].as_str().expect("message"))
                .collect();
            // The order itself, then what refers to it (its tool link), each with its reason.
            assert!(
                messages.contains(&"article_code: no stock.article has the code \"PF-99999\""),
                "{messages:?}"
            );
            assert!(
                messages
                    .iter()
                    .all(|m| m.contains("PF-99999") || m.contains("OF24-0001")),
                "{messages:?}"
            );
        }
        op.accept_quarantine(domain);
        let (out, report) = op.reactivate(domain, &address);
        assert!(
            out.status.success(),
            "{domain}: {:?}\n{}",
            failed_checks(&report),
            text(&out.stdout)
        );
        assert_eq!(op.state(domain), "LIVE");
    }
    assert_eq!(op.states(), ["LIVE"; 4]);

    // Someone kept using the old supplier file: retirement waits for the catch-up.
    someone_keeps_using_the_legacy_file(&legacy);
    let retire_report = work.path().join("retirement-fournisseurs.json");
    let out = op.retire("fournisseurs", &retire_report);
    fails(&out, 2);
    let listed = text(&out.stdout) + &text(&out.stderr);
    assert!(listed.contains("--catch-up"), "{listed}");
    assert_eq!(op.state("fournisseurs"), "LIVE");
    ok(&op.migrate("fournisseurs", &["--catch-up"]));
    let supplier = json(&support::run(
        "operator",
        &address,
        &["fournisseurs", "suppliers", "get", "F00011", "--json"],
    ));
    assert!(
        supplier.to_string().to_uppercase().contains("ET FILS"),
        "the change made in the old system arrived: {supplier}"
    );
    for domain in PLAN {
        let report = work.path().join(format!("retirement-{domain}.json"));
        let out = op.retire(domain, &report);
        assert!(
            out.status.success(),
            "{domain}: {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(report.exists(), "retirement report of {domain}");
    }
    assert_eq!(op.states(), ["RETIRED"; 4]);
    let refused = op.bascule(&["rollback", "clients"]);
    assert!(
        !refused.status.success(),
        "a retired domain is not rolled back"
    );
    stop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_switch_over_on_sqlite() {
    let scratch = Scratch::sqlite();
    whole_switch_over(url(&scratch.target)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_switch_over_on_postgres() {
    let scratch = Scratch::postgres().await.expect("scratch");
    whole_switch_over(url(&scratch.target)).await;
    scratch.remove().await.expect("remove");
}
