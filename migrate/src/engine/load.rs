//! Loads a batch of ready records into the target, in the caller's transaction:
//! re-runs find their records through the crosswalk, duplicates merge by natural key,
//! new records are inserted, and the entity's checksum follows every change.

use std::collections::HashMap;

use bascule_platform::db::record::{new_id, now};
use bascule_platform::db::schema::TableDef;
use bascule_platform::db::{DbError, Exec, Kind, SqlBuilder, Value};
use serde::{Deserialize, Serialize};

use super::checksum::{Checksum, canonical, row_hash};
use super::control::{self, Crossing};
use super::entity::EntityLoader;
use super::merge::{is_more_recent, merge};
use super::plan::EntityPlan;
use super::record::Ready;
use crate::mapping::spec::MergeStrategy;

pub(super) const META: [&str; 4] = ["id", "revision", "created_at", "updated_at"];

/// Counts of one feed, saved with each checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedCounts {
    pub read: u64,
    pub loaded: u64,
    pub merged: u64,
    pub quarantined: u64,
    pub skipped: u64,
    pub quarantined_by_rule: std::collections::BTreeMap<String, u64>,
    /// The skipped records (few: total rows, separators), up to a limit.
    pub skipped_rows: Vec<(String, String)>,
}

/// Everything a batch needs to know about where it goes.
#[derive(Debug)]
pub struct LoadTarget<'a> {
    pub domain: &'a str,
    pub run_id: &'a str,
    pub entity_name: &'a str,
    pub loader: &'a dyn EntityLoader,
    pub entity: &'a EntityPlan,
    /// `source/table` of the feed, the prefix of its legacy keys.
    pub feed_prefix: &'a str,
    pub source_display: &'a str,
    /// The priority of every feed of the mapping, by `entity|source/table`.
    pub priorities: &'a HashMap<String, i32>,
}

/// A new row: its metadata (id, first revision, creation and update time), then its columns.
pub(super) fn new_row(
    id: &str,
    now: chrono::DateTime<chrono::Utc>,
    values: impl IntoIterator<Item = Value>,
) -> Vec<Value> {
    let mut row = vec![
        Value::Text(id.to_owned()),
        Value::Int(1),
        Value::Timestamp(now),
        Value::Timestamp(now),
    ];
    row.extend(values);
    row
}

/// The business columns of an entity table, in table order.
pub fn business_columns(table: &TableDef) -> Vec<(&'static str, Kind)> {
    table
        .columns
        .iter()
        .filter(|c| !META.contains(&c.name))
        .map(|c| (c.name, c.ty.kind()))
        .collect()
}

/// The hash of a stored row for the reconciliation: its id and business columns.
pub fn stored_hash(id: &str, values: &[Value]) -> u128 {
    let id = Value::Text(id.to_owned());
    row_hash(std::iter::once(&id).chain(values))
}

pub(super) fn key_text(values: &[Value]) -> String {
    values
        .iter()
        .map(canonical)
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

struct Current {
    values: Vec<Value>,
    revision: i64,
    /// The stored row's hash, when the row is already in the target.
    stored: Option<u128>,
}

/// Reads rows of the entity by id and by natural key.
async fn read_existing(
    e: &mut impl Exec,
    table: &TableDef,
    schema: bascule_platform::db::schema::SchemaName,
    key: &[String],
    ids: &[String],
    keys: &[Vec<Value>],
) -> Result<HashMap<String, Current>, DbError> {
    let columns = business_columns(table);
    let mut select: Vec<(&str, Kind)> = vec![("id", Kind::Text), ("revision", Kind::Int)];
    select.extend(columns.iter().copied());
    let names: Vec<&str> = select.iter().map(|(n, _)| *n).collect();
    let tname = e.dialect().table(schema, table.name);
    let mut out = HashMap::new();
    let mut queries = Vec::new();
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
        queries.push(b.query(&select));
    }
    for chunk in keys.chunks(200) {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!("SELECT {} FROM {tname} WHERE ", names.join(", ")));
        if let [single] = key {
            // One key column: an IN list, which every planner turns into index probes.
            b.push(&format!("{single} IN ("));
            for (i, values) in chunk.iter().enumerate() {
                b.push(if i == 0 { "" } else { ", " })
                    .bind(values.first().cloned().unwrap_or(Value::Null(Kind::Text)));
            }
            b.push(")");
            queries.push(b.query(&select));
            continue;
        }
        for (i, values) in chunk.iter().enumerate() {
            b.push(if i == 0 { "(" } else { " OR (" });
            for (j, (k, v)) in key.iter().zip(values).enumerate() {
                b.push(if j == 0 { "" } else { " AND " })
                    .push(&format!("{k} = "))
                    .bind(v.clone());
            }
            b.push(")");
        }
        queries.push(b.query(&select));
    }
    for q in queries {
        for mut row in e.fetch(q).await? {
            let id: String = row.get("id")?;
            let revision: i64 = row.get("revision")?;
            let values = row.values()[2..].to_vec();
            let stored = Some(stored_hash(&id, &values));
            out.insert(
                id,
                Current {
                    values,
                    revision,
                    stored,
                },
            );
        }
    }
    Ok(out)
}

/// Loads the batch; returns nothing but moves `counts` and `checksum`.
pub async fn load_batch(
    e: &mut impl Exec,
    t: &LoadTarget<'_>,
    batch: Vec<Ready>,
    counts: &mut FeedCounts,
    checksum: &mut Checksum,
) -> Result<(), DbError> {
    let table = t.loader.table();
    let schema = t.loader.schema();
    let columns = business_columns(table);
    let key_index: Vec<usize> = t
        .entity
        .key
        .iter()
        .filter_map(|k| columns.iter().position(|(n, _)| n == k))
        .collect();
    let legacy: Vec<String> = batch.iter().map(|r| r.legacy_key.clone()).collect();
    let crossings = control::crosswalk_get(e, t.domain, t.entity_name, &legacy).await?;
    let ids: Vec<String> = crossings.values().map(|c| c.new_id.clone()).collect();
    // Every record's key is read, even those the crosswalk knows: a crossing may be
    // set aside below (a legacy key repeated in the source), and its record then merges
    // by natural key.
    let keys: Vec<Vec<Value>> = batch.iter().map(|r| r.key.clone()).collect();
    let key_names: Vec<String> = key_index.iter().map(|i| columns[*i].0.to_owned()).collect();
    let mut current = read_existing(e, table, schema, &key_names, &ids, &keys).await?;
    let mut by_key: HashMap<String, String> = current
        .iter()
        .map(|(id, c)| {
            (
                key_text(
                    &key_index
                        .iter()
                        .map(|i| c.values[*i].clone())
                        .collect::<Vec<_>>(),
                ),
                id.clone(),
            )
        })
        .collect();
    let mut creators = if t.entity.merge.strategy == MergeStrategy::SourcePriority {
        creators(e, t, &current.keys().cloned().collect::<Vec<_>>()).await?
    } else {
        HashMap::new()
    };
    let recency = t
        .entity
        .merge
        .recency_field
        .as_deref()
        .and_then(|f| columns.iter().position(|(n, _)| *n == f));
    let priority_of = |prefix: &str| {
        t.priorities
            .get(&format!("{}|{prefix}", t.entity_name))
            .copied()
    };
    let own_priority = priority_of(t.feed_prefix).unwrap_or(0);

    let mut touched: Vec<String> = Vec::new();
    let mut seen_legacy: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut crosswalk = Vec::new();
    for ready in batch {
        let values = ready.values;
        let incoming: Vec<Value> = columns
            .iter()
            .map(|(n, k)| {
                values
                    .iter()
                    .find(|(c, _)| c == n)
                    .map_or(Value::Null(*k), |(_, v)| v.clone())
            })
            .collect();
        let key = key_text(&ready.key);
        // A legacy key seen twice in one run is a duplicate in the source, not a re-run:
        // the second record merges by natural key and gets a crosswalk key of its own.
        let repeated = !seen_legacy.insert(ready.legacy_key.clone());
        let crossing = crossings
            .get(&ready.legacy_key)
            .filter(|c| !repeated && c.run_id.as_deref() != Some(t.run_id));
        let legacy_key = if repeated
            || crossings
                .get(&ready.legacy_key)
                .is_some_and(|c| c.run_id.as_deref() == Some(t.run_id))
        {
            format!("{}#{}", ready.legacy_key, ready.ordinal)
        } else {
            ready.legacy_key.clone()
        };
        let (id, merged) = match crossing {
            Some(Crossing {
                new_id, matched_by, ..
            }) => (new_id.clone(), matched_by == "merge"),
            None => match by_key.get(&key) {
                Some(id) => (id.clone(), true),
                None => (new_id(), false),
            },
        };
        let next = match current.get(&id) {
            Some(cur) if merged => {
                let wins = match t.entity.merge.strategy {
                    MergeStrategy::MostRecent => {
                        recency.is_some_and(|i| is_more_recent(&incoming[i], &cur.values[i]))
                    }
                    MergeStrategy::SourcePriority => {
                        own_priority
                            > creators
                                .get(&id)
                                .and_then(|p| priority_of(p))
                                .unwrap_or(i32::MIN)
                    }
                    _ => false,
                };
                merge(t.entity.merge.strategy, &cur.values, &incoming, wins)
            }
            _ => incoming,
        };
        match current.get_mut(&id) {
            Some(cur) => cur.values = next,
            None => {
                // Created in this batch: its creator is this feed, for later merges.
                creators.insert(id.clone(), t.feed_prefix.to_owned());
                current.insert(
                    id.clone(),
                    Current {
                        values: next,
                        revision: 0,
                        stored: None,
                    },
                );
            }
        }
        by_key.insert(key, id.clone());
        if merged {
            counts.merged += 1;
        } else {
            counts.loaded += 1;
        }
        if !touched.contains(&id) {
            touched.push(id.clone());
        }
        let how = if merged { "merge" } else { "new" };
        crosswalk.push((
            legacy_key,
            id.clone(),
            format!("{} {}", t.source_display, ready.locator),
            how.to_owned(),
            None,
        ));
        for m in ready.matches {
            let entry = (
                m.input.clone(),
                m.key.clone(),
                format!("{} {}", t.source_display, ready.locator),
                format!("{:?}", m.mode).to_lowercase(),
                Some(m.score),
            );
            lookups_entries(&mut crosswalk, entry);
        }
    }
    write_rows(e, t, &columns, &touched, &current, checksum).await?;
    let (own, lookups): (Vec<_>, Vec<_>) = crosswalk
        .into_iter()
        .partition(|c| c.3 == "new" || c.3 == "merge");
    control::crosswalk_put(e, t.domain, t.entity_name, t.run_id, &own).await?;
    control::crosswalk_put(
        e,
        t.domain,
        &format!("lookup:{}", t.entity_name),
        t.run_id,
        &lookups,
    )
    .await?;
    Ok(())
}

pub(super) fn lookups_entries(
    list: &mut Vec<(String, String, String, String, Option<f64>)>,
    entry: (String, String, String, String, Option<f64>),
) {
    if !list.iter().any(|c| c.0 == entry.0 && c.3 == entry.3) {
        list.push(entry);
    }
}

/// For each row id, the `source/table` of the feed whose record created it.
async fn creators(
    e: &mut impl Exec,
    t: &LoadTarget<'_>,
    ids: &[String],
) -> Result<HashMap<String, String>, DbError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(400) {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "SELECT legacy_key, new_id FROM {} WHERE domain = ",
            e.dialect().table(
                bascule_platform::db::schema::SchemaName::Control,
                "crosswalk"
            )
        ));
        b.bind(t.domain)
            .push(" AND entity = ")
            .bind(t.entity_name)
            .push(" AND matched_by = ")
            .bind("new")
            .push(" AND new_id IN (");
        for (i, id) in chunk.iter().enumerate() {
            b.push(if i == 0 { "" } else { ", " }).bind(id.clone());
        }
        b.push(")");
        for mut row in e
            .fetch(b.query(&[("legacy_key", Kind::Text), ("new_id", Kind::Text)]))
            .await?
        {
            let legacy: String = row.get("legacy_key")?;
            let prefix = legacy.split(':').next().unwrap_or_default().to_owned();
            out.insert(row.get("new_id")?, prefix);
        }
    }
    Ok(out)
}

async fn write_rows(
    e: &mut impl Exec,
    t: &LoadTarget<'_>,
    columns: &[(&'static str, Kind)],
    touched: &[String],
    current: &HashMap<String, Current>,
    checksum: &mut Checksum,
) -> Result<(), DbError> {
    let dialect = e.dialect();
    let tname = dialect.table(t.loader.schema(), t.loader.table().name);
    let names: Vec<&str> = META
        .iter()
        .copied()
        .chain(columns.iter().map(|(n, _)| *n))
        .collect();
    let now = now();
    let mut inserts: Vec<Vec<Value>> = Vec::new();
    for id in touched {
        let Some(row) = current.get(id) else { continue };
        let hash = stored_hash(id, &row.values);
        match row.stored {
            None => {
                checksum.add(hash);
                inserts.push(new_row(id, now, row.values.iter().cloned()));
            }
            Some(old) if old == hash => {}
            Some(old) => {
                checksum.remove(old);
                checksum.add(hash);
                let mut b = SqlBuilder::new(dialect);
                b.push(&format!("UPDATE {tname} SET revision = "))
                    .bind(row.revision + 1)
                    .push(", updated_at = ")
                    .bind(now);
                for ((name, _), v) in columns.iter().zip(&row.values) {
                    b.push(&format!(", {name} = ")).bind(v.clone());
                }
                b.push(" WHERE id = ").bind(id.clone());
                e.execute(b.statement()).await?;
            }
        }
    }
    e.bulk_insert(&tname, &names, inserts).await
}

/// True when the entity's natural key is declared unique in its table, so that the
/// database itself refuses a second row with the same key.
pub fn key_is_unique(table: &TableDef, key: &[String]) -> bool {
    table
        .uniques
        .iter()
        .any(|u| u.len() == key.len() && u.iter().all(|c| key.iter().any(|k| k == c)))
}
