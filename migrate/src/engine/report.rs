//! The run report: a JSON document with a stable, documented schema (docs/report.md),
//! written alongside a Markdown and an HTML rendering.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Bumped only by incompatible changes of this document.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub schema_version: u32,
    pub run_id: String,
    pub domain: String,
    pub mapping: String,
    pub target: String,
    pub dry_run: bool,
    pub started_at: String,
    pub finished_at: String,
    pub duration_seconds: f64,
    /// `succeeded` when every table balances and every entity reconciles, else `failed`.
    pub status: String,
    pub reconciled: bool,
    pub tables: Vec<TableReport>,
    pub entities: Vec<EntityReport>,
    /// What the domain derived after the load (one line per step).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// One source table (sheet, file) feeding one entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableReport {
    pub source: String,
    pub table: String,
    pub entity: String,
    /// Records considered (skipped ones excluded): read = loaded + merged + quarantined.
    pub read: u64,
    pub loaded: u64,
    pub merged: u64,
    pub quarantined: u64,
    /// Records excluded by the mapping's skip rules (total rows…), listed below.
    pub skipped: u64,
    pub balanced: bool,
    pub duration_seconds: f64,
    pub rows_per_second: f64,
    pub quarantined_by_rule: BTreeMap<String, u64>,
    pub quarantined_records: Vec<QuarantinedRecord>,
    pub merged_records: Vec<MergedRecord>,
    pub skipped_records: Vec<SkippedRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantinedRecord {
    pub locator: String,
    pub rule: String,
    pub message: String,
    pub raw: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedRecord {
    pub locator: String,
    pub legacy_key: String,
    /// The natural key of the entity the record was merged into.
    pub into: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedRecord {
    pub locator: String,
    pub reason: String,
}

/// The proof for one target entity: the checksum computed from the source side (after
/// transforms and merges) against the one computed by reading the target back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityReport {
    pub entity: String,
    pub source_rows: u64,
    pub source_checksum: String,
    pub target_rows: u64,
    pub target_checksum: String,
    pub reconciled: bool,
    /// What differs, when it does.
    pub differences: Vec<String>,
}
