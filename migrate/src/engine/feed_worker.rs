//! Reads a feed's source and runs every record through the mapping on a blocking thread,
//! so that parsing, transforms, rules and constructors overlap the database writes of
//! the batch before: the engine's task only writes. Memory holds two batches at most.

use std::sync::Arc;

use chrono::NaiveDate;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::entity::EntityLoader;
use super::load_new::{NewRowSpec, PreparedNew, prepare_new};
use super::lookups::LookupTables;
use super::plan::{EntityPlan, Feed, PlannedSource};
use super::record::{Outcome, Ready, Reject, process, resolve};
use super::source_thread::open;
use super::{EngineError, MappingLineError};
use crate::mapping::transform::TransformContext;
use crate::source::Position;

/// One batch of source records, sorted by what became of them.
#[derive(Debug, Default)]
pub struct Processed {
    /// How many source records the batch held.
    pub records: u64,
    pub ready: Vec<Ready>,
    pub rejects: Vec<Reject>,
    /// Locator and reason of each skipped record.
    pub skipped: Vec<(String, String)>,
    /// The source position after the batch's last record.
    pub position: Option<Position>,
    /// On a first load, the ready records as rows for the fast path (`ready` is empty).
    pub prepared: Option<PreparedNew>,
}

impl Processed {
    /// The records that passed every rule, prepared or not.
    pub fn accepted(&self) -> usize {
        self.ready.len() + self.prepared.as_ref().map_or(0, PreparedNew::row_count)
    }
}

#[derive(Debug)]
pub enum Step {
    /// The number of records when the source knows it, for progress bars.
    Total(u64),
    Batch(Processed),
    Failed(EngineError),
}

/// Everything the worker needs, owned, since it outlives no borrow.
pub struct FeedWork {
    pub source: PlannedSource,
    pub feed: Feed,
    pub entity: EntityPlan,
    pub loader: Arc<dyn EntityLoader>,
    pub lookups: LookupTables,
    /// The mapping file, for errors that name its line.
    pub mapping_file: String,
    pub resume: Option<Position>,
    pub batch_size: usize,
    pub today: NaiveDate,
    /// Set on a first load: the batches come prepared for the fast path.
    pub fresh: Option<NewRowSpec>,
}

/// Starts the worker; its steps arrive on the receiver, and the handle ends with it.
pub fn spawn(work: FeedWork) -> (mpsc::Receiver<Step>, JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(2);
    let handle = tokio::task::spawn_blocking(move || {
        if let Err(e) = work.run(&tx) {
            let _ = tx.blocking_send(Step::Failed(e));
        }
    });
    (rx, handle)
}

impl FeedWork {
    fn run(&self, tx: &mpsc::Sender<Step>) -> Result<(), EngineError> {
        let feed = &self.feed;
        let mut source = open(&self.source)?;
        let total = source
            .tables()?
            .into_iter()
            .find(|t| t.name == feed.table)
            .and_then(|t| t.row_count);
        let mut reader = source.read(&feed.table, &feed.read, self.resume.as_ref())?;
        let resolved = resolve(feed, reader.columns()).map_err(|message| MappingLineError {
            file: self.mapping_file.clone(),
            line: feed.line,
            message,
        })?;
        if let Some(n) = total
            && tx.blocking_send(Step::Total(n)).is_err()
        {
            return Ok(());
        }
        let mut ctx = TransformContext::new(&self.lookups, self.today);
        let mut batch = Processed::default();
        loop {
            let record = reader.next_record()?;
            let end = record.is_none();
            if let Some(record) = record {
                batch.records += 1;
                match process(
                    feed,
                    &resolved,
                    self.loader.as_ref(),
                    &self.entity,
                    &record,
                    &mut ctx,
                ) {
                    Outcome::Skipped {
                        locator, reason, ..
                    } => batch.skipped.push((locator, reason)),
                    Outcome::Quarantined(r) => batch.rejects.push(r),
                    Outcome::Ready(r) => batch.ready.push(r),
                }
            }
            let full = batch.records >= self.batch_size as u64;
            if (full || end) && batch.records > 0 {
                batch.position = Some(reader.position());
                if let Some(spec) = &self.fresh {
                    match prepare_new(spec, std::mem::take(&mut batch.ready)) {
                        Ok(prepared) => batch.prepared = Some(prepared),
                        Err(ready) => batch.ready = ready,
                    }
                }
                if tx
                    .blocking_send(Step::Batch(std::mem::take(&mut batch)))
                    .is_err()
                {
                    return Ok(());
                }
            }
            if end {
                return Ok(());
            }
        }
    }
}
