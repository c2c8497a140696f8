//! CSV source: one delimited text file as one table, streamed with the `csv` crate.
//!
//! The file is parsed as bytes (both supported encodings, UTF-8 and Windows-1252, keep ASCII
//! as is, so `;`, `"` and line breaks are found before decoding) and each field is decoded on
//! its own: memory stays flat whatever the number of lines. Every value is raw text, an empty
//! field is NULL. Records are located by the physical line where they start (`line 1234`).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use csv::{ByteRecord, Reader, ReaderBuilder};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::{
    Cell, ColumnInfo, OpenOptions, Position, ReadOptions, Source, SourceError, SourceKind,
    SourceRecord, TableInfo, TableReader,
};

const FORMAT: &str = "CSV";
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV file: one table named after the file stem.
#[derive(Debug)]
pub struct CsvSource {
    path: PathBuf,
    name: String,
    table: String,
    delimiter: u8,
    encoding: &'static Encoding,
    /// 3 when the file starts with a UTF-8 byte order mark, which is skipped.
    bom_len: u64,
    columns: Vec<ColumnInfo>,
}

impl CsvSource {
    /// Opens a CSV file, detecting the delimiter from the header line and the encoding from the
    /// bytes unless `options` gives them.
    pub fn open(path: &Path, options: &OpenOptions) -> Result<CsvSource, SourceError> {
        let mut file = File::open(path).map_err(io_error(path))?;
        let mut prefix = Vec::new();
        let head = (&mut file).take(64 * 1024).read_to_end(&mut prefix);
        head.map_err(io_error(path))?;
        let bom_len = u64::from(prefix.starts_with(BOM)) * BOM.len() as u64;
        let encoding = match &options.encoding {
            Some(label) => match Encoding::for_label(label.trim().as_bytes()) {
                Some(e) if e == UTF_8 || e == WINDOWS_1252 => e,
                _ => {
                    let message =
                        format!("unsupported encoding {label:?}: use utf-8 or windows-1252");
                    return Err(format_error(path, message));
                }
            },
            None if bom_len > 0 => UTF_8,
            // "UTF-8 when the bytes are valid UTF-8" holds for the whole file, so it is checked
            // whole, by blocks (flat memory, one sequential pass at open).
            None => detect_encoding(&mut file).map_err(io_error(path))?,
        };
        let delimiter = options
            .delimiter
            .unwrap_or_else(|| detect_delimiter(&prefix[bom_len as usize..]));
        let table = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut source = CsvSource {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            table,
            delimiter,
            encoding,
            bom_len,
            columns: Vec::new(),
        };
        let mut reader = source.reader()?;
        let header = reader.byte_headers().map_err(|e| csv_error(path, e))?;
        let names: Result<Vec<_>, _> = header.iter().map(|f| decode(encoding, f)).collect();
        let names = names.map_err(|message| source.record_error("line 1".to_owned(), message))?;
        source.columns = column_names(names);
        Ok(source)
    }

    /// A csv reader over the file, after the BOM. Fields are not trimmed and the number of fields
    /// may vary from line to line (see [`CsvReader::next_record`]).
    fn reader(&self) -> Result<Reader<Tracked>, SourceError> {
        let mut file = File::open(&self.path).map_err(io_error(&self.path))?;
        file.seek(SeekFrom::Start(self.bom_len))
            .map_err(io_error(&self.path))?;
        let tracked = Tracked {
            file,
            base: self.bom_len,
            end: 0,
            chunk: Vec::new(),
            before: None,
        };
        Ok(ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(tracked))
    }

    fn record_error(&self, locator: String, message: String) -> SourceError {
        let (source_name, table) = (self.name.clone(), self.table.clone());
        SourceError::Record {
            source_name,
            table,
            locator,
            message,
        }
    }
}

impl Source for CsvSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Csv
    }

    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError> {
        Ok(vec![TableInfo {
            name: self.table.clone(),
            columns: self.columns.clone(),
            row_count: None,
            hidden: false,
        }])
    }

    fn read<'a>(
        &'a mut self,
        table: &str,
        _options: &ReadOptions,
        resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError> {
        if table != self.table {
            return Err(SourceError::TableNotFound {
                source_name: self.name.clone(),
                table: table.to_owned(),
                available: self.table.clone(),
            });
        }
        let mut reader = self.reader()?;
        reader
            .byte_headers()
            .map_err(|e| csv_error(&self.path, e))?;
        let mut ordinal = 0;
        if let Some(position) = resume {
            let bad = || SourceError::BadPosition {
                source_name: self.name.clone(),
                table: table.to_owned(),
                position: position.0.clone(),
            };
            let (byte, line, done) = parse_position(&position.0).ok_or_else(bad)?;
            let relative = byte.checked_sub(self.bom_len).ok_or_else(bad)?;
            let mut at = csv::Position::new();
            at.set_byte(relative)
                .set_line(line)
                .set_record(done.saturating_add(1));
            let seek = reader.seek_raw(SeekFrom::Start(byte), at);
            seek.map_err(|e| csv_error(&self.path, e))?;
            ordinal = done;
        }
        let after = reader.position().clone();
        let record = ByteRecord::new();
        Ok(Box::new(CsvReader {
            source: self,
            reader,
            record,
            ordinal,
            after,
        }))
    }
}

/// The records of a CSV file.
struct CsvReader<'a> {
    source: &'a CsvSource,
    reader: Reader<Tracked>,
    record: ByteRecord,
    ordinal: u64,
    /// The csv reader's position after the last record returned (bytes from after the BOM).
    after: csv::Position,
}

impl TableReader for CsvReader<'_> {
    fn columns(&self) -> &[ColumnInfo] {
        &self.source.columns
    }

    /// A line whose number of fields differs from the header's is still returned, never dropped
    /// nor turned into an error that would end the stream: its fields fill the columns in order,
    /// padded with NULL when short, cut at the header's width when long, and its locator says so
    /// (`line 12 (11 fields, expected 10)`), so that the record is quarantined downstream with a
    /// reference a person can open, rather than loaded with shifted values.
    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        let src = self.source;
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| csv_error(&src.path, e))?;
        if !more {
            return Ok(None);
        }
        let line = self.start_line();
        let expected = src.columns.len();
        let locator = format!("line {line}");
        let defect = (self.record.len() != expected).then(|| {
            format!(
                "the line has {} fields, the header {expected}",
                self.record.len()
            )
        });
        let mut cells = Vec::with_capacity(expected);
        for field in self.record.iter().take(expected) {
            if field.is_empty() {
                cells.push(Cell::Null);
                continue;
            }
            match decode(src.encoding, field) {
                Ok(text) => cells.push(Cell::Text(text)),
                Err(message) => return Err(src.record_error(locator, message)),
            }
        }
        cells.resize(expected, Cell::Null);
        self.ordinal += 1;
        self.after = self.reader.position().clone();
        Ok(Some(SourceRecord {
            defect,
            ordinal: self.ordinal,
            locator,
            cells,
        }))
    }

    /// `byte=B line=L ordinal=N`: the csv reader's position after the last record (B counts
    /// the BOM, L is the reader's line count there) and the number of records returned.
    fn position(&self) -> Position {
        let (byte, line) = (self.after.byte() + self.source.bom_len, self.after.line());
        Position(format!("byte={byte} line={line} ordinal={}", self.ordinal))
    }
}

impl CsvReader<'_> {
    /// The line where the record just read starts. The csv reader counts the `\n` it consumed;
    /// a record ends on its `\r` when the line ends with CRLF (the `\n` is consumed with the
    /// next record), on its `\n` otherwise; blank lines before it are consumed with it. So the
    /// start is the count after the record, less the line breaks inside its quoted values, less
    /// one when the record ended on a `\n`.
    fn start_line(&self) -> u64 {
        let (end, file) = (self.reader.position(), self.reader.get_ref());
        let inner = self
            .record
            .as_slice()
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let on_lf = end.byte().checked_sub(1).and_then(|at| file.byte_at(at)) == Some(b'\n');
        end.line().saturating_sub(inner + u64::from(on_lf))
    }
}

/// The file under the csv reader, which keeps a copy of the block it last handed over so that
/// the byte ending a record can be looked at. Offsets count from after the BOM, as csv's do.
#[derive(Debug)]
struct Tracked {
    file: File,
    base: u64,
    /// The offset after `chunk`.
    end: u64,
    chunk: Vec<u8>,
    /// The byte before `chunk`.
    before: Option<u8>,
}

impl Tracked {
    fn byte_at(&self, at: u64) -> Option<u8> {
        let start = self.end - self.chunk.len() as u64;
        match at.checked_sub(start) {
            Some(i) => self.chunk.get(i as usize).copied(),
            None => self.before.filter(|_| at + 1 == start),
        }
    }
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        if n > 0 {
            self.before = self.chunk.last().copied();
            self.chunk.clear();
            self.chunk.extend_from_slice(&buf[..n]);
            self.end += n as u64;
        }
        Ok(n)
    }
}

impl Seek for Tracked {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let at = self.file.seek(to)?;
        (self.end, self.before) = (at.saturating_sub(self.base), None);
        self.chunk.clear();
        Ok(at)
    }
}

/// `byte=B line=L ordinal=N` → `(B, L, N)`.
fn parse_position(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.split_whitespace();
    let mut field = |name: &str| parts.next()?.strip_prefix(name)?.parse::<u64>().ok();
    let parsed = (field("byte=")?, field("line=")?, field("ordinal=")?);
    parts.next().is_none().then_some(parsed)
}

fn decode(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, String> {
    if encoding == UTF_8 {
        return String::from_utf8(bytes.to_vec()).map_err(|e| {
            format!(
                "invalid UTF-8 at byte {} of the field: give the encoding windows-1252",
                e.utf8_error().valid_up_to()
            )
        });
    }
    Ok(encoding.decode_without_bom_handling(bytes).0.into_owned())
}

/// The delimiter of a header line: tab or `,` when more frequent than `;`, else `;`.
fn detect_delimiter(prefix: &[u8]) -> u8 {
    let line = prefix.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |d: u8| line.iter().filter(|&&b| b == d).count();
    let (semicolons, commas, tabs) = (count(b';'), count(b','), count(b'\t'));
    if tabs > semicolons && tabs > commas {
        b'\t'
    } else if commas > semicolons {
        b','
    } else {
        b';'
    }
}

/// UTF-8 when the whole file is valid UTF-8, else Windows-1252; the file is read by blocks.
fn detect_encoding(file: &mut File) -> io::Result<&'static Encoding> {
    file.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry = 0;
    loop {
        let n = file.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(if carry == 0 { UTF_8 } else { WINDOWS_1252 });
        }
        let filled = carry + n;
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => carry = 0,
            // A character cut at the end of the block: keep its bytes for the next block.
            Err(e) if e.error_len().is_none() => {
                buf.copy_within(e.valid_up_to()..filled, 0);
                carry = filled - e.valid_up_to();
            }
            Err(_) => return Ok(WINDOWS_1252),
        }
    }
}

/// Header names: trimmed, `column_<n>` (1-based) when empty, ` (2)`, ` (3)`… for repeats.
fn column_names(names: Vec<String>) -> Vec<ColumnInfo> {
    let mut columns: Vec<ColumnInfo> = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let trimmed = name.trim();
        let base = if trimmed.is_empty() {
            format!("column_{}", i + 1)
        } else {
            trimmed.to_owned()
        };
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

fn csv_error(path: &Path, error: csv::Error) -> SourceError {
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(source) => io_error(path)(source),
        _ => format_error(path, message),
    }
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn format_error(path: &Path, message: String) -> SourceError {
    SourceError::Format {
        path: path.to_path_buf(),
        format: FORMAT,
        message,
    }
}
