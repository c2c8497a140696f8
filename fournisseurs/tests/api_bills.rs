//! Supplier bills and payments through the real gRPC stack, on SQLite and PostgreSQL:
//! payment status as payments come in, no overpayment, edits while DRAFT, the bill
//! state changes, and overdue bills listed as of a date, page by page.

mod api_support;

use std::collections::HashSet;

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::fournisseurs::v1 as pb;
use chrono::{Datelike, Days, Local};
use pb::bill::State;
use tonic::Code;

use api_support::{
    Client, create_order, date, dec, line, mask, metadata, reason, seed, start, value,
};

fn bill(invoice: &str, invoice_date: Option<pb::Date>, due: Option<pb::Date>) -> pb::Bill {
    pb::Bill {
        supplier_code: "F00012".into(),
        invoice_number: invoice.into(),
        invoice_date,
        due_date: due,
        amount_excl_tax: dec("100"),
        tax_amount: dec("20"),
        ..Default::default()
    }
}

async fn create_bill(client: &mut Client, b: pb::Bill) -> pb::Bill {
    client
        .create_bill(pb::CreateBillRequest {
            bill: Some(b),
            request_id: String::new(),
        })
        .await
        .expect("create bill")
        .into_inner()
}

async fn pay(
    client: &mut Client,
    bill_id: &str,
    amount: &str,
    request_id: &str,
) -> Result<pb::Payment, tonic::Status> {
    client
        .record_payment(pb::RecordPaymentRequest {
            payment: Some(pb::Payment {
                bill_id: bill_id.into(),
                paid_on: date(2025, 3, 20),
                amount: dec(amount),
                method: pb::PaymentMethod::Transfer as i32,
                reference: "VIR-0001".into(),
                ..Default::default()
            }),
            request_id: request_id.into(),
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn get(client: &mut Client, id: &str) -> pb::Bill {
    client
        .get_bill(pb::GetBillRequest { id: id.into() })
        .await
        .expect("get bill")
        .into_inner()
}

async fn bills_follow_their_payments(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    seed(&mut s).await;
    create_order(
        &mut s.client,
        "BC25-0001",
        vec![line(1, "MP-00001", "10", "10")],
    )
    .await;
    let created = create_bill(
        &mut s.client,
        pb::Bill {
            po_number: "BC25-0001".into(),
            ..bill("FA-2025/001", date(2025, 3, 1), None)
        },
    )
    .await;
    assert_eq!(
        created.due_date,
        date(2025, 3, 31),
        "the supplier's 30 days"
    );
    assert_eq!(value(created.amount_incl_tax.as_ref()), "120");
    assert_eq!(created.state, State::Draft as i32);
    assert_eq!(created.payment_status, pb::PaymentStatus::NotPaid as i32);

    // A draft is corrected; the amount including tax follows.
    let mut change = created.clone();
    change.tax_amount = dec("19.6");
    change.invoice_number = "FA-2025/001-B".into();
    let corrected = s
        .client
        .update_bill(pb::UpdateBillRequest {
            bill: Some(change.clone()),
            update_mask: mask(&["tax_amount"]),
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(value(corrected.amount_incl_tax.as_ref()), "119.6");
    assert_eq!(corrected.invoice_number, "FA-2025/001");
    let stale = s
        .client
        .update_bill(pb::UpdateBillRequest {
            bill: Some(change.clone()),
            update_mask: mask(&["invoice_number"]),
        })
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Code::Aborted);

    let payment = pay(&mut s.client, &created.id, "19.6", "pay-1")
        .await
        .expect("pay");
    let again = pay(&mut s.client, &created.id, "19.6", "pay-1")
        .await
        .expect("retry");
    assert_eq!(payment, again);
    let partly = get(&mut s.client, &created.id).await;
    assert_eq!(
        partly.payment_status,
        pb::PaymentStatus::PartiallyPaid as i32
    );
    assert_eq!(value(partly.paid_amount.as_ref()), "19.6");
    assert_eq!(value(partly.outstanding_amount.as_ref()), "100");

    let over = pay(&mut s.client, &created.id, "100.01", "")
        .await
        .expect_err("overpayment");
    assert_eq!(over.code(), Code::FailedPrecondition);
    assert_eq!(reason(&over), "OVERPAYMENT");
    assert_eq!(metadata(&over, "outstanding"), "100");

    let posted = s
        .client
        .post_bill(pb::PostBillRequest {
            id: created.id.clone(),
            etag: partly.etag.clone(),
        })
        .await
        .expect("post")
        .into_inner();
    assert_eq!(posted.state, State::Posted as i32);
    let again = s
        .client
        .post_bill(pb::PostBillRequest {
            id: created.id.clone(),
            etag: String::new(),
        })
        .await
        .expect_err("posted once");
    assert_eq!(reason(&again), "INVALID_TRANSITION");
    let locked = s
        .client
        .update_bill(pb::UpdateBillRequest {
            bill: Some(pb::Bill {
                etag: String::new(),
                ..change
            }),
            update_mask: mask(&["due_date"]),
        })
        .await
        .expect_err("posted bills are not edited");
    assert_eq!(reason(&locked), "NOT_EDITABLE");
    let cancel = s
        .client
        .cancel_bill(pb::CancelBillRequest {
            id: created.id.clone(),
            etag: String::new(),
        })
        .await
        .expect_err("a paid bill is not cancelled");
    assert_eq!(reason(&cancel), "REFUSED");

    pay(&mut s.client, &created.id, "100", "")
        .await
        .expect("rest");
    let paid = get(&mut s.client, &created.id).await;
    assert_eq!(paid.payment_status, pb::PaymentStatus::Paid as i32);
    assert_eq!(value(paid.outstanding_amount.as_ref()), "0");
    let payments = s
        .client
        .list_payments(pb::ListPaymentsRequest {
            filter: format!("bill_id = \"{}\"", created.id),
            order_by: "create_time desc".into(),
            ..Default::default()
        })
        .await
        .expect("payments")
        .into_inner()
        .payments;
    let amounts: Vec<&str> = payments.iter().map(|p| value(p.amount.as_ref())).collect();
    assert_eq!(amounts, ["100", "19.6"]);
    let got = s
        .client
        .get_payment(pb::GetPaymentRequest {
            id: payment.id.clone(),
        })
        .await
        .expect("get payment")
        .into_inner();
    assert_eq!(got, payment);

    // Another bill: cancelled without payments, then neither paid nor edited.
    let other = create_bill(
        &mut s.client,
        bill("FA-2025/002", date(2025, 3, 1), date(2025, 4, 30)),
    )
    .await;
    let cancelled = s
        .client
        .cancel_bill(pb::CancelBillRequest {
            id: other.id.clone(),
            etag: other.etag.clone(),
        })
        .await
        .expect("cancel")
        .into_inner();
    assert_eq!(cancelled.state, State::Cancelled as i32);
    let refused = pay(&mut s.client, &other.id, "1", "")
        .await
        .expect_err("cancelled");
    assert_eq!(reason(&refused), "REFUSED");

    for (b, code) in [
        (
            bill("FA-2025/001", date(2025, 3, 1), None),
            Code::AlreadyExists,
        ),
        (
            pb::Bill {
                supplier_code: "F99999".into(),
                ..bill("FA-9", date(2025, 3, 1), date(2025, 3, 2))
            },
            Code::NotFound,
        ),
        (
            bill("FA-10", date(2025, 3, 1), date(2025, 2, 1)),
            Code::InvalidArgument,
        ),
        (bill("FA-11", None, date(2025, 2, 1)), Code::InvalidArgument),
        (
            bill("FA-12", date(2025, 2, 30), None),
            Code::InvalidArgument,
        ),
    ] {
        let e = s
            .client
            .create_bill(pb::CreateBillRequest {
                bill: Some(b.clone()),
                request_id: String::new(),
            })
            .await
            .expect_err(&b.invoice_number);
        assert_eq!(e.code(), code, "{}", b.invoice_number);
    }
    let listed = s
        .client
        .list_bills(pb::ListBillsRequest {
            filter: "state = POSTED supplier_code = F00012".into(),
            ..Default::default()
        })
        .await
        .expect("list bills")
        .into_inner()
        .bills;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].payment_status, pb::PaymentStatus::Paid as i32);
}

fn pb_date(d: chrono::NaiveDate) -> Option<pb::Date> {
    date(d.year(), d.month() as i32, d.day() as i32)
}

async fn overdue_bills_are_listed_as_of_a_date(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    seed(&mut s).await;
    // 20 bills due on 2025-03-01 + i days; every third is paid in full, every fifth in part,
    // bill 7 cancelled.
    let mut expected = Vec::new();
    for i in 0..20u64 {
        let due = chrono::NaiveDate::from_ymd_opt(2025, 3, 1)
            .and_then(|d| d.checked_add_days(Days::new(i)))
            .expect("date");
        let b = create_bill(
            &mut s.client,
            bill(&format!("FA-{i:03}"), date(2025, 2, 1), pb_date(due)),
        )
        .await;
        if i % 3 == 0 {
            pay(&mut s.client, &b.id, "120", "").await.expect("paid");
        } else if i == 7 {
            s.client
                .cancel_bill(pb::CancelBillRequest {
                    id: b.id.clone(),
                    etag: String::new(),
                })
                .await
                .expect("cancel");
        } else {
            if i % 5 == 0 {
                pay(&mut s.client, &b.id, "20", "").await.expect("part");
            }
            // Due before 2025-03-15: overdue on that day.
            if i < 14 {
                expected.push(b.invoice_number.clone());
            }
        }
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = s
            .client
            .list_overdue_bills(pb::ListOverdueBillsRequest {
                as_of: date(2025, 3, 15),
                page_size: 3,
                page_token: token,
                ..Default::default()
            })
            .await
            .expect("overdue")
            .into_inner();
        assert!(page.bills.len() <= 3);
        if !page.next_page_token.is_empty() {
            assert_eq!(page.bills.len(), 3, "pages are full while more follow");
        }
        for b in &page.bills {
            assert_ne!(b.payment_status, pb::PaymentStatus::Paid as i32);
        }
        seen.extend(page.bills.into_iter().map(|b| b.invoice_number));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(seen, expected, "by due date, no gaps, no repeats");
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());

    let filtered = s
        .client
        .list_overdue_bills(pb::ListOverdueBillsRequest {
            as_of: date(2025, 3, 15),
            filter: r#"invoice_number = "FA-01*""#.into(),
            order_by: "due_date desc".into(),
            ..Default::default()
        })
        .await
        .expect("filtered")
        .into_inner();
    let numbers: Vec<&str> = filtered
        .bills
        .iter()
        .map(|b| b.invoice_number.as_str())
        .collect();
    assert_eq!(numbers, ["FA-013", "FA-011", "FA-010"]);

    // Without a date, as of today: every unpaid bill of 2025 is overdue by now, and a
    // bill due next week is not.
    let next_week = Local::now().date_naive() + Days::new(7);
    create_bill(
        &mut s.client,
        bill("FA-LATER", date(2025, 2, 1), pb_date(next_week)),
    )
    .await;
    let today = s
        .client
        .list_overdue_bills(pb::ListOverdueBillsRequest::default())
        .await
        .expect("today")
        .into_inner();
    let today: Vec<String> = today.bills.into_iter().map(|b| b.invoice_number).collect();
    assert!(!today.contains(&"FA-LATER".to_owned()));
    assert_eq!(today.len(), 20 - 7 - 1);
    for filter in ["paid = true", "amount_incl_tax > 100"] {
        let bad = s
            .client
            .list_overdue_bills(pb::ListOverdueBillsRequest {
                filter: filter.into(),
                ..Default::default()
            })
            .await
            .expect_err("unknown field");
        assert_eq!(bad.code(), Code::InvalidArgument, "{filter}");
    }
}

bascule_platform::backend_tests!(
    bills_follow_their_payments,
    overdue_bills_are_listed_as_of_a_date,
);
