//! Bills of materials, manufacturing orders and progress, on every backend.

use super::*;

/// An order created and moved to IN_PROGRESS.
async fn running(s: &ProductionStore, mo_number: &str, quantity: &str) {
    let mut o = order(mo_number, &[]);
    o.quantity = dec(quantity);
    let mut current = s.create_order(o).await.expect("create");
    for to in [MoState::Confirmed, MoState::InProgress] {
        current = s
            .change_order_state(mo_number, current.revision, to)
            .await
            .expect("transition");
    }
}

async fn boms_round_trip_with_their_lines(db: Db) {
    let s = store(db).await;
    let line = |no, code: &str, qty: &str, unit: &str| {
        BomLine::new(no, code, dec(qty), unit).expect("line")
    };
    let bom = BillOfMaterials::new(
        "PF-00001",
        "Boîtier étanche 🎉",
        dec("100"),
        vec![
            line(30, "EM-00001", "1", "bte"),
            line(10, "MP-00001", "12345678901.123456", "kg"),
            line(20, "CO-00007", "400", "pce"),
        ],
    )
    .expect("bom");
    let created = s.create_bom(bom).await.expect("create");
    let got = s.get_bom("PF-00001").await.expect("get");
    assert_eq!(got, created);
    let numbers: Vec<i64> = got.value.lines.iter().map(|l| l.line_no).collect();
    assert_eq!(numbers, vec![10, 20, 30]);
    assert_eq!(got.value.lines[0].quantity, dec("12345678901.123456"));
    let again = BillOfMaterials::new(
        "PF-00001",
        "Autre",
        dec("1"),
        vec![line(1, "MP-00002", "1", "kg")],
    )
    .expect("bom");
    assert!(matches!(
        s.create_bom(again).await,
        Err(ProductionError::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.get_bom("PF-99999").await,
        Err(ProductionError::NotFound { .. })
    ));
}

async fn orders_round_trip_with_their_tools(db: Db) {
    let s = store(db).await;
    for code in ["MOU0012", "GAB003", "MOU0099"] {
        s.create_tool(tool(code)).await.expect("tool");
    }
    s.change_tool_state("MOU0099", ToolState::Scrapped)
        .await
        .expect("scrap");
    let mut o = order("OF25-0001", &["MOU0012", "GAB003"]);
    o.quantity = dec("12345678901.123456");
    o.deadline_on = Some(day(2025, 6, 5));
    o.origin_order_number = Some("CC25-0042".into());
    o.customer_code = Some("C00012".into());
    o.note = Some("Urgent — client prioritaire 🚚".into());
    let created = s.create_order(o).await.expect("create");
    assert_eq!(created.value.tool_codes, vec!["GAB003", "MOU0012"]);
    let got = s.get_order("OF25-0001").await.expect("get");
    assert_eq!(got, created);
    assert_eq!(got.value.quantity, dec("12345678901.123456"));
    assert!(matches!(
        s.create_order(order("OF25-0001", &[])).await,
        Err(ProductionError::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.create_order(order("OF25-0002", &["MOU0012", "MOU7777"]))
            .await,
        Err(ProductionError::NotFound { .. })
    ));
    assert!(matches!(
        s.create_order(order("OF25-0003", &["MOU0099"])).await,
        Err(ProductionError::WrongState { .. })
    ));
    for refused in ["OF25-0002", "OF25-0003"] {
        assert!(matches!(
            s.get_order(refused).await,
            Err(ProductionError::NotFound { .. })
        ));
    }
}

async fn orders_list_by_state_in_pages(db: Db) {
    let s = store(db).await;
    s.create_tool(tool("MOU0012")).await.expect("tool");
    for i in 0..23 {
        let number = format!("OF25-{i:04}");
        let created = s
            .create_order(order(&number, &["MOU0012"]))
            .await
            .expect("create");
        if i % 2 == 0 {
            s.change_order_state(&number, created.revision, MoState::Confirmed)
                .await
                .expect("confirm");
        }
    }
    let collect = |state: Option<MoState>| {
        let s = s.clone();
        async move {
            let mut seen = Vec::new();
            let mut page = PageRequest::first(4);
            loop {
                let result = s.list_orders(state, &page).await.expect("list");
                for o in result.items {
                    assert_eq!(o.value.tool_codes, vec!["MOU0012"]);
                    seen.push(o.value.mo_number);
                }
                match result.next_token {
                    Some(token) => page.token = Some(token),
                    None => break,
                }
            }
            seen
        }
    };
    let all: Vec<String> = (0..23).map(|i| format!("OF25-{i:04}")).collect();
    assert_eq!(collect(None).await, all);
    let confirmed: Vec<String> = all.iter().step_by(2).cloned().collect();
    assert_eq!(collect(Some(MoState::Confirmed)).await, confirmed);
    assert!(collect(Some(MoState::Done)).await.is_empty());
}

async fn order_transitions_follow_the_table(db: Db) {
    use MoState::{Cancelled, Confirmed, Done, Draft, InProgress};
    let s = store(db).await;
    let mut o = s
        .create_order(order("OF25-0001", &[]))
        .await
        .expect("create");
    for to in [Confirmed, InProgress, Done] {
        o = s
            .change_order_state("OF25-0001", o.revision, to)
            .await
            .expect("allowed");
        assert_eq!(o.value.state, to);
    }
    for to in [Draft, Confirmed, InProgress, Cancelled] {
        assert!(matches!(
            s.change_order_state("OF25-0001", o.revision, to).await,
            Err(ProductionError::InvalidTransition { .. })
        ));
    }
    // Cancelled from each state that allows it.
    for (i, path) in [vec![], vec![Confirmed], vec![Confirmed, InProgress]]
        .into_iter()
        .enumerate()
    {
        let number = format!("OF25-010{i}");
        let mut o = s.create_order(order(&number, &[])).await.expect("create");
        for to in path {
            o = s
                .change_order_state(&number, o.revision, to)
                .await
                .expect("allowed");
        }
        let refused_jump = if o.value.state == Draft {
            InProgress
        } else {
            Draft
        };
        assert!(matches!(
            s.change_order_state(&number, o.revision, refused_jump)
                .await,
            Err(ProductionError::InvalidTransition { .. })
        ));
        let cancelled = s
            .change_order_state(&number, o.revision, Cancelled)
            .await
            .expect("cancel");
        assert!(matches!(
            s.change_order_state(&number, cancelled.revision, Draft)
                .await,
            Err(ProductionError::InvalidTransition { .. })
        ));
    }
    let draft = s
        .create_order(order("OF25-0200", &[]))
        .await
        .expect("create");
    assert!(matches!(
        s.change_order_state("OF25-0200", draft.revision, Done)
            .await,
        Err(ProductionError::InvalidTransition { .. })
    ));
    let confirmed = s
        .change_order_state("OF25-0200", draft.revision, Confirmed)
        .await
        .expect("confirm");
    let stale = s
        .change_order_state("OF25-0200", draft.revision, InProgress)
        .await;
    assert!(
        matches!(stale, Err(ProductionError::Conflict { .. })),
        "{stale:?}"
    );
    assert!(matches!(
        s.change_order_state("OF25-0200", confirmed.revision, Done)
            .await,
        Err(ProductionError::InvalidTransition { .. })
    ));
    assert!(matches!(
        s.change_order_state("OF25-9999", 1, Confirmed).await,
        Err(ProductionError::NotFound { .. })
    ));
}

async fn progress_totals_are_exact(db: Db) {
    let s = store(db).await;
    running(&s, "OF25-0001", "100.5").await;
    let first = s
        .add_progress(entry("OF25-0001", "10.25", "0.5"))
        .await
        .expect("entry");
    let mut later = entry("OF25-0001", "33.333333", "0");
    later.entry_at = Utc
        .with_ymd_and_hms(2025, 6, 3, 22, 0, 0)
        .single()
        .expect("time")
        + chrono::Duration::microseconds(123_456);
    s.add_progress(later.clone()).await.expect("entry");
    s.add_progress(entry("OF25-0001", "0", "0.2"))
        .await
        .expect("scrap only");
    let progress = s.list_progress("OF25-0001").await.expect("progress");
    assert_eq!(progress.entries.len(), 3);
    assert_eq!(progress.entries[0].value, first.value);
    assert_eq!(progress.entries[2].value.entry_at, later.entry_at);
    assert_eq!(
        progress.entries[0].value.note.as_deref(),
        Some("Équipe de nuit ☕")
    );
    assert_eq!(progress.totals.good, dec("43.583333"));
    assert_eq!(progress.totals.scrap, dec("0.7"));
    assert_eq!(progress.totals.remaining, dec("56.916667"));
    s.add_progress(entry("OF25-0001", "60", "0"))
        .await
        .expect("over-production");
    let progress = s.list_progress("OF25-0001").await.expect("progress");
    assert_eq!(progress.totals.good, dec("103.583333"));
    assert_eq!(progress.totals.remaining, Decimal::ZERO);
    assert!(matches!(
        s.list_progress("OF25-9999").await,
        Err(ProductionError::NotFound { .. })
    ));
}

async fn progress_is_refused_unless_in_progress(db: Db) {
    let s = store(db).await;
    let draft = s
        .create_order(order("OF25-0001", &[]))
        .await
        .expect("create");
    assert!(matches!(
        s.add_progress(entry("OF25-0001", "1", "0")).await,
        Err(ProductionError::WrongState { state: "DRAFT", .. })
    ));
    assert!(matches!(
        s.add_progress(entry("OF25-9999", "1", "0")).await,
        Err(ProductionError::NotFound { .. })
    ));
    running(&s, "OF25-0002", "10").await;
    assert!(matches!(
        s.add_progress(entry("OF25-0002", "0", "0")).await,
        Err(ProductionError::Invalid { .. })
    ));
    let mut nobody = entry("OF25-0002", "1", "0");
    nobody.operator = "Jean".into();
    assert!(matches!(
        s.add_progress(nobody).await,
        Err(ProductionError::Invalid { .. })
    ));
    let current = s.get_order("OF25-0002").await.expect("get");
    s.change_order_state("OF25-0002", current.revision, MoState::Done)
        .await
        .expect("done");
    assert!(matches!(
        s.add_progress(entry("OF25-0002", "1", "0")).await,
        Err(ProductionError::WrongState { state: "DONE", .. })
    ));
    assert!(
        s.list_progress("OF25-0001")
            .await
            .expect("progress")
            .entries
            .is_empty()
    );
    assert_eq!(draft.value.state, MoState::Draft);
}

bascule_platform::backend_tests!(
    boms_round_trip_with_their_lines,
    orders_round_trip_with_their_tools,
    orders_list_by_state_in_pages,
    order_transitions_follow_the_table,
    progress_totals_are_exact,
    progress_is_refused_unless_in_progress,
);
