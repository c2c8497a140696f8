//! Receiving goods through the real gRPC stack, with the stock service running beside
//! fournisseurs on the same database (SQLite and PostgreSQL): receipts post RECEIPT
//! movements read back through stock, retries post nothing twice, and a receipt stock
//! refuses or cannot take leaves nothing behind.

mod api_support;

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::fournisseurs::v1 as pb;
use bascule_proto::stock::v1 as stock;
use tonic::Code;

use api_support::{
    Client, Services, Stock, confirm, create_order, date, dec, fournisseurs_server, line, metadata,
    on_hand, reason, seed, start, value,
};

fn receive(po: &str, lines: &[(i32, &str)], request_id: &str) -> pb::ReceivePurchaseOrderRequest {
    pb::ReceivePurchaseOrderRequest {
        po_number: po.into(),
        location_code: "A01-01-1".into(),
        lines: lines
            .iter()
            .map(|(line_no, q)| pb::ReceiveLine {
                line_no: *line_no,
                quantity: dec(q),
            })
            .collect(),
        received_on: date(2025, 3, 5),
        user_name: "magasinier".into(),
        note: String::new(),
        request_id: request_id.into(),
    }
}

async fn movements_of(stock: &mut Stock, po: &str) -> Vec<stock::Movement> {
    stock
        .list_movements(stock::ListMovementsRequest {
            filter: format!("reference = \"{po}\""),
            ..Default::default()
        })
        .await
        .expect("movements")
        .into_inner()
        .movements
}

async fn receipts_of(client: &mut Client, po: &str) -> Vec<pb::Receipt> {
    client
        .list_receipts(pb::ListReceiptsRequest {
            filter: format!("po_number = \"{po}\""),
            ..Default::default()
        })
        .await
        .expect("receipts")
        .into_inner()
        .receipts
}

async fn order(client: &mut Client, po: &str) -> pb::PurchaseOrder {
    client
        .get_purchase_order(pb::GetPurchaseOrderRequest {
            po_number: po.into(),
        })
        .await
        .expect("order")
        .into_inner()
}

async fn confirmed_order(s: &mut Services, po: &str) {
    create_order(
        &mut s.client,
        po,
        vec![
            line(1, "MP-00001", "10", "2"),
            line(2, "MP-00002", "5", "3"),
        ],
    )
    .await;
    confirm(&mut s.client, po).await;
}

async fn receipts_raise_stock_once_per_request(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    seed(&mut s).await;
    confirmed_order(&mut s, "BC25-0001").await;

    let request = receive("BC25-0001", &[(1, "4")], "rcv-1");
    let first = s
        .client
        .receive_purchase_order(request.clone())
        .await
        .expect("receive")
        .into_inner();
    let receipt = first.receipt.expect("receipt");
    assert_eq!(receipt.lines.len(), 1);
    assert_eq!(receipt.lines[0].article_code, "MP-00001");
    assert!(!receipt.lines[0].movement_id.is_empty());
    let after = first.purchase_order.expect("order");
    assert_eq!(value(after.lines[0].received_quantity.as_ref()), "4");
    assert_eq!(after.lines[0].last_receipt_date, date(2025, 3, 5));
    assert_eq!(
        after.receipt_status,
        pb::ReceiptStatus::PartiallyReceived as i32
    );
    assert_eq!(on_hand(&mut s.stock, "MP-00001").await, "4");

    // The same request again: the same receipt, and stock posted once.
    let retry = s
        .client
        .receive_purchase_order(request)
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(retry.receipt.expect("receipt").id, receipt.id);
    assert_eq!(on_hand(&mut s.stock, "MP-00001").await, "4");
    let movements = movements_of(&mut s.stock, "BC25-0001").await;
    assert_eq!(movements.len(), 1);
    assert_eq!(movements[0].id, receipt.lines[0].movement_id);
    assert_eq!(movements[0].kind, stock::MovementKind::Receipt as i32);
    assert_eq!(movements[0].user_name, "magasinier");
    assert_eq!(receipts_of(&mut s.client, "BC25-0001").await.len(), 1);
    assert_eq!(
        value(
            order(&mut s.client, "BC25-0001").await.lines[0]
                .received_quantity
                .as_ref()
        ),
        "4"
    );

    // Suppliers deliver a little more: line 1 takes 7 for the 6 left.
    let rest = s
        .client
        .receive_purchase_order(receive("BC25-0001", &[(2, "5"), (1, "7")], ""))
        .await
        .expect("rest")
        .into_inner();
    let after = rest.purchase_order.expect("order");
    assert_eq!(after.receipt_status, pb::ReceiptStatus::Received as i32);
    assert_eq!(value(after.lines[0].received_quantity.as_ref()), "11");
    assert_eq!(on_hand(&mut s.stock, "MP-00001").await, "11");
    assert_eq!(on_hand(&mut s.stock, "MP-00002").await, "5");
    let got = s
        .client
        .get_receipt(pb::GetReceiptRequest {
            id: rest.receipt.expect("receipt").id,
        })
        .await
        .expect("get receipt")
        .into_inner();
    let numbers: Vec<i32> = got.lines.iter().map(|l| l.line_no).collect();
    assert_eq!(numbers, [1, 2]);
    let listed = s
        .client
        .list_receipts(pb::ListReceiptsRequest {
            page_size: 1,
            filter: "location_code = A01-01-1".into(),
            order_by: "create_time desc".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.receipts[0].id, got.id);
    assert!(!listed.next_page_token.is_empty());

    // Closed: nothing more is received, and stock is not told.
    s.client
        .close_purchase_order(pb::ClosePurchaseOrderRequest {
            po_number: "BC25-0001".into(),
            etag: String::new(),
        })
        .await
        .expect("close");
    let closed = s
        .client
        .receive_purchase_order(receive("BC25-0001", &[(1, "1")], ""))
        .await
        .expect_err("closed");
    assert_eq!(closed.code(), Code::FailedPrecondition);
    assert_eq!(reason(&closed), "REFUSED");
    assert_eq!(movements_of(&mut s.stock, "BC25-0001").await.len(), 3);
}

async fn receipts_the_order_or_stock_refuses_leave_nothing(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    seed(&mut s).await;
    create_order(
        &mut s.client,
        "BC25-0001",
        vec![line(1, "MP-00001", "10", "2")],
    )
    .await;
    let draft = s
        .client
        .receive_purchase_order(receive("BC25-0001", &[(1, "1")], ""))
        .await
        .expect_err("draft orders receive nothing");
    assert_eq!(draft.code(), Code::FailedPrecondition);
    assert_eq!(reason(&draft), "REFUSED");
    confirm(&mut s.client, "BC25-0001").await;
    for (lines, code) in [
        (vec![(3, "1")], Code::InvalidArgument),
        (vec![(1, "1"), (1, "2")], Code::InvalidArgument),
        (vec![(1, "-1")], Code::InvalidArgument),
        (vec![], Code::InvalidArgument),
    ] {
        let e = s
            .client
            .receive_purchase_order(receive("BC25-0001", &lines, ""))
            .await
            .expect_err("bad lines");
        assert_eq!(e.code(), code, "{lines:?}");
    }
    let mut nowhere = receive("BC25-0001", &[(1, "1")], "");
    nowhere.location_code = "Z99-99-9".into();
    let e = s
        .client
        .receive_purchase_order(nowhere)
        .await
        .expect_err("unknown location");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert_eq!(reason(&e), "STOCK_REFUSED");
    assert_eq!(metadata(&e, "stock_reason"), "NOT_FOUND");
    assert!(e.message().contains("Z99-99-9"), "{}", e.message());

    // Line 2's article is unknown to stock: line 1, posted first, is reversed.
    create_order(
        &mut s.client,
        "BC25-0002",
        vec![
            line(1, "MP-00001", "10", "2"),
            line(2, "MP-09999", "5", "3"),
        ],
    )
    .await;
    confirm(&mut s.client, "BC25-0002").await;
    let e = s
        .client
        .receive_purchase_order(receive("BC25-0002", &[(1, "4"), (2, "5")], "rcv-2"))
        .await
        .expect_err("unknown article");
    assert_eq!(reason(&e), "STOCK_REFUSED");
    assert_eq!(metadata(&e, "line_no"), "2");
    assert_eq!(on_hand(&mut s.stock, "MP-00001").await, "0");
    let movements = movements_of(&mut s.stock, "BC25-0002").await;
    assert_eq!(movements.len(), 2, "the receipt and its reversal");
    assert!(movements.iter().any(|m| !m.reverses.is_empty()));
    assert!(receipts_of(&mut s.client, "BC25-0002").await.is_empty());
    let unchanged = order(&mut s.client, "BC25-0002").await;
    assert_eq!(value(unchanged.lines[0].received_quantity.as_ref()), "0");
    assert_eq!(on_hand(&mut s.stock, "MP-00001").await, "0");
    assert!(receipts_of(&mut s.client, "BC25-0001").await.is_empty());
}

async fn receipts_while_stock_is_down_are_unavailable_and_record_nothing(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    seed(&mut s).await;
    confirmed_order(&mut s, "BC25-0001").await;
    // A port that nothing listens on: stock is down.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        listener.local_addr().expect("address")
    };
    let (_down, mut cut_off) = fournisseurs_server(&db, &format!("http://{closed}")).await;
    let request = receive("BC25-0001", &[(1, "4")], "rcv-down");
    let e = cut_off
        .receive_purchase_order(request.clone())
        .await
        .expect_err("stock is down");
    assert_eq!(e.code(), Code::Unavailable);
    assert_eq!(reason(&e), "UNAVAILABLE");
    assert!(!e.message().contains(&closed.to_string()), "no internals");
    assert!(receipts_of(&mut s.client, "BC25-0001").await.is_empty());
    let order = order(&mut s.client, "BC25-0001").await;
    assert_eq!(value(order.lines[0].received_quantity.as_ref()), "0");
    assert!(movements_of(&mut s.stock, "BC25-0001").await.is_empty());
    // Once stock is back, the same request goes through, once.
    s.client
        .receive_purchase_order(request.clone())
        .await
        .expect("stock is back");
    s.client
        .receive_purchase_order(request)
        .await
        .expect("retry");
    assert_eq!(on_hand(&mut s.stock, "MP-00001").await, "4");
    assert_eq!(receipts_of(&mut s.client, "BC25-0001").await.len(), 1);
}

bascule_platform::backend_tests!(
    receipts_raise_stock_once_per_request,
    receipts_the_order_or_stock_refuses_leave_nothing,
    receipts_while_stock_is_down_are_unavailable_and_record_nothing,
);
