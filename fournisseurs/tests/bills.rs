//! The fournisseurs repository for supplier bills and their payments, run on SQLite,
//! PostgreSQL and (when configured) Oracle.

mod common;

use bascule_fournisseurs::domain::{
    BillState, FournisseursError, Payment, PaymentMethod, PaymentStatus, SupplierBill,
};
use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;
use chrono::NaiveDate;

use common::{day, dec, order, seeded};

fn bill(invoice: &str, due: NaiveDate, excl: &str, tax: &str) -> SupplierBill {
    SupplierBill::new("F00012", invoice, day(2025, 3, 1), due, dec(excl), dec(tax)).expect("bill")
}

async fn bills_payments_and_overdue(db: Db) {
    let s = seeded(db).await;
    order(&s, "BC25-0030", "F00012").await;
    order(&s, "BC25-0031", "F00013").await;
    let mut b = bill("FA-2025/001", day(2025, 3, 31), "100", "20");
    b.po_number = Some("BC25-0030".into());
    let created = s.create_bill(b.clone()).await.expect("bill");
    assert_eq!(created.value.amount_incl_tax, dec("120"));
    assert!(matches!(
        s.create_bill(b.clone()).await,
        Err(FournisseursError::AlreadyExists { .. })
    ));
    let mut wrong_order = bill("FA-2025/002", day(2025, 3, 31), "1", "0");
    wrong_order.po_number = Some("BC25-0031".into());
    assert!(matches!(
        s.create_bill(wrong_order).await,
        Err(FournisseursError::Invalid {
            field: "po_number",
            ..
        })
    ));
    let found = s.find_bill("F00012", "FA-2025/001").await.expect("find");
    assert_eq!(found.bill, created);
    assert_eq!(found.payment_status(), PaymentStatus::NotPaid);
    let posted = s
        .change_bill_state(&created.id, created.revision, BillState::Posted)
        .await
        .expect("post");
    assert!(matches!(
        s.change_bill_state(&created.id, posted.revision, BillState::Draft)
            .await,
        Err(FournisseursError::Transition { .. })
    ));

    let pay = |amount: &str| {
        Payment::new(
            &created.id,
            day(2025, 3, 20),
            dec(amount),
            PaymentMethod::Transfer,
        )
        .expect("payment")
    };
    s.record_payment(pay("20.5")).await.expect("partial");
    let partial = s.get_bill(&created.id).await.expect("get");
    assert_eq!(partial.payment_status(), PaymentStatus::PartiallyPaid);
    assert_eq!(partial.outstanding(), dec("99.5"));
    assert!(matches!(
        s.record_payment(pay("99.500001")).await,
        Err(FournisseursError::Overpayment { .. })
    ));

    // Overdue as of April: the partly paid bill and a late one; not the paid, the
    // cancelled nor the one due later.
    let late = s
        .create_bill(bill("FA-2025/003", day(2025, 3, 15), "10", "2"))
        .await
        .expect("late");
    let cancelled = s
        .create_bill(bill("FA-2025/004", day(2025, 3, 15), "10", "2"))
        .await
        .expect("cancelled");
    s.change_bill_state(&cancelled.id, cancelled.revision, BillState::Cancelled)
        .await
        .expect("cancel");
    assert!(matches!(
        s.record_payment(
            Payment::new(
                &cancelled.id,
                day(2025, 3, 20),
                dec("1"),
                PaymentMethod::Cheque
            )
            .expect("p")
        )
        .await,
        Err(FournisseursError::Refused { .. })
    ));
    s.create_bill(bill("FA-2025/005", day(2025, 5, 31), "10", "2"))
        .await
        .expect("later");
    let paid = s
        .create_bill(bill("FA-2025/006", day(2025, 3, 15), "10", "2"))
        .await
        .expect("paid");
    s.record_payment(
        Payment::new(&paid.id, day(2025, 3, 10), dec("12"), PaymentMethod::Card).expect("p"),
    )
    .await
    .expect("full");
    assert_eq!(
        s.get_bill(&paid.id).await.expect("get").payment_status(),
        PaymentStatus::Paid
    );
    let overdue = s
        .list_overdue_bills(day(2025, 4, 1))
        .await
        .expect("overdue");
    let ids: Vec<&str> = overdue.iter().map(|b| b.bill.id.as_str()).collect();
    assert_eq!(ids, vec![late.id.as_str(), created.id.as_str()]);
    assert_eq!(overdue[1].paid(), dec("20.5"));
    assert!(
        s.list_overdue_bills(day(2025, 3, 15))
            .await
            .expect("none")
            .is_empty()
    );

    s.record_payment(pay("99.5")).await.expect("rest");
    let full = s.get_bill(&created.id).await.expect("get");
    assert_eq!(full.payment_status(), PaymentStatus::Paid);
    assert_eq!(
        s.list_payments(&created.id).await.expect("payments").len(),
        2
    );
    assert!(matches!(
        s.change_bill_state(&created.id, full.bill.revision, BillState::Cancelled)
            .await,
        Err(FournisseursError::Refused { .. })
    ));
    let overdue = s
        .list_overdue_bills(day(2025, 4, 1))
        .await
        .expect("overdue");
    assert_eq!(overdue.len(), 1);
    let listed = s
        .list_bills(Some("F00012"), &PageRequest::default())
        .await
        .expect("list");
    assert_eq!(listed.items.len(), 5);
}

async fn concurrent_payments_never_overpay(db: Db) {
    let s = seeded(db).await;
    let b = s
        .create_bill(bill("FA-2025/100", day(2025, 3, 31), "100", "0"))
        .await
        .expect("bill");
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let s = s.clone();
            let p = Payment::new(&b.id, day(2025, 3, 20), dec("40"), PaymentMethod::Transfer)
                .expect("payment");
            tokio::spawn(async move { s.record_payment(p).await })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        match t.await.expect("join") {
            Ok(_) => accepted += 1,
            Err(FournisseursError::Overpayment { .. }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(accepted, 2);
    assert_eq!(s.get_bill(&b.id).await.expect("get").paid(), dec("80"));
}

bascule_platform::backend_tests!(
    bills_payments_and_overdue,
    concurrent_payments_never_overpay,
);
