//! Customer orders through the service: the state machine, draft edits and totals, and
//! idempotent creates.

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::clients::v1 as pb;
use prost_types::FieldMask;
use tonic::Code;

use super::{
    Client, create_customer, create_order, customer, date, dec, line, metadata, order, reason,
    start, violation,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Move {
    Confirm,
    StartProduction,
    MarkReady,
    Deliver,
    Close,
    Cancel,
}

const MOVES: [Move; 6] = [
    Move::Confirm,
    Move::StartProduction,
    Move::MarkReady,
    Move::Deliver,
    Move::Close,
    Move::Cancel,
];

use pb::OrderState as S;

/// Every move the issue allows, with the state it leads to; anything else is refused.
const ALLOWED: [(S, Move, S); 9] = [
    (S::Draft, Move::Confirm, S::Confirmed),
    (S::Confirmed, Move::StartProduction, S::InProduction),
    (S::Confirmed, Move::MarkReady, S::Ready),
    (S::InProduction, Move::MarkReady, S::Ready),
    (S::Ready, Move::Deliver, S::Delivered),
    (S::Delivered, Move::Close, S::Closed),
    (S::Draft, Move::Cancel, S::Cancelled),
    (S::Confirmed, Move::Cancel, S::Cancelled),
    (S::InProduction, Move::Cancel, S::Cancelled),
];

/// How an order reaches each state from DRAFT.
fn path_to(state: S) -> &'static [Move] {
    match state {
        S::Draft | S::Unspecified => &[],
        S::Confirmed => &[Move::Confirm],
        S::InProduction => &[Move::Confirm, Move::StartProduction],
        S::Ready => &[Move::Confirm, Move::StartProduction, Move::MarkReady],
        S::Delivered => &[
            Move::Confirm,
            Move::StartProduction,
            Move::MarkReady,
            Move::Deliver,
        ],
        S::Closed => &[
            Move::Confirm,
            Move::StartProduction,
            Move::MarkReady,
            Move::Deliver,
            Move::Close,
        ],
        S::Cancelled => &[Move::Cancel],
    }
}

pub(super) async fn apply(
    client: &mut Client,
    number: &str,
    etag: &str,
    m: Move,
) -> Result<pb::CustomerOrder, tonic::Status> {
    let (order_number, etag) = (number.to_owned(), etag.to_owned());
    let reply = match m {
        Move::Confirm => {
            client
                .confirm_customer_order(pb::ConfirmCustomerOrderRequest { order_number, etag })
                .await
        }
        Move::StartProduction => {
            client
                .start_customer_order_production(pb::StartCustomerOrderProductionRequest {
                    order_number,
                    etag,
                })
                .await
        }
        Move::MarkReady => {
            client
                .mark_customer_order_ready(pb::MarkCustomerOrderReadyRequest { order_number, etag })
                .await
        }
        Move::Deliver => {
            client
                .deliver_customer_order(pb::DeliverCustomerOrderRequest { order_number, etag })
                .await
        }
        Move::Close => {
            client
                .close_customer_order(pb::CloseCustomerOrderRequest { order_number, etag })
                .await
        }
        Move::Cancel => {
            client
                .cancel_customer_order(pb::CancelCustomerOrderRequest { order_number, etag })
                .await
        }
    };
    reply.map(tonic::Response::into_inner)
}

pub async fn orders_follow_the_state_machine_and_nothing_else(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    create_customer(&mut client, customer("C00001", "Forges de Lyon")).await;
    let mut n = 0;
    let (mut allowed_seen, mut refused_seen) = (0, 0);
    for from in [
        S::Draft,
        S::Confirmed,
        S::InProduction,
        S::Ready,
        S::Delivered,
        S::Closed,
        S::Cancelled,
    ] {
        for m in MOVES {
            n += 1;
            let number = format!("CC25-{n:05}");
            let mut o = create_order(
                &mut client,
                order(&number, "C00001", vec![line(1, "2", "10")]),
                "",
            )
            .await
            .expect("draft");
            for step in path_to(from) {
                o = apply(&mut client, &number, &o.etag, *step)
                    .await
                    .expect("path");
            }
            assert_eq!(o.state, from as i32);
            let expected = ALLOWED
                .iter()
                .find(|(f, mv, _)| *f == from && *mv == m)
                .map(|(_, _, to)| *to);
            match (expected, apply(&mut client, &number, &o.etag, m).await) {
                (Some(to), Ok(moved)) => {
                    allowed_seen += 1;
                    assert_eq!(moved.state, to as i32, "{from:?} {m:?}");
                    assert_ne!(moved.etag, o.etag);
                }
                (None, Err(e)) => {
                    refused_seen += 1;
                    assert_eq!(e.code(), Code::FailedPrecondition, "{from:?} {m:?}");
                    assert_eq!(reason(&e), "INVALID_TRANSITION", "{from:?} {m:?}");
                    assert_eq!(metadata(&e, "from"), from.as_str_name());
                }
                (expected, got) => panic!("{from:?} {m:?}: expected {expected:?}, got {got:?}"),
            }
        }
    }
    assert_eq!((allowed_seen, refused_seen), (9, 33));

    // A draft without lines cannot be confirmed; a stale etag is refused before any rule.
    let empty = create_order(&mut client, order("CC25-09001", "C00001", vec![]), "")
        .await
        .expect("empty draft");
    let e = apply(&mut client, "CC25-09001", &empty.etag, Move::Confirm)
        .await
        .expect_err("no lines");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert_eq!(reason(&e), "ORDER_HAS_NO_LINES");
    let draft = create_order(
        &mut client,
        order("CC25-09002", "C00001", vec![line(1, "1", "5")]),
        "",
    )
    .await
    .expect("draft");
    apply(&mut client, "CC25-09002", "", Move::Confirm)
        .await
        .expect("confirm without etag: the current revision");
    let e = apply(&mut client, "CC25-09002", &draft.etag, Move::Cancel)
        .await
        .expect_err("stale");
    assert_eq!(e.code(), Code::Aborted);
    assert_eq!(reason(&e), "STALE_ETAG");
    let e = apply(&mut client, "CC25-99999", "", Move::Confirm)
        .await
        .expect_err("missing");
    assert_eq!(e.code(), Code::NotFound);
}

pub async fn drafts_are_edited_with_totals_and_nothing_else_is(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    create_customer(&mut client, customer("C00001", "Forges de Lyon")).await;
    let mut discounted = line(2, "3.5", "12.345678");
    discounted.discount_percent = dec("12.5");
    let created = create_order(
        &mut client,
        pb::CustomerOrder {
            customer_reference: "PO-7781".into(),
            note: "Quai 3".into(),
            ..order("CC25-00001", "C00001", vec![discounted, line(1, "2", "10")])
        },
        "",
    )
    .await
    .expect("create");
    assert_eq!(created.state, S::Draft as i32);
    assert_eq!(created.currency, "EUR");
    assert_eq!(created.lines[0].line_no, 1, "lines in line order");
    assert_eq!(created.lines[1].total_excl_tax, dec("37.808638875"));
    assert_eq!(created.total_excl_tax, dec("57.808638875"));
    let got = client
        .get_customer_order(pb::GetCustomerOrderRequest {
            order_number: "CC25-00001".into(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got, created);

    let edit = pb::CustomerOrder {
        lines: vec![line(1, "4", "10")],
        note: "ignored: outside the mask".into(),
        promised_date: date(2025, 3, 18),
        state: S::Closed as i32,
        ..got.clone()
    };
    let edited = client
        .update_customer_order(pb::UpdateCustomerOrderRequest {
            customer_order: Some(edit.clone()),
            update_mask: Some(FieldMask {
                paths: vec!["lines".into(), "promised_date".into()],
            }),
        })
        .await
        .expect("edit a draft")
        .into_inner();
    assert_eq!(edited.total_excl_tax, dec("40"));
    assert_eq!(edited.note, "Quai 3");
    assert_eq!(edited.promised_date, date(2025, 3, 18));
    assert_eq!(edited.state, S::Draft as i32, "the state is not updatable");
    let stale = client
        .update_customer_order(pb::UpdateCustomerOrderRequest {
            customer_order: Some(edit.clone()),
            update_mask: None,
        })
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Code::Aborted);
    let bad_mask = client
        .update_customer_order(pb::UpdateCustomerOrderRequest {
            customer_order: Some(edited.clone()),
            update_mask: Some(FieldMask {
                paths: vec!["state".into()],
            }),
        })
        .await
        .expect_err("state changes through its methods");
    assert_eq!(violation(&bad_mask), "update_mask");

    let confirmed = apply(&mut client, "CC25-00001", &edited.etag, Move::Confirm)
        .await
        .expect("confirm");
    let frozen = client
        .update_customer_order(pb::UpdateCustomerOrderRequest {
            customer_order: Some(pb::CustomerOrder {
                note: "trop tard".into(),
                ..confirmed
            }),
            update_mask: Some(FieldMask {
                paths: vec!["note".into()],
            }),
        })
        .await
        .expect_err("only drafts are edited");
    assert_eq!(frozen.code(), Code::FailedPrecondition);
    assert_eq!(reason(&frozen), "ORDER_NOT_EDITABLE");

    for (bad, field) in [
        (
            pb::CustomerOrder {
                requested_date: date(2025, 2, 30),
                ..order("CC25-00002", "C00001", vec![])
            },
            "requested_date",
        ),
        (
            order("CC25-00002", "C00001", vec![line(1, "0", "10")]),
            "quantity",
        ),
        (
            order(
                "CC25-00002",
                "C00001",
                vec![line(1, "1", "10"), line(1, "1", "2")],
            ),
            "line_no",
        ),
        (order("cc 2", "C00001", vec![]), "order_number"),
    ] {
        let e = create_order(&mut client, bad, "").await.expect_err(field);
        assert_eq!(e.code(), Code::InvalidArgument, "{field}");
        assert_eq!(violation(&e), field);
    }
    let unknown = create_order(&mut client, order("CC25-00003", "C09999", vec![]), "")
        .await
        .expect_err("unknown customer");
    assert_eq!(unknown.code(), Code::NotFound);
    let duplicate = create_order(&mut client, order("CC25-00001", "C00001", vec![]), "")
        .await
        .expect_err("duplicate");
    assert_eq!(duplicate.code(), Code::AlreadyExists);
}

pub async fn retries_with_a_request_id_create_once(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    let create = |c: pb::Customer, id: &str| pb::CreateCustomerRequest {
        customer: Some(c),
        request_id: id.into(),
    };
    let first = client
        .create_customer(create(customer("C00001", "Forges"), "cust-1"))
        .await
        .expect("first")
        .into_inner();
    let retry = client
        .create_customer(create(customer("C00001", "Forges"), "cust-1"))
        .await
        .expect("a retry gets the first answer")
        .into_inner();
    assert_eq!(first, retry);
    let reused = client
        .create_customer(create(customer("C00002", "Autre"), "cust-1"))
        .await
        .expect_err("another request with the same id");
    assert_eq!(reused.code(), Code::InvalidArgument);
    assert_eq!(violation(&reused), "request_id");

    let o = order("CC25-00001", "C00001", vec![line(1, "1", "9.99")]);
    let first = create_order(&mut client, o.clone(), "order-1")
        .await
        .expect("first");
    let retry = create_order(&mut client, o, "order-1")
        .await
        .expect("retry");
    assert_eq!(first, retry);
    let listed = client
        .list_customer_orders(pb::ListCustomerOrdersRequest::default())
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.customer_orders.len(), 1, "created once");
    let customers = client
        .list_customers(pb::ListCustomersRequest::default())
        .await
        .expect("list")
        .into_inner();
    assert_eq!(customers.customers.len(), 1, "created once");
    // A failed create does not hold its id: the corrected request goes through.
    create_order(
        &mut client,
        order("CC25-00002", "C00009", vec![]),
        "order-2",
    )
    .await
    .expect_err("unknown customer");
    create_order(
        &mut client,
        order("CC25-00002", "C00001", vec![]),
        "order-2",
    )
    .await
    .expect("corrected");
}
