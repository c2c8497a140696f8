//! Manufacturing orders (OF): what to make, when, with which tools, and their life cycle.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{NOTE_MAX, ProductionError, check_amount, check_code, check_optional_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoState {
    Draft,
    Confirmed,
    InProgress,
    /// Production is finished; the order still awaits its closing.
    Done,
    /// Final: closed (counted, booked), the legacy "soldé".
    Closed,
    Cancelled,
}

impl MoState {
    pub const ALL: [MoState; 6] = [
        MoState::Draft,
        MoState::Confirmed,
        MoState::InProgress,
        MoState::Done,
        MoState::Closed,
        MoState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MoState::Draft => "DRAFT",
            MoState::Confirmed => "CONFIRMED",
            MoState::InProgress => "IN_PROGRESS",
            MoState::Done => "DONE",
            MoState::Closed => "CLOSED",
            MoState::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ProductionError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                ProductionError::invalid(
                    "state",
                    format!("unknown manufacturing order state {s:?}"),
                )
            })
    }

    /// The transition table: forward one step at a time, or cancelled before production ends.
    pub fn can_become(self, to: MoState) -> bool {
        use MoState::{Cancelled, Closed, Confirmed, Done, Draft, InProgress};
        matches!(
            (self, to),
            (Draft, Confirmed)
                | (Confirmed, InProgress)
                | (InProgress, Done)
                | (Done, Closed)
                | (Draft | Confirmed | InProgress, Cancelled)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManufacturingOrder {
    /// Such as OF25-0001.
    pub mo_number: String,
    /// The article made, a code of the stock domain.
    pub article_code: String,
    pub quantity: Decimal,
    pub state: MoState,
    pub planned_start_on: NaiveDate,
    pub planned_end_on: NaiveDate,
    /// The date promised to the customer; it may fall before the planned end (a late order).
    pub deadline_on: Option<NaiveDate>,
    /// The customer order this was made for, a number of the clients domain.
    pub origin_order_number: Option<String>,
    pub customer_code: Option<String>,
    /// Codes of the tools used, in code order.
    pub tool_codes: Vec<String>,
    pub note: Option<String>,
}

impl ManufacturingOrder {
    /// A draft order without tools, deadline or customer.
    pub fn new(
        mo_number: &str,
        article_code: &str,
        quantity: Decimal,
        planned_start_on: NaiveDate,
        planned_end_on: NaiveDate,
    ) -> Result<Self, ProductionError> {
        ManufacturingOrder {
            mo_number: mo_number.to_owned(),
            article_code: article_code.to_owned(),
            quantity,
            state: MoState::Draft,
            planned_start_on,
            planned_end_on,
            deadline_on: None,
            origin_order_number: None,
            customer_code: None,
            tool_codes: Vec::new(),
            note: None,
        }
        .validate()
    }

    /// Checks the order and puts its tool codes in code order (the order they are read
    /// back in); a tool listed twice is refused.
    pub fn validate(self) -> Result<Self, ProductionError> {
        if self.planned_end_on < self.planned_start_on {
            return Err(ProductionError::invalid(
                "planned_end_on",
                "must not come before the planned start",
            ));
        }
        let mut tool_codes = self
            .tool_codes
            .iter()
            .map(|c| check_code("tool_codes", c, 32))
            .collect::<Result<Vec<_>, _>>()?;
        tool_codes.sort();
        if let Some(pair) = tool_codes.windows(2).find(|w| w[0] == w[1]) {
            return Err(ProductionError::invalid(
                "tool_codes",
                format!("tool {} is listed twice", pair[0]),
            ));
        }
        Ok(ManufacturingOrder {
            mo_number: check_code("mo_number", &self.mo_number, 32)?,
            article_code: check_code("article_code", &self.article_code, 32)?,
            quantity: check_amount("quantity", self.quantity, true)?,
            // Numbers of another domain: kept as written there, only bounded.
            origin_order_number: check_optional_text(
                "origin_order_number",
                self.origin_order_number,
                40,
            )?,
            customer_code: check_optional_text("customer_code", self.customer_code, 32)?,
            note: check_optional_text("note", self.note, NOTE_MAX)?,
            tool_codes,
            ..self
        })
    }

    /// The order in state `to`, if the transition table allows it.
    pub fn change_state(&self, to: MoState) -> Result<ManufacturingOrder, ProductionError> {
        if !self.state.can_become(to) {
            return Err(ProductionError::InvalidTransition {
                entity: "manufacturing order",
                key: self.mo_number.clone(),
                from: self.state.as_str(),
                to: to.as_str(),
            });
        }
        Ok(ManufacturingOrder {
            state: to,
            ..self.clone()
        })
    }

    /// Progress is reported only on an order being worked on.
    pub fn check_accepts_progress(&self) -> Result<(), ProductionError> {
        if self.state == MoState::InProgress {
            return Ok(());
        }
        Err(ProductionError::WrongState {
            entity: "manufacturing order",
            key: self.mo_number.clone(),
            state: self.state.as_str(),
            reason: "progress is reported only while IN_PROGRESS".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, d).unwrap()
    }

    fn order() -> ManufacturingOrder {
        ManufacturingOrder::new("OF25-0001", "PF-00001", Decimal::from(500), day(2), day(6))
            .unwrap()
    }

    #[test]
    fn the_transition_table() {
        use MoState::{Cancelled, Closed, Confirmed, Done, Draft, InProgress};
        let allowed = [
            (Draft, Confirmed),
            (Confirmed, InProgress),
            (InProgress, Done),
            (Done, Closed),
            (Draft, Cancelled),
            (Confirmed, Cancelled),
            (InProgress, Cancelled),
        ];
        for from in MoState::ALL {
            assert_eq!(MoState::parse(from.as_str()).unwrap(), from);
            for to in MoState::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
        assert!(matches!(
            order().change_state(Done),
            Err(ProductionError::InvalidTransition {
                from: "DRAFT",
                to: "DONE",
                ..
            })
        ));
    }

    #[test]
    fn orders_are_checked() {
        assert!(
            ManufacturingOrder::new("OF25-0001", "PF-00001", Decimal::ZERO, day(2), day(6))
                .is_err()
        );
        assert!(
            ManufacturingOrder::new("OF25-0001", "PF-00001", Decimal::ONE, day(6), day(2)).is_err()
        );
        let mut o = order();
        o.tool_codes = vec!["MOU0012".into(), "GAB003".into()];
        o.customer_code = Some(String::new());
        let o = o.validate().unwrap();
        assert_eq!(o.tool_codes, vec!["GAB003", "MOU0012"]);
        assert_eq!(o.customer_code, None);
        let mut twice = o.clone();
        twice.tool_codes.push("GAB003".into());
        assert!(twice.validate().is_err());
    }

    #[test]
    fn progress_only_while_in_progress() {
        let o = order();
        assert!(matches!(
            o.check_accepts_progress(),
            Err(ProductionError::WrongState { state: "DRAFT", .. })
        ));
        let o = o.change_state(MoState::Confirmed).unwrap();
        let o = o.change_state(MoState::InProgress).unwrap();
        assert!(o.check_accepts_progress().is_ok());
    }
}
