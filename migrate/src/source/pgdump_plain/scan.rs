//! A streaming scanner of a plain SQL dump, line by line: it finds statement boundaries the
//! way psql does (quotes, `"identifiers"`, `$tag$` bodies, comments, parentheses), skips psql
//! meta-commands (`\restrict`…), keeps the text of the statements that matter only, and
//! hands COPY data lines over one by one. Memory holds one line and one kept statement.

use std::io::{self, BufRead, Read};

use encoding_rs::{Encoding, ISO_8859_2, ISO_8859_15, UTF_8, WINDOWS_1250, WINDOWS_1252};

use super::lex::{Capture, Lex, classify};
use super::sql::{parse_copy, parse_set};

/// Longest line and longest kept statement (a PostgreSQL value is at most 1 GiB): beyond,
/// the file is not a dump.
const MAX_LINE: u64 = 1 << 30;
pub(super) const MAX_STATEMENT: usize = 1 << 30;
const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug)]
pub(crate) enum ScanError {
    Io(io::Error),
    Format(String),
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::Io(e) => e.fmt(f),
            ScanError::Format(message) => f.write_str(message),
        }
    }
}

impl From<io::Error> for ScanError {
    fn from(e: io::Error) -> Self {
        ScanError::Io(e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StmtKind {
    CreateTable,
    Copy,
    Insert,
    Set,
}

/// A complete statement: `start`/`line` at its first character, `end` after its `;`.
#[derive(Debug)]
pub(crate) struct Statement {
    pub kind: StmtKind,
    /// The text without comments, newlines kept (so lines can be counted in it).
    pub text: String,
    pub start: u64,
    pub line: u64,
    pub end: u64,
}

/// One line of COPY data, without its line break.
#[derive(Debug)]
pub(crate) struct CopyLine {
    pub line: u64,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub(crate) enum Event {
    Statement(Statement),
    CopyRow(CopyLine),
    /// The `\.` line, at `start`.
    CopyEnd {
        start: u64,
    },
}

/// The scanner over `reader`, which stands at file offset `offset`, on line `line`.
#[derive(Debug)]
pub(crate) struct Scanner<R> {
    pub(super) reader: R,
    pub(super) buf: Vec<u8>,
    pub(super) cursor: usize,
    pub(super) buf_offset: u64,
    pub(super) buf_line: u64,
    pub(super) next_line: u64,
    pub(super) lex: Lex,
    pub(super) copy_line: Option<u64>,
    pub(super) started: bool,
    pub(super) start: u64,
    pub(super) start_line: u64,
    pub(super) paren: i64,
    pub(super) prev: [u8; 2],
    pub(super) quote_escapes: bool,
    pub(super) capture: Capture,
    /// The dump's `client_encoding`.
    pub encoding: &'static Encoding,
    /// The dump's `standard_conforming_strings`.
    pub std_strings: bool,
}

impl<R: BufRead> Scanner<R> {
    pub(crate) fn new(
        reader: R,
        offset: u64,
        line: u64,
        encoding: &'static Encoding,
        std_strings: bool,
    ) -> Self {
        Scanner {
            reader,
            buf: Vec::new(),
            cursor: 0,
            buf_offset: offset,
            buf_line: line,
            next_line: line,
            lex: Lex::Normal,
            copy_line: None,
            started: false,
            start: 0,
            start_line: 0,
            paren: 0,
            prev: [b' '; 2],
            quote_escapes: false,
            capture: Capture::Skip,
            encoding,
            std_strings,
        }
    }

    /// Starts inside the data of a COPY statement that is on line `copy_line`.
    pub(crate) fn in_copy(mut self, copy_line: u64) -> Self {
        self.copy_line = Some(copy_line);
        self
    }

    /// The file offset of the next byte to scan.
    pub(crate) fn offset(&self) -> u64 {
        self.buf_offset + self.cursor as u64
    }

    /// The line of the next byte to scan.
    pub(crate) fn line(&self) -> u64 {
        if self.cursor < self.buf.len() {
            self.buf_line
        } else {
            self.next_line
        }
    }

    fn fill(&mut self) -> Result<bool, ScanError> {
        self.buf_offset += self.buf.len() as u64;
        self.buf.clear();
        self.cursor = 0;
        let n = Read::take(&mut self.reader, MAX_LINE).read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(false);
        }
        self.buf_line = self.next_line;
        self.next_line += 1;
        if n as u64 == MAX_LINE && self.buf.last() != Some(&b'\n') {
            return Err(ScanError::Format(format!(
                "line {} is longer than 1 GiB",
                self.buf_line
            )));
        }
        if self.buf_offset == 0 && self.buf.starts_with(BOM) {
            self.cursor = BOM.len();
        }
        Ok(true)
    }

    pub(crate) fn next_event(&mut self) -> Result<Option<Event>, ScanError> {
        loop {
            if self.cursor >= self.buf.len() && !self.fill()? {
                return self.at_eof();
            }
            if self.copy_line.is_some() {
                let start = self.offset();
                let mut bytes = &self.buf[self.cursor..];
                bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
                bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
                let event = if bytes == b"\\." {
                    self.copy_line = None;
                    Event::CopyEnd { start }
                } else {
                    Event::CopyRow(CopyLine {
                        line: self.buf_line,
                        bytes: bytes.to_vec(),
                    })
                };
                self.cursor = self.buf.len();
                return Ok(Some(event));
            }
            if let Some(statement) = self.lex_line()? {
                return Ok(Some(Event::Statement(statement)));
            }
        }
    }

    fn at_eof(&mut self) -> Result<Option<Event>, ScanError> {
        if let Some(line) = self.copy_line {
            let message = format!(
                "the file ends inside the COPY data of line {line}, before its end line \\."
            );
            return Err(ScanError::Format(message));
        }
        if matches!(self.lex, Lex::Single { .. } | Lex::Double | Lex::Dollar(_)) {
            let message = format!(
                "the file ends inside a quoted text of the statement of line {}",
                self.start_line
            );
            return Err(ScanError::Format(message));
        }
        if self.started {
            // psql runs a last statement without `;` too.
            let end = self.offset();
            return self.finish(end).map(|s| s.map(Event::Statement));
        }
        Ok(None)
    }

    pub(super) fn finish(&mut self, end: u64) -> Result<Option<Statement>, ScanError> {
        self.started = false;
        self.lex = Lex::Normal;
        let (kind, bytes) = match std::mem::replace(&mut self.capture, Capture::Skip) {
            Capture::Undecided(head) => match classify(&head) {
                Some(kind) => (kind, head),
                None => return Ok(None),
            },
            Capture::Keep(kind, text) => (kind, text),
            Capture::Skip => return Ok(None),
        };
        let text = self
            .encoding
            .decode_without_bom_handling(&bytes)
            .0
            .into_owned();
        match kind {
            StmtKind::Set => match parse_set(&text) {
                Some((name, value)) if name == "client_encoding" => {
                    self.encoding = pg_encoding(&value).ok_or_else(|| {
                        ScanError::Format(format!("unsupported client_encoding {value:?}"))
                    })?;
                }
                Some((name, value)) if name == "standard_conforming_strings" => {
                    self.std_strings = !value.eq_ignore_ascii_case("off");
                }
                _ => {}
            },
            StmtKind::Copy if parse_copy(&text).is_some_and(|c| c.from_stdin) => {
                // The data starts on the next line.
                self.copy_line = Some(self.start_line);
                self.cursor = self.buf.len();
            }
            _ => {}
        }
        Ok(Some(Statement {
            kind,
            text,
            start: self.start,
            line: self.start_line,
            end,
        }))
    }
}

/// A PostgreSQL encoding name (`UTF8`, `LATIN1`, `WIN1252`…) to its decoder.
pub(crate) fn pg_encoding(name: &str) -> Option<&'static Encoding> {
    let key: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    match key.as_str() {
        "UTF8" | "UNICODE" | "SQLASCII" => Some(UTF_8),
        "LATIN1" | "WIN1252" => Some(WINDOWS_1252),
        "LATIN9" => Some(ISO_8859_15),
        "LATIN2" => Some(ISO_8859_2),
        "WIN1250" => Some(WINDOWS_1250),
        _ => Encoding::for_label(name.trim().as_bytes()),
    }
}
