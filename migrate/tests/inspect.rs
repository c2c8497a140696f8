//! Source inspection on the company's files (../shared/legacy) and on in-memory sources:
//! inferred types, ratios, examples, bounded sampling, text rendering and draft mappings.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bascule_migrate::engine::entity::Catalog;
use bascule_migrate::engine::plan::compile;
use bascule_migrate::inspect::{
    ColumnProfile, DISTINCT_CAP, InferredType, InspectOptions, SourceProfile, TableProfile,
    draft_mapping, inspect, render_text,
};
use bascule_migrate::mapping::spec::{
    FieldSpec, FieldType, MappingSpec, NamedRule, NamedTransform, OneOrMany, RuleSpec,
    TransformSpec,
};
use bascule_migrate::source::{
    AccessSource, Cell, ColumnInfo, CsvSource, ExcelSource, OpenOptions, Position, ReadOptions,
    Source, SourceError, SourceKind, SourceRecord, TableInfo, TableReader,
};
use chrono::NaiveDate;

const LEGACY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/legacy/");

fn legacy(relative: &str) -> std::path::PathBuf {
    Path::new(LEGACY).join(relative)
}

fn stock_profile() -> SourceProfile {
    let mut source =
        ExcelSource::open(&legacy("stock/stock.xlsx"), &OpenOptions::default()).expect("open");
    let options = InspectOptions {
        header_row: Some(3),
        ..InspectOptions::default()
    };
    inspect(&mut source, &options).expect("inspect")
}

fn fournisseur_profile() -> SourceProfile {
    let mut source = CsvSource::open(
        &legacy("fournisseurs/export/FOURNISSEUR.csv"),
        &OpenOptions::default(),
    )
    .expect("open");
    inspect(&mut source, &InspectOptions::default()).expect("inspect")
}

fn production_profile(options: &InspectOptions) -> SourceProfile {
    let mut source = AccessSource::open(
        &legacy("production/production.mdb"),
        &OpenOptions::default(),
    )
    .expect("open");
    inspect(&mut source, options).expect("inspect")
}

fn table<'a>(profile: &'a SourceProfile, name: &str) -> &'a TableProfile {
    profile
        .tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

fn column<'a>(table: &'a TableProfile, name: &str) -> &'a ColumnProfile {
    table
        .columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", table.name))
}

fn kind_count(column: &ColumnProfile, kind: InferredType) -> u64 {
    column
        .kinds
        .iter()
        .find(|k| k.kind == kind)
        .map_or(0, |k| k.count)
}

/// Parses a draft and returns it with the fields of each feed, by table.
fn parse_draft(draft: &str) -> (MappingSpec, BTreeMap<String, BTreeMap<String, FieldSpec>>) {
    let spec: MappingSpec = toml::from_str(draft).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    let fields = spec
        .feeds
        .iter()
        .map(|feed| {
            let feed = feed.get_ref();
            let fields = feed
                .fields
                .iter()
                .map(|(name, field)| (name.clone(), field.get_ref().clone()))
                .collect();
            (feed.table.get_ref().clone(), fields)
        })
        .collect();
    (spec, fields)
}

/// The plan compiler accepts everything in a draft but its placeholder entities, which
/// it reports with their line.
fn check_compiles(draft: &str, feeds: usize) {
    let errors = compile("draft.toml", draft, Path::new("."), &Catalog::new())
        .expect_err("placeholder entities are reported");
    let messages: Vec<(usize, &str)> = errors
        .errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(messages.len(), feeds, "{messages:?}");
    for (line, message) in messages {
        assert_eq!(message, "unknown entity <entity>");
        let text = draft.lines().nth(line - 1).unwrap_or_default();
        assert_eq!(text, "entity = \"<entity>\"");
    }
}

fn from(field: &FieldSpec) -> Vec<&str> {
    field
        .from
        .as_ref()
        .map(OneOrMany::columns)
        .unwrap_or_default()
}

fn transforms(field: &FieldSpec) -> Vec<TransformSpec> {
    field
        .transforms
        .iter()
        .map(|t| t.get_ref().clone())
        .collect()
}

fn date_formats(field: &FieldSpec) -> Vec<String> {
    field
        .transforms
        .iter()
        .find_map(|t| match t.get_ref() {
            TransformSpec::Date { date } => Some(date.formats.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

#[test]
fn stock_workbook_sheets_types_and_ratios() {
    let profile = stock_profile();
    assert_eq!(profile.kind, SourceKind::Excel);
    let sheets: Vec<_> = profile
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t.hidden))
        .collect();
    assert_eq!(
        sheets,
        [
            ("Atelier", false),
            ("Magasin", false),
            ("Archives 2019", true)
        ]
    );
    let atelier = table(&profile, "Atelier");
    // Every non-empty row after the header, the TOTAL row included.
    assert_eq!((atelier.rows_profiled, atelier.complete), (984, true));
    assert_eq!(atelier.columns.len(), 9);

    let quantity = column(atelier, "Qté en stock");
    assert_eq!(quantity.inferred_type, InferredType::Mixed);
    // 982 values: 906 number cells and 76 texts, mostly French numbers ("17 677").
    assert_eq!(quantity.values, 982);
    assert_eq!(quantity.cell_types.get("float"), Some(&906));
    assert_eq!(quantity.cell_types.get("text"), Some(&76));
    let numbers =
        kind_count(quantity, InferredType::Int) + kind_count(quantity, InferredType::Decimal);
    assert!(numbers >= 906, "{:?}", quantity.kinds);
    assert!(kind_count(quantity, InferredType::FrenchDecimal) > 30);
    assert_eq!(quantity.kinds.iter().map(|k| k.count).sum::<u64>(), 982);
    assert!(
        quantity.kinds.windows(2).all(|w| w[0].count >= w[1].count),
        "most frequent first: {:?}",
        quantity.kinds
    );

    let counted = column(atelier, "Dernier inventaire");
    assert_eq!(counted.inferred_type, InferredType::Mixed);
    assert!(kind_count(counted, InferredType::Date) > 900);
    assert!(kind_count(counted, InferredType::FrenchDate) > 0);
    assert!(counted.date_formats.contains(&"%d/%m/%Y".to_owned()));

    let reference = column(atelier, "Référence");
    assert_eq!(reference.inferred_type, InferredType::Text);
    assert!(
        reference.distinct_ratio > 0.99,
        "{}",
        reference.distinct_ratio
    );
    assert!(reference.null_ratio < 0.01);
    assert!(!reference.distinct_capped);
    assert_eq!(reference.examples.len(), 5);
    assert!(reference.max_length >= 8);

    let unit = column(atelier, "Unité");
    assert_eq!(unit.distinct, 6);
    assert!(unit.distinct_ratio < 0.01);
    let threshold = column(atelier, "Seuil mini");
    assert!(threshold.null_ratio > 0.2, "{}", threshold.null_ratio);
    // Raw text is kept as typed, trailing spaces included.
    let designation = column(atelier, "Désignation");
    assert_eq!(designation.examples[0], "Vis TF M8x32 zinguée  ");

    let archives = table(&profile, "Archives 2019");
    assert_eq!(column(archives, "Dépôt").distinct, 2);
    assert_eq!(
        column(archives, "Emplacement").inferred_type,
        InferredType::Empty
    );
}

#[test]
fn stock_workbook_renders_and_drafts() {
    let profile = stock_profile();
    let text = render_text(&profile);
    for name in [
        "Atelier",
        "Magasin",
        "Archives 2019 [hidden]",
        "Qté en stock",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    assert!(text.contains("header row 3"), "{text}");
    assert!(text.contains("french_decimal (cells: "), "{text}");

    let draft = draft_mapping(&profile, "stock", "stock/stock.xlsx", "stock");
    let (spec, feeds) = parse_draft(&draft);
    assert_eq!(spec.domain.get_ref(), "stock");
    let source = spec.sources.get("stock").expect("source").get_ref();
    assert_eq!(source.path.as_deref(), Some("stock/stock.xlsx"));
    assert_eq!(spec.feeds.len(), 3);
    for feed in &spec.feeds {
        let feed = feed.get_ref();
        assert_eq!(feed.header_row, Some(3));
        assert_eq!(feed.entity.get_ref(), "<entity>");
        assert_eq!(feed.source.get_ref(), "stock");
    }
    let atelier = &feeds["Atelier"];
    let names: Vec<&str> = atelier.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "dernier_inventaire",
            "designation",
            "emplacement",
            "fournisseur",
            "prix_unitaire_ht",
            "qte_en_stock",
            "reference",
            "seuil_mini",
            "unite"
        ]
    );
    let quantity = &atelier["qte_en_stock"];
    assert_eq!(from(quantity), ["Qté en stock"]);
    assert_eq!(quantity.ty, FieldType::Decimal);
    assert_eq!(
        transforms(quantity),
        [TransformSpec::Named(NamedTransform::FrenchNumber)]
    );
    let counted = &atelier["dernier_inventaire"];
    assert_eq!(counted.ty, FieldType::Date);
    let formats = date_formats(counted);
    assert!(formats.contains(&"%d/%m/%Y".to_owned()), "{formats:?}");
    assert_eq!(
        transforms(&atelier["reference"]),
        [TransformSpec::Named(NamedTransform::Trim)]
    );
    assert!(draft.contains("# Qté en stock: mixed ("), "{draft}");
    assert!(draft.contains("# Archives 2019 (hidden)"), "{draft}");
    check_compiles(&draft, 3);
}

#[test]
fn supplier_csv_emails_siret_and_two_digit_year_dates() {
    let profile = fournisseur_profile();
    assert_eq!(profile.kind, SourceKind::Csv);
    let suppliers = table(&profile, "FOURNISSEUR");
    assert_eq!((suppliers.rows_profiled, suppliers.complete), (149, true));
    assert_eq!(
        column(suppliers, "EMAIL").inferred_type,
        InferredType::Email
    );
    let siret = column(suppliers, "SIRET").inferred_type;
    assert!(
        matches!(siret, InferredType::Int | InferredType::Text),
        "{siret:?}"
    );
    let created = column(suppliers, "DATE_CREATION");
    assert_eq!(created.inferred_type, InferredType::FrenchDate);
    assert_eq!(created.date_formats, ["%d/%m/%y"]);
    assert_eq!(
        column(suppliers, "ID_FOURNISSEUR").inferred_type,
        InferredType::Int
    );
    assert_eq!(column(suppliers, "ID_FOURNISSEUR").distinct_ratio, 1.0);
    assert_eq!(column(suppliers, "ACTIF").inferred_type, InferredType::Bool);
    // Postal codes of the Ain start with 0: codes, not numbers.
    assert_eq!(
        column(suppliers, "CODE_POSTAL").inferred_type,
        InferredType::Text
    );
    // A long comment is cut to 60 characters, the last an ellipsis.
    let comment = column(suppliers, "COMMENTAIRE");
    assert!(comment.max_length > 60);
    assert!(comment.examples.iter().all(|e| e.chars().count() <= 60));
    assert!(comment.examples.iter().any(|e| e.ends_with('…')));

    let text = render_text(&profile);
    assert!(text.contains("FOURNISSEUR"), "{text}");
    assert!(text.contains("french_date"), "{text}");

    let draft = draft_mapping(
        &profile,
        "gescom",
        "fournisseurs/export/FOURNISSEUR.csv",
        "fournisseurs",
    );
    let (spec, feeds) = parse_draft(&draft);
    assert_eq!(spec.feeds[0].get_ref().header_row, None);
    let fields = &feeds["FOURNISSEUR"];
    let email = &fields["email"];
    assert_eq!(from(email), ["EMAIL"]);
    assert_eq!(email.ty, FieldType::Text);
    assert_eq!(
        transforms(email),
        [
            TransformSpec::Named(NamedTransform::Trim),
            TransformSpec::Named(NamedTransform::Lower)
        ]
    );
    let rules: Vec<RuleSpec> = email.rules.iter().map(|r| r.get_ref().clone()).collect();
    assert_eq!(rules, [RuleSpec::Named(NamedRule::Email)]);
    let created = &fields["date_creation"];
    assert_eq!(created.ty, FieldType::Date);
    assert_eq!(date_formats(created), ["%d/%m/%y"]);
    assert_eq!(
        transforms(&fields["actif"]),
        [TransformSpec::Named(NamedTransform::Boolean)]
    );
    assert_eq!(fields["id_fournisseur"].ty, FieldType::Int);
    check_compiles(&draft, 1);
}

#[test]
fn production_access_counts_money_and_timestamps() {
    let profile = production_profile(&InspectOptions::default());
    assert_eq!(profile.kind, SourceKind::Access);
    let counts: Vec<_> = profile
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t.row_count, t.rows_profiled, t.complete))
        .collect();
    assert_eq!(
        counts,
        [
            ("Outillage", Some(122), 122, true),
            ("OrdresFabrication", Some(1200), 1200, true),
            ("SuiviProduction", Some(7132), 7132, true),
        ]
    );
    let tools = table(&profile, "Outillage");
    let price = column(tools, "Prix d'achat");
    assert_eq!(price.declared_type.as_deref(), Some("Money"));
    assert_eq!(price.inferred_type, InferredType::Decimal);
    assert_eq!(
        column(tools, "Date d'achat").inferred_type,
        InferredType::Date
    );
    let declarations = table(&profile, "SuiviProduction");
    let when = column(declarations, "Date");
    assert_eq!(when.inferred_type, InferredType::Datetime);
    assert_eq!(when.cell_types.get("datetime"), Some(&7132));
    assert_eq!(column(declarations, "N°").distinct_ratio, 1.0);

    let text = render_text(&profile);
    for name in ["Outillage", "OrdresFabrication", "SuiviProduction", "Money"] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    let draft = draft_mapping(
        &profile,
        "production",
        "production/production.mdb",
        "production",
    );
    let (spec, feeds) = parse_draft(&draft);
    assert_eq!(spec.feeds.len(), 3);
    assert_eq!(feeds["Outillage"]["prix_d_achat"].ty, FieldType::Decimal);
    assert_eq!(feeds["Outillage"]["date_d_achat"].ty, FieldType::Date);
    assert_eq!(feeds["SuiviProduction"]["date"].ty, FieldType::Datetime);
    assert_eq!(from(&feeds["SuiviProduction"]["n_of"]), ["N° OF"]);
    assert!(draft.contains("to_utc"), "{draft}");
    check_compiles(&draft, 3);
}

#[test]
fn sample_rows_bounds_the_rows_read() {
    let options = InspectOptions {
        sample_rows: 100,
        ..InspectOptions::default()
    };
    let profile = production_profile(&options);
    let declarations = table(&profile, "SuiviProduction");
    assert_eq!(declarations.row_count, Some(7132));
    assert_eq!(declarations.rows_profiled, 100);
    assert!(!declarations.complete);
    assert!(
        declarations
            .columns
            .iter()
            .all(|c| c.values + c.nulls == 100)
    );
    let text = render_text(&profile);
    assert!(
        text.contains("7132 rows declared, first 100 profiled"),
        "{text}"
    );

    // Exactly as many rows as the table has: the whole table.
    let options = InspectOptions {
        sample_rows: 122,
        ..InspectOptions::default()
    };
    let profile = production_profile(&options);
    let tools = table(&profile, "Outillage");
    assert_eq!((tools.rows_profiled, tools.complete), (122, true));
    assert!(!table(&profile, "OrdresFabrication").complete);
}

// ---------------------------------------------------------------------------------------
// In-memory sources: exact cells, counted reads, failures.

#[derive(Debug, Clone)]
struct MemTable {
    name: String,
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    /// Fails when this record (1-based) is read.
    fail_at: Option<u64>,
    /// Records (1-based) the source marks as defective.
    defects: Vec<u64>,
}

#[derive(Debug, Clone)]
struct MemSource {
    tables: Vec<MemTable>,
    reads: Arc<AtomicU64>,
}

impl MemSource {
    fn new(tables: Vec<MemTable>) -> Self {
        Self {
            tables,
            reads: Arc::new(AtomicU64::new(0)),
        }
    }
}

struct MemReader<'a> {
    table: &'a MemTable,
    columns: Vec<ColumnInfo>,
    next: usize,
    reads: Arc<AtomicU64>,
}

impl TableReader for MemReader<'_> {
    fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }

    fn next_record(&mut self) -> Result<Option<SourceRecord>, SourceError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        let ordinal = self.next as u64 + 1;
        if self.table.fail_at == Some(ordinal) {
            return Err(SourceError::Record {
                source_name: "mem".into(),
                table: self.table.name.clone(),
                locator: format!("line {ordinal}"),
                message: "unterminated quoted field".into(),
            });
        }
        let Some(cells) = self.table.rows.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        Ok(Some(SourceRecord {
            ordinal,
            locator: format!("line {ordinal}"),
            cells: cells.clone(),
            defect: self
                .table
                .defects
                .contains(&ordinal)
                .then(|| "3 fields instead of 1".to_owned()),
        }))
    }

    fn position(&self) -> Position {
        Position(self.next.to_string())
    }
}

impl Source for MemSource {
    fn name(&self) -> &str {
        "mem"
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Csv
    }

    fn tables(&mut self) -> Result<Vec<TableInfo>, SourceError> {
        Ok(self
            .tables
            .iter()
            .map(|t| TableInfo {
                name: t.name.clone(),
                columns: infos(&t.columns),
                row_count: None,
                hidden: false,
            })
            .collect())
    }

    fn read<'a>(
        &'a mut self,
        table: &str,
        _options: &ReadOptions,
        _resume: Option<&Position>,
    ) -> Result<Box<dyn TableReader + 'a>, SourceError> {
        let found = self
            .tables
            .iter()
            .find(|t| t.name == table)
            .ok_or_else(|| SourceError::TableNotFound {
                source_name: "mem".into(),
                table: table.into(),
                available: String::new(),
            })?;
        Ok(Box::new(MemReader {
            table: found,
            columns: infos(&found.columns),
            next: 0,
            reads: Arc::clone(&self.reads),
        }))
    }
}

fn infos(names: &[String]) -> Vec<ColumnInfo> {
    names
        .iter()
        .map(|n| ColumnInfo {
            name: n.clone(),
            declared_type: None,
        })
        .collect()
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

/// One table of one column.
fn single(name: &str, cells: Vec<Cell>) -> MemSource {
    MemSource::new(vec![MemTable {
        name: "t".into(),
        columns: vec![name.to_owned()],
        rows: cells.into_iter().map(|c| vec![c]).collect(),
        fail_at: None,
        defects: Vec::new(),
    }])
}

fn inferred(cells: Vec<Cell>) -> (InferredType, ColumnProfile) {
    let mut source = single("c", cells);
    let profile = inspect(&mut source, &InspectOptions::default()).expect("inspect");
    let column = profile.tables[0].columns[0].clone();
    (column.inferred_type, column)
}

#[test]
fn french_texts_are_recognised() {
    let (ty, _) = inferred(vec![
        text("1 234,50"),
        text("17\u{202f}677"),
        text("10\u{a0}461"),
        text("21,53 €"),
        text("12"),
        text(" "),
        Cell::Null,
    ]);
    assert_eq!(ty, InferredType::FrenchDecimal);
    let (ty, column) = inferred(vec![
        text("31/12/2024"),
        text("27/02/23"),
        text("31-12-2024"),
        text("31.12.2024"),
    ]);
    assert_eq!(ty, InferredType::FrenchDate);
    assert_eq!(
        column.date_formats,
        ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"]
    );
    assert_eq!(inferred(vec![text("32/01/2024")]).0, InferredType::Text);
    assert_eq!(
        inferred(vec![text("a@b.fr"), text(" C.D@E.COM ")]).0,
        InferredType::Email
    );
    assert_eq!(
        inferred(vec![Cell::Float(1.5), Cell::Int(2)]).0,
        InferredType::Decimal
    );
    assert_eq!(
        inferred(vec![Cell::Float(1.0), Cell::Int(2)]).0,
        InferredType::Int
    );
    assert_eq!(
        inferred(vec![Cell::Bool(true), text("N")]).0,
        InferredType::Bool
    );
    assert_eq!(
        inferred(vec![text("2024-12-31 08:15:00")]).0,
        InferredType::Datetime
    );
    assert_eq!(inferred(vec![Cell::Null, text("")]).0, InferredType::Empty);
    let day = NaiveDate::from_ymd_opt(2024, 12, 31).expect("date");
    assert_eq!(inferred(vec![Cell::Date(day)]).0, InferredType::Date);
    let (ty, column) = inferred(vec![Cell::Float(3.0), text("4,5"), text("abc")]);
    assert_eq!(ty, InferredType::Mixed);
    assert_eq!(column.cell_types.get("text"), Some(&2));
    // Mostly numbers with a few ordinary texts among texts only: still numbers.
    let mut cells: Vec<Cell> = (0..99).map(|i| text(&i.to_string())).collect();
    cells.push(text("n/a"));
    assert_eq!(inferred(cells).0, InferredType::Int);
}

#[test]
fn ratios_examples_and_lengths() {
    let cells = vec![
        text("b"),
        text("a"),
        text("b"),
        Cell::Null,
        text("ccc"),
        text("a"),
        text("d"),
        text("e"),
        text("f"),
        text("g"),
    ];
    let mut source = single("Nom", cells);
    let options = InspectOptions {
        samples: 3,
        ..InspectOptions::default()
    };
    let profile = inspect(&mut source, &options).expect("inspect");
    let column = &profile.tables[0].columns[0];
    assert_eq!((column.values, column.nulls, column.distinct), (9, 1, 7));
    assert!((column.null_ratio - 0.1).abs() < 1e-9);
    assert!((column.distinct_ratio - 7.0 / 9.0).abs() < 1e-9);
    assert_eq!(column.examples, ["b", "a", "ccc"]);
    assert_eq!(column.max_length, 3);
}

#[test]
fn distinct_counting_stops_at_the_cap() {
    let cap = DISTINCT_CAP as u64;
    let rows: Vec<Cell> = (0..DISTINCT_CAP as i64 + 10).map(Cell::Int).collect();
    let mut source = single("id", rows);
    let options = InspectOptions {
        sample_rows: 0,
        ..InspectOptions::default()
    };
    let profile = inspect(&mut source, &options).expect("inspect");
    let column = &profile.tables[0].columns[0];
    assert_eq!(profile.tables[0].rows_profiled, cap + 10);
    assert!(profile.tables[0].complete);
    assert!(column.distinct_capped);
    assert_eq!(column.distinct, cap);
    assert!(render_text(&profile).contains(&format!("≥{cap}")));
}

#[test]
fn rows_are_streamed_and_reading_stops_after_the_sample() {
    let rows: Vec<Cell> = (0..5000).map(Cell::Int).collect();
    let mut source = single("n", rows);
    let reads = Arc::clone(&source.reads);
    let options = InspectOptions {
        sample_rows: 10,
        ..InspectOptions::default()
    };
    let profile = inspect(&mut source, &options).expect("inspect");
    assert_eq!(profile.tables[0].rows_profiled, 10);
    assert!(!profile.tables[0].complete);
    // The sample and one more record, to tell whether more follow.
    assert_eq!(reads.load(Ordering::SeqCst), 11);
    let text = render_text(&profile);
    assert!(
        text.contains("first 10 rows profiled, more follow"),
        "{text}"
    );
}

#[test]
fn source_errors_are_propagated() {
    let mut source = MemSource::new(vec![MemTable {
        name: "BROKEN".into(),
        columns: vec!["a".into()],
        rows: vec![vec![text("1")], vec![text("2")]],
        fail_at: Some(2),
        defects: Vec::new(),
    }]);
    let error = inspect(&mut source, &InspectOptions::default()).unwrap_err();
    assert!(matches!(error, SourceError::Record { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "mem, table BROKEN, line 2: unterminated quoted field"
    );

    let missing = CsvSource::open(Path::new("/nonexistent/X.csv"), &OpenOptions::default());
    assert!(missing.is_err());
}

#[test]
fn drafts_name_fields_uniquely_and_quote_what_needs_it() {
    let mut source = MemSource::new(vec![MemTable {
        name: "Feuille \"1\"".into(),
        columns: vec![
            "Qté en stock".into(),
            "Qte en stock".into(),
            "N°".into(),
            "Commentaire".into(),
        ],
        rows: vec![
            vec![
                Cell::Int(1),
                text("1,5"),
                text("1"),
                text("ligne 1\nligne 2 \"x\""),
            ],
            vec![Cell::Int(2), Cell::Null, text("2"), Cell::Null],
        ],
        fail_at: None,
        defects: Vec::new(),
    }]);
    let profile = inspect(&mut source, &InspectOptions::default()).expect("inspect");
    let draft = draft_mapping(&profile, "vieux fichier", "postgres://u@h/db", "stock");
    let (spec, feeds) = parse_draft(&draft);
    let source = spec.sources.get("vieux fichier").expect("source").get_ref();
    assert_eq!(source.url.as_deref(), Some("postgres://u@h/db"));
    assert_eq!(source.path, None);
    let fields = &feeds["Feuille \"1\""];
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["commentaire", "n", "qte_en_stock", "qte_en_stock_2"]
    );
    assert_eq!(from(&fields["qte_en_stock_2"]), ["Qte en stock"]);
    assert_eq!(fields["qte_en_stock_2"].ty, FieldType::Decimal);
    assert_eq!(fields["qte_en_stock"].ty, FieldType::Int);

    let json = serde_json::to_value(&profile).expect("json");
    let column = &json["tables"][0]["columns"][1];
    assert_eq!(column["inferred_type"], "french_decimal");
    assert_eq!(column["null_ratio"], 0.5);
    assert_eq!(json["kind"], "csv");
}

#[test]
fn defective_records_are_counted_and_left_out() {
    let mut source = MemSource::new(vec![MemTable {
        name: "LIGNES".into(),
        columns: vec!["QTE".into()],
        rows: vec![
            vec![text("1,5")],
            vec![text("abc;def;ghi")],
            vec![text("2")],
        ],
        fail_at: None,
        defects: vec![2],
    }]);
    let profile = inspect(&mut source, &InspectOptions::default()).expect("inspect");
    let table = &profile.tables[0];
    assert_eq!((table.rows_profiled, table.defective_rows), (2, 1));
    assert_eq!(
        table.first_defect.as_deref(),
        Some("line 2: 3 fields instead of 1")
    );
    assert_eq!(table.columns[0].inferred_type, InferredType::FrenchDecimal);
    assert!(
        render_text(&profile).contains("1 defective row(s)"),
        "{}",
        render_text(&profile)
    );
    let draft = draft_mapping(&profile, "csv", "LIGNES.csv", "fournisseurs");
    assert!(draft.contains("# 1 defective row(s) will be quarantined; the first at line 2"));
    parse_draft(&draft);
}
