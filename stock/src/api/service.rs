//! The StockService handlers.

use std::sync::Arc;

use bascule_platform::db::Db;
use bascule_proto::stock::v1 as pb;
use bascule_proto::stock::v1::stock_service_server::{StockService, StockServiceServer};
use bascule_rpc::convert::{mask_paths, optional_text, parse_decimal, revision_from_etag};
use bascule_rpc::handler::{self, next_token, page_query, required};
use bascule_rpc::{ApiResult, LiveGate, RequestLog, list_params};
use tonic::{Request, Response, Status};

use super::{ERROR_DOMAIN, convert as c, fields};
use crate::notify::MailAddresses;
use crate::storage::StockStore;

#[derive(Debug, Clone)]
pub struct StockApi {
    store: StockStore,
    gate: Arc<LiveGate>,
    requests: RequestLog,
    /// Who the reorder check's e-mails go to; `None`: the check writes no e-mail.
    mail: Option<Arc<MailAddresses>>,
}

/// The domain name in the control schema.
const DOMAIN: &str = "stock";

impl StockApi {
    pub fn new(db: Db) -> Self {
        StockApi {
            store: StockStore::new(db.clone()),
            gate: Arc::new(LiveGate::new(db.clone(), DOMAIN)),
            requests: RequestLog::new(db, DOMAIN),
            mail: None,
        }
    }

    /// The same service with its e-mails on: each request the reorder check raises
    /// writes its e-mail in its transaction (see [`crate::notify`]), for the stock
    /// relay to send (with a [`crate::notify::StockComposer`] for the suppliers' ones).
    pub fn with_mail(mut self, addresses: MailAddresses) -> Self {
        self.mail = Some(Arc::new(addresses));
        self
    }

    pub fn into_server(self) -> StockServiceServer<Self> {
        StockServiceServer::new(self)
    }
}

fn reply<T>(result: ApiResult<T>) -> Result<Response<T>, Status> {
    handler::reply(ERROR_DOMAIN, result)
}

impl StockApi {
    async fn list<T, P>(
        &self,
        fields: &[bascule_rpc::Field],
        page_size: i32,
        page_token: &str,
        filter: &str,
        order_by: &str,
        convert: impl Fn(bascule_platform::db::record::Stored<T>) -> P,
    ) -> ApiResult<(Vec<P>, String)>
    where
        T: bascule_platform::db::record::Record,
    {
        self.gate.check_read().await?;
        let params = list_params(fields, page_size, page_token, filter, order_by)?;
        let page = self.store.search::<T>(&page_query(&params, &[])).await?;
        let token = next_token(&page);
        Ok((page.items.into_iter().map(convert).collect(), token))
    }
}

#[tonic::async_trait]
impl StockService for StockApi {
    async fn get_article(
        &self,
        request: Request<pb::GetArticleRequest>,
    ) -> Result<Response<pb::Article>, Status> {
        reply(
            async {
                self.gate.check_read().await?;
                Ok(c::article(
                    self.store.get_article(&request.get_ref().code).await?,
                ))
            }
            .await,
        )
    }

    async fn list_articles(
        &self,
        request: Request<pb::ListArticlesRequest>,
    ) -> Result<Response<pb::ListArticlesResponse>, Status> {
        let r = request.into_inner();
        reply(
            self.list(
                fields::ARTICLES,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
                c::article,
            )
            .await
            .map(|(articles, next_page_token)| pb::ListArticlesResponse {
                articles,
                next_page_token,
            }),
        )
    }

    async fn create_article(
        &self,
        request: Request<pb::CreateArticleRequest>,
    ) -> Result<Response<pb::Article>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let article = c::article_from(required("article", r.article.as_ref())?)?;
                self.requests
                    .once("CreateArticle", &r.request_id, &r, || async {
                        Ok(c::article(self.store.create_article(article).await?))
                    })
                    .await
            }
            .await,
        )
    }

    async fn update_article(
        &self,
        request: Request<pb::UpdateArticleRequest>,
    ) -> Result<Response<pb::Article>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let given = required("article", r.article.as_ref())?;
                let paths = mask_paths(
                    r.update_mask.as_ref(),
                    &[
                        "name",
                        "kind",
                        "unit",
                        "replenishment",
                        "active",
                        "unit_cost",
                    ],
                )?;
                let current = self.store.get_article(&given.code).await?;
                let revision = revision_from_etag(&given.etag, current.revision)?;
                let mut merged = c::article(current);
                for path in paths {
                    match path {
                        "name" => merged.name.clone_from(&given.name),
                        "kind" => merged.kind = given.kind,
                        "unit" => merged.unit.clone_from(&given.unit),
                        "replenishment" => merged.replenishment = given.replenishment,
                        "active" => merged.active = given.active,
                        _ => merged.unit_cost.clone_from(&given.unit_cost),
                    }
                }
                let article = c::article_from(&merged)?;
                Ok(c::article(
                    self.store
                        .update_article(&given.code, revision, article)
                        .await?,
                ))
            }
            .await,
        )
    }

    async fn get_location(
        &self,
        request: Request<pb::GetLocationRequest>,
    ) -> Result<Response<pb::Location>, Status> {
        reply(
            async {
                self.gate.check_read().await?;
                Ok(c::location(
                    self.store.get_location(&request.get_ref().code).await?,
                ))
            }
            .await,
        )
    }

    async fn list_locations(
        &self,
        request: Request<pb::ListLocationsRequest>,
    ) -> Result<Response<pb::ListLocationsResponse>, Status> {
        let r = request.into_inner();
        reply(
            self.list(
                fields::LOCATIONS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
                c::location,
            )
            .await
            .map(|(locations, next_page_token)| pb::ListLocationsResponse {
                locations,
                next_page_token,
            }),
        )
    }

    async fn create_location(
        &self,
        request: Request<pb::CreateLocationRequest>,
    ) -> Result<Response<pb::Location>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let location = c::location_from(required("location", r.location.as_ref())?)?;
                self.requests
                    .once("CreateLocation", &r.request_id, &r, || async {
                        Ok(c::location(self.store.create_location(location).await?))
                    })
                    .await
            }
            .await,
        )
    }

    async fn update_location(
        &self,
        request: Request<pb::UpdateLocationRequest>,
    ) -> Result<Response<pb::Location>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let given = required("location", r.location.as_ref())?;
                let paths = mask_paths(r.update_mask.as_ref(), &["name", "warehouse", "active"])?;
                let current = self.store.get_location(&given.code).await?;
                let revision = revision_from_etag(&given.etag, current.revision)?;
                let mut merged = c::location(current);
                for path in paths {
                    match path {
                        "name" => merged.name.clone_from(&given.name),
                        "warehouse" => merged.warehouse.clone_from(&given.warehouse),
                        _ => merged.active = given.active,
                    }
                }
                let location = c::location_from(&merged)?;
                Ok(c::location(
                    self.store
                        .update_location(&given.code, revision, location)
                        .await?,
                ))
            }
            .await,
        )
    }

    async fn get_stock_level(
        &self,
        request: Request<pb::GetStockLevelRequest>,
    ) -> Result<Response<pb::StockLevel>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_read().await?;
                if let Some(found) = self
                    .store
                    .find_level(&r.article_code, &r.location_code)
                    .await?
                {
                    return Ok(c::stored_level(found));
                }
                // Nothing ever moved there: zero, provided both exist.
                self.store.get_article(&r.article_code).await?;
                self.store.get_location(&r.location_code).await?;
                Ok(c::level(
                    crate::domain::StockLevel::empty(&r.article_code, &r.location_code),
                    None,
                ))
            }
            .await,
        )
    }

    async fn list_stock_levels(
        &self,
        request: Request<pb::ListStockLevelsRequest>,
    ) -> Result<Response<pb::ListStockLevelsResponse>, Status> {
        let r = request.into_inner();
        reply(
            self.list(
                fields::LEVELS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
                c::stored_level,
            )
            .await
            .map(
                |(stock_levels, next_page_token)| pb::ListStockLevelsResponse {
                    stock_levels,
                    next_page_token,
                },
            ),
        )
    }

    async fn get_movement(
        &self,
        request: Request<pb::GetMovementRequest>,
    ) -> Result<Response<pb::Movement>, Status> {
        reply(
            async {
                self.gate.check_read().await?;
                Ok(c::movement(
                    self.store.get_movement(&request.get_ref().id).await?,
                ))
            }
            .await,
        )
    }

    async fn list_movements(
        &self,
        request: Request<pb::ListMovementsRequest>,
    ) -> Result<Response<pb::ListMovementsResponse>, Status> {
        let r = request.into_inner();
        reply(
            self.list(
                fields::MOVEMENTS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
                c::movement,
            )
            .await
            .map(|(movements, next_page_token)| pb::ListMovementsResponse {
                movements,
                next_page_token,
            }),
        )
    }

    async fn create_movement(
        &self,
        request: Request<pb::CreateMovementRequest>,
    ) -> Result<Response<pb::Movement>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let movement = c::new_movement(required("movement", r.movement.as_ref())?)?;
                self.requests
                    .once("CreateMovement", &r.request_id, &r, || async {
                        Ok(c::movement(self.store.append_movement(movement).await?))
                    })
                    .await
            }
            .await,
        )
    }

    async fn reverse_movement(
        &self,
        request: Request<pb::ReverseMovementRequest>,
    ) -> Result<Response<pb::Movement>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                self.requests
                    .once("ReverseMovement", &r.request_id, &r, || async {
                        Ok(c::movement(
                            self.store.reverse_movement(&r.id, &r.user_name).await?,
                        ))
                    })
                    .await
            }
            .await,
        )
    }

    async fn create_adjustment(
        &self,
        request: Request<pb::CreateAdjustmentRequest>,
    ) -> Result<Response<pb::CreateAdjustmentResponse>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let counted = parse_decimal("counted_quantity", r.counted_quantity.as_ref())?;
                self.requests
                    .once("CreateAdjustment", &r.request_id, &r, || async {
                        let (movement, level) = self
                            .store
                            .count_stock(
                                &r.article_code,
                                &r.location_code,
                                counted,
                                &r.user_name,
                                optional_text(&r.note),
                            )
                            .await?;
                        Ok(pb::CreateAdjustmentResponse {
                            movement: movement.map(c::movement),
                            stock_level: Some(c::level(level, None)),
                        })
                    })
                    .await
            }
            .await,
        )
    }

    async fn get_reorder_rule(
        &self,
        request: Request<pb::GetReorderRuleRequest>,
    ) -> Result<Response<pb::ReorderRule>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_read().await?;
                Ok(c::rule(
                    self.store
                        .get_reorder_rule(&r.article_code, &r.location_code)
                        .await?,
                ))
            }
            .await,
        )
    }

    async fn list_reorder_rules(
        &self,
        request: Request<pb::ListReorderRulesRequest>,
    ) -> Result<Response<pb::ListReorderRulesResponse>, Status> {
        let r = request.into_inner();
        reply(
            self.list(
                fields::REORDER_RULES,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
                c::rule,
            )
            .await
            .map(
                |(reorder_rules, next_page_token)| pb::ListReorderRulesResponse {
                    reorder_rules,
                    next_page_token,
                },
            ),
        )
    }

    async fn create_reorder_rule(
        &self,
        request: Request<pb::CreateReorderRuleRequest>,
    ) -> Result<Response<pb::ReorderRule>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let rule = c::rule_from(required("reorder_rule", r.reorder_rule.as_ref())?)?;
                self.requests
                    .once("CreateReorderRule", &r.request_id, &r, || async {
                        Ok(c::rule(self.store.create_reorder_rule(rule).await?))
                    })
                    .await
            }
            .await,
        )
    }

    async fn update_reorder_rule(
        &self,
        request: Request<pb::UpdateReorderRuleRequest>,
    ) -> Result<Response<pb::ReorderRule>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let given = required("reorder_rule", r.reorder_rule.as_ref())?;
                let paths = mask_paths(
                    r.update_mask.as_ref(),
                    &[
                        "min_quantity",
                        "max_quantity",
                        "multiple",
                        "mode",
                        "route",
                        "preferred_supplier_code",
                    ],
                )?;
                let current = self
                    .store
                    .get_reorder_rule(&given.article_code, &given.location_code)
                    .await?;
                let revision = revision_from_etag(&given.etag, current.revision)?;
                let mut merged = c::rule(current);
                for path in paths {
                    match path {
                        "min_quantity" => merged.min_quantity.clone_from(&given.min_quantity),
                        "max_quantity" => merged.max_quantity.clone_from(&given.max_quantity),
                        "multiple" => merged.multiple.clone_from(&given.multiple),
                        "mode" => merged.mode = given.mode,
                        "route" => merged.route = given.route,
                        _ => merged
                            .preferred_supplier_code
                            .clone_from(&given.preferred_supplier_code),
                    }
                }
                let rule = c::rule_from(&merged)?;
                Ok(c::rule(
                    self.store.update_reorder_rule(revision, rule).await?,
                ))
            }
            .await,
        )
    }

    async fn run_reorder_check(
        &self,
        request: Request<pb::RunReorderCheckRequest>,
    ) -> Result<Response<pb::RunReorderCheckResponse>, Status> {
        let r = request.into_inner();
        reply(
            async {
                self.gate.check_write().await?;
                let check = self
                    .store
                    .reorder_check_mailing(r.include_manual, self.mail.as_deref())
                    .await?;
                Ok(pb::RunReorderCheckResponse {
                    raised: check.raised.into_iter().map(c::request).collect(),
                    already_requested: i32::try_from(check.already_requested).unwrap_or(i32::MAX),
                    below_minimum: check
                        .below_minimum
                        .into_iter()
                        .map(|l| c::level(l, None))
                        .collect(),
                    rules_checked: i32::try_from(check.rules_checked).unwrap_or(i32::MAX),
                })
            }
            .await,
        )
    }

    async fn get_replenishment_request(
        &self,
        request: Request<pb::GetReplenishmentRequestRequest>,
    ) -> Result<Response<pb::ReplenishmentRequest>, Status> {
        reply(
            async {
                self.gate.check_read().await?;
                Ok(c::request(
                    self.store.get_request(&request.get_ref().id).await?,
                ))
            }
            .await,
        )
    }

    async fn list_replenishment_requests(
        &self,
        request: Request<pb::ListReplenishmentRequestsRequest>,
    ) -> Result<Response<pb::ListReplenishmentRequestsResponse>, Status> {
        let r = request.into_inner();
        reply(
            self.list(
                fields::REQUESTS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
                c::request,
            )
            .await
            .map(|(replenishment_requests, next_page_token)| {
                pb::ListReplenishmentRequestsResponse {
                    replenishment_requests,
                    next_page_token,
                }
            }),
        )
    }
}
