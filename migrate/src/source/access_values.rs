//! The columns and values of an Access table as the migration sees them, and the database
//! password of a Jet file's header: what [`super::AccessSource`] reads with jetdb.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use jetdb::{ColumnDef, ColumnType, FileError, PageReader, TableDef, Value};
use rust_decimal::Decimal;

use crate::source::{Cell, ColumnInfo, SourceError};

/// The database password a Jet or unencrypted ACE file keeps in its header (page 0, whose
/// header jetdb has decrypted), as Jackcess reads it: 20 bytes in the code page at 0x42 in
/// Jet3; 40 bytes of UTF-16 at 0x42 in Jet4 and later, masked with the integer part of the
/// creation date (a double at 0x72). `None` when there is none.
pub(super) fn header_password(reader: &mut PageReader) -> Result<Option<String>, FileError> {
    let jet3 = reader.header().version.is_jet3();
    let encoding = reader.text_encoding();
    let page0 = reader.read_page(0)?;
    let Some(stored) = page0.get(0x42..if jet3 { 0x56 } else { 0x6A }) else {
        return Ok(None);
    };
    let text = if jet3 {
        jetdb::encoding::decode_text(stored, encoding)?
    } else {
        let date = page0
            .get(0x72..0x7A)
            .and_then(|d| <[u8; 8]>::try_from(d).ok());
        let mask = date
            .map_or(0, |d| f64::from_le_bytes(d) as i32)
            .to_le_bytes();
        let units = stored.chunks_exact(2).enumerate().map(|(i, pair)| {
            u16::from_le_bytes([pair[0] ^ mask[(2 * i) % 4], pair[1] ^ mask[(2 * i + 1) % 4]])
        });
        String::from_utf16_lossy(&units.collect::<Vec<_>>())
    };
    let password = text.split('\0').next().unwrap_or_default();
    Ok((!password.is_empty()).then(|| password.to_string()))
}

/// The indexes in `def.columns` of the columns to read (all but the hidden ones), or the
/// refusal of a column jetdb cannot read faithfully.
pub(super) fn readable_columns(
    source_name: &str,
    def: &TableDef,
    calculated: &HashMap<String, ColumnType>,
) -> Result<Vec<usize>, SourceError> {
    let mut indexes = Vec::new();
    for (i, col) in def
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_hidden())
    {
        let result_type = calculated.get(&col.name.to_ascii_lowercase());
        let bytes = [
            ColumnType::Text,
            ColumnType::Memo,
            ColumnType::Binary,
            ColumnType::Ole,
        ];
        let reason = if col.col_type == ColumnType::ComplexType {
            "a complex column (attachments, multiple values or version history) is not read \
             by this migration: the table is refused rather than loaded without it"
                .to_string()
        } else if col.is_calculated
            && (col.is_fixed || matches!(result_type, None | Some(ColumnType::ComplexType)))
        {
            "jetdb cannot read the result type of this calculated column and would give NULL \
             for its values: the table is refused"
                .to_string()
        } else if col.is_fixed && bytes.contains(&col.col_type) {
            format!(
                "fixed-length {} column: jetdb 0.4 cannot read fixed-length text (it returns \
                 NULL for every value), so the table is refused rather than loaded with NULLs",
                col.col_type
            )
        } else {
            indexes.push(i);
            continue;
        };
        return Err(SourceError::UnsupportedColumn {
            source_name: source_name.to_string(),
            table: def.name.clone(),
            column: col.name.clone(),
            reason,
        });
    }
    Ok(indexes)
}

/// The column named in locators: the one-column primary key, else the AutoNumber column;
/// as an index in `indexes`.
pub(super) fn key_column(def: &TableDef, indexes: &[usize]) -> Option<usize> {
    let primary = (def.indexes.iter())
        .find(|ix| ix.index_type == jetdb::index_type::PRIMARY && ix.columns.len() == 1)
        .and_then(|ix| {
            def.columns
                .iter()
                .position(|c| c.col_num == ix.columns[0].col_num)
        });
    let column = primary.or_else(|| def.columns.iter().position(ColumnDef::is_auto_number))?;
    indexes.iter().position(|&i| i == column)
}

pub(super) fn column_info(
    def: &TableDef,
    col: &ColumnDef,
    calculated: &HashMap<String, ColumnType>,
) -> ColumnInfo {
    let declared = match col.col_type {
        ColumnType::Text if col.is_fixed => format!("Text({}) fixed-length", def.shown_size(col)),
        ColumnType::Text => format!("Text({})", def.shown_size(col)),
        ColumnType::Numeric => format!("Numeric({},{})", col.precision, col.scale),
        ColumnType::ComplexType => "Complex".to_string(),
        other => other.to_string(),
    };
    let declared = match calculated.get(&col.name.to_ascii_lowercase()) {
        Some(result) if col.is_calculated => format!("{result} (calculated)"),
        _ => declared,
    };
    ColumnInfo {
        name: col.name.clone(),
        declared_type: Some(declared),
    }
}

/// The cell of a jetdb value; one that cannot be converted exactly is a [`Cell::Error`].
pub(super) fn cell(value: Option<Value>) -> Cell {
    match value.unwrap_or(Value::Null) {
        Value::Null => Cell::Null,
        Value::Bool(b) => Cell::Bool(b),
        Value::Byte(n) => Cell::Int(n.into()),
        Value::Int(n) => Cell::Int(n.into()),
        Value::Long(n) => Cell::Int(n.into()),
        Value::BigInt(n) => Cell::Int(n),
        // The shortest decimal of the Single, as Access shows it, not its binary expansion.
        Value::Float(x) => Cell::Float(x.to_string().parse().unwrap_or(f64::from(x))),
        Value::Double(x) => Cell::Float(x),
        Value::Text(s) | Value::Guid(s) => Cell::Text(s),
        Value::Binary(b) => Cell::Bytes(b),
        Value::Money(s) | Value::Numeric(s) => Decimal::from_str_exact(&s).map_or_else(
            |_| Cell::Error(format!("number {s:?} out of range")),
            Cell::Decimal,
        ),
        Value::Timestamp(days) => date_time(days),
        Value::DateTimeExtended(s) => NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S%.f")
            .or_else(|_| {
                NaiveDate::parse_from_str(&s, "%Y-%m-%d").map(|d| d.and_time(Default::default()))
            })
            .map_or_else(
                |_| Cell::Error(format!("unreadable date {s:?}")),
                Cell::DateTime,
            ),
        other => Cell::Error(format!("value of an unknown type: {other:?}")),
    }
}

/// An Access Date/Time: days since 1899-12-30, the time being the absolute fraction.
/// jetdb gives the epoch for a value out of the years 100 to 9999: an error here.
fn date_time(days: f64) -> Cell {
    let out = || {
        Cell::Error(format!(
            "date out of the years 100 to 9999 (raw value {days})"
        ))
    };
    let parts = jetdb::timestamp::timestamp_to_parts(days);
    let in_range = days > -657_435.0 && days < 2_958_466.0;
    if !in_range || parts == (1899, 12, 30, 0, 0, 0) && days.abs() >= 1.0 {
        return out();
    }
    let (y, mo, d, h, mi, s) = parts;
    let date = NaiveDate::from_ymd_opt(y, mo, d).and_then(|date| date.and_hms_opt(h, mi, s));
    date.map_or_else(out, Cell::DateTime)
}
