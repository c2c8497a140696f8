//! Excel source: the sheets of an xlsx, xlsm, xlsb, xls or ods workbook, read with calamine.
//!
//! One table per worksheet, hidden sheets included. The header row is `ReadOptions::header_row`
//! or the first non-empty row; the records are the non-empty rows after it, located by their
//! 1-based Excel row number (`row 17`), which is also the resume position.

use std::fs::File;
use std::io::BufReader;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use calamine::{Data, Dimensions, ExcelDateTime, Reader, SheetType, SheetVisible, Sheets};

use super::{
    Cell, ColumnInfo, OpenOptions, Position, ReadOptions, Source, SourceError, SourceKind,
    SourceRecord, TableInfo, TableReader,
};

const FORMAT: &str = "Excel";
const PANICKED: &str = "the reader failed on malformed content";

/// A workbook opened with calamine.
pub struct ExcelSource {
    path: PathBuf,
    name: String,
    book: Sheets<BufReader<File>>,
}

impl std::fmt::Debug for ExcelSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExcelSource")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ExcelSource {
    /// Opens a workbook; the format comes from the extension, or is detected without one.
    pub fn open(path: &Path, _options: &OpenOptions) -> Result<ExcelSource, SourceError> {
        let meta = std::fs::metadata(path).map_err(|source| SourceError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if meta.len() == 0 {
            return Err(format_error(path, "the file is empty".to_owned()));
        }
        let book = guarded(path, None, || calamine::open_workbook_auto(path))?;
        Ok(ExcelSource {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            book,
        })
    }

    /// The worksheets (chart and macro sheets hold no records), with their visibility.
    fn worksheets(&self) -> Vec<(String, bool)> {
        self.book
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
            .collect()
    }
}

impl Source for ExcelSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Excel
    }

    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError> {
        let mut tables = Vec::new();
        for (name, hidden) in self.worksheets() {
            let reader = self.read(&name, &ReadOptions::default(), None)?;
            let columns = reader.columns().to_vec();
            tables.push(TableInfo {
                name,
                columns,
                row_count: None,
                hidden,
            });
        }
        Ok(tables)
    }

    /// A sheet's row count is known only by reading it: [`Source::tables`] would read
    /// the header of every sheet (and, without declared dimensions, every cell).
    fn row_count(&mut self, _table: &str) -> Result<Option<u64>, SourceError> {
        Ok(None)
    }

    fn read<'a>(
        &'a mut self,
        table: &str,
        options: &ReadOptions,
        resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError> {
        let sheets = self.worksheets();
        if !sheets.iter().any(|(name, _)| name == table) {
            let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
            let available = names.join(", ");
            return Err(SourceError::TableNotFound {
                source_name: self.name.clone(),
                table: table.to_owned(),
                available,
            });
        }
        let skip_through = match resume {
            None => 0,
            Some(position) => {
                parse_position(&position.0).ok_or_else(|| SourceError::BadPosition {
                    source_name: self.name.clone(),
                    table: table.to_owned(),
                    position: position.0.clone(),
                })?
            }
        };
        let (path, name) = (self.path.clone(), self.name.clone());
        let (cells, dimensions) = open_cells(&mut self.book, &path, table)?;
        let mut reader = SheetReader {
            path,
            source_name: name,
            sheet: table.to_owned(),
            cells,
            pending_cell: None,
            pending_row: None,
            done: false,
            first_col: 0,
            columns: Vec::new(),
            ordinal: 0,
            last_row: skip_through,
            skip_through,
        };
        reader.read_header(options.header_row, dimensions)?;
        Ok(Box::new(reader))
    }
}

/// A cell as `(0-based row, 0-based column, value)`.
type PlacedCell = (u32, u32, Cell);
/// A non-empty row as `(0-based row, [(0-based column, value)])`.
type Row = (u32, Vec<(u32, Cell)>);
/// The cells of a sheet in row order, then column order.
type CellStream<'a> = Box<dyn FnMut() -> Result<Option<PlacedCell>, String> + 'a>;
/// The first and last used `(row, column)` of a sheet, when it declares them.
type Bounds = Option<((u32, u32), (u32, u32))>;

/// Opens the cells of a sheet: streamed for xlsx, xlsm and xlsb; loaded for xls and ods.
fn open_cells<'a>(
    book: &'a mut Sheets<BufReader<File>>,
    path: &Path,
    sheet: &str,
) -> Result<(CellStream<'a>, Bounds), SourceError> {
    macro_rules! stream {
        ($book:expr) => {{
            let d = {
                let mut scan = guarded(path, Some(sheet), || $book.worksheet_cells_reader(sheet))?;
                let mut d = scan.dimensions();
                // No declared dimensions (some writers omit them): a first pass finds the used
                // columns, so that no value falls outside the columns named by the header.
                if d == Dimensions::default() {
                    while let Some(cell) = guarded(path, Some(sheet), || scan.next_cell())? {
                        let (row, col) = cell.get_position();
                        d.end = (d.end.0.max(row), d.end.1.max(col));
                    }
                }
                d
            };
            let mut cells = guarded(path, Some(sheet), || $book.worksheet_cells_reader(sheet))?;
            let stream: CellStream<'a> = Box::new(move || {
                let cell = cells.next_cell().map_err(|e| e.to_string())?;
                Ok(cell.map(|c| {
                    let (row, col) = c.get_position();
                    (row, col, from_data(c.get_value().clone().into()))
                }))
            });
            Ok((stream, Some((d.start, d.end))))
        }};
    }
    match book {
        Sheets::Xlsx(xlsx) => stream!(xlsx),
        Sheets::Xlsb(xlsb) => stream!(xlsb),
        // Xls and ods have no streaming cells reader in calamine: the sheet is loaded whole.
        // Both formats are small (an .xls holds at most 65,536 rows), so this is acceptable.
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range = guarded(path, Some(sheet), || book.worksheet_range(sheet))?;
            let (Some(start), Some(end)) = (range.start(), range.end()) else {
                return Ok((Box::new(|| Ok(None)), None));
            };
            let (height, width) = range.get_size();
            let mut next = 0usize;
            let stream: CellStream<'a> = Box::new(move || {
                while next < height * width {
                    let (row, col) = (next / width, next % width);
                    next += 1;
                    if let Some(data) = range.get((row, col)).filter(|d| **d != Data::Empty) {
                        let (row, col) = (start.0 + row as u32, start.1 + col as u32);
                        return Ok(Some((row, col, from_data(data.clone()))));
                    }
                }
                Ok(None)
            });
            Ok((stream, Some((start, end))))
        }
    }
}

/// The records of one sheet.
struct SheetReader<'a> {
    path: PathBuf,
    source_name: String,
    sheet: String,
    cells: CellStream<'a>,
    pending_cell: Option<PlacedCell>,
    pending_row: Option<Row>,
    done: bool,
    /// The 0-based column of the first column.
    first_col: u32,
    columns: Vec<ColumnInfo>,
    ordinal: u64,
    /// The 1-based Excel row of the last record returned (or of the header, or the resume point).
    last_row: u32,
    /// Rows up to this 1-based Excel row were returned before the resume.
    skip_through: u32,
}

impl SheetReader<'_> {
    /// The next cell, with panics and errors of calamine turned into a format error.
    fn pull(&mut self) -> Result<Option<PlacedCell>, SourceError> {
        if self.done {
            return Ok(None);
        }
        let result = catch_unwind(AssertUnwindSafe(|| (self.cells)()))
            .unwrap_or_else(|_| Err(PANICKED.to_owned()));
        self.done = !matches!(result, Ok(Some(_)));
        result.map_err(|m| format_error(&self.path, format!("sheet {:?}: {m}", self.sheet)))
    }

    /// The next row with at least one non-empty cell.
    fn next_row(&mut self) -> Result<Option<Row>, SourceError> {
        if let Some(row) = self.pending_row.take() {
            return Ok(Some(row));
        }
        let mut row: Option<Row> = None;
        loop {
            let cell = match self.pending_cell.take() {
                Some(cell) => Some(cell),
                None => self.pull()?,
            };
            let Some((r, c, value)) = cell else {
                return Ok(row);
            };
            if value.is_null() {
                continue;
            }
            match &mut row {
                None => row = Some((r, vec![(c, value)])),
                Some((current, cells)) if *current == r => cells.push((c, value)),
                Some(_) => {
                    self.pending_cell = Some((r, c, value));
                    return Ok(row);
                }
            }
        }
    }

    /// Finds the header row and names the columns: from the first used column to the last one,
    /// by the header and the sheet's declared dimensions, so that no value falls outside.
    fn read_header(&mut self, header_row: Option<u32>, bounds: Bounds) -> Result<(), SourceError> {
        let mut header: Vec<(u32, Cell)> = Vec::new();
        let mut header_number = header_row.map_or(0, |h| h.saturating_add(1));
        while let Some((r, cells)) = self.next_row()? {
            match header_row {
                Some(h) if r < h => continue,
                Some(h) if r > h => self.pending_row = Some((r, cells)),
                _ => {
                    header_number = r + 1;
                    header = cells;
                }
            }
            break;
        }
        self.last_row = self.last_row.max(header_number);
        let header_cols = header.iter().map(|(c, _)| *c);
        let (mut first, mut last) = match bounds {
            Some(((_, start), (_, end))) => (start, end),
            None => (u32::MAX, 0),
        };
        first = header_cols.clone().fold(first, u32::min);
        last = header_cols.fold(last, u32::max);
        if first > last {
            return Ok(()); // An empty sheet: no column, no record.
        }
        let mut names: Vec<Option<String>> = vec![None; (last - first + 1) as usize];
        for (c, value) in header {
            names[(c - first) as usize] = value.to_raw_string();
        }
        self.first_col = first;
        self.columns = column_names(first, names);
        Ok(())
    }
}

impl TableReader for SheetReader<'_> {
    fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }

    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        while let Some((r, values)) = self.next_row()? {
            self.ordinal += 1;
            let number = r + 1;
            if number <= self.skip_through {
                continue;
            }
            let mut cells = vec![Cell::Null; self.columns.len()];
            let locator = format!("row {number}");
            for (c, value) in values {
                let i = c.checked_sub(self.first_col).map(|i| i as usize);
                let Some(slot) = i.and_then(|i| cells.get_mut(i)) else {
                    self.done = true;
                    let (column, sheet) = (column_letter(c), self.sheet.clone());
                    let message = format!(
                        "a value in column {column} is outside the sheet's declared columns"
                    );
                    let source_name = self.source_name.clone();
                    return Err(SourceError::Record {
                        source_name,
                        table: sheet,
                        locator,
                        message,
                    });
                };
                *slot = value;
            }
            self.last_row = number;
            return Ok(Some(SourceRecord {
                defect: None,
                ordinal: self.ordinal,
                locator,
                cells,
            }));
        }
        Ok(None)
    }

    fn position(&self) -> Position {
        Position(format!("row {}", self.last_row))
    }
}

fn parse_position(text: &str) -> Option<u32> {
    text.strip_prefix("row ").unwrap_or(text).parse().ok()
}

/// Header names: trimmed, `column_<letter>` when empty, ` (2)`, ` (3)`… for repeats.
fn column_names(first_col: u32, names: Vec<Option<String>>) -> Vec<ColumnInfo> {
    let mut columns: Vec<ColumnInfo> = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        let base =
            name.unwrap_or_else(|| format!("column_{}", column_letter(first_col + i as u32)));
        let mut name = base.clone();
        let mut n = 1;
        while columns.iter().any(|c| c.name == name) {
            n += 1;
            name = format!("{base} ({n})");
        }
        columns.push(ColumnInfo {
            name,
            declared_type: None,
        });
    }
    columns
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_letter(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// A calamine value as a [`Cell`]: numbers as they are (whole floats stay floats), text raw.
fn from_data(data: Data) -> Cell {
    match data {
        Data::Int(i) => Cell::Int(i),
        Data::Float(f) => Cell::Float(f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s),
        Data::Bool(b) => Cell::Bool(b),
        Data::DateTime(dt) => from_datetime(&dt),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Null,
    }
}

/// A date or date-time cell; a duration (`[h]:mm:ss`) becomes its text `h:mm:ss`, and a serial
/// number outside chrono's range stays the number Excel holds.
fn from_datetime(dt: &ExcelDateTime) -> Cell {
    if dt.is_duration() {
        let seconds = (dt.as_f64() * 86_400.0).round() as i64;
        let sign = if seconds < 0 { "-" } else { "" };
        let a = seconds.abs();
        let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
        return Cell::Text(format!("{sign}{h}:{m:02}:{s:02}"));
    }
    dt.as_datetime()
        .map_or(Cell::Float(dt.as_f64()), Cell::DateTime)
}

/// Runs a calamine call (on `sheet`), turning its error or its panic into a format error.
fn guarded<T, E: std::fmt::Display>(
    path: &Path,
    sheet: Option<&str>,
    call: impl FnOnce() -> Result<T, E>,
) -> Result<T, SourceError> {
    let message = match catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok(value)) => return Ok(value),
        Ok(Err(e)) => e.to_string(),
        Err(_) => PANICKED.to_owned(),
    };
    let message = match sheet {
        Some(sheet) => format!("sheet {sheet:?}: {message}"),
        None => message,
    };
    Err(format_error(path, message))
}

fn format_error(path: &Path, message: String) -> SourceError {
    SourceError::Format {
        path: path.to_path_buf(),
        format: FORMAT,
        message,
    }
}
