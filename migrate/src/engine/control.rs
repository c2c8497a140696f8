//! The engine's records in the control schema: runs, checkpoints, quarantine and the
//! key crosswalk. Each function runs inside the caller's transaction.

use std::collections::HashMap;

use bascule_platform::db::record::{new_id, now};
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{DbError, Dialect, Exec, Kind, SqlBuilder, Statement, Value};
use serde::{Serialize, de::DeserializeOwned};

use super::record::Reject;

const C: SchemaName = SchemaName::Control;

fn table(e: &impl Exec, name: &str) -> String {
    e.dialect().table(C, name)
}

/// Starts a run and returns its id.
pub async fn start_run(
    e: &mut impl Exec,
    domain: &str,
    dry_run: bool,
    user: &str,
) -> Result<String, DbError> {
    let id = new_id();
    let t = now();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "INSERT INTO {} (id, revision, created_at, updated_at, domain, status, dry_run, started_at, started_by) VALUES (",
        table(e, "migration_run")
    ));
    b.bind(id.clone())
        .push(", ")
        .bind(1_i64)
        .push(", ")
        .bind(t)
        .push(", ")
        .bind(t)
        .push(", ");
    b.bind(domain)
        .push(", ")
        .bind("RUNNING")
        .push(", ")
        .bind(dry_run)
        .push(", ")
        .bind(t)
        .push(", ")
        .bind(user)
        .push(")");
    e.execute(b.statement()).await?;
    Ok(id)
}

/// The run of `domain` that was started and never finished (killed), to resume.
pub async fn unfinished_run(e: &mut impl Exec, domain: &str) -> Result<Option<String>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT id FROM {} WHERE domain = ",
        table(e, "migration_run")
    ))
    .bind(domain);
    b.push(" AND status = ")
        .bind("RUNNING")
        .push(" AND dry_run = ")
        .bind(false);
    b.push(" ORDER BY started_at DESC");
    let row = e.fetch_optional(b.query(&[("id", Kind::Text)])).await?;
    row.map(|mut r| r.get("id")).transpose()
}

pub async fn finish_run(
    e: &mut impl Exec,
    run_id: &str,
    status: &str,
    summary: &str,
) -> Result<(), DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "UPDATE {} SET status = ",
        table(e, "migration_run")
    ))
    .bind(status);
    b.push(", finished_at = ")
        .bind(now())
        .push(", updated_at = ")
        .bind(now());
    b.push(", summary = ")
        .bind(summary)
        .push(" WHERE id = ")
        .bind(run_id);
    e.execute(b.statement()).await?;
    Ok(())
}

/// The saved state of `part` (a feed or an entity) in a run.
pub async fn load_state<T: DeserializeOwned>(
    e: &mut impl Exec,
    run_id: &str,
    part: &str,
) -> Result<Option<T>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT state FROM {} WHERE run_id = ",
        table(e, "checkpoint")
    ))
    .bind(run_id);
    b.push(" AND source = ").bind(part);
    match e.fetch_optional(b.query(&[("state", Kind::Text)])).await? {
        None => Ok(None),
        Some(mut row) => {
            let text: String = row.get("state")?;
            serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| DbError::Decode(format!("checkpoint {part}: {e}")))
        }
    }
}

/// Saves the state of `part`, in the transaction that loads the batch it describes.
pub async fn save_state<T: Serialize>(
    e: &mut impl Exec,
    run_id: &str,
    part: &str,
    state: &T,
) -> Result<(), DbError> {
    let json = serde_json::to_string(state).map_err(|e| DbError::Decode(e.to_string()))?;
    let sql = e.dialect().upsert(
        &table(e, "checkpoint"),
        &["run_id", "source", "state", "updated_at"],
        &["run_id", "source"],
    );
    e.execute(Statement::new(
        sql,
        vec![run_id.into(), part.into(), json.into(), now().into()],
    ))
    .await?;
    Ok(())
}

/// Stores refused records of one source table.
pub async fn quarantine(
    e: &mut impl Exec,
    run_id: &str,
    domain: &str,
    source: &str,
    rejects: &[Reject],
) -> Result<(), DbError> {
    let t = now();
    let rows = rejects
        .iter()
        .map(|r| {
            let raw: serde_json::Map<String, serde_json::Value> = r
                .raw
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.clone()
                            .map_or(serde_json::Value::Null, serde_json::Value::String),
                    )
                })
                .collect();
            vec![
                Value::Text(new_id()),
                Value::Int(1),
                Value::Timestamp(t),
                Value::Timestamp(t),
                run_id.into(),
                domain.into(),
                truncate(source, 500).into(),
                truncate(&r.locator, 500).into(),
                truncate(&r.rule, 100).into(),
                truncate(&r.message, 1000).into(),
                serde_json::Value::Object(raw).to_string().into(),
                "OPEN".into(),
            ]
        })
        .collect();
    let names = [
        "id",
        "revision",
        "created_at",
        "updated_at",
        "run_id",
        "domain",
        "source",
        "locator",
        "rule",
        "message",
        "raw_values",
        "status",
    ];
    let t = table(e, "quarantine");
    e.bulk_insert(&t, &names, rows).await
}

/// Cuts a text to `max` characters, marking the cut, so that a long message never fails a write.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A crosswalk entry: which new record a legacy record became, and how it was matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub new_id: String,
    pub matched_by: String,
    /// The run that recorded it.
    pub run_id: Option<String>,
}

/// The crosswalk entries of these legacy keys.
pub async fn crosswalk_get(
    e: &mut impl Exec,
    domain: &str,
    entity: &str,
    keys: &[String],
) -> Result<HashMap<String, Crossing>, DbError> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(500) {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "SELECT legacy_key, new_id, matched_by, run_id FROM {} WHERE domain = ",
            table(e, "crosswalk")
        ));
        b.bind(domain)
            .push(" AND entity = ")
            .bind(entity)
            .push(" AND legacy_key IN (");
        for (i, k) in chunk.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.bind(truncate(k, 400));
        }
        b.push(")");
        let cols = [
            ("legacy_key", Kind::Text),
            ("new_id", Kind::Text),
            ("matched_by", Kind::Text),
            ("run_id", Kind::Text),
        ];
        for mut row in e.fetch(b.query(&cols)).await? {
            let crossing = Crossing {
                new_id: row.get("new_id")?,
                matched_by: row.get("matched_by")?,
                run_id: row.get("run_id")?,
            };
            out.insert(row.get("legacy_key")?, crossing);
        }
    }
    Ok(out)
}

/// The columns of a crosswalk row, in the order [`crosswalk_row`] gives them.
pub const CROSSWALK_COLUMNS: [&str; 9] = [
    "domain",
    "entity",
    "legacy_key",
    "new_id",
    "source",
    "matched_by",
    "score",
    "run_id",
    "created_at",
];

/// One crosswalk row, with the texts cut to their columns' lengths.
#[allow(clippy::too_many_arguments)]
pub fn crosswalk_row(
    domain: &str,
    entity: &str,
    run_id: &str,
    legacy_key: &str,
    new_id: &str,
    source: &str,
    matched_by: &str,
    score: Option<rust_decimal::Decimal>,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<Value> {
    vec![
        domain.into(),
        entity.into(),
        truncate(legacy_key, 400).into(),
        new_id.into(),
        truncate(source, 500).into(),
        matched_by.into(),
        score.into(),
        run_id.into(),
        at.into(),
    ]
}

/// Records (or re-records) where legacy records went: (legacy key, new id, source,
/// matched by, score) for each.
pub async fn crosswalk_put(
    e: &mut impl Exec,
    domain: &str,
    entity: &str,
    run_id: &str,
    entries: &[(String, String, String, String, Option<f64>)],
) -> Result<(), DbError> {
    let cols = CROSSWALK_COLUMNS;
    let key = ["domain", "entity", "legacy_key"];
    let t = now();
    // One statement may not touch the same key twice: the last entry of a key wins.
    let mut by_key: HashMap<String, Vec<Value>> = HashMap::new();
    let mut order = Vec::new();
    for (legacy_key, new_id, source, matched_by, score) in entries {
        let legacy_key = truncate(legacy_key, 400);
        let score = score
            .and_then(rust_decimal::Decimal::from_f64_retain)
            .map(|d| d.round_dp(6));
        let row = crosswalk_row(
            domain,
            entity,
            run_id,
            &legacy_key,
            new_id,
            source,
            matched_by,
            score,
            t,
        );
        if by_key.insert(legacy_key.clone(), row).is_none() {
            order.push(legacy_key);
        }
    }
    let rows: Vec<Vec<Value>> = order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .collect();
    let tname = table(e, "crosswalk");
    match e.dialect() {
        Dialect::Oracle => {
            let sql = e.dialect().upsert(&tname, &cols, &key);
            for row in rows {
                e.execute(Statement::new(sql.clone(), row)).await?;
            }
        }
        Dialect::Sqlite | Dialect::Postgres => {
            for chunk in rows.chunks(300) {
                let mut b = SqlBuilder::new(e.dialect());
                b.push(&format!(
                    "INSERT INTO {tname} ({}) VALUES ",
                    cols.join(", ")
                ));
                for (i, row) in chunk.iter().enumerate() {
                    b.push(if i == 0 { "(" } else { ", (" });
                    for (j, v) in row.iter().enumerate() {
                        b.push(if j == 0 { "" } else { ", " }).bind(v.clone());
                    }
                    b.push(")");
                }
                let updates: Vec<String> = cols
                    .iter()
                    .filter(|c| !key.contains(c))
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect();
                b.push(&format!(
                    " ON CONFLICT ({}) DO UPDATE SET {}",
                    key.join(", "),
                    updates.join(", ")
                ));
                e.execute(b.statement()).await?;
            }
        }
    }
    Ok(())
}

/// Whether any record of this feed (`source/table`) was ever recorded for the entity: a
/// feed that never ran can take the fast path of a first load.
pub async fn crosswalk_has_prefix(
    e: &mut impl Exec,
    domain: &str,
    entity: &str,
    prefix: &str,
) -> Result<bool, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT legacy_key FROM {} WHERE domain = ",
        table(e, "crosswalk")
    ));
    b.bind(domain)
        .push(" AND entity = ")
        .bind(entity)
        .push(" AND legacy_key LIKE ")
        .bind(format!("{prefix}:%"));
    b.push(" ").push(&e.dialect().limit(1));
    Ok(!e
        .fetch(b.query(&[("legacy_key", Kind::Text)]))
        .await?
        .is_empty())
}
