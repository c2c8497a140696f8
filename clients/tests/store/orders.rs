//! The order operations of the clients repository: creation with lines, edits of
//! drafts, the transition table, listing; run on every backend by `store.rs`.

use bascule_clients::domain::{ClientsError, Customer, CustomerOrder, OrderLine, OrderState};
use bascule_clients::storage::{ClientsStore, StoredOrder};
use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;

use super::{customer, day, dec, with_customer};

fn line(no: i64, qty: &str, price: &str, discount: &str) -> OrderLine {
    OrderLine {
        discount_percent: dec(discount),
        ..OrderLine::new(
            no,
            "PF-00001",
            "Boîtier ABS noir « série 2 »",
            dec(qty),
            dec(price),
        )
        .expect("line")
    }
}

fn order(number: &str, customer: &str) -> CustomerOrder {
    CustomerOrder::new(number, customer, day(2025, 3, 1), day(2025, 3, 20)).expect("order")
}

async fn draft(s: &ClientsStore, number: &str) -> StoredOrder {
    s.create_order(order(number, "C00001"), vec![line(1, "2", "10", "0")])
        .await
        .expect("create order")
}

/// Walks an order through `states`, each step at the revision the previous one returned.
pub(crate) async fn walk(s: &ClientsStore, number: &str, states: &[OrderState]) -> i64 {
    let mut revision = s.get_order(number).await.expect("get").order.revision;
    for next in states {
        let moved = s
            .change_order_state(number, revision, *next)
            .await
            .unwrap_or_else(|e| panic!("{number} to {next:?}: {e}"));
        assert_eq!(moved.value.state, *next);
        revision = moved.revision;
    }
    revision
}

pub(crate) async fn orders_follow_the_transition_table(db: Db) {
    use OrderState::*;
    let s = with_customer(db).await;
    let paths: [&[OrderState]; 5] = [
        &[Confirmed, InProduction, Ready, Delivered, Closed],
        &[Confirmed, Ready, Delivered],
        &[Cancelled],
        &[Confirmed, Cancelled],
        &[Confirmed, InProduction, Cancelled],
    ];
    let mut revisions = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let number = format!("CC25-{:05}", i + 1);
        draft(&s, &number).await;
        revisions.push(walk(&s, &number, path).await);
    }
    let refused = [
        ("CC25-00001", revisions[0], Draft),
        ("CC25-00001", revisions[0], Cancelled),
        ("CC25-00002", revisions[1], Cancelled),
        ("CC25-00002", revisions[1], Ready),
        ("CC25-00003", revisions[2], Confirmed),
        ("CC25-00004", revisions[3], Draft),
    ];
    for (number, revision, next) in refused {
        let result = s.change_order_state(number, revision, next).await;
        assert!(
            matches!(result, Err(ClientsError::IllegalTransition { .. })),
            "{number} to {next:?}: {result:?}"
        );
    }
    let fresh = draft(&s, "CC25-00006").await;
    for next in [InProduction, Ready, Delivered, Closed, Draft] {
        assert!(matches!(
            s.change_order_state("CC25-00006", fresh.order.revision, next)
                .await,
            Err(ClientsError::IllegalTransition { .. })
        ));
    }
    let confirmed = s
        .change_order_state("CC25-00006", fresh.order.revision, Confirmed)
        .await
        .expect("confirm");
    assert!(matches!(
        s.change_order_state("CC25-00006", fresh.order.revision, InProduction)
            .await,
        Err(ClientsError::Conflict { .. })
    ));
    assert_eq!(
        s.get_order("CC25-00006").await.expect("get").order,
        confirmed
    );
    let empty = s
        .create_order(order("CC25-00007", "C00001"), Vec::new())
        .await
        .expect("empty draft");
    assert!(matches!(
        s.change_order_state("CC25-00007", empty.order.revision, Confirmed)
            .await,
        Err(ClientsError::Invalid { field: "lines", .. })
    ));
    assert!(matches!(
        s.change_order_state("CC25-99999", 1, Confirmed).await,
        Err(ClientsError::NotFound { .. })
    ));
}

pub(crate) async fn order_lines_round_trip_with_exact_totals(db: Db) {
    let s = with_customer(db).await;
    let header = CustomerOrder {
        customer_reference: Some("PO-2025/0042 «urgent»".into()),
        order_date: day(1887, 3, 1),
        requested_date: day(1887, 4, 15),
        promised_date: Some(day(1887, 4, 10)),
        note: Some("Commande historique 🎉".into()),
        ..order("CC87-00001", "C00001")
    };
    let lines = vec![
        line(3, "7", "19.99", "33.333333"),
        line(1, "3.5", "12.345678", "12.5"),
        line(2, "2.5", "12345678901.123456", "0"),
    ];
    let created = s.create_order(header, lines).await.expect("create");
    let got = s.get_order("CC87-00001").await.expect("get");
    assert_eq!(got, created);
    assert_eq!(got.order.value.order_date, day(1887, 3, 1));
    assert_eq!(got.order.value.currency, "EUR");
    assert_eq!(
        got.lines.iter().map(|l| l.line_no).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(got.lines[1].unit_price, dec("12345678901.123456"));
    assert_eq!(got.lines[0].discount_percent, dec("12.5"));
    // 37.808638875 + 30864197252.80864 + 93.2866671331
    assert_eq!(
        got.total_excl_tax().expect("total"),
        dec("30864197383.9039460081")
    );

    assert!(matches!(
        s.create_order(order("CC87-00001", "C00001"), vec![line(1, "1", "1", "0")])
            .await,
        Err(ClientsError::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.create_order(order("CC87-00002", "C55555"), vec![line(1, "1", "1", "0")])
            .await,
        Err(ClientsError::NotFound {
            entity: "customer",
            ..
        })
    ));
    assert!(matches!(
        s.get_order("CC87-00002").await,
        Err(ClientsError::NotFound { .. })
    ));
}

pub(crate) async fn only_draft_orders_can_be_edited(db: Db) {
    let s = with_customer(db).await;
    let created = draft(&s, "CC25-00010").await;
    let edited_header = CustomerOrder {
        requested_date: day(2025, 4, 30),
        promised_date: Some(day(2025, 4, 25)),
        customer_reference: Some("PO-77".into()),
        ..created.order.value.clone()
    };
    let edited_lines = vec![line(1, "5", "9.90", "10"), line(2, "1", "150", "0")];
    let updated = s
        .update_order(
            "CC25-00010",
            created.order.revision,
            edited_header.clone(),
            edited_lines,
        )
        .await
        .expect("edit draft");
    assert_eq!(updated.order.revision, created.order.revision + 1);
    let got = s.get_order("CC25-00010").await.expect("get");
    assert_eq!(got, updated);
    assert_eq!(got.total_excl_tax().expect("total"), dec("194.55"));

    let stale = s
        .update_order(
            "CC25-00010",
            created.order.revision,
            edited_header.clone(),
            vec![line(1, "1", "1", "0")],
        )
        .await;
    assert!(
        matches!(stale, Err(ClientsError::Conflict { .. })),
        "{stale:?}"
    );
    s.create_customer(customer("C00002")).await.expect("other");
    let moved = CustomerOrder {
        customer_code: "C00002".into(),
        ..edited_header.clone()
    };
    assert!(matches!(
        s.update_order("CC25-00010", updated.order.revision, moved, Vec::new())
            .await,
        Err(ClientsError::Invalid {
            field: "customer_code",
            ..
        })
    ));

    let confirmed = s
        .change_order_state("CC25-00010", updated.order.revision, OrderState::Confirmed)
        .await
        .expect("confirm");
    let refused = s
        .update_order(
            "CC25-00010",
            confirmed.revision,
            CustomerOrder {
                state: OrderState::Confirmed,
                ..edited_header
            },
            vec![line(1, "1", "1", "0")],
        )
        .await;
    assert!(
        matches!(refused, Err(ClientsError::NotEditable { .. })),
        "{refused:?}"
    );
    assert_eq!(
        s.get_order("CC25-00010").await.expect("get").lines,
        got.lines
    );
}

pub(crate) async fn orders_list_by_customer_and_page(db: Db) {
    let s = with_customer(db).await;
    let inactive = Customer {
        active: false,
        ..customer("C00002")
    };
    s.create_customer(customer("C00003")).await.expect("other");
    s.create_customer(inactive).await.expect("inactive");
    assert!(matches!(
        s.create_order(order("CC25-09999", "C00002"), Vec::new())
            .await,
        Err(ClientsError::Invalid {
            field: "customer_code",
            ..
        })
    ));
    for i in 0..25 {
        let customer = if i % 5 == 0 { "C00003" } else { "C00001" };
        s.create_order(order(&format!("CC25-{i:05}"), customer), Vec::new())
            .await
            .expect("order");
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(7);
    loop {
        let result = s.list_orders(Some("C00001"), &page).await.expect("list");
        seen.extend(result.items.into_iter().map(|o| o.value.order_number));
        match result.next_token {
            Some(token) => page.token = Some(token),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25)
        .filter(|i| i % 5 != 0)
        .map(|i| format!("CC25-{i:05}"))
        .collect();
    assert_eq!(seen, expected);
    let all = s
        .list_orders(None, &PageRequest::first(100))
        .await
        .expect("all");
    assert_eq!(all.items.len(), 25);
    assert!(all.next_token.is_none());
}

/// An order migrated with its legacy total and no lines keeps its state, moves on, and
/// totals its legacy amount until lines replace it.
pub(crate) async fn migrated_orders_stand_for_their_total(db: Db) {
    let s = with_customer(db).await;
    let migrated = CustomerOrder {
        state: OrderState::Confirmed,
        legacy_total_excl_tax: Some(dec("88818.53")),
        ..order("CC16-00001", "C00001")
    };
    let created = s.create_order(migrated, Vec::new()).await.expect("create");
    assert!(created.lines.is_empty());
    assert_eq!(created.total_excl_tax().expect("total"), dec("88818.53"));
    let revision = walk(&s, "CC16-00001", &[OrderState::InProduction]).await;
    assert_eq!(revision, created.order.revision + 1);
    let got = s.get_order("CC16-00001").await.expect("get");
    assert_eq!(got.order.value.legacy_total_excl_tax, Some(dec("88818.53")));
}
