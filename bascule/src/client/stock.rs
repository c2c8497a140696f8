//! `bascule stock …`: articles, locations, levels, movements, counts, reorder rules and
//! replenishment requests, through the stock service.

use bascule_proto::google::r#type::Decimal as WireDecimal;
use bascule_proto::stock::v1 as pb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use clap::Subcommand;
use prost_types::FieldMask;
use tonic::transport::Channel;

use super::input::{boolean, decimal, enum_value, time};
use super::output::{list, show};
use super::{Failure, ListArgs, request_id, user_name};

type Client = StockServiceClient<Channel>;

const KINDS: &[&str] = &[
    "RAW_MATERIAL",
    "COMPONENT",
    "CONSUMABLE",
    "PACKAGING",
    "SEMI_FINISHED",
    "FINISHED_GOOD",
];
const ROUTES: &[&str] = &["BUY", "MANUFACTURE"];
const MOVEMENT_KINDS: &[&str] = &[
    "RECEIPT",
    "ISSUE",
    "TRANSFER",
    "ADJUSTMENT",
    "PRODUCTION_CONSUMPTION",
    "PRODUCTION_OUTPUT",
    "DELIVERY",
];
const MODES: &[&str] = &["AUTO", "MANUAL"];

#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// Articles: what is stocked.
    Articles {
        #[command(subcommand)]
        command: ArticleCommand,
    },
    /// Locations: where it is stocked.
    Locations {
        #[command(subcommand)]
        command: LocationCommand,
    },
    /// Stock levels: on hand, reserved, incoming, forecast.
    Levels {
        #[command(subcommand)]
        command: LevelCommand,
    },
    /// The movement ledger: receipts, issues, transfers… (create and reverse only).
    Movements {
        #[command(subcommand)]
        command: MovementCommand,
    },
    /// Record a stock count: the adjustment that brings on-hand to what was counted.
    Adjust {
        article: String,
        location: String,
        /// The quantity counted (12,5 or 1 234).
        #[arg(long)]
        counted: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Reorder rules: minimum, maximum and how to replenish.
    Rules {
        #[command(subcommand)]
        command: RuleCommand,
    },
    /// Compare forecasts with the reorder rules and raise replenishment requests.
    ReorderCheck {
        /// Also raise requests for MANUAL rules.
        #[arg(long)]
        include_manual: bool,
    },
    /// Replenishment requests raised by the reorder check.
    Requests {
        #[command(subcommand)]
        command: RequestCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ArticleCommand {
    List(ListArgs),
    Get {
        code: String,
    },
    Create {
        code: String,
        #[arg(long)]
        name: String,
        /// raw-material, component, consumable, packaging, semi-finished, finished-good.
        #[arg(long)]
        kind: String,
        /// Unit of measure: pce, kg, m, L…
        #[arg(long)]
        unit: String,
        /// buy or manufacture.
        #[arg(long, default_value = "buy")]
        replenishment: String,
        #[arg(long)]
        unit_cost: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields only.
    Update {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        replenishment: Option<String>,
        /// A price, or "" to forget it.
        #[arg(long)]
        unit_cost: Option<String>,
        /// oui or non.
        #[arg(long)]
        active: Option<String>,
        /// Refuse the change if the article changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LocationCommand {
    List(ListArgs),
    Get {
        code: String,
    },
    Create {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        warehouse: String,
        #[arg(long)]
        request_id: Option<String>,
    },
    Update {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        warehouse: Option<String>,
        #[arg(long)]
        active: Option<String>,
        #[arg(long)]
        etag: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LevelCommand {
    List(ListArgs),
    Get { article: String, location: String },
}

#[derive(Debug, Subcommand)]
pub enum MovementCommand {
    List(ListArgs),
    Get {
        id: String,
    },
    Create {
        /// receipt, issue, transfer, adjustment, production-consumption, production-output, delivery.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        article: String,
        #[arg(long)]
        location: String,
        /// Signed: positive into the location, negative out of it ("-4", "1 234,5").
        #[arg(long, allow_hyphen_values = true)]
        quantity: String,
        /// For a transfer.
        #[arg(long)]
        to_location: Option<String>,
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// When it happened (31/01/2025 or an RFC 3339 time); default now.
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Append the movement that cancels another.
    Reverse {
        id: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    List(ListArgs),
    Get {
        article: String,
        location: String,
    },
    Create {
        article: String,
        location: String,
        #[arg(long)]
        min: String,
        #[arg(long)]
        max: String,
        #[arg(long, default_value = "1")]
        multiple: String,
        /// auto or manual.
        #[arg(long, default_value = "manual")]
        mode: String,
        /// buy or manufacture.
        #[arg(long, default_value = "buy")]
        route: String,
        #[arg(long)]
        supplier: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    Update {
        article: String,
        location: String,
        #[arg(long)]
        min: Option<String>,
        #[arg(long)]
        max: Option<String>,
        #[arg(long)]
        multiple: Option<String>,
        #[arg(long)]
        mode: Option<String>,
        #[arg(long)]
        route: Option<String>,
        #[arg(long)]
        supplier: Option<String>,
        #[arg(long)]
        etag: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    List(ListArgs),
    Get { id: String },
}

fn dec(field: &str, text: &str) -> Result<WireDecimal, Failure> {
    Ok(WireDecimal {
        value: decimal(field, text)?.to_string(),
    })
}

fn opt_dec(field: &str, text: Option<&String>) -> Result<Option<WireDecimal>, Failure> {
    text.filter(|t| !t.is_empty())
        .map(|t| dec(field, t))
        .transpose()
}

/// The mask of the fields given on the command line.
fn mask(given: &[(&str, bool)]) -> FieldMask {
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

fn route(field: &str, text: &str) -> Result<i32, Failure> {
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

async fn movements(
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

async fn rules(client: &mut Client, json: bool, command: &RuleCommand) -> Result<(), Failure> {
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
