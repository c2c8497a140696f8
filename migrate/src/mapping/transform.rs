//! Compiled transforms: a mapping's `transforms` list, checked once when the mapping is
//! loaded (regular expressions compiled, date formats and time zones validated), then
//! applied to every value of a field in order.
//!
//! Every transform leaves a null as null, except `map` with an entry for "" and
//! `null_if_blank`, so that optional columns flow through. Text transforms accept numbers
//! (as their text: an Excel SIRET read as 53906829600034.0 becomes "53906829600034") and
//! refuse booleans, dates and timestamps. Numbers are in `transform_number`, dates and
//! times in `transform_dates` and `transform_time`, text transforms and `map` in
//! `transform_text`, lookups in `transform_lookup`.

use std::fmt;

use chrono::NaiveDate;
use chrono_tz::Tz;
use regex::Regex;

use super::lookup::{LookupMatch, LookupSource, normalize};
use super::spec::{LookupSpec, NamedTransform, TransformSpec};
use super::transform_dates::DateParser;
use super::transform_lookup::{check_lookup, lookup};
use super::transform_number::{boolean, french_number};
use super::transform_text::{ValueMap, collapse_spaces, pad_left, title};
use super::transform_time::{excel_serial, to_utc, zone};
use super::val::Val;
use super::val::Violation;

/// What transforms and rules need besides the value: the indexes of the entities already
/// migrated, the lookups made so far (recorded by the engine) and today's date.
pub struct TransformContext<'a> {
    pub lookups: &'a dyn LookupSource,
    pub matches: Vec<LookupMatch>,
    pub today: NaiveDate,
}

impl<'a> TransformContext<'a> {
    pub fn new(lookups: &'a dyn LookupSource, today: NaiveDate) -> Self {
        Self {
            lookups,
            matches: Vec::new(),
            today,
        }
    }
}

impl fmt::Debug for TransformContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransformContext")
            .field("matches", &self.matches)
            .field("today", &self.today)
            .finish_non_exhaustive()
    }
}

/// A transform ready to apply.
#[derive(Debug, Clone)]
pub enum Transform {
    /// Removes white space (including no-break spaces) at both ends.
    Trim,
    Upper,
    Lower,
    /// Each word capitalised, the rest lower-case; hyphenated parts too ("Saint-Étienne"),
    /// and the word after a one-letter elision ("L'Isère").
    Title,
    /// Each run of white space becomes one space (ends included: combine with `trim`).
    CollapseSpaces,
    RemoveSpaces,
    /// Keeps the ASCII digits.
    DigitsOnly,
    NullIfBlank,
    FrenchNumber,
    ExcelSerial,
    Boolean,
    /// The text as [`normalize`] folds it, for matching.
    Normalize,
    /// A text date in one of the formats → date.
    Date(DateParser),
    /// A text date and time in one of the formats → local date and time.
    Datetime(DateParser),
    Map(ValueMap),
    Replace {
        pattern: Regex,
        with: String,
    },
    /// The `index`-th part of the text cut at a literal separator; a missing part is null.
    Split {
        separator: String,
        index: usize,
    },
    /// Several `from` columns are joined with [`concat`] and this separator before the
    /// transforms run; on the joined value it changes nothing.
    Concat {
        separator: String,
    },
    /// Prepends the text unless the value already starts with it; blank values unchanged.
    Prefix(String),
    /// Pads on the left to `width` characters; longer and blank values unchanged.
    PadLeft {
        width: usize,
        with: char,
    },
    Lookup(LookupSpec),
    /// A local date and time (or a date, at midnight) in the zone → UTC timestamp.
    ToUtc(Tz),
}

impl Transform {
    /// Err = a message for the mapping author.
    pub fn compile(spec: &TransformSpec) -> Result<Transform, String> {
        Ok(match spec {
            TransformSpec::Named(named) => match named {
                NamedTransform::Trim => Transform::Trim,
                NamedTransform::Upper => Transform::Upper,
                NamedTransform::Lower => Transform::Lower,
                NamedTransform::Title => Transform::Title,
                NamedTransform::CollapseSpaces => Transform::CollapseSpaces,
                NamedTransform::RemoveSpaces => Transform::RemoveSpaces,
                NamedTransform::DigitsOnly => Transform::DigitsOnly,
                NamedTransform::NullIfBlank => Transform::NullIfBlank,
                NamedTransform::FrenchNumber => Transform::FrenchNumber,
                NamedTransform::ExcelSerial => Transform::ExcelSerial,
                NamedTransform::Boolean => Transform::Boolean,
                NamedTransform::Normalize => Transform::Normalize,
            },
            TransformSpec::Date { date } => Transform::Date(DateParser::compile(date, "date")?),
            TransformSpec::Datetime { datetime } => {
                Transform::Datetime(DateParser::compile(datetime, "datetime")?)
            }
            TransformSpec::Map { map } => Transform::Map(ValueMap::compile(map)?),
            TransformSpec::Replace { replace } => Transform::Replace {
                pattern: Regex::new(&replace.pattern).map_err(|e| {
                    format!(
                        "replace: invalid regular expression {:?}: {e}",
                        replace.pattern
                    )
                })?,
                with: replace.with.clone(),
            },
            TransformSpec::Split { split } => {
                if split.separator.is_empty() {
                    return Err("split: the separator is empty".to_owned());
                }
                Transform::Split {
                    separator: split.separator.clone(),
                    index: split.index,
                }
            }
            TransformSpec::Concat { concat } => Transform::Concat {
                separator: concat.separator.clone(),
            },
            TransformSpec::Prefix { prefix } => {
                if prefix.is_empty() {
                    return Err("prefix: the prefix is empty".to_owned());
                }
                Transform::Prefix(prefix.clone())
            }
            TransformSpec::PadLeft { pad_left } => {
                if pad_left.width == 0 {
                    return Err("pad_left: the width must be at least 1".to_owned());
                }
                Transform::PadLeft {
                    width: pad_left.width,
                    with: pad_left.with,
                }
            }
            TransformSpec::Lookup { lookup } => Transform::Lookup(check_lookup(lookup)?),
            TransformSpec::ToUtc { to_utc } => Transform::ToUtc(zone(to_utc)?),
        })
    }

    /// The transform's name, as written in mappings and reported in violations.
    pub fn name(&self) -> &'static str {
        match self {
            Transform::Trim => "trim",
            Transform::Upper => "upper",
            Transform::Lower => "lower",
            Transform::Title => "title",
            Transform::CollapseSpaces => "collapse_spaces",
            Transform::RemoveSpaces => "remove_spaces",
            Transform::DigitsOnly => "digits_only",
            Transform::NullIfBlank => "null_if_blank",
            Transform::FrenchNumber => "french_number",
            Transform::ExcelSerial => "excel_serial",
            Transform::Boolean => "boolean",
            Transform::Normalize => "normalize",
            Transform::Date(_) => "date",
            Transform::Datetime(_) => "datetime",
            Transform::Map(_) => "map",
            Transform::Replace { .. } => "replace",
            Transform::Split { .. } => "split",
            Transform::Concat { .. } => "concat",
            Transform::Prefix(_) => "prefix",
            Transform::PadLeft { .. } => "pad_left",
            Transform::Lookup(_) => "lookup",
            Transform::ToUtc(_) => "to_utc",
        }
    }

    /// The separator of a `concat` transform, for the engine joining several columns.
    pub fn concat_separator(&self) -> Option<&str> {
        match self {
            Transform::Concat { separator } => Some(separator),
            _ => None,
        }
    }

    /// Err = a violation naming the transform, quoting the value and saying what was expected.
    pub fn apply(&self, val: Val, ctx: &mut TransformContext<'_>) -> Result<Val, Violation> {
        match self {
            Transform::Map(map) => return map.apply(val),
            Transform::NullIfBlank => return Ok(if val.is_blank() { Val::Null } else { val }),
            _ => {}
        }
        if val == Val::Null {
            return Ok(Val::Null);
        }
        let name = self.name();
        match self {
            Transform::FrenchNumber => french_number(val),
            Transform::Boolean => boolean(val),
            Transform::ExcelSerial => excel_serial(val),
            Transform::Date(parser) => parser.date(val),
            Transform::Datetime(parser) => parser.datetime(val),
            Transform::ToUtc(tz) => to_utc(*tz, val),
            Transform::Concat { .. } => Ok(val),
            Transform::Lookup(spec) => lookup(spec, &val, ctx),
            _ => {
                let text = text_of(&val, name)?;
                Ok(match self {
                    Transform::Trim => Val::Text(text.trim().to_owned()),
                    Transform::Upper => Val::Text(text.to_uppercase()),
                    Transform::Lower => Val::Text(text.to_lowercase()),
                    Transform::Title => Val::Text(title(&text)),
                    Transform::CollapseSpaces => Val::Text(collapse_spaces(&text)),
                    Transform::RemoveSpaces => {
                        Val::Text(text.chars().filter(|c| !c.is_whitespace()).collect())
                    }
                    Transform::DigitsOnly => {
                        Val::Text(text.chars().filter(char::is_ascii_digit).collect())
                    }
                    Transform::Normalize => Val::Text(normalize(&text)),
                    Transform::Replace { pattern, with } => {
                        Val::Text(pattern.replace_all(&text, with.as_str()).into_owned())
                    }
                    Transform::Split { separator, index } => text
                        .split(separator.as_str())
                        .nth(*index)
                        .map_or(Val::Null, |part| Val::Text(part.to_owned())),
                    Transform::Prefix(prefix)
                        if !text.starts_with(prefix.as_str()) && !val.is_blank() =>
                    {
                        Val::Text(format!("{prefix}{text}"))
                    }
                    Transform::PadLeft { width, with } if !val.is_blank() => {
                        Val::Text(pad_left(&text, *width, *with))
                    }
                    _ => Val::Text(text),
                })
            }
        }
    }
}

/// Joins the non-blank values as text with the separator; all blank → `Val::Null`.
pub fn concat(values: &[Val], separator: &str) -> Val {
    let parts: Vec<String> = values
        .iter()
        .filter(|v| !v.is_blank())
        .filter_map(Val::to_text)
        .collect();
    if parts.is_empty() {
        Val::Null
    } else {
        Val::Text(parts.join(separator))
    }
}

/// The text of a text or number value; other kinds are a violation of the transform `rule`.
pub(crate) fn text_of(val: &Val, rule: &str) -> Result<String, Violation> {
    match val {
        Val::Text(s) => Ok(s.clone()),
        Val::Int(_) | Val::Decimal(_) | Val::Float(_) | Val::Null => {
            Ok(val.to_text().unwrap_or_default())
        }
        other => Err(Violation::new(
            rule,
            format!("{rule} expects a text, found {}", describe(other)),
        )),
    }
}

/// A value as a person would name it in a message: `the date 2024-12-31`, `"abc"`.
pub(crate) fn describe(val: &Val) -> String {
    let text = val.to_text().unwrap_or_default();
    match val {
        Val::Null => "an empty value".to_owned(),
        Val::Text(s) => format!("{s:?}"),
        Val::Int(_) | Val::Decimal(_) | Val::Float(_) => format!("the number {text}"),
        Val::Bool(_) => format!("the boolean {text}"),
        Val::Date(_) => format!("the date {text}"),
        Val::DateTime(_) => format!("the date and time {text}"),
        Val::Timestamp(_) => format!("the timestamp {text}"),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::mapping::lookup::NoLookups;
    use chrono::NaiveDateTime;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    pub(crate) fn ctx(lookups: &dyn LookupSource) -> TransformContext<'_> {
        TransformContext::new(lookups, NaiveDate::from_ymd_opt(2025, 9, 30).unwrap())
    }

    pub(crate) fn run(spec: TransformSpec, val: Val) -> Result<Val, Violation> {
        Transform::compile(&spec)
            .unwrap()
            .apply(val, &mut ctx(&NoLookups))
    }

    pub(crate) fn named(n: NamedTransform, val: Val) -> Result<Val, Violation> {
        run(TransformSpec::Named(n), val)
    }

    pub(crate) fn text(s: &str) -> Val {
        Val::Text(s.to_owned())
    }

    #[test]
    fn null_flows_through_and_blank_can_become_null() {
        for n in [
            NamedTransform::Trim,
            NamedTransform::Title,
            NamedTransform::DigitsOnly,
            NamedTransform::FrenchNumber,
            NamedTransform::ExcelSerial,
            NamedTransform::Boolean,
            NamedTransform::Normalize,
        ] {
            assert_eq!(named(n, Val::Null), Ok(Val::Null), "{n:?}");
        }
        assert_eq!(
            named(NamedTransform::NullIfBlank, text(" \u{a0}\n")),
            Ok(Val::Null)
        );
        assert_eq!(
            named(NamedTransform::NullIfBlank, text(" x ")),
            Ok(text(" x "))
        );
        assert_eq!(
            named(NamedTransform::NullIfBlank, Val::Int(0)),
            Ok(Val::Int(0))
        );
    }

    /// Compiles a field's `transforms` as written in a mapping file and runs them in order.
    fn pipeline(toml_text: &str, val: Val) -> Result<Val, Violation> {
        #[derive(serde::Deserialize)]
        struct Field {
            transforms: Vec<TransformSpec>,
        }
        let field: Field = toml::from_str(toml_text).unwrap();
        let mut ctx = ctx(&NoLookups);
        field
            .transforms
            .iter()
            .map(|spec| Transform::compile(spec).unwrap())
            .try_fold(val, |v, t| t.apply(v, &mut ctx))
    }

    #[test]
    fn pipelines_as_written_in_mapping_files() {
        let quantity = r#"transforms = ["null_if_blank", "french_number"]"#;
        assert_eq!(
            pipeline(quantity, text("1 353,296")),
            Ok(Val::Decimal(Decimal::from_str("1353.296").unwrap()))
        );
        assert_eq!(pipeline(quantity, text(" ")), Ok(Val::Null));
        assert_eq!(
            pipeline(quantity, text("1.388.5")).unwrap_err().rule,
            "french_number"
        );

        let invoice_date = r#"transforms = ["trim", { date = { formats = ["%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"], pivot = 50 } }]"#;
        assert_eq!(
            pipeline(invoice_date, text(" 27/02/23 ")),
            Ok(Val::Date(NaiveDate::from_ymd_opt(2023, 2, 27).unwrap()))
        );

        // In TOML, "\n" is a real line break.
        let second_line =
            r#"transforms = [{ split = { separator = "\n", index = 1 } }, "trim", "title"]"#;
        assert_eq!(
            pipeline(second_line, text("12 rue des Lilas\nZI DES GRANGES ")),
            Ok(text("Zi Des Granges"))
        );

        let declared = r#"transforms = [{ datetime = { formats = ["%d/%m/%Y %H:%M"] } }, { to_utc = "Europe/Paris" }]"#;
        let utc = NaiveDateTime::parse_from_str("2021-10-31 00:30", "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc();
        assert_eq!(
            pipeline(declared, text("31/10/2021 02:30")),
            Ok(Val::Timestamp(utc))
        );

        let code =
            r#"transforms = ["digits_only", { pad_left = { width = 5 } }, { prefix = "F" }]"#;
        assert_eq!(pipeline(code, Val::Float(11.0)), Ok(text("F00011")));

        let active = r#"transforms = [{ map = { values = { O = "actif", N = "inactif" }, otherwise = "null" } }]"#;
        assert_eq!(pipeline(active, text("o")), Ok(text("actif")));
        assert_eq!(pipeline(active, text("?")), Ok(Val::Null));
    }

    #[test]
    fn compile_errors_speak_to_the_mapping_author() {
        let compile = |toml_text: &str| {
            #[derive(serde::Deserialize)]
            struct One {
                t: TransformSpec,
            }
            Transform::compile(&toml::from_str::<One>(toml_text).unwrap().t)
        };
        let errors = [
            (r#"t = { date = { formats = [] } }"#, "no formats"),
            (
                r#"t = { date = { formats = ["%d/%m/%y"], pivot = 120 } }"#,
                "pivot",
            ),
            (
                r#"t = { replace = { pattern = "(", with = "" } }"#,
                "invalid regular expression",
            ),
            (r#"t = { pad_left = { width = 0 } }"#, "width"),
            (r#"t = { to_utc = "Paris" }"#, "unknown time zone"),
            (
                r#"t = { map = { values = { o = "a", O = "b" } } }"#,
                "listed twice",
            ),
        ];
        for (toml_text, expected) in errors {
            let err = compile(toml_text).unwrap_err();
            assert!(err.contains(expected), "{toml_text}: {err}");
        }
        assert_eq!(compile(r#"t = "boolean""#).unwrap().name(), "boolean");
        assert_eq!(
            compile(r#"t = { to_utc = "Europe/Paris" }"#)
                .unwrap()
                .name(),
            "to_utc"
        );
    }
}
