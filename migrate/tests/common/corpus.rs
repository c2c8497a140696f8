//! The public Access corpus (shared/access-corpus): its files, their passwords, and the
//! check of one file against mdbtools.

use std::path::{Path, PathBuf};

use bascule_migrate::source::{AccessSource, Source, SourceError};

use super::mdbtools::{mdb_export, mdb_tables};
use super::{count_rows, options};

/// Every Access file under `dir`, recursively, in a stable order.
pub fn access_files(dir: &Path) -> Vec<PathBuf> {
    let (mut files, mut dirs) = (Vec::new(), vec![dir.to_path_buf()]);
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus folder") {
            let path = entry.expect("corpus entry").path();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(
                ext.as_deref(),
                Some("mdb" | "accdb" | "mdw" | "mde" | "accde")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The password of a corpus file, from access-corpus/SOURCES.md.
pub fn password(path: &Path) -> Option<&'static str> {
    match path.file_name()?.to_str()? {
        "db2007-enc.accdb" | "db2007-oldenc.accdb" => Some("Test123"),
        "db2013-enc.accdb" => Some("1234"),
        "db-nonstandard.accdb" => Some("password"),
        _ => None,
    }
}

/// What became of a corpus file.
#[derive(Debug, Default)]
pub struct Outcome {
    pub read: bool,
    pub tables_read: usize,
    pub tables_refused: usize,
}

/// Reads a corpus file: it opens, or is refused with a clean error (not an I/O one); its
/// tables are those of `mdb-tables`; each table is read to its end with the row count of
/// `mdb-export` and no cell in error, or refused for an unsupported column. Prints a line.
pub fn check_file(root: &Path, path: &Path) -> Outcome {
    let name = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    let password = password(path);
    let opened = AccessSource::open(path, &options(password));
    let (mut source, tables) = match opened.and_then(|mut s| s.tables().map(|t| (s, t))) {
        Ok(opened) => opened,
        Err(e) => {
            assert!(!matches!(e, SourceError::Io { .. }), "{name}: {e}");
            println!("{name}: refused: {e}");
            return Outcome::default();
        }
    };
    let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
    let reference = match password {
        Some(_) => Err("encrypted, mdbtools cannot decrypt it".to_string()),
        None => mdb_tables(path),
    };
    match &reference {
        Ok(expected) => assert_eq!(&names, expected, "{name}: tables of mdb-tables"),
        Err(why) => println!("{name}: not compared with mdbtools: {why}"),
    }
    let (mut outcome, mut notes) = (
        Outcome {
            read: true,
            ..Outcome::default()
        },
        String::new(),
    );
    for table in &names {
        match count_rows(&mut source, table) {
            Ok((n, errors)) => {
                assert_eq!(errors, 0, "{name} {table}: cells in error");
                outcome.tables_read += 1;
                if reference.is_err() {
                    continue;
                }
                match mdb_export(path, table) {
                    Ok(records) => assert_eq!(n, records.len() as u64, "{name} {table}"),
                    Err(why) => println!("{name} {table}: mdb-export not compared: {why}"),
                }
            }
            Err(e) => {
                assert!(
                    matches!(e, SourceError::UnsupportedColumn { .. }),
                    "{name}: {e}"
                );
                notes.push_str(&format!("\n    table refused: {e}"));
                outcome.tables_refused += 1;
            }
        }
    }
    println!("{name}: read, {} table(s){notes}", names.len());
    outcome
}
