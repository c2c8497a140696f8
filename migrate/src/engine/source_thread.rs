//! Opens a planned source of any kind, on the blocking thread that will read it.

use super::plan::Location;
use super::plan::PlannedSource;
use crate::source::{
    AccessSource, CsvSource, ExcelSource, OracleSource, PgDumpCustomSource, PgDumpPlainSource,
    PostgresSource, Source, SourceError, SourceKind,
};

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
