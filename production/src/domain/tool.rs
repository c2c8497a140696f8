//! Tools of the shop floor (moulds, jigs, gauges, machines…), their states and the
//! cycle counter that drives preventive maintenance.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{NOTE_MAX, ProductionError, check_amount, check_code, check_optional_text, check_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolKind {
    Mould,
    InspectionJig,
    Gauge,
    CuttingDie,
    Fixture,
    Machine,
    Electrode,
    Other,
}

impl ToolKind {
    pub const ALL: [ToolKind; 8] = [
        ToolKind::Mould,
        ToolKind::InspectionJig,
        ToolKind::Gauge,
        ToolKind::CuttingDie,
        ToolKind::Fixture,
        ToolKind::Machine,
        ToolKind::Electrode,
        ToolKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ToolKind::Mould => "MOULD",
            ToolKind::InspectionJig => "INSPECTION_JIG",
            ToolKind::Gauge => "GAUGE",
            ToolKind::CuttingDie => "CUTTING_DIE",
            ToolKind::Fixture => "FIXTURE",
            ToolKind::Machine => "MACHINE",
            ToolKind::Electrode => "ELECTRODE",
            ToolKind::Other => "OTHER",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ProductionError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ProductionError::invalid("kind", format!("unknown tool kind {s:?}")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolState {
    Available,
    InUse,
    InMaintenance,
    /// Final: a scrapped tool is kept for its history only.
    Scrapped,
}

impl ToolState {
    pub const ALL: [ToolState; 4] = [
        ToolState::Available,
        ToolState::InUse,
        ToolState::InMaintenance,
        ToolState::Scrapped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ToolState::Available => "AVAILABLE",
            ToolState::InUse => "IN_USE",
            ToolState::InMaintenance => "IN_MAINTENANCE",
            ToolState::Scrapped => "SCRAPPED",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ProductionError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ProductionError::invalid("state", format!("unknown tool state {s:?}")))
    }

    /// The transition table; staying in the same state is not a transition.
    pub fn can_become(self, to: ToolState) -> bool {
        use ToolState::{Available, InMaintenance, InUse, Scrapped};
        matches!(
            (self, to),
            (Available, InUse)
                | (InUse, Available)
                | (Available | InUse, InMaintenance)
                | (InMaintenance, Available)
                | (Available | InUse | InMaintenance, Scrapped)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    /// Such as MOU0012, GAB003, MAC001.
    pub code: String,
    pub name: String,
    pub kind: ToolKind,
    pub state: ToolState,
    /// Where the tool is kept (a rack, a press, the toolroom…).
    pub location: String,
    /// Cycles (shots, strokes, uses) since the tool was made; it only increases.
    pub cycle_counter: i64,
    /// The counter when the last maintenance was recorded, from which the due status derives.
    pub cycles_at_last_maintenance: i64,
    pub max_cycles_between_maintenance: Option<i64>,
    /// The next maintenance, or for a gauge the next calibration.
    pub next_maintenance_on: Option<NaiveDate>,
    /// The day of the last maintenance or calibration recorded.
    pub last_maintenance_on: Option<NaiveDate>,
    /// Old presses date back to the nineteenth century: no lower bound.
    pub purchased_on: Option<NaiveDate>,
    pub purchase_price: Option<Decimal>,
    pub note: Option<String>,
}

impl Tool {
    /// A new, available tool with a zero counter.
    pub fn new(
        code: &str,
        name: &str,
        kind: ToolKind,
        location: &str,
    ) -> Result<Self, ProductionError> {
        Tool {
            code: code.to_owned(),
            name: name.to_owned(),
            kind,
            state: ToolState::Available,
            location: location.to_owned(),
            cycle_counter: 0,
            cycles_at_last_maintenance: 0,
            max_cycles_between_maintenance: None,
            next_maintenance_on: None,
            last_maintenance_on: None,
            purchased_on: None,
            purchase_price: None,
            note: None,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, ProductionError> {
        if self.cycle_counter < 0 {
            return Err(ProductionError::invalid(
                "cycle_counter",
                "must not be negative",
            ));
        }
        if !(0..=self.cycle_counter).contains(&self.cycles_at_last_maintenance) {
            return Err(ProductionError::invalid(
                "cycles_at_last_maintenance",
                "must be between 0 and the cycle counter",
            ));
        }
        if self.max_cycles_between_maintenance.is_some_and(|m| m <= 0) {
            return Err(ProductionError::invalid(
                "max_cycles_between_maintenance",
                "must be positive",
            ));
        }
        let purchase_price = self
            .purchase_price
            .map(|p| check_amount("purchase_price", p, false))
            .transpose()?;
        Ok(Tool {
            code: check_code("code", &self.code, 32)?,
            name: check_text("name", &self.name, 200)?,
            location: check_text("location", &self.location, 100)?,
            purchase_price,
            note: check_optional_text("note", self.note, NOTE_MAX)?,
            ..self
        })
    }

    pub fn cycles_since_maintenance(&self) -> i64 {
        self.cycle_counter - self.cycles_at_last_maintenance
    }

    /// Cycles left before preventive maintenance falls due by the counter, negative when
    /// overdue; `None` without a maximum.
    pub fn cycles_to_maintenance(&self) -> Option<i64> {
        self.max_cycles_between_maintenance
            .map(|max| max.saturating_sub(self.cycles_since_maintenance()))
    }

    /// Due when the cycles since the last maintenance reach the maximum, or the next
    /// maintenance date has come; a scrapped tool is never due.
    pub fn is_due(&self, today: NaiveDate) -> bool {
        if self.state == ToolState::Scrapped {
            return false;
        }
        let by_cycles = self.cycles_to_maintenance().is_some_and(|left| left <= 0);
        let by_date = self.next_maintenance_on.is_some_and(|d| d <= today);
        by_cycles || by_date
    }

    /// The tool in state `to`, if the transition table allows it.
    pub fn change_state(&self, to: ToolState) -> Result<Tool, ProductionError> {
        if !self.state.can_become(to) {
            return Err(ProductionError::InvalidTransition {
                entity: "tool",
                key: self.code.clone(),
                from: self.state.as_str(),
                to: to.as_str(),
            });
        }
        Ok(Tool {
            state: to,
            ..self.clone()
        })
    }

    /// The tool after `cycles` more cycles; the counter never goes back.
    pub fn add_cycles(&self, cycles: i64) -> Result<Tool, ProductionError> {
        if cycles < 0 {
            return Err(ProductionError::invalid(
                "cycles",
                "the cycle counter only increases",
            ));
        }
        self.refuse_scrapped("a scrapped tool no longer runs")?;
        let cycle_counter = self
            .cycle_counter
            .checked_add(cycles)
            .ok_or_else(|| ProductionError::invalid("cycles", "the counter would overflow"))?;
        Ok(Tool {
            cycle_counter,
            ..self.clone()
        })
    }

    pub(crate) fn refuse_scrapped(&self, reason: &str) -> Result<(), ProductionError> {
        if self.state == ToolState::Scrapped {
            return Err(ProductionError::WrongState {
                entity: "tool",
                key: self.code.clone(),
                state: self.state.as_str(),
                reason: reason.to_owned(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mould() -> Tool {
        Tool::new("MOU0012", "Moule boîtier", ToolKind::Mould, "Presse 3").unwrap()
    }

    #[test]
    fn kinds_and_states_parse_back() {
        for k in ToolKind::ALL {
            assert_eq!(ToolKind::parse(k.as_str()).unwrap(), k);
        }
        for s in ToolState::ALL {
            assert_eq!(ToolState::parse(s.as_str()).unwrap(), s);
        }
        assert!(ToolKind::parse("mould").is_err());
        assert!(ToolState::parse("BROKEN").is_err());
    }

    #[test]
    fn the_transition_table() {
        use ToolState::{Available, InMaintenance, InUse, Scrapped};
        let allowed = [
            (Available, InUse),
            (InUse, Available),
            (Available, InMaintenance),
            (InUse, InMaintenance),
            (InMaintenance, Available),
            (Available, Scrapped),
            (InUse, Scrapped),
            (InMaintenance, Scrapped),
        ];
        for from in ToolState::ALL {
            for to in ToolState::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
        let scrapped = mould().change_state(Scrapped).unwrap();
        assert!(matches!(
            scrapped.change_state(Available),
            Err(ProductionError::InvalidTransition { .. })
        ));
    }

    #[test]
    fn counters_only_increase() {
        let t = mould().add_cycles(250).unwrap();
        assert_eq!(t.cycle_counter, 250);
        assert!(t.add_cycles(-1).is_err());
        assert!(t.add_cycles(i64::MAX).is_err());
        let scrapped = t.change_state(ToolState::Scrapped).unwrap();
        assert!(matches!(
            scrapped.add_cycles(1),
            Err(ProductionError::WrongState { .. })
        ));
        let mut bad = mould();
        bad.cycles_at_last_maintenance = 5;
        assert!(bad.validate().is_err());
        let mut bad = mould();
        bad.max_cycles_between_maintenance = Some(0);
        assert!(bad.validate().is_err());
    }

    #[test]
    fn due_by_cycles_or_by_date() {
        let today = NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
        let mut t = mould();
        assert!(!t.is_due(today));
        t.max_cycles_between_maintenance = Some(1000);
        t.cycle_counter = 1500;
        t.cycles_at_last_maintenance = 600;
        assert!(!t.is_due(today));
        t.cycle_counter = 1600;
        assert!(t.is_due(today));
        t.cycles_at_last_maintenance = 1600;
        t.next_maintenance_on = NaiveDate::from_ymd_opt(2025, 6, 2);
        assert!(t.is_due(today));
        assert!(!t.is_due(today.pred_opt().unwrap()));
        t.state = ToolState::Scrapped;
        assert!(!t.is_due(today));
    }
}
