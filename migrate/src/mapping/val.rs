//! Values on their way through a mapping: read from a source cell, changed by
//! transforms, checked by rules, and finally typed for the target.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use bascule_platform::db::Value;

use super::spec::FieldType;
use crate::source::Cell;

/// An intermediate value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Text(String),
    Int(i64),
    Decimal(Decimal),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    /// A local date and time, without zone.
    DateTime(NaiveDateTime),
    Timestamp(DateTime<Utc>),
}

/// Why a record cannot be loaded: the rule (or transform) that failed, and a message a
/// person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: String,
    pub message: String,
}

impl Violation {
    pub fn new(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            message: message.into(),
        }
    }
}

impl Val {
    /// The value of a source cell; a cell holding an error (Excel's `#N/A`) is a violation.
    pub fn from_cell(cell: &Cell) -> Result<Val, Violation> {
        Ok(match cell {
            Cell::Null => Val::Null,
            Cell::Bool(b) => Val::Bool(*b),
            Cell::Int(i) => Val::Int(*i),
            Cell::Float(f) => Val::Float(*f),
            Cell::Decimal(d) => Val::Decimal(*d),
            Cell::Text(s) => Val::Text(s.clone()),
            Cell::Date(d) => Val::Date(*d),
            Cell::DateTime(t) => Val::DateTime(*t),
            Cell::Timestamp(t) => Val::Timestamp(*t),
            Cell::Bytes(b) => Val::Text(b.iter().map(|x| format!("{x:02x}")).collect()),
            Cell::Error(e) => {
                return Err(Violation::new(
                    "cell_error",
                    format!("the cell holds an error: {e}"),
                ));
            }
        })
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Val::Null => true,
            Val::Text(s) => s.chars().all(char::is_whitespace),
            _ => false,
        }
    }

    /// The value as text, as a person would read it.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            Val::Text(s) => Some(s.clone()),
            Val::Int(i) => Some(i.to_string()),
            Val::Decimal(d) => Some(d.to_string()),
            Val::Float(f) => Some(float_text(*f)),
            Val::Bool(b) => Some(b.to_string()),
            Val::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
            Val::DateTime(t) => Some(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            Val::Timestamp(t) => Some(t.to_rfc3339()),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "empty",
            Val::Text(_) => "text",
            Val::Int(_) => "integer",
            Val::Decimal(_) => "decimal",
            Val::Float(_) => "number",
            Val::Bool(_) => "boolean",
            Val::Date(_) => "date",
            Val::DateTime(_) => "date and time",
            Val::Timestamp(_) => "timestamp",
        }
    }
}

/// The shortest text that reads back as the same float: Excel's 0.1 stays "0.1".
pub fn float_text(f: f64) -> String {
    let s = format!("{f}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

/// An exact decimal for a float read from a spreadsheet: the shortest decimal that reads
/// back as the same float (what Excel shows), never the binary expansion.
pub fn float_to_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    let text = format!("{f}");
    text.parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_scientific(&format!("{f:e}")).ok())
}

/// Types the final value of a field; a value of the wrong type is a violation.
pub fn coerce(val: Val, ty: FieldType, field: &str) -> Result<Value, Violation> {
    let wrong = |v: &Val| {
        Violation::new(
            "type",
            format!(
                "{field}: expected {}, found {} {:?}",
                type_label(ty),
                v.type_name(),
                v.to_text().unwrap_or_default()
            ),
        )
    };
    Ok(match (ty, val) {
        (FieldType::Text, Val::Null) => Value::Null(bascule_platform::db::Kind::Text),
        (FieldType::Int, Val::Null) => Value::Null(bascule_platform::db::Kind::Int),
        (FieldType::Decimal, Val::Null) => Value::Null(bascule_platform::db::Kind::Decimal),
        (FieldType::Bool, Val::Null) => Value::Null(bascule_platform::db::Kind::Bool),
        (FieldType::Date, Val::Null) => Value::Null(bascule_platform::db::Kind::Date),
        (FieldType::Datetime | FieldType::Timestamp, Val::Null) => {
            Value::Null(bascule_platform::db::Kind::Timestamp)
        }
        (FieldType::Text, v) => Value::Text(v.to_text().unwrap_or_default()),
        (FieldType::Int, Val::Int(i)) => Value::Int(i),
        (FieldType::Int, v @ Val::Decimal(d)) => {
            if d.fract().is_zero() {
                Value::Int(
                    i64::try_from(d.mantissa() / 10_i128.pow(d.scale())).map_err(|_| wrong(&v))?,
                )
            } else {
                return Err(wrong(&v));
            }
        }
        (FieldType::Int, v @ Val::Float(f)) => {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                #[allow(clippy::cast_possible_truncation)]
                Value::Int(f as i64)
            } else {
                return Err(wrong(&v));
            }
        }
        (FieldType::Int, Val::Text(s)) if s.trim().parse::<i64>().is_ok() => {
            Value::Int(s.trim().parse::<i64>().unwrap_or_default())
        }
        (FieldType::Decimal, Val::Decimal(d)) => Value::Decimal(d),
        (FieldType::Decimal, Val::Int(i)) => Value::Decimal(Decimal::from(i)),
        (FieldType::Decimal, v @ Val::Float(f)) => {
            Value::Decimal(float_to_decimal(f).ok_or_else(|| wrong(&v))?)
        }
        (FieldType::Decimal, Val::Text(s)) if s.trim().parse::<Decimal>().is_ok() => {
            Value::Decimal(s.trim().parse::<Decimal>().unwrap_or_default())
        }
        (FieldType::Bool, Val::Bool(b)) => Value::Bool(b),
        (FieldType::Date, Val::Date(d)) => Value::Date(d),
        (FieldType::Date, Val::DateTime(t)) => Value::Date(t.date()),
        (FieldType::Datetime, Val::DateTime(t)) => Value::Timestamp(t.and_utc()),
        (FieldType::Timestamp, Val::Timestamp(t)) => Value::Timestamp(t),
        (_, v) => return Err(wrong(&v)),
    })
}

fn type_label(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::Int => "an integer",
        FieldType::Decimal => "a number",
        FieldType::Bool => "a boolean",
        FieldType::Date => "a date",
        FieldType::Datetime => "a date and time",
        FieldType::Timestamp => "a timestamp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn floats_become_the_decimal_excel_shows() {
        assert_eq!(
            float_to_decimal(0.1),
            Some(Decimal::from_str("0.1").unwrap())
        );
        assert_eq!(
            float_to_decimal(5464793.071),
            Some(Decimal::from_str("5464793.071").unwrap())
        );
        assert_eq!(
            float_to_decimal(1e-7),
            Some(Decimal::from_str("0.0000001").unwrap())
        );
        assert_eq!(float_to_decimal(f64::NAN), None);
    }

    #[test]
    fn coercion_is_exact_or_refused() {
        assert_eq!(
            coerce(Val::Float(12.0), FieldType::Int, "q").unwrap(),
            Value::Int(12)
        );
        assert!(coerce(Val::Float(12.5), FieldType::Int, "q").is_err());
        assert_eq!(
            coerce(Val::Text(" 42 ".into()), FieldType::Int, "q").unwrap(),
            Value::Int(42)
        );
        assert!(coerce(Val::Text("4 2".into()), FieldType::Decimal, "q").is_err());
        assert_eq!(
            coerce(Val::Int(3), FieldType::Text, "q").unwrap(),
            Value::Text("3".into())
        );
        assert!(
            coerce(Val::Text("x".into()), FieldType::Date, "d")
                .unwrap_err()
                .message
                .contains("expected a date")
        );
    }
}
