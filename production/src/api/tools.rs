//! The handlers of tools: their data, state changes, cycle counter and maintenance.

use bascule_platform::db::Value;
use bascule_proto::production::v1 as pb;
use bascule_rpc::ApiResult;
use bascule_rpc::convert::{mask_paths, revision_from_etag};
use bascule_rpc::handler::{next_token, page_query, required};
use chrono::Utc;

use super::convert as c;
use super::fields;
use super::service::ProductionApi;
use crate::domain::{MaintenanceRecord, Tool, ToolState};

pub async fn get(api: &ProductionApi, r: pb::GetToolRequest) -> ApiResult<pb::Tool> {
    api.gate.check_read().await?;
    Ok(c::tool(api.store.get_tool(&r.code).await?))
}

pub async fn list(
    api: &ProductionApi,
    r: pb::ListToolsRequest,
) -> ApiResult<pb::ListToolsResponse> {
    let p = api
        .list_params(
            fields::TOOLS,
            r.page_size,
            &r.page_token,
            &r.filter,
            &r.order_by,
        )
        .await?;
    let page = api.store.search::<Tool>(&page_query(&p, &[])).await?;
    Ok(pb::ListToolsResponse {
        next_page_token: next_token(&page),
        tools: page.items.into_iter().map(c::tool).collect(),
    })
}

pub async fn create(api: &ProductionApi, r: pb::CreateToolRequest) -> ApiResult<pb::Tool> {
    api.gate.check_write().await?;
    let given = required("tool", r.tool.as_ref())?;
    // State, counters and the last maintenance are output only: a new tool starts afresh.
    let tool = c::tool_from(&pb::Tool {
        state: pb::ToolState::Available.into(),
        cycle_counter: 0,
        cycles_at_last_maintenance: 0,
        last_maintenance_date: None,
        ..given.clone()
    })?;
    api.requests
        .once("CreateTool", &r.request_id, &r, || async {
            Ok(c::tool(api.store.create_tool(tool).await?))
        })
        .await
}

const UPDATABLE: &[&str] = &[
    "name",
    "kind",
    "location",
    "max_cycles_between_maintenance",
    "next_maintenance_date",
    "purchase_date",
    "purchase_price",
    "note",
];

pub async fn update(api: &ProductionApi, r: pb::UpdateToolRequest) -> ApiResult<pb::Tool> {
    api.gate.check_write().await?;
    let given = required("tool", r.tool.as_ref())?;
    let paths = mask_paths(r.update_mask.as_ref(), UPDATABLE)?;
    let current = api.store.get_tool(&given.code).await?;
    let revision = revision_from_etag(&given.etag, current.revision)?;
    let mut merged = c::tool(current);
    for path in paths {
        match path {
            "name" => merged.name.clone_from(&given.name),
            "kind" => merged.kind = given.kind,
            "location" => merged.location.clone_from(&given.location),
            "max_cycles_between_maintenance" => {
                merged.max_cycles_between_maintenance = given.max_cycles_between_maintenance;
            }
            "next_maintenance_date" => merged
                .next_maintenance_date
                .clone_from(&given.next_maintenance_date),
            "purchase_date" => merged.purchase_date.clone_from(&given.purchase_date),
            "purchase_price" => merged.purchase_price.clone_from(&given.purchase_price),
            _ => merged.note.clone_from(&given.note),
        }
    }
    let tool = c::tool_from(&merged)?;
    Ok(c::tool(
        api.store.update_tool(&given.code, revision, tool).await?,
    ))
}

async fn change_state(
    api: &ProductionApi,
    r: pb::ChangeToolStateRequest,
    to: ToolState,
) -> ApiResult<pb::Tool> {
    api.gate.check_write().await?;
    // Without an etag the change applies to whatever revision is current: the
    // transition table still guards it.
    let revision = match r.etag.as_str() {
        "" => None,
        etag => Some(revision_from_etag(etag, 0)?),
    };
    Ok(c::tool(
        api.store
            .change_tool_state_at(&r.code, revision, to)
            .await?,
    ))
}

pub async fn check_out(api: &ProductionApi, r: pb::ChangeToolStateRequest) -> ApiResult<pb::Tool> {
    change_state(api, r, ToolState::InUse).await
}

pub async fn release(api: &ProductionApi, r: pb::ChangeToolStateRequest) -> ApiResult<pb::Tool> {
    change_state(api, r, ToolState::Available).await
}

pub async fn send_to_maintenance(
    api: &ProductionApi,
    r: pb::ChangeToolStateRequest,
) -> ApiResult<pb::Tool> {
    change_state(api, r, ToolState::InMaintenance).await
}

pub async fn scrap(api: &ProductionApi, r: pb::ChangeToolStateRequest) -> ApiResult<pb::Tool> {
    change_state(api, r, ToolState::Scrapped).await
}

pub async fn record_cycles(
    api: &ProductionApi,
    r: pb::RecordToolCyclesRequest,
) -> ApiResult<pb::Tool> {
    api.gate.check_write().await?;
    // An increment is not idempotent by itself: the request id is what makes a retry safe.
    api.requests
        .once("RecordToolCycles", &r.request_id, &r, || async {
            Ok(c::tool(api.store.add_cycles(&r.code, r.cycles).await?))
        })
        .await
}

pub async fn create_maintenance(
    api: &ProductionApi,
    r: pb::CreateMaintenanceRecordRequest,
) -> ApiResult<pb::MaintenanceRecord> {
    api.gate.check_write().await?;
    let given = required("maintenance_record", r.maintenance_record.as_ref())?;
    api.requests
        .once("CreateMaintenanceRecord", &r.request_id, &r, || async {
            let tool = api.store.get_tool(&r.tool_code).await?;
            let record = c::maintenance_from(&tool.value.code, given, tool.value.cycle_counter)?;
            let (stored, _) = api.store.record_maintenance(record).await?;
            Ok(c::maintenance(stored))
        })
        .await
}

pub async fn get_maintenance(
    api: &ProductionApi,
    r: pb::GetMaintenanceRecordRequest,
) -> ApiResult<pb::MaintenanceRecord> {
    api.gate.check_read().await?;
    Ok(c::maintenance(api.store.get_maintenance(&r.id).await?))
}

pub async fn list_maintenance(
    api: &ProductionApi,
    r: pb::ListMaintenanceRecordsRequest,
) -> ApiResult<pb::ListMaintenanceRecordsResponse> {
    let p = api
        .list_params(
            fields::MAINTENANCE,
            r.page_size,
            &r.page_token,
            &r.filter,
            &r.order_by,
        )
        .await?;
    let code = r.tool_code.trim();
    let fixed: Vec<(&'static str, Value)> = if code.is_empty() || code == "-" {
        Vec::new()
    } else {
        // An unknown tool is NOT_FOUND rather than an empty history.
        api.store.get_tool(code).await?;
        vec![("tool_code", code.into())]
    };
    let page = api
        .store
        .search::<MaintenanceRecord>(&page_query(&p, &fixed))
        .await?;
    Ok(pb::ListMaintenanceRecordsResponse {
        next_page_token: next_token(&page),
        maintenance_records: page.items.into_iter().map(c::maintenance).collect(),
    })
}

pub async fn list_due(
    api: &ProductionApi,
    r: pb::ListToolsDueForMaintenanceRequest,
) -> ApiResult<pb::ListToolsDueForMaintenanceResponse> {
    let p = api
        .list_params(
            fields::TOOLS,
            r.page_size,
            &r.page_token,
            &r.filter,
            &r.order_by,
        )
        .await?;
    let as_of = c::parse_optional_date("as_of", r.as_of.as_ref())?
        .unwrap_or_else(|| Utc::now().date_naive());
    let page = api
        .store
        .search_tools_due(as_of, page_query(&p, &[]))
        .await?;
    Ok(pb::ListToolsDueForMaintenanceResponse {
        next_page_token: next_token(&page),
        tools: page.items.into_iter().map(c::tool).collect(),
    })
}
