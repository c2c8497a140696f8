//! `bascule plan`: the switch-over plan's four phases in order, each domain's state,
//! its last migration run, what it waits for and the next step.

use std::process::ExitCode;

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::upgrade::ensure_current;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder};
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::settings::Settings;
use serde::Serialize;

use crate::{domains, schemas};

#[derive(Debug, Serialize)]
pub(crate) struct LastRun {
    pub(crate) id: String,
    pub(crate) status: String,
    started_at: String,
    finished_at: Option<String>,
}

/// The domain's latest state change, with the report that justified it (a
/// reactivation or retirement report in the control schema's `report` table).
#[derive(Debug, Serialize)]
struct LastChange {
    from: String,
    to: String,
    at: String,
    by: String,
    reason: Option<String>,
    report_id: Option<String>,
}

#[derive(Debug, Serialize)]
struct Phase {
    phase: usize,
    domain: &'static str,
    state: &'static str,
    last_run: Option<LastRun>,
    last_change: Option<LastChange>,
    /// Quarantined records of the domain not yet replayed or accepted.
    open_rejects: i64,
    /// Earlier phases not yet verified.
    waits_for: Vec<&'static str>,
    next: String,
}

async fn last_change(db: &Db, domain: &str) -> anyhow::Result<Option<LastChange>> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    let table = e.dialect().table(SchemaName::Control, "domain_transition");
    b.push(&format!(
        "SELECT from_state, to_state, created_at, changed_by, reason, report_id FROM {table} WHERE domain = "
    ))
    .bind(domain)
    .push(" ORDER BY created_at DESC, id DESC ");
    b.push(&e.dialect().limit(1));
    let row = e
        .fetch_optional(b.query(&[
            ("from_state", Kind::Text),
            ("to_state", Kind::Text),
            ("created_at", Kind::Timestamp),
            ("changed_by", Kind::Text),
            ("reason", Kind::Text),
            ("report_id", Kind::Text),
        ]))
        .await?;
    let Some(mut row) = row else {
        return Ok(None);
    };
    let at: chrono::DateTime<chrono::Utc> = row.get("created_at")?;
    Ok(Some(LastChange {
        from: row.get("from_state")?,
        to: row.get("to_state")?,
        at: at.to_rfc3339(),
        by: row.get("changed_by")?,
        reason: row.get("reason")?,
        report_id: row.get("report_id")?,
    }))
}

/// The domain's latest real (not dry) migration run.
pub(crate) async fn last_run(db: &Db, domain: &str) -> anyhow::Result<Option<LastRun>> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    let table = e.dialect().table(SchemaName::Control, "migration_run");
    b.push(&format!(
        "SELECT id, status, started_at, finished_at FROM {table} WHERE domain = "
    ))
    .bind(domain)
    .push(" AND dry_run = ")
    .bind(false)
    .push(" ORDER BY started_at DESC ");
    b.push(&e.dialect().limit(1));
    let row = e
        .fetch_optional(b.query(&[
            ("id", Kind::Text),
            ("status", Kind::Text),
            ("started_at", Kind::Timestamp),
            ("finished_at", Kind::Timestamp),
        ]))
        .await?;
    let Some(mut row) = row else {
        return Ok(None);
    };
    let started: chrono::DateTime<chrono::Utc> = row.get("started_at")?;
    let finished: Option<chrono::DateTime<chrono::Utc>> = row.get("finished_at")?;
    Ok(Some(LastRun {
        id: row.get("id")?,
        status: row.get("status")?,
        started_at: started.to_rfc3339(),
        finished_at: finished.map(|f| f.to_rfc3339()),
    }))
}

/// How many quarantined records of `domain` are in `status` (OPEN, ACCEPTED, REPLAYED).
pub(crate) async fn quarantined(db: &Db, domain: &str, status: &str) -> anyhow::Result<i64> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    let table = e.dialect().table(SchemaName::Control, "quarantine");
    b.push(&format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE domain = "
    ))
    .bind(domain)
    .push(" AND status = ")
    .bind(status);
    Ok(
        match e.fetch_optional(b.query(&[("n", Kind::Int)])).await? {
            Some(mut row) => row.get("n")?,
            None => 0,
        },
    )
}

fn next_step(domain: &str, state: DomainState, waits_for: &[&str], rejects: i64) -> String {
    match state {
        _ if !waits_for.is_empty() && state < DomainState::Verified => {
            format!("wait for {} to be verified", waits_for.join(", "))
        }
        DomainState::Legacy => format!("bascule migrate {domain} --source-dir DIR"),
        DomainState::Migrating if rejects > 0 => format!(
            "correct the {rejects} quarantined records (bascule rejects list --domain {domain}) and run bascule migrate {domain} again, or give up with bascule rollback {domain}"
        ),
        DomainState::Migrating => format!(
            "bascule migrate {domain} (resume or re-run until reconciled), or bascule rollback {domain}"
        ),
        DomainState::Verified if rejects > 0 => format!(
            "replay or accept the {rejects} quarantined records (bascule rejects list --domain {domain}), then bascule reactivate {domain}; to start over: bascule rollback {domain}"
        ),
        DomainState::Verified => format!(
            "bascule reactivate {domain} with its service running (reads are served; writes wait); to start over: bascule rollback {domain}"
        ),
        DomainState::Live => format!(
            "once nobody uses the legacy sources: bascule retire {domain} (after bascule migrate {domain} --catch-up if they changed)"
        ),
        DomainState::Retired => "done".into(),
    }
}

pub async fn run(settings: &Settings, json: bool) -> anyhow::Result<ExitCode> {
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let mut phases = Vec::new();
    let mut not_verified: Vec<&'static str> = Vec::new();
    for (i, domain) in domains::PLAN_ORDER.iter().enumerate() {
        let state = domain_state::current(&mut db.clone(), domain.name).await?;
        let rejects = quarantined(&db, domain.name, "OPEN").await?;
        let waits_for = not_verified.clone();
        phases.push(Phase {
            phase: i + 1,
            domain: domain.name,
            state: state.as_str(),
            last_run: last_run(&db, domain.name).await?,
            last_change: last_change(&db, domain.name).await?,
            open_rejects: rejects,
            next: next_step(domain.name, state, &waits_for, rejects),
            waits_for,
        });
        if state < DomainState::Verified {
            not_verified.push(domain.name);
        }
    }
    db.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&phases)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("target: {}", settings.target_display);
    println!(
        "{:<6} {:<13} {:<10} {:<32} {:>7}  next",
        "phase", "domain", "state", "last run", "rejects"
    );
    for p in &phases {
        let run = p.last_run.as_ref().map_or_else(
            || "none".to_owned(),
            |r| {
                format!(
                    "{} {}",
                    r.status,
                    &r.started_at[..16.min(r.started_at.len())]
                )
            },
        );
        println!(
            "{:<6} {:<13} {:<10} {:<32} {:>7}  {}",
            p.phase, p.domain, p.state, run, p.open_rejects, p.next
        );
    }
    Ok(ExitCode::SUCCESS)
}
