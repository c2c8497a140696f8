//! The built binary as staff and operators use it: `bascule serve` on the embedded
//! database, the `bascule stock …` client against it (tables, JSON, French numbers,
//! errors and exit codes), health and reflection, JSON access lines, and a graceful
//! stop on SIGTERM.

mod support;

use std::process::Output;

use support::{ok, text};

const USER: &str = "magasinier";

fn client(server: &str, args: &[&str]) -> Output {
    support::run(USER, server, args)
}

#[tokio::test]
async fn staff_work_through_the_cli_against_a_running_service() {
    let (_dir, target) = support::live_db(&["stock"]).await;
    let (server, url) = support::serve("stock", &target, true);
    let url = url.as_str();

    // Health says SERVING once the database is reachable and upgraded.
    support::wait_serving(url, "bascule.stock.v1.StockService").await;

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

    // The outbox of the served domain: nothing waits; another domain is not served here.
    let outbox = support::json(&client(
        url,
        &["mail", "list", "--domain", "stock", "--json"],
    ));
    assert_eq!(
        outbox["items"].as_array().map(Vec::len),
        Some(0),
        "{outbox}"
    );
    support::fails(&client(url, &["mail", "list", "--domain", "clients"]), 4);

    // A graceful stop on SIGTERM, then one JSON access line per request.
    let out = support::stop(server);
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
