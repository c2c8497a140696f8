//! Completing an order posts its consumption and output in the real stock service:
//! stock moves exactly once, a refusal leaves the order IN_PROGRESS and the retry posts
//! only what is missing, and a stock service out of reach is UNAVAILABLE.

use super::*;

/// OF25-0001 making 10 PF-00001, started, with the bill of PF-00001 (per batch of 1).
async fn running_order(c: &mut Client) {
    create_bom(c, "1").await;
    create_order(c, order("OF25-0001", "PF-00001", "10")).await;
    c.confirm_manufacturing_order(by_number("OF25-0001"))
        .await
        .expect("confirm");
    c.start_manufacturing_order(by_number("OF25-0001"))
        .await
        .expect("start");
}

async fn movements_of(stock: &mut Stock, reference: &str) -> Vec<(String, String, String)> {
    stock
        .list_movements(spb::ListMovementsRequest {
            filter: format!("reference = \"{reference}\""),
            order_by: "create_time".into(),
            ..Default::default()
        })
        .await
        .expect("movements")
        .into_inner()
        .movements
        .into_iter()
        .map(|m| {
            (
                spb::MovementKind::try_from(m.kind)
                    .map(|k| k.as_str_name().to_owned())
                    .unwrap_or_default(),
                m.article_code,
                m.quantity.map(|q| q.value).unwrap_or_default(),
            )
        })
        .collect()
}

async fn completion_moves_stock_once(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    seed_stock(&mut env.stock, &[("MP-00001", "100"), ("CO-00001", "50")]).await;
    let c = &mut env.client;
    running_order(c).await;
    let mut request = complete_request("OF25-0001", Some("8"));
    request.request_id = "complete-1".into();
    let done = c
        .complete_manufacturing_order(request.clone())
        .await
        .expect("complete")
        .into_inner();
    assert_eq!(done.state, i32::from(pb::ManufacturingOrderState::Done));
    let again = c
        .complete_manufacturing_order(request)
        .await
        .expect("a retry gets the first answer")
        .into_inner();
    assert_eq!(done, again);
    let e = c
        .complete_manufacturing_order(complete_request("OF25-0001", Some("8")))
        .await;
    refused(e, Code::FailedPrecondition, "INVALID_TRANSITION");

    let s = &mut env.stock;
    assert_eq!(on_hand(s, "MP-00001", "A01-01-1").await, "80");
    assert_eq!(on_hand(s, "CO-00001", "A01-01-1").await, "18");
    assert_eq!(on_hand(s, "PF-00001", "B02-03-2").await, "8");
    let moved = movements_of(s, "OF25-0001").await;
    let expected = [
        ("PRODUCTION_CONSUMPTION", "MP-00001", "-20"),
        ("PRODUCTION_CONSUMPTION", "CO-00001", "-32"),
        ("PRODUCTION_OUTPUT", "PF-00001", "8"),
    ]
    .map(|(k, a, q)| (k.to_owned(), a.to_owned(), q.to_owned()));
    assert_eq!(moved, expected);
}

async fn short_stock_keeps_the_order_in_progress_and_the_retry_posts_the_rest(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    seed_stock(&mut env.stock, &[("MP-00001", "100"), ("CO-00001", "10")]).await;
    let c = &mut env.client;
    running_order(c).await;
    let request = complete_request("OF25-0001", Some("8"));
    let e = c.complete_manufacturing_order(request.clone()).await;
    let e = refused(e, Code::FailedPrecondition, "INSUFFICIENT_STOCK");
    assert_eq!(metadata(&e, "article_code"), "CO-00001");
    assert_eq!(metadata(&e, "on_hand"), "10");
    assert_eq!(metadata(&e, "requested"), "32");
    assert_eq!(
        metadata(&e, "movement_request_id"),
        "mo-complete:OF25-0001:20"
    );
    let o = c
        .get_manufacturing_order(pb::GetManufacturingOrderRequest {
            mo_number: "OF25-0001".into(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(o.state, i32::from(pb::ManufacturingOrderState::InProgress));
    // The first component was consumed before the second was refused.
    assert_eq!(on_hand(&mut env.stock, "MP-00001", "A01-01-1").await, "80");

    // The same completion with another quantity would consume the first component
    // again for a different amount: refused.
    let e = c
        .complete_manufacturing_order(complete_request("OF25-0001", Some("7")))
        .await;
    refused(e, Code::FailedPrecondition, "COMPLETION_CHANGED");

    receive(&mut env.stock, "CO-00001", "40").await;
    let done = c
        .complete_manufacturing_order(request)
        .await
        .expect("retry after the receipt")
        .into_inner();
    assert_eq!(done.state, i32::from(pb::ManufacturingOrderState::Done));
    let s = &mut env.stock;
    assert_eq!(
        on_hand(s, "MP-00001", "A01-01-1").await,
        "80",
        "consumed once"
    );
    assert_eq!(on_hand(s, "CO-00001", "A01-01-1").await, "18");
    assert_eq!(on_hand(s, "PF-00001", "B02-03-2").await, "8");
    assert_eq!(movements_of(s, "OF25-0001").await.len(), 3);
}

async fn completion_needs_a_bill_locations_and_stock_up(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    seed_stock(&mut env.stock, &[("MP-00001", "100"), ("CO-00001", "100")]).await;
    let c = &mut env.client;
    create_order(c, order("OF25-0002", "MP-00001", "1")).await;
    c.confirm_manufacturing_order(by_number("OF25-0002"))
        .await
        .expect("confirm");
    c.start_manufacturing_order(by_number("OF25-0002"))
        .await
        .expect("start");
    let e = c
        .complete_manufacturing_order(complete_request("OF25-0002", None))
        .await;
    refused(e, Code::FailedPrecondition, "NO_BILL_OF_MATERIALS");
    running_order(c).await;
    let mut nowhere = complete_request("OF25-0001", None);
    nowhere.output_location_code = " ".into();
    let e = c.complete_manufacturing_order(nowhere).await;
    refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    let mut unknown = complete_request("OF25-0001", None);
    unknown.consume_from_location_code = "Z99-99-9".into();
    let e = c.complete_manufacturing_order(unknown).await;
    refused(e, Code::FailedPrecondition, "NOT_FOUND");

    // The same database, but the stock service is out of reach.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        format!("http://{}", listener.local_addr().expect("address"))
    };
    let (_server, mut cut_off) = production_server(&db, &dead).await;
    let e = cut_off
        .complete_manufacturing_order(complete_request("OF25-0001", None))
        .await;
    let e = refused(e, Code::Unavailable, "UNAVAILABLE");
    assert!(!e.message().contains(&dead), "{e:?}");
    let o = cut_off
        .get_manufacturing_order(pb::GetManufacturingOrderRequest {
            mo_number: "OF25-0001".into(),
        })
        .await
        .expect("reads need no stock")
        .into_inner();
    assert_eq!(o.state, i32::from(pb::ManufacturingOrderState::InProgress));
    // Once stock is back, the completion goes through.
    let done = c
        .complete_manufacturing_order(complete_request("OF25-0001", None))
        .await
        .expect("complete")
        .into_inner();
    assert_eq!(done.state, i32::from(pb::ManufacturingOrderState::Done));
    assert_eq!(on_hand(&mut env.stock, "PF-00001", "B02-03-2").await, "10");
}

bascule_platform::backend_tests!(
    completion_moves_stock_once,
    short_stock_keeps_the_order_in_progress_and_the_retry_posts_the_rest,
    completion_needs_a_bill_locations_and_stock_up,
);
