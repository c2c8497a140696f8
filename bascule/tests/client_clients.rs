//! The `bascule clients …` commands through the built binary against a running
//! `bascule serve --domain clients`: customers with their checks, consents, an order
//! with French-number lines through its states, the refusals and their exit codes, and
//! the GDPR export and erasure.

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
        .env("BASCULE_USER", "commercial");
    cmd
}

fn clients(server: &str, args: &[&str]) -> Output {
    bin()
        .arg("clients")
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

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).expect("JSON output")
}

/// Asserts the exit code and returns what was printed on stderr.
fn fails(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stderr)
}

/// Starts `bascule serve --domain clients` on a free port and returns it with its URL.
fn serve(target: &str) -> (Child, String) {
    let mut child = bin()
        .args([
            "serve",
            "--domain",
            "clients",
            "--listen",
            "127.0.0.1:0",
            "--target",
            target,
            "--log-format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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

async fn wait_serving(url: &str) {
    let channel = tonic::transport::Endpoint::from_shared(url.to_owned())
        .expect("url")
        .connect()
        .await
        .expect("connect");
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    for _ in 0..50 {
        let answer = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: "bascule.clients.v1.ClientsService".into(),
            })
            .await
            .expect("health")
            .into_inner();
        if answer.status == tonic_health::pb::health_check_response::ServingStatus::Serving as i32 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the clients service never reported SERVING");
}

const CUSTOMER: &[&str] = &[
    "customers",
    "create",
    "C00001",
    "--name",
    "Forges de Bourgogne",
    "--address",
    "12 rue des Forges",
    "--postal-code",
    "21000",
    "--city",
    "Dijon",
    "--phone",
    "03 80 00 00 00",
];

#[tokio::test]
async fn sales_staff_work_through_the_clients_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = format!("sqlite://{}", dir.path().display());
    ok(&bin()
        .args(["db", "upgrade", "--target", &target])
        .output()
        .expect("upgrade"));
    let db = Db::connect(&Target::parse(&target).expect("target"))
        .await
        .expect("connect");
    put_domain_in(&db, "clients", DomainState::Live).await;
    db.close().await;

    let (server, url) = serve(&target);
    let url = url.as_str();
    wait_serving(url).await;

    // A customer: a bad SIRET or e-mail is refused with the field named.
    let with = |extra: &[&'static str]| [CUSTOMER, extra].concat();
    let bad = fails(&clients(url, &with(&["--siret", "12345678900000"])), 4);
    assert!(bad.contains("siret"), "{bad}");
    let bad = fails(&clients(url, &with(&["--email", "achats@"])), 4);
    assert!(bad.contains("contact_emails"), "{bad}");
    let created = ok(&clients(
        url,
        &with(&[
            "--siret",
            "732 829 320 00074",
            "--email",
            "achats@forges-bourgogne.fr",
        ]),
    ));
    assert!(
        created.contains("Forges de Bourgogne") && created.contains("21000 Dijon"),
        "{created}"
    );
    let customer = json(&clients(url, &["customers", "get", "C00001", "--json"]));
    assert_eq!(customer["siret"], "73282932000074");
    assert_eq!(customer["contact_emails"][0], "achats@forges-bourgogne.fr");
    assert_eq!(customer["billing_address"]["city"], "Dijon");
    let table = ok(&clients(url, &["customers", "list"]));
    assert!(table.contains("C00001"), "{table}");
    ok(&clients(
        url,
        &[
            "contacts",
            "create",
            "C00001",
            "--first-name",
            "Martine",
            "--last-name",
            "Guérin",
            "--job-title",
            "Acheteuse",
            "--principal",
        ],
    ));

    // Consents: granted, then withdrawn.
    let granted = ok(&clients(
        url,
        &[
            "consents",
            "grant",
            "C00001",
            "--purpose",
            "newsletter",
            "--channel",
            "salon Midest",
        ],
    ));
    assert!(granted.contains("NEWSLETTER"), "{granted}");
    let withdrawn = json(&clients(
        url,
        &[
            "consents",
            "withdraw",
            "C00001",
            "--purpose",
            "newsletter",
            "--json",
        ],
    ));
    assert_eq!(withdrawn["effective"], false);
    assert!(withdrawn["withdraw_time"].is_string(), "{withdrawn}");

    // An order with French numbers: 2 × 1 234,50 + 3,5 × 10 less 10 % = 2 500,5.
    let order = json(&clients(
        url,
        &[
            "orders",
            "create",
            "CC25-00001",
            "--customer",
            "C00001",
            "--line",
            "PF-00001:2:1 234,50",
            "--line",
            "PF-00002:3,5:10:10:Vis M6 inox",
            "--requested-date",
            "31/12/2099",
            "--json",
        ],
    ));
    assert_eq!(order["total_excl_tax"], "2500.5");
    assert_eq!(order["state"], "DRAFT");
    assert_eq!(order["requested_date"], "2099-12-31");
    assert_eq!(order["lines"][1]["description"], "Vis M6 inox");
    assert_eq!(order["lines"][1]["total_excl_tax"], "31.5");
    let bad = fails(
        &clients(
            url,
            &[
                "orders",
                "create",
                "CC25-00002",
                "--customer",
                "C00001",
                "--line",
                "PF-00001:deux:10",
                "--requested-date",
                "31/12/2099",
            ],
        ),
        4,
    );
    assert!(bad.contains("quantity"), "{bad}");

    // Erasure: refused without --confirm, and while the order is open.
    let refused = fails(&clients(url, &["customers", "erase", "C00001"]), 4);
    assert!(refused.contains("--confirm"), "{refused}");
    let refused = fails(
        &clients(url, &["customers", "erase", "C00001", "--confirm"]),
        5,
    );
    assert!(refused.contains("OPEN_ORDERS"), "{refused}");

    // The order through its states; an illegal move is refused.
    for (step, state) in [
        ("confirm", "CONFIRMED"),
        ("start-production", "IN_PRODUCTION"),
        ("ready", "READY"),
        ("deliver", "DELIVERED"),
        ("close", "CLOSED"),
    ] {
        let moved = json(&clients(url, &["orders", step, "CC25-00001", "--json"]));
        assert_eq!(moved["state"], state, "{step}");
    }
    let illegal = fails(&clients(url, &["orders", "cancel", "CC25-00001"]), 5);
    assert!(
        illegal.contains("INVALID_TRANSITION") && illegal.contains("from=CLOSED"),
        "{illegal}"
    );
    let table = ok(&clients(url, &["orders", "list", "--customer", "C00001"]));
    assert!(
        table.contains("CLOSED") && table.contains("2\u{a0}500,5"),
        "{table}"
    );

    // The right of access: one JSON document holding the orders.
    let export = json(&clients(url, &["customers", "export", "C00001", "--json"]));
    assert_eq!(export["customer"]["code"], "C00001");
    assert_eq!(export["orders"][0]["order_number"], "CC25-00001");
    assert_eq!(
        export["orders"][0]["lines"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(export["consents"][0]["purpose"], "NEWSLETTER");
    assert_eq!(export["contacts"][0]["contact"]["last_name"], "Guérin");

    // With every order closed, the erasure goes through.
    let erased = json(&clients(
        url,
        &["customers", "erase", "C00001", "--confirm", "--json"],
    ));
    assert!(erased["erase_time"].is_string(), "{erased}");
    assert_ne!(erased["name"], "Forges de Bourgogne");

    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = server.wait_with_output().expect("server exits");
    assert!(out.status.success());
}
