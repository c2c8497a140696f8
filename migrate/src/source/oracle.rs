//! Live Oracle source (`oracle` crate): the legacy supplier database read in one
//! read-only transaction, so that every table comes from the same snapshot, row by
//! row in ROWID order so that a run resumes after the last row it committed.
//!
//! Not exercised on the build machines (no Oracle there): tested when
//! `BASCULE_TEST_ORACLE_SOURCE_URL` is set.

use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use oracle::sql_type::OracleType;
use oracle::{Connection, ResultSet, Row};
use rust_decimal::Decimal;

use super::{
    Cell, ColumnInfo, Position, ReadOptions, Source, SourceError, SourceKind, SourceRecord,
    TableInfo, TableReader,
};

/// Schemas Oracle maintains itself, never legacy data.
const USER_SCHEMAS: &str = "SELECT username FROM all_users WHERE oracle_maintained = 'N'";

pub struct OracleSource {
    name: String,
    conn: Connection,
}

impl std::fmt::Debug for OracleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OracleSource")
            .field("name", &self.name)
            .finish()
    }
}

impl OracleSource {
    /// Connects with `oracle://USER:PASSWORD@HOST:PORT/SERVICE` and opens the snapshot.
    pub fn connect(url: &str) -> Result<OracleSource, SourceError> {
        let target =
            bascule_platform::db::Target::parse(url).map_err(|e| SourceError::Database {
                source_name: "oracle source".into(),
                message: e.to_string(),
            })?;
        let name = target.redacted();
        let bascule_platform::db::Target::Oracle {
            user,
            password,
            connect,
        } = target
        else {
            return Err(SourceError::Database {
                source_name: name,
                message: "not an oracle:// URL".into(),
            });
        };
        let db_error = |e: oracle::Error| {
            let message = if e.dpi_code() == Some(1047) {
                "the Oracle client library (libclntsh.so) was not found: install Oracle Instant Client and put it in LD_LIBRARY_PATH".to_owned()
            } else {
                e.to_string()
            };
            SourceError::Database {
                source_name: name.clone(),
                message,
            }
        };
        let conn = Connection::connect(&user, &password, &connect).map_err(db_error)?;
        conn.execute(
            "ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,' TIME_ZONE = 'UTC'",
            &[],
        )
        .map_err(db_error)?;
        conn.execute("SET TRANSACTION READ ONLY", &[])
            .map_err(db_error)?;
        Ok(OracleSource { name, conn })
    }

    fn error(&self, e: oracle::Error) -> SourceError {
        SourceError::Database {
            source_name: self.name.clone(),
            message: e.to_string(),
        }
    }

    fn columns(&self, owner: &str, table: &str) -> Result<Vec<ColumnInfo>, SourceError> {
        let rows = self
            .conn
            .query(
                "SELECT column_name, data_type, data_precision, data_scale, data_length FROM all_tab_columns \
                 WHERE owner = :1 AND table_name = :2 ORDER BY column_id",
                &[&owner, &table],
            )
            .map_err(|e| self.error(e))?;
        let mut out = Vec::new();
        for row in rows {
            let row = row.map_err(|e| self.error(e))?;
            let name: String = row.get(0).map_err(|e| self.error(e))?;
            let ty: String = row.get(1).map_err(|e| self.error(e))?;
            let precision: Option<i64> = row.get(2).map_err(|e| self.error(e))?;
            let scale: Option<i64> = row.get(3).map_err(|e| self.error(e))?;
            let length: Option<i64> = row.get(4).map_err(|e| self.error(e))?;
            let declared = match (ty.as_str(), precision, scale, length) {
                ("NUMBER", Some(p), Some(s), _) => format!("NUMBER({p},{s})"),
                ("VARCHAR2" | "CHAR" | "NVARCHAR2" | "NCHAR", _, _, Some(l)) => {
                    format!("{ty}({l})")
                }
                _ => ty,
            };
            out.push(ColumnInfo {
                name,
                declared_type: Some(declared),
            });
        }
        Ok(out)
    }

    /// `OWNER.TABLE` from a name given as `TABLE` (the connected user's) or `OWNER.TABLE`.
    fn qualify(&self, table: &str) -> (String, String) {
        match table.split_once('.') {
            Some((o, t)) => (
                o.trim_matches('"').to_owned(),
                t.trim_matches('"').to_owned(),
            ),
            None => (String::new(), table.trim_matches('"').to_owned()),
        }
    }
}

impl Source for OracleSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Oracle
    }

    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError> {
        let sql = format!(
            "SELECT owner, table_name, num_rows FROM all_tables WHERE owner IN ({USER_SCHEMAS}) ORDER BY owner, table_name"
        );
        let rows = self.conn.query(&sql, &[]).map_err(|e| self.error(e))?;
        let mut names = Vec::new();
        for row in rows {
            let row = row.map_err(|e| self.error(e))?;
            let owner: String = row.get(0).map_err(|e| self.error(e))?;
            let table: String = row.get(1).map_err(|e| self.error(e))?;
            names.push((owner, table));
        }
        names
            .into_iter()
            .map(|(owner, table)| {
                Ok(TableInfo {
                    columns: self.columns(&owner, &table)?,
                    name: format!("{owner}.{table}"),
                    row_count: None,
                    hidden: false,
                })
            })
            .collect()
    }

    fn read<'a>(
        &'a mut self,
        table: &str,
        _options: &ReadOptions,
        resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError> {
        let (mut owner, name) = self.qualify(table);
        if owner.is_empty() {
            let row = self
                .conn
                .query_row("SELECT USER FROM dual", &[])
                .map_err(|e| self.error(e))?;
            owner = row.get(0).map_err(|e| self.error(e))?;
        }
        let columns = self.columns(&owner, &name)?;
        if columns.is_empty() {
            let available = self
                .tables()?
                .into_iter()
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(SourceError::TableNotFound {
                source_name: self.name.clone(),
                table: table.to_owned(),
                available,
            });
        }
        let (after, ordinal) = match resume {
            None => (None, 0),
            Some(p) => {
                let (rowid, ordinal) =
                    p.0.rsplit_once(' ')
                        .ok_or_else(|| SourceError::BadPosition {
                            source_name: self.name.clone(),
                            table: table.to_owned(),
                            position: p.0.clone(),
                        })?;
                let ordinal = u64::from_str(ordinal).map_err(|_| SourceError::BadPosition {
                    source_name: self.name.clone(),
                    table: table.to_owned(),
                    position: p.0.clone(),
                })?;
                (Some(rowid.to_owned()), ordinal)
            }
        };
        let list = columns
            .iter()
            .map(|c| format!("\"{}\"", c.name.replace('"', "")))
            .collect::<Vec<_>>()
            .join(", ");
        let from = format!(
            "\"{}\".\"{}\"",
            owner.replace('"', ""),
            name.replace('"', "")
        );
        let rows = match &after {
            None => self.conn.query(&format!("SELECT ROWIDTOCHAR(ROWID), {list} FROM {from} ORDER BY ROWID"), &[]),
            Some(r) => self.conn.query(
                &format!("SELECT ROWIDTOCHAR(ROWID), {list} FROM {from} WHERE ROWID > CHARTOROWID(:1) ORDER BY ROWID"),
                &[r],
            ),
        }
        .map_err(|e| self.error(e))?;
        Ok(Box::new(OracleReader {
            source: self.name.clone(),
            table: table.to_owned(),
            columns,
            rows,
            last: after,
            ordinal,
        }))
    }
}

struct OracleReader {
    source: String,
    table: String,
    columns: Vec<ColumnInfo>,
    rows: ResultSet<'static, Row>,
    last: Option<String>,
    ordinal: u64,
}

impl TableReader for OracleReader {
    fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }

    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        let Some(row) = self.rows.next() else {
            return Ok(None);
        };
        let error = |e: oracle::Error| SourceError::Database {
            source_name: self.source.clone(),
            message: format!("{}: {e}", self.table),
        };
        let row = row.map_err(error)?;
        let rowid: String = row.get(0).map_err(error)?;
        let mut cells = Vec::with_capacity(self.columns.len());
        for i in 1..=self.columns.len() {
            let ty = row.column_info()[i].oracle_type().clone();
            cells.push(cell(&row, i, &ty).map_err(error)?);
        }
        self.ordinal += 1;
        self.last = Some(rowid.clone());
        Ok(Some(SourceRecord {
            defect: None,
            ordinal: self.ordinal,
            locator: format!("row {} (ROWID {rowid})", self.ordinal),
            cells,
        }))
    }

    fn position(&self) -> Position {
        Position(format!(
            "{} {}",
            self.last.clone().unwrap_or_default(),
            self.ordinal
        ))
    }
}

fn cell(row: &Row, i: usize, ty: &OracleType) -> Result<Cell, oracle::Error> {
    Ok(match ty {
        OracleType::Number(_, _)
        | OracleType::Float(_)
        | OracleType::BinaryDouble
        | OracleType::BinaryFloat => match row.get::<_, Option<String>>(i)? {
            None => Cell::Null,
            Some(s) => Decimal::from_str(&s)
                .or_else(|_| Decimal::from_scientific(&s))
                .map_or(Cell::Text(s), Cell::Decimal),
        },
        OracleType::Date | OracleType::Timestamp(_) => row
            .get::<_, Option<NaiveDateTime>>(i)?
            .map_or(Cell::Null, Cell::DateTime),
        OracleType::TimestampTZ(_) | OracleType::TimestampLTZ(_) => row
            .get::<_, Option<DateTime<Utc>>>(i)?
            .map_or(Cell::Null, Cell::Timestamp),
        OracleType::Raw(_) | OracleType::BLOB | OracleType::LongRaw => row
            .get::<_, Option<Vec<u8>>>(i)?
            .map_or(Cell::Null, Cell::Bytes),
        _ => row
            .get::<_, Option<String>>(i)?
            .map_or(Cell::Null, Cell::Text),
    })
}
