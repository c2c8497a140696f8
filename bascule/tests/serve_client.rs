//! The built binary as staff and operators use it: `bascule serve` on the embedded
//! database, the `bascule stock …` client against it (tables, JSON, French numbers,
//! errors and exit codes), health and reflection, JSON access lines, and a graceful
//! stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use bascule_platform::db::{Db, Target};
use bascule_platform::domain_state::DomainState;
use bascule_rpc::testing::put_domain_in;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bascule"));
    cmd.current_dir(std::env::temp_dir())
        .env_remove("BASCULE_TARGET")
        .env_remove("BASCULE_CONFIG")
        .env_remove("BASCULE_SERVER")
        .env("BASCULE_USER", "magasinier");
    cmd
}

fn client(server: &str, args: &[&str]) -> Output {
    bin()
        .args(args)
        .args(["--server", server])
        .output()
        .expect("run the client")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Starts `bascule serve` on a free port and returns it with its URL.
fn serve(target: &str) -> (Child, String) {
    let mut child = bin()
        .args([
            "serve",
            "--domain",
            "stock",
            "--listen",
            "127.0.0.1:0",
            "--target",
            target,
            "--log-format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bascule serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("the serve banner");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_owned();
    (child, url)
}

#[tokio::test]
async fn staff_work_through_the_cli_against_a_running_service() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = format!("sqlite://{}", dir.path().display());
    let upgrade = bin()
        .args(["db", "upgrade", "--target", &target])
        .output()
        .expect("upgrade");
    ok(&upgrade);
    let db = Db::connect(&Target::parse(&target).expect("target"))
        .await
        .expect("connect");
    put_domain_in(&db, "stock", DomainState::Live).await;
    db.close().await;

    let (server, url) = serve(&target);
    let url = url.as_str();

    // Health says SERVING once the database is reachable and upgraded.
    let channel = tonic::transport::Endpoint::from_shared(url.to_owned())
        .expect("url")
        .connect()
        .await
        .expect("connect");
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let mut serving = false;
    for _ in 0..50 {
        let answer = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: "bascule.stock.v1.StockService".into(),
            })
            .await
            .expect("health")
            .into_inner();
        if answer.status == tonic_health::pb::health_check_response::ServingStatus::Serving as i32 {
            serving = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(serving, "the stock service reports SERVING");
    drop(health);

    ok(&client(
        url,
        &[
            "stock",
            "locations",
            "create",
            "A01-01-1",
            "--name",
            "Allée A",
            "--warehouse",
            "Magasin",
        ],
    ));
    let created = ok(&client(
        url,
        &[
            "stock",
            "articles",
            "create",
            "MP-00001",
            "--name",
            "Tôle acier 2 mm",
            "--kind",
            "raw-material",
            "--unit",
            "kg",
            "--unit-cost",
            "1 234,50",
        ],
    ));
    assert!(created.contains("1\u{a0}234,5"), "{created}");
    ok(&client(
        url,
        &[
            "stock",
            "movements",
            "create",
            "--kind",
            "receipt",
            "--article",
            "MP-00001",
            "--location",
            "A01-01-1",
            "--quantity",
            "1 000,25",
            "--reference",
            "BL-42",
        ],
    ));
    let level = ok(&client(
        url,
        &["stock", "levels", "get", "MP-00001", "A01-01-1", "--json"],
    ));
    let level: serde_json::Value = serde_json::from_str(&level).expect("JSON level");
    assert_eq!(level["on_hand"], "1000.25");

    let table = ok(&client(url, &["stock", "movements", "list"]));
    assert!(
        table.contains("RECEIPT") && table.contains("magasinier"),
        "{table}"
    );

    // Errors: a readable message and an exit code scripts can rely on.
    let refused = client(
        url,
        &[
            "stock",
            "movements",
            "create",
            "--kind",
            "issue",
            "--article",
            "MP-00001",
            "--location",
            "A01-01-1",
            "--quantity",
            "-2000",
        ],
    );
    assert_eq!(refused.status.code(), Some(5));
    let message = text(&refused.stderr);
    assert!(
        message.contains("INSUFFICIENT_STOCK") && message.contains("on_hand=1000.25"),
        "{message}"
    );
    assert_eq!(
        client(url, &["stock", "articles", "get", "MP-99999"])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        client(
            url,
            &["stock", "articles", "list", "--filter", "password = 1"]
        )
        .status
        .code(),
        Some(4)
    );
    assert_eq!(
        client(
            url,
            &[
                "stock",
                "movements",
                "create",
                "--kind",
                "receipt",
                "--article",
                "MP-00001",
                "--location",
                "A01-01-1",
                "--quantity",
                "douze"
            ]
        )
        .status
        .code(),
        Some(4)
    );
    assert_eq!(
        client("http://127.0.0.1:9", &["stock", "articles", "list"])
            .status
            .code(),
        Some(69)
    );

    // A graceful stop on SIGTERM, then one JSON access line per request.
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = server.wait_with_output().expect("server exits");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stderr)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|l: &serde_json::Value| l["target"] == "bascule::access")
        .collect();
    assert!(lines.len() >= 9, "{} access lines", lines.len());
    for line in &lines {
        for field in [
            "timestamp",
            "service",
            "method",
            "code",
            "latency_ms",
            "request_id",
            "peer",
        ] {
            assert!(!line[field].is_null(), "{field} missing in {line}");
        }
    }
    assert!(
        lines
            .iter()
            .any(|l| l["code"] == "FAILED_PRECONDITION" && l["method"] == "CreateMovement")
    );
}
