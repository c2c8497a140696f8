//! Tools, their states, counters and maintenance, on every backend.

use super::*;

async fn tools_round_trip_and_refuse_duplicates(db: Db) {
    let s = store(db).await;
    let mut t = tool("MAC001");
    t.kind = ToolKind::Machine;
    t.purchased_on = Some(day(1879, 7, 1));
    t.purchase_price = Some(dec("12345678901.123456"));
    t.max_cycles_between_maintenance = Some(50_000);
    t.next_maintenance_on = Some(day(2025, 9, 1));
    t.note = Some("Presse à balancier d'origine 🏭".into());
    let created = s.create_tool(t).await.expect("create");
    let got = s.get_tool("MAC001").await.expect("get");
    assert_eq!(got, created);
    assert_eq!(got.value.purchased_on, Some(day(1879, 7, 1)));
    assert_eq!(got.value.purchase_price, Some(dec("12345678901.123456")));
    assert_eq!(got.value.name, "Moule boîtier 🎉 é");
    assert!(matches!(
        s.create_tool(tool("MAC001")).await,
        Err(ProductionError::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.get_tool("MAC999").await,
        Err(ProductionError::NotFound { .. })
    ));
    let mut bad = tool("MAC002");
    bad.purchase_price = Some(dec("1.1234567"));
    assert!(matches!(
        s.create_tool(bad).await,
        Err(ProductionError::Invalid { .. })
    ));
}

async fn tools_page_without_gaps_or_repeats(db: Db) {
    let s = store(db).await;
    for i in 0..37 {
        s.create_tool(tool(&format!("MOU{i:04}")))
            .await
            .expect("create");
    }
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut page = PageRequest::first(10);
    loop {
        let result = s.list_tools(&page).await.expect("list");
        assert!(result.items.len() <= 10);
        pages += 1;
        seen.extend(result.items.into_iter().map(|t| t.value.code));
        match result.next_token {
            Some(token) => page.token = Some(token),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    let expected: Vec<String> = (0..37).map(|i| format!("MOU{i:04}")).collect();
    assert_eq!(seen, expected);
    page.token = Some("garbage".into());
    assert!(s.list_tools(&page).await.is_err());
}

async fn tool_updates_check_the_revision(db: Db) {
    let s = store(db).await;
    let created = s.create_tool(tool("GAB003")).await.expect("create");
    let mut changed = created.value.clone();
    changed.location = "Laboratoire de métrologie".into();
    let updated = s
        .update_tool("GAB003", created.revision, changed.clone())
        .await
        .expect("update");
    assert_eq!(updated.revision, created.revision + 1);
    assert_eq!(
        s.get_tool("GAB003").await.expect("get").value.location,
        "Laboratoire de métrologie"
    );
    let stale = s
        .update_tool("GAB003", created.revision, changed.clone())
        .await;
    assert!(
        matches!(stale, Err(ProductionError::Conflict { .. })),
        "{stale:?}"
    );
    let mut renamed = changed.clone();
    renamed.code = "GAB004".into();
    assert!(
        s.update_tool("GAB003", updated.revision, renamed)
            .await
            .is_err()
    );
    let mut scrapped = changed.clone();
    scrapped.state = ToolState::Scrapped;
    assert!(
        s.update_tool("GAB003", updated.revision, scrapped)
            .await
            .is_err()
    );
    let mut counted = changed;
    counted.cycle_counter = 10;
    assert!(
        s.update_tool("GAB003", updated.revision, counted)
            .await
            .is_err()
    );
}

async fn tool_transitions_follow_the_table(db: Db) {
    use ToolState::{Available, InMaintenance, InUse, Scrapped};
    let s = store(db).await;
    s.create_tool(tool("MOU0012")).await.expect("create");
    for to in [
        InUse,
        Available,
        InMaintenance,
        Available,
        InUse,
        InMaintenance,
    ] {
        let t = s.change_tool_state("MOU0012", to).await.expect("allowed");
        assert_eq!(t.value.state, to);
    }
    for to in [InUse, InMaintenance] {
        assert!(matches!(
            s.change_tool_state("MOU0012", to).await,
            Err(ProductionError::InvalidTransition { .. })
        ));
    }
    s.change_tool_state("MOU0012", Scrapped)
        .await
        .expect("scrap from maintenance");
    for to in [Available, InUse, InMaintenance, Scrapped] {
        assert!(matches!(
            s.change_tool_state("MOU0012", to).await,
            Err(ProductionError::InvalidTransition { .. })
        ));
    }
    for (code, from) in [("MOU0013", Available), ("MOU0014", InUse)] {
        s.create_tool(tool(code)).await.expect("create");
        if from == InUse {
            s.change_tool_state(code, InUse).await.expect("in use");
        }
        s.change_tool_state(code, Scrapped).await.expect("scrap");
    }
    assert!(matches!(
        s.change_tool_state("MOU9999", InUse).await,
        Err(ProductionError::NotFound { .. })
    ));
    assert_eq!(
        s.get_tool("MOU0012").await.expect("get").value.state,
        Scrapped
    );
}

async fn maintenance_resets_the_due_status(db: Db) {
    let s = store(db).await;
    let today = day(2025, 6, 2);
    let mut t = tool("MOU0020");
    t.max_cycles_between_maintenance = Some(1000);
    s.create_tool(t).await.expect("create");
    let mut gauge = tool("GAB010");
    gauge.kind = ToolKind::Gauge;
    gauge.next_maintenance_on = Some(day(2025, 6, 1));
    s.create_tool(gauge).await.expect("create");
    s.create_tool(tool("MOU0021")).await.expect("create");

    s.add_cycles("MOU0020", 600).await.expect("cycles");
    assert!(matches!(
        s.add_cycles("MOU0020", -1).await,
        Err(ProductionError::Invalid { .. })
    ));
    let due: Vec<String> = s
        .tools_due(today)
        .await
        .expect("due")
        .into_iter()
        .map(|t| t.value.code)
        .collect();
    assert_eq!(due, vec!["GAB010"]);
    let counted = s.add_cycles("MOU0020", 500).await.expect("cycles");
    assert_eq!(counted.value.cycle_counter, 1100);
    let due: Vec<String> = s
        .tools_due(today)
        .await
        .expect("due")
        .into_iter()
        .map(|t| t.value.code)
        .collect();
    assert_eq!(due, vec!["GAB010", "MOU0020"]);

    let record = MaintenanceRecord {
        tool_code: "MOU0020".into(),
        kind: MaintenanceKind::Preventive,
        performed_on: today,
        cycle_counter: 1100,
        performed_by: "Atelier outillage — René".into(),
        note: Some("Polissage des empreintes".into()),
        next_due_on: None,
    };
    let too_many = MaintenanceRecord {
        cycle_counter: 1101,
        ..record.clone()
    };
    assert!(s.record_maintenance(too_many).await.is_err());
    let (stored, after) = s.record_maintenance(record).await.expect("maintenance");
    assert_eq!(after.value.cycles_at_last_maintenance, 1100);
    assert!(!after.value.is_due(today));
    let calibration = MaintenanceRecord {
        tool_code: "GAB010".into(),
        kind: MaintenanceKind::Calibration,
        performed_on: today,
        cycle_counter: 0,
        performed_by: "Métrologie Dupont".into(),
        note: None,
        next_due_on: Some(day(2026, 6, 2)),
    };
    let (_, gauge) = s
        .record_maintenance(calibration)
        .await
        .expect("calibration");
    assert_eq!(gauge.value.next_maintenance_on, Some(day(2026, 6, 2)));
    assert!(s.tools_due(today).await.expect("due").is_empty());

    let history = s
        .list_maintenance("MOU0020", &PageRequest::default())
        .await
        .expect("history");
    assert_eq!(history.items.len(), 1);
    assert_eq!(history.items[0], stored);
    let unknown = MaintenanceRecord {
        tool_code: "MOU9999".into(),
        ..stored.value
    };
    assert!(matches!(
        s.record_maintenance(unknown).await,
        Err(ProductionError::NotFound { .. })
    ));
}

async fn operators_round_trip_and_refuse_duplicates(db: Db) {
    let s = store(db).await;
    let operator = |trigram: &str, badge: &str| Operator {
        trigram: trigram.into(),
        badge_number: badge.into(),
        last_name: "ÉTIENNE".into(),
        first_name: "Philippe".into(),
        active: false,
    };
    let created = s
        .create_operator(operator("pet", "M1046"))
        .await
        .expect("create");
    assert_eq!(created.value.trigram, "PET");
    assert_eq!(s.get_operator("PET").await.expect("get"), created);
    for duplicate in [operator("PET", "M2000"), operator("PEX", "M1046")] {
        assert!(matches!(
            s.create_operator(duplicate).await,
            Err(ProductionError::AlreadyExists { .. })
        ));
    }
    s.create_operator(operator("ABR", "M1082"))
        .await
        .expect("create");
    let all = s
        .list_operators(&PageRequest::default())
        .await
        .expect("list");
    let trigrams: Vec<_> = all.items.iter().map(|o| o.value.trigram.as_str()).collect();
    assert_eq!(trigrams, ["ABR", "PET"]);
    assert!(matches!(
        s.get_operator("XYZ").await,
        Err(ProductionError::NotFound { .. })
    ));
}

bascule_platform::backend_tests!(
    operators_round_trip_and_refuse_duplicates,
    tools_round_trip_and_refuse_duplicates,
    tools_page_without_gaps_or_repeats,
    tool_updates_check_the_revision,
    tool_transitions_follow_the_table,
    maintenance_resets_the_due_status,
);
