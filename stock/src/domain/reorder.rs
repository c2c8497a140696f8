//! Reorder rules and the replenishment requests they raise.

use rust_decimal::Decimal;

use super::{Replenishment, StockError, check_code};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReorderMode {
    /// The reorder check raises requests (and e-mails) by itself.
    Auto,
    /// The check only reports; people decide.
    Manual,
}

impl ReorderMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReorderMode::Auto => "AUTO",
            ReorderMode::Manual => "MANUAL",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StockError> {
        match s {
            "AUTO" => Ok(ReorderMode::Auto),
            "MANUAL" => Ok(ReorderMode::Manual),
            _ => Err(StockError::invalid(
                "mode",
                format!("{s:?} is not AUTO or MANUAL"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReorderRule {
    pub article_code: String,
    pub location_code: String,
    pub min_qty: Decimal,
    pub max_qty: Decimal,
    /// Requests are rounded up to a multiple of this (1 when any quantity will do).
    pub multiple: Decimal,
    pub mode: ReorderMode,
    pub route: Replenishment,
    /// A supplier code of the fournisseurs domain, for BUY rules.
    pub preferred_supplier_code: Option<String>,
}

impl ReorderRule {
    /// The rule for a bare reorder threshold, as the legacy stock workbook had them: the
    /// minimum is the threshold, requests refill up to twice it in any quantity
    /// (multiple 1), and the rule only reports (MANUAL) until someone reviews it.
    pub fn from_threshold(
        article_code: &str,
        location_code: &str,
        threshold: Decimal,
        route: Replenishment,
        preferred_supplier_code: Option<String>,
    ) -> Result<Self, StockError> {
        ReorderRule {
            article_code: article_code.to_owned(),
            location_code: location_code.to_owned(),
            min_qty: threshold,
            max_qty: threshold * Decimal::TWO,
            multiple: Decimal::ONE,
            mode: ReorderMode::Manual,
            route,
            preferred_supplier_code,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, StockError> {
        if self.min_qty.is_sign_negative() {
            return Err(StockError::invalid("min_qty", "must not be negative"));
        }
        if self.max_qty < self.min_qty {
            return Err(StockError::invalid("max_qty", "must be at least min_qty"));
        }
        if self.multiple <= Decimal::ZERO {
            return Err(StockError::invalid("multiple", "must be positive"));
        }
        let preferred_supplier_code = self
            .preferred_supplier_code
            .map(|c| check_code("preferred_supplier_code", &c, 32))
            .transpose()?;
        Ok(ReorderRule {
            article_code: check_code("article_code", &self.article_code, 32)?,
            location_code: check_code("location_code", &self.location_code, 40)?,
            preferred_supplier_code,
            ..self
        })
    }

    /// The quantity to ask for when the forecast is below minimum: back up to the
    /// maximum, rounded up to the multiple; `None` when nothing is needed.
    pub fn needed(&self, forecast: Decimal) -> Option<Decimal> {
        if forecast >= self.min_qty {
            return None;
        }
        let missing = self.max_qty - forecast;
        let packs = (missing / self.multiple).ceil();
        Some(packs * self.multiple)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    Open,
    Ordered,
    Done,
    Cancelled,
}

impl RequestState {
    pub const ALL: [RequestState; 4] = [
        RequestState::Open,
        RequestState::Ordered,
        RequestState::Done,
        RequestState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Open => "OPEN",
            RequestState::Ordered => "ORDERED",
            RequestState::Done => "DONE",
            RequestState::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StockError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StockError::invalid("state", format!("unknown request state {s:?}")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplenishmentRequest {
    pub article_code: String,
    pub location_code: String,
    pub quantity: Decimal,
    pub route: Replenishment,
    pub supplier_code: Option<String>,
    pub state: RequestState,
    /// One open request per need: the same rule below minimum does not raise a second one.
    pub need_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(min: i64, max: i64, multiple: i64) -> ReorderRule {
        ReorderRule {
            article_code: "MP-00001".into(),
            location_code: "A01-01-1".into(),
            min_qty: min.into(),
            max_qty: max.into(),
            multiple: multiple.into(),
            mode: ReorderMode::Auto,
            route: Replenishment::Buy,
            preferred_supplier_code: Some("F00001".into()),
        }
    }

    #[test]
    fn asks_back_up_to_max_in_whole_multiples() {
        let r = rule(10, 100, 25).validate().unwrap();
        assert_eq!(r.needed(Decimal::from(10)), None);
        assert_eq!(r.needed(Decimal::from(9)), Some(Decimal::from(100)));
        assert_eq!(r.needed(Decimal::from(-5)), Some(Decimal::from(125)));
    }

    #[test]
    fn a_threshold_gives_a_manual_rule_up_to_twice_it() {
        let r = ReorderRule::from_threshold(
            "MP-00001",
            "A01-01-1",
            Decimal::from(50),
            Replenishment::Buy,
            Some("F00011".into()),
        )
        .unwrap();
        assert_eq!(
            (r.min_qty, r.max_qty, r.multiple, r.mode),
            (
                Decimal::from(50),
                Decimal::from(100),
                Decimal::ONE,
                ReorderMode::Manual
            )
        );
        assert_eq!(r.needed(Decimal::from(20)), Some(Decimal::from(80)));
        assert!(
            ReorderRule::from_threshold(
                "MP-00001",
                "A01-01-1",
                Decimal::from(-1),
                Replenishment::Buy,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn refuses_inconsistent_rules() {
        assert!(rule(10, 5, 1).validate().is_err());
        assert!(rule(-1, 5, 1).validate().is_err());
        assert!(rule(1, 5, 0).validate().is_err());
    }
}
