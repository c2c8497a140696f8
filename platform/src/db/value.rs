//! Portable values: what crosses between repositories and every database backend.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::DbError;

/// The logical type of a value, independent of how each backend stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Bool,
    Int,
    Decimal,
    Text,
    Date,
    Timestamp,
}

/// One value bound to or read from a statement. Nulls keep their kind because
/// PostgreSQL needs a typed NULL and Oracle a typed bind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k", content = "v")]
pub enum Value {
    Null(Kind),
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Text(String),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
}

impl Value {
    pub fn kind(&self) -> Kind {
        match self {
            Value::Null(k) => *k,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) => Kind::Int,
            Value::Decimal(_) => Kind::Decimal,
            Value::Text(_) => Kind::Text,
            Value::Date(_) => Kind::Date,
            Value::Timestamp(_) => Kind::Timestamp,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }
}

/// Rust types that map to one [`Kind`].
pub trait HasKind {
    const KIND: Kind;
}

macro_rules! has_kind {
    ($($t:ty => $k:ident => $v:ident),* $(,)?) => {$(
        impl HasKind for $t { const KIND: Kind = Kind::$k; }
        impl From<$t> for Value { fn from(v: $t) -> Self { Value::$v(v) } }
    )*};
}
has_kind!(
    bool => Bool => Bool,
    i64 => Int => Int,
    Decimal => Decimal => Decimal,
    String => Text => Text,
    NaiveDate => Date => Date,
    DateTime<Utc> => Timestamp => Timestamp,
);

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}

impl<T: HasKind + Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        match v {
            Some(v) => v.into(),
            None => Value::Null(T::KIND),
        }
    }
}

/// Rust types that can be read back from a [`Value`].
pub trait FromValue: Sized {
    fn from_value(value: Value, column: &str) -> Result<Self, DbError>;
}

fn mismatch(column: &str, expected: &str, got: &Value) -> DbError {
    DbError::Decode(format!(
        "column {column}: expected {expected}, found {got:?}"
    ))
}

macro_rules! from_value {
    ($($t:ty => $v:ident),* $(,)?) => {$(
        impl FromValue for $t {
            fn from_value(value: Value, column: &str) -> Result<Self, DbError> {
                match value {
                    Value::$v(v) => Ok(v),
                    other => Err(mismatch(column, stringify!($t), &other)),
                }
            }
        }
    )*};
}
from_value!(bool => Bool, i64 => Int, Decimal => Decimal, String => Text, NaiveDate => Date, DateTime<Utc> => Timestamp);

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value, column: &str) -> Result<Self, DbError> {
        match value {
            Value::Null(_) => Ok(None),
            v => T::from_value(v, column).map(Some),
        }
    }
}

/// A row read back from the database, addressed by column name.
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        Self { columns, values }
    }

    /// Takes the value of `column` out of the row (each column is read once).
    pub fn get<T: FromValue>(&mut self, column: &str) -> Result<T, DbError> {
        let index = self
            .columns
            .iter()
            .position(|c| c == column)
            .ok_or_else(|| DbError::Decode(format!("column {column} not selected")))?;
        let value = std::mem::replace(&mut self.values[index], Value::Null(Kind::Text));
        T::from_value(value, column)
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }
}
