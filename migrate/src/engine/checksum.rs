//! Order-independent checksums of canonical values: the same set of rows gives the same
//! checksum whatever the order it is read in, on the source side and on the target side.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use bascule_platform::db::Value;

/// The canonical text of a value: the same on every backend for the same value.
pub fn canonical(value: &Value) -> String {
    let mut text = String::new();
    write_canonical(value, &mut text);
    text
}

/// Appends the canonical text of `value` to `out`: what [`canonical`] returns, without
/// a new string per value (rows are hashed by the million).
fn write_canonical(value: &Value, out: &mut String) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = match value {
        Value::Null(_) => {
            out.push('\u{0}');
            Ok(())
        }
        Value::Bool(b) => {
            out.push(if *b { 'T' } else { 'F' });
            Ok(())
        }
        Value::Int(i) => write!(out, "I{i}"),
        Value::Decimal(d) => write!(out, "N{}", d.normalize()),
        Value::Text(s) => {
            out.push('S');
            out.push_str(s);
            Ok(())
        }
        Value::Date(d) => {
            out.push('D');
            write_date(*d, out)
        }
        Value::Timestamp(t) => {
            out.push('T');
            write_timestamp(t, out)
        }
    };
}

/// `%Y-%m-%d`, written field by field: chrono parses its format string on every call,
/// which showed in the profile of million-row loads. Years outside 0..=9999, which
/// `%Y` writes with a sign, keep chrono's text.
fn write_date(d: chrono::NaiveDate, out: &mut String) -> std::fmt::Result {
    use chrono::Datelike as _;
    use std::fmt::Write as _;
    if (0..=9999).contains(&d.year()) {
        write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    } else {
        write!(out, "{}", d.format("%Y-%m-%d"))
    }
}

/// `%Y-%m-%dT%H:%M:%S%.6fZ`, written field by field as [`write_date`] is; a leap second
/// (nanoseconds past one second) keeps chrono's text.
fn write_timestamp(t: &chrono::DateTime<chrono::Utc>, out: &mut String) -> std::fmt::Result {
    use chrono::{Datelike as _, Timelike as _};
    use std::fmt::Write as _;
    let nanos = t.nanosecond();
    if !(0..=9999).contains(&t.year()) || nanos >= 1_000_000_000 {
        return write!(out, "{}", t.format("%Y-%m-%dT%H:%M:%S%.6fZ"));
    }
    write_date(t.date_naive(), out)?;
    write!(
        out,
        "T{:02}:{:02}:{:02}.{:06}Z",
        t.hour(),
        t.minute(),
        t.second(),
        nanos / 1000
    )
}

/// The hash of one row: its columns' canonical texts, in order, unambiguously separated.
pub fn row_hash<'a>(values: impl IntoIterator<Item = &'a Value>) -> u128 {
    let mut hasher = Sha256::new();
    let mut text = String::with_capacity(64);
    for v in values {
        text.clear();
        write_canonical(v, &mut text);
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    let digest = hasher.finalize();
    let mut first = [0_u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(first)
}

/// A multiset of rows summarised: their number and the wrapping sum of their hashes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksum {
    pub rows: u64,
    #[serde(with = "hex")]
    pub sum: u128,
}

impl Checksum {
    pub fn add(&mut self, hash: u128) {
        self.rows += 1;
        self.sum = self.sum.wrapping_add(hash);
    }

    pub fn remove(&mut self, hash: u128) {
        self.rows = self.rows.saturating_sub(1);
        self.sum = self.sum.wrapping_sub(hash);
    }

    pub fn hex(&self) -> String {
        format!("{:032x}", self.sum)
    }
}

mod hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:032x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = String::deserialize(d)?;
        u128::from_str_radix(&s, 16).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    /// The hash of (7, true, "é", NULL), computed from the canonical texts by hand
    /// (SHA-256 of length-prefixed "I7", "T", "Sé", "\0"; first 16 bytes, little-endian).
    const PINNED: &str = "f7dd47eedcfdd7031f2d9ce91566b70e";

    #[test]
    fn order_does_not_matter_but_every_value_does() {
        let a = [
            Value::Text("A".into()),
            Value::Decimal(Decimal::from_str("1.50").unwrap()),
        ];
        let b = [
            Value::Text("B".into()),
            Value::Null(bascule_platform::db::Kind::Text),
        ];
        let mut x = Checksum::default();
        x.add(row_hash(&a));
        x.add(row_hash(&b));
        let mut y = Checksum::default();
        y.add(row_hash(&b));
        y.add(row_hash(&a));
        assert_eq!(x, y);
        let a2 = [
            Value::Text("A".into()),
            Value::Decimal(Decimal::from_str("1.5").unwrap()),
        ];
        assert_eq!(
            row_hash(&a),
            row_hash(&a2),
            "1.50 and 1.5 are the same number"
        );
        let c = [
            Value::Text("A".into()),
            Value::Decimal(Decimal::from_str("1.51").unwrap()),
        ];
        assert_ne!(row_hash(&a), row_hash(&c));
        assert_ne!(
            row_hash(&[Value::Text("ab".into()), Value::Text("c".into())]),
            row_hash(&[Value::Text("a".into()), Value::Text("bc".into())])
        );
        // The canonical texts are part of stored checkpoints: they never change.
        assert_eq!(
            format!(
                "{:032x}",
                row_hash(&[
                    Value::Int(7),
                    Value::Bool(true),
                    Value::Text("é".into()),
                    Value::Null(bascule_platform::db::Kind::Int),
                ])
            ),
            PINNED
        );
        x.remove(row_hash(&b));
        // Leap second, nanoseconds cut to microseconds, years outside four digits.
        for (y, m, d, nanos) in [
            (2025, 1, 31, 123_456_789),
            (987, 3, 4, 0),
            (12025, 1, 31, 500_000_000),
            (-44, 3, 15, 0),
            (2016, 12, 31, 1_999_999_000),
        ] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(
                canonical(&Value::Date(date)),
                format!("D{}", date.format("%Y-%m-%d"))
            );
            let t = date.and_hms_nano_opt(23, 59, 59, nanos).unwrap().and_utc();
            assert_eq!(
                canonical(&Value::Timestamp(t)),
                format!("T{}", t.format("%Y-%m-%dT%H:%M:%S%.6fZ")),
                "{t:?}"
            );
        }
        let json = serde_json::to_string(&x).unwrap();
        assert_eq!(serde_json::from_str::<Checksum>(&json).unwrap(), x);
    }
}
