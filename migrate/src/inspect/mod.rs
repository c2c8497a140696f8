//! Source inspection for `bascule inspect SOURCE`: every table's columns, with the type
//! their values suggest, null and distinct ratios and examples, profiled by streaming at
//! most a bounded number of rows; rendered for people, serialized for `--json`, and
//! turned into a draft mapping file to start from.

mod classify;
mod draft;
mod render;

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::source::{Cell, ColumnInfo, ReadOptions, Source, SourceError, SourceKind, TableInfo};

pub use self::draft::draft_mapping;
pub use self::render::render_text;

/// Distinct values are counted up to this number; past it the count is a lower bound.
pub const DISTINCT_CAP: usize = 100_000;

/// Examples are cut to this many characters (an ellipsis included).
pub const EXAMPLE_CHARS: usize = 60;

/// How much of each table to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectOptions {
    /// The most rows profiled per table; 0 reads every row.
    pub sample_rows: usize,
    /// Example values kept per column.
    pub samples: usize,
    /// Excel: the 1-based row number of the header (as `header_row` in a mapping).
    pub header_row: Option<u32>,
}

impl Default for InspectOptions {
    fn default() -> Self {
        Self {
            sample_rows: 10_000,
            samples: 5,
            header_row: None,
        }
    }
}

/// The type a column's values suggest, or the kind of one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InferredType {
    /// No value in the rows profiled.
    Empty,
    /// Boolean cells, or texts such as O/N, oui/non.
    Bool,
    Int,
    Decimal,
    /// Texts such as "1 234,50", "17 677" or "21,53 €".
    FrenchDecimal,
    Date,
    /// A date with a time of day.
    Datetime,
    /// Texts such as "31/12/2024", "27/02/23", "31-12-2024" or "31.12.2024".
    FrenchDate,
    Email,
    Text,
    /// Values of several kinds that no single type covers (see `kinds`).
    Mixed,
}

impl InferredType {
    /// The name used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            InferredType::Empty => "empty",
            InferredType::Bool => "bool",
            InferredType::Int => "int",
            InferredType::Decimal => "decimal",
            InferredType::FrenchDecimal => "french_decimal",
            InferredType::Date => "date",
            InferredType::Datetime => "datetime",
            InferredType::FrenchDate => "french_date",
            InferredType::Email => "email",
            InferredType::Text => "text",
            InferredType::Mixed => "mixed",
        }
    }
}

/// How many values of a column are of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind: InferredType,
    pub count: u64,
}

/// What the inspection found in a source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceProfile {
    /// The source's name: its file path, or its URL without password.
    pub source: String,
    pub kind: SourceKind,
    /// The options of the inspection.
    pub options: InspectOptions,
    pub tables: Vec<TableProfile>,
}

/// One table, sheet or CSV file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableProfile {
    pub name: String,
    /// A hidden Excel sheet, for instance.
    pub hidden: bool,
    /// The number of rows the source declares, when it knows it without reading them.
    pub row_count: Option<u64>,
    /// The rows read and profiled.
    pub rows_profiled: u64,
    /// True when every row of the table was read.
    pub complete: bool,
    /// Records the source could not read as it should (a CSV line with the wrong number
    /// of fields): read but left out of the column profiles; the engine quarantines them.
    pub defective_rows: u64,
    /// The first of them: where it is and why.
    pub first_defect: Option<String>,
    pub columns: Vec<ColumnProfile>,
}

/// One column, over the rows profiled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnProfile {
    pub name: String,
    /// The source's own type name (`Money`, `numeric(12,2)`…), when it has one.
    pub declared_type: Option<String>,
    pub inferred_type: InferredType,
    /// Non-empty values.
    pub values: u64,
    /// Empty cells: nulls and texts of white space only.
    pub nulls: u64,
    /// `nulls` over the rows profiled.
    pub null_ratio: f64,
    /// Distinct raw texts among the values; a lower bound when `distinct_capped`.
    pub distinct: u64,
    /// Counting stopped at [`DISTINCT_CAP`] distinct values: read `distinct` as "≥".
    pub distinct_capped: bool,
    /// `distinct` over `values`: near 1 for a column that identifies its rows.
    pub distinct_ratio: f64,
    /// The longest value as text, in characters.
    pub max_length: usize,
    /// The first distinct values as read, cut to [`EXAMPLE_CHARS`] characters.
    pub examples: Vec<String>,
    /// How many values are of each kind, most frequent first.
    pub kinds: Vec<KindCount>,
    /// How many values came in each kind of source cell (`float`, `text`, `datetime`…).
    pub cell_types: BTreeMap<String, u64>,
    /// The formats (strftime) of the dates and times written as text, in order of appearance.
    pub date_formats: Vec<String>,
}

/// Profiles every table of `source`, reading at most `options.sample_rows` rows of each,
/// one at a time.
pub fn inspect(
    source: &mut dyn Source,
    options: &InspectOptions,
) -> Result<SourceProfile, SourceError> {
    let read_options = ReadOptions {
        header_row: options.header_row.map(|r| r.saturating_sub(1)),
    };
    let tables = source.tables()?;
    let mut profiles = Vec::with_capacity(tables.len());
    for table in tables {
        profiles.push(inspect_table(source, &table, &read_options, options)?);
    }
    Ok(SourceProfile {
        source: source.name().to_owned(),
        kind: source.kind(),
        options: options.clone(),
        tables: profiles,
    })
}

fn inspect_table(
    source: &mut dyn Source,
    table: &TableInfo,
    read_options: &ReadOptions,
    options: &InspectOptions,
) -> Result<TableProfile, SourceError> {
    let mut reader = source.read(&table.name, read_options, None)?;
    let columns: Vec<ColumnInfo> = reader.columns().to_vec();
    let mut accumulators: Vec<ColumnAcc> = columns.iter().map(|_| ColumnAcc::default()).collect();
    let mut rows: u64 = 0;
    let mut defective_rows: u64 = 0;
    let mut first_defect = None;
    let complete = loop {
        if options.sample_rows > 0 && rows + defective_rows >= options.sample_rows as u64 {
            // One more read tells whether the sample happens to be the whole table.
            break reader.next_record()?.is_none();
        }
        let Some(record) = reader.next_record()? else {
            break true;
        };
        if let Some(defect) = record.defect {
            defective_rows += 1;
            first_defect.get_or_insert_with(|| format!("{}: {defect}", record.locator));
            continue;
        }
        rows += 1;
        for (i, acc) in accumulators.iter_mut().enumerate() {
            acc.add(record.cells.get(i).unwrap_or(&Cell::Null), options.samples);
        }
    };
    let columns = columns
        .into_iter()
        .zip(accumulators)
        .map(|(info, acc)| acc.finish(info, rows))
        .collect();
    Ok(TableProfile {
        name: table.name.clone(),
        hidden: table.hidden,
        row_count: table.row_count,
        rows_profiled: rows,
        complete,
        defective_rows,
        first_defect,
        columns,
    })
}

/// What is kept of a column while its rows stream by: counts, a bounded set of hashes
/// of the distinct values, and a few examples.
#[derive(Debug, Default)]
struct ColumnAcc {
    values: u64,
    nulls: u64,
    kinds: BTreeMap<InferredType, u64>,
    /// Values of cells that are not text (numbers, dates, booleans…).
    native: u64,
    /// Values of number cells.
    native_numbers: u64,
    cell_types: BTreeMap<&'static str, u64>,
    date_formats: Vec<String>,
    distinct: HashSet<u64>,
    distinct_capped: bool,
    max_length: usize,
    examples: Vec<String>,
}

impl ColumnAcc {
    fn add(&mut self, cell: &Cell, samples: usize) {
        if cell.is_blank() {
            self.nulls += 1;
            return;
        }
        self.values += 1;
        *self.cell_types.entry(cell.type_name()).or_default() += 1;
        let class = classify::classify(cell);
        *self.kinds.entry(class.kind).or_default() += 1;
        if !matches!(cell, Cell::Text(_)) {
            self.native += 1;
        }
        if matches!(cell, Cell::Int(_) | Cell::Float(_) | Cell::Decimal(_)) {
            self.native_numbers += 1;
        }
        if let Some(format) = class.format
            && !self.date_formats.contains(&format)
        {
            self.date_formats.push(format);
        }
        let raw = cell.to_raw_string().unwrap_or_default();
        self.max_length = self.max_length.max(raw.chars().count());
        let mut hasher = DefaultHasher::new();
        raw.hash(&mut hasher);
        let hash = hasher.finish();
        let new = if self.distinct.contains(&hash) {
            false
        } else if self.distinct.len() < DISTINCT_CAP {
            self.distinct.insert(hash)
        } else {
            self.distinct_capped = true;
            true
        };
        if new && self.examples.len() < samples {
            let example = shorten(&raw);
            if !self.examples.contains(&example) {
                self.examples.push(example);
            }
        }
    }

    fn finish(self, info: ColumnInfo, rows: u64) -> ColumnProfile {
        let inferred_type =
            classify::resolve(&self.kinds, self.values, self.native, self.native_numbers);
        let mut kinds: Vec<KindCount> = self
            .kinds
            .iter()
            .map(|(kind, count)| KindCount {
                kind: *kind,
                count: *count,
            })
            .collect();
        kinds.sort_by(|a, b| b.count.cmp(&a.count).then(a.kind.cmp(&b.kind)));
        let distinct = self.distinct.len() as u64;
        ColumnProfile {
            name: info.name,
            declared_type: info.declared_type,
            inferred_type,
            values: self.values,
            nulls: self.nulls,
            null_ratio: ratio(self.nulls, rows),
            distinct,
            distinct_capped: self.distinct_capped,
            distinct_ratio: ratio(distinct, self.values),
            max_length: self.max_length,
            examples: self.examples,
            kinds,
            cell_types: self
                .cell_types
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            date_formats: self.date_formats,
        }
    }
}

#[allow(clippy::cast_precision_loss)]
fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The text cut to [`EXAMPLE_CHARS`] characters, the last one an ellipsis when cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= EXAMPLE_CHARS {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(EXAMPLE_CHARS - 1).collect();
    out.push('…');
    out
}
