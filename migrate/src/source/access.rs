//! Source: MS Access files (.mdb, .accdb), read one row at a time with jetdb.
//!
//! Protected files are opened with [`OpenOptions::password`]: jetdb checks it for encrypted
//! .accdb files, and this module checks the database password a Jet file keeps in its header,
//! which jetdb ignores. What jetdb cannot read faithfully is refused rather than loaded:
//! fixed-length Text columns (jetdb 0.4 reads them as NULL), complex columns, calculated
//! columns of unknown result type, rows it passes over, and any panic inside jetdb.

use std::collections::HashMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use jetdb::{CatalogEntry, ColumnType, FileError, ObjectType, PageReader};
use jetdb::{RowPosition, TableDef, TableRows, Value};

use super::{
    Cell, ColumnInfo, OpenOptions, Position, ReadOptions, Source, SourceError, SourceKind,
};
use super::{SourceRecord, TableInfo, TableReader};

#[path = "access_values.rs"]
mod values;
use values::{cell, column_info, header_password, key_column, readable_columns};

/// An MS Access database file.
pub struct AccessSource {
    path: PathBuf,
    name: String,
    reader: PageReader,
    catalog: Vec<CatalogEntry>,
    /// The table being read, which the reader returned by [`Source::read`] borrows.
    current: Option<Table>,
}

/// A table being read: its definition and the columns read.
struct Table {
    def: TableDef,
    calculated: HashMap<String, ColumnType>,
    columns: Vec<ColumnInfo>,
    /// For each column of `columns`, its index in `def.columns`.
    indexes: Vec<usize>,
    /// The column named in locators, as an index in `columns`.
    key: Option<usize>,
}

impl fmt::Debug for AccessSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessSource({})", self.name)
    }
}

impl AccessSource {
    /// Opens the file and reads its catalog; a protected file needs its password.
    pub fn open(path: &Path, options: &OpenOptions) -> Result<AccessSource, SourceError> {
        let io = |source| SourceError::Io {
            path: path.to_path_buf(),
            source,
        };
        std::fs::metadata(path).map_err(io)?;
        let mut reader = open_reader(path, options.password.as_deref())?;
        let catalog = guarded(|| jetdb::read_catalog(&mut reader))
            .map_err(|f| format_error(path, format!("cannot read its catalog: {f}")))?;
        let (path, name) = (path.to_path_buf(), path.display().to_string());
        Ok(AccessSource {
            path,
            name,
            reader,
            catalog,
            current: None,
        })
    }

    /// The user tables: neither system (`MSys*`) nor hidden.
    fn user_tables(&self) -> impl Iterator<Item = &CatalogEntry> {
        self.catalog.iter().filter(|e| {
            e.object_type == ObjectType::Table
                && !e.is_system_or_hidden()
                && !e.name.to_ascii_lowercase().starts_with("msys")
        })
    }

    fn table_def(&mut self, name: &str, page: u32) -> Result<TableDef, SourceError> {
        let reader = &mut self.reader;
        guarded(|| jetdb::read_table_def(reader, name, page)).map_err(|f| {
            format_error(
                &self.path,
                format!("table {name}: cannot read its definition: {f}"),
            )
        })
    }

    /// The catalog name and definition page of `table`, matched exactly, else ignoring case.
    fn find(&self, table: &str) -> Result<(String, u32), SourceError> {
        let mut same = self
            .user_tables()
            .filter(|e| e.name.eq_ignore_ascii_case(table));
        let unique = same.next().filter(|_| same.next().is_none());
        match self.user_tables().find(|e| e.name == table).or(unique) {
            Some(e) => Ok((e.name.clone(), e.table_page)),
            None => Err(SourceError::TableNotFound {
                source_name: self.name.clone(),
                table: table.to_string(),
                available: self
                    .user_tables()
                    .map(|e| &*e.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }
}

impl Source for AccessSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Access
    }

    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError> {
        let entries: Vec<_> = self
            .user_tables()
            .map(|e| (e.name.clone(), e.table_page))
            .collect();
        let mut tables = Vec::with_capacity(entries.len());
        for (name, page) in entries {
            let def = self.table_def(&name, page)?;
            let calculated = jetdb::calculated_column_types_in(&self.catalog, &def);
            let shown = def.columns.iter().filter(|c| !c.is_hidden());
            let columns = shown.map(|c| column_info(&def, c, &calculated)).collect();
            let row_count = Some(u64::from(def.num_rows));
            tables.push(TableInfo {
                name,
                columns,
                row_count,
                hidden: false,
            });
        }
        Ok(tables)
    }

    fn read<'a>(
        &'a mut self,
        table: &str,
        _options: &ReadOptions,
        resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError> {
        let (table, page) = self.find(table)?;
        let def = self.table_def(&table, page)?;
        let calculated = jetdb::calculated_column_types_in(&self.catalog, &def);
        let indexes = readable_columns(&self.name, &def, &calculated)?;
        let bad_position = |p: &Position| SourceError::BadPosition {
            source_name: self.name.clone(),
            table: table.clone(),
            position: p.0.clone(),
        };
        let (start, ordinal) = match resume {
            None => (RowPosition::default(), 0),
            Some(p) => parse_position(&p.0)
                .filter(|(at, _)| (at.page as usize) <= def.data_pages.len())
                .ok_or_else(|| bad_position(p))?,
        };
        let columns = indexes
            .iter()
            .map(|&i| column_info(&def, &def.columns[i], &calculated));
        let (columns, key) = (columns.collect(), key_column(&def, &indexes));
        let current = self.current.insert(Table {
            def,
            calculated,
            columns,
            indexes,
            key,
        });
        let rows = TableRows::new(&current.def, &current.calculated)
            .with_columns(&current.indexes)
            .starting_at(start);
        let (path, reader) = (&self.path, &mut self.reader);
        let (failure, finished) = (None, false);
        Ok(Box::new(AccessTableReader {
            path,
            reader,
            table: current,
            rows,
            ordinal,
            failure,
            finished,
        }))
    }
}

/// Opens the file, with `password` if it is encrypted or its header holds a password.
fn open_reader(path: &Path, password: Option<&str>) -> Result<PageReader, SourceError> {
    let (required, wrong) = (
        SourceError::PasswordRequired {
            path: path.to_path_buf(),
        },
        SourceError::WrongPassword {
            path: path.to_path_buf(),
        },
    );
    let refused = |f: Failure| format_error(path, format!("it does not open as one ({f})"));
    let mut reader = match guarded(|| PageReader::open_with_password(path, None)) {
        Ok(reader) => reader,
        Err(Failure::Error(FileError::PasswordRequired)) => {
            let password = password.ok_or(required)?;
            return match guarded(|| PageReader::open_with_password(path, Some(password))) {
                Err(Failure::Error(FileError::InvalidPassword)) => Err(wrong),
                result => result.map_err(refused),
            };
        }
        Err(f) => return Err(refused(f)),
    };
    match (
        guarded(|| header_password(&mut reader)).map_err(refused)?,
        password,
    ) {
        (None, _) => Ok(reader),
        (Some(stored), Some(given)) if stored == given => Ok(reader),
        (Some(_), Some(_)) => Err(wrong),
        (Some(_), None) => Err(required),
    }
}

/// A position is `page:row:ordinal`: jetdb's [`RowPosition`] of the next row (the index of
/// the data page in the table's list and of the row on it) and the records read before it.
fn parse_position(text: &str) -> Option<(RowPosition, u64)> {
    let mut parts = text.split(':');
    let page = parts.next()?.parse().ok()?;
    let row = parts.next()?.parse().ok()?;
    let ordinal = parts.next()?.parse().ok()?;
    parts
        .next()
        .is_none()
        .then_some((RowPosition { page, row }, ordinal))
}

struct AccessTableReader<'a> {
    path: &'a Path,
    reader: &'a mut PageReader,
    table: &'a Table,
    rows: TableRows<'a>,
    /// The records read, those before the resume position included.
    ordinal: u64,
    /// The message of the error that ended the stream, returned again if asked.
    failure: Option<String>,
    finished: bool,
}

impl AccessTableReader<'_> {
    fn fail(&mut self, message: String) -> SourceError {
        let message = format!("table {}: {message}", self.table.def.name);
        self.failure = Some(message.clone());
        format_error(self.path, message)
    }

    /// At the end of the table: fewer rows than its definition counts is an error.
    fn check_end(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        let (at, expected) = (self.rows.position(), u64::from(self.table.def.num_rows));
        if (at.page as usize) < self.table.def.data_pages.len() {
            let m = format!(
                "the row at data page {}, row {} cannot be read",
                at.page, at.row
            );
            return Err(self.fail(m));
        }
        if self.ordinal < expected {
            let missing = expected - self.ordinal;
            return Err(self.fail(format!(
                "its definition counts {expected} rows but only {} could be read: {missing} \
                 row(s) cannot be read, so the table is refused",
                self.ordinal
            )));
        }
        self.finished = true;
        Ok(None)
    }
}

impl TableReader for AccessTableReader<'_> {
    fn columns(&self) -> &[ColumnInfo] {
        &self.table.columns
    }

    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        if let Some(message) = &self.failure {
            return Err(format_error(self.path, message.clone()));
        }
        if self.finished {
            return Ok(None);
        }
        let before = self.rows.position();
        let (rows, reader) = (&mut self.rows, &mut *self.reader);
        let (next, skipped) = (guarded(|| rows.next_row(reader)), rows.skipped_rows());
        let row = match next {
            Err(f) => {
                let at = format!("data page {}, row {}", before.page, before.row);
                return Err(self.fail(format!("cannot read the rows from {at}: {f}")));
            }
            Ok(_) if skipped > 0 => {
                let at = self.rows.position();
                return Err(self.fail(format!(
                    "{skipped} row(s) before data page {}, row {} cannot be read, so the \
                     table is refused rather than loaded without them",
                    at.page, at.row
                )));
            }
            Ok(None) => return self.check_end(),
            Ok(Some(row)) => row,
        };
        self.ordinal += 1;
        let mut values = row.values;
        let mut take = |i: usize| values.get_mut(i).map(|v| std::mem::replace(v, Value::Null));
        let cells: Vec<Cell> = self.table.indexes.iter().map(|&i| cell(take(i))).collect();
        let key = self.table.key.and_then(|k| {
            let value = cells.get(k)?.to_raw_string()?;
            Some(format!(" ({}={value})", self.table.columns[k].name))
        });
        let locator = format!("row {}{}", self.ordinal, key.unwrap_or_default());
        Ok(Some(SourceRecord {
            defect: None,
            ordinal: self.ordinal,
            locator,
            cells,
        }))
    }

    fn position(&self) -> Position {
        let at = self.rows.position();
        Position(format!("{}:{}:{}", at.page, at.row, self.ordinal))
    }
}

fn format_error(path: &Path, message: String) -> SourceError {
    SourceError::Format {
        path: path.to_path_buf(),
        format: "MS Access",
        message,
    }
}

/// How a call into jetdb failed: an error, or a panic caught.
enum Failure {
    Error(FileError),
    Panic(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Error(FileError::FileTooSmall { actual, .. }) => {
                write!(f, "too small to be an Access database ({actual} bytes)")
            }
            Failure::Error(e) => write!(f, "{e}"),
            Failure::Panic(message) => write!(f, "jetdb failed on this file ({message})"),
        }
    }
}

/// Runs a jetdb call, turning a panic inside it into a [`Failure`].
fn guarded<T>(call: impl FnOnce() -> Result<T, FileError>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(call)).map_or_else(
        |panic| {
            let text = panic.downcast_ref::<&str>().map(|s| s.to_string());
            let text = text.or_else(|| panic.downcast_ref::<String>().cloned());
            Err(Failure::Panic(text.unwrap_or_else(|| "panic".to_string())))
        },
        |result| result.map_err(Failure::Error),
    )
}
