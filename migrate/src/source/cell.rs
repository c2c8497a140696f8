//! A value as a legacy source holds it, before any mapping.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    /// Excel numbers, Access Single and Double.
    Float(f64),
    /// Access Money and Numeric, PostgreSQL and Oracle numeric: exact.
    Decimal(Decimal),
    Text(String),
    Date(NaiveDate),
    /// A local date and time without zone (Access, Excel, timestamp without time zone).
    DateTime(NaiveDateTime),
    /// An instant (timestamp with time zone).
    Timestamp(DateTime<Utc>),
    Bytes(Vec<u8>),
    /// A cell that holds an error, such as Excel's `#DIV/0!`.
    Error(String),
}

impl Cell {
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }

    /// True for a null or a text of white space only (including non-breaking spaces).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Null => true,
            Cell::Text(s) => s.chars().all(char::is_whitespace),
            _ => false,
        }
    }

    /// The value as it would be shown to a person, for quarantine records and reports.
    pub fn to_raw_string(&self) -> Option<String> {
        match self {
            Cell::Null => None,
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Int(i) => Some(i.to_string()),
            Cell::Float(f) => Some(f.to_string()),
            Cell::Decimal(d) => Some(d.to_string()),
            Cell::Text(s) => Some(s.clone()),
            Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
            Cell::DateTime(t) => Some(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
            Cell::Timestamp(t) => Some(t.to_rfc3339()),
            Cell::Bytes(b) => Some(b.iter().map(|x| format!("{x:02x}")).collect()),
            Cell::Error(e) => Some(format!("#ERROR {e}")),
        }
    }

    /// A short name of the cell's type, for inspection.
    pub fn type_name(&self) -> &'static str {
        match self {
            Cell::Null => "null",
            Cell::Bool(_) => "bool",
            Cell::Int(_) => "int",
            Cell::Float(_) => "float",
            Cell::Decimal(_) => "decimal",
            Cell::Text(_) => "text",
            Cell::Date(_) => "date",
            Cell::DateTime(_) => "datetime",
            Cell::Timestamp(_) => "timestamp",
            Cell::Bytes(_) => "bytes",
            Cell::Error(_) => "error",
        }
    }
}
