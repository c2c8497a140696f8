//! The default mapping run on the real GESCOM export (shared/legacy/fournisseurs), on
//! SQLite and PostgreSQL: every table balances, every entity reconciles, every
//! quarantined record is listed with its line and reason, the counts are those measured
//! (pinned so that a regression shows), and a second run changes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use bascule_fournisseurs::domain::{
    Payment, PaymentMethod, PoState, PurchaseOrder, Supplier, SupplierBill,
};
use bascule_fournisseurs::legacy::{catalog, plan};
use bascule_fournisseurs::storage::{FournisseursStore, schema};
use bascule_migrate::engine::report::RunReport;
use bascule_migrate::engine::run::{RunOptions, run};
use bascule_platform::control;
use bascule_platform::db::Db;
use bascule_platform::db::record::{self, Record};
use bascule_platform::db::upgrade::upgrade;

const LEGACY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/legacy");

/// (table, entity, read, loaded, merged, quarantined, skipped), as measured.
type Counts = (&'static str, &'static str, u64, u64, u64, u64, u64);

const COUNTS: [Counts; 6] = [
    ("FOURNISSEUR", "supplier", 149, 140, 2, 7, 0),
    ("FOURNISSEUR", "supplier_legacy_id", 149, 142, 0, 7, 0),
    ("BON_COMMANDE", "purchase_order", 1200, 1190, 0, 10, 0),
    (
        "LIGNE_COMMANDE",
        "purchase_order_line",
        4007,
        3966,
        0,
        41,
        0,
    ),
    ("PAIEMENT", "supplier_bill", 1500, 1486, 0, 14, 0),
    ("PAIEMENT", "payment", 1493, 1476, 0, 17, 7),
];

/// Quarantined records by rule, feed by feed, as measured.
const RULES: [&[(&str, u64)]; 6] = [
    &[
        ("iban", 2),
        ("order_emails", 2),
        ("required", 1),
        ("siret", 2),
    ],
    &[("exists", 7)],
    &[("future_date", 4), ("lookup", 4), ("required", 2)],
    &[
        ("future_date", 2),
        ("lookup", 23),
        ("quantity", 8),
        ("required", 8),
    ],
    &[("date", 7), ("lookup", 3), ("required", 4)],
    &[("future_date", 3), ("lookup", 12), ("required", 2)],
];

async fn migrate(db: &Db) -> RunReport {
    let options = RunOptions {
        batch_size: 500,
        target_display: "test".into(),
        ..RunOptions::default()
    };
    let plan = plan(Path::new(LEGACY)).expect("the default mapping compiles");
    run(db, &plan, &catalog(), &options).await.expect("run")
}

/// The measured data: counts and quarantines by rule per table, and the notes.
fn summary(report: &RunReport) {
    for t in &report.tables {
        eprintln!(
            "{:<15} -> {:<20} read {:>5} loaded {:>5} merged {:>2} quarantined {:>3} skipped {:>2} {:?}",
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
        eprintln!("note: {note}");
    }
}

fn counts(report: &RunReport) -> Vec<Counts> {
    report
        .tables
        .iter()
        .zip(COUNTS)
        .map(|(t, (table, entity, ..))| {
            assert_eq!((t.table.as_str(), t.entity.as_str()), (table, entity));
            let c = (t.read, t.loaded, t.merged, t.quarantined, t.skipped);
            (table, entity, c.0, c.1, c.2, c.3, c.4)
        })
        .collect()
}

/// Every row of `T` with its id and revision.
async fn rows<T: Record + std::fmt::Debug>(db: &Db) -> Vec<String> {
    record::list_all::<T>(&mut db.clone(), &[])
        .await
        .expect("rows")
        .iter()
        .map(|s| format!("{} r{} {:?}", s.id, s.revision, s.value))
        .collect()
}

/// Every business row of the target with its id and revision, entity by entity (the
/// lines, whose row type is not public, are compared through their entity's checksum).
async fn target(db: &Db) -> Vec<String> {
    let mut all = rows::<Supplier>(db).await;
    all.extend(rows::<PurchaseOrder>(db).await);
    all.extend(rows::<SupplierBill>(db).await);
    all.extend(rows::<Payment>(db).await);
    all
}

/// What the migration made of a few records with known defects.
async fn spot_checks(db: &Db) {
    let store = FournisseursStore::new(db.clone());
    // Two records of F00189: the one changed in 2020 wins over the 2016 one.
    let perrier = store.get_supplier("F00189").await.expect("F00189").value;
    assert_eq!(perrier.name, "COMPOUNDS PERRIER SAS");
    assert_eq!(perrier.siret.as_deref(), Some("86015998700459"));
    // Two records of F00195: the first read (changed in 2021) wins over the 2019 one.
    let girard = store.get_supplier("F00195").await.expect("F00195").value;
    assert_eq!(girard.name, "Girard Résines SARL");
    assert_eq!(girard.address.city, "Ambérieu-en-Bugey");
    // An order of the losing record (ID_FOURNISSEUR 1148) finds the merged supplier.
    let order = store.get_order("BC17-0025").await.expect("BC17-0025");
    assert_eq!(order.order.value.supplier_code, "F00189");
    assert_eq!(order.order.value.state, PoState::Closed);
    // The Swiss supplier: no SIRET, francs; a name with a no-break space, cleaned.
    let swiss = store.get_supplier("F00131").await.expect("F00131").value;
    assert_eq!((swiss.siret, swiss.currency.as_str()), (None, "CHF"));
    let moreau = store.get_supplier("F00103").await.expect("F00103").value;
    assert_eq!(moreau.name, "LUBRIFIANTS MOREAU SARL");
    // " BC16-0016" typed with a leading space.
    assert!(store.get_order("BC16-0016").await.is_ok());
    // A 2,500-character follow-up in the order's comment is kept whole.
    let long = store.get_order("BC22-0054").await.expect("BC22-0054");
    assert_eq!(long.order.value.note.map(|n| n.chars().count()), Some(2500));
    // An invoice number with trailing spaces, its amount including tax only, paid.
    let bill = store
        .find_bill("F00147", "FA2018-03805")
        .await
        .expect("FA2018-03805");
    assert_eq!(bill.bill.value.amount_excl_tax, None);
    assert_eq!(bill.bill.value.po_number.as_deref(), Some("BC18-0049"));
    assert_eq!(bill.payments.len(), 1);
    assert_eq!(bill.payments[0].value.method, PaymentMethod::Transfer);
    assert_eq!(bill.outstanding(), rust_decimal::Decimal::ZERO);
    // GESCOM's statuses onto the new states.
    let states: BTreeMap<&str, usize> = record::list_all::<PurchaseOrder>(&mut db.clone(), &[])
        .await
        .expect("orders")
        .iter()
        .fold(BTreeMap::new(), |mut m, o| {
            *m.entry(o.value.state.as_str()).or_default() += 1;
            m
        });
    assert_eq!(
        states,
        BTreeMap::from([
            ("CANCELLED", 69),
            ("CLOSED", 1019),
            ("CONFIRMED", 91),
            ("DRAFT", 4),
            ("RFQ_SENT", 7)
        ])
    );
}

async fn the_gescom_export_migrates(db: Db) {
    upgrade(&db, &[control::schema(), schema().clone()])
        .await
        .expect("upgrade");
    let report = migrate(&db).await;
    summary(&report);
    for t in &report.tables {
        assert!(t.balanced, "{} does not balance", t.table);
        assert_eq!(t.quarantined_records.len() as u64, t.quarantined);
        for q in &t.quarantined_records {
            assert!(q.locator.starts_with("line "), "{q:?}");
            assert!(!q.rule.is_empty() && !q.message.is_empty(), "{q:?}");
        }
        assert_eq!(t.merged_records.len() as u64, t.merged);
    }
    assert!(report.entities.iter().all(|e| e.reconciled), "{report:#?}");
    assert!(report.reconciled);
    assert_eq!(report.tables.len(), COUNTS.len());
    assert_eq!(counts(&report), COUNTS);
    for (t, rules) in report.tables.iter().zip(RULES) {
        let got: Vec<(&str, u64)> = t
            .quarantined_by_rule
            .iter()
            .map(|(r, n)| (r.as_str(), *n))
            .collect();
        assert_eq!(got, rules, "{}", t.entity);
    }
    assert_eq!(report.notes.len(), 1);
    assert!(
        report.notes[0].contains("1172 of 1190 migrated orders")
            && report.notes[0].contains("BC16-0021: 17909.06 in GESCOM, 12946.42 from 1 line")
            && report.notes[0].contains("1 have no line left — BC22-0025"),
        "{}",
        report.notes[0]
    );
    spot_checks(&db).await;

    let before = target(&db).await;
    let again = migrate(&db).await;
    assert_eq!(counts(&again), counts(&report));
    assert_eq!(target(&db).await, before, "a second run changes nothing");
    for (a, b) in report.entities.iter().zip(&again.entities) {
        assert_eq!(
            (a.target_rows, &a.target_checksum),
            (b.target_rows, &b.target_checksum)
        );
    }
    assert!(again.reconciled);
    assert_eq!(again.notes, report.notes);
}

bascule_platform::backend_tests!(the_gescom_export_migrates);
