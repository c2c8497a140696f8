//! pg_dump custom-format source (`pg_dump -Fc`), read without a database through pgdumpx.
//!
//! The tables are the archive's `TABLE` entries; their columns and declared types come from
//! the `CREATE TABLE` in each entry's definition, parsed by the plain source's SQL reader, and
//! values are converted by declared type exactly as the plain and live sources do. Data is
//! streamed and decompressed by pgdumpx (COPY text); an archive made with `--inserts` is read
//! through the plain source's INSERT reader. Records are located as `row N (schema.table)`
//! of the table's data; a resumed read skips the first N rows again (the compressed stream
//! cannot be entered in the middle). pgdumpx's errors and panics become
//! [`SourceError::Format`].

use std::collections::VecDeque;
use std::fs::File;
use std::io::BufReader;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, UTF_8};
use pgdumpx::{
    Archive, DumpId, EntryDataReader, FieldRef, Limits, PgDumpError, TableDataRepresentation,
    TableRowReader,
};
use serde::{Deserialize, Serialize};

use super::pgdump_plain::index::{DumpTable, from_definition};
use super::pgdump_plain::names;
use super::pgdump_plain::rows::{Shape, insert_rows};
use super::pgdump_plain::scan::{Event, Scanner, StmtKind, pg_encoding};
use super::pgdump_plain::sql::parse_set;
use super::{
    Cell, ColumnInfo, OpenOptions, Position, ReadOptions, Source, SourceError, SourceKind,
    SourceRecord, TableInfo, TableReader,
};

const FORMAT: &str = "pg_dump custom";
const PANICKED: &str = "the archive reader failed on malformed content";
/// A COPY row may hold a value of up to 1 GiB (pgdumpx's default stops at 16 MiB).
const MAX_ROW_BYTES: usize = 1 << 30;

type ArchiveFile = BufReader<File>;

/// A custom-format archive (`pg_dump -Fc`).
#[derive(Debug)]
pub struct PgDumpCustomSource {
    path: PathBuf,
    name: String,
    archive: Archive<ArchiveFile>,
    tables: Vec<CustomTable>,
    encoding: &'static Encoding,
    std_strings: bool,
}

#[derive(Debug, Clone)]
struct CustomTable {
    table: DumpTable,
    /// The exact TOC bytes of the schema and name, for pgdumpx.
    schema: Vec<u8>,
    name: Vec<u8>,
    data: Option<(DumpId, Option<TableDataRepresentation>)>,
}

impl PgDumpCustomSource {
    /// Opens the archive and reads its table of contents (no data is decompressed).
    pub fn open(path: &Path, _options: &OpenOptions) -> Result<PgDumpCustomSource, SourceError> {
        let format_error = |message: String| SourceError::Format {
            path: path.to_path_buf(),
            format: FORMAT,
            message,
        };
        let meta = std::fs::metadata(path).map_err(|source| SourceError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if meta.len() == 0 {
            return Err(format_error("the file is empty".into()));
        }
        let limits = Limits::default_compatible().with_max_row_bytes(MAX_ROW_BYTES);
        let archive = match catch_unwind(|| Archive::open_path_with_limits(path, limits)) {
            Ok(Ok(archive)) => archive,
            Ok(Err(PgDumpError::Io { source, offset: 0 })) => {
                return Err(SourceError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
            Ok(Err(PgDumpError::InvalidArchiveMagic { .. })) => {
                let message = "it does not start with PGDMP, so it is not a custom-format dump \
                    (a plain .sql dump is read as a pg_dump plain source)";
                return Err(format_error(message.into()));
            }
            Ok(Err(e)) => return Err(format_error(e.to_string())),
            Err(_) => return Err(format_error(PANICKED.into())),
        };
        let mut encoding = UTF_8;
        let mut std_strings = true;
        for entry in archive.entries() {
            let definition = entry.definition().map(|d| d.as_bytes()).unwrap_or_default();
            let setting = || parse_set(&String::from_utf8_lossy(definition));
            match entry.description_bytes() {
                b"ENCODING" => {
                    if let Some((_, value)) = setting() {
                        encoding = pg_encoding(&value).ok_or_else(|| {
                            format_error(format!("unsupported client_encoding {value:?}"))
                        })?;
                    }
                }
                b"STDSTRINGS" => {
                    if let Some((_, value)) = setting() {
                        std_strings = !value.eq_ignore_ascii_case("off");
                    }
                }
                _ => {}
            }
        }
        let mut tables = Vec::new();
        for entry in archive
            .entries()
            .iter()
            .filter(|e| e.description_bytes() == b"TABLE")
        {
            let schema = entry.namespace_bytes().unwrap_or(b"public").to_vec();
            let name = entry.name_bytes().to_vec();
            let definition = entry.definition().map(|d| d.as_bytes()).unwrap_or_default();
            let table_ref = archive.table(&schema, &name);
            let data = table_ref.as_ref().and_then(|t| {
                t.data_entry_id()
                    .map(|id| (id, t.data_representation().ok()))
            });
            let decode = |bytes: &[u8]| encoding.decode_without_bom_handling(bytes).0.into_owned();
            let data_columns: Vec<String> = table_ref
                .as_ref()
                .and_then(|t| t.columns().ok())
                .map(|columns| columns.iter().map(|c| decode(c.name_bytes())).collect())
                .unwrap_or_default();
            let (schema_text, name_text) = (decode(&schema), decode(&name));
            let definition = (definition, encoding);
            let Some(table) = from_definition(
                schema_text,
                name_text,
                definition,
                &data_columns,
                data.is_some(),
            ) else {
                continue;
            };
            tables.push(CustomTable {
                table,
                schema,
                name,
                data,
            });
        }
        let name = path.display().to_string();
        Ok(PgDumpCustomSource {
            path: path.to_path_buf(),
            name,
            archive,
            tables,
            encoding,
            std_strings,
        })
    }
}

impl Source for PgDumpCustomSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::PgDumpCustom
    }

    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError> {
        Ok(self
            .tables
            .iter()
            .map(|t| TableInfo {
                row_count: None,
                ..t.table.info()
            })
            .collect())
    }

    fn read<'a>(
        &'a mut self,
        table: &str,
        _options: &ReadOptions,
        resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError> {
        let keys: Vec<(&str, &str)> = self
            .tables
            .iter()
            .map(|t| (t.table.schema.as_str(), t.table.name.as_str()))
            .collect();
        let Some(found) = names::resolve(&keys, table) else {
            let available = names::available(&keys);
            return Err(SourceError::TableNotFound {
                source_name: self.name.clone(),
                table: table.to_owned(),
                available,
            });
        };
        let CustomTable {
            table,
            schema,
            name,
            data,
        } = self.tables[found].clone();
        let format_error = |message: String| SourceError::Format {
            path: self.path.clone(),
            format: FORMAT,
            message,
        };
        let (encoding, std_strings) = (self.encoding, self.std_strings);
        let archive = &mut self.archive;
        let data = match data {
            None => Data::Empty,
            Some((id, Some(TableDataRepresentation::Insert))) => {
                match catch_unwind(AssertUnwindSafe(move || {
                    let archive = archive;
                    archive.entry_reader(id)
                })) {
                    Ok(Ok(Some(reader))) => Data::Inserts(Box::new(Scanner::new(
                        BufReader::new(reader),
                        0,
                        1,
                        encoding,
                        std_strings,
                    ))),
                    Ok(Ok(None)) => Data::Empty,
                    Ok(Err(e)) => return Err(format_error(e.to_string())),
                    Err(_) => return Err(format_error(PANICKED.into())),
                }
            }
            Some(_) => match catch_unwind(AssertUnwindSafe(move || {
                let archive = archive;
                archive.table_rows(&schema, &name)
            })) {
                Ok(Ok(rows)) => {
                    let copy_names = rows.columns().ok().map(|columns| {
                        columns
                            .iter()
                            .map(|c| {
                                encoding
                                    .decode_without_bom_handling(c.name_bytes())
                                    .0
                                    .into_owned()
                            })
                            .collect::<Vec<_>>()
                    });
                    let shape = Shape::new(&table, copy_names.as_deref(), false);
                    Data::Copy {
                        rows: Box::new(rows),
                        shape,
                    }
                }
                Ok(Err(e)) => return Err(format_error(e.to_string())),
                Err(_) => return Err(format_error(PANICKED.into())),
            },
        };
        let mut reader = CustomReader {
            path: self.path.clone(),
            source_name: self.name.clone(),
            qualified: table.qualified(),
            columns: table.visible(),
            table,
            data,
            encoding,
            pending: VecDeque::new(),
            ordinal: 0,
        };
        if let Some(position) = resume {
            reader.resume(position)?;
        }
        Ok(Box::new(reader))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct CustomPosition {
    ordinal: u64,
}

enum Data<'a> {
    Empty,
    Copy {
        rows: Box<TableRowReader<'a, ArchiveFile>>,
        shape: Shape,
    },
    Inserts(Box<Scanner<BufReader<EntryDataReader<'a, ArchiveFile>>>>),
}

struct CustomReader<'a> {
    path: PathBuf,
    source_name: String,
    qualified: String,
    columns: Vec<ColumnInfo>,
    table: DumpTable,
    data: Data<'a>,
    encoding: &'static Encoding,
    /// Rows of the current INSERT statement not yet returned.
    pending: VecDeque<Vec<Cell>>,
    ordinal: u64,
}

impl CustomReader<'_> {
    fn format_error(&self, message: String) -> SourceError {
        SourceError::Format {
            path: self.path.clone(),
            format: FORMAT,
            message,
        }
    }

    fn resume(&mut self, position: &Position) -> Result<(), SourceError> {
        let bad = SourceError::BadPosition {
            source_name: self.source_name.clone(),
            table: self.qualified.clone(),
            position: position.0.clone(),
        };
        let Ok(CustomPosition { ordinal: target }) = serde_json::from_str(&position.0) else {
            return Err(bad);
        };
        while self.ordinal < target {
            if self.next_cells()?.is_none() {
                return Err(bad);
            }
        }
        Ok(())
    }

    /// The next row's cells; counts it.
    fn next_cells(&mut self) -> Result<Option<Vec<Cell>>, SourceError> {
        let cells = match &mut self.data {
            Data::Empty => None,
            Data::Copy { rows, shape } => {
                let encoding = self.encoding;
                let read = catch_unwind(AssertUnwindSafe(
                    || -> Result<Option<Vec<Cell>>, PgDumpError> {
                        let Some(row) = rows.next_row()? else {
                            return Ok(None);
                        };
                        let fields = row
                            .fields()
                            .map(|f| match f {
                                FieldRef::Null => None,
                                FieldRef::Bytes(bytes) => Some(bytes),
                            })
                            .collect();
                        Ok(Some(shape.fields(fields, encoding)))
                    },
                ));
                match read {
                    Ok(Ok(cells)) => cells,
                    Ok(Err(e)) => return Err(self.format_error(format!("{}: {e}", self.qualified))),
                    Err(_) => return Err(self.format_error(PANICKED.into())),
                }
            }
            Data::Inserts(scanner) => loop {
                if let Some(cells) = self.pending.pop_front() {
                    break Some(cells);
                }
                let event = catch_unwind(AssertUnwindSafe(|| scanner.next_event()));
                let statement = match event {
                    Ok(Ok(Some(Event::Statement(s)))) if s.kind == StmtKind::Insert => s,
                    Ok(Ok(Some(_))) => continue,
                    Ok(Ok(None)) => break None,
                    Ok(Err(e)) => {
                        return Err(self.format_error(format!("{}: {e}", self.qualified)));
                    }
                    Err(_) => return Err(self.format_error(PANICKED.into())),
                };
                match insert_rows(&statement.text, scanner.std_strings, &self.table) {
                    Some(Ok(rows)) => self
                        .pending
                        .extend(rows.into_iter().map(|(_, cells)| cells)),
                    Some(Err(message)) => {
                        return Err(self.format_error(format!("{}: {message}", self.qualified)));
                    }
                    None => {}
                }
            },
        };
        if cells.is_some() {
            self.ordinal += 1;
        }
        Ok(cells)
    }
}

impl TableReader for CustomReader<'_> {
    fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }

    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        Ok(self.next_cells()?.map(|cells| SourceRecord {
            defect: None,
            ordinal: self.ordinal,
            locator: format!("row {} ({})", self.ordinal, self.qualified),
            cells,
        }))
    }

    fn position(&self) -> Position {
        Position(
            serde_json::to_string(&CustomPosition {
                ordinal: self.ordinal,
            })
            .unwrap_or_default(),
        )
    }
}
