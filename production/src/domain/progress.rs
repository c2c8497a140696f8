//! Progress reported from the shop floor on a manufacturing order, and the totals
//! derived from it.

use chrono::{DateTime, SubsecRound, Utc};
use rust_decimal::Decimal;

use super::{NOTE_MAX, ProductionError, check_amount, check_code, check_optional_text, check_text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEntry {
    pub mo_number: String,
    pub entry_at: DateTime<Utc>,
    pub qty_good: Decimal,
    pub qty_scrap: Decimal,
    /// The operator's trigram, such as JDU.
    pub operator: String,
    pub work_station: String,
    pub note: Option<String>,
    /// When the entry was recorded in the system that took it, if that system says so
    /// (a correction is recorded after the entry it corrects, for the same time).
    pub recorded_at: Option<DateTime<Utc>>,
}

impl ProgressEntry {
    pub fn validate(self) -> Result<Self, ProductionError> {
        let qty_good = check_amount("qty_good", self.qty_good, false)?;
        let qty_scrap = check_amount("qty_scrap", self.qty_scrap, false)?;
        if qty_good.is_zero() && qty_scrap.is_zero() {
            return Err(ProductionError::invalid(
                "qty_good",
                "an entry reports good or scrapped parts, or both",
            ));
        }
        let operator = self.operator.trim().to_uppercase();
        if operator.chars().count() != 3 || !operator.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ProductionError::invalid(
                "operator",
                format!("{:?} is not a trigram of three letters", self.operator),
            ));
        }
        Ok(ProgressEntry {
            mo_number: check_code("mo_number", &self.mo_number, 32)?,
            // Every backend keeps microseconds: what is stored then equals what is read.
            entry_at: self.entry_at.trunc_subsecs(6),
            qty_good,
            qty_scrap,
            operator,
            work_station: check_text("work_station", &self.work_station, 60)?,
            note: check_optional_text("note", self.note, NOTE_MAX)?,
            recorded_at: self.recorded_at.map(|t| t.trunc_subsecs(6)),
        })
    }
}

/// What an order's entries add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressTotals {
    pub good: Decimal,
    pub scrap: Decimal,
    /// Still to make: the ordered quantity less the good parts, never below zero.
    pub remaining: Decimal,
}

impl ProgressTotals {
    pub fn of<'a>(
        ordered: Decimal,
        entries: impl IntoIterator<Item = &'a ProgressEntry>,
    ) -> ProgressTotals {
        let (good, scrap) = entries
            .into_iter()
            .fold((Decimal::ZERO, Decimal::ZERO), |(g, s), e| {
                (g + e.qty_good, s + e.qty_scrap)
            });
        ProgressTotals {
            good,
            scrap,
            remaining: (ordered - good).max(Decimal::ZERO),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn entry(good: &str, scrap: &str) -> ProgressEntry {
        ProgressEntry {
            mo_number: "OF25-0001".into(),
            entry_at: Utc::now(),
            qty_good: d(good),
            qty_scrap: d(scrap),
            operator: " jdu ".into(),
            work_station: "Presse 3".into(),
            note: None,
            recorded_at: None,
        }
    }

    #[test]
    fn entries_are_checked() {
        let e = entry("10", "0").validate().unwrap();
        assert_eq!(e.operator, "JDU");
        assert_eq!(e.entry_at.timestamp_subsec_nanos() % 1000, 0);
        assert!(entry("0", "0").validate().is_err());
        assert!(entry("-1", "2").validate().is_err());
        assert!(entry("0", "0.5").validate().is_ok());
        let mut e = entry("1", "0");
        e.operator = "JD".into();
        assert!(e.validate().is_err());
        let mut e = entry("1", "0");
        e.operator = "J3U".into();
        assert!(e.validate().is_err());
    }

    #[test]
    fn totals_are_exact_and_remaining_stops_at_zero() {
        let entries = [
            entry("10.25", "0.5"),
            entry("33.333333", "0"),
            entry("0.1", "0.2"),
        ];
        let t = ProgressTotals::of(d("100.5"), &entries);
        assert_eq!(t.good, d("43.683333"));
        assert_eq!(t.scrap, d("0.7"));
        assert_eq!(t.remaining, d("56.816667"));
        let over = ProgressTotals::of(d("40"), &entries);
        assert_eq!(over.remaining, Decimal::ZERO);
        assert_eq!(ProgressTotals::of(d("7"), []).remaining, d("7"));
    }
}
