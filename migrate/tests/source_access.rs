//! The MS Access source on the company's files, on a public corpus checked against mdbtools,
//! and on broken, truncated and password-protected files.

mod common;

use std::str::FromStr;

use bascule_migrate::source::{AccessSource, Cell, Position, Source, SourceError, SourceKind};
use chrono::{NaiveDate, Timelike};
use common::corpus;
use common::mdbtools::mdb_export;
use common::{at, column, count_rows, earliest, open, options, read_all, read_everything, shared};
use rust_decimal::Decimal;

#[test]
fn production_tables_types_and_counts() {
    for (file, counts) in [
        ("legacy/production/production.mdb", [122, 1200, 7132]),
        (
            "legacy/production/production-large.mdb",
            [81, 5000, 199_603],
        ),
    ] {
        let mut source = open(file);
        assert_eq!(source.kind(), SourceKind::Access);
        let tables = source.tables().expect("tables");
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["Outillage", "OrdresFabrication", "SuiviProduction"],
            "{file}"
        );
        let types: Vec<(&str, &str)> = (tables[0].columns.iter())
            .map(|c| (c.name.as_str(), c.declared_type.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(types[0], ("ID", "Long"));
        assert_eq!(types[1], ("Code", "Text(20)"));
        assert_eq!(types[4], ("Date d'achat", "Timestamp"));
        assert_eq!(types[8], ("Prix d'achat", "Money"));
        assert_eq!(types[9], ("Remarques", "Memo"));
        for (table, expected) in tables.iter().zip(counts) {
            assert_eq!(table.row_count, Some(expected), "{file} {}", table.name);
            assert_eq!(
                count_rows(&mut source, &table.name).expect("read"),
                (expected, 0)
            );
        }
    }
}

#[test]
fn production_values_are_exact() {
    let mut source = open("legacy/production/production.mdb");
    let tools = read_all(&mut source, "Outillage", None);
    let first = &tools[0];
    assert_eq!(first.locator, "row 1 (ID=1)");
    assert_eq!(first.cells[0], Cell::Int(1));
    assert_eq!(first.cells[1], Cell::Text("MOU-0672".into()));
    assert_eq!(first.cells[4], at(2020, 10, 20, 0, 0));
    let price = Decimal::from_str("67787.15").expect("decimal");
    assert_eq!(first.cells[8], Cell::Decimal(price));
    assert_eq!(
        first.cells[8].to_raw_string().as_deref(),
        Some("67787.1500")
    );
    // Machines of the founding workshop, bought before 1900 (negative day counts).
    let bought: Vec<&Cell> = tools.iter().map(|r| &r.cells[4]).collect();
    assert!(
        bought.contains(&&at(1879, 7, 1, 0, 0)),
        "1879-07-01 is read"
    );
    assert!(
        bought.contains(&&at(1887, 5, 12, 0, 0)),
        "1887-05-12 is read"
    );
    assert_eq!(
        earliest(&tools, 4).date(),
        NaiveDate::from_ymd_opt(1879, 7, 1).expect("date")
    );
    // Year-0202 typing mistakes are kept as they are, with their time of day.
    let year_202 = |m, d| NaiveDate::from_ymd_opt(202, m, d).expect("date");
    assert_eq!(earliest(&tools, 7).date(), year_202(2, 10));
    let declarations = read_all(&mut source, "SuiviProduction", None);
    assert_eq!(declarations.len(), 7132);
    let date = column(&mut source, "SuiviProduction", "Date");
    assert_eq!(
        Cell::DateTime(earliest(&declarations, date)),
        at(202, 3, 28, 10, 29)
    );
    let locator = &declarations[16].locator;
    assert!(
        locator.starts_with("row 17 (N°=") && locator.ends_with(')'),
        "{locator}"
    );
    let orders = read_all(&mut source, "OrdresFabrication", None);
    let launched = column(&mut source, "OrdresFabrication", "Date lancement");
    assert_eq!(earliest(&orders, launched).date(), year_202(6, 11));
}

#[test]
fn clients_file_values() {
    let mut source = open("legacy/clients/clients.mdb");
    let tables = source.tables().expect("tables");
    assert_eq!(tables.len(), 1);
    assert_eq!(
        (tables[0].name.as_str(), tables[0].row_count),
        ("Clients", Some(601))
    );
    let actif = tables[0]
        .columns
        .iter()
        .find(|c| c.name == "Actif")
        .expect("Actif");
    assert_eq!(actif.declared_type.as_deref(), Some("Boolean"));
    let clients = read_all(&mut source, "Clients", None);
    assert_eq!(clients.len(), 601);
    assert_eq!(clients[0].locator, "row 1 (N°=1)");
    assert_eq!(clients[0].cells[1], Cell::Text("C00327".into()));
    assert_eq!(clients[0].cells[10], at(1992, 3, 7, 0, 0));
    assert_eq!(clients[0].cells[11], Cell::Bool(false));
    assert_eq!(clients[1].cells[11], Cell::Bool(true));
    let created = earliest(&clients, 10).date();
    assert_eq!(created, NaiveDate::from_ymd_opt(202, 11, 26).expect("date"));
}

/// Every value but the dates (mdbtools cannot show those before 1900) is what mdb-export shows.
#[test]
fn company_files_match_mdb_export() {
    for file in [
        "legacy/production/production.mdb",
        "legacy/clients/clients.mdb",
    ] {
        let mut source = open(file);
        for table in source.tables().expect("tables") {
            let expected = match mdb_export(&shared(file), &table.name) {
                Ok(records) => records,
                Err(why) => return println!("mdb-export not used: {why}"),
            };
            let records = read_all(&mut source, &table.name, None);
            assert_eq!(records.len(), expected.len(), "{file} {}", table.name);
            for (record, fields) in records.iter().zip(&expected) {
                for (cell, field) in record.cells.iter().zip(fields) {
                    let Some(shown) = common::mdbtools::shown(cell) else {
                        continue;
                    };
                    let field = String::from_utf8_lossy(field);
                    assert_eq!(shown, field, "{file} {} {}", table.name, record.locator);
                }
            }
        }
    }
}

#[test]
fn resume_gives_exactly_the_remaining_rows() {
    common::check_resume("legacy/production/production.mdb", "SuiviProduction", 3000);
    common::check_resume("legacy/production/production.mdb", "Outillage", 1);
    common::check_resume(
        "legacy/production/production-large.mdb",
        "SuiviProduction",
        150_000,
    );
}

#[test]
fn bad_positions_and_unknown_tables_are_refused() {
    let mut source = open("legacy/production/production.mdb");
    for bad in ["", "3", "a:b:c", "1:2:3:4", "999999:0:0"] {
        let result = source.read(
            "Outillage",
            &Default::default(),
            Some(&Position(bad.into())),
        );
        assert!(
            matches!(result, Err(SourceError::BadPosition { .. })),
            "{bad:?}"
        );
    }
    match source.read("Outils", &Default::default(), None) {
        Err(SourceError::TableNotFound { available, .. }) => {
            assert_eq!(available, "Outillage, OrdresFabrication, SuiviProduction");
        }
        _ => panic!("an unknown table is refused"),
    }
    let system = source.read("MSysObjects", &Default::default(), None).err();
    let not_found = matches!(system, Some(SourceError::TableNotFound { .. }));
    assert!(not_found, "system tables are not read");
    assert_eq!(
        count_rows(&mut source, "outillage").expect("any case").0,
        122
    );
}

/// jetdb 0.4 reads fixed-length Text as NULL, where mdb-export shows "N": refused.
#[test]
fn fixed_length_text_is_refused() {
    for file in [
        "V2000/fixedTextTestV2000.mdb",
        "V2003/fixedTextTestV2003.mdb",
        "V2007/fixedTextTestV2007.accdb",
    ] {
        let path = shared(&format!("access-corpus/jackcess/data/{file}"));
        if let Ok(records) = mdb_export(&path, "users") {
            let flags = records
                .iter()
                .filter(|r| r.iter().any(|f| f == b"N"))
                .count();
            assert_eq!(
                flags,
                records.len(),
                "mdb-export shows the flag {records:?}"
            );
        }
        let mut source = AccessSource::open(&path, &options(None)).expect("opens");
        let tables = source.tables().expect("tables");
        let flag = tables[0]
            .columns
            .iter()
            .find(|c| c.name == "c_flag_")
            .expect("c_flag_");
        assert_eq!(flag.declared_type.as_deref(), Some("Text(1) fixed-length"));
        match source.read("users", &Default::default(), None) {
            Err(e @ SourceError::UnsupportedColumn { .. }) => {
                let message = e.to_string();
                assert!(
                    message.contains("c_flag_") && message.contains("fixed-length"),
                    "{message}"
                );
            }
            Err(e) => panic!("{file}: {e}"),
            Ok(_) => panic!("{file}: a fixed-length Text column must be refused"),
        }
    }
}

#[test]
fn broken_and_foreign_files_are_refused() {
    use common::{assert_format_error, scratch};
    let original = std::fs::read(shared("legacy/production/production.mdb")).expect("file");
    let truncated = scratch("truncated.mdb");
    std::fs::write(&truncated, &original[..100 * 1024]).expect("write");
    assert_format_error(
        read_everything(&truncated, None),
        "truncated production.mdb",
    );
    let text = scratch("text.mdb");
    std::fs::write(&text, "Ceci n'est pas une base Access.\n".repeat(300)).expect("write");
    assert_format_error(read_everything(&text, None), "text file");
    let empty = scratch("empty.accdb");
    std::fs::write(&empty, b"").expect("write");
    assert_format_error(read_everything(&empty, None), "empty file");
    let missing = scratch("missing.mdb");
    assert!(matches!(
        AccessSource::open(&missing, &options(None)),
        Err(SourceError::Io { .. })
    ));
    // Damaged pages: read or refused with an error, never a panic nor rows silently lost.
    for round in 0..6 {
        let damaged = common::damaged_copy(&original, round);
        match read_everything(&damaged, None) {
            Ok(counts) => {
                let expected = [
                    ("Outillage", 122),
                    ("OrdresFabrication", 1200),
                    ("SuiviProduction", 7132),
                ];
                let expected = expected.map(|(t, n)| (t.to_string(), n));
                assert_eq!(
                    counts, expected,
                    "damaged copy {round}: all rows or an error"
                );
            }
            Err(e) => println!("damaged copy {round}: refused: {e}"),
        }
    }
}

#[test]
fn encrypted_files_need_their_password() {
    let path = shared("access-corpus/jackcessencrypt/db2007-enc.accdb");
    let none = AccessSource::open(&path, &options(None));
    assert!(matches!(none, Err(SourceError::PasswordRequired { .. })));
    let wrong = AccessSource::open(&path, &options(Some("test123")));
    assert!(matches!(wrong, Err(SourceError::WrongPassword { .. })));
    let counts = read_everything(&path, Some("Test123")).expect("reads with the password");
    assert!(counts.iter().any(|(_, n)| *n > 0), "{counts:?}");
}

/// A Jet database password is only in the header (jetdb ignores it); it is checked here.
#[test]
fn jet_database_password_is_checked() {
    for (file, table, rows, password, jet4) in [
        (
            "legacy/clients/clients.mdb",
            "Clients",
            601,
            "Sésame 1",
            true,
        ),
        (
            "access-corpus/jackcess/data/V1997/testV1997.mdb",
            "Table1",
            2,
            "secret",
            false,
        ),
    ] {
        let protected = common::protected_copy(file, password, jet4);
        let none = AccessSource::open(&protected, &options(None));
        assert!(
            matches!(none, Err(SourceError::PasswordRequired { .. })),
            "{file}"
        );
        let wrong = AccessSource::open(&protected, &options(Some(&password.to_uppercase())));
        assert!(
            matches!(wrong, Err(SourceError::WrongPassword { .. })),
            "{file}"
        );
        let counts = read_everything(&protected, Some(password)).expect("reads");
        assert!(
            counts.contains(&(table.to_string(), rows)),
            "{file}: {counts:?}"
        );
        // An unprotected file opens with or without a password.
        assert!(read_everything(&shared(file), Some(password)).is_ok());
    }
}

/// Types the company files lack, on corpus files: Numeric, calculated columns, OLE objects,
/// Date/Time Extended, old dates, characters out of the BMP.
#[test]
fn corpus_values_of_other_types() {
    let dec = |s: &str| Cell::Decimal(Decimal::from_str(s).expect("decimal"));
    let mut source = open("access-corpus/jackcess/data/V2010/calcFieldTestV2010.accdb");
    let rows = read_all(&mut source, "Table1", None);
    let cell =
        |name: &str, source: &mut AccessSource| &rows[0].cells[column(source, "Table1", name)];
    assert_eq!(
        cell("LastFirst", &mut source),
        &Cell::Text("Wayne, Bruce".into())
    );
    assert_eq!(cell("MonthlySalary", &mut source), &dec("83333.3333"));
    assert_eq!(cell("Popularity", &mut source), &dec("50.325"));
    assert_eq!(cell("IsRich", &mut source), &Cell::Bool(true));
    let mut source = open("access-corpus/jackcess/data/V2019/extDateTestV2019.accdb");
    let rows = read_all(&mut source, "Table1", None);
    let exact = NaiveDate::from_ymd_opt(2021, 6, 14)
        .and_then(|d| d.and_hms_nano_opt(22, 45, 12, 345_678_900));
    assert_eq!(rows[5].cells[2], Cell::DateTime(exact.expect("date")));
    let seconds = exact.and_then(|t| t.with_nanosecond(0)).expect("date");
    assert_eq!(
        rows[5].cells[3],
        Cell::DateTime(seconds),
        "Date/Time keeps the seconds"
    );
    let mut source = open("access-corpus/jackcess/data/V2007/oldDatesV2007.accdb");
    let dates: Vec<Cell> = read_all(&mut source, "Table1", None)
        .into_iter()
        .map(|r| r.cells[1].clone())
        .collect();
    assert_eq!(
        dates,
        [
            at(1582, 10, 15, 0, 0),
            at(1582, 10, 14, 0, 0),
            at(1492, 1, 10, 0, 0),
            at(1392, 1, 10, 0, 0)
        ]
    );
    let mut source = open("access-corpus/mdbtestdata/nwind.mdb");
    let photo = column(&mut source, "Employees", "Photo");
    let employees = read_all(&mut source, "Employees", None);
    assert!(matches!(&employees[0].cells[photo], Cell::Bytes(b) if b.len() > 10_000));
    let mut source = open("access-corpus/jackcess/data/V2010/testEmoticonsV2010.accdb");
    assert_eq!(
        read_all(&mut source, "data", None)[0].cells[1],
        Cell::Text("a😀a".into())
    );
}

/// Every corpus file is read fully or refused with a clean error; what is read has the
/// tables and row counts of mdbtools, and no cell in error.
#[test]
fn every_corpus_file_is_read_or_refused_cleanly() {
    let root = shared("access-corpus");
    let files = corpus::access_files(&root);
    assert!(files.len() >= 90, "the corpus has {} files", files.len());
    let (mut read, mut tables_read, mut tables_refused) = (0, 0, 0);
    for path in &files {
        let outcome = corpus::check_file(&root, path);
        read += usize::from(outcome.read);
        tables_read += outcome.tables_read;
        tables_refused += outcome.tables_refused;
    }
    let refused = files.len() - read;
    println!(
        "corpus: {} files: {read} read, {refused} refused; {tables_read} tables read, \
         {tables_refused} refused",
        files.len()
    );
    assert_eq!(
        refused, 0,
        "every corpus file opens, with its password if it has one"
    );
}
