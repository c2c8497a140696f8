//! Runs a plan: each feed streamed from its source on a blocking thread, processed and
//! loaded batch by batch, each batch committed with its checkpoint; then reconciliation
//! and the report.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Db, DbError, Exec, Statement, Tx};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::EngineError;
use super::checksum::Checksum;
use super::control;
use super::entity::Catalog;
use super::feed_worker::{self, FeedWork, Step};
use super::load::{FeedCounts, LoadTarget, key_is_unique, load_batch};
use super::load_new::{NewRowSpec, PreparedNew, write_new};
use super::lookups::LookupTables;
use super::plan::{Feed, Plan};
use super::progress::Progress;
use super::reconcile;
use super::record::Reject;
use super::report::{REPORT_SCHEMA_VERSION, RunReport};

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Do everything, then roll back.
    pub dry_run: bool,
    /// Records per transaction.
    pub batch_size: usize,
    /// Who runs it, for the run record.
    pub user: String,
    /// Start afresh even when an unfinished run of the domain exists.
    pub restart: bool,
    /// Show progress bars (on a terminal).
    pub progress: bool,
    /// The target as shown in the report.
    pub target_display: String,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            dry_run: false,
            batch_size: 500,
            user: "bascule".into(),
            restart: false,
            progress: false,
            target_display: String::new(),
        }
    }
}

/// What is saved with every batch of a feed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct FeedState {
    position: Option<crate::source::Position>,
    counts: FeedCounts,
    done: bool,
    seconds: f64,
}

const SKIPPED_LISTED: usize = 10_000;

fn feed_part(index: usize, feed: &Feed) -> String {
    format!("feed {index}: {}", feed.label())
}

fn entity_part(entity: &str) -> String {
    format!("entity: {entity}")
}

/// A transaction per batch, or one for the whole run when nothing must be kept.
enum Scope {
    PerBatch,
    Whole(Tx),
}

/// Runs the migration described by `plan` into `db`.
pub async fn run(
    db: &Db,
    plan: &Plan,
    catalog: &Catalog,
    options: &RunOptions,
) -> Result<RunReport, EngineError> {
    let started = Utc::now();
    let clock = Instant::now();
    let mut scope = if options.dry_run {
        Scope::Whole(db.begin().await?)
    } else {
        Scope::PerBatch
    };
    let mut e = db.clone();

    let resumed = if options.dry_run || options.restart {
        None
    } else {
        control::unfinished_run(&mut e, &plan.domain).await?
    };
    let run_id = match (&resumed, &mut scope) {
        (Some(id), _) => {
            tracing::info!(run = %id, domain = %plan.domain, "resuming the unfinished run");
            id.clone()
        }
        (None, Scope::Whole(tx)) => {
            control::start_run(tx, &plan.domain, true, &options.user).await?
        }
        (None, Scope::PerBatch) => {
            control::start_run(&mut e, &plan.domain, false, &options.user).await?
        }
    };

    let mut checksums: BTreeMap<String, Checksum> = BTreeMap::new();
    for entity in plan.entities.keys() {
        let saved = match &mut scope {
            Scope::Whole(tx) => {
                control::load_state::<Checksum>(tx, &run_id, &entity_part(entity)).await?
            }
            Scope::PerBatch => {
                control::load_state::<Checksum>(&mut e, &run_id, &entity_part(entity)).await?
            }
        };
        let sum = match saved {
            Some(s) => s,
            None => {
                let loader = catalog
                    .get(entity)
                    .ok_or_else(|| EngineError::Plan(format!("unknown entity {entity}")))?;
                match &mut scope {
                    Scope::Whole(tx) => reconcile::target_checksum(tx, loader).await?,
                    Scope::PerBatch => reconcile::target_checksum(&mut e, loader).await?,
                }
            }
        };
        checksums.insert(entity.clone(), sum);
    }

    let priorities = plan.priorities();
    let mut states = Vec::new();
    for (index, feed) in plan.feeds.iter().enumerate() {
        let state = run_feed(
            db,
            &mut scope,
            plan,
            catalog,
            options,
            &run_id,
            index,
            feed,
            &priorities,
            &mut checksums,
        )
        .await?;
        states.push(state);
    }

    let mut notes = Vec::new();
    for step in catalog.after_load_steps() {
        let note = match &mut scope {
            Scope::Whole(tx) => step.run(tx).await?,
            Scope::PerBatch => {
                let mut tx = db.begin().await?;
                let note = step.run(&mut tx).await?;
                tx.commit().await?;
                note
            }
        };
        tracing::debug!(domain = %plan.domain, "{note}");
        notes.push(note);
    }
    let finished = Utc::now();
    let inputs = reconcile::ReportInputs {
        run_id: &run_id,
        plan,
        catalog,
        counts: states
            .iter()
            .map(|s| (s.counts.clone(), s.seconds))
            .collect(),
        checksums: &checksums,
    };
    let mut report = match &mut scope {
        Scope::Whole(tx) => reconcile::build_report(tx, &inputs).await?,
        Scope::PerBatch => reconcile::build_report(&mut e, &inputs).await?,
    };
    report.schema_version = REPORT_SCHEMA_VERSION;
    report.notes = notes;
    report.target = options.target_display.clone();
    report.dry_run = options.dry_run;
    report.started_at = started.to_rfc3339();
    report.finished_at = finished.to_rfc3339();
    report.duration_seconds = clock.elapsed().as_secs_f64();
    let summary = serde_json::to_string(&report).map_err(|e| EngineError::Plan(e.to_string()))?;
    let status = if report.reconciled {
        "SUCCEEDED"
    } else {
        "FAILED"
    };
    match scope {
        Scope::Whole(tx) => tx.rollback().await?,
        Scope::PerBatch => control::finish_run(&mut e, &run_id, status, &summary).await?,
    }
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
async fn run_feed(
    db: &Db,
    scope: &mut Scope,
    plan: &Plan,
    catalog: &Catalog,
    options: &RunOptions,
    run_id: &str,
    index: usize,
    feed: &Feed,
    priorities: &HashMap<String, i32>,
    checksums: &mut BTreeMap<String, Checksum>,
) -> Result<FeedState, EngineError> {
    let part = feed_part(index, feed);
    let mut state: FeedState = match scope {
        Scope::Whole(tx) => control::load_state(tx, run_id, &part).await?,
        Scope::PerBatch => control::load_state(&mut db.clone(), run_id, &part).await?,
    }
    .unwrap_or_default();
    if state.done {
        return Ok(state);
    }
    let source = plan
        .sources
        .get(&feed.source)
        .ok_or_else(|| EngineError::Plan(format!("unknown source {}", feed.source)))?;
    let shared_loader = catalog
        .shared(&feed.entity)
        .ok_or_else(|| EngineError::Plan(format!("unknown entity {}", feed.entity)))?;
    let loader = shared_loader.as_ref();
    let entity = plan
        .entities
        .get(&feed.entity)
        .ok_or_else(|| EngineError::Plan(format!("no key for {}", feed.entity)))?;
    let source_display = source.display();
    let quarantine_source = feed.label();
    let feed_prefix = format!("{}/{}", feed.source, feed.table);
    let target = LoadTarget {
        domain: &plan.domain,
        run_id,
        entity_name: &feed.entity,
        loader,
        entity,
        feed_prefix: &feed_prefix,
        source_display: &source_display,
        priorities,
    };

    let seen = match scope {
        Scope::Whole(tx) => {
            control::crosswalk_has_prefix(tx, &plan.domain, &feed.entity, &feed_prefix).await?
        }
        Scope::PerBatch => {
            control::crosswalk_has_prefix(&mut db.clone(), &plan.domain, &feed.entity, &feed_prefix)
                .await?
        }
    };
    let fresh = !seen && key_is_unique(loader.table(), &entity.key);
    let lookups = match scope {
        Scope::Whole(tx) => LookupTables::load(tx, plan, feed).await?,
        Scope::PerBatch => LookupTables::load(&mut db.clone(), plan, feed).await?,
    };
    let spec = NewRowSpec::new(&target);
    let (mut rx, worker) = feed_worker::spawn(FeedWork {
        source: source.clone(),
        feed: feed.clone(),
        entity: entity.clone(),
        loader: std::sync::Arc::clone(&shared_loader),
        lookups,
        mapping_file: plan.file.clone(),
        resume: state.position.clone(),
        batch_size: options.batch_size,
        today: Utc::now().date_naive(),
        fresh: fresh.then(|| spec.clone()),
    });
    let mut progress = Progress::new(options.progress, &feed.label());
    let clock = Instant::now();
    let base_seconds = state.seconds;
    while let Some(step) = rx.recv().await {
        let mut batch = match step {
            Step::Total(n) => {
                progress.set_total(n);
                continue;
            }
            Step::Failed(error) => return Err(error),
            Step::Batch(batch) => batch,
        };
        let counts = &mut state.counts;
        counts.skipped += batch.skipped.len() as u64;
        for skipped in std::mem::take(&mut batch.skipped) {
            if counts.skipped_rows.len() < SKIPPED_LISTED {
                counts.skipped_rows.push(skipped);
            }
        }
        counts.read += (batch.accepted() + batch.rejects.len()) as u64;
        counts.quarantined += batch.rejects.len() as u64;
        for r in &batch.rejects {
            *counts
                .quarantined_by_rule
                .entry(r.rule.clone())
                .or_default() += 1;
        }
        state.position = batch.position;
        state.seconds = base_seconds + clock.elapsed().as_secs_f64();
        let sum = checksums.entry(feed.entity.clone()).or_default();
        // A transaction per batch, unless the whole run is one.
        let mut own = None;
        let tx = match scope {
            Scope::Whole(tx) => tx,
            Scope::PerBatch => {
                let mut tx = db.begin().await?;
                // The batch and its checkpoint commit together: a batch lost in a
                // server crash is read again from the checkpoint before it.
                if let Some(sql) = tx.dialect().relaxed_commit() {
                    tx.execute(Statement::new(sql, Vec::new())).await?;
                }
                own.insert(tx)
            }
        };
        commit_batch(
            tx,
            &target,
            &spec,
            &plan.domain,
            run_id,
            &quarantine_source,
            &part,
            &batch.rejects,
            batch.ready,
            batch.prepared,
            &mut state,
            sum,
        )
        .await?;
        if let Some(tx) = own {
            tx.commit().await?;
        }
        progress.advance(batch.records);
    }
    worker
        .await
        .map_err(|e| EngineError::Plan(format!("the source reader stopped: {e}")))?;
    state.seconds = base_seconds + clock.elapsed().as_secs_f64();
    state.done = true;
    if let Scope::PerBatch = scope {
        let mut e = db.clone();
        let dialect = e.dialect();
        let tables = [
            dialect.table(loader.schema(), loader.table().name),
            dialect.table(SchemaName::Control, "crosswalk"),
        ];
        for t in tables {
            if let Some(sql) = dialect.analyze(&t) {
                e.execute(Statement::new(sql, Vec::new())).await?;
            }
        }
    }
    match scope {
        Scope::Whole(tx) => control::save_state(tx, run_id, &part, &state).await?,
        Scope::PerBatch => control::save_state(&mut db.clone(), run_id, &part, &state).await?,
    }
    progress.finish(&state.counts);
    Ok(state)
}

#[allow(clippy::too_many_arguments)]
async fn commit_batch(
    e: &mut Tx,
    target: &LoadTarget<'_>,
    spec: &NewRowSpec,
    domain: &str,
    run_id: &str,
    quarantine_source: &str,
    part: &str,
    rejects: &[Reject],
    ready: Vec<super::record::Ready>,
    prepared: Option<PreparedNew>,
    state: &mut FeedState,
    checksum: &mut Checksum,
) -> Result<(), DbError> {
    control::quarantine(e, run_id, domain, quarantine_source, rejects).await?;
    let careful = match prepared {
        Some(p) => write_new(e, target.loader, spec, p, &mut state.counts, checksum).await?,
        None => Some(ready),
    };
    if let Some(ready) = careful {
        load_batch(e, target, ready, &mut state.counts, checksum).await?;
    }
    control::save_state(e, run_id, part, state).await?;
    control::save_state(e, run_id, &entity_part(target.entity_name), checksum).await?;
    Ok(())
}
