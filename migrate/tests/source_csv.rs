//! The CSV source on the Oracle exports (../shared/legacy/fournisseurs/export) and hand-made files.

use std::path::{Path, PathBuf};

use bascule_migrate::source::{
    Cell, CsvSource, OpenOptions, Position, ReadOptions, Source, SourceError, SourceKind,
    SourceRecord,
};

const EXPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/legacy/fournisseurs/export"
);

fn export(table: &str) -> PathBuf {
    Path::new(EXPORT).join(format!("{table}.csv"))
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("source_csv_{name}"));
    std::fs::write(&path, bytes).expect("write the test file");
    path
}

fn open(path: &Path) -> CsvSource {
    CsvSource::open(path, &OpenOptions::default()).expect("open")
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// Reads the whole file: column names, records and the final position.
fn read_all(
    path: &Path,
    options: &OpenOptions,
    resume: Option<&Position>,
) -> (Vec<String>, Vec<SourceRecord>, Position) {
    let mut source = CsvSource::open(path, options).expect("open");
    let mut reader = source
        .read(&stem(path), &ReadOptions::default(), resume)
        .expect("read");
    let columns = reader.columns().iter().map(|c| c.name.clone()).collect();
    let mut records = Vec::new();
    while let Some(record) = reader.next_record().expect("record") {
        records.push(record);
    }
    (columns, records, reader.position())
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

#[test]
fn the_four_exports_have_the_expected_records() {
    // Counts measured once by hand with Python's csv module:
    // python3 -c "import csv; print(len(list(csv.reader(open(F, newline='', encoding='utf-8'),
    //             delimiter=';'))) - 1)"
    let cases = [
        ("BON_COMMANDE", 1200, 11),
        ("FOURNISSEUR", 149, 18),
        ("LIGNE_COMMANDE", 4007, 10),
        ("PAIEMENT", 1500, 11),
    ];
    for (table, python_count, width) in cases {
        let path = export(table);
        // The same count by the csv crate, all in memory.
        let mut simple = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_path(&path)
            .unwrap();
        let header: Vec<String> = simple
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<csv::StringRecord> = simple.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), python_count, "{table}");

        let (columns, records, _) = read_all(&path, &OpenOptions::default(), None);
        assert_eq!(columns, header, "{table}");
        assert_eq!(columns.len(), width);
        assert_eq!(records.len(), python_count, "{table}");
        // No blank line in the exports: a record starts on the line after the previous one ends.
        let mut line = 2;
        for (i, (record, row)) in records.iter().zip(&rows).enumerate() {
            assert_eq!(record.ordinal, i as u64 + 1);
            assert_eq!(record.locator, format!("line {line}"));
            line += 1 + row.iter().map(|f| f.matches('\n').count()).sum::<usize>();
            let expected: Vec<Cell> = row
                .iter()
                .map(|f| if f.is_empty() { Cell::Null } else { text(f) })
                .collect();
            assert_eq!(record.cells, expected, "{table} {}", record.locator);
        }
    }
}

#[test]
fn one_table_named_after_the_file() {
    let path = export("FOURNISSEUR");
    let mut source = open(&path);
    assert_eq!(source.kind(), SourceKind::Csv);
    assert!(source.name().ends_with("FOURNISSEUR.csv"));
    let tables = source.tables().unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].name, "FOURNISSEUR");
    assert_eq!(tables[0].columns[1].name, "CODE_FOURNISSEUR");
    assert!(!tables[0].hidden);
    let error = source
        .read("PAIEMENT", &ReadOptions::default(), None)
        .err()
        .unwrap();
    assert!(
        matches!(error, SourceError::TableNotFound { ref available, .. } if available == "FOURNISSEUR")
    );
}

#[test]
fn quoted_line_breaks_and_delimiters_survive() {
    let (columns, records, _) = read_all(&export("FOURNISSEUR"), &OpenOptions::default(), None);
    let comment = columns.iter().position(|c| c == "COMMENTAIRE").unwrap();
    // The first supplier spans lines 2 and 3 (a line break inside its comment).
    assert_eq!(records[0].locator, "line 2");
    assert_eq!(records[0].cells[1], text("F00011"));
    assert_eq!(
        records[0].cells[comment],
        text("Tarifs révisés chaque 1er janvier\nLivraison sur rendez-vous uniquement (quai 2)")
    );
    assert_eq!(records[1].locator, "line 4");
    // Record 140 spans lines 148 to 196, with `;` inside its quoted comment.
    assert_eq!(records[139].locator, "line 148");
    assert_eq!(records[140].locator, "line 197");
    let Cell::Text(history) = &records[139].cells[comment] else {
        panic!("no comment")
    };
    assert_eq!(history.lines().count(), 49);
    assert!(history.contains("change de secteur ; nouvel interlocuteur"));
    // Empty fields are NULL: foreign suppliers have no SIRET.
    assert!(records.iter().any(|r| r.cells[3].is_null()));
}

#[test]
fn doubled_quotes_crlf_inside_quotes_and_raw_values() {
    let data = b"\"ID\";\"NOTE\";\"QTE\"\r\n1;\"Il a dit \"\"oui\"\" ; fin\";12,5\r\n2;\"ligne 1\r\nligne 2\";\r\n3;; a \r\n";
    let (columns, records, _) =
        read_all(&scratch("quotes.csv", data), &OpenOptions::default(), None);
    assert_eq!(columns, ["ID", "NOTE", "QTE"]);
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[0].cells,
        [text("1"), text("Il a dit \"oui\" ; fin"), text("12,5")]
    );
    assert_eq!(
        records[1].cells,
        [text("2"), text("ligne 1\r\nligne 2"), Cell::Null]
    );
    assert_eq!(records[2].cells, [text("3"), Cell::Null, text(" a ")]);
    let locators: Vec<_> = records.iter().map(|r| r.locator.as_str()).collect();
    assert_eq!(locators, ["line 2", "line 3", "line 5"]);
}

#[test]
fn windows_1252_is_detected_and_decoded() {
    let data = b"Ref;D\xe9signation;Prix\r\nMP-00001;Caf\xe9 cr\xe8me;12 \x80\r\n";
    let path = scratch("cp1252.csv", data);
    let (columns, records, _) = read_all(&path, &OpenOptions::default(), None);
    assert_eq!(columns, ["Ref", "Désignation", "Prix"]);
    assert_eq!(
        records[0].cells,
        [text("MP-00001"), text("Café crème"), text("12 €")]
    );
    let given = OpenOptions {
        encoding: Some("windows-1252".to_owned()),
        ..OpenOptions::default()
    };
    assert_eq!(read_all(&path, &given, None).1, records);

    // The whole file decides: one Windows-1252 byte after 100,000 ASCII lines.
    let mut long = b"Ref;Nom\r\n".to_vec();
    for i in 0..100_000 {
        long.extend_from_slice(format!("MP-{i:05};Article {i}\r\n").as_bytes());
    }
    long.extend_from_slice(b"MP-X;Pi\xe8ce\r\n");
    let (_, records, _) = read_all(
        &scratch("late1252.csv", &long),
        &OpenOptions::default(),
        None,
    );
    assert_eq!(records.len(), 100_001);
    assert_eq!(records[100_000].cells[1], text("Pièce"));

    // Forced UTF-8 on Windows-1252 bytes: a record error, not a silent replacement character.
    let utf8 = OpenOptions {
        encoding: Some("utf-8".to_owned()),
        ..OpenOptions::default()
    };
    let forced = scratch("forced.csv", b"Ref;Nom\r\nA;B\r\nC;Caf\xe9\r\n");
    let mut source = CsvSource::open(&forced, &utf8).unwrap();
    let mut reader = source
        .read(&stem(&forced), &ReadOptions::default(), None)
        .unwrap();
    assert_eq!(
        reader.next_record().unwrap().unwrap().cells,
        [text("A"), text("B")]
    );
    let error = reader.next_record().unwrap_err();
    assert!(
        matches!(error, SourceError::Record { ref locator, .. } if locator == "line 3"),
        "{error}"
    );

    let bad = OpenOptions {
        encoding: Some("ebcdic".to_owned()),
        ..OpenOptions::default()
    };
    assert!(matches!(
        CsvSource::open(&path, &bad),
        Err(SourceError::Format { .. })
    ));
}

#[test]
fn delimiters_are_detected_or_given() {
    let comma = scratch("comma.csv", b"a,b,c\r\n1,\"x;y\",3\r\n");
    let (columns, records, _) = read_all(&comma, &OpenOptions::default(), None);
    assert_eq!(columns, ["a", "b", "c"]);
    assert_eq!(records[0].cells, [text("1"), text("x;y"), text("3")]);

    let tab = scratch("tab.csv", b"a\tb;c\tb,d\n1\t2\t3\n");
    let (columns, records, _) = read_all(&tab, &OpenOptions::default(), None);
    assert_eq!(columns, ["a", "b;c", "b,d"]);
    assert_eq!(records[0].cells, [text("1"), text("2"), text("3")]);

    let given = OpenOptions {
        delimiter: Some(b'|'),
        ..OpenOptions::default()
    };
    let pipe = scratch("pipe.csv", b"a;b|c\n1;2|3\n");
    let (columns, records, _) = read_all(&pipe, &given, None);
    assert_eq!(columns, ["a;b", "c"]);
    assert_eq!(records[0].cells, [text("1;2"), text("3")]);
}

#[test]
fn a_bom_is_stripped_and_resume_accounts_for_it() {
    let path = scratch(
        "bom.csv",
        b"\xEF\xBB\xBF\"ID\";NOM\r\n1;\xC3\xA9t\xC3\xA9\r\n2;hiver\r\n",
    );
    let (columns, records, _) = read_all(&path, &OpenOptions::default(), None);
    assert_eq!(columns, ["ID", "NOM"]);
    assert_eq!(records[0].cells, [text("1"), text("été")]);
    let mut source = open(&path);
    let mut reader = source
        .read(&stem(&path), &ReadOptions::default(), None)
        .unwrap();
    reader.next_record().unwrap().unwrap();
    let middle = reader.position();
    drop(reader);
    // BOM, header, CR LF, first record, CR: the record's LF is read with the next one.
    assert_eq!(
        middle.0,
        format!("byte={} line=2 ordinal=1", 3 + 8 + 2 + 7 + 1)
    );
    let (_, rest, _) = read_all(&path, &OpenOptions::default(), Some(&middle));
    assert_eq!(rest, records[1..]);
}

#[test]
fn ragged_rows_are_returned_padded_or_cut_and_flagged() {
    let path = scratch(
        "ragged.csv",
        b"A;B;C\r\n1;2\r\n1;2;3;4\r\n5;6;7\r\n\r\n8;;\r\n",
    );
    let (_, records, _) = read_all(&path, &OpenOptions::default(), None);
    let got: Vec<_> = records
        .iter()
        .map(|r| (r.locator.as_str(), r.cells.clone()))
        .collect();
    let defects: Vec<Option<&str>> = records.iter().map(|r| r.defect.as_deref()).collect();
    assert_eq!(
        defects,
        [
            Some("the line has 2 fields, the header 3"),
            Some("the line has 4 fields, the header 3"),
            None,
            None
        ]
    );
    assert_eq!(
        got,
        [
            ("line 2", vec![text("1"), text("2"), Cell::Null]),
            ("line 3", vec![text("1"), text("2"), text("3")]),
            ("line 4", vec![text("5"), text("6"), text("7")]),
            ("line 6", vec![text("8"), Cell::Null, Cell::Null]),
        ]
    );
}

#[test]
fn resume_returns_exactly_the_rest_from_every_position() {
    let path = export("FOURNISSEUR");
    let options = OpenOptions::default();
    let (_, all, end) = read_all(&path, &options, None);
    let mut source = open(&path);
    let mut reader = source
        .read("FOURNISSEUR", &ReadOptions::default(), None)
        .unwrap();
    let mut positions = vec![reader.position()];
    while reader.next_record().unwrap().is_some() {
        positions.push(reader.position());
    }
    drop(reader);
    assert_eq!(positions.last(), Some(&end));
    for (done, position) in positions.iter().enumerate() {
        let (_, rest, rest_end) = read_all(&path, &options, Some(position));
        assert_eq!(rest, all[done..], "after {done} records");
        assert_eq!(rest_end, end);
    }
    // A bigger file, resumed once in the middle.
    let path = export("LIGNE_COMMANDE");
    let (_, all, _) = read_all(&path, &options, None);
    let mut source = open(&path);
    let mut reader = source
        .read("LIGNE_COMMANDE", &ReadOptions::default(), None)
        .unwrap();
    for _ in 0..2500 {
        reader.next_record().unwrap().unwrap();
    }
    let middle = reader.position();
    drop(reader);
    assert_eq!(read_all(&path, &options, Some(&middle)).1, all[2500..]);

    for bad in ["line 12", "byte=x line=1 ordinal=0", "byte=10 line=2"] {
        let mut source = open(&path);
        let position = Position(bad.to_owned());
        let error = source
            .read("LIGNE_COMMANDE", &ReadOptions::default(), Some(&position))
            .err()
            .unwrap();
        assert!(
            matches!(error, SourceError::BadPosition { .. }),
            "{bad}: {error}"
        );
    }
}

#[test]
fn headers_empty_files_and_missing_files() {
    let path = scratch("names.csv", b" ID ;;ID;\r\n1;2;3;4\r\n");
    let (columns, _, _) = read_all(&path, &OpenOptions::default(), None);
    assert_eq!(columns, ["ID", "column_2", "ID (2)", "column_4"]);

    let (columns, records, _) = read_all(&scratch("empty.csv", b""), &OpenOptions::default(), None);
    assert!(columns.is_empty() && records.is_empty());
    let (columns, records, _) = read_all(
        &scratch("header.csv", b"A;B\r\n"),
        &OpenOptions::default(),
        None,
    );
    assert_eq!(columns, ["A", "B"]);
    assert!(records.is_empty());

    let missing = CsvSource::open(
        Path::new("/nonexistent/FOURNISSEUR.csv"),
        &OpenOptions::default(),
    );
    assert!(matches!(missing, Err(SourceError::Io { .. })));
}
