//! Oracle backend (`oracle` crate, ODPI-C): a session pool whose blocking calls run
//! on tokio's blocking threads, never on the async workers.

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use oracle::Connection;
use oracle::pool::{Pool, PoolBuilder};
use oracle::sql_type::ToSql;
use rust_decimal::Decimal;

use super::{DbError, Kind, Query, Row, Statement, Value};

/// Every session uses '.' as decimal separator and UTC, so that decimals bound as text
/// convert exactly and timestamps mean the same thing whatever the server's settings.
const SESSION_SETUP: &str = "ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,' TIME_ZONE = 'UTC'";

#[derive(Clone)]
pub(super) struct OraclePool {
    pool: Arc<Pool>,
}

impl std::fmt::Debug for OraclePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OraclePool")
    }
}

pub(super) fn map_oracle_error(e: oracle::Error) -> DbError {
    if e.dpi_code() == Some(1047) {
        return DbError::OracleClientMissing;
    }
    if e.oci_code() == Some(1) {
        return DbError::Duplicate(e.to_string());
    }
    DbError::query(e)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DbError> + Send + 'static,
) -> Result<T, DbError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DbError::Query(format!("Oracle call aborted: {e}")))?
}

impl OraclePool {
    pub(super) async fn connect(
        user: String,
        password: String,
        connect: String,
        redacted: String,
    ) -> Result<Self, DbError> {
        blocking(move || {
            let pool = PoolBuilder::new(user, password, connect)
                .max_connections(10)
                .build()
                .map_err(|e| match map_oracle_error(e) {
                    DbError::Query(message) => DbError::Connect {
                        target: redacted,
                        message,
                    },
                    other => other,
                })?;
            let pool = OraclePool {
                pool: Arc::new(pool),
            };
            pool.session()?;
            Ok(pool)
        })
        .await
    }

    fn session(&self) -> Result<Connection, DbError> {
        let conn = self.pool.get().map_err(map_oracle_error)?;
        conn.execute(SESSION_SETUP, &[]).map_err(map_oracle_error)?;
        Ok(conn)
    }

    pub(super) async fn execute(&self, stmt: Statement) -> Result<u64, DbError> {
        let pool = self.clone();
        blocking(move || {
            let conn = pool.session()?;
            let n = run(&conn, &stmt)?;
            conn.commit().map_err(map_oracle_error)?;
            Ok(n)
        })
        .await
    }

    pub(super) async fn fetch(&self, query: Query) -> Result<Vec<Row>, DbError> {
        let pool = self.clone();
        blocking(move || fetch_all(&pool.session()?, &query)).await
    }

    pub(super) async fn begin(&self) -> Result<OracleTx, DbError> {
        let pool = self.clone();
        let conn = blocking(move || pool.session()).await?;
        Ok(OracleTx {
            conn: Arc::new(Mutex::new(conn)),
        })
    }
}

/// A transaction: one pooled session, with autocommit off (the crate's default).
#[derive(Clone)]
pub(super) struct OracleTx {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for OracleTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OracleTx")
    }
}

impl OracleTx {
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let conn = Arc::clone(&self.conn);
        blocking(move || {
            let conn = conn
                .lock()
                .map_err(|_| DbError::Query("Oracle session poisoned".into()))?;
            f(&conn)
        })
        .await
    }

    pub(super) async fn execute(&self, stmt: Statement) -> Result<u64, DbError> {
        self.with(move |c| run(c, &stmt)).await
    }

    pub(super) async fn fetch(&self, query: Query) -> Result<Vec<Row>, DbError> {
        self.with(move |c| fetch_all(c, &query)).await
    }

    /// Array-binds the rows into one INSERT: Oracle's fast path.
    pub(super) async fn bulk_insert(
        &self,
        sql: String,
        rows: Vec<Vec<Value>>,
    ) -> Result<(), DbError> {
        self.with(move |c| {
            let size = u32::try_from(rows.len().clamp(1, 10_000)).unwrap_or(10_000);
            let mut batch = c
                .batch(&sql, size as usize)
                .build()
                .map_err(map_oracle_error)?;
            for row in &rows {
                let params: Vec<Box<dyn ToSql + Send>> = row.iter().map(to_sql).collect();
                let refs: Vec<&dyn ToSql> =
                    params.iter().map(|p| p.as_ref() as &dyn ToSql).collect();
                batch.append_row(&refs).map_err(map_oracle_error)?;
            }
            batch.execute().map_err(map_oracle_error)
        })
        .await
    }

    pub(super) async fn commit(self) -> Result<(), DbError> {
        self.with(|c| c.commit().map_err(map_oracle_error)).await
    }

    pub(super) async fn rollback(self) -> Result<(), DbError> {
        self.with(|c| c.rollback().map_err(map_oracle_error)).await
    }
}

fn to_sql(value: &Value) -> Box<dyn ToSql + Send> {
    match value {
        Value::Null(Kind::Bool | Kind::Int) => Box::new(None::<i64>),
        Value::Null(Kind::Decimal | Kind::Text) => Box::new(None::<String>),
        Value::Null(Kind::Date) => Box::new(None::<NaiveDate>),
        Value::Null(Kind::Timestamp) => Box::new(None::<DateTime<Utc>>),
        Value::Bool(b) => Box::new(i64::from(*b)),
        Value::Int(i) => Box::new(*i),
        Value::Decimal(d) => Box::new(d.to_string()),
        Value::Text(s) => Box::new(s.clone()),
        Value::Date(d) => Box::new(*d),
        Value::Timestamp(t) => Box::new(*t),
    }
}

fn run(conn: &Connection, stmt: &Statement) -> Result<u64, DbError> {
    let params: Vec<Box<dyn ToSql + Send>> = stmt.params.iter().map(to_sql).collect();
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref() as &dyn ToSql).collect();
    let done = conn.execute(&stmt.sql, &refs).map_err(map_oracle_error)?;
    done.row_count().map_err(map_oracle_error)
}

fn fetch_all(conn: &Connection, query: &Query) -> Result<Vec<Row>, DbError> {
    let params: Vec<Box<dyn ToSql + Send>> = query.params.iter().map(to_sql).collect();
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref() as &dyn ToSql).collect();
    let rows = conn.query(&query.sql, &refs).map_err(map_oracle_error)?;
    let mut out = Vec::new();
    for row in rows {
        let row = row.map_err(map_oracle_error)?;
        let mut values = Vec::with_capacity(query.kinds.len());
        for (i, kind) in query.kinds.iter().enumerate() {
            values.push(decode(&row, i, *kind, &query.columns[i])?);
        }
        out.push(Row::new(Arc::clone(&query.columns), values));
    }
    Ok(out)
}

fn decode(row: &oracle::Row, i: usize, kind: Kind, column: &str) -> Result<Value, DbError> {
    let null = Value::Null(kind);
    let value = match kind {
        Kind::Bool => row
            .get::<_, Option<i64>>(i)
            .map(|v| v.map_or(null, |n| Value::Bool(n != 0))),
        Kind::Int => row
            .get::<_, Option<i64>>(i)
            .map(|v| v.map_or(null, Value::Int)),
        Kind::Text => row
            .get::<_, Option<String>>(i)
            .map(|v| v.map_or(null, Value::Text)),
        Kind::Date => row
            .get::<_, Option<NaiveDate>>(i)
            .map(|v| v.map_or(null, Value::Date)),
        Kind::Timestamp => row
            .get::<_, Option<DateTime<Utc>>>(i)
            .map(|v| v.map_or(null, Value::Timestamp)),
        Kind::Decimal => {
            let text = row.get::<_, Option<String>>(i).map_err(map_oracle_error)?;
            return match text {
                None => Ok(null),
                Some(s) => Decimal::from_str(&s)
                    .or_else(|_| Decimal::from_scientific(&s))
                    .map(Value::Decimal)
                    .map_err(|e| DbError::Decode(format!("column {column}: {s:?}: {e}"))),
            };
        }
    };
    value.map_err(map_oracle_error)
}
