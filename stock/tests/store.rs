//! The stock repository, run on SQLite, PostgreSQL and (when configured) Oracle.

use std::str::FromStr;

use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;
use bascule_platform::db::upgrade::upgrade;
use bascule_stock::domain::{
    Article, ArticleKind, Location, MovementKind, NewMovement, ReorderMode, ReorderRule,
    Replenishment, ReplenishmentRequest, RequestState, StockError,
};
use bascule_stock::storage::{StockStore, schema};
use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

async fn store(db: Db) -> StockStore {
    upgrade(&db, &[schema().clone()]).await.expect("upgrade");
    StockStore::new(db)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn article(code: &str) -> Article {
    Article::new(
        code,
        "Granulés PP noir 🎉 é",
        ArticleKind::RawMaterial,
        "kg",
        Replenishment::Buy,
    )
    .expect("article")
}

fn receipt(article: &str, location: &str, qty: &str) -> NewMovement {
    NewMovement {
        kind: MovementKind::Receipt,
        article_code: article.into(),
        location_code: location.into(),
        quantity: dec(qty),
        to_location_code: None,
        reference: Some("BC25-0001".into()),
        occurred_at: Utc
            .with_ymd_and_hms(1887, 3, 1, 8, 30, 0)
            .single()
            .expect("date"),
        user_name: "jdupont".into(),
        note: None,
    }
}

async fn seeded(db: Db) -> StockStore {
    let s = store(db).await;
    s.create_article(article("MP-00001"))
        .await
        .expect("article");
    s.create_location(Location::new("A01-01-1", "Allée 1", "Atelier").expect("loc"))
        .await
        .expect("loc");
    s.create_location(Location::new("M01-01-1", "Magasin 1", "Magasin").expect("loc"))
        .await
        .expect("loc");
    s
}

async fn articles_round_trip_and_refuse_duplicates(db: Db) {
    let s = store(db).await;
    let created = s.create_article(article("MP-00001")).await.expect("create");
    let got = s.get_article("MP-00001").await.expect("get");
    assert_eq!(got, created);
    assert_eq!(got.value.name, "Granulés PP noir 🎉 é");
    assert!(matches!(
        s.create_article(article("MP-00001")).await,
        Err(StockError::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.get_article("MP-99999").await,
        Err(StockError::NotFound { .. })
    ));
}

async fn updates_check_the_revision(db: Db) {
    let s = store(db).await;
    let created = s.create_article(article("MP-00002")).await.expect("create");
    let mut changed = created.value.clone();
    changed.name = "Granulés PP blanc".into();
    let updated = s
        .update_article("MP-00002", created.revision, changed.clone())
        .await
        .expect("update");
    assert_eq!(updated.revision, created.revision + 1);
    assert_eq!(
        s.get_article("MP-00002").await.expect("get").value.name,
        "Granulés PP blanc"
    );
    let stale = s
        .update_article("MP-00002", created.revision, changed.clone())
        .await;
    assert!(
        matches!(stale, Err(StockError::Conflict { .. })),
        "{stale:?}"
    );
    let mut renamed = changed;
    renamed.code = "MP-00003".into();
    assert!(
        s.update_article("MP-00002", updated.revision, renamed)
            .await
            .is_err()
    );
}

async fn lists_page_without_gaps_or_repeats(db: Db) {
    let s = store(db).await;
    for i in 0..57 {
        s.create_article(article(&format!("CO-{i:05}")))
            .await
            .expect("create");
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(10);
    loop {
        let result = s.list_articles(&page).await.expect("list");
        assert!(result.items.len() <= 10);
        seen.extend(result.items.into_iter().map(|a| a.value.code));
        match result.next_token {
            Some(token) => page.token = Some(token),
            None => break,
        }
    }
    let expected: Vec<String> = (0..57).map(|i| format!("CO-{i:05}")).collect();
    assert_eq!(seen, expected);
    page.token = Some("garbage".into());
    assert!(s.list_articles(&page).await.is_err());
}

async fn levels_are_the_sum_of_the_ledger(db: Db) {
    let s = seeded(db).await;
    let first = s
        .append_movement(receipt("MP-00001", "A01-01-1", "12345678901.123456"))
        .await
        .expect("receipt");
    assert_eq!(first.value.movement.quantity, dec("12345678901.123456"));
    assert_eq!(
        first.value.movement.occurred_at,
        Utc.with_ymd_and_hms(1887, 3, 1, 8, 30, 0)
            .single()
            .expect("date")
    );
    let mut issue = receipt("MP-00001", "A01-01-1", "-0.123456");
    issue.kind = MovementKind::Issue;
    s.append_movement(issue).await.expect("issue");
    let mut transfer = receipt("MP-00001", "A01-01-1", "1");
    transfer.kind = MovementKind::Transfer;
    transfer.to_location_code = Some("M01-01-1".into());
    s.append_movement(transfer).await.expect("transfer");

    assert_eq!(
        s.get_level("MP-00001", "A01-01-1")
            .await
            .expect("level")
            .on_hand,
        dec("12345678900")
    );
    assert_eq!(
        s.get_level("MP-00001", "M01-01-1")
            .await
            .expect("level")
            .on_hand,
        dec("1")
    );
    let ledger = s
        .list_movements(Some("MP-00001"), &PageRequest::first(100))
        .await
        .expect("ledger");
    assert_eq!(ledger.items.len(), 3);
    let stored = s.get_movement(&first.id).await.expect("get");
    assert_eq!(stored.value, first.value);
}

async fn issues_cannot_take_stock_below_zero(db: Db) {
    let s = seeded(db).await;
    s.append_movement(receipt("MP-00001", "A01-01-1", "5"))
        .await
        .expect("receipt");
    let mut issue = receipt("MP-00001", "A01-01-1", "-6");
    issue.kind = MovementKind::Issue;
    match s.append_movement(issue).await {
        Err(StockError::InsufficientStock {
            on_hand, requested, ..
        }) => {
            assert_eq!((on_hand, requested), (dec("5"), dec("6")));
        }
        other => panic!("expected InsufficientStock, got {other:?}"),
    }
    let mut elsewhere = receipt("MP-00001", "M01-01-1", "-1");
    elsewhere.kind = MovementKind::Issue;
    assert!(matches!(
        s.append_movement(elsewhere).await,
        Err(StockError::InsufficientStock { .. })
    ));
    assert_eq!(
        s.get_level("MP-00001", "A01-01-1")
            .await
            .expect("level")
            .on_hand,
        dec("5")
    );
    let unknown = receipt("MP-77777", "A01-01-1", "1");
    assert!(matches!(
        s.append_movement(unknown).await,
        Err(StockError::NotFound { .. })
    ));
}

async fn reversals_cancel_once(db: Db) {
    let s = seeded(db).await;
    let m = s
        .append_movement(receipt("MP-00001", "A01-01-1", "8"))
        .await
        .expect("receipt");
    let r = s.reverse_movement(&m.id, "chef").await.expect("reverse");
    assert_eq!(r.value.reverses.as_deref(), Some(m.id.as_str()));
    assert_eq!(
        s.get_level("MP-00001", "A01-01-1")
            .await
            .expect("level")
            .on_hand,
        Decimal::ZERO
    );
    assert!(matches!(
        s.reverse_movement(&m.id, "chef").await,
        Err(StockError::AlreadyReversed(_))
    ));
    assert!(s.reverse_movement(&r.id, "chef").await.is_err());
}

async fn concurrent_movements_keep_the_level_exact(db: Db) {
    let s = seeded(db).await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move {
                s.append_movement(receipt("MP-00001", "A01-01-1", "1.5"))
                    .await
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("join").expect("append");
    }
    assert_eq!(
        s.get_level("MP-00001", "A01-01-1")
            .await
            .expect("level")
            .on_hand,
        dec("12")
    );
}

async fn reorder_rules_and_requests(db: Db) {
    let s = seeded(db).await;
    let rule = ReorderRule {
        article_code: "MP-00001".into(),
        location_code: "A01-01-1".into(),
        min_qty: dec("10"),
        max_qty: dec("100"),
        multiple: dec("25"),
        mode: ReorderMode::Auto,
        route: Replenishment::Buy,
        preferred_supplier_code: Some("F00012".into()),
    };
    let first = s.put_reorder_rule(rule.clone()).await.expect("rule");
    let second = s
        .put_reorder_rule(ReorderRule {
            min_qty: dec("20"),
            ..rule
        })
        .await
        .expect("rule again");
    assert_eq!(first.id, second.id);
    assert_eq!(
        s.list_reorder_rules(&PageRequest::default())
            .await
            .expect("rules")
            .items
            .len(),
        1
    );
    let request = ReplenishmentRequest {
        article_code: "MP-00001".into(),
        location_code: "A01-01-1".into(),
        quantity: dec("100"),
        route: Replenishment::Buy,
        supplier_code: Some("F00012".into()),
        state: RequestState::Open,
        need_key: format!("{}:1", second.id),
    };
    let (a, created) = s.raise_request(request.clone()).await.expect("request");
    let (b, again) = s.raise_request(request).await.expect("request twice");
    assert!(created && !again);
    assert_eq!(a.id, b.id);
}

bascule_platform::backend_tests!(
    articles_round_trip_and_refuse_duplicates,
    updates_check_the_revision,
    lists_page_without_gaps_or_repeats,
    levels_are_the_sum_of_the_ledger,
    issues_cannot_take_stock_below_zero,
    reversals_cancel_once,
    concurrent_movements_keep_the_level_exact,
    reorder_rules_and_requests,
);
