//! Tools through gRPC: data with etags, state changes, paging and filters, and the
//! switch-over gate.

use super::*;

async fn tools_are_created_read_and_updated_with_etags(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    let c = &mut env.client;
    let mut t = tool("MAC001");
    t.kind = pb::ToolKind::Machine.into();
    // Output-only fields are ignored on creation.
    t.state = pb::ToolState::Scrapped.into();
    t.cycle_counter = 99;
    t.purchase_date = date(1879, 7, 1);
    t.purchase_price = dec("12345678901.123456");
    t.max_cycles_between_maintenance = Some(50_000);
    let created = create_tool(c, t).await;
    assert_eq!(created.state, i32::from(pb::ToolState::Available));
    assert_eq!(created.cycle_counter, 0);
    assert_eq!(created.cycles_to_maintenance, Some(50_000));
    let got = c
        .get_tool(pb::GetToolRequest {
            code: "MAC001".into(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got, created);
    assert_eq!(got.purchase_date, date(1879, 7, 1));
    assert_eq!(got.purchase_price, dec("12345678901.123456"));

    let mut change = got.clone();
    change.location = "Laboratoire".into();
    change.name = "Ignored: outside the mask".into();
    let mask = |paths: &[&str]| {
        Some(prost_types::FieldMask {
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
        })
    };
    let updated = c
        .update_tool(pb::UpdateToolRequest {
            tool: Some(change.clone()),
            update_mask: mask(&["location"]),
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.location, "Laboratoire");
    assert_eq!(updated.name, got.name);
    assert_ne!(updated.etag, got.etag);
    let stale = c
        .update_tool(pb::UpdateToolRequest {
            tool: Some(change.clone()),
            update_mask: mask(&["name"]),
        })
        .await;
    refused(stale, Code::Aborted, "STALE_ETAG");
    for path in ["state", "cycle_counter", "code"] {
        let e = c
            .update_tool(pb::UpdateToolRequest {
                tool: Some(updated.clone()),
                update_mask: mask(&[path]),
            })
            .await;
        refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    }
    let e = c
        .create_tool(pb::CreateToolRequest {
            tool: Some(tool("mou 1")),
            request_id: String::new(),
        })
        .await;
    let e = refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    let details = e.get_error_details();
    assert_eq!(
        details.bad_request().expect("bad request").field_violations[0].field,
        "code"
    );
    let mut no_kind = tool("MOU0002");
    no_kind.kind = 0;
    let e = c
        .create_tool(pb::CreateToolRequest {
            tool: Some(no_kind),
            request_id: String::new(),
        })
        .await;
    refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    let e = c
        .create_tool(pb::CreateToolRequest {
            tool: Some(tool("MAC001")),
            request_id: String::new(),
        })
        .await;
    refused(e, Code::AlreadyExists, "ALREADY_EXISTS");
    let e = c
        .get_tool(pb::GetToolRequest {
            code: "MAC999".into(),
        })
        .await;
    refused(e, Code::NotFound, "NOT_FOUND");
    // A retried create with a request id returns the first answer.
    let request = pb::CreateToolRequest {
        tool: Some(tool("MOU0003")),
        request_id: "tool-3".into(),
    };
    let first = c
        .create_tool(request.clone())
        .await
        .expect("first")
        .into_inner();
    let again = c.create_tool(request).await.expect("retry").into_inner();
    assert_eq!(first, again);
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Method {
    CheckOut,
    Release,
    Maintain,
    Scrap,
}

async fn call(
    c: &mut Client,
    m: Method,
    code: &str,
    etag: &str,
) -> Result<tonic::Response<pb::Tool>, tonic::Status> {
    let r = pb::ChangeToolStateRequest {
        code: code.into(),
        etag: etag.into(),
    };
    match m {
        Method::CheckOut => c.check_out_tool(r).await,
        Method::Release => c.release_tool(r).await,
        Method::Maintain => c.send_tool_to_maintenance(r).await,
        Method::Scrap => c.scrap_tool(r).await,
    }
}

async fn tool_states_change_only_through_their_methods(db: Db) {
    use pb::ToolState::{Available, InMaintenance, InUse, Scrapped};
    let mut env = start(&db, DomainState::Live).await;
    let c = &mut env.client;
    let methods = [
        (Method::CheckOut, InUse),
        (Method::Release, Available),
        (Method::Maintain, InMaintenance),
        (Method::Scrap, Scrapped),
    ];
    let allowed = [
        (Available, InUse),
        (InUse, Available),
        (Available, InMaintenance),
        (InUse, InMaintenance),
        (InMaintenance, Available),
        (Available, Scrapped),
        (InUse, Scrapped),
        (InMaintenance, Scrapped),
    ];
    let paths: [(pb::ToolState, &[Method]); 4] = [
        (Available, &[]),
        (InUse, &[Method::CheckOut]),
        (InMaintenance, &[Method::Maintain]),
        (Scrapped, &[Method::Scrap]),
    ];
    for (i, (from, path)) in paths.into_iter().enumerate() {
        for (j, (method, to)) in methods.into_iter().enumerate() {
            let code = format!("MOU{i}{j}");
            create_tool(c, tool(&code)).await;
            for step in path {
                call(c, *step, &code, "").await.expect("path");
            }
            let result = call(c, method, &code, "").await;
            if allowed.contains(&(from, to)) {
                let t = result.expect("allowed").into_inner();
                assert_eq!(t.state, i32::from(to), "{from:?} -> {to:?}");
            } else {
                let e = refused(result, Code::FailedPrecondition, "INVALID_TRANSITION");
                assert_eq!(metadata(&e, "from"), from.as_str_name());
                assert_eq!(metadata(&e, "to"), to.as_str_name());
                let t = c
                    .get_tool(pb::GetToolRequest { code: code.clone() })
                    .await
                    .expect("get")
                    .into_inner();
                assert_eq!(t.state, i32::from(from), "a refused change changes nothing");
            }
        }
    }
    let t = create_tool(c, tool("MOU0100")).await;
    call(c, Method::CheckOut, "MOU0100", &t.etag)
        .await
        .expect("current etag");
    let stale = call(c, Method::Release, "MOU0100", &t.etag).await;
    refused(stale, Code::Aborted, "STALE_ETAG");
    let missing = call(c, Method::Scrap, "MOU9999", "").await;
    refused(missing, Code::NotFound, "NOT_FOUND");
}

async fn tools_page_without_gaps_and_filters_are_checked(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    let c = &mut env.client;
    for i in 0..125 {
        let mut t = tool(&format!("MOU{i:04}"));
        if i % 3 == 0 {
            t.kind = pb::ToolKind::Gauge.into();
        }
        t.location = format!("Presse {}", i % 10);
        create_tool(c, t).await;
    }
    let list = |filter: &str, order_by: &str, token: String| pb::ListToolsRequest {
        page_size: 7,
        page_token: token,
        filter: filter.into(),
        order_by: order_by.into(),
    };
    let count = |keep: fn(usize) -> bool| (0..125).filter(|i| keep(*i)).count();
    for (filter, order_by, expected) in [
        ("", "", 125),
        ("kind = GAUGE", "code desc", count(|i| i % 3 == 0)),
        (
            r#"location = "Presse 7" OR code = "MOU0000""#,
            "create_time desc",
            count(|i| i % 10 == 7 || i == 0),
        ),
        (
            "location:\"SE 1\" AND kind != GAUGE state = AVAILABLE",
            "name desc",
            count(|i| i % 10 == 1 && i % 3 != 0),
        ),
    ] {
        let mut seen = Vec::new();
        let mut token = String::new();
        loop {
            let page = c
                .list_tools(list(filter, order_by, token))
                .await
                .expect("page")
                .into_inner();
            assert!(page.tools.len() <= 7);
            seen.extend(page.tools.into_iter().map(|t| t.code));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{filter}: no repeats");
        assert_eq!(seen.len(), expected, "{filter}: no gaps");
        if order_by.ends_with("desc") {
            let mut sorted = seen.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(seen, sorted, "{filter}: {order_by}");
        }
    }
    let first = c
        .list_tools(list("", "", String::new()))
        .await
        .expect("page")
        .into_inner();
    let e = c
        .list_tools(list("kind = GAUGE", "", first.next_page_token))
        .await;
    refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
    for bad in [
        "secret = 1",
        "code = 'x' OR 1=1",
        "name = \"x\"; DROP TABLE production.tool",
        "state = BROKEN",
        "cycle_counter > many",
    ] {
        let e = c.list_tools(list(bad, "", String::new())).await;
        let e = refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
        let details = e.get_error_details();
        assert_eq!(
            details.bad_request().expect("violations").field_violations[0].field,
            "filter",
            "{bad}"
        );
    }
    let injected = c
        .list_tools(list(r#"name = "x' OR '1'='1""#, "", String::new()))
        .await
        .expect("a quoted value is only a value")
        .into_inner();
    assert!(injected.tools.is_empty());
    let e = c
        .list_tools(list("", "purchase_price", String::new()))
        .await;
    refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");
}

async fn writes_wait_for_the_switch_over(db: Db) {
    let mut env = start(&db, DomainState::Verified).await;
    let c = &mut env.client;
    c.list_tools(pb::ListToolsRequest::default())
        .await
        .expect("a verified domain serves reads");
    c.list_manufacturing_orders(pb::ListManufacturingOrdersRequest::default())
        .await
        .expect("a verified domain serves reads");
    let e = c
        .create_tool(pb::CreateToolRequest {
            tool: Some(tool("MOU0001")),
            request_id: String::new(),
        })
        .await;
    refused(e, Code::FailedPrecondition, "DOMAIN_NOT_LIVE");
    let e = c
        .complete_manufacturing_order(complete_request("OF25-0001", None))
        .await;
    let e = refused(e, Code::FailedPrecondition, "DOMAIN_NOT_LIVE");
    assert_eq!(metadata(&e, "domain"), "production");
    let e = c.confirm_manufacturing_order(by_number("OF25-0001")).await;
    refused(e, Code::FailedPrecondition, "DOMAIN_NOT_LIVE");
}

bascule_platform::backend_tests!(
    tools_are_created_read_and_updated_with_etags,
    tool_states_change_only_through_their_methods,
    tools_page_without_gaps_and_filters_are_checked,
    writes_wait_for_the_switch_over,
);
