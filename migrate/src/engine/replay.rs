//! Replays corrected quarantined records: each goes through its feed's transforms, rules
//! and domain constructor again, as in the run that refused it. A record that now loads
//! marks its quarantine entry REPLAYED; one that fails again is quarantined anew, open
//! with the new reason, in place of its old entry (marked REPLAYED).

use std::collections::BTreeMap;

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Db, Exec, SqlBuilder};
use serde::{Deserialize, Serialize};

use super::EngineError;
use super::apply::Applier;
use super::control;
use super::entity::Catalog;
use super::lookups::LookupTables;
use super::plan::Plan;
use super::record::resolve;
use crate::source::{Cell, ColumnInfo, SourceRecord};

/// A quarantined record as exported by `bascule rejects export`, values corrected by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayRecord {
    /// The quarantine entry's id.
    pub id: String,
    /// The feed that refused it, as the quarantine names it (`source/table -> entity`).
    pub source: String,
    pub locator: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub message: String,
    /// Source column → raw value (null for an empty cell).
    pub raw: BTreeMap<String, Option<String>>,
}

/// What became of one replayed record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplayOutcome {
    pub id: String,
    pub locator: String,
    /// `loaded`, `merged`, `quarantined` (with the new reason) or `skipped`.
    pub outcome: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplayReport {
    pub run_id: String,
    pub outcomes: Vec<ReplayOutcome>,
    pub reconciled: bool,
}

/// Replays `records` into `db` in one transaction.
pub async fn replay(
    db: &Db,
    plan: &Plan,
    catalog: &Catalog,
    records: Vec<ReplayRecord>,
    user: &str,
) -> Result<ReplayReport, EngineError> {
    let mut tx = db.begin().await?;
    let run_id = control::start_run(&mut tx, &plan.domain, false, user).await?;
    let mut applier = Applier::new(plan, catalog, &run_id);
    let mut outcomes = Vec::new();
    for record in records {
        let Some(feed) = plan.feeds.iter().find(|f| f.label() == record.source) else {
            return Err(EngineError::Plan(format!(
                "quarantined record {} comes from {:?}, which this mapping does not have",
                record.id, record.source
            )));
        };
        let columns: Vec<ColumnInfo> = record
            .raw
            .keys()
            .map(|k| ColumnInfo {
                name: k.clone(),
                declared_type: None,
            })
            .collect();
        let resolved = resolve(feed, &columns)
            .map_err(|m| EngineError::Plan(format!("record {}: {m}", record.id)))?;
        // Loaded again for every record: a corrected record may be what the next one
        // looks up.
        let lookups = LookupTables::load(&mut tx, plan, feed).await?;
        let source_record = SourceRecord {
            ordinal: 0,
            locator: format!("{} (replayed)", record.locator),
            cells: record
                .raw
                .values()
                .map(|v| v.clone().map_or(Cell::Null, Cell::Text))
                .collect(),
            defect: None,
        };
        let applied = applier
            .apply(&mut tx, feed, &resolved, &lookups, &source_record)
            .await?;
        // Whatever became of it, the entry was replayed: a record refused again is
        // quarantined anew under this run with its new reason, so that it stays open
        // once, not twice.
        mark_replayed(&mut tx, &record.id).await?;
        outcomes.push(ReplayOutcome {
            id: record.id,
            locator: record.locator,
            outcome: applied.name().to_owned(),
            reason: applied.reason(),
        });
    }
    let reconciled = applier.reconciled(&mut tx).await?;
    let summary = serde_json::to_string(&outcomes).map_err(|e| EngineError::Plan(e.to_string()))?;
    control::finish_run(
        &mut tx,
        &run_id,
        if reconciled { "SUCCEEDED" } else { "FAILED" },
        &summary,
    )
    .await?;
    tx.commit().await?;
    Ok(ReplayReport {
        run_id,
        outcomes,
        reconciled,
    })
}

async fn mark_replayed(e: &mut impl Exec, id: &str) -> Result<(), bascule_platform::db::DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "UPDATE {} SET status = ",
        e.dialect().table(SchemaName::Control, "quarantine")
    ));
    b.bind("REPLAYED")
        .push(", updated_at = ")
        .bind(bascule_platform::db::record::now())
        .push(" WHERE id = ")
        .bind(id);
    e.execute(b.statement()).await?;
    Ok(())
}
