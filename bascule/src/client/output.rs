//! Results as aligned tables for people, or JSON for scripts; numbers and dates shown the
//! French way in tables and untouched (ISO dates) in JSON.

use bascule_proto::google::r#type::Decimal;
use chrono::{DateTime, NaiveDate, Utc};
use prost_types::Timestamp;

/// A message shown as named fields: all of them in details and JSON, `COLUMNS` in tables.
pub trait View {
    const COLUMNS: &'static [&'static str];
    fn fields(&self) -> Vec<(&'static str, Field)>;
}

/// A field value: text, or a number kept exact.
#[derive(Debug, Clone)]
pub enum Field {
    Text(String),
    Number(String),
    Time(Option<DateTime<Utc>>),
    /// A calendar day: 31/01/2025 in tables, 2025-01-31 in JSON.
    Date(Option<NaiveDate>),
    Bool(bool),
}

impl Field {
    pub fn text(s: impl Into<String>) -> Field {
        Field::Text(s.into())
    }

    pub fn decimal(d: Option<&Decimal>) -> Field {
        Field::Number(d.map(|d| d.value.clone()).unwrap_or_default())
    }

    /// A calendar day from its year, month and day; all zeros (unset) is empty.
    pub fn date(year: i32, month: i32, day: i32) -> Field {
        let (month, day) = (u32::try_from(month).ok(), u32::try_from(day).ok());
        Field::Date(
            month
                .zip(day)
                .and_then(|(m, d)| NaiveDate::from_ymd_opt(year, m, d)),
        )
    }

    /// A proto enum's value by the name of its variant; unknown is empty.
    pub fn enum_name<E: TryFrom<i32>>(value: i32, name: impl Fn(&E) -> &'static str) -> Field {
        Field::text(E::try_from(value).map(|e| name(&e)).unwrap_or(""))
    }

    pub fn time(t: Option<&Timestamp>) -> Field {
        Field::Time(
            t.and_then(|t| {
                DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
            }),
        )
    }

    /// For people: "1 234,5", "31/01/2025 08:30", "oui".
    pub fn shown(&self) -> String {
        match self {
            Field::Text(s) => s.clone(),
            Field::Number(n) => french_number(n),
            Field::Time(Some(t)) => t.format("%d/%m/%Y %H:%M").to_string(),
            Field::Time(None) | Field::Date(None) => String::new(),
            Field::Date(Some(d)) => d.format("%d/%m/%Y").to_string(),
            Field::Bool(true) => "oui".into(),
            Field::Bool(false) => "non".into(),
        }
    }

    /// For scripts: exact decimals as strings, RFC 3339 times, ISO dates, empty as null.
    pub fn json(&self) -> serde_json::Value {
        match self {
            Field::Text(s) if s.is_empty() => serde_json::Value::Null,
            Field::Text(s) => serde_json::Value::String(s.clone()),
            // Exact decimals as strings: a float would round them.
            Field::Number(n) if n.is_empty() => serde_json::Value::Null,
            Field::Number(n) => serde_json::Value::String(n.clone()),
            Field::Time(Some(t)) => serde_json::Value::String(t.to_rfc3339()),
            Field::Date(Some(d)) => serde_json::Value::String(d.format("%Y-%m-%d").to_string()),
            Field::Time(None) | Field::Date(None) => serde_json::Value::Null,
            Field::Bool(b) => serde_json::Value::Bool(*b),
        }
    }
}

/// "1234567.5" → "1 234 567,5".
pub fn french_number(n: &str) -> String {
    let (sign, digits) = n.strip_prefix('-').map_or(("", n), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// The fields as a JSON object, to which a view may add what is not a flat field.
pub fn object<V: View>(item: &V) -> serde_json::Map<String, serde_json::Value> {
    item.fields()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.json()))
        .collect()
}

/// The fields as JSON.
pub fn to_json<V: View>(item: &V) -> serde_json::Value {
    serde_json::Value::Object(object(item))
}

/// One resource: `name: value` lines, or a JSON object.
pub fn show<V: View>(item: &V, json: bool) {
    if json {
        println!("{}", to_json(item));
        return;
    }
    let fields = item.fields();
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (name, value) in fields {
        let shown = value.shown();
        if !shown.is_empty() {
            println!("{name:<width$}  {shown}");
        }
    }
}

/// A page of resources: a table with the next page's token, or JSON.
pub fn list<V: View>(items: &[V], next_page_token: &str, json: bool) {
    list_with(items, next_page_token, json, to_json);
}

/// A page of resources: a table with the next page's token, or JSON with each item
/// written by `to_json`.
pub fn list_with<V: View>(
    items: &[V],
    next_page_token: &str,
    json: bool,
    to_json: impl Fn(&V) -> serde_json::Value,
) {
    if json {
        let body = serde_json::json!({
            "items": items.iter().map(to_json).collect::<Vec<_>>(),
            "next_page_token": next_page_token,
        });
        println!("{body}");
        return;
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            let fields = item.fields();
            V::COLUMNS
                .iter()
                .map(|c| {
                    fields
                        .iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| v.shown())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = V::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([c.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    println!(
        "{}",
        line(V::COLUMNS.iter().map(|c| c.to_uppercase()).collect())
    );
    for row in rows {
        println!("{}", line(row));
    }
    if items.is_empty() {
        println!("(none)");
    }
    if !next_page_token.is_empty() {
        println!("more: --page-token {next_page_token} (or --all)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_french_way() {
        assert_eq!(french_number("1234567.5"), "1\u{a0}234\u{a0}567,5");
        assert_eq!(french_number("-12"), "-12");
        assert_eq!(french_number("123"), "123");
    }

    #[test]
    fn dates_read_the_french_way_in_tables_and_iso_in_json() {
        let d = Field::date(2025, 1, 31);
        assert_eq!(d.shown(), "31/01/2025");
        assert_eq!(d.json(), "2025-01-31");
        assert_eq!(Field::date(0, 0, 0).shown(), "");
        assert_eq!(Field::date(0, 0, 0).json(), serde_json::Value::Null);
    }
}
