//! Production's reactivation probes: tools and manufacturing orders answer; a tool made
//! for the check is checked out, runs cycles, is released and maintained, and releasing
//! it when it is available is refused. No order is completed: that posts to stock.

use bascule_platform::db::Db;
use bascule_platform::db::purge::Seed;
use bascule_platform::db::schema::SchemaName;
use bascule_proto::production::v1 as pb;
use bascule_proto::production::v1::production_service_client::ProductionServiceClient;
use chrono::Datelike;
use tonic::Code;
use tonic::transport::Channel;

use super::{Created, Pass, listed, said};
use crate::reactivate::integrity::table_rows;
use crate::reactivate::outcome::Checks;

pub async fn data(db: &Db, channel: Channel, checks: &mut Checks) -> anyhow::Result<()> {
    let mut c = ProductionServiceClient::new(channel);
    let rows = table_rows(db, SchemaName::Production, "tool").await?;
    let page = c
        .list_tools(pb::ListToolsRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .tools
                .into_iter()
                .map(|t| t.code)
                .collect::<Vec<_>>()
        });
    let read_back = match page.as_ref().ok().and_then(|k| k.first()) {
        Some(code) => Some(
            c.get_tool(pb::GetToolRequest { code: code.clone() })
                .await
                .map(|_| ()),
        ),
        None => None,
    };
    listed(checks, "tools", rows, page, read_back);

    let rows = table_rows(db, SchemaName::Production, "manufacturing_order").await?;
    let page = c
        .list_manufacturing_orders(pb::ListManufacturingOrdersRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .manufacturing_orders
                .into_iter()
                .map(|o| o.mo_number)
                .collect::<Vec<_>>()
        });
    let read_back = match page.as_ref().ok().and_then(|k| k.first()) {
        Some(number) => Some(
            c.get_manufacturing_order(pb::GetManufacturingOrderRequest {
                mo_number: number.clone(),
            })
            .await
            .map(|_| ()),
        ),
        None => None,
    };
    listed(checks, "manufacturing orders", rows, page, read_back);
    Ok(())
}

fn date(d: chrono::NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: i32::try_from(d.month()).unwrap_or(1),
        day: i32::try_from(d.day()).unwrap_or(1),
    }
}

type Client =
    ProductionServiceClient<tonic::service::interceptor::InterceptedService<Channel, Pass>>;

/// The tool's state change `what`, expected to leave it in `expected`.
fn in_state(
    step: Result<tonic::Response<pb::Tool>, tonic::Status>,
    what: &str,
    expected: pb::ToolState,
) -> Result<String, String> {
    match step {
        Err(s) => Err(said(&s)),
        Ok(t) => match t.into_inner().state() {
            state if state == expected => Ok(format!("{what}: {}", expected.as_str_name())),
            state => Err(format!(
                "{what}: the tool is {}, not {}",
                state.as_str_name(),
                expected.as_str_name()
            )),
        },
    }
}

fn state_change(code: &str) -> pb::ChangeToolStateRequest {
    pb::ChangeToolStateRequest {
        code: code.into(),
        etag: String::new(),
    }
}

/// Runs the operations; returns what to remove, even when a step failed.
pub async fn processes(channel: Channel, pass: Pass, tag: &str, checks: &mut Checks) -> Created {
    let code = format!("ZZ-CHECK-{tag}");
    // Maintenance records refer to the tool.
    let mut created = vec![Seed::new("tool", "code", code.as_str())];
    let mut c: Client = ProductionServiceClient::with_interceptor(channel, pass);
    let remedy = "read the service's log for this request; the operation must work before the domain goes live";

    let step = c
        .create_tool(pb::CreateToolRequest {
            tool: Some(pb::Tool {
                code: code.clone(),
                name: "Outil de contrôle (réactivation)".into(),
                kind: pb::ToolKind::Other as i32,
                location: "CHECK".into(),
                max_cycles_between_maintenance: Some(1000),
                note: "REACTIVATION-CHECK".into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await;
    checks.record(
        "create a tool",
        in_state(
            step,
            &format!("tool {code} created"),
            pb::ToolState::Available,
        ),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }

    let step = c.check_out_tool(state_change(&code)).await;
    checks.record(
        "check the tool out",
        in_state(step, "checked out", pb::ToolState::InUse),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .record_tool_cycles(pb::RecordToolCyclesRequest {
            code: code.clone(),
            cycles: 25,
            request_id: String::new(),
        })
        .await;
    let outcome = match step {
        Err(s) => Err(said(&s)),
        Ok(t) => {
            let t = t.into_inner();
            if t.cycle_counter == 25 && t.cycles_to_maintenance == Some(975) {
                Ok("25 cycles recorded: counter 25, 975 left before maintenance".to_owned())
            } else {
                Err(format!(
                    "after 25 cycles the counter is {} and {:?} are left before maintenance",
                    t.cycle_counter, t.cycles_to_maintenance
                ))
            }
        }
    };
    checks.record("record cycles run", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }

    let step = c.release_tool(state_change(&code)).await;
    checks.record(
        "release the tool",
        in_state(step, "released", pb::ToolState::Available),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }

    let today = chrono::Utc::now().date_naive();
    let step = c
        .create_maintenance_record(pb::CreateMaintenanceRecordRequest {
            tool_code: code.clone(),
            maintenance_record: Some(pb::MaintenanceRecord {
                kind: pb::MaintenanceKind::Preventive as i32,
                performed_date: Some(date(today)),
                performed_by: "bascule reactivate".into(),
                note: "REACTIVATION-CHECK".into(),
                next_due_date: Some(date(today + chrono::Days::new(30))),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await;
    let outcome = match step {
        Err(s) => Err(said(&s)),
        Ok(m) => {
            let id = m.into_inner().id;
            created.push(Seed::new("maintenance_record", "id", id.as_str()));
            match c.get_tool(pb::GetToolRequest { code: code.clone() }).await {
                Err(s) => Err(format!(
                    "maintenance {id} recorded, the tool cannot be read: {}",
                    said(&s)
                )),
                Ok(t) => {
                    let t = t.into_inner();
                    if t.cycles_at_last_maintenance == 25 && t.cycles_to_maintenance == Some(1000) {
                        Ok(format!(
                            "maintenance {id} recorded at 25 cycles: 1000 left again"
                        ))
                    } else {
                        Err(format!(
                            "after maintenance at 25 cycles the tool reads {} at the last maintenance and {:?} left",
                            t.cycles_at_last_maintenance, t.cycles_to_maintenance
                        ))
                    }
                }
            }
        }
    };
    checks.record("record a maintenance", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }

    let step = c.release_tool(state_change(&code)).await;
    let outcome = match step {
        Err(s) if s.code() == Code::FailedPrecondition => {
            Ok("releasing an available tool is refused".to_owned())
        }
        Err(s) => Err(format!(
            "refused, but not as a transition the tool does not allow: {}",
            said(&s)
        )),
        Ok(_) => Err("an available tool was released again".to_owned()),
    };
    checks.record(
        "refuse a transition the tool does not allow",
        outcome,
        remedy,
    );
    created
}
