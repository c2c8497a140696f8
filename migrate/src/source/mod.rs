//! Legacy sources read as streams of records: files (CSV, Excel, Access, pg_dump) and
//! live databases. Every reader is pull-based and keeps memory flat whatever the size,
//! and every record carries a locator a person can use to find it in the source.

mod access;
mod cell;
mod csv;
mod error;
mod excel;
mod oracle;
mod pgdump_custom;
mod pgdump_plain;
mod postgres;

pub use self::access::AccessSource;
pub use self::csv::CsvSource;
pub use self::excel::ExcelSource;
pub use self::oracle::OracleSource;
pub use self::pgdump_custom::PgDumpCustomSource;
pub use self::pgdump_plain::PgDumpPlainSource;
pub use self::postgres::PostgresSource;
pub use cell::Cell;
pub use error::SourceError;

use serde::{Deserialize, Serialize};

/// The kind of a legacy source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Csv,
    Excel,
    Access,
    PgDumpPlain,
    PgDumpCustom,
    Postgres,
    Oracle,
}

/// A column as the source declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    pub name: String,
    /// The source's own type name (`Text`, `Money`, `numeric(12,2)`…), when it has one.
    pub declared_type: Option<String>,
}

/// A table, sheet or CSV file of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<ColumnInfo>,
    /// The number of records when the source knows it without reading them all.
    pub row_count: Option<u64>,
    /// A hidden Excel sheet, for instance.
    pub hidden: bool,
}

/// One record read from a source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    /// 1-based ordinal of the record among the table's data records.
    pub ordinal: u64,
    /// Where a person finds it: `row 17` of a sheet, `line 1234` of a file, `N°=42`…
    pub locator: String,
    /// One cell per column of [`TableReader::columns`], in order.
    pub cells: Vec<Cell>,
    /// Set when the source could not read the record as it should (a CSV line with the
    /// wrong number of fields): the engine quarantines it with this reason.
    pub defect: Option<String>,
}

/// Where a reader stands, saved in checkpoints so that a run resumes after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position(pub String);

/// How to read one table; each source uses what applies to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Excel: the 0-based row index of the header row; `None` = the first non-empty row.
    pub header_row: Option<u32>,
}

/// A stream of records from one table.
pub trait TableReader {
    fn columns(&self) -> &[ColumnInfo];

    /// The next record, or `None` at the end. An error ends the stream.
    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError>;

    /// The position after the last record returned.
    fn position(&self) -> Position;
}

/// A legacy source: a file or a database.
pub trait Source: Send {
    /// The file path, or the database URL without its password.
    fn name(&self) -> &str;

    fn kind(&self) -> SourceKind;

    /// The tables, sheets or files of the source.
    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError>;

    /// The number of records of `table` when the source knows it without reading them,
    /// for progress bars.
    fn row_count(&mut self, table: &str) -> Result<Option<u64>, SourceError> {
        Ok(self
            .tables()?
            .into_iter()
            .find(|t| t.name == table)
            .and_then(|t| t.row_count))
    }

    /// Reads `table` from the start, or after `resume` (a position a reader returned).
    fn read<'a>(
        &'a mut self,
        table: &str,
        options: &ReadOptions,
        resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError>;
}

/// How to open a source; each kind uses what applies to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Access: the database password.
    pub password: Option<String>,
    /// CSV: the field delimiter (default `;` then `,`, detected from the header line).
    pub delimiter: Option<u8>,
    /// CSV: `utf-8` or `windows-1252`; `None` detects (UTF-8 when valid, else Windows-1252).
    pub encoding: Option<String>,
}
