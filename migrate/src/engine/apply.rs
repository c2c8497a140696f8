//! One record through its feed and into the target, in the caller's transaction: what a
//! replay of corrected quarantined records and a catch-up of changed legacy records both
//! do, with the transforms, rules, constructors and upsert of a run.

use std::collections::{BTreeMap, HashMap};

use bascule_platform::db::Exec;
use chrono::Utc;

use super::EngineError;
use super::checksum::Checksum;
use super::control;
use super::entity::Catalog;
use super::load::{FeedCounts, LoadTarget, load_batch};
use super::lookups::LookupTables;
use super::plan::{Feed, Plan};
use super::reconcile::target_checksum;
use super::record::{Outcome, Resolved, process};
use crate::mapping::transform::TransformContext;
use crate::source::SourceRecord;

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Loaded,
    Merged,
    Quarantined(String),
    Skipped(String),
}

impl Applied {
    pub fn name(&self) -> &'static str {
        match self {
            Applied::Loaded => "loaded",
            Applied::Merged => "merged",
            Applied::Quarantined(_) => "quarantined",
            Applied::Skipped(_) => "skipped",
        }
    }

    pub fn reason(&self) -> Option<String> {
        match self {
            Applied::Quarantined(r) | Applied::Skipped(r) => Some(r.clone()),
            Applied::Loaded | Applied::Merged => None,
        }
    }

    pub fn is_in_target(&self) -> bool {
        matches!(self, Applied::Loaded | Applied::Merged)
    }
}

/// Applies records of a plan's feeds within one run, keeping each touched entity's
/// checksum so that the run can be reconciled at the end.
#[derive(Debug)]
pub struct Applier<'a> {
    plan: &'a Plan,
    catalog: &'a Catalog,
    run_id: &'a str,
    priorities: HashMap<String, i32>,
    sums: BTreeMap<String, Checksum>,
}

impl<'a> Applier<'a> {
    pub fn new(plan: &'a Plan, catalog: &'a Catalog, run_id: &'a str) -> Self {
        Self {
            plan,
            catalog,
            run_id,
            priorities: plan.priorities(),
            sums: BTreeMap::new(),
        }
    }

    /// Runs `record` through `feed` and loads it, or quarantines it with its reason.
    pub async fn apply(
        &mut self,
        e: &mut impl Exec,
        feed: &Feed,
        resolved: &Resolved,
        lookups: &LookupTables,
        record: &SourceRecord,
    ) -> Result<Applied, EngineError> {
        let plan = self.plan;
        let loader = self
            .catalog
            .get(&feed.entity)
            .ok_or_else(|| EngineError::Plan(format!("unknown entity {}", feed.entity)))?;
        let entity = plan
            .entities
            .get(&feed.entity)
            .ok_or_else(|| EngineError::Plan(format!("no key for {}", feed.entity)))?;
        let mut ctx = TransformContext {
            lookups,
            matches: Vec::new(),
            today: Utc::now().date_naive(),
        };
        let label = feed.label();
        match process(feed, resolved, loader, entity, record, &mut ctx) {
            Outcome::Skipped { reason, .. } => Ok(Applied::Skipped(reason)),
            Outcome::Quarantined(reject) => {
                let reason = format!("{}: {}", reject.rule, reject.message);
                control::quarantine(e, self.run_id, &plan.domain, &label, &[reject]).await?;
                Ok(Applied::Quarantined(reason))
            }
            Outcome::Ready(ready) => {
                if !self.sums.contains_key(&feed.entity) {
                    let sum = target_checksum(e, loader).await?;
                    self.sums.insert(feed.entity.clone(), sum);
                }
                let sum = self.sums.entry(feed.entity.clone()).or_default();
                let source_display = plan
                    .sources
                    .get(&feed.source)
                    .map_or_else(|| feed.source.clone(), |s| s.display());
                let prefix = format!("{}/{}", feed.source, feed.table);
                let target = LoadTarget {
                    domain: &plan.domain,
                    run_id: self.run_id,
                    entity_name: &feed.entity,
                    loader,
                    entity,
                    feed_prefix: &prefix,
                    source_display: &source_display,
                    priorities: &self.priorities,
                };
                let mut counts = FeedCounts::default();
                load_batch(e, &target, vec![ready], &mut counts, sum).await?;
                Ok(if counts.merged > 0 {
                    Applied::Merged
                } else {
                    Applied::Loaded
                })
            }
        }
    }

    /// Whether every entity touched now holds exactly what the loads account for.
    pub async fn reconciled(&self, e: &mut impl Exec) -> Result<bool, EngineError> {
        let mut reconciled = true;
        for (entity, sum) in &self.sums {
            let loader = self
                .catalog
                .get(entity)
                .ok_or_else(|| EngineError::Plan(format!("unknown entity {entity}")))?;
            reconciled &= target_checksum(e, loader).await? == *sum;
        }
        Ok(reconciled)
    }
}
