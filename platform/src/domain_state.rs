//! Where each business domain stands in the switch-over (legacy → migrating → verified
//! → live → retired), recorded in the control schema with every transition.

use std::fmt;

use crate::db::record::{new_id, now};
use crate::db::schema::SchemaName;
use crate::db::{Db, DbError, Exec, Kind, SqlBuilder, Tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DomainState {
    Legacy,
    Migrating,
    Verified,
    Live,
    Retired,
}

impl DomainState {
    pub const ALL: [DomainState; 5] = [
        DomainState::Legacy,
        DomainState::Migrating,
        DomainState::Verified,
        DomainState::Live,
        DomainState::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DomainState::Legacy => "LEGACY",
            DomainState::Migrating => "MIGRATING",
            DomainState::Verified => "VERIFIED",
            DomainState::Live => "LIVE",
            DomainState::Retired => "RETIRED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Reads are served once the domain's data is verified.
    pub fn serves_reads(self) -> bool {
        matches!(
            self,
            DomainState::Verified | DomainState::Live | DomainState::Retired
        )
    }

    /// Writes are served only once the domain has been switched live.
    pub fn serves_writes(self) -> bool {
        matches!(self, DomainState::Live | DomainState::Retired)
    }

    /// The transitions the switch-over plan allows: forward one step, or back to legacy
    /// (a rollback) until the domain is live.
    pub fn can_become(self, to: DomainState) -> bool {
        use DomainState::*;
        matches!(
            (self, to),
            (Legacy, Migrating)
                | (Migrating, Verified)
                | (Verified, Live)
                | (Live, Retired)
                | (Migrating, Migrating)
                | (Verified, Migrating)
                | (Migrating, Legacy)
                | (Verified, Legacy)
        )
    }
}

impl fmt::Display for DomainState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().to_lowercase())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("domain {domain} cannot go from {from} to {to}")]
    Illegal {
        domain: String,
        from: DomainState,
        to: DomainState,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The state of `domain`; a domain never recorded is still on its legacy system.
pub async fn current(e: &mut impl Exec, domain: &str) -> Result<DomainState, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    let table = e.dialect().table(SchemaName::Control, "domain_state");
    b.push(&format!("SELECT state FROM {table} WHERE domain = "))
        .bind(domain);
    match e.fetch_optional(b.query(&[("state", Kind::Text)])).await? {
        Some(mut row) => {
            let state: String = row.get("state")?;
            DomainState::parse(&state)
                .ok_or_else(|| DbError::Decode(format!("unknown domain state {state:?}")))
        }
        None => Ok(DomainState::Legacy),
    }
}

/// Moves `domain` to `to` if the plan allows it from where it stands, recording who did
/// it and why, in one transaction.
pub async fn transition(
    db: &Db,
    domain: &str,
    to: DomainState,
    by: &str,
    reason: Option<&str>,
    report_id: Option<&str>,
) -> Result<DomainState, TransitionError> {
    let mut tx = db.begin().await?;
    let from = transition_in(&mut tx, domain, to, by, reason, report_id).await?;
    tx.commit().await?;
    Ok(from)
}

/// [`transition`] inside the caller's transaction, so that the change of state commits
/// with the work that justifies it (a rollback's deletions, say) or not at all.
pub async fn transition_in(
    tx: &mut Tx,
    domain: &str,
    to: DomainState,
    by: &str,
    reason: Option<&str>,
    report_id: Option<&str>,
) -> Result<DomainState, TransitionError> {
    let from = current(tx, domain).await?;
    if !from.can_become(to) {
        return Err(TransitionError::Illegal {
            domain: domain.to_owned(),
            from,
            to,
        });
    }
    let at = now();
    let dialect = tx.dialect();
    let state_table = dialect.table(SchemaName::Control, "domain_state");
    let mut b = SqlBuilder::new(dialect);
    b.push(&format!("UPDATE {state_table} SET state = "))
        .bind(to.as_str())
        .push(", changed_at = ")
        .bind(at)
        .push(", changed_by = ")
        .bind(by)
        .push(" WHERE domain = ")
        .bind(domain);
    if tx.execute(b.statement()).await? == 0 {
        let mut b = SqlBuilder::new(dialect);
        b.push(&format!(
            "INSERT INTO {state_table} (domain, state, changed_at, changed_by) VALUES ("
        ))
        .bind(domain)
        .push(", ")
        .bind(to.as_str())
        .push(", ")
        .bind(at)
        .push(", ")
        .bind(by)
        .push(")");
        tx.execute(b.statement()).await?;
    }
    let transition_table = dialect.table(SchemaName::Control, "domain_transition");
    let mut b = SqlBuilder::new(dialect);
    b.push(&format!(
        "INSERT INTO {transition_table} (id, revision, created_at, updated_at, domain, \
         from_state, to_state, changed_by, report_id, reason) VALUES ("
    ))
    .bind(new_id())
    .push(", ")
    .bind(1_i64)
    .push(", ")
    .bind(at)
    .push(", ")
    .bind(at)
    .push(", ")
    .bind(domain)
    .push(", ")
    .bind(from.as_str())
    .push(", ")
    .bind(to.as_str())
    .push(", ")
    .bind(by)
    .push(", ")
    .bind(report_id.map(str::to_owned))
    .push(", ")
    .bind(reason.map(str::to_owned))
    .push(")");
    tx.execute(b.statement()).await?;
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::DomainState::*;

    #[test]
    fn the_plan_moves_forward_and_rolls_back_only_before_live() {
        assert!(Legacy.can_become(Migrating));
        assert!(Verified.can_become(Live));
        assert!(Verified.can_become(Legacy));
        assert!(!Live.can_become(Legacy));
        assert!(!Legacy.can_become(Live));
        assert!(!Retired.can_become(Live));
        assert!(Live.serves_writes() && !Verified.serves_writes());
        assert!(Verified.serves_reads() && !Migrating.serves_reads());
    }
}
