//! One pass over a plain dump: its tables, their columns and declared types, and where
//! their data is (COPY blocks, runs of INSERT statements), with exact row counts.

use std::collections::HashMap;
use std::io::{BufRead, Cursor};

use encoding_rs::Encoding;

use super::insert::parse_insert;
use super::scan::{Event, ScanError, Scanner, StmtKind};
use super::sql::{ColumnDef, QualName, parse_copy, parse_create_table};
use crate::source::{ColumnInfo, TableInfo};

/// A table of the dump.
#[derive(Debug, Clone)]
pub(crate) struct DumpTable {
    pub schema: String,
    pub name: String,
    /// All columns, generated ones included (INSERT without column list counts them).
    pub columns: Vec<ColumnDef>,
    pub segments: Vec<Segment>,
    pub rows: u64,
    /// `CREATE TABLE … PARTITION BY`: its rows are in its partitions.
    pub partitioned: bool,
}

impl DumpTable {
    pub(crate) fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    /// The columns a reader returns: generated columns are not in a dump.
    pub(crate) fn visible(&self) -> Vec<ColumnInfo> {
        self.columns
            .iter()
            .filter(|c| !c.generated)
            .map(|c| ColumnInfo {
                name: c.name.clone(),
                declared_type: c.declared_type.clone(),
            })
            .collect()
    }

    pub(crate) fn info(&self) -> TableInfo {
        TableInfo {
            name: self.qualified(),
            columns: self.visible(),
            row_count: Some(self.rows),
            hidden: false,
        }
    }

    fn merge_columns(&mut self, names: &[String]) {
        for name in names {
            if !self.columns.iter().any(|c| &c.name == name) {
                self.columns.push(ColumnDef {
                    name: name.clone(),
                    declared_type: None,
                    generated: false,
                });
            }
        }
    }

    fn positional_columns(&mut self, count: usize) {
        if self.columns.is_empty() {
            let names: Vec<String> = (1..=count).map(|i| format!("column{i}")).collect();
            self.merge_columns(&names);
        }
    }
}

/// A stretch of the file with rows of one table.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub kind: SegmentKind,
    /// COPY: the first data line; INSERT: the first statement.
    pub start: u64,
    pub line: u64,
    /// COPY: the `\.` line; INSERT: after the last statement's `;`.
    pub end: u64,
    /// The line of the COPY statement.
    pub statement_line: u64,
    pub encoding: &'static Encoding,
    pub std_strings: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SegmentKind {
    /// COPY data, with the statement's column list.
    Copy(Option<Vec<String>>),
    Inserts,
    /// Data this reader cannot take (COPY options such as CSV), and why.
    Unsupported(String),
}

/// Reads the whole dump once.
pub(crate) fn build<R: BufRead>(scanner: &mut Scanner<R>) -> Result<Vec<DumpTable>, ScanError> {
    let mut tables: Vec<DumpTable> = Vec::new();
    let mut by_name: HashMap<(String, String), usize> = HashMap::new();
    let mut entry = |tables: &mut Vec<DumpTable>, q: QualName| -> usize {
        *by_name
            .entry((q.schema.clone(), q.name.clone()))
            .or_insert_with(|| {
                tables.push(DumpTable {
                    schema: q.schema,
                    name: q.name,
                    columns: Vec::new(),
                    segments: Vec::new(),
                    rows: 0,
                    partitioned: false,
                });
                tables.len() - 1
            })
    };
    // The table whose last segment is a run of INSERTs still open, the table in COPY.
    let mut open_inserts: Option<usize> = None;
    let mut in_copy: Option<(usize, bool)> = None;
    while let Some(event) = scanner.next_event()? {
        match event {
            Event::Statement(s) => match s.kind {
                StmtKind::CreateTable => {
                    let Some(create) = parse_create_table(&s.text) else {
                        continue;
                    };
                    let t = entry(&mut tables, create.table);
                    tables[t].partitioned = create.partitioned;
                    if let Some(columns) = create.columns {
                        if tables[t].columns.is_empty() {
                            tables[t].columns = columns;
                        } else {
                            let names: Vec<String> = columns.into_iter().map(|c| c.name).collect();
                            tables[t].merge_columns(&names);
                        }
                    }
                }
                StmtKind::Copy => {
                    let Some(copy) = parse_copy(&s.text).filter(|c| c.from_stdin) else {
                        continue;
                    };
                    let t = entry(&mut tables, copy.table);
                    open_inserts = None;
                    if let Some(names) = &copy.columns {
                        tables[t].merge_columns(names);
                    }
                    let kind = match copy.options {
                        Some(options) => SegmentKind::Unsupported(format!(
                            "the COPY of line {} has options this reader does not take: {options}",
                            s.line
                        )),
                        None => SegmentKind::Copy(copy.columns),
                    };
                    in_copy = Some((t, matches!(kind, SegmentKind::Copy(_))));
                    tables[t].segments.push(Segment {
                        kind,
                        start: scanner.offset(),
                        line: scanner.line(),
                        end: scanner.offset(),
                        statement_line: s.line,
                        encoding: scanner.encoding,
                        std_strings: scanner.std_strings,
                    });
                }
                StmtKind::Insert => {
                    let Some(insert) = parse_insert(&s.text, scanner.std_strings) else {
                        continue;
                    };
                    let t = entry(&mut tables, insert.table);
                    if let Some(names) = &insert.columns {
                        tables[t].merge_columns(names);
                    }
                    if let Ok(rows) = &insert.rows {
                        if let Some(first) = rows.first() {
                            tables[t].positional_columns(first.values.len());
                        }
                        tables[t].rows += rows.len() as u64;
                    }
                    match tables[t].segments.last_mut() {
                        Some(last) if open_inserts == Some(t) => last.end = s.end,
                        _ => tables[t].segments.push(Segment {
                            kind: SegmentKind::Inserts,
                            start: s.start,
                            line: s.line,
                            end: s.end,
                            statement_line: s.line,
                            encoding: scanner.encoding,
                            std_strings: scanner.std_strings,
                        }),
                    }
                    open_inserts = Some(t);
                }
                StmtKind::Set => {}
            },
            Event::CopyRow(row) => {
                if let Some((t, true)) = in_copy {
                    let table = &mut tables[t];
                    if table.rows == 0 && table.columns.is_empty() {
                        table.positional_columns(row.bytes.split(|&b| b == b'\t').count());
                    }
                    table.rows += 1;
                }
            }
            Event::CopyEnd { start } => {
                if let Some((t, _)) = in_copy.take()
                    && let Some(last) = tables[t].segments.last_mut()
                {
                    last.end = start;
                }
            }
        }
    }
    tables.retain(|t| !(t.partitioned && t.segments.is_empty()));
    Ok(tables)
}

/// A table of a custom archive from the `CREATE TABLE` of its TOC entry (in `encoding`), with
/// the columns of its data the definition does not list; `None` for a partitioned table
/// without data of its own.
pub(crate) fn from_definition(
    schema: String,
    name: String,
    (definition, encoding): (&[u8], &'static Encoding),
    data_columns: &[String],
    has_data: bool,
) -> Option<DumpTable> {
    let mut scanner = Scanner::new(Cursor::new(definition), 0, 1, encoding, true);
    let mut create = None;
    while let Ok(Some(event)) = scanner.next_event() {
        if let Event::Statement(s) = event
            && s.kind == StmtKind::CreateTable
        {
            create = parse_create_table(&s.text);
            break;
        }
    }
    let partitioned = create.as_ref().is_some_and(|c| c.partitioned);
    if partitioned && !has_data {
        return None;
    }
    let columns = create.and_then(|c| c.columns).unwrap_or_default();
    let mut table = DumpTable {
        schema,
        name,
        columns,
        segments: Vec::new(),
        rows: 0,
        partitioned,
    };
    table.merge_columns(data_columns);
    Some(table)
}
