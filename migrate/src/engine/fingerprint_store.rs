//! The fingerprints of a domain's legacy tables in the control schema (`legacy_source`,
//! one row per table; `legacy_record`, one per record), written in bulk in the caller's
//! transaction and replaced whole at each migration or catch-up.

use bascule_platform::db::record::now;
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{DbError, Exec, Kind, SqlBuilder, Value};

use super::control::truncate;
use super::fingerprint::{RecordDigest, TableFingerprint, hex, parse_hex};

const C: SchemaName = SchemaName::Control;
/// Rows per bulk insert: bounds the memory of one statement's parameters.
const CHUNK: usize = 20_000;

/// A table's fingerprint as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTable {
    pub source: String,
    pub table: String,
    pub location: String,
    pub rows: u64,
    pub digest: String,
    pub records: Vec<RecordDigest>,
}

async fn delete_from(e: &mut impl Exec, table: &str, domain: &str) -> Result<u64, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "DELETE FROM {} WHERE domain = ",
        e.dialect().table(C, table)
    ))
    .bind(domain);
    e.execute(b.statement()).await
}

/// Removes a domain's fingerprints; returns how many records they described.
pub async fn remove(e: &mut impl Exec, domain: &str) -> Result<u64, DbError> {
    let records = delete_from(e, "legacy_record", domain).await?;
    delete_from(e, "legacy_source", domain).await?;
    Ok(records)
}

/// Replaces a domain's fingerprints with `tables`, taken for run `run_id`.
pub async fn replace(
    e: &mut impl Exec,
    domain: &str,
    run_id: &str,
    tables: &[TableFingerprint],
) -> Result<(), DbError> {
    remove(e, domain).await?;
    let at = now();
    let sources: Vec<Vec<Value>> = tables
        .iter()
        .map(|t| {
            vec![
                domain.into(),
                t.source.as_str().into(),
                t.table.as_str().into(),
                truncate(&t.location, 500).into(),
                Value::Int(i64::try_from(t.rows).unwrap_or(i64::MAX)),
                t.digest.as_str().into(),
                t.file_sha256.clone().into(),
                t.file_size.map_or(Value::Null(Kind::Int), |s| {
                    Value::Int(i64::try_from(s).unwrap_or(i64::MAX))
                }),
                run_id.into(),
                at.into(),
            ]
        })
        .collect();
    let names = [
        "domain",
        "source",
        "source_table",
        "location",
        "row_count",
        "digest",
        "file_sha256",
        "file_size",
        "run_id",
        "taken_at",
    ];
    let t = e.dialect().table(C, "legacy_source");
    e.bulk_insert(&t, &names, sources).await?;
    let names = [
        "domain",
        "source",
        "source_table",
        "ordinal",
        "digest",
        "locator",
        "record_key",
    ];
    let t = e.dialect().table(C, "legacy_record");
    for table in tables {
        for (start, chunk) in (0..).step_by(CHUNK).zip(table.records.chunks(CHUNK)) {
            let rows = chunk
                .iter()
                .zip(start..)
                .map(|(r, i): (&RecordDigest, i64)| {
                    vec![
                        domain.into(),
                        table.source.as_str().into(),
                        table.table.as_str().into(),
                        Value::Int(i + 1),
                        hex(r.digest).into(),
                        truncate(&r.locator, 500).into(),
                        r.key.as_deref().map(|k| truncate(k, 400)).into(),
                    ]
                })
                .collect();
            e.bulk_insert(&t, &names, rows).await?;
        }
    }
    Ok(())
}

/// A domain's stored fingerprints, records in their source order.
pub async fn load(e: &mut impl Exec, domain: &str) -> Result<Vec<StoredTable>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT source, source_table, location, row_count, digest FROM {} WHERE domain = ",
        e.dialect().table(C, "legacy_source")
    ))
    .bind(domain)
    .push(" ORDER BY source, source_table");
    let mut tables = Vec::new();
    for mut row in e
        .fetch(b.query(&[
            ("source", Kind::Text),
            ("source_table", Kind::Text),
            ("location", Kind::Text),
            ("row_count", Kind::Int),
            ("digest", Kind::Text),
        ]))
        .await?
    {
        let rows: i64 = row.get("row_count")?;
        tables.push(StoredTable {
            source: row.get("source")?,
            table: row.get("source_table")?,
            location: row.get("location")?,
            rows: u64::try_from(rows).unwrap_or(0),
            digest: row.get("digest")?,
            records: Vec::new(),
        });
    }
    for table in &mut tables {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "SELECT digest, locator, record_key FROM {} WHERE domain = ",
            e.dialect().table(C, "legacy_record")
        ))
        .bind(domain)
        .push(" AND source = ")
        .bind(table.source.as_str())
        .push(" AND source_table = ")
        .bind(table.table.as_str())
        .push(" ORDER BY ordinal");
        for mut row in e
            .fetch(b.query(&[
                ("digest", Kind::Text),
                ("locator", Kind::Text),
                ("record_key", Kind::Text),
            ]))
            .await?
        {
            let text: String = row.get("digest")?;
            let digest = parse_hex(&text).ok_or_else(|| {
                DbError::Decode(format!("legacy_record: {text:?} is not a digest"))
            })?;
            table.records.push(RecordDigest {
                digest,
                locator: row.get("locator")?,
                key: row.get("record_key")?,
            });
        }
    }
    Ok(tables)
}

/// Keeps the per-table summary with the run that took the fingerprints.
pub async fn set_run_summary(e: &mut impl Exec, run_id: &str, json: &str) -> Result<(), DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "UPDATE {} SET fingerprints = ",
        e.dialect().table(C, "migration_run")
    ))
    .bind(json)
    .push(" WHERE id = ")
    .bind(run_id);
    e.execute(b.statement()).await?;
    Ok(())
}
