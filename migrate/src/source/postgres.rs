//! Live PostgreSQL source, read through sqlx in one consistent snapshot.
//!
//! [`PostgresSource::connect`] opens one connection and, on it, a `REPEATABLE READ READ ONLY`
//! transaction whose snapshot is taken at once and kept for the source's lifetime: every table
//! is read as it was when the source connected, whatever other sessions write meanwhile (the
//! snapshot holds back vacuum on the legacy server for that time). Tables are the ordinary
//! tables of every user schema, named `schema.table` (`GESCOM.FOURNISSEUR`), with their
//! `format_type` types; row counts are not given (`reltuples` is only an estimate).
//!
//! Rows are streamed in batches of 5,000 with keyset pagination on the primary key (locator
//! `ID_BC=12, NUM_LIGNE=3`; position = last key values as text). A table without primary key
//! is paged by `ctid` (locator `ctid=(0,5)`), which is exact within the snapshot but only
//! resumes exactly in a later run if the table was not modified in between. Every column is
//! selected as text (its type's output function, as COPY writes it) and converted by declared
//! type exactly as the dump sources do. Needs PostgreSQL 9.6 or later.
//!
//! The [`Source`] trait is synchronous: the source keeps the Tokio runtime handle of
//! `connect` and blocks on it, so it must be used from a blocking thread
//! (`tokio::task::spawn_blocking`), never from async code. The password never appears in
//! names or messages.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::{Deserialize, Serialize};
use sqlx::{Connection, PgConnection, Row};
use tokio::runtime::Handle;

use super::pgdump_plain::convert::{ColumnType, cell_from_text};
use super::pgdump_plain::names::{self, quote_ident, redact, scrub};
use super::{
    ColumnInfo, Position, ReadOptions, Source, SourceError, SourceKind, SourceRecord, TableInfo,
    TableReader,
};

const BATCH: usize = 5_000;
const NOT_ASYNC: &str =
    "the PostgreSQL source blocks: use it from a blocking thread (spawn_blocking), not async code";

/// Session settings that make text output match pg_dump's, then the snapshot.
const SETUP: &str = "SET idle_in_transaction_session_timeout = 0; SET statement_timeout = 0; \
    SET datestyle = 'ISO, YMD'; SET intervalstyle = 'postgres'; SET extra_float_digits = 3; \
    SET bytea_output = 'hex'; \
    BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SELECT 1";

/// A live PostgreSQL database.
#[derive(Debug)]
pub struct PostgresSource {
    name: String,
    secrets: Vec<String>,
    handle: Handle,
    conn: PgConnection,
    tables: Option<Vec<LiveTable>>,
}

#[derive(Debug, Clone)]
struct LiveTable {
    schema: String,
    name: String,
    columns: Vec<ColumnInfo>,
    /// `CAST($n AS …)` completions that turn a key value back into the column's type and
    /// collation: `integer)`, `text) COLLATE "C"`…
    key_casts: Vec<String>,
    /// Primary key columns (indexes in `columns`); empty: paged by ctid.
    key: Vec<usize>,
}

impl PostgresSource {
    /// Connects and opens the snapshot all reads will share.
    pub async fn connect(url: &str) -> Result<PostgresSource, SourceError> {
        let (name, secrets) = redact(url);
        let fail = |message: String| SourceError::Database {
            source_name: name.clone(),
            message,
        };
        let handle = Handle::try_current().map_err(|e| fail(e.to_string()))?;
        let mut conn = PgConnection::connect(url)
            .await
            .map_err(|e| fail(scrub(&e.to_string(), &secrets)))?;
        sqlx::raw_sql(SETUP)
            .execute(&mut conn)
            .await
            .map_err(|e| fail(scrub(&e.to_string(), &secrets)))?;
        Ok(PostgresSource {
            name,
            secrets,
            handle,
            conn,
            tables: None,
        })
    }

    /// Runs `f` on the connection, blocking this (blocking) thread.
    fn run<'c, T, F, Fut>(&'c mut self, f: F) -> Result<T, SourceError>
    where
        F: FnOnce(&'c mut PgConnection) -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>> + 'c,
    {
        let handle = self.handle.clone();
        let (name, secrets) = (self.name.clone(), self.secrets.clone());
        let future = f(&mut self.conn);
        match catch_unwind(AssertUnwindSafe(|| handle.block_on(future))) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                let message = scrub(&e.to_string(), &secrets);
                Err(SourceError::Database {
                    source_name: name,
                    message,
                })
            }
            Err(_) => {
                let message = NOT_ASYNC.to_owned();
                Err(SourceError::Database {
                    source_name: name,
                    message,
                })
            }
        }
    }

    fn load_tables(&mut self) -> Result<&[LiveTable], SourceError> {
        if self.tables.is_none() {
            let rows = self.run(|conn| sqlx::query_as::<_, CatalogRow>(CATALOG).fetch_all(conn))?;
            let mut tables: Vec<LiveTable> = Vec::new();
            let mut ranks: Vec<Vec<(i32, usize)>> = Vec::new();
            let mut by_oid: HashMap<i64, usize> = HashMap::new();
            for (oid, schema, table, column, declared, key_cast, rank) in rows {
                let index = *by_oid.entry(oid).or_insert_with(|| {
                    let empty = LiveTable {
                        schema,
                        name: table,
                        columns: vec![],
                        key_casts: vec![],
                        key: vec![],
                    };
                    tables.push(empty);
                    ranks.push(Vec::new());
                    tables.len() - 1
                });
                let t = &mut tables[index];
                if let Some(rank) = rank {
                    ranks[index].push((rank, t.columns.len()));
                }
                t.columns.push(ColumnInfo {
                    name: column,
                    declared_type: Some(declared),
                });
                t.key_casts.push(key_cast);
            }
            for (t, mut key) in tables.iter_mut().zip(ranks) {
                key.sort_unstable();
                t.key = key.into_iter().map(|(_, column)| column).collect();
            }
            self.tables = Some(tables);
        }
        Ok(self.tables.as_deref().unwrap_or_default())
    }
}

/// Table oid, schema, table, column, `format_type`, the completion of a cast of a key value
/// (type without modifiers and collation), rank of the column in the primary key.
type CatalogRow = (i64, String, String, String, String, String, Option<i32>);

/// Columns of the ordinary tables of user schemas (not of extensions' tables).
const CATALOG: &str = "SELECT c.oid::int8, n.nspname::text, c.relname::text, a.attname::text, \
    pg_catalog.format_type(a.atttypid, a.atttypmod), \
    pg_catalog.format_type(a.atttypid, NULL) || ')' \
    || COALESCE(' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname), ''), \
    array_position(pk.conkey, a.attnum)::int4 \
    FROM pg_catalog.pg_class c \
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
    LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation \
    LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace \
    LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p' \
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' \
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d \
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') \
    ORDER BY n.nspname, c.relname, a.attnum";

impl Source for PostgresSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Postgres
    }

    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError> {
        Ok(self
            .load_tables()?
            .iter()
            .map(|t| TableInfo {
                name: format!("{}.{}", t.schema, t.name),
                columns: t.columns.clone(),
                row_count: None,
                hidden: false,
            })
            .collect())
    }

    fn read<'a>(
        &'a mut self,
        table: &str,
        _options: &ReadOptions,
        resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError> {
        let tables = self.load_tables()?;
        let keys: Vec<(&str, &str)> = tables
            .iter()
            .map(|t| (t.schema.as_str(), t.name.as_str()))
            .collect();
        let Some(found) = names::resolve(&keys, table) else {
            let available = names::available(&keys);
            return Err(SourceError::TableNotFound {
                source_name: self.name.clone(),
                table: table.to_owned(),
                available,
            });
        };
        let table = tables[found].clone();
        let qualified = format!("{}.{}", table.schema, table.name);
        let mut reader = LiveReader {
            sql: select_sql(&table),
            types: table
                .columns
                .iter()
                .map(|c| ColumnType::of(c.declared_type.as_deref()))
                .collect(),
            table,
            qualified,
            source: self,
            batch: VecDeque::new(),
            done: false,
            position: LivePosition::default(),
        };
        if let Some(position) = resume {
            let bad = || SourceError::BadPosition {
                source_name: reader.source.name.clone(),
                table: reader.qualified.clone(),
                position: position.0.clone(),
            };
            let p: LivePosition = serde_json::from_str(&position.0).map_err(|_| bad())?;
            let width = if reader.table.key.is_empty() {
                1
            } else {
                reader.table.key.len()
            };
            if p.key.as_ref().is_some_and(|k| k.len() != width)
                || p.ctid != reader.table.key.is_empty()
            {
                return Err(bad());
            }
            reader.position = p;
        }
        Ok(Box::new(reader))
    }
}

/// `SELECT col::text, … [, ctid::text] FROM t WHERE (key) > ($1, …) ORDER BY key LIMIT n`.
/// Columns are qualified: a bare `ORDER BY id` would sort by the text output column `id`.
/// Values go through their type's output function, as in COPY (`::text` would trim
/// `character(n)` and spell booleans `true`); `num_nulls` keeps NULL apart from a row of NULLs.
fn select_sql(table: &LiveTable) -> (String, String) {
    let column = |name: &str| format!("src.{}", quote_ident(name));
    let mut columns: Vec<String> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let c = column(&c.name);
            format!("CASE WHEN num_nulls({c}) = 1 THEN NULL ELSE format('%s', {c}) END AS c{i}")
        })
        .collect();
    let (order, params) = if table.key.is_empty() {
        columns.push("CAST(src.ctid AS text) AS ctid_text".into());
        ("src.ctid".to_owned(), "CAST($1 AS tid)".to_owned())
    } else {
        let order: Vec<String> = table
            .key
            .iter()
            .map(|&k| column(&table.columns[k].name))
            .collect();
        let params: Vec<String> = table
            .key
            .iter()
            .enumerate()
            .map(|(i, &k)| format!("CAST(${} AS {}", i + 1, table.key_casts[k]))
            .collect();
        (order.join(", "), params.join(", "))
    };
    let from = format!(
        "{}.{} AS src",
        quote_ident(&table.schema),
        quote_ident(&table.name)
    );
    let head = format!("SELECT {} FROM {from}", columns.join(", "));
    (
        format!("{head} ORDER BY {order} LIMIT {BATCH}"),
        format!("{head} WHERE ({order}) > ({params}) ORDER BY {order} LIMIT {BATCH}"),
    )
}

/// The last key returned (primary key values or ctid, as text) and the records returned.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct LivePosition {
    key: Option<Vec<String>>,
    ctid: bool,
    ordinal: u64,
}

struct LiveReader<'a> {
    source: &'a mut PostgresSource,
    table: LiveTable,
    qualified: String,
    types: Vec<ColumnType>,
    /// The first batch's query and the next ones'.
    sql: (String, String),
    batch: VecDeque<Vec<Option<String>>>,
    done: bool,
    position: LivePosition,
}

impl LiveReader<'_> {
    fn fetch(&mut self) -> Result<(), SourceError> {
        let key = self.position.key.clone();
        let sql = if key.is_some() {
            self.sql.1.clone()
        } else {
            self.sql.0.clone()
        };
        let width = self.table.columns.len() + usize::from(self.table.key.is_empty());
        let rows = self.source.run(move |conn| async move {
            let mut query = sqlx::query(&sql);
            for value in key.unwrap_or_default() {
                query = query.bind(value);
            }
            let rows = query.fetch_all(conn).await?;
            rows.iter()
                .map(|row| {
                    (0..width)
                        .map(|i| row.try_get::<Option<String>, _>(i))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
        })?;
        self.done = rows.len() < BATCH;
        self.batch = rows.into();
        Ok(())
    }
}

impl TableReader for LiveReader<'_> {
    fn columns(&self) -> &[ColumnInfo] {
        &self.table.columns
    }

    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        if self.batch.is_empty() {
            if self.done {
                return Ok(None);
            }
            self.fetch()?;
        }
        let Some(mut values) = self.batch.pop_front() else {
            return Ok(None);
        };
        let (key, locator) = if self.table.key.is_empty() {
            let ctid = values.pop().flatten().unwrap_or_default();
            (vec![ctid.clone()], format!("ctid={ctid}"))
        } else {
            let key: Vec<String> = self
                .table
                .key
                .iter()
                .map(|&k| values[k].clone().unwrap_or_default())
                .collect();
            let named: Vec<String> = self
                .table
                .key
                .iter()
                .zip(&key)
                .map(|(&k, v)| format!("{}={v}", self.table.columns[k].name))
                .collect();
            (key, named.join(", "))
        };
        let cells = values
            .iter()
            .zip(&self.types)
            .map(|(value, ty)| {
                value
                    .as_deref()
                    .map_or(super::Cell::Null, |raw| cell_from_text(raw, ty))
            })
            .collect();
        self.position.ordinal += 1;
        self.position.ctid = self.table.key.is_empty();
        self.position.key = Some(key);
        Ok(Some(SourceRecord {
            defect: None,
            ordinal: self.position.ordinal,
            locator,
            cells,
        }))
    }

    fn position(&self) -> Position {
        let mut position = self.position.clone();
        position.ctid = self.table.key.is_empty();
        Position(serde_json::to_string(&position).unwrap_or_default())
    }
}
