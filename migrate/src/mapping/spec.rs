//! The mapping file, as written by people: which source feeds which entity, column by
//! column, with transforms, validation rules, natural keys and merge rules.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::source::SourceKind;

/// A whole mapping file (one per domain).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingSpec {
    /// The domain this mapping loads: fournisseurs, stock, production or clients.
    pub domain: Spanned<String>,
    /// Named sources, referred to by the feeds.
    #[serde(default)]
    pub sources: BTreeMap<String, Spanned<SourceSpec>>,
    /// How each target entity identifies and merges its records.
    #[serde(default)]
    pub entities: BTreeMap<String, Spanned<EntitySpec>>,
    /// One source table (or sheet, or file) into one entity, in load order.
    #[serde(default)]
    pub feeds: Vec<Spanned<FeedSpec>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// A file, relative to the source directory given to `bascule migrate`.
    pub path: Option<String>,
    /// A live database URL (`postgres://…`, `oracle://…`); `${VAR}` is read from the environment.
    pub url: Option<String>,
    /// Inferred from the file's extension when absent.
    pub kind: Option<SourceKind>,
    /// Access password.
    pub password: Option<String>,
    /// CSV delimiter, one character.
    pub delimiter: Option<String>,
    /// CSV encoding: utf-8 or windows-1252.
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntitySpec {
    /// The fields that identify a record of this entity (after transforms).
    pub key: Vec<String>,
    /// Which value survives when two records have the same key.
    #[serde(default)]
    pub merge: MergeSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeSpec {
    #[serde(default)]
    pub strategy: MergeStrategy,
    /// For `most_recent`: the field whose greater value wins (a date or time).
    pub recency_field: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeStrategy {
    /// The record loaded first keeps its values; later ones only fill its empty fields.
    #[default]
    FirstWins,
    /// The record with the greatest `recency_field` wins; the other fills its empty fields.
    MostRecent,
    /// The feed with the higher `priority` wins; the other fills its empty fields.
    SourcePriority,
    /// Every field takes the latest non-empty value seen.
    NonNull,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedSpec {
    /// A name of `[sources]`.
    pub source: Spanned<String>,
    /// The table, sheet or (for CSV) file stem.
    pub table: Spanned<String>,
    /// The target entity (a table of the domain).
    pub entity: Spanned<String>,
    /// Excel: the 1-based row number of the header.
    pub header_row: Option<u32>,
    /// Records excluded on purpose (total rows, separators): counted and listed as skipped.
    #[serde(default)]
    pub skip: Vec<Spanned<SkipSpec>>,
    /// For the `source_priority` merge strategy: higher wins.
    #[serde(default)]
    pub priority: i32,
    /// Source columns that identify a record in its source, for the crosswalk and for
    /// locating it later; defaults to the entity's key fields.
    #[serde(default)]
    pub legacy_key: Vec<String>,
    /// Target field name → how to compute it.
    pub fields: BTreeMap<String, Spanned<FieldSpec>>,
}

/// A record is skipped when the column matches the pattern (or is blank).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkipSpec {
    pub column: String,
    /// A regular expression matched against the cell's text.
    pub pattern: Option<String>,
    /// Skip when the cell is empty.
    #[serde(default)]
    pub blank: bool,
    /// Why, for the report.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// One source column, or several (then joined by a `concat` transform).
    pub from: Option<OneOrMany>,
    /// A fixed value instead of a column.
    pub constant: Option<toml::Value>,
    /// The value used when the result is empty.
    pub default: Option<toml::Value>,
    /// The type of the result; text when absent.
    #[serde(rename = "type", default)]
    pub ty: FieldType,
    #[serde(default)]
    pub transforms: Vec<Spanned<TransformSpec>>,
    #[serde(default)]
    pub rules: Vec<Spanned<RuleSpec>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn columns(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(c) => vec![c.as_str()],
            OneOrMany::Many(cs) => cs.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    #[default]
    Text,
    Int,
    Decimal,
    Bool,
    Date,
    /// A local date and time (converted with `to_utc` into a timestamp).
    Datetime,
    /// An instant in UTC.
    Timestamp,
}

/// A transform: a bare name, or a table with the transform's parameters.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum TransformSpec {
    Named(NamedTransform),
    Date { date: DateFormats },
    Datetime { datetime: DateFormats },
    Map { map: MapSpec },
    Replace { replace: ReplaceSpec },
    Split { split: SplitSpec },
    Concat { concat: ConcatSpec },
    Prefix { prefix: String },
    PadLeft { pad_left: PadSpec },
    Lookup { lookup: LookupSpec },
    ToUtc { to_utc: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamedTransform {
    /// Removes white space, including non-breaking spaces, at both ends.
    Trim,
    Upper,
    Lower,
    /// Capitalises each word.
    Title,
    /// Replaces runs of any white space (NBSP, narrow NBSP, tabs, line breaks) by one space.
    CollapseSpaces,
    /// Removes all white space.
    RemoveSpaces,
    /// Keeps digits only.
    DigitsOnly,
    /// An empty or white-space text becomes null.
    NullIfBlank,
    /// A French-formatted number ("1 234,50", "17 677", "21,53 €") or a number cell → exact decimal.
    FrenchNumber,
    /// An Excel serial day number (45657 → 2024-12-31) or a date cell → date.
    ExcelSerial,
    /// O/N, oui/non, yes/no, true/false, 1/0, x/empty → boolean.
    Boolean,
    /// Folds accents and case, removes punctuation: for matching, not for storing.
    Normalize,
}

/// Formats in chrono's strftime syntax, tried in order. `%y` years use the pivot: below
/// it 20yy, from it 19yy (Oracle's RR uses 50).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateFormats {
    pub formats: Vec<String>,
    #[serde(default = "default_pivot")]
    pub pivot: u8,
}

fn default_pivot() -> u8 {
    50
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapSpec {
    /// Source text (compared after trimming, case-insensitively) → result text.
    pub values: BTreeMap<String, String>,
    /// What an unlisted value does: `error` (quarantine), `keep` or `null`.
    #[serde(default)]
    pub otherwise: Otherwise,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Otherwise {
    #[default]
    Error,
    Keep,
    Null,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplaceSpec {
    /// A regular expression.
    pub pattern: String,
    /// The replacement; `$1` refers to a group.
    pub with: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitSpec {
    /// A literal separator, such as "\n" or ",".
    pub separator: String,
    /// The 0-based part to keep; a missing part is null.
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcatSpec {
    /// Joins the non-empty values of several `from` columns.
    pub separator: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PadSpec {
    pub width: usize,
    #[serde(default = "zero")]
    pub with: char,
}

fn zero() -> char {
    '0'
}

/// Finds a key already migrated by a domain: the value is compared with `by` and the
/// entity's `returns` field is the result; the match is recorded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupSpec {
    pub domain: String,
    pub entity: String,
    /// The target field the value is compared with (a name, a code).
    pub by: String,
    /// The target field returned (a code).
    pub returns: String,
    #[serde(default)]
    pub mode: MatchMode,
    /// For fuzzy matching: the least similarity accepted, 0 to 1.
    #[serde(default = "default_threshold")]
    pub threshold: f64,
}

fn default_threshold() -> f64 {
    0.9
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    #[default]
    Exact,
    /// Equal after folding case, accents, punctuation, spacing and legal forms (SA, SARL…).
    Normalized,
    /// The most similar candidate at or above the threshold (normalized first).
    Fuzzy,
}

/// A validation rule: a bare name, or a table with parameters.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RuleSpec {
    Named(NamedRule),
    Pattern { pattern: String },
    Range { range: RangeSpec },
    Length { length: LengthSpec },
    OneOf { one_of: Vec<String> },
    DateRange { date_range: DateRangeSpec },
    Exists { exists: ExistsSpec },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamedRule {
    Required,
    Email,
    /// 14 digits with a valid Luhn check.
    Siret,
    /// ISO 13616, mod 97.
    Iban,
    /// A date from 1800 to ten years from now.
    PlausibleDate,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// Decimal bounds, written as strings or numbers.
    pub min: Option<toml::Value>,
    pub max: Option<toml::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LengthSpec {
    pub min: Option<usize>,
    pub max: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRangeSpec {
    /// ISO dates, inclusive.
    pub min: Option<String>,
    pub max: Option<String>,
}

/// The value must be a key already migrated by a domain.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExistsSpec {
    pub domain: String,
    pub entity: String,
    pub field: String,
}
