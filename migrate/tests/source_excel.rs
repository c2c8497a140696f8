//! The Excel source on the company's stock workbooks (../shared/legacy/stock) and broken files.

use std::path::{Path, PathBuf};

use bascule_migrate::source::{
    Cell, ExcelSource, OpenOptions, Position, ReadOptions, Source, SourceError, SourceKind,
    SourceRecord,
};
use calamine::{Data, Reader};
use chrono::NaiveDate;

const STOCK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/legacy/stock/stock.xlsx"
);
const STOCK_2018: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/legacy/stock/stock-2018.xls"
);

fn open(path: &str) -> ExcelSource {
    ExcelSource::open(Path::new(path), &OpenOptions::default()).expect("open")
}

fn header(row: u32) -> ReadOptions {
    ReadOptions {
        header_row: Some(row),
    }
}

/// Reads a whole sheet: its column names, its records and the final position.
fn read_all(
    source: &mut ExcelSource,
    sheet: &str,
    options: &ReadOptions,
    resume: Option<&Position>,
) -> (Vec<String>, Vec<SourceRecord>, Position) {
    let mut reader = source.read(sheet, options, resume).expect("read");
    let columns = reader.columns().iter().map(|c| c.name.clone()).collect();
    let mut records = Vec::new();
    while let Some(record) = reader.next_record().expect("record") {
        records.push(record);
    }
    (columns, records, reader.position())
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("source_excel_{name}"));
    std::fs::write(&path, bytes).expect("write the test file");
    path
}

fn date(y: i32, m: u32, d: u32) -> Cell {
    Cell::DateTime(
        NaiveDate::from_ymd_opt(y, m, d)
            .expect("a valid date")
            .and_hms_opt(0, 0, 0)
            .expect("a valid date"),
    )
}

#[test]
fn stock_lists_every_sheet_including_the_hidden_archive() {
    let mut source = open(STOCK);
    assert_eq!(source.kind(), SourceKind::Excel);
    assert!(source.name().ends_with("stock.xlsx"));
    let tables = source.tables().unwrap();
    let listed: Vec<_> = tables.iter().map(|t| (t.name.as_str(), t.hidden)).collect();
    assert_eq!(
        listed,
        [
            ("Atelier", false),
            ("Magasin", false),
            ("Archives 2019", true)
        ]
    );
    // Without a header row, the first non-empty row (the merged title) names the columns.
    assert_eq!(tables[0].columns[0].name, "ÉTAT DU STOCK – ATELIER");
    assert_eq!(tables[0].columns[8].name, "column_I");
    assert_eq!(tables[2].columns.len(), 10);
}

#[test]
fn atelier_header_is_row_three() {
    let mut source = open(STOCK);
    let expected = [
        "Référence",
        "Désignation",
        "Qté en stock",
        "Unité",
        "Emplacement",
        "Seuil mini",
        "Fournisseur",
        "Prix unitaire HT",
        "Dernier inventaire",
    ];
    let reader = source.read("Atelier", &header(2), None).unwrap();
    let columns: Vec<_> = reader.columns().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, expected);
    drop(reader);
    let (columns, _, _) = read_all(&mut source, "Archives 2019", &header(2), None);
    assert_eq!(columns.last().map(String::as_str), Some("Dépôt"));
    assert_eq!(columns.len(), 10);
}

/// The non-empty rows after the header, as calamine's in-memory range has them:
/// `(1-based Excel row, values from column A)`.
fn range_rows(path: &str, sheet: &str, header_index: u32) -> Vec<(u32, Vec<Data>)> {
    let mut book = calamine::open_workbook_auto(path).expect("calamine open");
    let range = book.worksheet_range(sheet).expect("calamine range");
    let Some((first_row, first_col)) = range.start() else {
        return Vec::new();
    };
    assert_eq!(first_col, 0);
    range
        .rows()
        .enumerate()
        .map(|(i, row)| (first_row + i as u32, row))
        .filter(|(r, row)| *r > header_index && row.iter().any(|d| *d != Data::Empty))
        .map(|(r, row)| (r + 1, row.to_vec()))
        .collect()
}

fn expected_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Null,
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::DateTime(dt.as_datetime().expect("a date")),
        Data::Error(e) => Cell::Error(e.to_string()),
        other => panic!("unexpected cell {other:?}"),
    }
}

#[test]
fn records_match_the_in_memory_range_cell_for_cell() {
    // Counts measured with calamine's worksheet_range (rows after the header with a non-empty
    // cell); they include the TOTAL row. Empty rows inside the data: 6, 6, 1 and none.
    let cases = [
        (STOCK, "Atelier", 2, 984),
        (STOCK, "Magasin", 2, 1703),
        (STOCK, "Archives 2019", 2, 401),
        (STOCK_2018, "Inventaire 2018", 0, 1801),
    ];
    for (path, sheet, header_index, count) in cases {
        let mut source = open(path);
        let (columns, records, position) =
            read_all(&mut source, sheet, &header(header_index), None);
        let expected = range_rows(path, sheet, header_index);
        assert_eq!(records.len(), expected.len(), "{sheet}");
        assert_eq!(records.len(), count, "{sheet}");
        for (i, (record, (row, values))) in records.iter().zip(&expected).enumerate() {
            assert_eq!(record.ordinal, i as u64 + 1);
            assert_eq!(record.locator, format!("row {row}"));
            assert_eq!(record.cells.len(), columns.len());
            let cells: Vec<_> = values.iter().map(expected_cell).collect();
            assert_eq!(record.cells, cells, "{sheet} {}", record.locator);
        }
        let last_row = expected.last().map(|(r, _)| *r).unwrap();
        assert_eq!(position, Position(format!("row {last_row}")));
    }
}

#[test]
fn text_typed_numbers_stay_text_and_real_dates_are_datetimes() {
    let mut source = open(STOCK);
    let (_, records, _) = read_all(&mut source, "Atelier", &header(2), None);
    let row_58 = records.iter().find(|r| r.locator == "row 58").unwrap();
    assert_eq!(row_58.cells[2], Cell::Text("17\u{202f}677".to_owned()));
    // Strings among the non-empty "Qté en stock" cells: 76 of 982 (STACK.md section 7).
    let quantities: Vec<_> = records
        .iter()
        .map(|r| &r.cells[2])
        .filter(|c| !c.is_null())
        .collect();
    assert_eq!(quantities.len(), 982);
    assert_eq!(
        quantities
            .iter()
            .filter(|c| matches!(c, Cell::Text(_)))
            .count(),
        76
    );
    // Whole numbers stay floats; text is kept raw, trailing spaces included.
    assert_eq!(
        records[0].cells[1],
        Cell::Text("Vis TF M8x32 zinguée  ".to_owned())
    );
    assert_eq!(records[0].cells[2], Cell::Float(27685.0));
    assert_eq!(records[0].cells[8], date(2024, 12, 31));

    let (_, records, _) = read_all(&mut source, "Magasin", &header(2), None);
    assert_eq!(records[0].cells[8], Cell::Text("31/12/2024".to_owned()));
    assert_eq!(records[1].cells[8], date(2025, 8, 10));

    // The .xls gives whole numbers as integers.
    let mut old = open(STOCK_2018);
    let (_, records, _) = read_all(&mut old, "Inventaire 2018", &header(0), None);
    assert_eq!(records[0].cells[2], Cell::Int(59));
    assert_eq!(records[0].cells[7], Cell::Float(18.92));
    assert_eq!(records[0].cells[8], date(2018, 12, 31));
}

#[test]
fn merged_cells_hold_their_value_top_left_only() {
    let mut source = open(STOCK);
    // Header on the title row: the records start with row 2.
    let (_, records, _) = read_all(&mut source, "Magasin", &header(0), None);
    assert_eq!(records[0].locator, "row 2");
    assert_eq!(
        records[0].cells[0],
        Cell::Text("MAJ 26/09/2025 – S. Lefèvre".to_owned())
    );
    assert!(records[0].cells[1..].iter().all(Cell::is_null));
    let (_, records, _) = read_all(&mut source, "Atelier", &header(0), None);
    assert_eq!(
        records[0].cells[0],
        Cell::Text("Mis à jour le :".to_owned())
    );
    assert!(matches!(records[0].cells[1], Cell::DateTime(_)));
}

#[test]
fn the_total_row_is_returned_with_its_cached_value() {
    let mut source = open(STOCK);
    let totals = [
        ("Atelier", 993, 5464793.071),
        ("Magasin", 1712, 11832147.368),
    ];
    for (sheet, row, total) in totals
        .into_iter()
        .chain([("Archives 2019", 405, 2555033.097)])
    {
        let (_, records, _) = read_all(&mut source, sheet, &header(2), None);
        let last = records.last().unwrap();
        assert_eq!(last.locator, format!("row {row}"));
        assert_eq!(last.cells[0], Cell::Text("TOTAL".to_owned()));
        assert_eq!(last.cells[2], Cell::Float(total));
    }
}

#[test]
fn resume_returns_exactly_the_rest() {
    for (path, sheet, header_index) in [(STOCK, "Atelier", 2), (STOCK_2018, "Inventaire 2018", 0)] {
        let mut source = open(path);
        let options = header(header_index);
        let (_, all, end) = read_all(&mut source, sheet, &options, None);
        let mut reader = source.read(sheet, &options, None).unwrap();
        let start = reader.position();
        for _ in 0..500 {
            reader.next_record().unwrap().unwrap();
        }
        let middle = reader.position();
        drop(reader);
        assert_eq!(middle.0, all[499].locator);
        let (_, rest, rest_end) = read_all(&mut source, sheet, &options, Some(&middle));
        assert_eq!(rest, all[500..]);
        assert_eq!(rest_end, end);
        // From the position before the first record: everything; from the end: nothing.
        let (_, again, _) = read_all(&mut source, sheet, &options, Some(&start));
        assert_eq!(again, all);
        let (_, none, none_end) = read_all(&mut source, sheet, &options, Some(&end));
        assert!(none.is_empty());
        assert_eq!(none_end, end);
    }
    let mut source = open(STOCK);
    let bad = Position("halfway".to_owned());
    let error = source
        .read("Atelier", &header(2), Some(&bad))
        .err()
        .unwrap();
    assert!(matches!(error, SourceError::BadPosition { .. }), "{error}");
}

#[test]
fn the_2018_workbook_and_its_empty_sheets() {
    let mut source = open(STOCK_2018);
    let tables = source.tables().unwrap();
    let names: Vec<_> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Inventaire 2018", "Feuil2", "Feuil3"]);
    assert!(tables.iter().all(|t| !t.hidden));
    let columns: Vec<_> = tables[0].columns.iter().map(|c| c.name.as_str()).collect();
    let expected = [
        "Ref",
        "Designation",
        "Qte",
        "Unite",
        "Magasin",
        "Empl.",
        "Fournisseur",
        "PU HT",
        "Date inv.",
    ];
    assert_eq!(columns, expected);
    for sheet in ["Feuil2", "Feuil3"] {
        assert!(
            tables
                .iter()
                .find(|t| t.name == sheet)
                .unwrap()
                .columns
                .is_empty()
        );
        for options in [ReadOptions::default(), header(0), header(5)] {
            let (columns, records, _) = read_all(&mut source, sheet, &options, None);
            assert!(columns.is_empty() && records.is_empty(), "{sheet}");
        }
    }
}

#[test]
fn header_names_are_trimmed_named_when_empty_and_made_unique() {
    let mut source = open(STOCK);
    // Row 4 as header: a trailing-space name is trimmed, the empty E4 becomes column_E.
    let (columns, records, _) = read_all(&mut source, "Atelier", &header(3), None);
    assert_eq!(columns[1], "Vis TF M8x32 zinguée");
    assert_eq!(columns[4], "column_E");
    assert_eq!(records[0].locator, "row 5");
    // Row 37 of Magasin holds 20 twice (quantity and threshold).
    let (columns, _, _) = read_all(&mut source, "Magasin", &header(36), None);
    assert_eq!((columns[2].as_str(), columns[5].as_str()), ("20", "20 (2)"));
    // A header row below a blank row: the header is empty, columns are named by letter.
    let (columns, records, _) = read_all(&mut source, "Archives 2019", &header(1), None);
    assert_eq!(columns[0], "column_A");
    assert_eq!(columns[9], "column_J");
    assert_eq!(records[0].locator, "row 3");
    assert_eq!(records[0].cells[0], Cell::Text("Référence".to_owned()));
}

#[test]
fn a_missing_sheet_lists_the_sheets() {
    let mut source = open(STOCK);
    let error = source
        .read("Stock", &ReadOptions::default(), None)
        .err()
        .unwrap();
    match &error {
        SourceError::TableNotFound {
            table, available, ..
        } => {
            assert_eq!(table, "Stock");
            assert_eq!(available, "Atelier, Magasin, Archives 2019");
        }
        other => panic!("unexpected {other}"),
    }
}

fn assert_format_error(result: Result<ExcelSource, SourceError>, what: &str) {
    match result {
        Err(SourceError::Format {
            format, message, ..
        }) => {
            assert_eq!(format, "Excel", "{what}");
            assert!(!message.is_empty(), "{what}");
        }
        Err(other) => panic!("{what}: unexpected {other}"),
        Ok(_) => panic!("{what}: opened"),
    }
}

#[test]
fn broken_files_give_clean_errors() {
    let options = OpenOptions::default();
    let stock = std::fs::read(STOCK).unwrap();
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases = [
        ("empty.xlsx", Vec::new()),
        ("random.xlsx", random.clone()),
        ("random.xls", random.clone()),
        ("random.ods", random),
        ("text.xlsx", b"Ref;Qte\r\nMP-00001;12\r\n".to_vec()),
        ("truncated.xlsx", stock[..stock.len() / 2].to_vec()),
        (
            "truncated.xls",
            std::fs::read(STOCK_2018).unwrap()[..4096].to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        assert_format_error(ExcelSource::open(&scratch(name, &bytes), &options), name);
    }
    let missing = ExcelSource::open(Path::new("/nonexistent/stock.xlsx"), &options);
    assert!(matches!(missing, Err(SourceError::Io { .. })));

    // A damaged sheet inside an intact zip: the error comes while reading, never a panic.
    let mut damaged = stock.clone();
    let middle = damaged.len() / 4;
    damaged[middle..middle + 2000]
        .iter_mut()
        .for_each(|b| *b = !*b);
    match ExcelSource::open(&scratch("damaged.xlsx", &damaged), &options) {
        Err(error) => assert!(matches!(error, SourceError::Format { .. }), "{error}"),
        Ok(mut source) => {
            let mut failed = None;
            for sheet in ["Atelier", "Magasin", "Archives 2019"] {
                let Ok(mut reader) = source.read(sheet, &header(2), None).map_err(|e| {
                    failed = Some(e);
                }) else {
                    continue;
                };
                while failed.is_none() {
                    match reader.next_record() {
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => failed = Some(e),
                    }
                }
            }
            let error = failed.expect("the damage goes unnoticed");
            assert!(matches!(error, SourceError::Format { .. }), "{error}");
        }
    }
}
