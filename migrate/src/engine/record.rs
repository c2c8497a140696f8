//! One source record through its feed: skip rules, field transforms and rules, then the
//! domain's constructor. The outcome is a record ready to load, or the reason it is not.

use bascule_platform::db::Value;

use super::entity::{EntityLoader, MappedFields};
use super::plan::{EntityPlan, Feed, FieldPlan};
use crate::mapping::lookup::LookupMatch;
use crate::mapping::transform::{TransformContext, concat};
use crate::mapping::val::{Val, Violation, coerce};
use crate::source::{ColumnInfo, SourceRecord};

/// Where each name of the feed is among the source's columns.
#[derive(Debug, Clone)]
pub struct Resolved {
    fields: Vec<Vec<usize>>,
    skips: Vec<usize>,
    legacy_key: Vec<usize>,
    names: Vec<String>,
}

/// Finds the feed's columns in the source's header; the error lists what is missing and what exists.
pub fn resolve(feed: &Feed, columns: &[ColumnInfo]) -> Result<Resolved, String> {
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let mut missing = Vec::new();
    let mut find = |name: &str| -> usize {
        names.iter().position(|n| n == name).unwrap_or_else(|| {
            missing.push(name.to_owned());
            usize::MAX
        })
    };
    let fields = feed
        .fields
        .iter()
        .map(|f| f.columns.iter().map(|c| find(c)).collect())
        .collect();
    let skips = feed.skip.iter().map(|s| find(&s.column)).collect();
    let legacy_key = feed.legacy_key.iter().map(|c| find(c)).collect();
    if missing.is_empty() {
        Ok(Resolved {
            fields,
            skips,
            legacy_key,
            names,
        })
    } else {
        missing.sort();
        missing.dedup();
        Err(format!(
            "{} has no column {} (its columns: {})",
            feed.table,
            missing
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            names
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// A record refused, with everything needed to find and fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub ordinal: u64,
    pub locator: String,
    pub rule: String,
    pub message: String,
    /// The source columns and their raw values.
    pub raw: Vec<(String, Option<String>)>,
}

/// A record ready to load.
#[derive(Debug, Clone, PartialEq)]
pub struct Ready {
    pub ordinal: u64,
    pub locator: String,
    /// Identifies the record in its source, for the crosswalk: `source/table:key`.
    pub legacy_key: String,
    /// The entity's natural key values, in key order.
    pub key: Vec<Value>,
    /// The entity's columns, as the domain built them.
    pub values: Vec<(&'static str, Value)>,
    pub matches: Vec<LookupMatch>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Skipped {
        ordinal: u64,
        locator: String,
        reason: String,
    },
    Quarantined(Reject),
    Ready(Ready),
}

fn raw_values(resolved: &Resolved, record: &SourceRecord) -> Vec<(String, Option<String>)> {
    resolved
        .names
        .iter()
        .zip(&record.cells)
        .map(|(n, c)| (n.clone(), c.to_raw_string()))
        .collect()
}

fn field_value(
    field: &FieldPlan,
    columns: &[usize],
    record: &SourceRecord,
    ctx: &mut TransformContext<'_>,
) -> Result<Value, Violation> {
    let mut val = match &field.constant {
        Some(c) => c.clone(),
        None => {
            let vals = columns
                .iter()
                .map(|i| record.cells.get(*i).map_or(Ok(Val::Null), Val::from_cell))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|v| Violation::new(v.rule, format!("{}: {}", field.name, v.message)))?;
            match (&field.concat, vals.as_slice()) {
                (Some(sep), _) => concat(&vals, sep),
                (None, [one]) => one.clone(),
                (None, _) => Val::Null,
            }
        }
    };
    for t in &field.transforms {
        val = t
            .apply(val, ctx)
            .map_err(|v| Violation::new(v.rule, format!("{}: {}", field.name, v.message)))?;
    }
    if val.is_blank()
        && let Some(d) = &field.default
    {
        val = d.clone();
    }
    for r in &field.rules {
        r.check(&val, ctx)
            .map_err(|v| Violation::new(v.rule, format!("{}: {}", field.name, v.message)))?;
    }
    coerce(val, field.ty, &field.name)
}

/// Runs one record through the feed.
pub fn process(
    feed: &Feed,
    resolved: &Resolved,
    loader: &dyn EntityLoader,
    entity: &EntityPlan,
    record: &SourceRecord,
    ctx: &mut TransformContext<'_>,
) -> Outcome {
    for (skip, column) in feed.skip.iter().zip(&resolved.skips) {
        let cell = record.cells.get(*column);
        let text = cell
            .and_then(crate::source::Cell::to_raw_string)
            .unwrap_or_default();
        let hit = (skip.blank && text.trim().is_empty())
            || skip.pattern.as_ref().is_some_and(|p| p.is_match(&text));
        if hit {
            return Outcome::Skipped {
                ordinal: record.ordinal,
                locator: record.locator.clone(),
                reason: skip.reason.clone(),
            };
        }
    }
    let reject = |v: Violation| {
        Outcome::Quarantined(Reject {
            ordinal: record.ordinal,
            locator: record.locator.clone(),
            rule: v.rule,
            message: v.message,
            raw: raw_values(resolved, record),
        })
    };
    if let Some(defect) = &record.defect {
        return reject(Violation::new("source_record", defect.clone()));
    }
    ctx.matches.clear();
    let mut mapped = MappedFields::default();
    for (field, columns) in feed.fields.iter().zip(&resolved.fields) {
        match field_value(field, columns, record, ctx) {
            Ok(v) => mapped.insert(field.name.clone(), v),
            Err(v) => return reject(v),
        }
    }
    let values = match loader.build(&mapped) {
        Ok(v) => v,
        Err(v) => return reject(v),
    };
    // The target's own limits (text length, decimal digits), checked here so that one
    // record too long for its column is quarantined instead of failing its batch.
    let values = match bascule_platform::db::record::check_values(loader.table(), values) {
        Ok(v) => v,
        Err(e) => return reject(Violation::new("column", e.to_string())),
    };
    let key: Vec<Value> = entity
        .key
        .iter()
        .map(|k| {
            values
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .or_else(|| mapped.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
                .unwrap_or(Value::Null(bascule_platform::db::Kind::Text))
        })
        .collect();
    if key.iter().any(Value::is_null) {
        return reject(Violation::new(
            "key",
            format!("the key {} is empty", entity.key.join(", ")),
        ));
    }
    // Without declared key columns a record is known by where it stands in its source;
    // mappings of databases declare their primary key instead, which survives edits.
    let legacy = if resolved.legacy_key.is_empty() {
        record.locator.clone()
    } else {
        resolved
            .legacy_key
            .iter()
            .map(|i| {
                record
                    .cells
                    .get(*i)
                    .and_then(crate::source::Cell::to_raw_string)
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("|")
    };
    Outcome::Ready(Ready {
        ordinal: record.ordinal,
        locator: record.locator.clone(),
        legacy_key: format!("{}/{}:{legacy}", feed.source, feed.table),
        key,
        values,
        matches: std::mem::take(&mut ctx.matches),
    })
}
