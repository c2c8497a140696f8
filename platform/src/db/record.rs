//! Repositories written once: insert, get, find, list with keyset pagination and
//! optimistic update, for any entity that describes its columns as a [`Record`].

use chrono::{DateTime, SubsecRound, Utc};

pub use super::page::{Page, PageRequest};
use super::page::{decode_token, encode_token};
use super::schema::{ColumnType, SchemaName, TableDef};
use super::{DbError, Exec, Kind, Query, Row, SqlBuilder, Value};

/// An entity stored in its own table. The table is built with [`TableDef::entity`], so it
/// has the metadata columns besides the ones [`Record::to_values`] returns.
pub trait Record: Sized + Send {
    const SCHEMA: SchemaName;
    /// The column lists are ordered by, then by `id`; unique or nearly so.
    const ORDER_BY: &'static str;

    fn table_def() -> &'static TableDef;

    /// The business columns and their values (not the metadata columns).
    fn to_values(&self) -> Vec<(&'static str, Value)>;

    fn from_row(row: &mut Row) -> Result<Self, DbError>;
}

/// A record as stored: its value with the metadata the database keeps for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T> {
    pub id: String,
    /// Incremented by every update; clients send it back as the etag of an update.
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub value: T,
}

/// Equality conditions on columns, ANDed.
pub type Filter<'a> = &'a [(&'static str, Value)];

/// Every backend keeps microseconds: truncate so that what is returned equals what is read back.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn table_name<T: Record>(e: &impl Exec) -> String {
    e.dialect().table(T::SCHEMA, T::table_def().name)
}

pub(super) fn select_columns<T: Record>() -> Vec<(&'static str, Kind)> {
    T::table_def()
        .columns
        .iter()
        .map(|c| (c.name, c.ty.kind()))
        .collect()
}

pub(super) fn select_head<T: Record>(b: &mut SqlBuilder) {
    let cols: Vec<&str> = T::table_def().columns.iter().map(|c| c.name).collect();
    let table = b.dialect().table(T::SCHEMA, T::table_def().name);
    b.push(&format!("SELECT {} FROM {table}", cols.join(", ")));
}

pub(super) fn decode<T: Record>(mut row: Row) -> Result<Stored<T>, DbError> {
    Ok(Stored {
        id: row.get("id")?,
        revision: row.get("revision")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        value: T::from_row(&mut row)?,
    })
}

/// Makes every backend accept and refuse the same values: text within the column's
/// length, no empty text in a required column (Oracle stores '' as NULL, so an empty
/// optional text becomes NULL everywhere), decimals within precision and scale.
pub fn check_values(
    table: &TableDef,
    values: Vec<(&'static str, Value)>,
) -> Result<Vec<(&'static str, Value)>, DbError> {
    values
        .into_iter()
        .map(|(name, value)| {
            let column = table
                .column(name)
                .ok_or_else(|| DbError::Decode(format!("{}: no column {name}", table.name)))?;
            let value = match value {
                Value::Text(s) if s.is_empty() => {
                    if !column.nullable {
                        return Err(DbError::Decode(format!(
                            "{}.{name} must not be empty",
                            table.name
                        )));
                    }
                    Value::Null(Kind::Text)
                }
                Value::Text(s) => {
                    if let Some(max) = column.ty.max_chars() {
                        let length = s.chars().count();
                        if length > max {
                            return Err(DbError::TooLong {
                                column: format!("{}.{name}", table.name),
                                length,
                                max,
                            });
                        }
                    }
                    Value::Text(s)
                }
                Value::Decimal(d) => {
                    if let ColumnType::Decimal { precision, scale } = column.ty {
                        check_decimal(&format!("{}.{name}", table.name), d, precision, scale)?;
                    }
                    Value::Decimal(d.normalize())
                }
                Value::Null(_) if !column.nullable => {
                    return Err(DbError::Decode(format!(
                        "{}.{name} is required",
                        table.name
                    )));
                }
                other => other,
            };
            Ok((name, value))
        })
        .collect()
}

fn check_decimal(
    column: &str,
    d: rust_decimal::Decimal,
    precision: u8,
    scale: u8,
) -> Result<(), DbError> {
    let d = d.normalize();
    let integer_digits = d.trunc().abs().to_string().trim_start_matches('0').len();
    if d.scale() > u32::from(scale) || integer_digits > usize::from(precision - scale) {
        return Err(DbError::Decode(format!(
            "{column}: {d} does not fit {} digits before and {scale} after the decimal point",
            precision - scale
        )));
    }
    Ok(())
}

/// Inserts a new record with a fresh id.
pub async fn insert<T: Record>(e: &mut impl Exec, value: T) -> Result<Stored<T>, DbError> {
    insert_with_id(e, new_id(), value).await
}

/// Inserts a record whose id was chosen by the caller (a migration that recorded it in
/// the crosswalk first, for instance).
pub async fn insert_with_id<T: Record>(
    e: &mut impl Exec,
    id: String,
    value: T,
) -> Result<Stored<T>, DbError> {
    let now = now();
    let values = check_values(T::table_def(), value.to_values())?;
    let mut b = SqlBuilder::new(e.dialect());
    let names: Vec<&str> = ["id", "revision", "created_at", "updated_at"]
        .into_iter()
        .chain(values.iter().map(|(n, _)| *n))
        .collect();
    b.push(&format!(
        "INSERT INTO {} ({}) VALUES (",
        table_name::<T>(e),
        names.join(", ")
    ));
    b.bind(id.clone())
        .push(", ")
        .bind(1_i64)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now);
    for (_, v) in values {
        b.push(", ").bind(v);
    }
    b.push(")");
    e.execute(b.statement()).await?;
    Ok(Stored {
        id,
        revision: 1,
        created_at: now,
        updated_at: now,
        value,
    })
}

pub async fn get<T: Record>(e: &mut impl Exec, id: &str) -> Result<Option<Stored<T>>, DbError> {
    find_by(e, "id", id.into()).await
}

/// The record whose `column` equals `value` (a natural key such as a code).
pub async fn find_by<T: Record>(
    e: &mut impl Exec,
    column: &str,
    value: Value,
) -> Result<Option<Stored<T>>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    select_head::<T>(&mut b);
    b.push(&format!(" WHERE {column} = ")).bind(value);
    let row = e.fetch_optional(b.query(&select_columns::<T>())).await?;
    row.map(decode).transpose()
}

pub(super) fn push_filter(b: &mut SqlBuilder, filter: Filter<'_>) {
    for (i, (column, value)) in filter.iter().enumerate() {
        b.push(if i == 0 { " WHERE " } else { " AND " });
        if value.is_null() {
            b.push(&format!("{column} IS NULL"));
        } else {
            b.push(&format!("{column} = ")).bind(value.clone());
        }
    }
}

/// One page of the records matching `filter`, in `ORDER_BY`, then id, order.
pub async fn list<T: Record>(
    e: &mut impl Exec,
    filter: Filter<'_>,
    page: &PageRequest,
) -> Result<Page<Stored<T>>, DbError> {
    let size = page.effective_size();
    let order = T::ORDER_BY;
    let mut b = SqlBuilder::new(e.dialect());
    select_head::<T>(&mut b);
    push_filter(&mut b, filter);
    if let Some(token) = &page.token {
        let position = decode_token(token)?;
        let expected = T::table_def().column(order).map(|c| c.ty.kind());
        if expected != Some(position.o.kind()) {
            return Err(DbError::InvalidPageToken);
        }
        b.push(if filter.is_empty() {
            " WHERE "
        } else {
            " AND "
        });
        b.push(&format!("({order} > ")).bind(position.o.clone());
        b.push(&format!(" OR ({order} = "))
            .bind(position.o)
            .push(" AND id > ")
            .bind(position.i)
            .push("))");
    }
    b.push(&format!(" ORDER BY {order}, id "));
    b.push(&e.dialect().limit(size + 1));
    let mut rows = e.fetch(b.query(&select_columns::<T>())).await?;
    let more = rows.len() as u64 > size;
    rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    let next_token = match (more, rows.last()) {
        (true, Some(last)) => {
            let index = T::table_def().columns.iter().position(|c| c.name == order);
            let id_index = T::table_def().columns.iter().position(|c| c.name == "id");
            match (index, id_index) {
                (Some(o), Some(i)) => match &last.values()[i] {
                    Value::Text(id) => Some(encode_token(last.values()[o].clone(), id)),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    };
    let items = rows
        .into_iter()
        .map(decode)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page { items, next_token })
}

/// Every record matching `filter`, in order; for small sets such as the lines of an order.
pub async fn list_all<T: Record>(
    e: &mut impl Exec,
    filter: Filter<'_>,
) -> Result<Vec<Stored<T>>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    select_head::<T>(&mut b);
    push_filter(&mut b, filter);
    b.push(&format!(" ORDER BY {}, id", T::ORDER_BY));
    let rows = e.fetch(b.query(&select_columns::<T>())).await?;
    rows.into_iter().map(decode).collect()
}

/// The records matching `filter`, locked until the end of the transaction `e` is in.
pub async fn lock_all<T: Record>(
    e: &mut impl Exec,
    filter: Filter<'_>,
) -> Result<Vec<Stored<T>>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    select_head::<T>(&mut b);
    push_filter(&mut b, filter);
    b.push(e.dialect().for_update());
    let rows = e.fetch(b.query(&select_columns::<T>())).await?;
    rows.into_iter().map(decode).collect()
}

pub async fn count<T: Record>(e: &mut impl Exec, filter: Filter<'_>) -> Result<i64, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!("SELECT COUNT(*) AS n FROM {}", table_name::<T>(e)));
    push_filter(&mut b, filter);
    let query: Query = b.query(&[("n", Kind::Int)]);
    match e.fetch_optional(query).await? {
        Some(mut row) => row.get("n"),
        None => Ok(0),
    }
}

/// Replaces the business columns of record `id` if it is still at `revision`:
/// a stale revision gives [`DbError::StaleRevision`], a missing record [`DbError::NotFound`].
pub async fn update<T: Record>(
    e: &mut impl Exec,
    id: &str,
    revision: i64,
    value: T,
) -> Result<Stored<T>, DbError> {
    let now = now();
    let values = check_values(T::table_def(), value.to_values())?;
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!("UPDATE {} SET revision = ", table_name::<T>(e)))
        .bind(revision + 1);
    b.push(", updated_at = ").bind(now);
    for (name, v) in values {
        b.push(&format!(", {name} = ")).bind(v);
    }
    b.push(" WHERE id = ")
        .bind(id)
        .push(" AND revision = ")
        .bind(revision);
    if e.execute(b.statement()).await? == 1 {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "SELECT created_at FROM {} WHERE id = ",
            table_name::<T>(e)
        ))
        .bind(id);
        let mut row = e
            .fetch_optional(b.query(&[("created_at", Kind::Timestamp)]))
            .await?
            .ok_or(DbError::NotFound)?;
        return Ok(Stored {
            id: id.to_owned(),
            revision: revision + 1,
            created_at: row.get("created_at")?,
            updated_at: now,
            value,
        });
    }
    match get::<T>(e, id).await? {
        Some(_) => Err(DbError::StaleRevision { expected: revision }),
        None => Err(DbError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn decimals_must_fit_their_column() {
        let ok = Decimal::from_str("12345678901.123456").unwrap();
        assert!(check_decimal("t.c", ok, 22, 6).is_ok());
        assert!(check_decimal("t.c", Decimal::from_str("1.1234567").unwrap(), 22, 6).is_err());
        assert!(
            check_decimal(
                "t.c",
                Decimal::from_str("1234567890123456.5").unwrap(),
                22,
                6
            )
            .is_ok()
        );
        assert!(
            check_decimal(
                "t.c",
                Decimal::from_str("12345678901234567").unwrap(),
                22,
                6
            )
            .is_err()
        );
        assert!(check_decimal("t.c", Decimal::from_str("-0.5").unwrap(), 22, 6).is_ok());
    }
}
