//! Which values survive when two legacy records describe the same entity.

use bascule_platform::db::Value;

use crate::mapping::spec::MergeStrategy;

/// Merges `incoming` into `current` (both aligned on the same columns). `incoming_wins`
/// says, for the strategies that compare records, whether the incoming record is the
/// more recent or the higher-priority one.
pub fn merge(
    strategy: MergeStrategy,
    current: &[Value],
    incoming: &[Value],
    incoming_wins: bool,
) -> Vec<Value> {
    let fill = |base: &[Value], other: &[Value]| -> Vec<Value> {
        base.iter()
            .zip(other)
            .map(|(b, o)| if b.is_null() { o.clone() } else { b.clone() })
            .collect()
    };
    match strategy {
        MergeStrategy::FirstWins => fill(current, incoming),
        MergeStrategy::NonNull => fill(incoming, current),
        MergeStrategy::MostRecent | MergeStrategy::SourcePriority => {
            if incoming_wins {
                fill(incoming, current)
            } else {
                fill(current, incoming)
            }
        }
    }
}

/// True when `incoming` is strictly more recent than `current` (an absent date loses).
pub fn is_more_recent(incoming: &Value, current: &Value) -> bool {
    match (incoming, current) {
        (Value::Null(_), _) => false,
        (_, Value::Null(_)) => true,
        (Value::Date(a), Value::Date(b)) => a > b,
        (Value::Timestamp(a), Value::Timestamp(b)) => a > b,
        (Value::Int(a), Value::Int(b)) => a > b,
        (Value::Decimal(a), Value::Decimal(b)) => a > b,
        (Value::Text(a), Value::Text(b)) => a > b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bascule_platform::db::Kind;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }
    const N: Value = Value::Null(Kind::Text);

    #[test]
    fn strategies() {
        let current = [t("A"), N, t("old")];
        let incoming = [t("B"), t("x"), N];
        assert_eq!(
            merge(MergeStrategy::FirstWins, &current, &incoming, false),
            vec![t("A"), t("x"), t("old")]
        );
        assert_eq!(
            merge(MergeStrategy::NonNull, &current, &incoming, false),
            vec![t("B"), t("x"), t("old")]
        );
        assert_eq!(
            merge(MergeStrategy::MostRecent, &current, &incoming, true),
            vec![t("B"), t("x"), t("old")]
        );
        assert_eq!(
            merge(MergeStrategy::MostRecent, &current, &incoming, false),
            vec![t("A"), t("x"), t("old")]
        );
        let d = |y| Value::Date(chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap());
        assert!(is_more_recent(&d(2020), &d(2019)));
        assert!(!is_more_recent(&d(2019), &d(2019)));
        assert!(is_more_recent(&d(1900), &Value::Null(Kind::Date)));
        assert!(!is_more_recent(&Value::Null(Kind::Date), &d(1900)));
    }
}
