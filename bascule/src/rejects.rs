//! `bascule rejects list|export`: the quarantined records, to read and to correct.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder};
use bascule_platform::settings::Settings;
use serde::Serialize;

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
        "SELECT id, domain, run_id, source, locator, rule, message, status, raw_values FROM {} WHERE 1 = 1",
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
