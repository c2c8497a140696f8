//! The result of a reactivation run: each check passed or failed with what to do, the
//! records the functional checks created and removed, and the report written from them.

use std::time::Instant;

use serde::Serialize;

/// The plan's three checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Data integrity and availability.
    Integrity,
    /// The domain's main operations work.
    Processes,
    /// The SMTP relay and the services this domain calls answer.
    Communications,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Integrity => "1. Data integrity and availability",
            Group::Processes => "2. Processes work",
            Group::Communications => "3. Communications",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub group: Group,
    pub name: String,
    pub passed: bool,
    pub detail: String,
    /// What to do when the check failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<String>,
    pub duration_ms: f64,
}

/// The checks of one group, in the order they ran.
#[derive(Debug)]
pub struct Checks {
    group: Group,
    started: Instant,
    pub results: Vec<CheckResult>,
}

impl Checks {
    pub fn new(group: Group) -> Self {
        Checks {
            group,
            started: Instant::now(),
            results: Vec::new(),
        }
    }

    fn push(&mut self, name: &str, passed: bool, detail: String, remedy: Option<String>) {
        self.results.push(CheckResult {
            group: self.group,
            name: name.to_owned(),
            passed,
            detail,
            remedy,
            duration_ms: self.started.elapsed().as_secs_f64() * 1000.0,
        });
        self.started = Instant::now();
    }

    pub fn pass(&mut self, name: &str, detail: impl Into<String>) {
        self.push(name, true, detail.into(), None);
    }

    pub fn fail(&mut self, name: &str, detail: impl Into<String>, remedy: impl Into<String>) {
        self.push(name, false, detail.into(), Some(remedy.into()));
    }

    /// Whether the check recorded last passed: later steps of a sequence depend on it.
    pub fn last_passed(&self) -> bool {
        self.results.last().is_some_and(|r| r.passed)
    }

    /// Records `outcome`: its success text, or its failure with `remedy`.
    pub fn record(&mut self, name: &str, outcome: Result<String, String>, remedy: &str) {
        match outcome {
            Ok(detail) => self.pass(name, detail),
            Err(detail) => self.fail(name, detail, remedy),
        }
    }
}

/// Rows the functional checks created and the cleanup removed, per table.
#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    pub table: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReactivationReport {
    pub schema_version: u32,
    pub id: String,
    pub domain: String,
    pub server: String,
    pub by: String,
    pub started_at: String,
    pub finished_at: String,
    /// The migration run whose data was checked.
    pub run_id: Option<String>,
    pub passed: bool,
    pub switched_live: bool,
    pub checks: Vec<CheckResult>,
    pub cleanup: Vec<Removed>,
}
