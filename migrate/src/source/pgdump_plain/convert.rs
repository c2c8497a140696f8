//! From PostgreSQL text to [`Cell`], by declared type: shared by the plain dump, the custom
//! dump and the live database, so that the three give the same cells for the same data.
//!
//! Every value arrives as PostgreSQL's own text output (COPY text, an SQL literal or
//! `col::text`); a value that does not read under its declared type becomes a
//! [`Cell::Error`], which sends its row to quarantine instead of losing it.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use encoding_rs::{Encoding, UTF_8};
use rust_decimal::Decimal;

use crate::source::Cell;

/// What a declared type reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Decimal,
    Float,
    Bool,
    Date,
    /// timestamp without time zone
    DateTime,
    /// timestamp with time zone
    Timestamp,
    Bytea,
    Text,
}

/// A column's declared type, classified once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnType {
    pub kind: Kind,
    /// The declared type as written, for error messages.
    pub name: String,
}

impl ColumnType {
    pub(crate) fn of(declared: Option<&str>) -> ColumnType {
        let name = declared.unwrap_or("text").to_owned();
        ColumnType {
            kind: classify(&name),
            name,
        }
    }
}

/// Classifies a type as `format_type` or a dump spells it (`character varying(10)`,
/// `timestamp(0) without time zone`, `pg_catalog.int4`, `integer[]`…). Arrays, domains,
/// enums, json, uuid, intervals, money… read as text.
pub(crate) fn classify(declared: &str) -> Kind {
    let lower = declared.trim().to_ascii_lowercase();
    if lower.ends_with(']') {
        return Kind::Text;
    }
    // Type modifiers go: `numeric(12,2)` → `numeric`, `timestamp(0) with time zone` → …
    let mut bare = String::with_capacity(lower.len());
    let mut depth = 0u32;
    for c in lower.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = bare.split_whitespace().collect();
    let joined = words.join(" ");
    let name = joined.strip_prefix("pg_catalog.").unwrap_or(&joined);
    match name {
        "smallint" | "integer" | "bigint" | "int" | "int2" | "int4" | "int8" | "smallserial"
        | "serial" | "bigserial" | "serial2" | "serial4" | "serial8" => Kind::Int,
        "numeric" | "decimal" => Kind::Decimal,
        "real" | "double precision" | "float4" | "float8" | "float" => Kind::Float,
        "boolean" | "bool" => Kind::Bool,
        "date" => Kind::Date,
        "timestamp" | "timestamp without time zone" => Kind::DateTime,
        "timestamptz" | "timestamp with time zone" => Kind::Timestamp,
        "bytea" => Kind::Bytea,
        _ => Kind::Text,
    }
}

/// A field as bytes in the dump's encoding (`None` = SQL NULL) to a cell.
pub(crate) fn cell_from_bytes(
    field: Option<&[u8]>,
    ty: &ColumnType,
    encoding: &'static Encoding,
) -> Cell {
    let Some(bytes) = field else {
        return Cell::Null;
    };
    match decode(bytes, encoding) {
        Some(text) => cell_from_text(&text, ty),
        None => Cell::Error(format!(
            "cannot read {:?} as {}: invalid {} text",
            String::from_utf8_lossy(bytes),
            ty.name,
            encoding.name()
        )),
    }
}

/// Bytes in `encoding` to text, `None` when they are not valid in it.
pub(crate) fn decode<'b>(
    bytes: &'b [u8],
    encoding: &'static Encoding,
) -> Option<std::borrow::Cow<'b, str>> {
    if encoding == UTF_8 {
        std::str::from_utf8(bytes)
            .ok()
            .map(std::borrow::Cow::Borrowed)
    } else {
        encoding.decode_without_bom_handling_and_without_replacement(bytes)
    }
}

/// PostgreSQL's text output of a value to a cell, by declared type.
pub(crate) fn cell_from_text(raw: &str, ty: &ColumnType) -> Cell {
    let cell = match ty.kind {
        Kind::Text => return Cell::Text(raw.to_owned()),
        Kind::Int => raw.parse::<i64>().ok().map(Cell::Int),
        Kind::Decimal => Decimal::from_str_exact(raw)
            .ok()
            .filter(|_| !raw.contains('_'))
            .map(Cell::Decimal),
        Kind::Float => raw.parse::<f64>().ok().map(Cell::Float),
        Kind::Bool => parse_bool(raw).map(Cell::Bool),
        Kind::Date if is_infinity(raw) => return Cell::Text(raw.to_owned()),
        Kind::Date => parse_date(raw).map(Cell::Date),
        Kind::DateTime | Kind::Timestamp if is_infinity(raw) => return Cell::Text(raw.to_owned()),
        Kind::DateTime => parse_datetime(raw).map(Cell::DateTime),
        Kind::Timestamp => parse_timestamp(raw).map(Cell::Timestamp),
        Kind::Bytea => parse_bytea(raw).map(Cell::Bytes),
    };
    cell.unwrap_or_else(|| Cell::Error(format!("cannot read {raw:?} as {}", ty.name)))
}

fn is_infinity(raw: &str) -> bool {
    matches!(raw, "infinity" | "-infinity" | "Infinity" | "-Infinity")
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// Strips PostgreSQL's ` BC` suffix.
fn split_era(raw: &str) -> (&str, bool) {
    match raw.strip_suffix(" BC") {
        Some(rest) => (rest, true),
        None => (raw, false),
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD` (four digits or more); `bc` turns year 44 into chrono's -43.
fn ymd(s: &str, bc: bool) -> Option<NaiveDate> {
    let mut parts = s.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() < 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let year = i32::try_from(digits(y)?).ok()?;
    let year = if bc { 1 - year } else { year };
    NaiveDate::from_ymd_opt(year, digits(m)?, digits(d)?)
}

/// `HH:MM:SS[.ffffff]`, also `H:MM` as PostgreSQL reads it.
fn hms(s: &str) -> Option<NaiveTime> {
    let (clock, fraction) = match s.split_once('.') {
        Some((c, f)) => (c, Some(f)),
        None => (s, None),
    };
    let mut parts = clock.splitn(3, ':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next().unwrap_or("00"));
    if h.is_empty() || h.len() > 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 => digits(f)? * 10u32.pow(9 - f.len() as u32),
        Some(_) => return None,
    };
    NaiveTime::from_hms_nano_opt(digits(h)?, digits(m)?, digits(sec)?, nanos)
}

pub(crate) fn parse_date(raw: &str) -> Option<NaiveDate> {
    let (s, bc) = split_era(raw);
    ymd(s, bc)
}

fn split_date_time(s: &str) -> Option<(&str, &str)> {
    s.split_once(' ').or_else(|| s.split_once('T'))
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]`, or a date alone (midnight), as PostgreSQL reads it.
pub(crate) fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    let (s, bc) = split_era(raw);
    match split_date_time(s) {
        Some((date, time)) => Some(ymd(date, bc)?.and_time(hms(time)?)),
        None => Some(ymd(s, bc)?.and_time(NaiveTime::MIN)),
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`, also `Z` and `±HHMM`.
pub(crate) fn parse_timestamp(raw: &str) -> Option<chrono::DateTime<Utc>> {
    let (s, bc) = split_era(raw);
    let (date, rest) = split_date_time(s)?;
    let (time, offset) = match rest.strip_suffix('Z') {
        Some(time) => (time, 0),
        None => {
            let at = rest.rfind(['+', '-'])?;
            (&rest[..at], parse_offset(&rest[at..])?)
        }
    };
    let local = ymd(date, bc)?.and_time(hms(time)?);
    let offset = FixedOffset::east_opt(offset)?;
    Some(
        offset
            .from_local_datetime(&local)
            .single()?
            .with_timezone(&Utc),
    )
}

/// `+01`, `-05:30`, `+00:09:21`, `+0130` to seconds east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let body = &s[1..];
    let parts: Vec<&str> = if body.contains(':') {
        body.split(':').collect()
    } else if body.len() == 4 {
        vec![&body[..2], &body[2..]]
    } else {
        vec![body]
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.len() != 2) {
        return None;
    }
    let mut seconds = 0i32;
    for (i, part) in parts.iter().enumerate() {
        let unit = [3600, 60, 1][i];
        seconds += i32::try_from(digits(part)?).ok()? * unit;
    }
    Some(sign * seconds)
}

/// bytea text output: hex (`\x0102`) or the old escape format (`ab\000\\`).
pub(crate) fn parse_bytea(raw: &str) -> Option<Vec<u8>> {
    if let Some(hex) = raw.strip_prefix("\\x") {
        let hex = hex.as_bytes();
        if hex.len() % 2 != 0 {
            return None;
        }
        return hex
            .chunks(2)
            .map(|pair| Some(hex_value(pair[0])? * 16 + hex_value(pair[1])?))
            .collect();
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
        } else if bytes.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else {
            let octal = bytes.get(i + 1..i + 4)?;
            if !octal.iter().all(|b| (b'0'..=b'7').contains(b)) || octal[0] > b'3' {
                return None;
            }
            out.push(octal.iter().fold(0u8, |acc, b| acc * 8 + (b - b'0')));
            i += 4;
        }
    }
    Some(out)
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|v| u8::try_from(v).ok())
}

/// Splits one line of COPY text into fields (`None` = `\N`) and decodes its escapes.
pub(crate) fn split_copy_line(line: &[u8]) -> Vec<Option<Vec<u8>>> {
    line.split(|&b| b == b'\t')
        .map(|raw| {
            if raw == b"\\N" {
                None
            } else {
                Some(unescape_copy(raw))
            }
        })
        .collect()
}

fn unescape_copy(raw: &[u8]) -> Vec<u8> {
    if !raw.contains(&b'\\') {
        return raw.to_vec();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        i += 1;
        if b != b'\\' || i == raw.len() {
            out.push(b);
            continue;
        }
        let c = raw[i];
        i += 1;
        match c {
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((value & 0xff) as u8);
            }
            b'x' if raw.get(i).and_then(|d| hex_value(*d)).is_some() => {
                let mut value = 0u8;
                for _ in 0..2 {
                    match raw.get(i).and_then(|d| hex_value(*d)) {
                        Some(v) => {
                            value = value * 16 + v;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.push(value);
            }
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            other => out.push(other),
        }
    }
    out
}
