//! The fournisseurs repository for suppliers, their articles and purchase orders, run on
//! SQLite, PostgreSQL and (when configured) Oracle.

mod common;

use bascule_fournisseurs::domain::{
    Address, FournisseursError, PoState, PurchaseOrder, ReceiptStatus, Supplier, SupplierArticle,
};
use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;

use common::{day, dec, line, order, seeded, store, supplier};

async fn suppliers_round_trip_and_refuse_duplicates(db: Db) {
    let s = store(db).await;
    let full = supplier("F00012")
        .with_siret("732 829 320 00074")
        .and_then(|x| x.with_order_emails(&["achats@garnier.fr", "Élodie.Dupré@garnier.fr"]))
        .and_then(|x| x.with_bank("fr76 3000 6000 0112 3456 7890 189", "AGRIFRPP"))
        .and_then(|x| x.with_phone("+33 4 78 00 00 00"))
        .and_then(|x| x.with_payment_terms(0))
        .expect("supplier");
    let created = s.create_supplier(full).await.expect("create");
    let got = s.get_supplier("F00012").await.expect("get");
    assert_eq!(got, created);
    assert_eq!(got.value.name, "Mécaplast Garnier & Fils 🏭");
    assert_eq!(got.value.siret.as_deref(), Some("73282932000074"));
    assert_eq!(
        got.value.iban.as_deref(),
        Some("FR7630006000011234567890189")
    );
    assert_eq!(got.value.order_emails.len(), 2);
    assert_eq!(got.value.payment_terms_days, 0);
    let foreign = Supplier::new(
        "F00099",
        "Kunststoff Müller GmbH",
        Address::new("Hauptstraße 5", "", "Köln", "de").expect("address"),
    )
    .expect("supplier");
    let foreign = s.create_supplier(foreign).await.expect("foreign");
    let again = s.get_supplier("F00099").await.expect("get");
    assert_eq!(again, foreign);
    assert!(again.value.siret.is_none() && again.value.order_emails.is_empty());
    assert!(matches!(
        s.create_supplier(supplier("F00012")).await,
        Err(FournisseursError::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.get_supplier("F99999").await,
        Err(FournisseursError::NotFound { .. })
    ));
}

async fn supplier_updates_check_the_revision(db: Db) {
    let s = store(db).await;
    let created = s.create_supplier(supplier("F00012")).await.expect("create");
    let mut changed = created.value.clone();
    changed.name = "Mécaplast Garnier SAS".into();
    let updated = s
        .update_supplier("F00012", created.revision, changed.clone())
        .await
        .expect("update");
    assert_eq!(updated.revision, created.revision + 1);
    assert_eq!(
        s.get_supplier("F00012").await.expect("get").value.name,
        "Mécaplast Garnier SAS"
    );
    let stale = s
        .update_supplier("F00012", created.revision, changed.clone())
        .await;
    assert!(
        matches!(stale, Err(FournisseursError::Conflict { .. })),
        "{stale:?}"
    );
    let mut renamed = changed.clone();
    renamed.code = "F00013".into();
    assert!(
        s.update_supplier("F00012", updated.revision, renamed)
            .await
            .is_err()
    );
    let mut bad = changed;
    bad.siret = Some("73282932000075".into());
    assert!(matches!(
        s.update_supplier("F00012", updated.revision, bad).await,
        Err(FournisseursError::Invalid { field: "siret", .. })
    ));
}

async fn lists_page_without_gaps_or_repeats(db: Db) {
    let s = store(db).await;
    for i in 0..57 {
        s.create_supplier(supplier(&format!("F{i:05}")))
            .await
            .expect("create");
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(10);
    loop {
        let result = s.list_suppliers(&page).await.expect("list");
        assert!(result.items.len() <= 10);
        seen.extend(result.items.into_iter().map(|a| a.value.code));
        match result.next_token {
            Some(token) => page.token = Some(token),
            None => break,
        }
    }
    let expected: Vec<String> = (0..57).map(|i| format!("F{i:05}")).collect();
    assert_eq!(seen, expected);
    page.token = Some("garbage".into());
    assert!(s.list_suppliers(&page).await.is_err());
}

async fn supplier_articles_keep_one_preferred(db: Db) {
    let s = seeded(db).await;
    let article = SupplierArticle {
        supplier_code: "F00012".into(),
        article_code: "MP-00001".into(),
        supplier_sku: Some("GR-PP-N25".into()),
        unit_price: dec("1.234567"),
        min_order_qty: dec("25"),
        lead_time_days: 10,
        preferred: true,
    };
    let first = s.put_supplier_article(article.clone()).await.expect("put");
    let replaced = s
        .put_supplier_article(SupplierArticle {
            unit_price: dec("1.3"),
            ..article.clone()
        })
        .await
        .expect("put again");
    assert_eq!(first.id, replaced.id);
    let other = s
        .put_supplier_article(SupplierArticle {
            supplier_code: "F00013".into(),
            ..article.clone()
        })
        .await
        .expect("other supplier");
    let listed = s
        .list_supplier_articles("F00012", &PageRequest::default())
        .await
        .expect("list");
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].value.unit_price, dec("1.3"));
    assert!(!listed.items[0].value.preferred);
    let both = s.list_article_suppliers("MP-00001").await.expect("both");
    let preferred: Vec<_> = both.iter().filter(|a| a.value.preferred).collect();
    assert_eq!(preferred.len(), 1);
    assert_eq!(preferred[0].id, other.id);
    assert!(matches!(
        s.put_supplier_article(SupplierArticle {
            supplier_code: "F77777".into(),
            ..article
        })
        .await,
        Err(FournisseursError::NotFound { .. })
    ));
}

async fn orders_round_trip_with_exact_totals(db: Db) {
    let s = seeded(db).await;
    let mut header = PurchaseOrder::new("BC25-0001", "F00012", day(1887, 3, 1), "Séverine Lœuvre")
        .expect("order");
    header.requested_delivery_date = Some(day(1887, 4, 15));
    header.note = Some("Livraison quai n°2 🚚".into());
    let mut discounted = line(2, "3", "12.345678");
    discounted.discount_percent = dec("10");
    let big = line(1, "1", "12345678901.123456");
    let created = s
        .create_order(header, vec![discounted, big])
        .await
        .expect("create");
    let got = s.get_order("BC25-0001").await.expect("get");
    assert_eq!(got, created);
    assert_eq!(got.order.value.order_date, day(1887, 3, 1));
    assert_eq!(
        got.order.value.note.as_deref(),
        Some("Livraison quai n°2 🚚")
    );
    assert_eq!(
        got.lines
            .iter()
            .map(|l| l.value.line_no)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(got.lines[0].value.unit_price, dec("12345678901.123456"));
    assert_eq!(got.lines[1].value.amount(), dec("33.3333306"));
    assert_eq!(got.total(), dec("12345678934.4567866"));
    assert_eq!(got.receipt_status(), ReceiptStatus::NotReceived);

    let duplicate = PurchaseOrder::new("BC25-0001", "F00012", day(2025, 1, 2), "x").expect("o");
    assert!(matches!(
        s.create_order(duplicate, vec![line(1, "1", "1")]).await,
        Err(FournisseursError::AlreadyExists { .. })
    ));
    let orphan = PurchaseOrder::new("BC25-0002", "F77777", day(2025, 1, 2), "x").expect("o");
    assert!(matches!(
        s.create_order(orphan, vec![line(1, "1", "1")]).await,
        Err(FournisseursError::NotFound { .. })
    ));
    let empty = PurchaseOrder::new("BC25-0003", "F00012", day(2025, 1, 2), "x").expect("o");
    assert!(s.create_order(empty, Vec::new()).await.is_err());
    order(&s, "BC25-0004", "F00013").await;
    let of_12 = s
        .list_orders(Some("F00012"), &PageRequest::default())
        .await
        .expect("list");
    assert_eq!(of_12.items.len(), 1);
    let all = s
        .list_orders(None, &PageRequest::default())
        .await
        .expect("list");
    assert_eq!(all.items.len(), 2);
}

async fn order_transitions_follow_the_table(db: Db) {
    use PoState::*;
    let s = seeded(db).await;
    let paths: [(&str, &[PoState]); 5] = [
        ("BC25-0010", &[RfqSent, Confirmed, Closed]),
        ("BC25-0011", &[Confirmed, Cancelled]),
        ("BC25-0012", &[RfqSent, Cancelled]),
        ("BC25-0013", &[Cancelled]),
        ("BC25-0014", &[Confirmed]),
    ];
    for (po, path) in paths {
        order(&s, po, "F00012").await;
        for &to in path {
            let current = s.get_order(po).await.expect("get").order;
            let moved = s
                .change_order_state(po, current.revision, to)
                .await
                .expect("allowed transition");
            assert_eq!(moved.value.state, to);
            assert_eq!(moved.revision, current.revision + 1);
        }
    }
    let refused = [
        ("BC25-0010", Draft),
        ("BC25-0010", Cancelled),
        ("BC25-0013", Confirmed),
        ("BC25-0014", RfqSent),
        ("BC25-0014", Confirmed),
    ];
    for (po, to) in refused {
        let current = s.get_order(po).await.expect("get").order;
        let result = s.change_order_state(po, current.revision, to).await;
        assert!(
            matches!(result, Err(FournisseursError::Transition { .. })),
            "{po} -> {to:?}: {result:?}"
        );
        assert_eq!(s.get_order(po).await.expect("get").order, current);
    }
    let stale = s.change_order_state("BC25-0014", 1, Closed).await;
    assert!(
        matches!(stale, Err(FournisseursError::Conflict { .. })),
        "{stale:?}"
    );
    assert!(matches!(
        s.change_order_state("BC25-9999", 1, Closed).await,
        Err(FournisseursError::NotFound { .. })
    ));
}

async fn receipts_drive_the_receipt_status(db: Db) {
    let s = seeded(db).await;
    let header = PurchaseOrder::new("BC25-0020", "F00012", day(2025, 3, 1), "jdupont").expect("o");
    let created = s
        .create_order(header, vec![line(1, "10", "2"), line(2, "5", "3")])
        .await
        .expect("create");
    assert!(matches!(
        s.record_receipt("BC25-0020", 1, dec("1"), day(2025, 3, 5))
            .await,
        Err(FournisseursError::Refused { .. })
    ));
    s.change_order_state("BC25-0020", created.order.revision, PoState::Confirmed)
        .await
        .expect("confirm");
    let l1 = s
        .record_receipt("BC25-0020", 1, dec("4.5"), day(2025, 3, 5))
        .await
        .expect("receipt");
    assert_eq!(l1.value.qty_received, dec("4.5"));
    assert_eq!(l1.value.last_receipt_date, Some(day(2025, 3, 5)));
    let o = s.get_order("BC25-0020").await.expect("get");
    assert_eq!(o.receipt_status(), ReceiptStatus::PartiallyReceived);
    s.record_receipt("BC25-0020", 1, dec("5.5"), day(2025, 3, 6))
        .await
        .expect("receipt");
    s.record_receipt("BC25-0020", 2, dec("6"), day(2025, 3, 6))
        .await
        .expect("over-delivery");
    let o = s.get_order("BC25-0020").await.expect("get");
    assert_eq!(o.receipt_status(), ReceiptStatus::Received);
    assert_eq!(o.lines[1].value.qty_received, dec("6"));
    assert!(matches!(
        s.record_receipt("BC25-0020", 3, dec("1"), day(2025, 3, 6))
            .await,
        Err(FournisseursError::NotFound { .. })
    ));
    assert!(matches!(
        s.record_receipt("BC25-0020", 1, dec("-1"), day(2025, 3, 6))
            .await,
        Err(FournisseursError::Invalid { .. })
    ));
}

bascule_platform::backend_tests!(
    suppliers_round_trip_and_refuse_duplicates,
    supplier_updates_check_the_revision,
    lists_page_without_gaps_or_repeats,
    supplier_articles_keep_one_preferred,
    orders_round_trip_with_exact_totals,
    order_transitions_follow_the_table,
    receipts_drive_the_receipt_status,
);
