//! `bascule production boms …`, `… orders …` and `… progress …`.

use bascule_proto::production::v1 as pb;
use bascule_proto::stock::v1 as stock;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use tonic::transport::Channel;

use super::super::input::time;
use super::super::output::show;
use super::super::production_views::{
    Totals, list_boms, list_orders, list_progress, show_bom, show_order,
};
use super::super::{Failure, input_error, request_id, user_name};
use super::{
    BomCommand, Client, OrderCommand, OrderState, ProgressCommand, day, dec, etag, mask, opt_day,
    opt_dec, today, wire_day,
};

/// The lines of `--line COMPONENT:QTY[:UNIT]`, numbered from 1; a missing unit is the
/// component's unit in stock, asked of the service at the same address.
async fn bom_lines(channel: &Channel, given: &[String]) -> Result<Vec<pb::BomLine>, Failure> {
    let mut stock_client: Option<StockServiceClient<Channel>> = None;
    let mut lines = Vec::with_capacity(given.len());
    for (no, text) in (1_i64..).zip(given) {
        let mut parts = text.splitn(3, ':').map(str::trim);
        let (component, quantity) = match (parts.next(), parts.next()) {
            (Some(c), Some(q)) if !c.is_empty() => (c, q),
            _ => {
                return Err(input_error(format!(
                    "--line {text:?}: write COMPONENT:QUANTITY or COMPONENT:QUANTITY:UNIT, such as MP-00001:2,5:kg"
                )));
            }
        };
        let quantity = dec("line", quantity)?;
        let unit = match parts.next().filter(|u| !u.is_empty()) {
            Some(u) => u.to_owned(),
            None => {
                let c =
                    stock_client.get_or_insert_with(|| StockServiceClient::new(channel.clone()));
                c.get_article(stock::GetArticleRequest {
                    code: component.to_owned(),
                })
                .await
                .map(|a| a.into_inner().unit)
                .map_err(|s| {
                    input_error(format!(
                        "--line {text:?}: no unit given, and the stock service did not tell {component}'s ({}); write {component}:QUANTITY:UNIT",
                        s.message()
                    ))
                })?
            }
        };
        lines.push(pb::BomLine {
            line_no: no,
            component_code: component.to_owned(),
            quantity: Some(quantity),
            unit,
        });
    }
    Ok(lines)
}

pub(super) async fn boms(
    client: &mut Client,
    channel: &Channel,
    json: bool,
    command: &BomCommand,
) -> Result<(), Failure> {
    let bom = match command {
        BomCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListBillsOfMaterialsRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_bills_of_materials(request).await?.into_inner();
                    Ok((r.bills_of_materials, r.next_page_token))
                })
                .await?;
            list_boms(&items, &next, json);
            return Ok(());
        }
        BomCommand::Get { article } => {
            client
                .get_bill_of_materials(pb::GetBillOfMaterialsRequest {
                    article_code: article.clone(),
                })
                .await?
        }
        BomCommand::Create {
            article,
            name,
            batch,
            lines,
            request_id: id,
        } => {
            let bom = pb::BillOfMaterials {
                article_code: article.clone(),
                name: name.clone(),
                batch_quantity: Some(dec("batch", batch)?),
                lines: bom_lines(channel, lines).await?,
                ..Default::default()
            };
            client
                .create_bill_of_materials(pb::CreateBillOfMaterialsRequest {
                    bill_of_materials: Some(bom),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
    };
    show_bom(&bom.into_inner(), json);
    Ok(())
}

fn state_change(s: &OrderState) -> pb::ChangeManufacturingOrderStateRequest {
    pb::ChangeManufacturingOrderStateRequest {
        mo_number: s.mo_number.clone(),
        etag: etag(s.etag.as_ref()),
    }
}

/// The tool codes given, without the empty ones (`--tool ''` means none).
fn tool_codes(given: &[String]) -> Vec<String> {
    given
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

pub(super) async fn orders(
    client: &mut Client,
    json: bool,
    command: &OrderCommand,
) -> Result<(), Failure> {
    let order = match command {
        OrderCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListManufacturingOrdersRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client
                        .list_manufacturing_orders(request)
                        .await?
                        .into_inner();
                    Ok((r.manufacturing_orders, r.next_page_token))
                })
                .await?;
            list_orders(&items, &next, json);
            return Ok(());
        }
        OrderCommand::Get { mo_number } => {
            client
                .get_manufacturing_order(pb::GetManufacturingOrderRequest {
                    mo_number: mo_number.clone(),
                })
                .await?
        }
        OrderCommand::Create {
            mo_number,
            article,
            quantity,
            start,
            end,
            deadline,
            origin_order,
            customer,
            tools,
            note,
            request_id: id,
        } => {
            let start = match start {
                Some(s) => day("start", s)?,
                None => wire_day(today()),
            };
            let end = match end {
                Some(e) => day("end", e)?,
                None => start,
            };
            let order = pb::ManufacturingOrder {
                mo_number: mo_number.clone(),
                article_code: article.clone(),
                quantity: Some(dec("quantity", quantity)?),
                planned_start_date: Some(start),
                planned_end_date: Some(end),
                deadline_date: opt_day("deadline", deadline.as_ref())?,
                origin_order_number: origin_order.clone().unwrap_or_default(),
                customer_code: customer.clone().unwrap_or_default(),
                tool_codes: tool_codes(tools),
                note: note.clone().unwrap_or_default(),
                ..Default::default()
            };
            client
                .create_manufacturing_order(pb::CreateManufacturingOrderRequest {
                    manufacturing_order: Some(order),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        OrderCommand::Update {
            mo_number,
            article,
            quantity,
            start,
            end,
            deadline,
            origin_order,
            customer,
            tools,
            note,
            etag: e,
        } => {
            let update_mask = mask(
                &[
                    ("article_code", article.is_some()),
                    ("quantity", quantity.is_some()),
                    ("planned_start_date", start.is_some()),
                    ("planned_end_date", end.is_some()),
                    ("deadline_date", deadline.is_some()),
                    ("origin_order_number", origin_order.is_some()),
                    ("customer_code", customer.is_some()),
                    ("tool_codes", !tools.is_empty()),
                    ("note", note.is_some()),
                ],
                "--article, --quantity, --start, --end, --deadline, --origin-order, --customer, --tool or --note",
            )?;
            let order = pb::ManufacturingOrder {
                mo_number: mo_number.clone(),
                article_code: article.clone().unwrap_or_default(),
                quantity: opt_dec("quantity", quantity.as_ref())?,
                planned_start_date: opt_day("start", start.as_ref())?,
                planned_end_date: opt_day("end", end.as_ref())?,
                deadline_date: opt_day("deadline", deadline.as_ref())?,
                origin_order_number: origin_order.clone().unwrap_or_default(),
                customer_code: customer.clone().unwrap_or_default(),
                tool_codes: tool_codes(tools),
                note: note.clone().unwrap_or_default(),
                etag: etag(e.as_ref()),
                ..Default::default()
            };
            client
                .update_manufacturing_order(pb::UpdateManufacturingOrderRequest {
                    manufacturing_order: Some(order),
                    update_mask: Some(update_mask),
                })
                .await?
        }
        OrderCommand::Confirm(s) => client.confirm_manufacturing_order(state_change(s)).await?,
        OrderCommand::Start(s) => client.start_manufacturing_order(state_change(s)).await?,
        OrderCommand::Complete {
            mo_number,
            consume_from,
            output_to,
            quantity,
            user,
            etag: e,
            request_id: id,
        } => {
            client
                .complete_manufacturing_order(pb::CompleteManufacturingOrderRequest {
                    mo_number: mo_number.clone(),
                    etag: etag(e.as_ref()),
                    consume_from_location_code: consume_from.clone(),
                    output_location_code: output_to.clone(),
                    produced_quantity: opt_dec("quantity", quantity.as_ref())?,
                    user_name: user_name(user.as_deref()),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        OrderCommand::Close(s) => client.close_manufacturing_order(state_change(s)).await?,
        OrderCommand::Cancel(s) => client.cancel_manufacturing_order(state_change(s)).await?,
    };
    show_order(&order.into_inner(), json);
    Ok(())
}

pub(super) async fn progress(
    client: &mut Client,
    json: bool,
    command: &ProgressCommand,
) -> Result<(), Failure> {
    match command {
        ProgressCommand::List { mo_number, list: l } => {
            // Each page is kept whole: its totals cover every entry of the order.
            let (pages, next) = l
                .fetch(async |token| {
                    let request = pb::ListProgressEntriesRequest {
                        mo_number: mo_number.clone(),
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_progress_entries(request).await?.into_inner();
                    let next = r.next_page_token.clone();
                    Ok((vec![r], next))
                })
                .await?;
            let entries: Vec<pb::ProgressEntry> = pages
                .iter()
                .flat_map(|p| p.progress_entries.iter().cloned())
                .collect();
            let last = pages.last();
            let totals = Totals {
                good: last.and_then(|p| p.total_good_quantity.as_ref()),
                scrap: last.and_then(|p| p.total_scrap_quantity.as_ref()),
                remaining: last.and_then(|p| p.remaining_quantity.as_ref()),
            };
            list_progress(&entries, &next, &totals, json);
        }
        ProgressCommand::Add {
            mo_number,
            good,
            scrap,
            operator,
            station,
            at,
            note,
            request_id: id,
        } => {
            let entry = pb::ProgressEntry {
                entry_time: at
                    .as_deref()
                    .map(|a| time("at", a))
                    .transpose()?
                    .map(bascule_rpc::convert::timestamp),
                good_quantity: opt_dec("good", good.as_ref())?,
                scrap_quantity: opt_dec("scrap", scrap.as_ref())?,
                operator: operator.clone(),
                work_station: station.clone(),
                note: note.clone().unwrap_or_default(),
                ..Default::default()
            };
            let entry = client
                .create_progress_entry(pb::CreateProgressEntryRequest {
                    mo_number: mo_number.clone(),
                    progress_entry: Some(entry),
                    request_id: request_id(id.as_deref()),
                })
                .await?
                .into_inner();
            show(&entry, json);
        }
    }
    Ok(())
}
