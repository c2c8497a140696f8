//! A draft mapping file written from a profile: one feed per table and one field per
//! column, with the type, transforms and rules the values suggest, for a person to finish.

use std::collections::HashSet;
use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::classify::{Family, family};
use super::{ColumnProfile, InferredType as K, SourceProfile, TableProfile};
use crate::source::SourceKind;

/// The entity placeholder of every feed: it parses, and the plan compiler reports it as
/// an unknown entity with its line.
const ENTITY_PLACEHOLDER: &str = "<entity>";

/// A mapping skeleton for `profile`: `[sources.<source_name>]` at `source_path` (a URL
/// when it has `://`), then one `[[feeds]]` per table. It parses as a
/// [`MappingSpec`](crate::mapping::spec::MappingSpec); entities are placeholders.
pub fn draft_mapping(
    profile: &SourceProfile,
    source_name: &str,
    source_path: &str,
    domain: &str,
) -> String {
    let source_key = toml_key(source_name);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Draft mapping written by `bascule inspect` from {}.",
        one_line(&profile.source)
    );
    out.push_str(
        "# To finish it: replace each \"<entity>\" with an entity of the domain and declare its\n\
         # key under [entities.NAME]; drop the feeds and fields not migrated; rename the fields\n\
         # as the entity names them; check types, transforms and rules against the comments.\n",
    );
    let _ = writeln!(out, "domain = {}", toml_str(domain));
    out.push('\n');
    let _ = writeln!(out, "[sources.{source_key}]");
    if source_path.contains("://") {
        let _ = writeln!(out, "url = {}", toml_str(source_path));
    } else {
        let _ = writeln!(out, "path = {}", toml_str(source_path));
    }
    out.push_str("\n# [entities.NAME]\n# key = [\"field\"]\n");
    for table in &profile.tables {
        out.push('\n');
        write_feed(&mut out, profile, table, &source_key);
    }
    out
}

fn write_feed(out: &mut String, profile: &SourceProfile, table: &TableProfile, source: &str) {
    let hidden = if table.hidden { " (hidden)" } else { "" };
    let rows = match table.row_count {
        Some(n) => format!("{n} rows"),
        None if table.complete => format!("{} rows", table.rows_profiled),
        None => format!("more than {} rows", table.rows_profiled),
    };
    let _ = writeln!(out, "# {}{hidden}: {rows}", one_line(&table.name));
    if let Some(first) = &table.first_defect {
        let _ = writeln!(
            out,
            "# {} defective row(s) will be quarantined; the first at {}",
            table.defective_rows,
            one_line(first)
        );
    }
    out.push_str("[[feeds]]\n");
    let _ = writeln!(out, "source = {}", toml_str(source));
    let _ = writeln!(out, "table = {}", toml_str(&table.name));
    let _ = writeln!(out, "entity = {}", toml_str(ENTITY_PLACEHOLDER));
    if profile.kind == SourceKind::Excel
        && let Some(row) = profile.options.header_row
    {
        let _ = writeln!(out, "header_row = {row}");
    }
    out.push_str("\n[feeds.fields]\n");
    let mut used = HashSet::new();
    for column in &table.columns {
        let name = unique(field_name(&column.name), &mut used);
        write_field(out, &name, column);
    }
}

fn write_field(out: &mut String, name: &str, column: &ColumnProfile) {
    let suggestion = suggest(column);
    let examples: Vec<String> = column
        .examples
        .iter()
        .take(2)
        .map(|e| toml_str(e))
        .collect();
    let examples = if examples.is_empty() {
        String::new()
    } else {
        format!(", e.g. {}", examples.join(", "))
    };
    let _ = writeln!(
        out,
        "# {}: {}, {} null{examples}",
        one_line(&column.name),
        describe_type(column),
        percent(column.null_ratio)
    );
    for note in &suggestion.notes {
        let _ = writeln!(out, "# {note}");
    }
    let mut parts = vec![format!("from = {}", toml_str(&column.name))];
    if let Some(ty) = suggestion.ty {
        parts.push(format!("type = {}", toml_str(ty)));
    }
    if !suggestion.transforms.is_empty() {
        parts.push(format!(
            "transforms = [{}]",
            suggestion.transforms.join(", ")
        ));
    }
    if !suggestion.rules.is_empty() {
        parts.push(format!("rules = [{}]", suggestion.rules.join(", ")));
    }
    let _ = writeln!(out, "{name} = {{ {} }}", parts.join(", "));
}

/// What the draft proposes for a column: `ty` None is text; transforms and rules are
/// TOML values.
#[derive(Debug, Default)]
struct Suggestion {
    ty: Option<&'static str>,
    transforms: Vec<String>,
    rules: Vec<String>,
    notes: Vec<String>,
}

fn suggest(column: &ColumnProfile) -> Suggestion {
    let texts = column.cell_types.get("text").copied().unwrap_or(0) > 0;
    let named = |names: &[&str]| names.iter().map(|n| toml_str(n)).collect::<Vec<_>>();
    let dates = |kind: &str| {
        if column.date_formats.is_empty() {
            Vec::new()
        } else {
            let formats: Vec<String> = column.date_formats.iter().map(|f| toml_str(f)).collect();
            vec![format!(
                "{{ {kind} = {{ formats = [{}] }} }}",
                formats.join(", ")
            )]
        }
    };
    let local_time = "local time? For an instant: type = \"timestamp\", \
                      transforms = [{ to_utc = \"Europe/Paris\" }]"
        .to_owned();
    let mut s = Suggestion::default();
    match column.inferred_type {
        K::Empty => s.notes.push("always empty in the rows profiled".to_owned()),
        K::Bool => {
            s.ty = Some("bool");
            if texts {
                s.transforms = named(&["boolean"]);
            }
        }
        K::Int => s.ty = Some("int"),
        K::Decimal => {
            s.ty = Some("decimal");
            if texts {
                s.transforms = named(&["french_number"]);
            }
        }
        K::FrenchDecimal => {
            s.ty = Some("decimal");
            s.transforms = named(&["french_number"]);
        }
        K::Date | K::FrenchDate => {
            s.ty = Some("date");
            s.transforms = dates("date");
        }
        K::Datetime => {
            let instants = column.cell_types.get("timestamp").copied().unwrap_or(0);
            if instants == column.values {
                s.ty = Some("timestamp");
            } else {
                s.ty = Some("datetime");
                s.transforms = dates("datetime");
                s.notes.push(local_time.clone());
            }
        }
        K::Email => {
            s.transforms = named(&["trim", "lower"]);
            s.rules = named(&["email"]);
        }
        K::Text => s.transforms = named(&["trim"]),
        K::Mixed => {
            let (family, stray) = family(&column.kinds, column.values);
            match family {
                Family::Number => {
                    s.ty = Some("decimal");
                    s.transforms = named(&["french_number"]);
                }
                Family::Date => {
                    s.ty = Some("date");
                    s.transforms = dates("date");
                }
                Family::DateTime => {
                    s.ty = Some("datetime");
                    s.transforms = dates("datetime");
                    s.notes.push(local_time.clone());
                }
                Family::Other => {
                    s.transforms = named(&["trim"]);
                    s.notes.push(
                        "values of several kinds: check them before choosing a type".to_owned(),
                    );
                }
            }
            if stray > 0 {
                s.notes.push(format!(
                    "{stray} text value(s) fit no type: they will be quarantined unless fixed"
                ));
            }
        }
    }
    s
}

fn describe_type(column: &ColumnProfile) -> String {
    if column.inferred_type != K::Mixed {
        return column.inferred_type.as_str().to_owned();
    }
    let kinds: Vec<String> = column
        .kinds
        .iter()
        .map(|k| format!("{} {}", k.count, k.kind.as_str()))
        .collect();
    format!("mixed ({})", kinds.join(", "))
}

fn percent(ratio: f64) -> String {
    let p = ratio * 100.0;
    if p > 0.0 && p < 0.1 {
        "<0.1%".to_owned()
    } else if p < 100.0 && p > 99.9 {
        ">99.9%".to_owned()
    } else {
        format!("{p:.1}%")
    }
}

/// A snake_case ASCII field name: accents folded, words split at spaces, punctuation
/// and lowercase-uppercase boundaries ("Qté en stock" → "qte_en_stock", "CodeClient" →
/// "code_client").
pub(super) fn field_name(column: &str) -> String {
    let mut out = String::with_capacity(column.len());
    let mut previous_lower = false;
    let push_separator = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    };
    for c in column.nfd().filter(|c| !is_combining_mark(*c)) {
        let folded = match c {
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            _ => "",
        };
        if !folded.is_empty() {
            out.push_str(folded);
            previous_lower = true;
        } else if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                push_separator(&mut out);
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            push_separator(&mut out);
            previous_lower = false;
        }
    }
    let trimmed = out.trim_end_matches('_');
    if trimmed.is_empty() {
        "field".to_owned()
    } else if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

fn unique(name: String, used: &mut HashSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    candidate
}

/// A TOML key: bare when it can be, quoted otherwise.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { key.to_owned() } else { toml_str(key) }
}

/// A TOML basic string, with quotes, backslashes and control characters escaped.
fn toml_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A text for a comment: on one line, control characters escaped.
fn one_line(text: &str) -> String {
    let quoted = toml_str(text);
    quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_snake_case_ascii() {
        assert_eq!(field_name("Qté en stock"), "qte_en_stock");
        assert_eq!(field_name("Référence"), "reference");
        assert_eq!(field_name("N° OF"), "n_of");
        assert_eq!(field_name("Date d'achat"), "date_d_achat");
        assert_eq!(field_name("ID_FOURNISSEUR"), "id_fournisseur");
        assert_eq!(field_name("CodeClient"), "code_client");
        assert_eq!(field_name("E-mail"), "e_mail");
        assert_eq!(field_name("Œuvre"), "oeuvre");
        assert_eq!(field_name("2e adresse"), "f_2e_adresse");
        assert_eq!(field_name("°"), "field");
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_str("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        assert_eq!(toml_key("stock"), "stock");
        assert_eq!(toml_key("mon stock"), "\"mon stock\"");
    }
}
