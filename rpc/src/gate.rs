//! The switch-over gate: a domain serves reads once its data is verified and writes
//! only once it is live. The state is read from the control schema, cached briefly so
//! that requests do not pay a query each.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bascule_platform::check_token;
use bascule_platform::db::Db;
use bascule_platform::domain_state::{self, DomainState};

use crate::ApiError;

/// How long a state read stays good: a switch-over takes effect within this delay.
const CACHE_FOR: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub struct LiveGate {
    db: Db,
    domain: &'static str,
    cached: Mutex<Option<(Instant, DomainState)>>,
}

impl LiveGate {
    pub fn new(db: Db, domain: &'static str) -> Self {
        LiveGate {
            db,
            domain,
            cached: Mutex::new(None),
        }
    }

    pub async fn state(&self) -> Result<DomainState, ApiError> {
        if let Ok(guard) = self.cached.lock()
            && let Some((at, state)) = *guard
            && at.elapsed() < CACHE_FOR
        {
            return Ok(state);
        }
        let state = domain_state::current(&mut self.db.clone(), self.domain)
            .await
            .map_err(ApiError::internal)?;
        if let Ok(mut guard) = self.cached.lock() {
            *guard = Some((Instant::now(), state));
        }
        Ok(state)
    }

    /// Forgets the cached state, for a caller that just changed it.
    pub fn refresh(&self) {
        if let Ok(mut guard) = self.cached.lock() {
            *guard = None;
        }
    }

    /// A verified domain takes the writes of its reactivation checks, which carry a
    /// pass issued for this domain (see `bascule_platform::check_token`).
    async fn reactivation_pass(&self, state: DomainState) -> Result<bool, ApiError> {
        if state != DomainState::Verified {
            return Ok(false);
        }
        let Some(token) = crate::check_pass::current() else {
            return Ok(false);
        };
        let valid = check_token::is_valid(&mut self.db.clone(), self.domain, &token)
            .await
            .map_err(ApiError::internal)?;
        if valid {
            tracing::info!(
                domain = self.domain,
                "write of a reactivation check let through"
            );
        }
        Ok(valid)
    }

    pub async fn check_read(&self) -> Result<(), ApiError> {
        let state = self.state().await?;
        if state.serves_reads() {
            return Ok(());
        }
        Err(ApiError::precondition(
            "DOMAIN_NOT_VERIFIED",
            format!(
                "the {} domain is {state}: its data is served once its migration is verified",
                self.domain
            ),
        )
        .with("domain", self.domain)
        .with("state", state.as_str()))
    }

    pub async fn check_write(&self) -> Result<(), ApiError> {
        let state = self.state().await?;
        if state.serves_writes() || self.reactivation_pass(state).await? {
            return Ok(());
        }
        Err(ApiError::precondition(
            "DOMAIN_NOT_LIVE",
            format!(
                "the {} domain is {state}: changes are accepted once it is switched live",
                self.domain
            ),
        )
        .with("domain", self.domain)
        .with("state", state.as_str()))
    }
}
