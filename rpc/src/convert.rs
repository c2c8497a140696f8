//! Conversions between wire types (google.type.Decimal, Timestamp, FieldMask, etags)
//! and the domain's, with errors that name the field.

use std::str::FromStr;

use bascule_proto::google::r#type::Decimal as WireDecimal;
use chrono::{DateTime, TimeZone, Utc};
use prost_types::{FieldMask, Timestamp};
use rust_decimal::Decimal;

use crate::ApiError;

pub fn decimal(d: Decimal) -> WireDecimal {
    WireDecimal {
        value: d.normalize().to_string(),
    }
}

pub fn optional_decimal(d: Option<Decimal>) -> Option<WireDecimal> {
    d.map(decimal)
}

/// A required decimal: absent or malformed is bad input in `field`.
pub fn parse_decimal(field: &str, d: Option<&WireDecimal>) -> Result<Decimal, ApiError> {
    match d {
        Some(d) => parse_decimal_text(field, &d.value),
        None => Err(ApiError::invalid(field, "is required")),
    }
}

/// An optional decimal: absent or empty is `None`.
pub fn parse_optional_decimal(
    field: &str,
    d: Option<&WireDecimal>,
) -> Result<Option<Decimal>, ApiError> {
    match d {
        Some(d) if !d.value.trim().is_empty() => parse_decimal_text(field, &d.value).map(Some),
        _ => Ok(None),
    }
}

fn parse_decimal_text(field: &str, text: &str) -> Result<Decimal, ApiError> {
    let text = text.trim();
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| ApiError::invalid(field, format!("{text:?} is not a decimal number")))
}

pub fn timestamp(t: DateTime<Utc>) -> Timestamp {
    Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

pub fn parse_timestamp(field: &str, t: &Timestamp) -> Result<DateTime<Utc>, ApiError> {
    let nanos = u32::try_from(t.nanos).map_err(|_| ApiError::invalid(field, "negative nanos"))?;
    Utc.timestamp_opt(t.seconds, nanos)
        .single()
        .ok_or_else(|| ApiError::invalid(field, "is not a valid time"))
}

/// The etag of a stored revision.
pub fn etag(revision: i64) -> String {
    format!("r{revision}")
}

/// The revision an update is based on: the etag sent, or the current revision when the
/// client sent none (last writer wins, as AIP-154 allows).
pub fn revision_from_etag(etag: &str, current: i64) -> Result<i64, ApiError> {
    if etag.is_empty() {
        return Ok(current);
    }
    etag.strip_prefix('r')
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::invalid("etag", format!("{etag:?} is not an etag of this service"))
        })
}

/// The paths of an update mask, each checked against the fields that may change; an
/// absent or empty mask means every updatable field.
pub fn mask_paths(
    mask: Option<&FieldMask>,
    updatable: &[&'static str],
) -> Result<Vec<&'static str>, ApiError> {
    let paths = match mask {
        Some(m) if !m.paths.is_empty() => &m.paths,
        _ => return Ok(updatable.to_vec()),
    };
    paths
        .iter()
        .map(|p| {
            updatable
                .iter()
                .find(|u| **u == p.as_str())
                .copied()
                .ok_or_else(|| {
                    ApiError::invalid(
                        "update_mask",
                        format!(
                            "{p:?} cannot be updated; possible: {}",
                            updatable.join(", ")
                        ),
                    )
                })
        })
        .collect()
}

/// Text from an optional proto string: empty means absent.
pub fn optional_text(s: &str) -> Option<String> {
    Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// A proto enum value to the domain's name for it (`name` is the enum's
/// `as_str_name`); UNSPECIFIED or unknown is bad input.
pub fn enum_by_name<E: TryFrom<i32>>(
    field: &str,
    value: i32,
    name: impl Fn(&E) -> &'static str,
) -> Result<&'static str, ApiError> {
    match E::try_from(value) {
        Ok(e) if value != 0 => Ok(name(&e)),
        _ => Err(ApiError::invalid(field, "is required")),
    }
}

/// A domain enum's name to the proto value of that name (`from_name` is the enum's
/// `from_str_name`); an unknown name is UNSPECIFIED.
pub fn proto_enum<E: Default>(name: &str, from_name: impl Fn(&str) -> Option<E>) -> E {
    from_name(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_times_round_trip() {
        let d = Decimal::from_str("12345678901.123456").unwrap();
        assert_eq!(parse_decimal("q", Some(&decimal(d))).unwrap(), d);
        assert!(
            parse_decimal(
                "q",
                Some(&WireDecimal {
                    value: "1,5".into()
                })
            )
            .is_err()
        );
        assert!(parse_decimal("q", None).is_err());
        assert_eq!(parse_optional_decimal("q", None).unwrap(), None);
        let t = Utc.with_ymd_and_hms(1887, 3, 1, 8, 30, 0).unwrap();
        assert_eq!(parse_timestamp("t", &timestamp(t)).unwrap(), t);
    }

    #[test]
    fn etags_and_masks() {
        assert_eq!(revision_from_etag(&etag(7), 9).unwrap(), 7);
        assert_eq!(revision_from_etag("", 9).unwrap(), 9);
        assert!(revision_from_etag("7", 9).is_err());
        let mask = FieldMask {
            paths: vec!["name".into()],
        };
        assert_eq!(
            mask_paths(Some(&mask), &["name", "unit"]).unwrap(),
            vec!["name"]
        );
        assert_eq!(mask_paths(None, &["name", "unit"]).unwrap().len(), 2);
        let bad = FieldMask {
            paths: vec!["code".into()],
        };
        assert!(mask_paths(Some(&bad), &["name"]).is_err());
    }
}
