//! After the load: every table must balance (read = loaded + merged + quarantined) and
//! every entity's source-side checksum must equal the checksum of the target read back.

use std::collections::{BTreeMap, HashMap};

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{DbError, Exec, Kind, SqlBuilder};

use super::checksum::{Checksum, canonical};
use super::entity::{Catalog, EntityLoader};
use super::load::{FeedCounts, business_columns, stored_hash};
use super::plan::Plan;
use super::report::{
    EntityReport, MergedRecord, QuarantinedRecord, RunReport, SkippedRecord, TableReport,
};

/// Rows read per query when the target is read back: memory stays flat.
const PAGE: u64 = 5_000;

/// Reads the whole entity table back, page by page in id order, into its checksum.
pub async fn target_checksum(
    e: &mut impl Exec,
    loader: &dyn EntityLoader,
) -> Result<Checksum, DbError> {
    let table = loader.table();
    let columns = business_columns(table);
    let mut select = vec![("id", Kind::Text)];
    select.extend(columns.iter().copied());
    let names: Vec<&str> = select.iter().map(|(n, _)| *n).collect();
    let tname = e.dialect().table(loader.schema(), table.name);
    let mut sum = Checksum::default();
    let mut after: Option<String> = None;
    loop {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!("SELECT {} FROM {tname}", names.join(", ")));
        if let Some(last) = &after {
            b.push(" WHERE id > ").bind(last.clone());
        }
        b.push(" ORDER BY id ");
        b.push(&e.dialect().limit(PAGE));
        let rows = e.fetch(b.query(&select)).await?;
        let full = rows.len() as u64 == PAGE;
        for mut row in rows {
            let id: String = row.get("id")?;
            sum.add(stored_hash(&id, &row.values()[1..]));
            after = Some(id);
        }
        if !full {
            return Ok(sum);
        }
    }
}

/// The natural keys (as text, `a / b`) of the given rows of an entity.
async fn keys_of(
    e: &mut impl Exec,
    loader: &dyn EntityLoader,
    key: &[String],
    ids: &[String],
) -> Result<HashMap<String, String>, DbError> {
    let tname = e.dialect().table(loader.schema(), loader.table().name);
    let mut select = vec![("id", Kind::Text)];
    select.extend(
        business_columns(loader.table())
            .into_iter()
            .filter(|(n, _)| key.iter().any(|k| k == n)),
    );
    let names: Vec<&str> = select.iter().map(|(n, _)| *n).collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(400) {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "SELECT {} FROM {tname} WHERE id IN (",
            names.join(", ")
        ));
        for (i, id) in chunk.iter().enumerate() {
            b.push(if i == 0 { "" } else { ", " }).bind(id.clone());
        }
        b.push(")");
        for mut row in e.fetch(b.query(&select)).await? {
            let id: String = row.get("id")?;
            let text = row.values()[1..]
                .iter()
                .map(|v| canonical(v).get(1..).unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
                .join(" / ");
            out.insert(id, text);
        }
    }
    Ok(out)
}

#[derive(Debug)]
pub struct ReportInputs<'a> {
    pub run_id: &'a str,
    pub plan: &'a Plan,
    pub catalog: &'a Catalog,
    /// Per feed, in plan order: its counts and seconds.
    pub counts: Vec<(FeedCounts, f64)>,
    pub checksums: &'a BTreeMap<String, Checksum>,
}

/// Builds the report of a run from its counts, the quarantine and crosswalk it wrote,
/// and the target read back.
pub async fn build_report(
    e: &mut impl Exec,
    inputs: &ReportInputs<'_>,
) -> Result<RunReport, DbError> {
    let plan = inputs.plan;
    let mut entities = Vec::new();
    for (name, entity) in &plan.entities {
        let Some(loader) = inputs.catalog.get(name) else {
            continue;
        };
        let target = target_checksum(e, loader).await?;
        let source = inputs.checksums.get(name).copied().unwrap_or_default();
        let mut differences = Vec::new();
        if source.rows != target.rows {
            differences.push(format!(
                "{} rows expected from the sources, {} in the target",
                source.rows, target.rows
            ));
        }
        if source.sum != target.sum {
            differences.push("the values read back differ from the values loaded".to_owned());
        }
        entities.push(EntityReport {
            entity: name.clone(),
            source_rows: source.rows,
            source_checksum: source.hex(),
            target_rows: target.rows,
            target_checksum: target.hex(),
            reconciled: differences.is_empty(),
            differences,
        });
        let _ = entity;
    }
    let mut tables = Vec::new();
    for (feed, (counts, seconds)) in plan.feeds.iter().zip(&inputs.counts) {
        let source = plan
            .sources
            .get(&feed.source)
            .map_or_else(|| feed.source.clone(), |s| s.display());
        let quarantined_records = quarantined(e, inputs.run_id, &feed.label()).await?;
        let merges = merged(
            e,
            inputs.run_id,
            &plan.domain,
            &feed.entity,
            &format!("{}/{}:", feed.source, feed.table),
        )
        .await?;
        let ids: Vec<String> = merges.iter().map(|(_, _, id)| id.clone()).collect();
        let keys = match (
            inputs.catalog.get(&feed.entity),
            plan.entities.get(&feed.entity),
        ) {
            (Some(loader), Some(entity)) if !ids.is_empty() => {
                keys_of(e, loader, &entity.key, &ids).await?
            }
            _ => HashMap::new(),
        };
        let merged_records = merges
            .into_iter()
            .map(|(legacy_key, locator, id)| MergedRecord {
                locator,
                legacy_key,
                into: keys.get(&id).cloned().unwrap_or(id),
            })
            .collect();
        tables.push(TableReport {
            source,
            table: feed.table.clone(),
            entity: feed.entity.clone(),
            read: counts.read,
            loaded: counts.loaded,
            merged: counts.merged,
            quarantined: counts.quarantined,
            skipped: counts.skipped,
            balanced: counts.read == counts.loaded + counts.merged + counts.quarantined,
            duration_seconds: *seconds,
            #[allow(clippy::cast_precision_loss)]
            rows_per_second: if *seconds > 0.0 {
                (counts.read + counts.skipped) as f64 / seconds
            } else {
                0.0
            },
            quarantined_by_rule: counts.quarantined_by_rule.clone(),
            quarantined_records,
            merged_records,
            skipped_records: counts
                .skipped_rows
                .iter()
                .map(|(l, r)| SkippedRecord {
                    locator: l.clone(),
                    reason: r.clone(),
                })
                .collect(),
        });
    }
    let reconciled = entities.iter().all(|e| e.reconciled) && tables.iter().all(|t| t.balanced);
    Ok(RunReport {
        schema_version: 0,
        run_id: inputs.run_id.to_owned(),
        domain: plan.domain.clone(),
        mapping: plan.file.clone(),
        target: String::new(),
        dry_run: false,
        started_at: String::new(),
        finished_at: String::new(),
        duration_seconds: 0.0,
        status: if reconciled { "succeeded" } else { "failed" }.to_owned(),
        reconciled,
        tables,
        entities,
        notes: Vec::new(),
    })
}

async fn quarantined(
    e: &mut impl Exec,
    run_id: &str,
    source: &str,
) -> Result<Vec<QuarantinedRecord>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT locator, rule, message, raw_values FROM {} WHERE run_id = ",
        e.dialect().table(SchemaName::Control, "quarantine")
    ));
    b.bind(run_id)
        .push(" AND source = ")
        .bind(super::control::truncate(source, 500))
        .push(" ORDER BY created_at, id");
    let cols = [
        ("locator", Kind::Text),
        ("rule", Kind::Text),
        ("message", Kind::Text),
        ("raw_values", Kind::Text),
    ];
    let mut out = Vec::new();
    for mut row in e.fetch(b.query(&cols)).await? {
        let raw: String = row.get("raw_values")?;
        out.push(QuarantinedRecord {
            locator: row.get("locator")?,
            rule: row.get("rule")?,
            message: row.get("message")?,
            raw: serde_json::from_str(&raw).unwrap_or(serde_json::Value::String(raw)),
        });
    }
    Ok(out)
}

/// (legacy key, locator, new id) of the records of a feed merged into another in this run.
async fn merged(
    e: &mut impl Exec,
    run_id: &str,
    domain: &str,
    entity: &str,
    prefix: &str,
) -> Result<Vec<(String, String, String)>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT legacy_key, source, new_id FROM {} WHERE run_id = ",
        e.dialect().table(SchemaName::Control, "crosswalk")
    ));
    b.bind(run_id)
        .push(" AND domain = ")
        .bind(domain)
        .push(" AND entity = ")
        .bind(entity);
    b.push(" AND matched_by = ")
        .bind("merge")
        .push(" AND legacy_key LIKE ")
        .bind(format!("{prefix}%"));
    b.push(" ORDER BY legacy_key");
    let cols = [
        ("legacy_key", Kind::Text),
        ("source", Kind::Text),
        ("new_id", Kind::Text),
    ];
    let mut out = Vec::new();
    for mut row in e.fetch(b.query(&cols)).await? {
        out.push((
            row.get("legacy_key")?,
            row.get("source")?,
            row.get("new_id")?,
        ));
    }
    Ok(out)
}
