//! Progress entries through gRPC: reported only while IN_PROGRESS, idempotent with a
//! request id, listed in pages with the order's totals.

use super::*;

async fn progress_is_reported_while_in_progress(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    let c = &mut env.client;
    create_order(c, order("OF25-0001", "PF-00001", "100.5")).await;
    let entry = |good: &str, scrap: &str, operator: &str| pb::ProgressEntry {
        good_quantity: dec(good),
        scrap_quantity: dec(scrap),
        operator: operator.into(),
        work_station: "Presse 3".into(),
        note: "Équipe de nuit ☕".into(),
        ..Default::default()
    };
    let report = |e: pb::ProgressEntry, request_id: &str| pb::CreateProgressEntryRequest {
        mo_number: "OF25-0001".into(),
        progress_entry: Some(e),
        request_id: request_id.into(),
    };
    let e = c
        .create_progress_entry(report(entry("1", "0", "JDU"), ""))
        .await;
    refused(e, Code::FailedPrecondition, "WRONG_STATE");
    c.confirm_manufacturing_order(by_number("OF25-0001"))
        .await
        .expect("confirm");
    c.start_manufacturing_order(by_number("OF25-0001"))
        .await
        .expect("start");
    let first = c
        .create_progress_entry(report(entry("10.25", "0.5", "jdu"), "pe-1"))
        .await
        .expect("entry")
        .into_inner();
    assert_eq!(first.operator, "JDU");
    let retry = c
        .create_progress_entry(report(entry("10.25", "0.5", "jdu"), "pe-1"))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(first, retry);
    c.create_progress_entry(report(entry("33.333333", "0", "ABR"), ""))
        .await
        .expect("entry");
    c.create_progress_entry(report(entry("0", "0.2", "JDU"), ""))
        .await
        .expect("scrap only");
    let e = c
        .create_progress_entry(report(entry("0", "0", "JDU"), ""))
        .await;
    refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    let list = |filter: &str, token: String| pb::ListProgressEntriesRequest {
        mo_number: "OF25-0001".into(),
        page_size: 2,
        page_token: token,
        filter: filter.into(),
        order_by: "entry_time".into(),
    };
    let page = c
        .list_progress_entries(list("operator = JDU", String::new()))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(page.progress_entries.len(), 2);
    assert_eq!(page.progress_entries[0], first);
    assert!(page.next_page_token.is_empty());
    assert_eq!(page.total_good_quantity, dec("43.583333"));
    assert_eq!(page.total_scrap_quantity, dec("0.7"));
    assert_eq!(page.remaining_quantity, dec("56.916667"));
    let page = c
        .list_progress_entries(list("", String::new()))
        .await
        .expect("list")
        .into_inner();
    let rest = c
        .list_progress_entries(list("", page.next_page_token))
        .await
        .expect("next page")
        .into_inner();
    assert_eq!(page.progress_entries.len() + rest.progress_entries.len(), 3);
    let e = c
        .list_progress_entries(pb::ListProgressEntriesRequest {
            mo_number: "OF25-9999".into(),
            ..Default::default()
        })
        .await;
    refused(e, Code::NotFound, "NOT_FOUND");
}

bascule_platform::backend_tests!(progress_is_reported_while_in_progress);
