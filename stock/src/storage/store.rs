//! Stock operations on the target database: each method is one transaction.

use bascule_platform::db::record::{self, Page, PageRequest, Stored};
use bascule_platform::db::{Db, DbError, Exec, Tx};
use chrono::Utc;

use crate::domain::{
    Article, Location, Movement, NewMovement, ReorderRule, ReplenishmentRequest, StockError,
    StockLevel,
};
use crate::notify::{self, MailAddresses};

/// How many times a ledger append is retried when another append changed the same level.
const APPEND_ATTEMPTS: usize = 5;

#[derive(Debug, Clone)]
pub struct StockStore {
    pub(super) db: Db,
}

pub(super) fn storage(e: DbError) -> StockError {
    StockError::Storage(Box::new(e))
}

/// Maps a storage error to the domain's, naming the entity concerned.
pub(super) fn mapped(entity: &'static str, key: &str) -> impl FnOnce(DbError) -> StockError {
    let key = key.to_owned();
    move |e| match e {
        DbError::Duplicate(_) => StockError::AlreadyExists { entity, key },
        DbError::NotFound => StockError::NotFound { entity, key },
        DbError::StaleRevision { expected } => StockError::Conflict {
            entity,
            key,
            revision: expected,
        },
        DbError::TooLong { column, .. } => {
            StockError::invalid("text", format!("{column} is too long"))
        }
        other => storage(other),
    }
}

impl StockStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    pub async fn create_article(&self, article: Article) -> Result<Stored<Article>, StockError> {
        let code = article.code.clone();
        record::insert(&mut self.db.clone(), article)
            .await
            .map_err(mapped("article", &code))
    }

    pub async fn get_article(&self, code: &str) -> Result<Stored<Article>, StockError> {
        self.by_code("article", code).await
    }

    /// The record of `entity` with this code, or NotFound naming both.
    async fn by_code<T: record::Record>(
        &self,
        entity: &'static str,
        code: &str,
    ) -> Result<Stored<T>, StockError> {
        record::find_by(&mut self.db.clone(), "code", code.into())
            .await
            .map_err(storage)?
            .ok_or_else(|| StockError::NotFound {
                entity,
                key: code.to_owned(),
            })
    }

    pub async fn list_articles(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Stored<Article>>, StockError> {
        record::list(&mut self.db.clone(), &[], page)
            .await
            .map_err(storage)
    }

    /// Updates an article at `revision`; its code never changes.
    pub async fn update_article(
        &self,
        code: &str,
        revision: i64,
        article: Article,
    ) -> Result<Stored<Article>, StockError> {
        if article.code != code {
            return Err(StockError::invalid(
                "code",
                "an article's code cannot change",
            ));
        }
        let current = self.get_article(code).await?;
        record::update(&mut self.db.clone(), &current.id, revision, article)
            .await
            .map_err(mapped("article", code))
    }

    pub async fn create_location(
        &self,
        location: Location,
    ) -> Result<Stored<Location>, StockError> {
        let code = location.code.clone();
        record::insert(&mut self.db.clone(), location)
            .await
            .map_err(mapped("location", &code))
    }

    pub async fn get_location(&self, code: &str) -> Result<Stored<Location>, StockError> {
        self.by_code("location", code).await
    }

    pub async fn list_locations(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Stored<Location>>, StockError> {
        record::list(&mut self.db.clone(), &[], page)
            .await
            .map_err(storage)
    }

    /// The level of an article at a location; zero when nothing ever moved there.
    pub async fn get_level(
        &self,
        article_code: &str,
        location_code: &str,
    ) -> Result<StockLevel, StockError> {
        let found = level(&mut self.db.clone(), article_code, location_code)
            .await
            .map_err(storage)?;
        Ok(found.map_or_else(
            || StockLevel::empty(article_code, location_code),
            |s| s.value,
        ))
    }

    pub async fn list_levels(
        &self,
        article_code: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Stored<StockLevel>>, StockError> {
        let filter: Vec<_> = article_code
            .map(|c| ("article_code", c.into()))
            .into_iter()
            .collect();
        record::list(&mut self.db.clone(), &filter, page)
            .await
            .map_err(storage)
    }

    /// Appends a movement to the ledger and moves the levels it touches, in one
    /// transaction. A movement that would take on-hand below zero is refused.
    pub async fn append_movement(
        &self,
        movement: NewMovement,
    ) -> Result<Stored<Movement>, StockError> {
        let movement = Movement {
            movement: movement.validate()?,
            reverses: None,
        };
        self.append(movement).await
    }

    /// Appends the movement that cancels movement `id`; a movement is reversed once at most.
    pub async fn reverse_movement(
        &self,
        id: &str,
        user_name: &str,
    ) -> Result<Stored<Movement>, StockError> {
        let original = record::get::<Movement>(&mut self.db.clone(), id)
            .await
            .map_err(storage)?
            .ok_or_else(|| StockError::NotFound {
                entity: "movement",
                key: id.to_owned(),
            })?;
        if original.value.reverses.is_some() {
            return Err(StockError::invalid(
                "id",
                "a reversal cannot itself be reversed",
            ));
        }
        let already = record::find_by::<Movement>(&mut self.db.clone(), "reverses", id.into())
            .await
            .map_err(storage)?;
        if already.is_some() {
            return Err(StockError::AlreadyReversed(id.to_owned()));
        }
        let reversal = original
            .value
            .reversal(id, Utc::now(), user_name)
            .validate_reversal()?;
        match self
            .append(Movement {
                movement: reversal,
                reverses: Some(id.to_owned()),
            })
            .await
        {
            Err(StockError::AlreadyExists { .. }) => {
                Err(StockError::AlreadyReversed(id.to_owned()))
            }
            other => other,
        }
    }

    async fn append(&self, movement: Movement) -> Result<Stored<Movement>, StockError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut tx = self.db.begin().await.map_err(storage)?;
            match append_in(&mut tx, movement.clone(), None).await {
                Ok(stored) => {
                    tx.commit().await.map_err(storage)?;
                    return Ok(stored);
                }
                // Another append moved the same level in between: read it again.
                Err(StockError::Conflict { .. }) if attempt < APPEND_ATTEMPTS => {
                    tx.rollback().await.map_err(storage)?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub async fn get_movement(&self, id: &str) -> Result<Stored<Movement>, StockError> {
        record::get(&mut self.db.clone(), id)
            .await
            .map_err(storage)?
            .ok_or_else(|| StockError::NotFound {
                entity: "movement",
                key: id.to_owned(),
            })
    }

    pub async fn list_movements(
        &self,
        article_code: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Stored<Movement>>, StockError> {
        let filter: Vec<_> = article_code
            .map(|c| ("article_code", c.into()))
            .into_iter()
            .collect();
        record::list(&mut self.db.clone(), &filter, page)
            .await
            .map_err(storage)
    }

    /// Creates the rule for an article at a location, or replaces it.
    pub async fn put_reorder_rule(
        &self,
        rule: ReorderRule,
    ) -> Result<Stored<ReorderRule>, StockError> {
        let rule = rule.validate()?;
        let key = format!("{}@{}", rule.article_code, rule.location_code);
        let mut tx = self.db.begin().await.map_err(storage)?;
        let existing = record::list_all::<ReorderRule>(
            &mut tx,
            &[
                ("article_code", (&rule.article_code).into()),
                ("location_code", (&rule.location_code).into()),
            ],
        )
        .await
        .map_err(storage)?;
        let stored = match existing.into_iter().next() {
            Some(current) => record::update(&mut tx, &current.id, current.revision, rule).await,
            None => record::insert(&mut tx, rule).await,
        }
        .map_err(mapped("reorder rule", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    pub async fn list_reorder_rules(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Stored<ReorderRule>>, StockError> {
        record::list(&mut self.db.clone(), &[], page)
            .await
            .map_err(storage)
    }

    /// Records a replenishment request; a second request for the same need returns the
    /// first one, so a need never raises two requests.
    pub async fn raise_request(
        &self,
        request: ReplenishmentRequest,
    ) -> Result<(Stored<ReplenishmentRequest>, bool), StockError> {
        let key = request.need_key.clone();
        match record::insert(&mut self.db.clone(), request).await {
            Ok(stored) => Ok((stored, true)),
            Err(DbError::Duplicate(_)) => {
                let existing =
                    record::find_by(&mut self.db.clone(), "need_key", key.as_str().into())
                        .await
                        .map_err(storage)?;
                existing.map(|e| (e, false)).ok_or(StockError::NotFound {
                    entity: "replenishment request",
                    key,
                })
            }
            Err(e) => Err(storage(e)),
        }
    }

    /// [`Self::raise_request`] with the request's e-mails (see [`crate::notify`]) in
    /// its transaction: both are written, or neither. A request already raised writes
    /// no e-mail again.
    pub(crate) async fn raise_request_mailing(
        &self,
        request: ReplenishmentRequest,
        mail: &MailAddresses,
        level: &StockLevel,
        min_qty: rust_decimal::Decimal,
        today: chrono::NaiveDate,
    ) -> Result<(Stored<ReplenishmentRequest>, bool), StockError> {
        let key = request.need_key.clone();
        let mut tx = self.db.begin().await.map_err(storage)?;
        match record::insert(&mut tx, request).await {
            Ok(stored) => {
                let raised = notify::Raised {
                    request: &stored,
                    level,
                    min_qty,
                    today,
                };
                notify::request_raised(&mut tx, mail, &raised)
                    .await
                    .map_err(storage)?;
                tx.commit().await.map_err(storage)?;
                Ok((stored, true))
            }
            Err(DbError::Duplicate(_)) => {
                // PostgreSQL has aborted the transaction: read the first request outside.
                tx.rollback().await.map_err(storage)?;
                record::find_by(&mut self.db.clone(), "need_key", key.as_str().into())
                    .await
                    .map_err(storage)?
                    .map(|e| (e, false))
                    .ok_or(StockError::NotFound {
                        entity: "replenishment request",
                        key,
                    })
            }
            Err(e) => Err(storage(e)),
        }
    }

    pub async fn list_requests(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Stored<ReplenishmentRequest>>, StockError> {
        record::list(&mut self.db.clone(), &[], page)
            .await
            .map_err(storage)
    }
}

fn level_key(
    article_code: &str,
    location_code: &str,
) -> [(&'static str, bascule_platform::db::Value); 2] {
    [
        ("article_code", article_code.into()),
        ("location_code", location_code.into()),
    ]
}

async fn level(
    e: &mut impl Exec,
    article_code: &str,
    location_code: &str,
) -> Result<Option<Stored<StockLevel>>, DbError> {
    Ok(
        record::list_all::<StockLevel>(e, &level_key(article_code, location_code))
            .await?
            .into_iter()
            .next(),
    )
}

/// Appends a stock count's adjustment, provided on-hand is still `expected_on_hand`
/// (else a Conflict, and the count is computed again).
impl StockStore {
    pub(super) async fn append_counted(
        &self,
        movement: NewMovement,
        expected_on_hand: rust_decimal::Decimal,
    ) -> Result<Stored<Movement>, StockError> {
        let movement = Movement {
            movement: movement.validate()?,
            reverses: None,
        };
        let mut tx = self.db.begin().await.map_err(storage)?;
        match append_in(&mut tx, movement, Some(expected_on_hand)).await {
            Ok(stored) => {
                tx.commit().await.map_err(storage)?;
                Ok(stored)
            }
            Err(e) => {
                tx.rollback().await.map_err(storage)?;
                Err(e)
            }
        }
    }
}

async fn append_in(
    tx: &mut Tx,
    movement: Movement,
    expected_on_hand: Option<rust_decimal::Decimal>,
) -> Result<Stored<Movement>, StockError> {
    let m = &movement.movement;
    let article = record::find_by::<Article>(tx, "code", m.article_code.as_str().into())
        .await
        .map_err(storage)?;
    if article.is_none() {
        return Err(StockError::NotFound {
            entity: "article",
            key: m.article_code.clone(),
        });
    }
    for (location_code, delta) in m.effects() {
        let location = record::find_by::<Location>(tx, "code", location_code.into())
            .await
            .map_err(storage)?;
        if location.is_none() {
            return Err(StockError::NotFound {
                entity: "location",
                key: location_code.to_owned(),
            });
        }
        let key = format!("{}@{location_code}", m.article_code);
        let locked = record::lock_all::<StockLevel>(tx, &level_key(&m.article_code, location_code))
            .await
            .map_err(storage)?;
        match locked.into_iter().next() {
            Some(current) => {
                if expected_on_hand.is_some_and(|e| e != current.value.on_hand) {
                    return Err(StockError::Conflict {
                        entity: "stock level",
                        key,
                        revision: current.revision,
                    });
                }
                let mut next = current.value.clone();
                next.on_hand += delta;
                if delta.is_sign_negative()
                    && next.on_hand.is_sign_negative()
                    && !next.on_hand.is_zero()
                {
                    return Err(insufficient(&current.value, delta));
                }
                record::update(tx, &current.id, current.revision, next)
                    .await
                    .map_err(mapped("stock level", &key))?;
            }
            None => {
                if expected_on_hand.is_some_and(|e| !e.is_zero()) {
                    return Err(StockError::Conflict {
                        entity: "stock level",
                        key,
                        revision: 0,
                    });
                }
                let mut next = StockLevel::empty(&m.article_code, location_code);
                if delta.is_sign_negative() {
                    return Err(insufficient(&next, delta));
                }
                next.on_hand = delta;
                // A concurrent first movement for the same level makes this a duplicate: retry.
                record::insert(tx, next).await.map_err(|e| match e {
                    DbError::Duplicate(_) => StockError::Conflict {
                        entity: "stock level",
                        key: key.clone(),
                        revision: 0,
                    },
                    other => storage(other),
                })?;
            }
        }
    }
    record::insert(tx, movement)
        .await
        .map_err(mapped("movement", "reversal"))
}

fn insufficient(level: &StockLevel, delta: rust_decimal::Decimal) -> StockError {
    StockError::InsufficientStock {
        article: level.article_code.clone(),
        location: level.location_code.clone(),
        on_hand: level.on_hand,
        requested: -delta,
    }
}
