//! Maintenance and calibration records of a tool, and what recording one does to it.

use chrono::NaiveDate;

use super::{ProductionError, Tool, check_code, check_optional_text, check_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaintenanceKind {
    Preventive,
    Corrective,
    Calibration,
}

impl MaintenanceKind {
    pub const ALL: [MaintenanceKind; 3] = [
        MaintenanceKind::Preventive,
        MaintenanceKind::Corrective,
        MaintenanceKind::Calibration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MaintenanceKind::Preventive => "PREVENTIVE",
            MaintenanceKind::Corrective => "CORRECTIVE",
            MaintenanceKind::Calibration => "CALIBRATION",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ProductionError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                ProductionError::invalid("kind", format!("unknown maintenance kind {s:?}"))
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceRecord {
    pub tool_code: String,
    pub kind: MaintenanceKind,
    pub performed_on: NaiveDate,
    /// The tool's cycle counter when the work was done.
    pub cycle_counter: i64,
    /// Who did it: a person, or the outside firm for a calibration.
    pub performed_by: String,
    pub note: Option<String>,
    pub next_due_on: Option<NaiveDate>,
}

impl MaintenanceRecord {
    pub fn validate(self) -> Result<Self, ProductionError> {
        if self.cycle_counter < 0 {
            return Err(ProductionError::invalid(
                "cycle_counter",
                "must not be negative",
            ));
        }
        if self.next_due_on.is_some_and(|d| d <= self.performed_on) {
            return Err(ProductionError::invalid(
                "next_due_on",
                "must come after the day the work was done",
            ));
        }
        Ok(MaintenanceRecord {
            tool_code: check_code("tool_code", &self.tool_code, 32)?,
            performed_by: check_text("performed_by", &self.performed_by, 100)?,
            note: check_optional_text("note", self.note, 1000)?,
            ..self
        })
    }
}

impl Tool {
    /// The tool once `record` is recorded: its due status starts again from the record's
    /// counter and next date. The counter must lie between the last maintenance and now.
    pub fn after_maintenance(&self, record: &MaintenanceRecord) -> Result<Tool, ProductionError> {
        if record.tool_code != self.code {
            return Err(ProductionError::invalid(
                "tool_code",
                format!("the record is for {}, not {}", record.tool_code, self.code),
            ));
        }
        self.refuse_scrapped("a scrapped tool is no longer maintained")?;
        if !(self.cycles_at_last_maintenance..=self.cycle_counter).contains(&record.cycle_counter) {
            return Err(ProductionError::invalid(
                "cycle_counter",
                format!(
                    "must be between {} (last maintenance) and {} (the tool's counter)",
                    self.cycles_at_last_maintenance, self.cycle_counter
                ),
            ));
        }
        Ok(Tool {
            cycles_at_last_maintenance: record.cycle_counter,
            next_maintenance_on: record.next_due_on,
            last_maintenance_on: Some(record.performed_on),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ToolKind, ToolState};

    fn record(counter: i64, next: Option<NaiveDate>) -> MaintenanceRecord {
        MaintenanceRecord {
            tool_code: "GAB003".into(),
            kind: MaintenanceKind::Calibration,
            performed_on: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            cycle_counter: counter,
            performed_by: "Métrologie Dupont".into(),
            note: Some("  ".into()),
            next_due_on: next,
        }
    }

    fn gauge() -> Tool {
        let mut t = Tool::new("GAB003", "Gabarit de contrôle", ToolKind::Gauge, "Labo").unwrap();
        t.cycle_counter = 1200;
        t.cycles_at_last_maintenance = 100;
        t.max_cycles_between_maintenance = Some(1000);
        t.next_maintenance_on = NaiveDate::from_ymd_opt(2025, 2, 1);
        t
    }

    #[test]
    fn records_are_checked() {
        assert_eq!(record(5, None).validate().unwrap().note, None);
        assert!(record(-1, None).validate().is_err());
        assert!(
            record(5, NaiveDate::from_ymd_opt(2025, 3, 1))
                .validate()
                .is_err()
        );
        for k in MaintenanceKind::ALL {
            assert_eq!(MaintenanceKind::parse(k.as_str()).unwrap(), k);
        }
    }

    #[test]
    fn maintenance_resets_the_due_status() {
        let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let t = gauge();
        assert!(t.is_due(today));
        let next = NaiveDate::from_ymd_opt(2026, 3, 1);
        let after = t.after_maintenance(&record(1200, next)).unwrap();
        assert_eq!(after.cycles_at_last_maintenance, 1200);
        assert_eq!(after.next_maintenance_on, next);
        assert_eq!(
            after.last_maintenance_on,
            NaiveDate::from_ymd_opt(2025, 3, 1)
        );
        assert!(!after.is_due(today));
    }

    #[test]
    fn the_counter_of_a_record_must_be_plausible() {
        let t = gauge();
        assert!(t.after_maintenance(&record(1201, None)).is_err());
        assert!(t.after_maintenance(&record(99, None)).is_err());
        let mut other = record(500, None);
        other.tool_code = "MOU0001".into();
        assert!(t.after_maintenance(&other).is_err());
        let scrapped = t.change_state(ToolState::Scrapped).unwrap();
        assert!(matches!(
            scrapped.after_maintenance(&record(500, None)),
            Err(ProductionError::WrongState { .. })
        ));
    }
}
