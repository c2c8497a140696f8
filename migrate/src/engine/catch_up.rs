//! Catch-up of a live domain: only the legacy records whose content is not in the
//! domain's fingerprints go through their feeds, in one run; the whole mapping is not run
//! again, since that would overwrite what was changed in the new system since the
//! switch-over. Records gone from the legacy side are listed, never deleted from live
//! data. The fingerprints are then taken again.

use std::collections::{HashMap, HashSet};

use bascule_platform::db::Db;
use serde::Serialize;

use super::EngineError;
use super::apply::Applier;
use super::control;
use super::entity::Catalog;
use super::fingerprint::{self, TableDiff, TableFingerprint, compare, record_digest};
use super::fingerprint_store::{self, StoredTable};
use super::lookups::LookupTables;
use super::plan::Plan;
use super::record::resolve;

/// What became of one changed or new legacy record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaughtUp {
    /// The feed, as quarantine names it (`source/table -> entity`).
    pub feed: String,
    pub locator: String,
    /// `loaded`, `merged`, `quarantined` or `skipped`.
    pub outcome: String,
    pub reason: Option<String>,
}

/// A legacy record found at the last fingerprint and no longer there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    /// `source/table`.
    pub table: String,
    pub location: String,
    /// Where it stood when fingerprinted.
    pub locator: String,
    pub key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatchUpReport {
    pub run_id: String,
    pub outcomes: Vec<CaughtUp>,
    pub removed: Vec<Removed>,
    pub reconciled: bool,
}

/// Each table's difference from its stored fingerprint; a table never fingerprinted is
/// all new.
pub fn diffs(
    baseline: &[StoredTable],
    current: &[TableFingerprint],
) -> Vec<(String, String, TableDiff)> {
    current
        .iter()
        .map(|t| {
            let before = baseline
                .iter()
                .find(|b| b.source == t.source && b.table == t.table)
                .map_or(&[][..], |b| b.records.as_slice());
            (
                t.source.clone(),
                t.table.clone(),
                compare(before, &t.records),
            )
        })
        .collect()
}

/// Catches the live domain of `plan` up with its legacy sources, in one transaction.
pub async fn catch_up(
    db: &Db,
    plan: &Plan,
    catalog: &Catalog,
    baseline: &[StoredTable],
    user: &str,
) -> Result<CatchUpReport, EngineError> {
    let mut current = fingerprint::take(plan).await?;
    let diffs = diffs(baseline, &current);
    let mut wanted: HashMap<(String, String), HashSet<u128>> = HashMap::new();
    let mut removed = Vec::new();
    for (source, table, diff) in &diffs {
        let digests: HashSet<u128> = diff.changed_or_new.iter().map(|r| r.digest).collect();
        wanted.insert((source.clone(), table.clone()), digests);
        let location = current
            .iter()
            .find(|t| t.source == *source && t.table == *table)
            .map(|t| t.location.clone())
            .unwrap_or_default();
        removed.extend(diff.removed().into_iter().map(|r| Removed {
            table: format!("{source}/{table}"),
            location: location.clone(),
            locator: r.locator.clone(),
            key: r.key.clone(),
        }));
    }

    let mut tx = db.begin().await?;
    let run_id = control::start_run(&mut tx, &plan.domain, false, user).await?;
    let mut applier = Applier::new(plan, catalog, &run_id);
    let mut outcomes = Vec::new();
    // Records that did not load stay out of the new fingerprints: the next `retire`
    // still names them until they load.
    let mut refused: HashMap<(String, String), HashSet<u128>> = HashMap::new();
    for feed in &plan.feeds {
        let key = (feed.source.clone(), feed.table.clone());
        let Some(digests) = wanted.get(&key).filter(|d| !d.is_empty()) else {
            continue;
        };
        let planned = plan
            .sources
            .get(&feed.source)
            .ok_or_else(|| EngineError::Plan(format!("unknown source {}", feed.source)))?;
        let (columns, records) =
            fingerprint::read_matching(planned, &feed.table, &feed.read, digests.clone()).await?;
        let resolved = resolve(feed, &columns).map_err(|m| {
            EngineError::Mapping(super::MappingLineError {
                file: plan.file.clone(),
                line: feed.line,
                message: m,
            })
        })?;
        // Loaded once per feed, as a run does: the feeds before it are caught up already.
        let lookups = LookupTables::load(&mut tx, plan, feed).await?;
        for record in &records {
            let applied = applier
                .apply(&mut tx, feed, &resolved, &lookups, record)
                .await?;
            if matches!(applied, super::apply::Applied::Quarantined(_)) {
                refused
                    .entry(key.clone())
                    .or_default()
                    .insert(record_digest(record));
            }
            outcomes.push(CaughtUp {
                feed: feed.label(),
                locator: record.locator.clone(),
                outcome: applied.name().to_owned(),
                reason: applied.reason(),
            });
        }
    }
    let reconciled = applier.reconciled(&mut tx).await?;
    for table in &mut current {
        if let Some(out) = refused.get(&(table.source.clone(), table.table.clone())) {
            table.records.retain(|r| !out.contains(&r.digest));
            table.rows = table.records.len() as u64;
            table.digest = fingerprint::table_digest(&table.records);
        }
    }
    fingerprint_store::replace(&mut tx, &plan.domain, &run_id, &current).await?;
    fingerprint_store::set_run_summary(&mut tx, &run_id, &fingerprint::summary_json(&current))
        .await?;
    let report = CatchUpReport {
        run_id: run_id.clone(),
        outcomes,
        removed,
        reconciled,
    };
    let summary = serde_json::to_string(&report).map_err(|e| EngineError::Plan(e.to_string()))?;
    control::finish_run(
        &mut tx,
        &run_id,
        if reconciled { "SUCCEEDED" } else { "FAILED" },
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}
