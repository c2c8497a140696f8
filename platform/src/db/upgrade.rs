//! Creates and upgrades the versioned schemas, and reports where each one stands.

use chrono::Utc;
use serde::Serialize;

use super::schema::{SchemaChange, SchemaDef, SchemaName};
use super::{Db, DbError, Dialect, Exec, Kind, SqlBuilder, Statement, Value, version_table};

/// Where one schema stands against what this build of bascule knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaStatus {
    pub schema: &'static str,
    /// The name the database knows it by (PostgreSQL schema, SQLite file, Oracle user).
    pub database_name: String,
    /// `None` when the schema was never created.
    pub version: Option<i64>,
    pub latest: i64,
    pub state: SchemaState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaState {
    Absent,
    Outdated,
    UpToDate,
    /// Written by a newer bascule than this one.
    Newer,
}

/// The DDL statements of one version, for the dialect.
pub fn render_changes(
    dialect: Dialect,
    schema: SchemaName,
    changes: &[SchemaChange],
) -> Vec<String> {
    changes
        .iter()
        .map(|c| match c {
            SchemaChange::CreateTable(t) => dialect.create_table(schema, t),
            SchemaChange::CreateIndex(i) => dialect.create_index(schema, i),
            SchemaChange::AddColumn { table, column } => dialect.add_column(schema, table, column),
        })
        .collect()
}

async fn current_version(e: &mut impl Exec, schema: SchemaName) -> Result<Option<i64>, DbError> {
    let dialect = e.dialect();
    let exists = e
        .fetch_optional(dialect.table_exists(schema, "schema_version"))
        .await?;
    let exists = match exists {
        Some(mut row) => row.get::<i64>("n")? > 0,
        None => false,
    };
    if !exists {
        return Ok(None);
    }
    let mut b = SqlBuilder::new(dialect);
    b.push(&format!(
        "SELECT MAX(version) AS v FROM {}",
        dialect.table(schema, "schema_version")
    ));
    let row = e.fetch_optional(b.query(&[("v", Kind::Int)])).await?;
    match row {
        Some(mut row) => Ok(Some(row.get::<Option<i64>>("v")?.unwrap_or(0))),
        None => Ok(Some(0)),
    }
}

pub async fn status(db: &Db, schemas: &[SchemaDef]) -> Result<Vec<SchemaStatus>, DbError> {
    let mut e = db.clone();
    let mut out = Vec::new();
    for def in schemas {
        let version = current_version(&mut e, def.name).await?;
        let latest = def.latest_version();
        let state = match version {
            None => SchemaState::Absent,
            Some(v) if v < latest => SchemaState::Outdated,
            Some(v) if v > latest => SchemaState::Newer,
            Some(_) => SchemaState::UpToDate,
        };
        out.push(SchemaStatus {
            schema: def.name.as_str(),
            database_name: e.dialect().schema(def.name),
            version,
            latest,
            state,
        });
    }
    Ok(out)
}

/// What an upgrade did to one schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upgraded {
    pub schema: &'static str,
    pub from: i64,
    pub to: i64,
}

/// Brings every schema to its latest version; running it again changes nothing.
pub async fn upgrade(db: &Db, schemas: &[SchemaDef]) -> Result<Vec<Upgraded>, DbError> {
    let dialect = db.target().dialect();
    let mut out = Vec::new();
    for def in schemas {
        let mut e = db.clone();
        if let Some(sql) = dialect.create_schema(def.name) {
            e.execute(Statement::new(sql, Vec::new())).await?;
        }
        let version_ddl = dialect.create_table(def.name, &version_table());
        e.execute(Statement::new(version_ddl, Vec::new())).await?;

        let mut tx = db.begin().await?;
        if let Some(lock) = dialect.upgrade_lock(def.name) {
            tx.execute(lock).await?;
        }
        let from = current_version(&mut tx, def.name).await?.unwrap_or(0);
        let latest = def.latest_version();
        if from > latest {
            return Err(DbError::SchemaTooNew {
                schema: def.name.as_str().into(),
                found: from,
                known: latest,
            });
        }
        for version in def.versions.iter().filter(|v| v.number > from) {
            for sql in render_changes(dialect, def.name, &version.changes) {
                tx.execute(Statement::new(sql, Vec::new())).await?;
            }
            let mut b = SqlBuilder::new(dialect);
            b.push(&format!(
                "INSERT INTO {} (version, description, applied_at) VALUES (",
                dialect.table(def.name, "schema_version")
            ));
            b.bind(version.number)
                .push(", ")
                .bind(version.description)
                .push(", ");
            b.bind(Value::Timestamp(Utc::now())).push(")");
            tx.execute(b.statement()).await?;
            tracing::debug!(
                schema = def.name.as_str(),
                version = version.number,
                "schema upgraded"
            );
        }
        tx.commit().await?;
        out.push(Upgraded {
            schema: def.name.as_str(),
            from,
            to: latest.max(from),
        });
    }
    Ok(out)
}

/// Refuses to serve a database whose schemas are not exactly at this build's versions.
pub async fn ensure_current(db: &Db, schemas: &[SchemaDef]) -> Result<(), DbError> {
    for s in status(db, schemas).await? {
        let found = s.version.unwrap_or(0);
        match s.state {
            SchemaState::UpToDate => {}
            SchemaState::Newer => {
                return Err(DbError::SchemaTooNew {
                    schema: s.schema.into(),
                    found,
                    known: s.latest,
                });
            }
            SchemaState::Absent | SchemaState::Outdated => {
                return Err(DbError::SchemaOutdated {
                    schema: s.schema.into(),
                    found,
                    expected: s.latest,
                });
            }
        }
    }
    Ok(())
}
