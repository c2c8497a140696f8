//! Fingerprints of the legacy tables a plan reads: per record a digest of its raw cells
//! with its locator, per table their count and order-independent sum, per file its
//! SHA-256 and size. Compared by record content, so that a row inserted in the middle of
//! a file does not make every later row look changed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read as _;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::EngineError;
use super::plan::{Location, Plan, PlannedSource};
use super::source_thread::open;
use crate::source::{Cell, ColumnInfo, ReadOptions, SourceError, SourceRecord};

/// One legacy record as fingerprinted: the digest of its raw values and where it stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordDigest {
    pub digest: u128,
    pub locator: String,
    /// The record's legacy key (the feed's `legacy_key` columns), when it declares one:
    /// what tells a changed record from a removed one and a new one.
    pub key: Option<String>,
}

/// What one legacy table (or sheet) held when it was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableFingerprint {
    /// The source's name in the mapping.
    pub source: String,
    pub table: String,
    /// The file path, or the database URL without its password.
    pub location: String,
    pub rows: u64,
    /// The wrapping sum of the record digests, in hex: the same whatever the row order.
    pub digest: String,
    pub file_sha256: Option<String>,
    pub file_size: Option<u64>,
    #[serde(skip)]
    pub records: Vec<RecordDigest>,
}

/// A table that could be read, or why not.
pub type TableReading = (String, String, Result<TableFingerprint, SourceError>);

/// The digest of a record's raw cells: each cell's type and text, unambiguously
/// separated, so that an empty text and a null, or `1` and `"1"`, differ.
pub fn record_digest(record: &SourceRecord) -> u128 {
    let mut hasher = Sha256::new();
    for cell in &record.cells {
        hasher.update(cell.type_name().as_bytes());
        match cell.to_raw_string() {
            Some(text) => {
                hasher.update((text.len() as u64).to_le_bytes());
                hasher.update(text.as_bytes());
            }
            None => hasher.update(u64::MAX.to_le_bytes()),
        }
    }
    if let Some(defect) = &record.defect {
        hasher.update(b"defect");
        hasher.update(defect.as_bytes());
    }
    let digest = hasher.finalize();
    let mut first = [0_u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(first)
}

pub fn hex(digest: u128) -> String {
    format!("{digest:032x}")
}

pub fn parse_hex(text: &str) -> Option<u128> {
    u128::from_str_radix(text, 16).ok()
}

/// The order-independent digest of a table: the wrapping sum of its record digests.
pub fn table_digest(records: &[RecordDigest]) -> String {
    hex(records
        .iter()
        .fold(0_u128, |sum, r| sum.wrapping_add(r.digest)))
}

/// How a table differs from its fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableDiff {
    /// Records whose content is not in the fingerprint, with their current locator.
    pub changed_or_new: Vec<RecordDigest>,
    /// Fingerprinted contents no longer found, with their locator when fingerprinted.
    pub changed_or_removed: Vec<RecordDigest>,
}

impl TableDiff {
    pub fn is_empty(&self) -> bool {
        self.changed_or_new.is_empty() && self.changed_or_removed.is_empty()
    }

    /// The contents no longer found whose record is not found changed either: by legacy
    /// key when the table has one, else by locator.
    pub fn removed(&self) -> Vec<&RecordDigest> {
        let same = |a: &RecordDigest, b: &RecordDigest| match (&a.key, &b.key) {
            (Some(x), Some(y)) => x == y,
            _ => a.locator == b.locator,
        };
        self.changed_or_removed
            .iter()
            .filter(|old| !self.changed_or_new.iter().any(|new| same(old, new)))
            .collect()
    }
}

/// Compares by content, as multisets: two identical records count twice. Records found
/// where they stood match first, so that of two identical records the one listed as
/// gone is the one that went.
pub fn compare(baseline: &[RecordDigest], current: &[RecordDigest]) -> TableDiff {
    let mut exact: HashMap<(u128, &str), usize> = HashMap::new();
    for r in baseline {
        *exact.entry((r.digest, &r.locator)).or_default() += 1;
    }
    let mut current_left = Vec::new();
    for r in current {
        match exact.get_mut(&(r.digest, r.locator.as_str())) {
            Some(n) if *n > 0 => *n -= 1,
            _ => current_left.push(r),
        }
    }
    // What is left in `exact` counts the baseline records not found in place.
    let mut baseline_left = Vec::new();
    for r in baseline {
        if let Some(n) = exact.get_mut(&(r.digest, r.locator.as_str()))
            && *n > 0
        {
            *n -= 1;
            baseline_left.push(r);
        }
    }
    let mut moved: HashMap<u128, usize> = HashMap::new();
    for r in &baseline_left {
        *moved.entry(r.digest).or_default() += 1;
    }
    let mut diff = TableDiff::default();
    for r in current_left {
        match moved.get_mut(&r.digest) {
            Some(n) if *n > 0 => *n -= 1,
            _ => diff.changed_or_new.push(r.clone()),
        }
    }
    for r in baseline_left {
        if let Some(n) = moved.get_mut(&r.digest)
            && *n > 0
        {
            *n -= 1;
            diff.changed_or_removed.push(r.clone());
        }
    }
    diff
}

/// Every (source, table) the plan reads, once, in feed order, with the read options of
/// the first feed that reads it.
fn tables(plan: &Plan) -> Vec<(String, String, ReadOptions, Vec<String>)> {
    let mut out: Vec<(String, String, ReadOptions, Vec<String>)> = Vec::new();
    for feed in &plan.feeds {
        if !out
            .iter()
            .any(|(s, t, _, _)| *s == feed.source && *t == feed.table)
        {
            out.push((
                feed.source.clone(),
                feed.table.clone(),
                feed.read.clone(),
                feed.legacy_key.clone(),
            ));
        }
    }
    out
}

/// The legacy key of a record: its key columns' raw values, as the crosswalk joins them.
fn record_key(record: &SourceRecord, key: &[usize]) -> Option<String> {
    (!key.is_empty()).then(|| {
        key.iter()
            .map(|i| {
                record
                    .cells
                    .get(*i)
                    .and_then(Cell::to_raw_string)
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("|")
    })
}

fn location(planned: &PlannedSource) -> String {
    match &planned.location {
        Location::File(p) => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
        Location::Url(_) => planned.display(),
    }
}

fn file_sha256(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0_u8; 1 << 16];
    let mut size = 0_u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((format!("{:x}", hasher.finalize()), size))
}

/// Reads one table and digests its records. Blocking: runs on a blocking thread.
fn read_table(
    planned: &PlannedSource,
    table: &str,
    options: &ReadOptions,
    key_columns: &[String],
) -> Result<TableFingerprint, SourceError> {
    let file = match &planned.location {
        Location::File(p) => Some(file_sha256(p).map_err(|source| SourceError::Io {
            path: p.clone(),
            source,
        })?),
        Location::Url(_) => None,
    };
    let mut source = open(planned)?;
    let mut reader = source.read(table, options, None)?;
    let key: Vec<usize> = key_columns
        .iter()
        .filter_map(|k| reader.columns().iter().position(|c| c.name == *k))
        .collect();
    let mut records = Vec::new();
    while let Some(record) = reader.next_record()? {
        records.push(RecordDigest {
            digest: record_digest(&record),
            key: record_key(&record, &key),
            locator: record.locator,
        });
    }
    Ok(TableFingerprint {
        source: planned.name.clone(),
        table: table.to_owned(),
        location: location(planned),
        rows: records.len() as u64,
        digest: table_digest(&records),
        file_sha256: file.as_ref().map(|f| f.0.clone()),
        file_size: file.map(|f| f.1),
        records,
    })
}

/// Fingerprints every table the plan reads, each on a blocking thread; a table that
/// cannot be read comes back with the reason.
pub async fn take_each(plan: &Plan) -> Result<Vec<TableReading>, EngineError> {
    let mut handles = Vec::new();
    for (source, table, options, key) in tables(plan) {
        let planned = plan
            .sources
            .get(&source)
            .ok_or_else(|| EngineError::Plan(format!("unknown source {source}")))?
            .clone();
        let name = table.clone();
        let handle =
            tokio::task::spawn_blocking(move || read_table(&planned, &name, &options, &key));
        handles.push((source, table, handle));
    }
    let mut out = Vec::new();
    for (source, table, handle) in handles {
        let reading = handle
            .await
            .map_err(|e| EngineError::Plan(format!("the fingerprint reader stopped: {e}")))?;
        out.push((source, table, reading));
    }
    Ok(out)
}

/// Fingerprints every table the plan reads; the first one that cannot be read fails it.
pub async fn take(plan: &Plan) -> Result<Vec<TableFingerprint>, EngineError> {
    take_each(plan)
        .await?
        .into_iter()
        .map(|(_, _, r)| r.map_err(EngineError::Source))
        .collect()
}

/// The per-table summary kept with the migration run (records left out).
pub fn summary_json(fingerprints: &[TableFingerprint]) -> String {
    let by_table: BTreeMap<String, &TableFingerprint> = fingerprints
        .iter()
        .map(|f| (format!("{}/{}", f.source, f.table), f))
        .collect();
    serde_json::to_string(&by_table).unwrap_or_else(|_| "{}".to_owned())
}

/// The records of a table whose digest is among `wanted`, with the table's columns:
/// what a catch-up runs through the feed. Blocking work runs on a blocking thread.
pub async fn read_matching(
    planned: &PlannedSource,
    table: &str,
    options: &ReadOptions,
    wanted: HashSet<u128>,
) -> Result<(Vec<ColumnInfo>, Vec<SourceRecord>), EngineError> {
    let planned = planned.clone();
    let table = table.to_owned();
    let options = options.clone();
    tokio::task::spawn_blocking(move || -> Result<_, SourceError> {
        let mut source = open(&planned)?;
        let mut reader = source.read(&table, &options, None)?;
        let columns = reader.columns().to_vec();
        let mut records = Vec::new();
        while let Some(record) = reader.next_record()? {
            if wanted.contains(&record_digest(&record)) {
                records.push(record);
            }
        }
        Ok((columns, records))
    })
    .await
    .map_err(|e| EngineError::Plan(format!("the source reader stopped: {e}")))?
    .map_err(EngineError::Source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(digest: u128, locator: &str) -> RecordDigest {
        RecordDigest {
            digest,
            locator: locator.to_owned(),
            key: None,
        }
    }

    fn keyed(digest: u128, locator: &str, key: &str) -> RecordDigest {
        RecordDigest {
            key: Some(key.to_owned()),
            ..rec(digest, locator)
        }
    }

    #[test]
    fn removed_records_are_those_whose_key_is_not_found_changed() {
        let before = [
            keyed(1, "line 2", "10"),
            keyed(2, "line 3", "11"),
            keyed(3, "line 4", "12"),
        ];
        // 11 changed and moved down a line, 12 removed, 13 new.
        let after = [
            keyed(1, "line 2", "10"),
            keyed(4, "line 3", "13"),
            keyed(5, "line 4", "11"),
        ];
        let diff = compare(&before, &after);
        assert_eq!(diff.changed_or_new.len(), 2);
        assert_eq!(diff.changed_or_removed.len(), 2);
        assert_eq!(diff.removed(), vec![&keyed(3, "line 4", "12")]);
        // Without keys, the locator is all there is: line 3 changed, line 4 removed.
        let unkeyed = compare(
            &[rec(1, "row 2"), rec(2, "row 3"), rec(3, "row 4")],
            &[rec(1, "row 2"), rec(9, "row 3")],
        );
        assert_eq!(unkeyed.removed(), vec![&rec(3, "row 4")]);
    }

    fn source_record(cells: Vec<Cell>) -> SourceRecord {
        SourceRecord {
            ordinal: 1,
            locator: "line 2".into(),
            cells,
            defect: None,
        }
    }

    #[test]
    fn a_row_inserted_in_the_middle_is_the_only_difference() {
        let before = [rec(1, "line 2"), rec(2, "line 3"), rec(3, "line 4")];
        let after = [
            rec(1, "line 2"),
            rec(9, "line 3"),
            rec(2, "line 4"),
            rec(3, "line 5"),
        ];
        let diff = compare(&before, &after);
        assert_eq!(diff.changed_or_new, vec![rec(9, "line 3")]);
        assert!(diff.changed_or_removed.is_empty());
    }

    #[test]
    fn a_changed_row_is_new_content_and_missing_content() {
        let before = [rec(1, "line 2"), rec(2, "line 3")];
        let after = [rec(1, "line 2"), rec(5, "line 3")];
        let diff = compare(&before, &after);
        assert_eq!(diff.changed_or_new, vec![rec(5, "line 3")]);
        assert_eq!(diff.changed_or_removed, vec![rec(2, "line 3")]);
    }

    #[test]
    fn identical_records_count_as_many_times_as_they_appear() {
        let before = [rec(7, "line 2"), rec(7, "line 3")];
        let after = [rec(7, "line 2")];
        let diff = compare(&before, &after);
        assert!(diff.changed_or_new.is_empty());
        assert_eq!(diff.changed_or_removed, vec![rec(7, "line 3")]);
        assert!(compare(&after, &before).changed_or_new.len() == 1);
    }

    #[test]
    fn reordered_tables_have_the_same_digest_and_no_difference() {
        let a = [rec(1, "line 2"), rec(u128::MAX, "line 3")];
        let b = [rec(u128::MAX, "line 2"), rec(1, "line 3")];
        assert_eq!(table_digest(&a), table_digest(&b));
        assert!(compare(&a, &b).is_empty());
        assert_ne!(table_digest(&a), table_digest(&a[..1]));
    }

    #[test]
    fn the_record_digest_tells_null_from_empty_and_types_apart() {
        let empty = record_digest(&source_record(vec![Cell::Text(String::new())]));
        let null = record_digest(&source_record(vec![Cell::Null]));
        let int = record_digest(&source_record(vec![Cell::Int(1)]));
        let text = record_digest(&source_record(vec![Cell::Text("1".into())]));
        let split = record_digest(&source_record(vec![
            Cell::Text("a".into()),
            Cell::Text("b".into()),
        ]));
        let joined = record_digest(&source_record(vec![Cell::Text("ab".into())]));
        assert_ne!(empty, null);
        assert_ne!(int, text);
        assert_ne!(split, joined);
        assert_eq!(
            text,
            record_digest(&source_record(vec![Cell::Text("1".into())]))
        );
        assert_eq!(parse_hex(&hex(text)), Some(text));
    }
}
