//! `bascule stock …`: articles, locations, levels, movements, counts, reorder rules and
//! replenishment requests, through the stock service.

use bascule_proto::google::r#type::Decimal as WireDecimal;
use bascule_proto::stock::v1 as pb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use prost_types::FieldMask;
use tonic::transport::Channel;

use super::input::{boolean, decimal, enum_value};
use super::output::{list, show};
pub use super::stock_commands::StockCommand;
use super::stock_commands::{ArticleCommand, LevelCommand, LocationCommand, RequestCommand};
use super::stock_moves::{movements, rules};
use super::{Failure, request_id, user_name};

pub(super) type Client = StockServiceClient<Channel>;

const KINDS: &[&str] = &[
    "RAW_MATERIAL",
    "COMPONENT",
    "CONSUMABLE",
    "PACKAGING",
    "SEMI_FINISHED",
    "FINISHED_GOOD",
];
const ROUTES: &[&str] = &["BUY", "MANUFACTURE"];
pub(super) const MOVEMENT_KINDS: &[&str] = &[
    "RECEIPT",
    "ISSUE",
    "TRANSFER",
    "ADJUSTMENT",
    "PRODUCTION_CONSUMPTION",
    "PRODUCTION_OUTPUT",
    "DELIVERY",
];
pub(super) const MODES: &[&str] = &["AUTO", "MANUAL"];

pub(super) fn dec(field: &str, text: &str) -> Result<WireDecimal, Failure> {
    Ok(WireDecimal {
        value: decimal(field, text)?.to_string(),
    })
}

pub(super) fn opt_dec(field: &str, text: Option<&String>) -> Result<Option<WireDecimal>, Failure> {
    text.filter(|t| !t.is_empty())
        .map(|t| dec(field, t))
        .transpose()
}

/// The mask of the fields given on the command line.
pub(super) fn mask(given: &[(&str, bool)]) -> FieldMask {
    FieldMask {
        paths: given
            .iter()
            .filter(|(_, set)| *set)
            .map(|(p, _)| (*p).to_owned())
            .collect(),
    }
}

fn kind(text: &str) -> Result<i32, Failure> {
    enum_value("kind", text, pb::ArticleKind::from_str_name, KINDS)
}

pub(super) fn route(field: &str, text: &str) -> Result<i32, Failure> {
    enum_value(field, text, pb::Replenishment::from_str_name, ROUTES)
}

/// Runs `command` on a channel to the service (see [`super::run`]).
pub async fn execute(channel: Channel, json: bool, command: &StockCommand) -> Result<(), Failure> {
    let client = &mut StockServiceClient::new(channel);
    match command {
        StockCommand::Articles { command } => articles(client, json, command).await,
        StockCommand::Locations { command } => locations(client, json, command).await,
        StockCommand::Levels { command } => levels(client, json, command).await,
        StockCommand::Movements { command } => movements(client, json, command).await,
        StockCommand::Adjust {
            article,
            location,
            counted,
            note,
            user,
            request_id: id,
        } => {
            let done = client
                .create_adjustment(pb::CreateAdjustmentRequest {
                    article_code: article.clone(),
                    location_code: location.clone(),
                    counted_quantity: Some(dec("counted", counted)?),
                    user_name: user_name(user.as_deref()),
                    note: note.clone().unwrap_or_default(),
                    request_id: request_id(id.as_deref()),
                })
                .await?
                .into_inner();
            match &done.movement {
                Some(m) => show(m, json),
                None if !json => println!("the count equals what was on hand: nothing to adjust"),
                None => {}
            }
            if let Some(level) = &done.stock_level {
                show(level, json);
            }
            Ok(())
        }
        StockCommand::Rules { command } => rules(client, json, command).await,
        StockCommand::ReorderCheck { include_manual } => {
            let done = client
                .run_reorder_check(pb::RunReorderCheckRequest {
                    include_manual: *include_manual,
                })
                .await?
                .into_inner();
            if json {
                list(&done.raised, "", true);
            } else {
                println!(
                    "{} rules checked, {} requests raised, {} needs already requested, {} MANUAL rules below minimum",
                    done.rules_checked,
                    done.raised.len(),
                    done.already_requested,
                    done.below_minimum.len()
                );
                if !done.raised.is_empty() {
                    list(&done.raised, "", false);
                }
                if !done.below_minimum.is_empty() {
                    println!("below minimum (MANUAL rules, not raised):");
                    list(&done.below_minimum, "", false);
                }
            }
            Ok(())
        }
        StockCommand::Requests { command } => match command {
            RequestCommand::List(l) => {
                let (items, next) = l
                    .fetch(async |token| {
                        let request = pb::ListReplenishmentRequestsRequest {
                            page_size: l.page_size,
                            page_token: token,
                            filter: l.filter(),
                            order_by: l.order_by(),
                        };
                        let r = client
                            .list_replenishment_requests(request)
                            .await?
                            .into_inner();
                        Ok((r.replenishment_requests, r.next_page_token))
                    })
                    .await?;
                list(&items, &next, json);
                Ok(())
            }
            RequestCommand::Get { id } => {
                let r = client
                    .get_replenishment_request(pb::GetReplenishmentRequestRequest {
                        id: id.clone(),
                    })
                    .await?
                    .into_inner();
                show(&r, json);
                Ok(())
            }
        },
    }
}

async fn articles(
    client: &mut Client,
    json: bool,
    command: &ArticleCommand,
) -> Result<(), Failure> {
    let article = match command {
        ArticleCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListArticlesRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_articles(request).await?.into_inner();
                    Ok((r.articles, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        ArticleCommand::Get { code } => {
            client
                .get_article(pb::GetArticleRequest { code: code.clone() })
                .await?
        }
        ArticleCommand::Create {
            code,
            name,
            kind: k,
            unit,
            replenishment,
            unit_cost,
            request_id: id,
        } => {
            let article = pb::Article {
                code: code.clone(),
                name: name.clone(),
                kind: kind(k)?,
                unit: unit.clone(),
                replenishment: route("replenishment", replenishment)?,
                active: true,
                unit_cost: opt_dec("unit-cost", unit_cost.as_ref())?,
                ..Default::default()
            };
            client
                .create_article(pb::CreateArticleRequest {
                    article: Some(article),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        ArticleCommand::Update {
            code,
            name,
            kind: k,
            unit,
            replenishment,
            unit_cost,
            active,
            etag,
        } => {
            let article = pb::Article {
                code: code.clone(),
                name: name.clone().unwrap_or_default(),
                kind: k.as_deref().map(kind).transpose()?.unwrap_or_default(),
                unit: unit.clone().unwrap_or_default(),
                replenishment: replenishment
                    .as_deref()
                    .map(|r| route("replenishment", r))
                    .transpose()?
                    .unwrap_or_default(),
                unit_cost: opt_dec("unit-cost", unit_cost.as_ref())?,
                active: active
                    .as_deref()
                    .map(|a| boolean("active", a))
                    .transpose()?
                    .unwrap_or_default(),
                etag: etag.clone().unwrap_or_default(),
                ..Default::default()
            };
            let update_mask = mask(&[
                ("name", name.is_some()),
                ("kind", k.is_some()),
                ("unit", unit.is_some()),
                ("replenishment", replenishment.is_some()),
                ("unit_cost", unit_cost.is_some()),
                ("active", active.is_some()),
            ]);
            if update_mask.paths.is_empty() {
                return Err(super::input_error(
                    "nothing to change: give --name, --kind, --unit, --replenishment, --unit-cost or --active",
                ));
            }
            client
                .update_article(pb::UpdateArticleRequest {
                    article: Some(article),
                    update_mask: Some(update_mask),
                })
                .await?
        }
    };
    show(&article.into_inner(), json);
    Ok(())
}

async fn locations(
    client: &mut Client,
    json: bool,
    command: &LocationCommand,
) -> Result<(), Failure> {
    let location = match command {
        LocationCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListLocationsRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_locations(request).await?.into_inner();
                    Ok((r.locations, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        LocationCommand::Get { code } => {
            client
                .get_location(pb::GetLocationRequest { code: code.clone() })
                .await?
        }
        LocationCommand::Create {
            code,
            name,
            warehouse,
            request_id: id,
        } => {
            client
                .create_location(pb::CreateLocationRequest {
                    location: Some(pb::Location {
                        code: code.clone(),
                        name: name.clone(),
                        warehouse: warehouse.clone(),
                        active: true,
                        ..Default::default()
                    }),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        LocationCommand::Update {
            code,
            name,
            warehouse,
            active,
            etag,
        } => {
            let update_mask = mask(&[
                ("name", name.is_some()),
                ("warehouse", warehouse.is_some()),
                ("active", active.is_some()),
            ]);
            if update_mask.paths.is_empty() {
                return Err(super::input_error(
                    "nothing to change: give --name, --warehouse or --active",
                ));
            }
            client
                .update_location(pb::UpdateLocationRequest {
                    location: Some(pb::Location {
                        code: code.clone(),
                        name: name.clone().unwrap_or_default(),
                        warehouse: warehouse.clone().unwrap_or_default(),
                        active: active
                            .as_deref()
                            .map(|a| boolean("active", a))
                            .transpose()?
                            .unwrap_or_default(),
                        etag: etag.clone().unwrap_or_default(),
                        ..Default::default()
                    }),
                    update_mask: Some(update_mask),
                })
                .await?
        }
    };
    show(&location.into_inner(), json);
    Ok(())
}

async fn levels(client: &mut Client, json: bool, command: &LevelCommand) -> Result<(), Failure> {
    match command {
        LevelCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListStockLevelsRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_stock_levels(request).await?.into_inner();
                    Ok((r.stock_levels, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
        }
        LevelCommand::Get { article, location } => {
            let level = client
                .get_stock_level(pb::GetStockLevelRequest {
                    article_code: article.clone(),
                    location_code: location.clone(),
                })
                .await?
                .into_inner();
            show(&level, json);
        }
    }
    Ok(())
}
