//! Purchase orders through the real gRPC stack, on SQLite and PostgreSQL: creation with
//! lines, header updates while DRAFT, every transition of the state machine allowed or
//! refused, and lists.

mod api_support;

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::fournisseurs::v1 as pb;
use pb::purchase_order::State;
use tonic::Code;

use api_support::{
    Client, create_order, date, dec, line, mask, metadata, reason, seed, start, value,
};

/// The four state-changing methods, by the state they lead to.
const ACTIONS: [State; 4] = [
    State::RfqSent,
    State::Confirmed,
    State::Closed,
    State::Cancelled,
];

fn allowed(from: State, to: State) -> bool {
    matches!(
        (from, to),
        (State::Draft, State::RfqSent)
            | (State::Draft, State::Confirmed)
            | (State::Draft, State::Cancelled)
            | (State::RfqSent, State::Confirmed)
            | (State::RfqSent, State::Cancelled)
            | (State::Confirmed, State::Closed)
            | (State::Confirmed, State::Cancelled)
    )
}

async fn act(
    client: &mut Client,
    po_number: &str,
    etag: &str,
    to: State,
) -> Result<pb::PurchaseOrder, tonic::Status> {
    let (po_number, etag) = (po_number.to_owned(), etag.to_owned());
    let answer = match to {
        State::RfqSent => {
            client
                .send_purchase_order(pb::SendPurchaseOrderRequest { po_number, etag })
                .await
        }
        State::Confirmed => {
            client
                .confirm_purchase_order(pb::ConfirmPurchaseOrderRequest { po_number, etag })
                .await
        }
        State::Closed => {
            client
                .close_purchase_order(pb::ClosePurchaseOrderRequest { po_number, etag })
                .await
        }
        _ => {
            client
                .cancel_purchase_order(pb::CancelPurchaseOrderRequest { po_number, etag })
                .await
        }
    };
    answer.map(tonic::Response::into_inner)
}

/// A new order driven to `state` through the allowed transitions.
async fn order_in(client: &mut Client, po_number: &str, state: State) -> pb::PurchaseOrder {
    let order = create_order(client, po_number, vec![line(1, "MP-00001", "10", "2.5")]).await;
    let path: &[State] = match state {
        State::Draft => &[],
        State::RfqSent => &[State::RfqSent],
        State::Confirmed => &[State::Confirmed],
        State::Closed => &[State::Confirmed, State::Closed],
        _ => &[State::Cancelled],
    };
    let mut order = order;
    for step in path {
        order = act(client, po_number, "", *step)
            .await
            .expect("allowed step");
    }
    assert_eq!(order.state, state as i32);
    order
}

async fn every_transition_is_allowed_or_refused_as_the_state_machine_says(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    seed(&mut s).await;
    let states = [
        State::Draft,
        State::RfqSent,
        State::Confirmed,
        State::Closed,
        State::Cancelled,
    ];
    let mut n = 0;
    for from in states {
        for to in ACTIONS {
            n += 1;
            let po = format!("BC25-{n:04}");
            let order = order_in(&mut s.client, &po, from).await;
            let answer = act(&mut s.client, &po, &order.etag, to).await;
            if allowed(from, to) {
                let changed = answer.expect("allowed transition");
                assert_eq!(changed.state, to as i32, "{from:?} -> {to:?}");
                assert_ne!(changed.etag, order.etag);
            } else {
                let e = answer.expect_err("refused transition");
                assert_eq!(e.code(), Code::FailedPrecondition, "{from:?} -> {to:?}");
                assert_eq!(reason(&e), "INVALID_TRANSITION");
                assert_eq!(metadata(&e, "from_state"), from.as_str_name());
                assert_eq!(metadata(&e, "to_state"), to.as_str_name());
                let unchanged = s
                    .client
                    .get_purchase_order(pb::GetPurchaseOrderRequest {
                        po_number: po.clone(),
                    })
                    .await
                    .expect("get")
                    .into_inner();
                assert_eq!(unchanged.state, from as i32);
            }
        }
    }
    // A state change at a stale etag is refused, whatever the transition.
    let order = order_in(&mut s.client, "BC25-0100", State::Draft).await;
    act(&mut s.client, "BC25-0100", &order.etag, State::RfqSent)
        .await
        .expect("send");
    let stale = act(&mut s.client, "BC25-0100", &order.etag, State::Confirmed)
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Code::Aborted);
    let missing = act(&mut s.client, "BC99-9999", "", State::Confirmed)
        .await
        .expect_err("missing");
    assert_eq!(missing.code(), Code::NotFound);

    let confirmed = s
        .client
        .list_purchase_orders(pb::ListPurchaseOrdersRequest {
            filter: "state = CONFIRMED".into(),
            order_by: "po_number desc".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    // Each order ends in the state it was moved to, or in the one it was refused from.
    let expected = states
        .iter()
        .flat_map(|from| ACTIONS.iter().map(move |to| (*from, *to)))
        .filter(|(from, to)| {
            let last = if allowed(*from, *to) { *to } else { *from };
            last == State::Confirmed
        })
        .count();
    assert_eq!(confirmed.purchase_orders.len(), expected);
    assert!(confirmed.purchase_orders.iter().all(|o| o.lines.len() == 1));
    let numbers: Vec<&str> = confirmed
        .purchase_orders
        .iter()
        .map(|o| o.po_number.as_str())
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(numbers, sorted);
}

async fn orders_are_created_with_lines_and_edited_while_draft(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    seed(&mut s).await;
    let mut discounted = line(2, "MP-00002", "3", "12.345678");
    discounted.discount_percent = dec("10");
    let order = create_order(
        &mut s.client,
        "BC25-0001",
        vec![line(1, "MP-00001", "0.5", "2"), discounted],
    )
    .await;
    assert_eq!(order.state, State::Draft as i32);
    assert_eq!(value(order.total_excl_tax.as_ref()), "34.3333306");
    assert_eq!(order.receipt_status, pb::ReceiptStatus::NotReceived as i32);
    assert_eq!(order.currency, "EUR");
    assert_eq!(order.lines.len(), 2);
    assert_eq!(value(order.lines[0].received_quantity.as_ref()), "0");

    let mut change = order.clone();
    change.buyer = "mmartin".into();
    change.note = "Livraison quai 2".into();
    change.requested_delivery_date = date(2025, 3, 20);
    let updated = s
        .client
        .update_purchase_order(pb::UpdatePurchaseOrderRequest {
            purchase_order: Some(change.clone()),
            update_mask: mask(&["buyer", "requested_delivery_date"]),
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.buyer, "mmartin");
    assert_eq!(updated.note, "", "fields outside the mask do not change");
    assert_eq!(updated.requested_delivery_date, date(2025, 3, 20));
    assert_eq!(updated.lines.len(), 2);

    let stale = s
        .client
        .update_purchase_order(pb::UpdatePurchaseOrderRequest {
            purchase_order: Some(change.clone()),
            update_mask: mask(&["note"]),
        })
        .await
        .expect_err("stale etag");
    assert_eq!(stale.code(), Code::Aborted);
    assert_eq!(reason(&stale), "STALE_ETAG");

    let before_order = pb::PurchaseOrder {
        requested_delivery_date: date(2025, 2, 1),
        etag: String::new(),
        ..change.clone()
    };
    let bad = s
        .client
        .update_purchase_order(pb::UpdatePurchaseOrderRequest {
            purchase_order: Some(before_order),
            update_mask: mask(&["requested_delivery_date"]),
        })
        .await
        .expect_err("delivery before the order");
    assert_eq!(bad.code(), Code::InvalidArgument);

    let state_in_mask = s
        .client
        .update_purchase_order(pb::UpdatePurchaseOrderRequest {
            purchase_order: Some(change.clone()),
            update_mask: mask(&["state"]),
        })
        .await
        .expect_err("state changes through its own methods");
    assert_eq!(state_in_mask.code(), Code::InvalidArgument);

    act(&mut s.client, "BC25-0001", "", State::RfqSent)
        .await
        .expect("send");
    let sent = s
        .client
        .update_purchase_order(pb::UpdatePurchaseOrderRequest {
            purchase_order: Some(pb::PurchaseOrder {
                etag: String::new(),
                ..change
            }),
            update_mask: mask(&["note"]),
        })
        .await
        .expect_err("sent orders are not edited");
    assert_eq!(sent.code(), Code::FailedPrecondition);
    assert_eq!(reason(&sent), "NOT_EDITABLE");

    for (po, supplier, lines, code) in [
        (
            "BC25-0002",
            "F99999",
            vec![line(1, "MP-00001", "1", "1")],
            Code::NotFound,
        ),
        ("BC25-0003", "F00012", vec![], Code::InvalidArgument),
        (
            "BC25-0004",
            "F00012",
            vec![line(1, "MP-00001", "0", "1")],
            Code::InvalidArgument,
        ),
        (
            "BC25-0001",
            "F00012",
            vec![line(1, "MP-00001", "1", "1")],
            Code::AlreadyExists,
        ),
    ] {
        let e = s
            .client
            .create_purchase_order(pb::CreatePurchaseOrderRequest {
                purchase_order: Some(pb::PurchaseOrder {
                    po_number: po.into(),
                    supplier_code: supplier.into(),
                    buyer: "jdupont".into(),
                    lines,
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .expect_err(po);
        assert_eq!(e.code(), code, "{po}");
    }
    // Created twice with one request id: one order.
    let retried = pb::CreatePurchaseOrderRequest {
        purchase_order: Some(pb::PurchaseOrder {
            po_number: "BC25-0005".into(),
            supplier_code: "F00012".into(),
            buyer: "jdupont".into(),
            lines: vec![line(1, "MP-00001", "1", "1")],
            ..Default::default()
        }),
        request_id: "po-5".into(),
    };
    let first = s
        .client
        .create_purchase_order(retried.clone())
        .await
        .expect("create")
        .into_inner();
    let again = s
        .client
        .create_purchase_order(retried)
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(first, again);
    assert!(
        first.order_date.is_some(),
        "the order date defaults to today"
    );
    let missing = s
        .client
        .get_purchase_order(pb::GetPurchaseOrderRequest {
            po_number: "BC99-0001".into(),
        })
        .await
        .expect_err("missing");
    assert_eq!(missing.code(), Code::NotFound);
}

bascule_platform::backend_tests!(
    every_transition_is_allowed_or_refused_as_the_state_machine_says,
    orders_are_created_with_lines_and_edited_while_draft,
);
