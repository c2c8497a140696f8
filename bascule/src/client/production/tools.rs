//! `bascule production tools …` and `bascule production maintenance …`.

use bascule_proto::production::v1 as pb;

use super::super::input::enum_value;
use super::super::output::{list, show};
use super::super::{Failure, request_id, user_name};
use super::{
    Client, MaintenanceCommand, ToolCommand, ToolState, count, day, etag, mask, opt_count, opt_day,
    opt_dec, today, wire_day,
};

const KINDS: &[&str] = &[
    "MOULD",
    "INSPECTION_JIG",
    "GAUGE",
    "CUTTING_DIE",
    "FIXTURE",
    "MACHINE",
    "ELECTRODE",
    "OTHER",
];
const MAINTENANCE_KINDS: &[&str] = &["PREVENTIVE", "CORRECTIVE", "CALIBRATION"];

fn kind(text: &str) -> Result<i32, Failure> {
    enum_value("kind", text, pb::ToolKind::from_str_name, KINDS)
}

fn state_change(s: &ToolState) -> pb::ChangeToolStateRequest {
    pb::ChangeToolStateRequest {
        code: s.code.clone(),
        etag: etag(s.etag.as_ref()),
    }
}

pub(super) async fn tools(
    client: &mut Client,
    json: bool,
    command: &ToolCommand,
) -> Result<(), Failure> {
    let tool = match command {
        ToolCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListToolsRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_tools(request).await?.into_inner();
                    Ok((r.tools, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        ToolCommand::Due { as_of, list: l } => {
            let as_of = as_of.as_deref().map(|d| day("as-of", d)).transpose()?;
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListToolsDueForMaintenanceRequest {
                        as_of,
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client
                        .list_tools_due_for_maintenance(request)
                        .await?
                        .into_inner();
                    Ok((r.tools, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        ToolCommand::Get { code } => {
            client
                .get_tool(pb::GetToolRequest { code: code.clone() })
                .await?
        }
        ToolCommand::Create {
            code,
            name,
            kind: k,
            location,
            max_cycles,
            next_maintenance,
            purchase_date,
            purchase_price,
            note,
            request_id: id,
        } => {
            let tool = pb::Tool {
                code: code.clone(),
                name: name.clone(),
                kind: kind(k)?,
                location: location.clone(),
                max_cycles_between_maintenance: opt_count("max-cycles", max_cycles.as_ref())?,
                next_maintenance_date: opt_day("next-maintenance", next_maintenance.as_ref())?,
                purchase_date: opt_day("purchase-date", purchase_date.as_ref())?,
                purchase_price: opt_dec("purchase-price", purchase_price.as_ref())?,
                note: note.clone().unwrap_or_default(),
                ..Default::default()
            };
            client
                .create_tool(pb::CreateToolRequest {
                    tool: Some(tool),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        ToolCommand::Update {
            code,
            name,
            kind: k,
            location,
            max_cycles,
            next_maintenance,
            purchase_date,
            purchase_price,
            note,
            etag: e,
        } => {
            let update_mask = mask(
                &[
                    ("name", name.is_some()),
                    ("kind", k.is_some()),
                    ("location", location.is_some()),
                    ("max_cycles_between_maintenance", max_cycles.is_some()),
                    ("next_maintenance_date", next_maintenance.is_some()),
                    ("purchase_date", purchase_date.is_some()),
                    ("purchase_price", purchase_price.is_some()),
                    ("note", note.is_some()),
                ],
                "--name, --kind, --location, --max-cycles, --next-maintenance, --purchase-date, --purchase-price or --note",
            )?;
            let tool = pb::Tool {
                code: code.clone(),
                name: name.clone().unwrap_or_default(),
                kind: k.as_deref().map(kind).transpose()?.unwrap_or_default(),
                location: location.clone().unwrap_or_default(),
                max_cycles_between_maintenance: opt_count("max-cycles", max_cycles.as_ref())?,
                next_maintenance_date: opt_day("next-maintenance", next_maintenance.as_ref())?,
                purchase_date: opt_day("purchase-date", purchase_date.as_ref())?,
                purchase_price: opt_dec("purchase-price", purchase_price.as_ref())?,
                note: note.clone().unwrap_or_default(),
                etag: etag(e.as_ref()),
                ..Default::default()
            };
            client
                .update_tool(pb::UpdateToolRequest {
                    tool: Some(tool),
                    update_mask: Some(update_mask),
                })
                .await?
        }
        ToolCommand::CheckOut(s) => client.check_out_tool(state_change(s)).await?,
        ToolCommand::Release(s) => client.release_tool(state_change(s)).await?,
        ToolCommand::SendToMaintenance(s) => {
            client.send_tool_to_maintenance(state_change(s)).await?
        }
        ToolCommand::Scrap(s) => client.scrap_tool(state_change(s)).await?,
        ToolCommand::RecordCycles {
            code,
            cycles,
            request_id: id,
        } => {
            client
                .record_tool_cycles(pb::RecordToolCyclesRequest {
                    code: code.clone(),
                    cycles: count("cycles", cycles)?,
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
    };
    show(&tool.into_inner(), json);
    Ok(())
}

pub(super) async fn maintenance(
    client: &mut Client,
    json: bool,
    command: &MaintenanceCommand,
) -> Result<(), Failure> {
    let record = match command {
        MaintenanceCommand::List { tool, list: l } => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListMaintenanceRecordsRequest {
                        tool_code: tool.clone().unwrap_or_default(),
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_maintenance_records(request).await?.into_inner();
                    Ok((r.maintenance_records, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        MaintenanceCommand::Get { id } => {
            client
                .get_maintenance_record(pb::GetMaintenanceRecordRequest { id: id.clone() })
                .await?
        }
        MaintenanceCommand::Create {
            tool,
            kind: k,
            date,
            cycle_counter,
            by,
            next_due,
            note,
            request_id: id,
        } => {
            let performed = match date {
                Some(d) => day("date", d)?,
                None => wire_day(today()),
            };
            let record = pb::MaintenanceRecord {
                kind: enum_value(
                    "kind",
                    k,
                    pb::MaintenanceKind::from_str_name,
                    MAINTENANCE_KINDS,
                )?,
                performed_date: Some(performed),
                cycle_counter: opt_count("cycle-counter", cycle_counter.as_ref())?,
                performed_by: user_name(by.as_deref()),
                note: note.clone().unwrap_or_default(),
                next_due_date: opt_day("next-due", next_due.as_ref())?,
                ..Default::default()
            };
            client
                .create_maintenance_record(pb::CreateMaintenanceRecordRequest {
                    tool_code: tool.clone(),
                    maintenance_record: Some(record),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
    };
    show(&record.into_inner(), json);
    Ok(())
}
