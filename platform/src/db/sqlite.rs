//! SQLite backend (sqlx): one file per schema, attached to every pooled connection.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow,
};
use sqlx::{Executor, Row as _, Sqlite, ValueRef};

use super::schema::SchemaName;
use super::{DbError, Kind, Query, Row, Statement, Value, map_sqlx_error};

/// Dates and times are stored as fixed-width text so that text order is time order.
const DATE_FORMAT: &str = "%Y-%m-%d";
const TIMESTAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

pub(super) async fn connect(dir: &Path) -> Result<SqlitePool, DbError> {
    let connect_error = |message: String| DbError::Connect {
        target: format!("sqlite://{}", dir.display()),
        message,
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| connect_error(format!("cannot create the directory: {e}")))?;
    let dir = dir
        .canonicalize()
        .map_err(|e| connect_error(e.to_string()))?;
    // The main file holds no table of its own; it exists so that a transaction that
    // spans several schema files commits atomically (SQLite's super-journal needs it).
    let options = SqliteConnectOptions::new()
        .filename(dir.join("bascule.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Delete)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let attach: Arc<Vec<String>> = Arc::new(
        SchemaName::ALL
            .iter()
            .map(|s| {
                let path = dir.join(format!("{}.db", s.as_str())).display().to_string();
                format!(
                    "ATTACH DATABASE '{}' AS {}",
                    path.replace('\'', "''"),
                    s.as_str()
                )
            })
            .collect(),
    );
    SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _meta| {
            let attach = Arc::clone(&attach);
            Box::pin(async move {
                for sql in attach.iter() {
                    conn.execute(sql.as_str()).await?;
                }
                Ok(())
            })
        })
        // A task cancelled in the middle of a transaction can leave its connection
        // inside that transaction (sqlx 0.8 loses track of it when the queued rollback
        // fails): such a connection cannot begin a new transaction, so it is closed
        // instead of going back to the pool.
        .after_release(|conn, _meta| {
            Box::pin(async move {
                match sqlx::Connection::begin_with(&mut *conn, "BEGIN").await {
                    Ok(tx) => tx.rollback().await.map(|()| true),
                    Err(_) => Ok(false),
                }
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| connect_error(e.to_string()))
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;

fn bind<'q>(q: SqliteQuery<'q>, value: &Value) -> SqliteQuery<'q> {
    match value {
        Value::Null(_) => q.bind(None::<String>),
        Value::Bool(b) => q.bind(*b),
        Value::Int(i) => q.bind(*i),
        Value::Decimal(d) => q.bind(d.to_string()),
        Value::Text(s) => q.bind(s.clone()),
        Value::Date(d) => q.bind(d.format(DATE_FORMAT).to_string()),
        Value::Timestamp(t) => q.bind(t.format(TIMESTAMP_FORMAT).to_string()),
    }
}

fn prepare<'q>(sql: &'q str, params: &[Value]) -> SqliteQuery<'q> {
    params.iter().fold(sqlx::query(sql), bind)
}

pub(super) async fn execute<'e, E>(e: E, stmt: Statement) -> Result<u64, DbError>
where
    E: Executor<'e, Database = Sqlite>,
{
    let result = prepare(&stmt.sql, &stmt.params)
        .execute(e)
        .await
        .map_err(map_sqlx_error)?;
    Ok(result.rows_affected())
}

pub(super) async fn fetch<'e, E>(e: E, query: Query) -> Result<Vec<Row>, DbError>
where
    E: Executor<'e, Database = Sqlite>,
{
    let rows = prepare(&query.sql, &query.params)
        .fetch_all(e)
        .await
        .map_err(map_sqlx_error)?;
    rows.iter().map(|r| decode(r, &query)).collect()
}

fn decode(row: &SqliteRow, query: &Query) -> Result<Row, DbError> {
    let mut values = Vec::with_capacity(query.kinds.len());
    for (i, kind) in query.kinds.iter().enumerate() {
        let raw = row.try_get_raw(i).map_err(map_sqlx_error)?;
        if raw.is_null() {
            values.push(Value::Null(*kind));
            continue;
        }
        let column = &query.columns[i];
        let text = |row: &SqliteRow| row.try_get::<String, _>(i).map_err(map_sqlx_error);
        let value = match kind {
            Kind::Bool => Value::Bool(row.try_get(i).map_err(map_sqlx_error)?),
            Kind::Int => Value::Int(row.try_get(i).map_err(map_sqlx_error)?),
            Kind::Text => Value::Text(text(row)?),
            Kind::Decimal => {
                let s = text(row)?;
                Value::Decimal(Decimal::from_str(&s).map_err(|e| bad(column, &s, e))?)
            }
            Kind::Date => {
                let s = text(row)?;
                Value::Date(
                    NaiveDate::parse_from_str(&s, DATE_FORMAT).map_err(|e| bad(column, &s, e))?,
                )
            }
            Kind::Timestamp => {
                let s = text(row)?;
                let t = DateTime::parse_from_rfc3339(&s).map_err(|e| bad(column, &s, e))?;
                Value::Timestamp(t.with_timezone(&Utc))
            }
        };
        values.push(value);
    }
    Ok(Row::new(Arc::clone(&query.columns), values))
}

fn bad(column: &str, text: &str, e: impl std::fmt::Display) -> DbError {
    DbError::Decode(format!("column {column}: {text:?}: {e}"))
}

/// Begins a write transaction. A pooled connection left inside a cancelled transaction
/// refuses to begin; it is closed on release, so the next attempt gets another one.
pub(super) async fn begin(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, Sqlite>, DbError> {
    let mut attempts = 0;
    loop {
        match pool.begin_with("BEGIN IMMEDIATE").await {
            Ok(tx) => return Ok(tx),
            Err(sqlx::Error::InvalidSavePointStatement) if attempts < 5 => attempts += 1,
            Err(e) => return Err(map_sqlx_error(e)),
        }
    }
}
