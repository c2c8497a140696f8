//! The kind of one value (a number cell, a French-formatted number typed as text, a text
//! date…), and the type a column's kinds add up to.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveTime};
use regex::Regex;

use super::InferredType as K;
use crate::mapping::transform_number::parse_french_number;
use crate::source::Cell;

/// In a column of texts only, values that look like nothing in particular may be up to
/// this percentage of the values and still leave the column the type of the others (a
/// few SIRET typed with spaces, a few mistyped e-mail addresses).
const STRAY_TEXT_PERCENT: u64 = 5;

/// Two-digit years below this are 20yy, from it 19yy (Oracle's RR, the mapping default).
const PIVOT: i32 = 50;

static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$").ok()
});

/// The kind of a value and, for a date or time written as text, its strftime format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Classified {
    pub kind: K,
    pub format: Option<String>,
}

impl Classified {
    fn of(kind: K) -> Self {
        Self { kind, format: None }
    }
}

/// Classifies a non-blank cell.
pub(super) fn classify(cell: &Cell) -> Classified {
    match cell {
        Cell::Null => Classified::of(K::Empty),
        Cell::Bool(_) => Classified::of(K::Bool),
        Cell::Int(_) => Classified::of(K::Int),
        Cell::Float(f) if f.is_finite() && f.fract() == 0.0 => Classified::of(K::Int),
        Cell::Float(_) | Cell::Decimal(_) => Classified::of(K::Decimal),
        Cell::Date(_) => Classified::of(K::Date),
        Cell::DateTime(t) if t.time() == NaiveTime::MIN => Classified::of(K::Date),
        Cell::DateTime(_) | Cell::Timestamp(_) => Classified::of(K::Datetime),
        Cell::Text(s) => classify_text(s),
        Cell::Bytes(_) | Cell::Error(_) => Classified::of(K::Text),
    }
}

fn classify_text(text: &str) -> Classified {
    let t = text.trim();
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // Codes keep their leading zeros (postal codes of the Ain, phone numbers).
        let code = unsigned.len() > 1 && unsigned.starts_with('0');
        let kind = if code || t.parse::<i64>().is_err() {
            K::Text
        } else {
            K::Int
        };
        return Classified::of(kind);
    }
    if let Some((int, frac)) = unsigned.split_once('.')
        && is_digits(int)
        && is_digits(frac)
    {
        return Classified::of(K::Decimal);
    }
    if parse_french_number(t).is_some() {
        return Classified::of(K::FrenchDecimal);
    }
    if let Some(date) = text_date(t) {
        return date;
    }
    if matches!(
        t.to_uppercase().as_str(),
        "O" | "N" | "OUI" | "NON" | "VRAI" | "FAUX" | "TRUE" | "FALSE" | "YES" | "NO"
    ) {
        return Classified::of(K::Bool);
    }
    if EMAIL.as_ref().is_some_and(|re| re.is_match(t)) {
        return Classified::of(K::Email);
    }
    Classified::of(K::Text)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A real date (or date and time) written as text: day first with `/`, `-` or `.` and a
/// year of two or four digits (a French date), or year first (ISO), optionally followed by
/// a time `HH:MM` or `HH:MM:SS`.
fn text_date(t: &str) -> Option<Classified> {
    let (date_part, time_sep, time_part) = match t.split_once([' ', 'T']) {
        Some((d, rest)) => (
            d,
            t.get(d.len()..=d.len()).unwrap_or(" "),
            Some(rest.trim()),
        ),
        None => (t, " ", None),
    };
    let sep = date_part.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '/' | '-' | '.') {
        return None;
    }
    let parts: Vec<&str> = date_part.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if ![a, b, c].iter().all(|p| is_digits(p)) {
        return None;
    }
    let number = |s: &str| s.parse::<u32>().ok();
    let (kind, mut format, date) = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        let date = NaiveDate::from_ymd_opt(a.parse().ok()?, number(b)?, number(c)?);
        (K::Date, format!("%Y{sep}%m{sep}%d"), date)
    } else if a.len() <= 2 && b.len() <= 2 && (c.len() == 4 || c.len() == 2) {
        let mut year: i32 = c.parse().ok()?;
        let letter = if c.len() == 2 {
            year += if year < PIVOT { 2000 } else { 1900 };
            'y'
        } else {
            'Y'
        };
        let date = NaiveDate::from_ymd_opt(year, number(b)?, number(a)?);
        (K::FrenchDate, format!("%d{sep}%m{sep}%{letter}"), date)
    } else {
        return None;
    };
    date?;
    let Some(time) = time_part else {
        return Some(Classified {
            kind,
            format: Some(format),
        });
    };
    let time_format = match time.len() {
        5 => "%H:%M",
        8 => "%H:%M:%S",
        _ => return None,
    };
    // A time written as text makes a datetime, even at midnight.
    NaiveTime::parse_from_str(time, time_format).ok()?;
    format.push_str(time_sep);
    format.push_str(time_format);
    Some(Classified {
        kind: K::Datetime,
        format: Some(format),
    })
}

/// The type of a column from the counts of its kinds. `native` values came from cells
/// that are not text, `native_numbers` from number cells.
pub(super) fn resolve(
    kinds: &BTreeMap<K, u64>,
    values: u64,
    native: u64,
    native_numbers: u64,
) -> K {
    let present: Vec<K> = kinds
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, _)| *k)
        .collect();
    if values == 0 || present.is_empty() {
        return K::Empty;
    }
    if let Some(kind) = reduce(&present, native_numbers) {
        return kind;
    }
    if native > 0 {
        return K::Mixed;
    }
    // Texts only: numbers or dates among ordinary texts make a text column, unless the
    // ordinary texts are a few strays among values of one type.
    let stray = kinds.get(&K::Text).copied().unwrap_or(0);
    let others: Vec<K> = present.iter().copied().filter(|k| *k != K::Text).collect();
    match reduce(&others, 0) {
        Some(kind) if stray.saturating_mul(100) <= values.saturating_mul(STRAY_TEXT_PERCENT) => {
            kind
        }
        _ => K::Text,
    }
}

/// The one type that covers all the kinds present, if there is one.
fn reduce(present: &[K], native_numbers: u64) -> Option<K> {
    let within = |set: &[K]| present.iter().all(|k| set.contains(k));
    match present {
        [] => None,
        [one] => Some(*one),
        _ if within(&[K::Int, K::Decimal]) => Some(K::Decimal),
        // Texts such as "12" or "12.5" read as French numbers too, but a number cell
        // beside a French text needs a look: the column is mixed.
        _ if within(&[K::Int, K::Decimal, K::FrenchDecimal]) && native_numbers == 0 => {
            Some(K::FrenchDecimal)
        }
        _ if within(&[K::Date, K::Datetime]) => Some(K::Datetime),
        _ => None,
    }
}

/// The broad family of a mixed column, to suggest a type for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Number,
    Date,
    DateTime,
    Other,
}

/// The family of the kinds of a column of `values` values, and the number of stray texts
/// left out of it (a few "1.388.5" among numbers).
pub(super) fn family(kinds: &[super::KindCount], values: u64) -> (Family, u64) {
    let stray = kinds
        .iter()
        .filter(|k| k.kind == K::Text)
        .map(|k| k.count)
        .sum::<u64>();
    let stray = if stray.saturating_mul(100) <= values.saturating_mul(STRAY_TEXT_PERCENT) {
        stray
    } else {
        0
    };
    let all = |set: &[K]| {
        kinds
            .iter()
            .all(|k| set.contains(&k.kind) || (k.kind == K::Text && stray > 0))
    };
    let family = if all(&[K::Int, K::Decimal, K::FrenchDecimal]) {
        Family::Number
    } else if all(&[K::Date, K::FrenchDate]) {
        Family::Date
    } else if all(&[K::Date, K::Datetime, K::FrenchDate]) {
        Family::DateTime
    } else {
        Family::Other
    };
    if family == Family::Other {
        (family, 0)
    } else {
        (family, stray)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> K {
        classify_text(s).kind
    }

    fn format(s: &str) -> Option<String> {
        classify_text(s).format
    }

    #[test]
    fn texts_by_kind() {
        assert_eq!(kind("1002"), K::Int);
        assert_eq!(kind(" -12 "), K::Int);
        assert_eq!(kind("01100"), K::Text);
        assert_eq!(kind("12.5"), K::Decimal);
        assert_eq!(kind("1 234,50"), K::FrenchDecimal);
        assert_eq!(kind("17\u{202f}677"), K::FrenchDecimal);
        assert_eq!(kind("10\u{a0}461"), K::FrenchDecimal);
        assert_eq!(kind("21,53 €"), K::FrenchDecimal);
        assert_eq!(kind("1.388.5"), K::Text);
        assert_eq!(kind("31/12/2024"), K::FrenchDate);
        assert_eq!(kind("27/02/23"), K::FrenchDate);
        assert_eq!(kind("31-12-2024"), K::FrenchDate);
        assert_eq!(kind("31.12.2024"), K::FrenchDate);
        assert_eq!(kind("32/01/2024"), K::Text);
        assert_eq!(kind("2024-12-31"), K::Date);
        assert_eq!(kind("2024-12-31 08:15:00"), K::Datetime);
        assert_eq!(kind("31/12/2024 08:15"), K::Datetime);
        assert_eq!(kind("O"), K::Bool);
        assert_eq!(kind("compta@aciers-lemaitre.fr"), K::Email);
        assert_eq!(kind("compta@aciers"), K::Text);
        assert_eq!(kind("Vis TF M8x32"), K::Text);
        assert_eq!(format("27/02/23").as_deref(), Some("%d/%m/%y"));
        assert_eq!(format("1.2.2024").as_deref(), Some("%d.%m.%Y"));
        assert_eq!(
            format("2024-12-31T08:15:00").as_deref(),
            Some("%Y-%m-%dT%H:%M:%S")
        );
    }

    fn counts(list: &[(K, u64)]) -> BTreeMap<K, u64> {
        list.iter().copied().collect()
    }

    #[test]
    fn columns_by_their_kinds() {
        let numbers = counts(&[(K::Int, 900), (K::Decimal, 6), (K::FrenchDecimal, 76)]);
        assert_eq!(resolve(&numbers, 982, 906, 906), K::Mixed);
        assert_eq!(resolve(&numbers, 982, 0, 0), K::FrenchDecimal);
        let siret = counts(&[(K::Int, 140), (K::Text, 2)]);
        assert_eq!(resolve(&siret, 142, 0, 0), K::Int);
        let notes = counts(&[(K::Int, 10), (K::Text, 20)]);
        assert_eq!(resolve(&notes, 30, 0, 0), K::Text);
        let dates = counts(&[(K::Date, 10), (K::Datetime, 2)]);
        assert_eq!(resolve(&dates, 12, 12, 0), K::Datetime);
        assert_eq!(resolve(&BTreeMap::new(), 0, 0, 0), K::Empty);
    }
}
