//! Reads a source on a blocking thread and hands its records to the engine in batches,
//! so that file parsing and database writes overlap and memory holds two batches at most.

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::plan::Location;
use super::plan::PlannedSource;
use crate::source::{
    AccessSource, ColumnInfo, CsvSource, ExcelSource, OracleSource, PgDumpCustomSource,
    PgDumpPlainSource, Position, PostgresSource, ReadOptions, Source, SourceError, SourceKind,
    SourceRecord,
};

#[derive(Debug)]
pub enum Msg {
    Columns(Vec<ColumnInfo>),
    /// The number of records when the source knows it, for progress bars.
    Total(u64),
    /// Records and the position after the last of them.
    Batch(Vec<SourceRecord>, Position),
    Source(SourceError),
}

pub fn spawn_reader(
    source: PlannedSource,
    table: String,
    options: ReadOptions,
    resume: Option<Position>,
    batch_size: usize,
) -> (mpsc::Receiver<Msg>, JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(2);
    let handle = tokio::task::spawn_blocking(move || {
        if let Err(e) = read_all(&source, &table, &options, resume.as_ref(), batch_size, &tx) {
            let _ = tx.blocking_send(Msg::Source(e));
        }
    });
    (rx, handle)
}

fn read_all(
    planned: &PlannedSource,
    table: &str,
    options: &ReadOptions,
    resume: Option<&Position>,
    batch_size: usize,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), SourceError> {
    let mut source = open(planned)?;
    let total = source
        .tables()?
        .into_iter()
        .find(|t| t.name == table)
        .and_then(|t| t.row_count);
    let mut reader = source.read(table, options, resume)?;
    if tx
        .blocking_send(Msg::Columns(reader.columns().to_vec()))
        .is_err()
    {
        return Ok(());
    }
    if let Some(n) = total {
        let _ = tx.blocking_send(Msg::Total(n));
    }
    let mut batch = Vec::with_capacity(batch_size);
    while let Some(record) = reader.next_record()? {
        batch.push(record);
        if batch.len() >= batch_size {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
            if tx
                .blocking_send(Msg::Batch(full, reader.position()))
                .is_err()
            {
                return Ok(());
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.blocking_send(Msg::Batch(batch, reader.position()));
    }
    Ok(())
}

/// Opens a planned source. Must run on a blocking thread: the live PostgreSQL source
/// drives its async driver from there.
pub fn open(planned: &PlannedSource) -> Result<Box<dyn Source>, SourceError> {
    let o = &planned.open;
    Ok(match (&planned.location, planned.kind) {
        (Location::File(p), SourceKind::Csv) => Box::new(CsvSource::open(p, o)?),
        (Location::File(p), SourceKind::Excel) => Box::new(ExcelSource::open(p, o)?),
        (Location::File(p), SourceKind::Access) => Box::new(AccessSource::open(p, o)?),
        (Location::File(p), SourceKind::PgDumpPlain) => Box::new(PgDumpPlainSource::open(p, o)?),
        (Location::File(p), SourceKind::PgDumpCustom) => Box::new(PgDumpCustomSource::open(p, o)?),
        (Location::Url(u), SourceKind::Postgres) => {
            Box::new(tokio::runtime::Handle::current().block_on(PostgresSource::connect(u))?)
        }
        (Location::Url(u), SourceKind::Oracle) => Box::new(OracleSource::connect(u)?),
        (location, kind) => {
            return Err(SourceError::Database {
                source_name: planned.name.clone(),
                message: format!("a {kind:?} source cannot be read from {location:?}"),
            });
        }
    })
}
