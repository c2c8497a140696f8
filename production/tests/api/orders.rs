//! Bills of materials and manufacturing orders through gRPC: the order state machine
//! transition by transition, updates of drafts, idempotent creates and lists.

use super::*;

async fn boms_are_created_read_and_listed(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    let c = &mut env.client;
    let created = create_bom(c, "10").await;
    let numbers: Vec<i64> = created.lines.iter().map(|l| l.line_no).collect();
    assert_eq!(numbers, [10, 20]);
    let got = c
        .get_bill_of_materials(pb::GetBillOfMaterialsRequest {
            article_code: "PF-00001".into(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got, created);
    let e = c
        .create_bill_of_materials(pb::CreateBillOfMaterialsRequest {
            bill_of_materials: Some(got.clone()),
            request_id: String::new(),
        })
        .await;
    refused(e, Code::AlreadyExists, "ALREADY_EXISTS");
    let request = |article: &str, request_id: &str| pb::CreateBillOfMaterialsRequest {
        bill_of_materials: Some(pb::BillOfMaterials {
            article_code: article.into(),
            ..got.clone()
        }),
        request_id: request_id.into(),
    };
    let first = c
        .create_bill_of_materials(request("PF-00002", "bom-2"))
        .await
        .expect("create")
        .into_inner();
    let again = c
        .create_bill_of_materials(request("PF-00002", "bom-2"))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(first, again);
    let mut empty = request("PF-00003", "");
    if let Some(b) = empty.bill_of_materials.as_mut() {
        b.lines.clear();
    }
    let e = c.create_bill_of_materials(empty).await;
    refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    let e = c
        .get_bill_of_materials(pb::GetBillOfMaterialsRequest {
            article_code: "PF-09999".into(),
        })
        .await;
    refused(e, Code::NotFound, "NOT_FOUND");
    let listed = c
        .list_bills_of_materials(pb::ListBillsOfMaterialsRequest {
            page_size: 1,
            filter: "batch_quantity = 10".into(),
            order_by: "article_code desc".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.bills_of_materials.len(), 1);
    assert_eq!(listed.bills_of_materials[0].article_code, "PF-00002");
    assert_eq!(listed.bills_of_materials[0].lines.len(), 2);
    let rest = c
        .list_bills_of_materials(pb::ListBillsOfMaterialsRequest {
            page_size: 1,
            page_token: listed.next_page_token,
            filter: "batch_quantity = 10".into(),
            order_by: "article_code desc".into(),
        })
        .await
        .expect("next page")
        .into_inner();
    assert_eq!(rest.bills_of_materials[0], created);
    assert!(rest.next_page_token.is_empty());
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Method {
    Confirm,
    Start,
    Complete,
    Close,
    Cancel,
}

async fn call(
    c: &mut Client,
    m: Method,
    mo_number: &str,
) -> Result<tonic::Response<pb::ManufacturingOrder>, tonic::Status> {
    let r = by_number(mo_number);
    match m {
        Method::Confirm => c.confirm_manufacturing_order(r).await,
        Method::Start => c.start_manufacturing_order(r).await,
        Method::Complete => {
            c.complete_manufacturing_order(complete_request(mo_number, None))
                .await
        }
        Method::Close => c.close_manufacturing_order(r).await,
        Method::Cancel => c.cancel_manufacturing_order(r).await,
    }
}

async fn the_order_state_machine_allows_exactly_its_transitions(db: Db) {
    use pb::ManufacturingOrderState::{Cancelled, Closed, Confirmed, Done, Draft, InProgress};
    let mut env = start(&db, DomainState::Live).await;
    seed_stock(
        &mut env.stock,
        &[("MP-00001", "1000"), ("CO-00001", "1000")],
    )
    .await;
    let c = &mut env.client;
    create_bom(c, "1").await;
    let methods = [
        (Method::Confirm, Confirmed),
        (Method::Start, InProgress),
        (Method::Complete, Done),
        (Method::Close, Closed),
        (Method::Cancel, Cancelled),
    ];
    let allowed = [
        (Draft, Confirmed),
        (Confirmed, InProgress),
        (InProgress, Done),
        (Done, Closed),
        (Draft, Cancelled),
        (Confirmed, Cancelled),
        (InProgress, Cancelled),
    ];
    let paths: [(pb::ManufacturingOrderState, &[Method]); 6] = [
        (Draft, &[]),
        (Confirmed, &[Method::Confirm]),
        (InProgress, &[Method::Confirm, Method::Start]),
        (Done, &[Method::Confirm, Method::Start, Method::Complete]),
        (
            Closed,
            &[
                Method::Confirm,
                Method::Start,
                Method::Complete,
                Method::Close,
            ],
        ),
        (Cancelled, &[Method::Cancel]),
    ];
    let mut completed = 0;
    for (i, (from, path)) in paths.into_iter().enumerate() {
        for (j, (method, to)) in methods.into_iter().enumerate() {
            let number = format!("OF25-{i}{j}");
            create_order(c, order(&number, "PF-00001", "1")).await;
            for step in path {
                call(c, *step, &number).await.expect("path");
                completed += usize::from(*step == Method::Complete);
            }
            let result = call(c, method, &number).await;
            if allowed.contains(&(from, to)) {
                let o = result.expect("allowed").into_inner();
                assert_eq!(o.state, i32::from(to), "{from:?} -> {to:?}");
                completed += usize::from(method == Method::Complete);
            } else {
                let e = refused(result, Code::FailedPrecondition, "INVALID_TRANSITION");
                assert_eq!(metadata(&e, "from"), from.as_str_name());
                assert_eq!(metadata(&e, "to"), to.as_str_name());
                let o = c
                    .get_manufacturing_order(pb::GetManufacturingOrderRequest {
                        mo_number: number.clone(),
                    })
                    .await
                    .expect("get")
                    .into_inner();
                assert_eq!(o.state, i32::from(from), "a refused change changes nothing");
            }
        }
    }
    // Only the completions that were allowed moved stock: 2.5 and 4 per order.
    let s = &mut env.stock;
    assert_eq!(
        on_hand(s, "PF-00001", "B02-03-2").await,
        completed.to_string()
    );
    let used = rust_decimal::Decimal::from(completed) * rust_decimal::Decimal::new(25, 1);
    assert_eq!(
        on_hand(s, "MP-00001", "A01-01-1").await,
        (rust_decimal::Decimal::from(1000) - used)
            .normalize()
            .to_string()
    );
}

async fn drafts_are_updated_with_etags_and_orders_listed(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    let c = &mut env.client;
    for code in ["MOU0012", "GAB003", "MOU0099"] {
        create_tool(c, tool(code)).await;
    }
    c.scrap_tool(pb::ChangeToolStateRequest {
        code: "MOU0099".into(),
        etag: String::new(),
    })
    .await
    .expect("scrap");
    let mut o = order("OF25-0001", "PF-00001", "500");
    o.tool_codes = vec!["MOU0012".into()];
    o.state = pb::ManufacturingOrderState::Done.into();
    let request = pb::CreateManufacturingOrderRequest {
        manufacturing_order: Some(o.clone()),
        request_id: "of-1".into(),
    };
    let created = c
        .create_manufacturing_order(request.clone())
        .await
        .expect("create")
        .into_inner();
    assert_eq!(created.state, i32::from(pb::ManufacturingOrderState::Draft));
    let again = c
        .create_manufacturing_order(request)
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(created, again);
    let mut bad = o.clone();
    bad.mo_number = "OF25-0002".into();
    bad.tool_codes = vec!["MOU0099".into()];
    let e = c
        .create_manufacturing_order(pb::CreateManufacturingOrderRequest {
            manufacturing_order: Some(bad.clone()),
            request_id: String::new(),
        })
        .await;
    refused(e, Code::FailedPrecondition, "WRONG_STATE");
    bad.tool_codes = vec!["MOU7777".into()];
    bad.planned_end_date = date(2025, 6, 1);
    let e = c
        .create_manufacturing_order(pb::CreateManufacturingOrderRequest {
            manufacturing_order: Some(bad),
            request_id: String::new(),
        })
        .await;
    let e = refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    let details = e.get_error_details();
    assert_eq!(
        details.bad_request().expect("violations").field_violations[0].field,
        "planned_end_date"
    );

    let mask = |paths: &[&str]| {
        Some(prost_types::FieldMask {
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
        })
    };
    let mut change = created.clone();
    change.quantity = dec("750.5");
    change.tool_codes = vec!["MOU0012".into(), "GAB003".into()];
    change.note = "ignored".into();
    let updated = c
        .update_manufacturing_order(pb::UpdateManufacturingOrderRequest {
            manufacturing_order: Some(change.clone()),
            update_mask: mask(&["quantity", "tool_codes"]),
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.quantity, dec("750.5"));
    assert_eq!(updated.tool_codes, ["GAB003", "MOU0012"]);
    assert_eq!(updated.note, "");
    let stale = c
        .update_manufacturing_order(pb::UpdateManufacturingOrderRequest {
            manufacturing_order: Some(change.clone()),
            update_mask: mask(&["note"]),
        })
        .await;
    refused(stale, Code::Aborted, "STALE_ETAG");
    let e = c
        .update_manufacturing_order(pb::UpdateManufacturingOrderRequest {
            manufacturing_order: Some(updated.clone()),
            update_mask: mask(&["state"]),
        })
        .await;
    refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    let stale = c
        .confirm_manufacturing_order(pb::ChangeManufacturingOrderStateRequest {
            mo_number: "OF25-0001".into(),
            etag: created.etag.clone(),
        })
        .await;
    refused(stale, Code::Aborted, "STALE_ETAG");
    let confirmed = c
        .confirm_manufacturing_order(pb::ChangeManufacturingOrderStateRequest {
            mo_number: "OF25-0001".into(),
            etag: updated.etag.clone(),
        })
        .await
        .expect("confirm")
        .into_inner();
    let e = c
        .update_manufacturing_order(pb::UpdateManufacturingOrderRequest {
            manufacturing_order: Some(confirmed),
            update_mask: mask(&["note"]),
        })
        .await;
    refused(e, Code::FailedPrecondition, "WRONG_STATE");

    for i in 2..=9 {
        create_order(c, order(&format!("OF25-{i:04}"), "PF-00002", "10")).await;
    }
    let listed = c
        .list_manufacturing_orders(pb::ListManufacturingOrdersRequest {
            filter: "state = DRAFT article_code = \"PF-00002\"".into(),
            order_by: "mo_number desc".into(),
            page_size: 3,
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    let numbers: Vec<&str> = listed
        .manufacturing_orders
        .iter()
        .map(|o| o.mo_number.as_str())
        .collect();
    assert_eq!(numbers, ["OF25-0009", "OF25-0008", "OF25-0007"]);
    assert!(!listed.next_page_token.is_empty());
    let confirmed = c
        .list_manufacturing_orders(pb::ListManufacturingOrdersRequest {
            filter: "state = CONFIRMED".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(confirmed.manufacturing_orders.len(), 1);
    assert_eq!(
        confirmed.manufacturing_orders[0].tool_codes,
        ["GAB003", "MOU0012"]
    );
    let e = c
        .get_manufacturing_order(pb::GetManufacturingOrderRequest {
            mo_number: "OF25-9999".into(),
        })
        .await;
    refused(e, Code::NotFound, "NOT_FOUND");
}

bascule_platform::backend_tests!(
    boms_are_created_read_and_listed,
    the_order_state_machine_allows_exactly_its_transitions,
    drafts_are_updated_with_etags_and_orders_listed,
);
