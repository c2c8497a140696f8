//! The `bascule production …` client through the built binary, against `bascule serve
//! --domain all` on the embedded database: tools and their due maintenance, a bill of
//! materials in French numbers, a manufacturing order's life up to its completion
//! posting consumption and output in stock, refusals with their reasons and exit codes,
//! and JSON for scripts.

mod support;

use std::process::Output;

use serde_json::Value;

struct Cli {
    url: String,
}

impl Cli {
    fn run(&self, args: &[&str]) -> Output {
        support::run("chef-atelier", &self.url, args)
    }

    /// Runs a command that must succeed and returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        support::ok(&self.run(args))
    }

    /// Runs a command with --json that must succeed and parses its output.
    fn json(&self, args: &[&str]) -> Value {
        support::json(&self.run(&[args, &["--json"]].concat()))
    }

    /// Runs a command that must fail with `code` and returns its stderr.
    fn fails(&self, code: i32, args: &[&str]) -> String {
        support::fails(&self.run(args), code)
    }
}

fn codes(list: &Value, key: &str) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i[key].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn production_staff_work_through_the_cli() {
    let (_dir, target) = support::live_db(&["stock", "production"]).await;
    let (server, url) = support::serve("all", &target, false);
    let cli = Cli { url };
    // The service answers once its database is reachable.
    let mut ready = false;
    for _ in 0..50 {
        if cli.run(&["production", "tools", "list"]).status.success() {
            ready = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ready, "the production service answers");

    // Stock: where components and products are kept, the articles, a receipt.
    for (code, name) in [("MAG-MP", "Matières"), ("MAG-PF", "Produits finis")] {
        cli.ok(&[
            "stock",
            "locations",
            "create",
            code,
            "--name",
            name,
            "--warehouse",
            "Usine",
        ]);
    }
    for (code, name, kind, unit) in [
        ("MP-00001", "Tôle acier 2 mm", "raw-material", "kg"),
        ("CP-00002", "Vis M6", "component", "pce"),
        ("PF-00001", "Support moteur", "finished-good", "pce"),
    ] {
        cli.ok(&[
            "stock", "articles", "create", code, "--name", name, "--kind", kind, "--unit", unit,
        ]);
    }
    for (article, quantity) in [("MP-00001", "100"), ("CP-00002", "10")] {
        cli.ok(&[
            "stock",
            "movements",
            "create",
            "--kind",
            "receipt",
            "--article",
            article,
            "--location",
            "MAG-MP",
            "--quantity",
            quantity,
        ]);
    }

    // Tools: cycles past the maximum, or a calibration date passed, make them due.
    let tool = cli.ok(&[
        "production",
        "tools",
        "create",
        "MOU0012",
        "--name",
        "Moule support",
        "--kind",
        "mould",
        "--location",
        "Presse 3",
        "--max-cycles",
        "1 000",
        "--purchase-price",
        "12 500,50",
    ]);
    assert!(
        tool.contains("AVAILABLE") && tool.contains("12\u{a0}500,5"),
        "{tool}"
    );
    cli.ok(&[
        "production",
        "tools",
        "create",
        "GAB003",
        "--name",
        "Calibre",
        "--kind",
        "gauge",
        "--location",
        "Métrologie",
        "--next-maintenance",
        "15/01/2025",
    ]);
    let counted = cli.json(&[
        "production",
        "tools",
        "record-cycles",
        "MOU0012",
        "--cycles",
        "1 200",
    ]);
    assert_eq!(counted["cycle_counter"], "1200");
    assert_eq!(counted["cycles_to_maintenance"], "-200");
    let due = cli.json(&["production", "tools", "due", "--as-of", "10/01/2025"]);
    assert_eq!(codes(&due, "code"), ["MOU0012"]);
    let due = cli.json(&["production", "tools", "due", "--as-of", "2025-01-31"]);
    assert_eq!(codes(&due, "code"), ["GAB003", "MOU0012"]);
    let table = cli.ok(&["production", "tools", "due", "--as-of", "31/01/2025"]);
    assert!(
        table.starts_with("CODE") && table.contains("1\u{a0}200") && table.contains("2025-01-15"),
        "{table}"
    );
    cli.ok(&[
        "production",
        "maintenance",
        "create",
        "MOU0012",
        "--kind",
        "preventive",
        "--date",
        "02/01/2025",
        "--by",
        "Atelier outillage",
    ]);
    let due = cli.json(&["production", "tools", "due", "--as-of", "10/01/2025"]);
    assert!(codes(&due, "code").is_empty(), "{due}");
    let records = cli.json(&["production", "maintenance", "list", "--tool", "MOU0012"]);
    assert_eq!(records["items"][0]["performed_date"], "2025-01-02");
    assert_eq!(records["items"][0]["cycle_counter"], "1200");
    let refused = cli.fails(5, &["production", "tools", "release", "MOU0012"]);
    assert!(refused.contains("INVALID_TRANSITION"), "{refused}");
    cli.fails(4, &["production", "tools", "update", "MOU0012"]);

    // A bill in French numbers; a line without a unit takes the component's from stock.
    cli.ok(&[
        "production",
        "boms",
        "create",
        "PF-00001",
        "--name",
        "Support moteur",
        "--batch",
        "2",
        "--line",
        "MP-00001:1,5",
        "--line",
        "CP-00002:2:pce",
    ]);
    let bom = cli.json(&["production", "boms", "get", "PF-00001"]);
    assert_eq!(bom["batch_quantity"], "2");
    assert_eq!(bom["lines"][0]["quantity"], "1.5");
    assert_eq!(bom["lines"][0]["unit"], "kg");
    assert_eq!(bom["lines"][1]["component_code"], "CP-00002");
    let boms = cli.json(&["production", "boms", "list"]);
    assert_eq!(codes(&boms, "article_code"), ["PF-00001"]);

    // An order's life: an illegal step is refused with its reason, then it runs.
    let created = cli.json(&[
        "production",
        "orders",
        "create",
        "OF25-0001",
        "--article",
        "PF-00001",
        "--quantity",
        "4",
        "--start",
        "31/01/2025",
        "--end",
        "2025-02-03",
        "--tool",
        "MOU0012",
    ]);
    assert_eq!(created["state"], "DRAFT");
    assert_eq!(created["planned_start_date"], "2025-01-31");
    assert_eq!(created["tool_codes"], serde_json::json!(["MOU0012"]));
    let refused = cli.fails(5, &["production", "orders", "start", "OF25-0001"]);
    assert!(
        refused.contains("INVALID_TRANSITION") && refused.contains("from=DRAFT"),
        "{refused}"
    );
    cli.ok(&["production", "orders", "confirm", "OF25-0001"]);
    cli.ok(&["production", "orders", "start", "OF25-0001"]);
    cli.ok(&[
        "production",
        "progress",
        "add",
        "OF25-0001",
        "--good",
        "3",
        "--scrap",
        "1",
        "--operator",
        "JDU",
        "--station",
        "Presse 3",
    ]);
    let progress = cli.json(&["production", "progress", "list", "OF25-0001"]);
    assert_eq!(progress["items"][0]["operator"], "JDU");
    assert_eq!(progress["total_good_quantity"], "3");
    assert_eq!(progress["remaining_quantity"], "1");
    let table = cli.ok(&["production", "progress", "list", "OF25-0001"]);
    assert!(table.contains("remaining 1"), "{table}");

    let done = cli.json(&[
        "production",
        "orders",
        "complete",
        "OF25-0001",
        "--consume-from",
        "MAG-MP",
        "--output-to",
        "MAG-PF",
    ]);
    assert_eq!(done["state"], "DONE");
    let on_hand = |article: &str, location: &str| {
        cli.json(&["stock", "levels", "get", article, location])["on_hand"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    // 4 made from a bill for 2: 3 kg of sheet and 4 screws.
    assert_eq!(on_hand("MP-00001", "MAG-MP"), "97");
    assert_eq!(on_hand("CP-00002", "MAG-MP"), "6");
    assert_eq!(on_hand("PF-00001", "MAG-PF"), "4");
    cli.ok(&["production", "orders", "close", "OF25-0001"]);

    // Too little stock: refused with stock's reason, the order stays in progress.
    cli.ok(&[
        "production",
        "orders",
        "create",
        "OF25-0002",
        "--article",
        "PF-00001",
        "--quantity",
        "20",
    ]);
    cli.ok(&["production", "orders", "confirm", "OF25-0002"]);
    cli.ok(&["production", "orders", "start", "OF25-0002"]);
    let refused = cli.fails(
        5,
        &[
            "production",
            "orders",
            "complete",
            "OF25-0002",
            "--consume-from",
            "MAG-MP",
            "--output-to",
            "MAG-PF",
        ],
    );
    assert!(refused.contains("INSUFFICIENT_STOCK"), "{refused}");
    let order = cli.json(&["production", "orders", "get", "OF25-0002"]);
    assert_eq!(order["state"], "IN_PROGRESS");
    cli.ok(&["production", "orders", "cancel", "OF25-0002"]);

    // Lists for people and for scripts.
    let orders = cli.json(&["production", "orders", "list", "--order-by", "mo_number"]);
    assert_eq!(codes(&orders, "mo_number"), ["OF25-0001", "OF25-0002"]);
    assert_eq!(codes(&orders, "state"), ["CLOSED", "CANCELLED"]);
    let table = cli.ok(&["production", "orders", "list"]);
    assert!(
        table.starts_with("MO_NUMBER") && table.contains("CLOSED"),
        "{table}"
    );
    let tools = cli.json(&["production", "tools", "list", "--all"]);
    assert_eq!(codes(&tools, "code"), ["GAB003", "MOU0012"]);
    cli.fails(3, &["production", "orders", "get", "OF25-9999"]);
    cli.fails(
        4,
        &[
            "production",
            "progress",
            "add",
            "OF25-0002",
            "--good",
            "douze",
            "--operator",
            "JDU",
            "--station",
            "P3",
        ],
    );

    support::stop(server);
}
