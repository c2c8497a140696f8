//! Stock operations the services add to the ledger: searching lists, updating
//! locations and rules, stock counts, and the reorder check.

use bascule_platform::db::DbError;
use bascule_platform::db::record::{self, Page, Record, Stored};
use bascule_platform::db::search::{self, ListQuery};
use chrono::Utc;
use rust_decimal::Decimal;

use super::StockStore;
use super::store::{mapped, storage};
use crate::domain::{
    Location, MovementKind, NewMovement, ReorderMode, ReorderRule, ReplenishmentRequest,
    RequestState, StockError, StockLevel,
};
use crate::notify::MailAddresses;

/// What a reorder check found.
#[derive(Debug, Clone, Default)]
pub struct ReorderCheck {
    pub rules_checked: usize,
    /// Requests raised by this check.
    pub raised: Vec<Stored<ReplenishmentRequest>>,
    /// Needs that already had a request: nothing new was raised for them.
    pub already_requested: usize,
    /// Levels below minimum under MANUAL rules, left for people to decide.
    pub below_minimum: Vec<StockLevel>,
}

impl StockStore {
    /// One page of any stock entity, filtered and ordered as asked.
    pub async fn search<T: Record>(
        &self,
        query: &ListQuery<'_>,
    ) -> Result<Page<Stored<T>>, StockError> {
        search::search(&mut self.db.clone(), query)
            .await
            .map_err(|e| match e {
                DbError::InvalidPageToken => StockError::invalid(
                    "page_token",
                    "does not come from the previous page of this same list",
                ),
                other => storage(other),
            })
    }

    /// The stored level of an article at a location, if anything ever moved there.
    pub async fn find_level(
        &self,
        article_code: &str,
        location_code: &str,
    ) -> Result<Option<Stored<StockLevel>>, StockError> {
        Ok(record::list_all::<StockLevel>(
            &mut self.db.clone(),
            &[
                ("article_code", article_code.into()),
                ("location_code", location_code.into()),
            ],
        )
        .await
        .map_err(storage)?
        .into_iter()
        .next())
    }

    /// Updates a location at `revision`; its code never changes.
    pub async fn update_location(
        &self,
        code: &str,
        revision: i64,
        location: Location,
    ) -> Result<Stored<Location>, StockError> {
        if location.code != code {
            return Err(StockError::invalid(
                "code",
                "a location's code cannot change",
            ));
        }
        let current = self.get_location(code).await?;
        record::update(&mut self.db.clone(), &current.id, revision, location)
            .await
            .map_err(mapped("location", code))
    }

    pub async fn get_reorder_rule(
        &self,
        article_code: &str,
        location_code: &str,
    ) -> Result<Stored<ReorderRule>, StockError> {
        record::list_all::<ReorderRule>(
            &mut self.db.clone(),
            &[
                ("article_code", article_code.into()),
                ("location_code", location_code.into()),
            ],
        )
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| StockError::NotFound {
            entity: "reorder rule",
            key: format!("{article_code}@{location_code}"),
        })
    }

    /// Creates the rule of an article at a location; there is one at most.
    pub async fn create_reorder_rule(
        &self,
        rule: ReorderRule,
    ) -> Result<Stored<ReorderRule>, StockError> {
        let rule = rule.validate()?;
        let key = format!("{}@{}", rule.article_code, rule.location_code);
        self.get_article(&rule.article_code).await?;
        self.get_location(&rule.location_code).await?;
        record::insert(&mut self.db.clone(), rule)
            .await
            .map_err(mapped("reorder rule", &key))
    }

    pub async fn update_reorder_rule(
        &self,
        revision: i64,
        rule: ReorderRule,
    ) -> Result<Stored<ReorderRule>, StockError> {
        let rule = rule.validate()?;
        let key = format!("{}@{}", rule.article_code, rule.location_code);
        let current = self
            .get_reorder_rule(&rule.article_code, &rule.location_code)
            .await?;
        record::update(&mut self.db.clone(), &current.id, revision, rule)
            .await
            .map_err(mapped("reorder rule", &key))
    }

    pub async fn get_request(&self, id: &str) -> Result<Stored<ReplenishmentRequest>, StockError> {
        record::get(&mut self.db.clone(), id)
            .await
            .map_err(storage)?
            .ok_or_else(|| StockError::NotFound {
                entity: "replenishment request",
                key: id.to_owned(),
            })
    }

    /// Records a stock count: the ADJUSTMENT that brings on-hand to `counted`, or
    /// nothing when they already agree. Returns the movement and the level after it.
    pub async fn count_stock(
        &self,
        article_code: &str,
        location_code: &str,
        counted: Decimal,
        user_name: &str,
        note: Option<String>,
    ) -> Result<(Option<Stored<crate::domain::Movement>>, StockLevel), StockError> {
        if counted.is_sign_negative() && !counted.is_zero() {
            return Err(StockError::invalid(
                "counted_quantity",
                "a counted stock cannot be negative",
            ));
        }
        self.get_article(article_code).await?;
        self.get_location(location_code).await?;
        // A movement between the read and the append makes the append see another
        // on-hand; the delta is computed again from the level read in its transaction.
        for _ in 0..5 {
            let level = self.get_level(article_code, location_code).await?;
            let delta = counted - level.on_hand;
            if delta.is_zero() {
                return Ok((None, level));
            }
            let movement = NewMovement {
                kind: MovementKind::Adjustment,
                article_code: article_code.to_owned(),
                location_code: location_code.to_owned(),
                quantity: delta,
                to_location_code: None,
                reference: Some(format!("INVENTAIRE {}", Utc::now().format("%Y-%m-%d"))),
                occurred_at: record::now(),
                user_name: user_name.to_owned(),
                note: note.clone(),
            };
            match self.append_counted(movement, level.on_hand).await {
                Ok(stored) => {
                    let after = self.get_level(article_code, location_code).await?;
                    return Ok((Some(stored), after));
                }
                Err(StockError::Conflict { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StockError::Conflict {
            entity: "stock level",
            key: format!("{article_code}@{location_code}"),
            revision: 0,
        })
    }

    /// Compares each rule's forecast with its minimum and raises one request per need.
    /// A need is identified by the rule and how many of its requests were closed, so a
    /// rule below minimum raises again only after its previous request is done.
    pub async fn reorder_check(&self, include_manual: bool) -> Result<ReorderCheck, StockError> {
        self.reorder_check_mailing(include_manual, None).await
    }

    /// [`Self::reorder_check`] that also writes, with `mail`, the e-mails of each request
    /// it raises in the request's own transaction (see [`crate::notify`]).
    pub async fn reorder_check_mailing(
        &self,
        include_manual: bool,
        mail: Option<&MailAddresses>,
    ) -> Result<ReorderCheck, StockError> {
        let today = Utc::now().date_naive();
        let rules = record::list_all::<ReorderRule>(&mut self.db.clone(), &[])
            .await
            .map_err(storage)?;
        let mut check = ReorderCheck {
            rules_checked: rules.len(),
            ..ReorderCheck::default()
        };
        for rule in rules {
            let rule = rule.value;
            let level = self
                .get_level(&rule.article_code, &rule.location_code)
                .await?;
            let Some(quantity) = rule.needed(level.forecast()) else {
                continue;
            };
            if rule.mode == ReorderMode::Manual && !include_manual {
                check.below_minimum.push(level);
                continue;
            }
            let closed = record::list_all::<ReplenishmentRequest>(
                &mut self.db.clone(),
                &[
                    ("article_code", rule.article_code.as_str().into()),
                    ("location_code", rule.location_code.as_str().into()),
                ],
            )
            .await
            .map_err(storage)?
            .into_iter()
            .filter(|r| matches!(r.value.state, RequestState::Done | RequestState::Cancelled))
            .count();
            let request = ReplenishmentRequest {
                article_code: rule.article_code.clone(),
                location_code: rule.location_code.clone(),
                quantity,
                route: rule.route,
                supplier_code: rule.preferred_supplier_code.clone(),
                state: RequestState::Open,
                need_key: format!(
                    "{}@{}#{}",
                    rule.article_code,
                    rule.location_code,
                    closed + 1
                ),
            };
            let (stored, new) = match mail {
                None => self.raise_request(request).await?,
                Some(mail) => {
                    self.raise_request_mailing(request, mail, &level, rule.min_qty, today)
                        .await?
                }
            };
            if new {
                check.raised.push(stored);
            } else {
                check.already_requested += 1;
            }
        }
        Ok(check)
    }
}
