//! Reads a feed's source on one thread and runs every record through the mapping on
//! another, so that parsing, transforms, rules and constructors overlap the database
//! writes of the batches before: the engine's task only writes. Each channel holds two
//! batches at most, so memory stays flat.

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
use crate::source::{ColumnInfo, Position, ReadOptions, SourceError, SourceRecord};

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

/// What the reading thread hands to the processing one.
enum Read {
    Columns(Vec<ColumnInfo>),
    Total(u64),
    /// Records, and the source position after the last of them.
    Records(Vec<SourceRecord>, Position),
    Failed(SourceError),
}

/// Reads the source on a thread of its own, so that parsing (calamine's XML, above all)
/// overlaps the transforms of the records before. Chunks are batch-sized, so that a
/// batch's checkpoint is the position after its last record.
fn spawn_reading(
    planned: PlannedSource,
    table: String,
    options: ReadOptions,
    resume: Option<Position>,
    batch_size: usize,
) -> (std::sync::mpsc::Receiver<Read>, std::thread::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::sync_channel(2);
    // The live PostgreSQL source drives its async driver through the runtime's handle.
    let runtime = tokio::runtime::Handle::current();
    let handle = std::thread::spawn(move || {
        let _entered = runtime.enter();
        let read = || -> Result<(), SourceError> {
            let mut source = open(&planned)?;
            let total = source.row_count(&table)?;
            let mut reader = source.read(&table, &options, resume.as_ref())?;
            if tx.send(Read::Columns(reader.columns().to_vec())).is_err() {
                return Ok(());
            }
            if let Some(n) = total
                && tx.send(Read::Total(n)).is_err()
            {
                return Ok(());
            }
            let mut chunk = Vec::with_capacity(batch_size);
            loop {
                let record = reader.next_record()?;
                let end = record.is_none();
                chunk.extend(record);
                if (end || chunk.len() >= batch_size) && !chunk.is_empty() {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(batch_size));
                    if tx.send(Read::Records(full, reader.position())).is_err() {
                        return Ok(());
                    }
                }
                if end {
                    return Ok(());
                }
            }
        };
        if let Err(e) = read() {
            let _ = tx.send(Read::Failed(e));
        }
    });
    (rx, handle)
}

impl FeedWork {
    fn run(&self, tx: &mpsc::Sender<Step>) -> Result<(), EngineError> {
        let feed = &self.feed;
        let (reading, reader) = spawn_reading(
            self.source.clone(),
            feed.table.clone(),
            feed.read.clone(),
            self.resume.clone(),
            self.batch_size,
        );
        let mut ctx = TransformContext::new(&self.lookups, self.today);
        let mut resolved = None;
        // The reading thread ends when its receiver is dropped, on return.
        for read in &reading {
            let (records, position) = match read {
                Read::Columns(columns) => {
                    resolved =
                        Some(resolve(feed, &columns).map_err(|message| MappingLineError {
                            file: self.mapping_file.clone(),
                            line: feed.line,
                            message,
                        })?);
                    continue;
                }
                Read::Total(n) => {
                    if tx.blocking_send(Step::Total(n)).is_err() {
                        return Ok(());
                    }
                    continue;
                }
                Read::Failed(e) => return Err(e.into()),
                Read::Records(records, position) => (records, position),
            };
            let Some(resolved) = &resolved else { continue };
            let mut batch = Processed {
                records: records.len() as u64,
                position: Some(position),
                ..Processed::default()
            };
            for record in &records {
                match process(
                    feed,
                    resolved,
                    self.loader.as_ref(),
                    &self.entity,
                    record,
                    &mut ctx,
                ) {
                    Outcome::Skipped {
                        locator, reason, ..
                    } => batch.skipped.push((locator, reason)),
                    Outcome::Quarantined(r) => batch.rejects.push(r),
                    Outcome::Ready(r) => batch.ready.push(r),
                }
            }
            drop(records);
            if let Some(spec) = &self.fresh {
                match prepare_new(spec, std::mem::take(&mut batch.ready)) {
                    Ok(prepared) => batch.prepared = Some(prepared),
                    Err(ready) => batch.ready = ready,
                }
            }
            if tx.blocking_send(Step::Batch(batch)).is_err() {
                return Ok(());
            }
        }
        // The channel also ends when the reading thread dies: that must not pass for the
        // end of the source.
        reader.join().map_err(|_| {
            EngineError::Source(SourceError::Database {
                source_name: self.source.name.clone(),
                message: format!(
                    "reading {} stopped unexpectedly; nothing after the last checkpoint was loaded",
                    feed.table
                ),
            })
        })
    }
}
