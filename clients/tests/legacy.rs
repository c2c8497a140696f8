//! The default mapping run on the real legacy files (the PostgreSQL backup and the Access
//! file) on SQLite and PostgreSQL: every table balances, every entity reconciles, each
//! quarantined record is listed with its locator and reason, the counts are pinned, the
//! merges and derived consents are right, and a second run changes nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use bascule_clients::domain::{ConsentPurpose, OrderState};
use bascule_clients::legacy::{catalog, plan};
use bascule_clients::storage::{ClientsStore, schema};
use bascule_migrate::engine::checksum::canonical;
use bascule_migrate::engine::report::RunReport;
use bascule_migrate::engine::run::{RunOptions, run};
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder};
use rust_decimal::Decimal;

const SOURCE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/legacy");

/// The tables the migration writes, the derived one included.
const TABLES: [&str; 5] = [
    "customer",
    "customer_contact",
    "contact_consent",
    "customer_consent",
    "customer_order",
];

/// read, loaded, merged, quarantined, skipped.
type Counts = (u64, u64, u64, u64, u64);

/// The counts per feed, as observed on the extract of 30/09/2025.
const EXPECTED: [(&str, Counts); 5] = [
    ("clients -> customer", (723, 714, 0, 9, 0)),
    ("Clients -> customer", (601, 76, 521, 4, 0)),
    ("contacts -> customer_contact", (1515, 1484, 0, 31, 0)),
    (
        "consentements_rgpd -> contact_consent",
        (2084, 2036, 0, 48, 0),
    ),
    ("commandes -> customer_order", (3000, 2985, 0, 15, 0)),
];

fn options() -> RunOptions {
    RunOptions {
        batch_size: 500,
        target_display: "test".into(),
        ..RunOptions::default()
    }
}

async fn migrate(db: &Db) -> RunReport {
    let plan = plan(Path::new(SOURCE_DIR)).unwrap_or_else(|e| panic!("{e}"));
    run(db, &plan, &catalog(), &options())
        .await
        .unwrap_or_else(|e| panic!("the run failed: {e}"))
}

/// Every row of every table: id, revision and business columns, in id order.
async fn snapshot(db: &Db) -> BTreeMap<&'static str, Vec<Vec<String>>> {
    let mut e = db.clone();
    let mut out = BTreeMap::new();
    for name in TABLES {
        let table = schema().table(name).expect("table");
        let columns: Vec<(&str, Kind)> = table
            .columns
            .iter()
            .filter(|c| !["created_at", "updated_at"].contains(&c.name))
            .map(|c| (c.name, c.ty.kind()))
            .collect();
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "SELECT {} FROM {} ORDER BY id",
            names.join(", "),
            e.dialect().table(SchemaName::Clients, name)
        ));
        let rows = e.fetch(b.query(&columns)).await.expect("select");
        let rows = rows
            .into_iter()
            .map(|r| r.values().iter().map(canonical).collect())
            .collect();
        out.insert(name, rows);
    }
    out
}

fn counts(report: &RunReport) -> Vec<(String, Counts)> {
    report
        .tables
        .iter()
        .map(|t| {
            (
                format!("{} -> {}", t.table, t.entity),
                (t.read, t.loaded, t.merged, t.quarantined, t.skipped),
            )
        })
        .collect()
}

fn summary(backend: &str, report: &RunReport) {
    for t in &report.tables {
        eprintln!(
            "[{backend}] {}/{} -> {}: read {} loaded {} merged {} quarantined {} skipped {}; \
             quarantined by rule {:?}",
            t.source,
            t.table,
            t.entity,
            t.read,
            t.loaded,
            t.merged,
            t.quarantined,
            t.skipped,
            t.quarantined_by_rule
        );
    }
    for note in &report.notes {
        eprintln!("[{backend}] {note}");
    }
}

fn check_report(report: &RunReport) {
    assert!(report.reconciled, "{:#?}", report.entities);
    for e in &report.entities {
        assert!(e.reconciled, "{e:#?}");
        assert_eq!(e.source_rows, e.target_rows, "{e:#?}");
    }
    for t in &report.tables {
        assert!(t.balanced, "{} does not balance", t.table);
        assert_eq!(t.read, t.loaded + t.merged + t.quarantined, "{}", t.table);
        assert_eq!(
            t.quarantined_records.len() as u64,
            t.quarantined,
            "{}",
            t.table
        );
        assert_eq!(
            t.quarantined_by_rule.values().sum::<u64>(),
            t.quarantined,
            "{}",
            t.table
        );
        for q in &t.quarantined_records {
            assert!(!q.locator.is_empty() && !q.rule.is_empty(), "{q:?}");
            assert!(!q.message.is_empty(), "{q:?}");
        }
        assert_eq!(t.merged_records.len() as u64, t.merged, "{}", t.table);
    }
}

async fn the_legacy_data_migrates_and_reruns_change_nothing(db: Db) {
    upgrade(
        &db,
        &[bascule_platform::control::schema(), schema().clone()],
    )
    .await
    .expect("upgrade");
    let backend = format!("{:?}", db.dialect());
    let first = migrate(&db).await;
    summary(&backend, &first);
    check_report(&first);
    let expected: Vec<(String, Counts)> = EXPECTED
        .iter()
        .map(|(n, c)| ((*n).to_owned(), *c))
        .collect();
    assert_eq!(counts(&first), expected);
    assert_eq!(
        first.notes,
        [
            "customer_consent: 1521 consents per customer and purpose derived from 2036 \
             contact consents (515 superseded by a more recent one of the same customer): \
             1521 inserted, 0 updated, 0 unchanged"
        ]
    );

    let before = snapshot(&db).await;
    let second = migrate(&db).await;
    check_report(&second);
    assert_eq!(counts(&second), expected);
    assert!(
        second.notes[0].ends_with("0 inserted, 0 updated, 1521 unchanged"),
        "{:?}",
        second.notes
    );
    let after = snapshot(&db).await;
    let mut rewritten = Vec::new();
    for (table, rows) in &before {
        let again = &after[table];
        assert_eq!(
            rows.len(),
            again.len(),
            "the second run changed {table}'s rows"
        );
        for (a, b) in rows.iter().zip(again) {
            // id, revision, then the business columns.
            let (a_values, b_values) = ([&a[..1], &a[2..]].concat(), [&b[..1], &b[2..]].concat());
            assert_eq!(
                a_values, b_values,
                "the second run changed a row of {table}"
            );
            if a[1] != b[1] {
                rewritten.push(format!("{table} {}", b[2]));
            }
        }
    }
    // The engine's gap: a re-run sends each record found in the crosswalk as the one
    // that created a row back to that row as if new (its values replace the row's,
    // without the merge strategy), then the records merged into it merge again. A row
    // whose creating record lost its merge is rewritten twice with the same final values
    // (revision + 2): here C00905, typed twice in Access, whose later record wins.
    assert_eq!(
        rewritten,
        ["customer SC00905"],
        "rows rewritten by the second run"
    );
    for (a, b) in first.entities.iter().zip(&second.entities) {
        assert_eq!(a.target_checksum, b.target_checksum, "{}", a.entity);
    }

    let store = ClientsStore::new(db.clone());
    outcomes(&store).await;
}

/// What the merges, rules and derivations must give, record by record.
async fn outcomes(store: &ClientsStore) {
    // C00905 is only in Access, typed twice: the later record (its new address) wins.
    let moved = store.get_customer("C00905").await.expect("C00905").value;
    assert_eq!(moved.billing_address.city, "MULHOUSE");
    assert_eq!(moved.note.as_deref(), Some("Nouvelle adresse"));
    assert_eq!(moved.legacy_id, None);
    // In both systems: PostgreSQL wins, with its id kept.
    let both = store.get_customer("C01134").await.expect("C01134").value;
    assert_eq!(both.name, "Domotique Dupont SARL");
    let belgian = store.get_customer("C01059").await.expect("C01059").value;
    assert_eq!(belgian.billing_address.country, "BE");
    // Only in Access: kept, its two-line address split.
    let old = store.get_customer("C01023").await.expect("C01023").value;
    assert_eq!(
        (
            old.billing_address.line1.as_str(),
            old.billing_address.line2.as_deref()
        ),
        ("200 rue des Artisans", Some("ZAC des Granges"))
    );
    assert_eq!(old.billing_address.country, "FR");
    // The 12,000-character history is kept whole.
    let long = store.get_customer("C00518").await.expect("C00518").value;
    assert_eq!(long.note.map(|n| n.chars().count()), Some(12_000));

    // Orders keep their state and legacy total, attached by the legacy customer id.
    let first = store.get_order("CC16-00001").await.expect("CC16-00001");
    assert_eq!(first.order.value.customer_code, "C00364");
    assert_eq!(first.order.value.state, OrderState::Closed);
    assert_eq!(first.total_excl_tax().expect("total"), dec("88818.53"));
    let customer = store.get_customer("C00364").await.expect("C00364").value;
    assert_eq!(customer.legacy_id.as_deref(), Some("142"));

    // Contacts: the main one first, with the consents they gave.
    let contacts = store.list_contacts("C00040").await.expect("contacts");
    let main = &contacts[0];
    assert!(main.contact.value.principal);
    assert_eq!(main.contact.value.display_name(), "Mme Martine Guérin");

    // Two contacts of C00991 answered about commercial offers at the same minute: the
    // refusal stands for the customer.
    let consents = store.list_consents("C00991").await.expect("consents");
    let offers = consents
        .iter()
        .find(|c| c.value.purpose == ConsentPurpose::CommercialOffers)
        .expect("offers");
    assert!(!offers.value.granted);
    assert_eq!(offers.value.channel, "salon");
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

bascule_platform::backend_tests!(the_legacy_data_migrates_and_reruns_change_nothing);
