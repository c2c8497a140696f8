//! `bascule stock movements …` and `bascule stock rules …`: the ledger and the reorder rules.

use bascule_proto::stock::v1 as pb;

use super::input::{enum_value, time};
use super::output::{list, show};
use super::stock::{Client, MODES, MOVEMENT_KINDS, dec, mask, opt_dec, route};
use super::stock_commands::{MovementCommand, RuleCommand};
use super::{Failure, request_id, user_name};

pub(super) async fn movements(
    client: &mut Client,
    json: bool,
    command: &MovementCommand,
) -> Result<(), Failure> {
    let movement = match command {
        MovementCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListMovementsRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_movements(request).await?.into_inner();
                    Ok((r.movements, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        MovementCommand::Get { id } => {
            client
                .get_movement(pb::GetMovementRequest { id: id.clone() })
                .await?
        }
        MovementCommand::Create {
            kind: k,
            article,
            location,
            quantity,
            to_location,
            reference,
            note,
            at,
            user,
            request_id: id,
        } => {
            let occur_time = at
                .as_deref()
                .map(|a| time("at", a))
                .transpose()?
                .map(bascule_rpc::convert::timestamp);
            client
                .create_movement(pb::CreateMovementRequest {
                    movement: Some(pb::Movement {
                        kind: enum_value(
                            "kind",
                            k,
                            pb::MovementKind::from_str_name,
                            MOVEMENT_KINDS,
                        )?,
                        article_code: article.clone(),
                        location_code: location.clone(),
                        quantity: Some(dec("quantity", quantity)?),
                        to_location_code: to_location.clone().unwrap_or_default(),
                        reference: reference.clone().unwrap_or_default(),
                        note: note.clone().unwrap_or_default(),
                        occur_time,
                        user_name: user_name(user.as_deref()),
                        ..Default::default()
                    }),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        MovementCommand::Reverse {
            id,
            user,
            request_id: rid,
        } => {
            client
                .reverse_movement(pb::ReverseMovementRequest {
                    id: id.clone(),
                    user_name: user_name(user.as_deref()),
                    request_id: request_id(rid.as_deref()),
                })
                .await?
        }
    };
    show(&movement.into_inner(), json);
    Ok(())
}

pub(super) async fn rules(
    client: &mut Client,
    json: bool,
    command: &RuleCommand,
) -> Result<(), Failure> {
    let rule = match command {
        RuleCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListReorderRulesRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_reorder_rules(request).await?.into_inner();
                    Ok((r.reorder_rules, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        RuleCommand::Get { article, location } => {
            client
                .get_reorder_rule(pb::GetReorderRuleRequest {
                    article_code: article.clone(),
                    location_code: location.clone(),
                })
                .await?
        }
        RuleCommand::Create {
            article,
            location,
            min,
            max,
            multiple,
            mode,
            route: r,
            supplier,
            request_id: id,
        } => {
            client
                .create_reorder_rule(pb::CreateReorderRuleRequest {
                    reorder_rule: Some(pb::ReorderRule {
                        article_code: article.clone(),
                        location_code: location.clone(),
                        min_quantity: Some(dec("min", min)?),
                        max_quantity: Some(dec("max", max)?),
                        multiple: Some(dec("multiple", multiple)?),
                        mode: enum_value("mode", mode, pb::ReorderMode::from_str_name, MODES)?,
                        route: route("route", r)?,
                        preferred_supplier_code: supplier.clone().unwrap_or_default(),
                        ..Default::default()
                    }),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        RuleCommand::Update {
            article,
            location,
            min,
            max,
            multiple,
            mode,
            route: r,
            supplier,
            etag,
        } => {
            let update_mask = mask(&[
                ("min_quantity", min.is_some()),
                ("max_quantity", max.is_some()),
                ("multiple", multiple.is_some()),
                ("mode", mode.is_some()),
                ("route", r.is_some()),
                ("preferred_supplier_code", supplier.is_some()),
            ]);
            if update_mask.paths.is_empty() {
                return Err(super::input_error(
                    "nothing to change: give --min, --max, --multiple, --mode, --route or --supplier",
                ));
            }
            client
                .update_reorder_rule(pb::UpdateReorderRuleRequest {
                    reorder_rule: Some(pb::ReorderRule {
                        article_code: article.clone(),
                        location_code: location.clone(),
                        min_quantity: opt_dec("min", min.as_ref())?,
                        max_quantity: opt_dec("max", max.as_ref())?,
                        multiple: opt_dec("multiple", multiple.as_ref())?,
                        mode: mode
                            .as_deref()
                            .map(|m| enum_value("mode", m, pb::ReorderMode::from_str_name, MODES))
                            .transpose()?
                            .unwrap_or_default(),
                        route: r
                            .as_deref()
                            .map(|x| route("route", x))
                            .transpose()?
                            .unwrap_or_default(),
                        preferred_supplier_code: supplier.clone().unwrap_or_default(),
                        etag: etag.clone().unwrap_or_default(),
                        ..Default::default()
                    }),
                    update_mask: Some(update_mask),
                })
                .await?
        }
    };
    show(&rule.into_inner(), json);
    Ok(())
}
