//! The `bascule fournisseurs …` client through the built binary, against `bascule serve
//! --domain all` on the embedded database: a supplier with French identifiers, an order
//! typed with French numbers taken through its states, goods received into stock (seen
//! with `bascule stock levels get`), refused transitions, a bill, its payment and the
//! overdue list; tables for people, JSON for scripts, the shared exit codes.

mod support;

use std::process::Output;
use std::str::FromStr;

use rust_decimal::Decimal;
use support::{fails, json, ok};

fn client(server: &str, args: &[&str]) -> Output {
    support::run("acheteuse", server, args)
}

/// A decimal in JSON (an exact string), compared by value.
fn number(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("{v} is not a number string")),
    )
    .expect("a decimal")
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("a decimal")
}

#[tokio::test]
async fn buyers_work_through_the_fournisseurs_cli() {
    let (_dir, target) = support::live_db(&["stock", "fournisseurs"]).await;
    let (server, url) = support::serve("all", &target, false);
    let url = url.as_str();
    support::wait_serving(url, "bascule.fournisseurs.v1.FournisseursService").await;
    let run = |args: &[&str]| client(url, args);

    // The stock side: where goods go, and what they are.
    ok(&run(&[
        "stock",
        "locations",
        "create",
        "A01-01-1",
        "--name",
        "Allée A",
        "--warehouse",
        "Magasin",
    ]));
    ok(&run(&[
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
    ]));

    // A supplier with a SIRET and an IBAN typed with spaces, as printed on their letters.
    let supplier = ok(&run(&[
        "fournisseurs",
        "suppliers",
        "create",
        "F00012",
        "--name",
        "Aciéries Garnier",
        "--address-line1",
        "12 rue des Forges",
        "--postal-code",
        "42000",
        "--city",
        "Saint-Étienne",
        "--siret",
        "732 829 320 00074",
        "--iban",
        "FR76 3000 6000 0112 3456 7890 189",
        "--bic",
        "AGRIFRPP",
        "--email",
        "achats@garnier.fr",
    ]));
    assert!(
        supplier.contains("FR7630006000011234567890189") && supplier.contains("73282932000074"),
        "{supplier}"
    );
    let bad = fails(
        &run(&[
            "fournisseurs",
            "suppliers",
            "create",
            "F00013",
            "--name",
            "Fonderie Martin",
            "--address-line1",
            "3 quai Rambaud",
            "--city",
            "Lyon",
            "--siret",
            "73282932000075",
        ]),
        4,
    );
    assert!(bad.contains("siret"), "{bad}");
    let updated = json(&run(&[
        "fournisseurs",
        "suppliers",
        "update",
        "F00012",
        "--city",
        "Firminy",
        "--payment-terms",
        "45",
        "--json",
    ]));
    assert_eq!(updated["city"], "Firminy");
    assert_eq!(updated["address_line1"], "12 rue des Forges");
    assert_eq!(updated["payment_terms_days"], "45");
    fails(&run(&["fournisseurs", "suppliers", "update", "F00012"]), 4);

    let article = json(&run(&[
        "fournisseurs",
        "articles",
        "create",
        "F00012",
        "MP-00001",
        "--unit-price",
        "2,35",
        "--lead-time-days",
        "10",
        "--preferred",
        "--json",
    ]));
    assert_eq!(number(&article["unit_price"]), dec("2.35"));
    assert_eq!(article["preferred"], true);

    // An order typed with French numbers; unit and description come from stock.
    let order = json(&run(&[
        "fournisseurs",
        "orders",
        "create",
        "BC25-0001",
        "--supplier",
        "F00012",
        "--line",
        "MP-00001:1 200:2,35",
        "--order-date",
        "15/01/2025",
        "--delivery-date",
        "2025-01-31",
        "--json",
    ]));
    assert_eq!(order["state"], "DRAFT");
    assert_eq!(order["order_date"], "2025-01-15");
    assert_eq!(order["buyer"], "acheteuse");
    assert_eq!(number(&order["total_excl_tax"]), dec("2820"));
    assert_eq!(order["lines"][0]["unit"], "kg");
    assert_eq!(order["lines"][0]["description"], "Tôle acier 2 mm");
    let table = ok(&run(&["fournisseurs", "orders", "get", "BC25-0001"]));
    assert!(
        table.contains("15/01/2025") && table.contains("1\u{a0}200") && table.contains("2,35"),
        "{table}"
    );
    assert_eq!(
        json(&run(&[
            "fournisseurs",
            "orders",
            "send",
            "BC25-0001",
            "--json"
        ]))["state"],
        "RFQ_SENT"
    );
    assert_eq!(
        json(&run(&[
            "fournisseurs",
            "orders",
            "confirm",
            "BC25-0001",
            "--json"
        ]))["state"],
        "CONFIRMED"
    );

    // Goods received with a French quantity land in stock.
    let received = json(&run(&[
        "fournisseurs",
        "orders",
        "receive",
        "BC25-0001",
        "--location",
        "A01-01-1",
        "--line",
        "1:1 150,5",
        "--json",
    ]));
    assert_eq!(received["receipt"]["user_name"], "acheteuse");
    assert_eq!(
        number(&received["receipt"]["lines"][0]["quantity"]),
        dec("1150.5")
    );
    let after = &received["purchase_order"];
    assert_eq!(after["receipt_status"], "PARTIALLY_RECEIVED");
    assert_eq!(
        number(&after["lines"][0]["received_quantity"]),
        dec("1150.5")
    );
    let level = json(&run(&[
        "stock", "levels", "get", "MP-00001", "A01-01-1", "--json",
    ]));
    assert_eq!(number(&level["on_hand"]), dec("1150.5"));
    let receipts = json(&run(&["fournisseurs", "receipts", "list", "--json"]));
    assert_eq!(receipts["items"].as_array().map(Vec::len), Some(1));

    // A closed order is not confirmed again: refused, with the reason.
    ok(&run(&["fournisseurs", "orders", "close", "BC25-0001"]));
    let refused = fails(&run(&["fournisseurs", "orders", "confirm", "BC25-0001"]), 5);
    assert!(
        refused.contains("INVALID_TRANSITION") && refused.contains("from_state=CLOSED"),
        "{refused}"
    );
    fails(&run(&["fournisseurs", "orders", "get", "BC25-9999"]), 3);
    fails(
        &run(&[
            "fournisseurs",
            "orders",
            "create",
            "BC25-0002",
            "--supplier",
            "F00012",
            "--line",
            "MP-00001:douze:2,35",
        ]),
        4,
    );

    let orders = json(&run(&["fournisseurs", "orders", "list", "--json", "--all"]));
    let items = orders["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["state"], "CLOSED");
    assert_eq!(items[0]["lines"].as_array().map(Vec::len), Some(1));

    // A bill due after the supplier's 45 days, part paid, then overdue.
    let bill = json(&run(&[
        "fournisseurs",
        "bills",
        "create",
        "--supplier",
        "F00012",
        "--invoice-number",
        "FA-2025-0042",
        "--invoice-date",
        "31/01/2025",
        "--amount-excl-tax",
        "2 704,68",
        "--tax-amount",
        "540,94",
        "--po",
        "BC25-0001",
        "--json",
    ]));
    let bill_id = bill["id"].as_str().expect("bill id").to_owned();
    assert_eq!(bill["due_date"], "2025-03-17");
    assert_eq!(number(&bill["amount_incl_tax"]), dec("3245.62"));
    ok(&run(&["fournisseurs", "bills", "post", &bill_id]));
    let payment = json(&run(&[
        "fournisseurs",
        "payments",
        "record",
        &bill_id,
        "--amount",
        "1 234,50",
        "--date",
        "28/02/2025",
        "--method",
        "virement",
        "--json",
    ]));
    assert_eq!(payment["method"], "TRANSFER");
    assert_eq!(payment["paid_on"], "2025-02-28");
    let over = fails(
        &run(&[
            "fournisseurs",
            "payments",
            "record",
            &bill_id,
            "--amount",
            "5 000",
        ]),
        5,
    );
    assert!(over.contains("OVERPAYMENT"), "{over}");

    let overdue = json(&run(&[
        "fournisseurs",
        "bills",
        "overdue",
        "--as-of",
        "31/03/2025",
        "--json",
    ]));
    let overdue = overdue["items"].as_array().expect("items");
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["payment_status"], "PARTIALLY_PAID");
    assert_eq!(number(&overdue[0]["outstanding_amount"]), dec("2011.12"));
    let table = ok(&run(&[
        "fournisseurs",
        "bills",
        "overdue",
        "--as-of",
        "2025-03-31",
    ]));
    assert!(
        table.contains("FA-2025-0042")
            && table.contains("17/03/2025")
            && table.contains("2\u{a0}011,12"),
        "{table}"
    );
    let not_yet = ok(&run(&[
        "fournisseurs",
        "bills",
        "overdue",
        "--as-of",
        "17/03/2025",
    ]));
    assert!(not_yet.contains("(none)"), "{not_yet}");

    support::stop(server);
}
