//! After the load: every stock level becomes the sum of the ledger's movements for its
//! article and location, the rule the API keeps movement by movement. Idempotent: a
//! level already right is left alone, so a second run changes nothing.

use std::collections::BTreeMap;

use bascule_migrate::engine::entity::AfterLoadFuture;
use bascule_platform::db::record::{self, Stored};
use bascule_platform::db::{DbError, Tx};
use rust_decimal::Decimal;

use crate::domain::{Movement, StockLevel};

/// The catalog's after-load step.
pub(super) fn after_load(tx: &mut Tx) -> AfterLoadFuture<'_> {
    Box::pin(async move {
        let c = sync_levels(tx).await?;
        Ok(format!(
            "stock levels = sum of the ledger: {} article-location pairs from {} movements ({} inserted, {} updated, {} unchanged)",
            c.inserted + c.updated + c.unchanged,
            c.movements,
            c.inserted,
            c.updated,
            c.unchanged
        ))
    })
}

/// What [`sync_levels`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelSync {
    pub movements: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Sets each level's on-hand quantity to the sum of the movements' effects at its
/// location (a transfer counts out of one location and into the other); a level no
/// movement touches goes back to zero. Reserved and incoming quantities are kept.
pub async fn sync_levels(tx: &mut Tx) -> Result<LevelSync, DbError> {
    let movements = record::list_all::<Movement>(tx, &[]).await?;
    let mut sums: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for m in &movements {
        for (location, delta) in m.value.movement.effects() {
            *sums
                .entry((m.value.movement.article_code.clone(), location.to_owned()))
                .or_default() += delta;
        }
    }
    let mut levels: BTreeMap<(String, String), Stored<StockLevel>> =
        record::list_all::<StockLevel>(tx, &[])
            .await?
            .into_iter()
            .map(|l| {
                (
                    (l.value.article_code.clone(), l.value.location_code.clone()),
                    l,
                )
            })
            .collect();
    let mut sync = LevelSync {
        movements: movements.len(),
        ..LevelSync::default()
    };
    for ((article, location), on_hand) in sums {
        match levels.remove(&(article.clone(), location.clone())) {
            Some(level) if level.value.on_hand == on_hand => sync.unchanged += 1,
            Some(level) => {
                let next = StockLevel {
                    on_hand,
                    ..level.value
                };
                record::update(tx, &level.id, level.revision, next).await?;
                sync.updated += 1;
            }
            None => {
                let level = StockLevel {
                    on_hand,
                    ..StockLevel::empty(&article, &location)
                };
                record::insert(tx, level).await?;
                sync.inserted += 1;
            }
        }
    }
    // Levels without any movement: nothing is on hand there.
    for level in levels.into_values() {
        if level.value.on_hand.is_zero() {
            sync.unchanged += 1;
        } else {
            let next = StockLevel {
                on_hand: Decimal::ZERO,
                ..level.value
            };
            record::update(tx, &level.id, level.revision, next).await?;
            sync.updated += 1;
        }
    }
    Ok(sync)
}
