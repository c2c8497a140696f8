//! PostgreSQL backend (sqlx): one schema per domain in one database.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::postgres::PgConnection;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection as _, Executor, Postgres, Row as _};

use super::{DbError, Kind, Query, Row, Statement, Value, map_sqlx_error};

/// Two pools: single statements, which sqlx brings back to a clean state by itself even
/// after a cancelled task, and transactions, whose connections are checked on release.
/// The services' reads then pay no check round trips.
#[derive(Debug, Clone)]
pub(super) struct PgPools {
    pub(super) statements: PgPool,
    pub(super) transactions: PgPool,
}

impl PgPools {
    pub(super) async fn close(&self) {
        self.statements.close().await;
        self.transactions.close().await;
    }
}

pub(super) async fn connect(url: &str, redacted: &str) -> Result<PgPools, DbError> {
    let connect_error = |message: String| DbError::Connect {
        target: redacted.to_owned(),
        message,
    };
    let options = PgConnectOptions::from_str(url).map_err(|e| connect_error(e.to_string()))?;
    // The pool retries a refused connection until its timeout and then only says it timed
    // out: one direct attempt first gives the person the real reason.
    let probe = tokio::time::timeout(
        Duration::from_secs(10),
        PgConnection::connect_with(&options),
    )
    .await
    .map_err(|_| connect_error("no answer within 10 s".into()))?
    .map_err(|e| connect_error(e.to_string()))?;
    let _ = probe.close().await;
    let statements = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.clone())
        .await
        .map_err(|e| connect_error(e.to_string()))?;
    let transactions = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(10))
        // A task cancelled in the middle of a transaction or a COPY leaves its
        // connection in a state sqlx cannot always restore; such a connection is
        // closed on release instead of being handed to the next task.
        .after_release(|conn, _meta| {
            Box::pin(async move {
                if sqlx::Connection::ping(&mut *conn).await.is_err() {
                    return Ok(false);
                }
                match sqlx::Connection::begin(&mut *conn).await {
                    Ok(tx) => Ok(tx.rollback().await.is_ok()),
                    Err(_) => Ok(false),
                }
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| connect_error(e.to_string()))?;
    Ok(PgPools {
        statements,
        transactions,
    })
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

fn bind<'q>(q: PgQuery<'q>, value: &Value) -> PgQuery<'q> {
    match value {
        Value::Null(Kind::Bool) => q.bind(None::<bool>),
        Value::Null(Kind::Int) => q.bind(None::<i64>),
        Value::Null(Kind::Decimal) => q.bind(None::<Decimal>),
        Value::Null(Kind::Text) => q.bind(None::<String>),
        Value::Null(Kind::Date) => q.bind(None::<NaiveDate>),
        Value::Null(Kind::Timestamp) => q.bind(None::<DateTime<Utc>>),
        Value::Bool(b) => q.bind(*b),
        Value::Int(i) => q.bind(*i),
        Value::Decimal(d) => q.bind(*d),
        Value::Text(s) => q.bind(s.clone()),
        Value::Date(d) => q.bind(*d),
        Value::Timestamp(t) => q.bind(*t),
    }
}

fn prepare<'q>(sql: &'q str, params: &[Value]) -> PgQuery<'q> {
    params.iter().fold(sqlx::query(sql), bind)
}

pub(super) async fn execute<'e, E>(e: E, stmt: Statement) -> Result<u64, DbError>
where
    E: Executor<'e, Database = Postgres>,
{
    let result = prepare(&stmt.sql, &stmt.params)
        .execute(e)
        .await
        .map_err(map_sqlx_error)?;
    Ok(result.rows_affected())
}

pub(super) async fn fetch<'e, E>(e: E, query: Query) -> Result<Vec<Row>, DbError>
where
    E: Executor<'e, Database = Postgres>,
{
    let rows = prepare(&query.sql, &query.params)
        .fetch_all(e)
        .await
        .map_err(map_sqlx_error)?;
    rows.iter().map(|r| decode(r, &query)).collect()
}

fn decode(row: &PgRow, query: &Query) -> Result<Row, DbError> {
    fn get<T>(row: &PgRow, i: usize, kind: Kind, wrap: fn(T) -> Value) -> Result<Value, DbError>
    where
        T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
    {
        let v: Option<T> = row.try_get(i).map_err(map_sqlx_error)?;
        Ok(v.map_or(Value::Null(kind), wrap))
    }
    let values = query
        .kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| match kind {
            Kind::Bool => get::<bool>(row, i, *kind, Value::Bool),
            Kind::Int => get::<i64>(row, i, *kind, Value::Int),
            Kind::Decimal => get::<Decimal>(row, i, *kind, Value::Decimal),
            Kind::Text => get::<String>(row, i, *kind, Value::Text),
            Kind::Date => get::<NaiveDate>(row, i, *kind, Value::Date),
            Kind::Timestamp => get::<DateTime<Utc>>(row, i, *kind, Value::Timestamp),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Row::new(Arc::clone(&query.columns), values))
}

/// Loads rows with `COPY … FROM STDIN (FORMAT binary)`: PostgreSQL's fast path. Values
/// are encoded by sqlx's own encoders, so they arrive exactly as bound parameters would.
pub(super) async fn copy_in(
    conn: &mut PgConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<(), DbError> {
    const CHUNK: usize = 1 << 20;
    let sql = format!(
        "COPY {table} ({}) FROM STDIN WITH (FORMAT binary)",
        columns.join(", ")
    );
    let mut copy = conn.copy_in_raw(&sql).await.map_err(map_sqlx_error)?;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    let mut scratch = sqlx::postgres::PgArgumentBuffer::default();
    buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    buf.extend_from_slice(&0_i32.to_be_bytes());
    buf.extend_from_slice(&0_i32.to_be_bytes());
    for row in rows {
        let fields = i16::try_from(row.len())
            .map_err(|_| DbError::Query("too many columns for COPY".into()))?;
        buf.extend_from_slice(&fields.to_be_bytes());
        for value in row {
            encode_binary(value, &mut scratch, &mut buf)?;
        }
        if buf.len() >= CHUNK {
            let full = std::mem::replace(&mut buf, Vec::with_capacity(CHUNK + 4096));
            if let Err(e) = copy.send(full).await {
                let _ = copy.abort("send failed").await;
                return Err(map_sqlx_error(e));
            }
        }
    }
    buf.extend_from_slice(&(-1_i16).to_be_bytes());
    if let Err(e) = copy.send(buf).await {
        let _ = copy.abort("send failed").await;
        return Err(map_sqlx_error(e));
    }
    copy.finish().await.map_err(map_sqlx_error)?;
    Ok(())
}

/// Appends one field of a binary COPY row. The plain types are written directly; numbers
/// and timestamps go through sqlx's own encoders, into a buffer reused for every value
/// (a new buffer per value showed in the profile of million-row loads).
fn encode_binary(
    value: &Value,
    scratch: &mut sqlx::postgres::PgArgumentBuffer,
    out: &mut Vec<u8>,
) -> Result<(), DbError> {
    use sqlx::Encode;
    fn field(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), DbError> {
        let len = i32::try_from(bytes.len())
            .map_err(|_| DbError::Query("value too large for COPY".into()))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(bytes);
        Ok(())
    }
    let encoded = match value {
        Value::Null(_) => {
            out.extend_from_slice(&(-1_i32).to_be_bytes());
            return Ok(());
        }
        Value::Bool(b) => return field(out, &[u8::from(*b)]),
        Value::Int(i) => return field(out, &i.to_be_bytes()),
        Value::Text(s) => return field(out, s.as_bytes()),
        Value::Date(d) => {
            // PostgreSQL counts days from 2000-01-01.
            let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
            let days = i32::try_from(d.signed_duration_since(epoch).num_days())
                .map_err(|_| DbError::Query(format!("date {d} out of range for COPY")))?;
            return field(out, &days.to_be_bytes());
        }
        Value::Decimal(d) => {
            scratch.clear();
            Encode::<Postgres>::encode_by_ref(d, scratch)
        }
        Value::Timestamp(t) => {
            scratch.clear();
            Encode::<Postgres>::encode_by_ref(t, scratch)
        }
    };
    let null =
        encoded.map_err(|e| DbError::Query(format!("cannot encode {value:?} for COPY: {e}")))?;
    if matches!(null, sqlx::encode::IsNull::Yes) {
        out.extend_from_slice(&(-1_i32).to_be_bytes());
        return Ok(());
    }
    field(out, scratch)
}
