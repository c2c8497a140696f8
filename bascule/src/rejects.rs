//! `bascule rejects list|export`: the quarantined records, to read and to correct.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use bascule_platform::db::record::now;
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::upgrade::ensure_current;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder};
use bascule_platform::settings::Settings;
use serde::Serialize;

use crate::schemas;

#[derive(Debug, Serialize)]
struct Rejected {
    id: String,
    domain: String,
    run_id: String,
    source: String,
    locator: String,
    rule: String,
    message: String,
    status: String,
    /// Who accepted the record, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<String>,
    raw: serde_json::Value,
}

/// The open quarantined records of a domain (all domains when `None`), oldest first.
async fn open_rejects(
    db: &Db,
    domain: Option<&str>,
    all_statuses: bool,
) -> anyhow::Result<Vec<Rejected>> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT id, domain, run_id, source, locator, rule, message, status, decided_by, decision, raw_values FROM {} WHERE 1 = 1",
        e.dialect().table(SchemaName::Control, "quarantine")
    ));
    if let Some(d) = domain {
        b.push(" AND domain = ").bind(d);
    }
    if !all_statuses {
        b.push(" AND status = ").bind("OPEN");
    }
    b.push(" ORDER BY created_at, id");
    let cols = [
        ("id", Kind::Text),
        ("domain", Kind::Text),
        ("run_id", Kind::Text),
        ("source", Kind::Text),
        ("locator", Kind::Text),
        ("rule", Kind::Text),
        ("message", Kind::Text),
        ("status", Kind::Text),
        ("decided_by", Kind::Text),
        ("decision", Kind::Text),
        ("raw_values", Kind::Text),
    ];
    let mut out = Vec::new();
    for mut row in e.fetch(b.query(&cols)).await? {
        let raw: String = row.get("raw_values")?;
        out.push(Rejected {
            id: row.get("id")?,
            domain: row.get("domain")?,
            run_id: row.get("run_id")?,
            source: row.get("source")?,
            locator: row.get("locator")?,
            rule: row.get("rule")?,
            message: row.get("message")?,
            status: row.get("status")?,
            decided_by: row.get("decided_by")?,
            decision: row.get("decision")?,
            raw: serde_json::from_str(&raw).unwrap_or(serde_json::Value::String(raw)),
        });
    }
    Ok(out)
}

pub async fn list(
    settings: &Settings,
    domain: Option<&str>,
    all: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let rejects = open_rejects(&db, domain, all).await?;
    db.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&rejects)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<13} {:<44} {:<28} {:<18} message",
        "domain", "source", "locator", "rule"
    );
    for r in &rejects {
        println!(
            "{:<13} {:<44} {:<28} {:<18} {}",
            r.domain,
            r.source,
            r.locator,
            r.rule,
            r.message.replace('\n', " ")
        );
    }
    println!(
        "{} quarantined record{}",
        rejects.len(),
        if rejects.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}

/// One JSON object per line: correct the `raw` values, then `bascule migrate DOMAIN --replay-rejects FILE`.
pub async fn export(
    settings: &Settings,
    domain: Option<&str>,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let rejects = open_rejects(&db, domain, false).await?;
    db.close().await;
    let mut file = std::io::BufWriter::new(std::fs::File::create(output)?);
    for r in &rejects {
        writeln!(file, "{}", serde_json::to_string(r)?)?;
    }
    file.flush()?;
    println!(
        "{} quarantined records written to {}",
        rejects.len(),
        output.display()
    );
    println!(
        "correct their `raw` values, then: bascule migrate DOMAIN --replay-rejects {}",
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Which open quarantined records an acceptance covers.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub domain: String,
    /// Quarantine ids; empty with `all` or `rule`.
    pub ids: Vec<String>,
    /// Every open record of the domain with this rule.
    pub rule: Option<String>,
    /// Every open record of the domain.
    pub all: bool,
    pub reason: String,
}

/// Marks open quarantined records ACCEPTED: they stay out of the target, on purpose, and
/// the reactivation check stops counting them. Who and why are kept with each record.
pub async fn accept(settings: &Settings, acceptance: &Acceptance) -> anyhow::Result<ExitCode> {
    let chosen = usize::from(!acceptance.ids.is_empty())
        + usize::from(acceptance.rule.is_some())
        + usize::from(acceptance.all);
    if chosen != 1 {
        bail!("say which records to accept: quarantine ids, --rule RULE or --all");
    }
    if acceptance.reason.trim().is_empty() {
        bail!("--reason is required: say why these records stay out of the new system");
    }
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let open = open_rejects(&db, Some(&acceptance.domain), false).await?;
    let selected: Vec<&Rejected> = open
        .iter()
        .filter(|r| {
            acceptance.all
                || acceptance.rule.as_deref() == Some(r.rule.as_str())
                || acceptance.ids.contains(&r.id)
        })
        .collect();
    let missing: Vec<&String> = acceptance
        .ids
        .iter()
        .filter(|id| !open.iter().any(|r| &r.id == *id))
        .collect();
    if !missing.is_empty() {
        db.close().await;
        bail!(
            "not open quarantined records of {}: {} (see bascule rejects list --domain {} --all)",
            acceptance.domain,
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            acceptance.domain
        );
    }
    let by = crate::migrate_commands::user();
    let mut tx = db.begin().await?;
    let table = tx.dialect().table(SchemaName::Control, "quarantine");
    for r in &selected {
        let mut b = SqlBuilder::new(tx.dialect());
        b.push(&format!("UPDATE {table} SET status = "))
            .bind("ACCEPTED")
            .push(", decided_by = ")
            .bind(by.as_str())
            .push(", decision = ")
            .bind(acceptance.reason.as_str())
            .push(", updated_at = ")
            .bind(now())
            .push(", revision = revision + 1 WHERE id = ")
            .bind(r.id.as_str())
            .push(" AND status = ")
            .bind("OPEN");
        tx.execute(b.statement()).await?;
    }
    tx.commit().await?;
    db.close().await;
    println!(
        "{} quarantined record{} of {} accepted by {by}: {}",
        selected.len(),
        if selected.len() == 1 { "" } else { "s" },
        acceptance.domain,
        acceptance.reason
    );
    Ok(ExitCode::SUCCESS)
}
