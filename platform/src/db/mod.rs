//! Target database access written once for SQLite, PostgreSQL and Oracle.
//!
//! Repositories build [`Statement`]s and [`Query`]s with the [`Dialect`] of the
//! connection and run them through [`Exec`], implemented by the pool ([`Db`]) and by a
//! transaction ([`Tx`]). No driver type leaves this module.

mod bulk;
mod dialect;
mod error;
mod oracle;
mod page;
mod postgres;
pub mod purge;
pub mod record;
pub mod schema;
pub mod search;
mod sqlite;
mod statement;
mod target;
pub mod upgrade;
mod value;

use std::future::Future;

pub use dialect::{Dialect, version_table};
pub use error::DbError;
pub use statement::{Query, SqlBuilder, Statement};
pub use target::Target;
pub use value::{FromValue, HasKind, Kind, Row, Value};

use self::oracle::{OraclePool, OracleTx};

/// Runs statements: the pool (each statement on its own) or a transaction.
pub trait Exec: Send {
    fn dialect(&self) -> Dialect;

    /// Runs a statement and returns the number of rows it touched.
    fn execute(&mut self, stmt: Statement) -> impl Future<Output = Result<u64, DbError>> + Send;

    fn fetch(&mut self, query: Query) -> impl Future<Output = Result<Vec<Row>, DbError>> + Send;

    fn fetch_optional(
        &mut self,
        query: Query,
    ) -> impl Future<Output = Result<Option<Row>, DbError>> + Send {
        async move { Ok(self.fetch(query).await?.into_iter().next()) }
    }

    /// Inserts many rows at once: multi-row INSERTs here; a transaction uses each
    /// engine's fast path instead (COPY for PostgreSQL, array binds for Oracle).
    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Value>>,
    ) -> impl Future<Output = Result<(), DbError>> + Send {
        let table = table.to_owned();
        let names: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
        async move { bulk::multi_row_insert(self, &table, &names, rows).await }
    }
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlx::SqlitePool),
    Postgres(postgres::PgPools),
    Oracle(OraclePool),
}

/// A pool of connections to the target database.
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    target: Target,
}

impl Db {
    /// Connects to the target; the embedded SQLite directory is created when missing.
    pub async fn connect(target: &Target) -> Result<Db, DbError> {
        let backend = match target {
            Target::Sqlite { dir } => Backend::Sqlite(sqlite::connect(dir).await?),
            Target::Postgres { url } => {
                Backend::Postgres(postgres::connect(url, &target.redacted()).await?)
            }
            Target::Oracle {
                user,
                password,
                connect,
            } => Backend::Oracle(
                OraclePool::connect(
                    user.clone(),
                    password.clone(),
                    connect.clone(),
                    target.redacted(),
                )
                .await?,
            ),
        };
        Ok(Db {
            backend,
            target: target.clone(),
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub async fn begin(&self) -> Result<Tx, DbError> {
        let inner = match &self.backend {
            // IMMEDIATE takes the write lock up front: a deferred transaction that reads
            // then writes can deadlock with another writer, and SQLite then fails at once
            // instead of waiting.
            Backend::Sqlite(p) => TxInner::Sqlite(sqlite::begin(p).await?),
            Backend::Postgres(p) => {
                TxInner::Postgres(p.transactions.begin().await.map_err(map_sqlx_error)?)
            }
            Backend::Oracle(p) => TxInner::Oracle(p.begin().await?),
        };
        Ok(Tx {
            inner,
            dialect: self.dialect(),
        })
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(p) => p.close().await,
            Backend::Postgres(p) => p.close().await,
            Backend::Oracle(_) => {}
        }
    }
}

impl Exec for Db {
    fn dialect(&self) -> Dialect {
        self.target.dialect()
    }

    async fn execute(&mut self, stmt: Statement) -> Result<u64, DbError> {
        match &self.backend {
            Backend::Sqlite(p) => sqlite::execute(p, stmt).await,
            Backend::Postgres(p) => postgres::execute(&p.statements, stmt).await,
            Backend::Oracle(p) => p.execute(stmt).await,
        }
    }

    async fn fetch(&mut self, query: Query) -> Result<Vec<Row>, DbError> {
        match &self.backend {
            Backend::Sqlite(p) => sqlite::fetch(p, query).await,
            Backend::Postgres(p) => postgres::fetch(&p.statements, query).await,
            Backend::Oracle(p) => p.fetch(query).await,
        }
    }
}

#[derive(Debug)]
enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    Oracle(OracleTx),
}

/// A transaction; dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub struct Tx {
    inner: TxInner,
    dialect: Dialect,
}

impl Tx {
    pub async fn commit(self) -> Result<(), DbError> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await.map_err(map_sqlx_error),
            TxInner::Postgres(t) => t.commit().await.map_err(map_sqlx_error),
            TxInner::Oracle(t) => t.commit().await,
        }
    }

    /// Marks a point the transaction can return to (names are plain identifiers).
    pub async fn savepoint(&mut self, name: &str) -> Result<(), DbError> {
        self.execute(Statement::new(format!("SAVEPOINT {name}"), Vec::new()))
            .await
            .map(|_| ())
    }

    /// Undoes what followed the savepoint; the transaction goes on.
    pub async fn rollback_to(&mut self, name: &str) -> Result<(), DbError> {
        self.execute(Statement::new(
            format!("ROLLBACK TO SAVEPOINT {name}"),
            Vec::new(),
        ))
        .await
        .map(|_| ())
    }

    /// Forgets a savepoint (Oracle has no such statement: its savepoints simply lapse).
    pub async fn release(&mut self, name: &str) -> Result<(), DbError> {
        if self.dialect == Dialect::Oracle {
            return Ok(());
        }
        self.execute(Statement::new(
            format!("RELEASE SAVEPOINT {name}"),
            Vec::new(),
        ))
        .await
        .map(|_| ())
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        match self.inner {
            TxInner::Sqlite(t) => t.rollback().await.map_err(map_sqlx_error),
            TxInner::Postgres(t) => t.rollback().await.map_err(map_sqlx_error),
            TxInner::Oracle(t) => t.rollback().await,
        }
    }
}

impl Tx {
    /// [`Exec::bulk_insert`] that leaves the rows with the caller, who may need them if
    /// the insert is refused. PostgreSQL's COPY only reads them; the other backends bind
    /// copies.
    pub async fn bulk_insert_ref(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<(), DbError> {
        if rows.is_empty() {
            return Ok(());
        }
        match &mut self.inner {
            TxInner::Postgres(t) => postgres::copy_in(t, table, columns, rows).await,
            _ => self.bulk_insert(table, columns, rows.to_vec()).await,
        }
    }
}

impl Exec for Tx {
    fn dialect(&self) -> Dialect {
        self.dialect
    }

    async fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Value>>,
    ) -> Result<(), DbError> {
        if rows.is_empty() {
            return Ok(());
        }
        match &mut self.inner {
            TxInner::Postgres(t) => postgres::copy_in(t, table, columns, &rows).await,
            TxInner::Oracle(t) => {
                let marks: Vec<String> = (1..=columns.len())
                    .map(|n| self.dialect.placeholder(n))
                    .collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    columns.join(", "),
                    marks.join(", ")
                );
                t.bulk_insert(sql, rows).await
            }
            TxInner::Sqlite(_) => {
                let names: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
                bulk::multi_row_insert(self, table, &names, rows).await
            }
        }
    }

    async fn execute(&mut self, stmt: Statement) -> Result<u64, DbError> {
        match &mut self.inner {
            TxInner::Sqlite(t) => sqlite::execute(&mut **t, stmt).await,
            TxInner::Postgres(t) => postgres::execute(&mut **t, stmt).await,
            TxInner::Oracle(t) => t.execute(stmt).await,
        }
    }

    async fn fetch(&mut self, query: Query) -> Result<Vec<Row>, DbError> {
        match &mut self.inner {
            TxInner::Sqlite(t) => sqlite::fetch(&mut **t, query).await,
            TxInner::Postgres(t) => postgres::fetch(&mut **t, query).await,
            TxInner::Oracle(t) => t.fetch(query).await,
        }
    }
}

fn map_sqlx_error(e: sqlx::Error) -> DbError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => DbError::Duplicate(
            db.constraint()
                .map_or_else(|| db.message().to_owned(), str::to_owned),
        ),
        sqlx::Error::RowNotFound => DbError::NotFound,
        _ => DbError::query(e),
    }
}
