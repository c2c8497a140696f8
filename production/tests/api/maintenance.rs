//! Tool cycles and maintenance through gRPC: idempotent counter reports, maintenance
//! and calibration records, and the tools due for maintenance.

use super::*;

async fn cycles_maintenance_and_tools_due(db: Db) {
    let mut env = start(&db, DomainState::Live).await;
    let c = &mut env.client;
    let mut mould = tool("MOU0020");
    mould.max_cycles_between_maintenance = Some(1000);
    create_tool(c, mould).await;
    let mut gauge = tool("GAB010");
    gauge.kind = pb::ToolKind::Gauge.into();
    gauge.next_maintenance_date = date(2025, 6, 1);
    create_tool(c, gauge).await;
    create_tool(c, tool("MOU0021")).await;

    let cycles = |code: &str, cycles, request_id: &str| pb::RecordToolCyclesRequest {
        code: code.into(),
        cycles,
        request_id: request_id.into(),
    };
    let first = c
        .record_tool_cycles(cycles("MOU0020", 600, "shift-1"))
        .await
        .expect("cycles")
        .into_inner();
    let retry = c
        .record_tool_cycles(cycles("MOU0020", 600, "shift-1"))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!((first.cycle_counter, retry.cycle_counter), (600, 600));
    let reused = c.record_tool_cycles(cycles("MOU0020", 5, "shift-1")).await;
    refused(reused, Code::InvalidArgument, "INVALID_ARGUMENT");
    let negative = c.record_tool_cycles(cycles("MOU0020", -1, "")).await;
    refused(negative, Code::InvalidArgument, "INVALID_ARGUMENT");

    let due = |filter: &str| pb::ListToolsDueForMaintenanceRequest {
        as_of: date(2025, 6, 2),
        filter: filter.into(),
        ..Default::default()
    };
    let codes = |r: pb::ListToolsDueForMaintenanceResponse| -> Vec<String> {
        r.tools.into_iter().map(|t| t.code).collect()
    };
    let listed = c
        .list_tools_due_for_maintenance(due(""))
        .await
        .expect("due");
    assert_eq!(codes(listed.into_inner()), ["GAB010"]);
    let counted = c
        .record_tool_cycles(cycles("MOU0020", 500, ""))
        .await
        .expect("cycles")
        .into_inner();
    assert_eq!(counted.cycles_to_maintenance, Some(-100));
    let listed = c
        .list_tools_due_for_maintenance(due(""))
        .await
        .expect("due");
    assert_eq!(codes(listed.into_inner()), ["GAB010", "MOU0020"]);
    let listed = c
        .list_tools_due_for_maintenance(due("kind = GAUGE"))
        .await
        .expect("due");
    assert_eq!(codes(listed.into_inner()), ["GAB010"]);

    // Maintenance at the tool's counter (the default) makes it no longer due.
    let record = c
        .create_maintenance_record(pb::CreateMaintenanceRecordRequest {
            tool_code: "MOU0020".into(),
            maintenance_record: Some(pb::MaintenanceRecord {
                kind: pb::MaintenanceKind::Preventive.into(),
                performed_date: date(2025, 6, 2),
                performed_by: "Atelier outillage — René".into(),
                note: "Polissage des empreintes".into(),
                ..Default::default()
            }),
            request_id: "maint-1".into(),
        })
        .await
        .expect("maintenance")
        .into_inner();
    assert_eq!(record.cycle_counter, Some(1100));
    let calibration = pb::CreateMaintenanceRecordRequest {
        tool_code: "GAB010".into(),
        maintenance_record: Some(pb::MaintenanceRecord {
            kind: pb::MaintenanceKind::Calibration.into(),
            performed_date: date(2025, 6, 2),
            performed_by: "Métrologie Dupont".into(),
            next_due_date: date(2026, 6, 2),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    c.create_maintenance_record(calibration.clone())
        .await
        .expect("calibration");
    let listed = c
        .list_tools_due_for_maintenance(due(""))
        .await
        .expect("due");
    assert!(listed.into_inner().tools.is_empty());
    let gauge = c
        .get_tool(pb::GetToolRequest {
            code: "GAB010".into(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(gauge.next_maintenance_date, date(2026, 6, 2));
    assert_eq!(gauge.last_maintenance_date, date(2025, 6, 2));

    let got = c
        .get_maintenance_record(pb::GetMaintenanceRecordRequest {
            id: record.id.clone(),
        })
        .await
        .expect("get record")
        .into_inner();
    assert_eq!(got, record);
    let list = |tool_code: &str, filter: &str| pb::ListMaintenanceRecordsRequest {
        tool_code: tool_code.into(),
        filter: filter.into(),
        ..Default::default()
    };
    let mine = c
        .list_maintenance_records(list("MOU0020", ""))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(mine.maintenance_records, vec![record]);
    let calibrations = c
        .list_maintenance_records(list("-", "kind = CALIBRATION"))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(calibrations.maintenance_records.len(), 1);
    assert_eq!(calibrations.maintenance_records[0].tool_code, "GAB010");
    let e = c.list_maintenance_records(list("MOU9999", "")).await;
    refused(e, Code::NotFound, "NOT_FOUND");
    let mut wrong = calibration.clone();
    if let Some(m) = wrong.maintenance_record.as_mut() {
        m.cycle_counter = Some(5);
    }
    let e = c.create_maintenance_record(wrong).await;
    refused(e, Code::InvalidArgument, "INVALID_ARGUMENT");

    // A scrapped tool is never due and runs no more.
    c.scrap_tool(pb::ChangeToolStateRequest {
        code: "MOU0020".into(),
        etag: String::new(),
    })
    .await
    .expect("scrap");
    let e = c.record_tool_cycles(cycles("MOU0020", 5000, "")).await;
    refused(e, Code::FailedPrecondition, "WRONG_STATE");
    let listed = c
        .list_tools_due_for_maintenance(pb::ListToolsDueForMaintenanceRequest {
            as_of: date(2030, 1, 1),
            ..Default::default()
        })
        .await
        .expect("due");
    assert_eq!(codes(listed.into_inner()), ["GAB010"]);
}

bascule_platform::backend_tests!(cycles_maintenance_and_tools_due);
