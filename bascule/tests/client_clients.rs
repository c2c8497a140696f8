//! The `bascule clients …` commands through the built binary against a running
//! `bascule serve --domain clients`: customers with their checks, consents, an order
//! with French-number lines through its states, the refusals and their exit codes, and
//! the GDPR export and erasure.

mod support;

use std::process::Output;

use support::{fails, json, ok};

fn clients(server: &str, args: &[&str]) -> Output {
    support::run("commercial", server, &[&["clients"], args].concat())
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
    let (_dir, target) = support::live_db(&["clients"]).await;
    let (server, url) = support::serve("clients", &target, false);
    let url = url.as_str();
    support::wait_serving(url, "bascule.clients.v1.ClientsService").await;

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

    support::stop(server);
}
