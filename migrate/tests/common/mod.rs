//! Helpers of the Access source tests: test data, the corpus, reading and checking tables.
#![allow(dead_code)]

pub mod corpus;
pub mod mdbtools;

use std::path::{Path, PathBuf};

use bascule_migrate::source::{AccessSource, Cell, OpenOptions, Position, SourceRecord};
use bascule_migrate::source::{Source, SourceError};
use chrono::{NaiveDate, NaiveDateTime};

/// The shared test data, beside the clone.
pub fn shared(relative: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")).join(relative)
}

/// A scratch file of this test run.
pub fn scratch(name: &str) -> PathBuf {
    let file = format!("source_access-{}-{name}", std::process::id());
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(file)
}

pub fn options(password: Option<&str>) -> OpenOptions {
    OpenOptions {
        password: password.map(str::to_string),
        ..OpenOptions::default()
    }
}

pub fn open(relative: &str) -> AccessSource {
    AccessSource::open(&shared(relative), &options(None)).expect("opens")
}

pub fn read_all(
    source: &mut AccessSource,
    table: &str,
    resume: Option<&Position>,
) -> Vec<SourceRecord> {
    let mut reader = source
        .read(table, &Default::default(), resume)
        .expect("reads");
    std::iter::from_fn(|| reader.next_record().expect("record")).collect()
}

/// The index of a column of a table.
pub fn column(source: &mut AccessSource, table: &str, name: &str) -> usize {
    let reader = source
        .read(table, &Default::default(), None)
        .expect("reads");
    reader
        .columns()
        .iter()
        .position(|c| c.name == name)
        .expect("column")
}

pub fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Cell {
    let date = NaiveDate::from_ymd_opt(y, mo, d).and_then(|d| d.and_hms_opt(h, mi, 0));
    Cell::DateTime(date.expect("date"))
}

pub fn earliest(records: &[SourceRecord], col: usize) -> NaiveDateTime {
    let dates = records.iter().filter_map(|r| match r.cells[col] {
        Cell::DateTime(t) => Some(t),
        _ => None,
    });
    dates.min().expect("dates")
}

/// Streams a table to its end, checking ordinals and cells: its number of records and of
/// cells that hold an error.
pub fn count_rows(source: &mut AccessSource, table: &str) -> Result<(u64, u64), SourceError> {
    let mut reader = source.read(table, &Default::default(), None)?;
    let (mut n, mut errors) = (0, 0);
    while let Some(record) = reader.next_record()? {
        n += 1;
        assert_eq!(record.ordinal, n, "{table}: ordinals follow each other");
        assert_eq!(
            record.cells.len(),
            reader.columns().len(),
            "{table}: a cell a column"
        );
        errors += record
            .cells
            .iter()
            .filter(|c| matches!(c, Cell::Error(_)))
            .count() as u64;
    }
    Ok((n, errors))
}

/// Opens, lists and reads every table to its end: each table's name and record count.
pub fn read_everything(
    path: &Path,
    password: Option<&str>,
) -> Result<Vec<(String, u64)>, SourceError> {
    let mut source = AccessSource::open(path, &options(password))?;
    let mut counts = Vec::new();
    for table in source.tables()? {
        counts.push((table.name.clone(), count_rows(&mut source, &table.name)?.0));
    }
    Ok(counts)
}

/// Reads `stop_after` records, then the rest of the table both from the same reader and
/// from a new one resumed at the position: they must be the same records.
pub fn check_resume(file: &str, table: &str, stop_after: usize) {
    let mut source = open(file);
    let mut reader = source
        .read(table, &Default::default(), None)
        .expect("reads");
    assert_eq!(reader.position(), Position("0:0:0".into()));
    for _ in 0..stop_after {
        reader.next_record().expect("record").expect("a record");
    }
    let position = reader.position();
    let rest: Vec<_> = std::iter::from_fn(|| reader.next_record().expect("record")).collect();
    let end = reader.position();
    drop(reader);
    let resumed = read_all(&mut source, table, Some(&position));
    assert_eq!(
        resumed.len(),
        rest.len(),
        "{file} {table} after {position:?}"
    );
    assert_eq!(
        resumed.first().map(|r| r.ordinal),
        Some(stop_after as u64 + 1)
    );
    assert!(
        resumed == rest,
        "{file} {table}: the records after {position:?} are the rest"
    );
    assert!(
        read_all(&mut source, table, Some(&end)).is_empty(),
        "nothing after the end"
    );
}

pub fn assert_format_error(result: Result<Vec<(String, u64)>, SourceError>, what: &str) {
    match result {
        Err(e @ SourceError::Format { .. }) => println!("{what}: refused: {e}"),
        Err(e) => panic!("{what}: not a format error: {e}"),
        Ok(counts) => panic!("{what}: read as {counts:?}"),
    }
}

/// A copy of a Jet file protected by `password`. The header is RC4-encrypted with a fixed
/// key and the stored plain text of "no password" is the mask itself, so XOR-ing the
/// stored bytes with the password (UTF-16 in Jet4, bytes in Jet3) sets it.
pub fn protected_copy(relative: &str, password: &str, jet4: bool) -> PathBuf {
    let mut bytes = std::fs::read(shared(relative)).expect("file");
    let encoded: Vec<u8> = match jet4 {
        true => password.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        false => password.bytes().collect(),
    };
    encoded
        .iter()
        .enumerate()
        .for_each(|(i, b)| bytes[0x42 + i] ^= b);
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let path = scratch(&format!("protected-{name}"));
    std::fs::write(&path, &bytes).expect("write");
    path
}

/// A copy of `original` with 40 runs of 64 bytes past page 0 flipped, the same every run.
pub fn damaged_copy(original: &[u8], round: u64) -> PathBuf {
    let mut bytes = original.to_vec();
    let mut seed = 0x2545_f491_u64 + round;
    for _ in 0..40 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let at = 4096 + (seed >> 33) as usize % (bytes.len() - 4096 - 64);
        bytes[at..at + 64]
            .iter_mut()
            .for_each(|b| *b ^= (seed >> 8) as u8 | 1);
    }
    let path = scratch(&format!("damaged-{round}.mdb"));
    std::fs::write(&path, &bytes).expect("write");
    path
}
