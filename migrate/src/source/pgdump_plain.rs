//! pg_dump plain-format source: a `.sql` file read as a stream, never restored.
//!
//! One pass over the file ([`index`]) finds the tables (`CREATE TABLE`, or the data statements
//! of a data-only dump), their declared types and where their data is: `COPY … FROM stdin`
//! blocks and runs of `INSERT` statements (`--inserts`, `--column-inserts`, multi-row). A
//! reader then seeks to its table's data and decodes it line by line; memory holds one line
//! (or one INSERT statement) whatever the size of the dump. Values are converted by declared
//! type exactly as the custom-format and live sources do ([`convert`]). Generated columns
//! (`GENERATED ALWAYS AS … STORED`) are not in a dump and are not returned.
//!
//! A record's locator is its line in the file (`line 1234 (public.clients)`); a position is
//! the byte offset and line to seek to, so a resumed read does not re-read the file.

pub(super) mod convert;
pub(super) mod index;
pub(super) mod insert;
pub(super) mod lex;
pub(super) mod names;
pub(super) mod rows;
pub(super) mod scan;
pub(super) mod sql;
pub(super) mod tokens;

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use encoding_rs::UTF_8;
use serde::{Deserialize, Serialize};

use self::index::{DumpTable, SegmentKind};
use self::rows::{Shape, insert_rows};
use self::scan::{Event, ScanError, Scanner, StmtKind};
use super::{
    Cell, ColumnInfo, OpenOptions, Position, ReadOptions, Source, SourceError, SourceKind,
    SourceRecord, TableInfo, TableReader,
};

const FORMAT: &str = "pg_dump plain";
const READ_BUFFER: usize = 256 * 1024;

/// A plain-format dump (`pg_dump -Fp`, the default), read without a database.
#[derive(Debug)]
pub struct PgDumpPlainSource {
    path: PathBuf,
    name: String,
    tables: Option<Vec<DumpTable>>,
}

impl PgDumpPlainSource {
    /// Opens the dump and checks that it is SQL text; the tables are found on first use.
    pub fn open(path: &Path, _options: &OpenOptions) -> Result<PgDumpPlainSource, SourceError> {
        let source = PgDumpPlainSource {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            tables: None,
        };
        let mut head = Vec::new();
        File::open(path)
            .and_then(|f| f.take(8192).read_to_end(&mut head))
            .map_err(|e| SourceError::Io {
                path: source.path.clone(),
                source: e,
            })?;
        let problem = if head.is_empty() {
            Some("the file is empty")
        } else if head.starts_with(b"PGDMP") {
            Some("it is a custom-format dump (pg_dump -Fc): read it as a pg_dump custom source")
        } else if head.starts_with(&[0x1f, 0x8b]) {
            Some("it is gzip-compressed: decompress it first")
        } else if head.contains(&0) {
            Some("it holds binary data, not SQL text")
        } else {
            None
        };
        match problem {
            Some(message) => Err(source.format_error(message.to_owned())),
            None => Ok(source),
        }
    }

    fn format_error(&self, message: String) -> SourceError {
        SourceError::Format {
            path: self.path.clone(),
            format: FORMAT,
            message,
        }
    }

    fn scan_error(&self, error: ScanError) -> SourceError {
        scan_error(&self.path, error)
    }

    fn index(&mut self) -> Result<&[DumpTable], SourceError> {
        if self.tables.is_none() {
            let file = File::open(&self.path).map_err(|e| SourceError::Io {
                path: self.path.clone(),
                source: e,
            })?;
            let mut scanner = Scanner::new(
                BufReader::with_capacity(READ_BUFFER, file),
                0,
                1,
                UTF_8,
                true,
            );
            let tables = index::build(&mut scanner).map_err(|e| self.scan_error(e))?;
            if tables.is_empty() {
                return Err(self.format_error(
                    "no table in it: no CREATE TABLE, COPY or INSERT statement".into(),
                ));
            }
            self.tables = Some(tables);
        }
        Ok(self.tables.as_deref().unwrap_or_default())
    }
}

fn scan_error(path: &Path, error: ScanError) -> SourceError {
    match error {
        ScanError::Io(source) => SourceError::Io {
            path: path.to_path_buf(),
            source,
        },
        ScanError::Format(message) => SourceError::Format {
            path: path.to_path_buf(),
            format: FORMAT,
            message,
        },
    }
}

impl Source for PgDumpPlainSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::PgDumpPlain
    }

    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError> {
        Ok(self.index()?.iter().map(DumpTable::info).collect())
    }

    fn read<'a>(
        &'a mut self,
        table: &str,
        _options: &ReadOptions,
        resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError> {
        let source_name = self.name.clone();
        let path = self.path.clone();
        let tables = self.index()?;
        let keys: Vec<(&str, &str)> = tables
            .iter()
            .map(|t| (t.schema.as_str(), t.name.as_str()))
            .collect();
        let Some(found) = names::resolve(&keys, table) else {
            let available = names::available(&keys);
            return Err(SourceError::TableNotFound {
                source_name,
                table: table.to_owned(),
                available,
            });
        };
        let table = tables[found].clone();
        let position = match table.segments.first() {
            Some(first) => PlainPosition {
                segment: 0,
                offset: first.start,
                line: first.line,
                skip: 0,
                ordinal: 0,
            },
            None => PlainPosition::default(),
        };
        let mut reader = PlainReader {
            path,
            source_name,
            qualified: table.qualified(),
            columns: table.visible(),
            table,
            segment: 0,
            scanner: None,
            shape: None,
            pending: VecDeque::new(),
            statement: (0, 0),
            taken: 0,
            skip: 0,
            ordinal: 0,
            position,
        };
        if let Some(position) = resume {
            reader.resume(position)?;
        }
        Ok(Box::new(reader))
    }
}

/// Where a plain reader stands: segment, offset and line to seek to, INSERT rows of the
/// statement at that offset already returned, records returned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct PlainPosition {
    segment: usize,
    offset: u64,
    line: u64,
    skip: usize,
    ordinal: u64,
}

struct PlainReader {
    path: PathBuf,
    source_name: String,
    qualified: String,
    columns: Vec<ColumnInfo>,
    table: DumpTable,
    segment: usize,
    scanner: Option<Scanner<BufReader<File>>>,
    /// The COPY block's shape.
    shape: Option<Shape>,
    /// Rows of the current INSERT statement not yet returned, with their line.
    pending: VecDeque<(u64, Vec<Cell>)>,
    /// Offset and line of the current INSERT statement, rows of it returned.
    statement: (u64, u64),
    taken: usize,
    /// Rows to skip in the first INSERT statement after a resume.
    skip: usize,
    ordinal: u64,
    position: PlainPosition,
}

impl PlainReader {
    fn bad_position(&self, position: &Position) -> SourceError {
        SourceError::BadPosition {
            source_name: self.source_name.clone(),
            table: self.qualified.clone(),
            position: position.0.clone(),
        }
    }

    fn resume(&mut self, position: &Position) -> Result<(), SourceError> {
        let p: PlainPosition =
            serde_json::from_str(&position.0).map_err(|_| self.bad_position(position))?;
        if let Some(segment) = self.table.segments.get(p.segment) {
            let skip_ok = p.skip == 0 || segment.kind == SegmentKind::Inserts;
            if p.offset < segment.start
                || p.offset > segment.end
                || p.line < segment.line
                || !skip_ok
            {
                return Err(self.bad_position(position));
            }
            self.segment = p.segment;
            self.open(p.offset, p.line)?;
        } else if p.segment != self.table.segments.len() {
            return Err(self.bad_position(position));
        }
        self.segment = p.segment;
        self.skip = p.skip;
        self.ordinal = p.ordinal;
        self.position = p;
        Ok(())
    }

    /// Opens a scanner on the current segment at `offset`.
    fn open(&mut self, offset: u64, line: u64) -> Result<(), SourceError> {
        let Some(segment) = self.table.segments.get(self.segment) else {
            return Ok(());
        };
        let io = |source| SourceError::Io {
            path: self.path.clone(),
            source,
        };
        let mut file = File::open(&self.path).map_err(io)?;
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        let reader = BufReader::with_capacity(READ_BUFFER, file);
        let scanner = Scanner::new(reader, offset, line, segment.encoding, segment.std_strings);
        self.shape = None;
        self.scanner = Some(match &segment.kind {
            SegmentKind::Copy(names) => {
                self.shape = Some(Shape::new(&self.table, names.as_deref(), false));
                scanner.in_copy(segment.statement_line)
            }
            SegmentKind::Inserts => scanner,
            SegmentKind::Unsupported(message) => {
                let message = message.clone();
                return Err(SourceError::Format {
                    path: self.path.clone(),
                    format: FORMAT,
                    message,
                });
            }
        });
        Ok(())
    }

    fn next_segment(&mut self) {
        self.segment += 1;
        self.scanner = None;
        self.skip = 0;
    }

    fn record(&self, line: u64, cells: Vec<Cell>) -> SourceRecord {
        SourceRecord {
            defect: None,
            ordinal: self.ordinal,
            locator: format!("line {line} ({})", self.qualified),
            cells,
        }
    }
}

impl TableReader for PlainReader {
    fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }

    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        loop {
            if let Some((line, cells)) = self.pending.pop_front() {
                self.ordinal += 1;
                self.taken += 1;
                let (offset, statement_line) = self.statement;
                self.position = PlainPosition {
                    segment: self.segment,
                    offset,
                    line: statement_line,
                    skip: self.taken,
                    ordinal: self.ordinal,
                };
                return Ok(Some(self.record(line, cells)));
            }
            let Some(segment) = self.table.segments.get(self.segment) else {
                return Ok(None);
            };
            let (start, line, end, std_strings) = (
                segment.start,
                segment.line,
                segment.end,
                segment.std_strings,
            );
            if self.scanner.is_none() {
                self.open(start, line)?;
            }
            let Some(scanner) = self.scanner.as_mut() else {
                return Ok(None);
            };
            if self.shape.is_none() && scanner.offset() >= end {
                self.next_segment();
                continue;
            }
            let event = scanner
                .next_event()
                .map_err(|e| scan_error(&self.path, e))?;
            let (offset, next_line, encoding) =
                (scanner.offset(), scanner.line(), scanner.encoding);
            match event {
                None | Some(Event::CopyEnd { .. }) => self.next_segment(),
                Some(Event::CopyRow(row)) => {
                    let Some(shape) = &self.shape else { continue };
                    let cells = shape.copy_line(&row.bytes, encoding);
                    self.ordinal += 1;
                    self.position = PlainPosition {
                        segment: self.segment,
                        offset,
                        line: next_line,
                        skip: 0,
                        ordinal: self.ordinal,
                    };
                    return Ok(Some(self.record(row.line, cells)));
                }
                Some(Event::Statement(s)) if s.kind == StmtKind::Insert && self.shape.is_none() => {
                    let Some(rows) = insert_rows(&s.text, std_strings, &self.table) else {
                        continue;
                    };
                    let rows = rows.map_err(|message| SourceError::Record {
                        source_name: self.source_name.clone(),
                        table: self.qualified.clone(),
                        locator: format!("line {}", s.line),
                        message,
                    })?;
                    let skip = std::mem::take(&mut self.skip);
                    self.statement = (s.start, s.line);
                    self.taken = skip.min(rows.len());
                    self.pending = rows
                        .into_iter()
                        .skip(skip)
                        .map(|(breaks, cells)| (s.line + breaks, cells))
                        .collect();
                }
                Some(Event::Statement(_)) => {}
            }
        }
    }

    fn position(&self) -> Position {
        Position(serde_json::to_string(&self.position).unwrap_or_default())
    }
}
