//! The bounds of the `range`, `length`, `date_range` and `plausible_date` rules: parsed
//! when a mapping is compiled, checked on values.

use std::str::FromStr;

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use super::spec::{DateRangeSpec, LengthSpec, RangeSpec};
use super::transform::describe;
use super::val::{Val, Violation, float_to_decimal};

/// The bounds of `range`: TOML integers, floats or texts of decimals.
pub fn decimal_bounds(spec: &RangeSpec) -> Result<(Option<Decimal>, Option<Decimal>), String> {
    let bound = |value: &Option<toml::Value>, name: &str| {
        value
            .as_ref()
            .map(|value| {
                let parsed = match value {
                    toml::Value::Integer(i) => Some(Decimal::from(*i)),
                    toml::Value::Float(f) => float_to_decimal(*f),
                    toml::Value::String(s) => Decimal::from_str(s.trim()).ok(),
                    _ => None,
                };
                parsed.ok_or_else(|| {
                    format!("range: {name} {value} is not a number (write 0, 12.5 or \"12.5\")")
                })
            })
            .transpose()
    };
    ordered("range", bound(&spec.min, "min")?, bound(&spec.max, "max")?)
}

/// The bounds of `length`.
pub fn length_bounds(spec: &LengthSpec) -> Result<(Option<usize>, Option<usize>), String> {
    ordered("length", spec.min, spec.max)
}

/// The bounds of `date_range`: ISO dates.
pub fn date_bounds(spec: &DateRangeSpec) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    let bound = |value: &Option<String>, name: &str| {
        value
            .as_deref()
            .map(|s| {
                NaiveDate::from_str(s.trim()).map_err(|_| {
                    format!("date_range: {name} {s:?} is not an ISO date such as 2024-12-31")
                })
            })
            .transpose()
    };
    ordered(
        "date_range",
        bound(&spec.min, "min")?,
        bound(&spec.max, "max")?,
    )
}

/// At least one bound, and min ≤ max.
fn ordered<T: PartialOrd + std::fmt::Display>(
    rule: &str,
    min: Option<T>,
    max: Option<T>,
) -> Result<(Option<T>, Option<T>), String> {
    match (&min, &max) {
        (None, None) => Err(format!("{rule}: give min, max or both")),
        (Some(lo), Some(hi)) if lo > hi => {
            Err(format!("{rule}: min {lo} is greater than max {hi}"))
        }
        _ => Ok((min, max)),
    }
}

/// `range`: a number value (or the text of a plain decimal) within the bounds.
pub fn check_range(val: &Val, min: Option<Decimal>, max: Option<Decimal>) -> Result<(), Violation> {
    let number = match val {
        Val::Int(i) => Some(Decimal::from(*i)),
        Val::Decimal(d) => Some(*d),
        Val::Float(f) => float_to_decimal(*f),
        Val::Text(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    };
    let fail = |message: String| Err(Violation::new("range", message));
    match (number, min, max) {
        (None, _, _) => fail(format!("expected a number, found {}", describe(val))),
        (Some(n), Some(min), _) if n < min => fail(format!("{n} is below the minimum {min}")),
        (Some(n), _, Some(max)) if n > max => fail(format!("{n} is above the maximum {max}")),
        _ => Ok(()),
    }
}

/// `length`: the number of characters (not bytes) within the bounds.
pub fn check_length(text: &str, min: Option<usize>, max: Option<usize>) -> Result<(), Violation> {
    let len = text.chars().count();
    let fail = |message: String| Err(Violation::new("length", message));
    match (min, max) {
        (Some(min), _) if len < min => {
            fail(format!("{text:?} has {len} characters, fewer than {min}"))
        }
        (_, Some(max)) if len > max => {
            fail(format!("{text:?} has {len} characters, more than {max}"))
        }
        _ => Ok(()),
    }
}

/// The date of a date, date and time, or timestamp (its UTC date) value.
fn date_of(val: &Val, rule: &str) -> Result<NaiveDate, Violation> {
    match val {
        Val::Date(d) => Ok(*d),
        Val::DateTime(t) => Ok(t.date()),
        Val::Timestamp(t) => Ok(t.date_naive()),
        other => Err(Violation::new(
            rule,
            format!("expected a date, found {}", describe(other)),
        )),
    }
}

/// `date_range` (and the rule `rule` generally): a date within inclusive bounds.
pub fn check_date(
    val: &Val,
    min: Option<NaiveDate>,
    max: Option<NaiveDate>,
    rule: &str,
) -> Result<(), Violation> {
    let d = date_of(val, rule)?;
    match (min, max) {
        (Some(min), _) if d < min => Err(Violation::new(
            rule,
            format!("{d} is before the earliest date {min}"),
        )),
        (_, Some(max)) if d > max => Err(Violation::new(
            rule,
            format!("{d} is after the latest date {max}"),
        )),
        _ => Ok(()),
    }
}

/// `plausible_date`: from 1800-01-01 (the founding workshop's machines date from the 1880s)
/// to ten years after `today`.
pub fn check_plausible(val: &Val, today: NaiveDate) -> Result<(), Violation> {
    let rule = "plausible_date";
    let d = date_of(val, rule)?;
    let min = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap_or(NaiveDate::MIN);
    let max = today
        .checked_add_months(Months::new(120))
        .unwrap_or(NaiveDate::MAX);
    if (min..=max).contains(&d) {
        Ok(())
    } else {
        Err(Violation::new(
            rule,
            format!("{d} is not a plausible date (expected from {min} to {max})"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::rule::Rule;
    use crate::mapping::rule::tests::check;
    use crate::mapping::spec::{NamedRule, RuleSpec};

    fn text(s: &str) -> Val {
        Val::Text(s.to_owned())
    }

    fn date(y: i32, m: u32, d: u32) -> Val {
        Val::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn range(min: Option<toml::Value>, max: Option<toml::Value>) -> RuleSpec {
        RuleSpec::Range {
            range: RangeSpec { min, max },
        }
    }

    fn length(min: Option<usize>, max: Option<usize>) -> RuleSpec {
        RuleSpec::Length {
            length: LengthSpec { min, max },
        }
    }

    fn dates(min: &str, max: &str) -> RuleSpec {
        RuleSpec::DateRange {
            date_range: DateRangeSpec {
                min: Some(min.to_owned()),
                max: Some(max.to_owned()),
            },
        }
    }

    #[test]
    fn range_on_numbers() {
        let percent = || {
            range(
                Some(toml::Value::Integer(0)),
                Some(toml::Value::String("100".to_owned())),
            )
        };
        assert!(check(percent(), Val::Int(0)).is_ok());
        assert!(check(percent(), Val::Decimal(Decimal::from_str("99.99").unwrap())).is_ok());
        assert!(check(percent(), Val::Float(100.0)).is_ok());
        assert!(check(percent(), text("12.5")).is_ok());
        assert_eq!(
            check(percent(), Val::Int(-3)),
            Err(Violation::new("range", "-3 is below the minimum 0"))
        );
        assert_eq!(
            check(percent(), Val::Float(100.5)),
            Err(Violation::new("range", "100.5 is above the maximum 100"))
        );
        assert_eq!(
            check(percent(), text("12,5")).unwrap_err().message,
            "expected a number, found \"12,5\""
        );
        assert!(check(range(Some(toml::Value::Float(0.5)), None), Val::Float(0.4)).is_err());
    }

    #[test]
    fn range_bounds_are_checked_when_compiled() {
        let err =
            Rule::compile(&range(Some(toml::Value::String("abc".to_owned())), None)).unwrap_err();
        assert_eq!(
            err,
            "range: min \"abc\" is not a number (write 0, 12.5 or \"12.5\")"
        );
        assert!(Rule::compile(&range(Some(toml::Value::Boolean(true)), None)).is_err());
        assert_eq!(
            Rule::compile(&range(None, None)).unwrap_err(),
            "range: give min, max or both"
        );
        let err = Rule::compile(&range(
            Some(toml::Value::Integer(5)),
            Some(toml::Value::Integer(1)),
        ))
        .unwrap_err();
        assert_eq!(err, "range: min 5 is greater than max 1");
    }

    #[test]
    fn length_in_characters() {
        assert!(check(length(Some(5), Some(5)), text("01100")).is_ok());
        assert!(check(length(Some(5), Some(5)), Val::Int(49300)).is_ok());
        let err = check(length(Some(5), Some(5)), text("1100"));
        assert_eq!(
            err,
            Err(Violation::new(
                "length",
                "\"1100\" has 4 characters, fewer than 5"
            ))
        );
        assert!(check(length(None, Some(5)), text("Éèàçô")).is_ok());
        assert!(
            check(length(None, Some(5)), text("Éèàçôù"))
                .unwrap_err()
                .message
                .contains("more than 5")
        );
        assert!(Rule::compile(&length(None, None)).is_err());
        assert!(Rule::compile(&length(Some(3), Some(2))).is_err());
    }

    #[test]
    fn date_range_is_inclusive() {
        let since = || dates("2016-03-14", "2025-09-30");
        assert!(check(since(), date(2016, 3, 14)).is_ok());
        let err = check(since(), date(2016, 3, 13)).unwrap_err();
        assert_eq!(
            err,
            Violation::new(
                "date_range",
                "2016-03-13 is before the earliest date 2016-03-14"
            )
        );
        let err = check(since(), date(2025, 10, 1)).unwrap_err();
        assert_eq!(
            err.message,
            "2025-10-01 is after the latest date 2025-09-30"
        );
        let evening = NaiveDate::from_ymd_opt(2025, 9, 30)
            .unwrap()
            .and_hms_opt(23, 0, 0)
            .unwrap();
        assert!(check(since(), Val::DateTime(evening)).is_ok());
        assert!(
            check(since(), text("2020-01-01"))
                .unwrap_err()
                .message
                .contains("expected a date")
        );
        let err = Rule::compile(&dates("14/03/2016", "2025-09-30")).unwrap_err();
        assert!(err.contains("\"14/03/2016\" is not an ISO date"), "{err}");
        assert!(Rule::compile(&dates("2026-01-01", "2025-09-30")).is_err());
    }

    #[test]
    fn plausible_dates_from_1800_to_ten_years_ahead() {
        let plausible = || RuleSpec::Named(NamedRule::PlausibleDate);
        // Today is 2025-09-30 in `check`.
        assert!(check(plausible(), date(1884, 5, 1)).is_ok());
        assert!(check(plausible(), date(1800, 1, 1)).is_ok());
        assert!(check(plausible(), date(2035, 9, 30)).is_ok());
        let err = check(plausible(), date(2035, 10, 1)).unwrap_err();
        let expected =
            "2035-10-01 is not a plausible date (expected from 1800-01-01 to 2035-09-30)";
        assert_eq!(err, Violation::new("plausible_date", expected));
        assert!(check(plausible(), date(1799, 12, 31)).is_err());
        assert!(
            check(plausible(), Val::Int(45657))
                .unwrap_err()
                .message
                .contains("expected a date")
        );
    }
}
