//! `bascule retire DOMAIN`: a live domain's legacy sources are read again and compared
//! with the fingerprints of its last migration or catch-up; unchanged, the domain is
//! RETIRED with a report and the checklist of manual steps; changed or unreadable, the
//! retirement is refused with what differs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use bascule_migrate::engine::catch_up::diffs;
use bascule_migrate::engine::fingerprint::{self, RecordDigest, TableDiff, TableFingerprint};
use bascule_migrate::engine::fingerprint_store;
use bascule_platform::db::Db;
use bascule_platform::db::record::{new_id, now};
use bascule_platform::db::upgrade::ensure_current;
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::settings::Settings;
use serde_json::{Value, json};

use crate::migrate_commands::{load_plan, user};
use crate::retire_checklist::checklist;
use crate::switch_reports;
use crate::{domains, schemas};

/// Records listed per table on the terminal; the JSON report lists them all.
const SHOWN: usize = 50;

#[derive(Debug, Clone)]
pub struct RetireArgs {
    pub domain: String,
    pub source_dir: PathBuf,
    pub mapping: Option<PathBuf>,
    pub report: Option<PathBuf>,
}

fn next_step(name: &str, state: DomainState) -> String {
    match state {
        DomainState::Legacy => format!("migrate it first: bascule migrate {name}"),
        DomainState::Migrating => {
            format!("run bascule migrate {name} until it reconciles, then switch it live")
        }
        DomainState::Verified => {
            format!("switch it live with bascule reactivate {name}, then retire its legacy sources")
        }
        DomainState::Live => String::new(),
        DomainState::Retired => "it is retired already: nothing left to do".into(),
    }
}

fn records_json(records: &[&RecordDigest]) -> Vec<Value> {
    records
        .iter()
        .map(|r| json!({ "locator": r.locator, "key": r.key }))
        .collect()
}

fn print_records(what: &str, records: &[&RecordDigest]) {
    for r in records.iter().take(SHOWN) {
        let key = r
            .key
            .as_ref()
            .map(|k| format!(" (key {k})"))
            .unwrap_or_default();
        println!("    {what:<18} {}{key}", r.locator);
    }
    if records.len() > SHOWN {
        println!(
            "    … and {} more {what} (all in the report)",
            records.len() - SHOWN
        );
    }
}

fn fingerprint_json(f: &TableFingerprint) -> Value {
    json!({
        "source": f.source,
        "table": f.table,
        "location": f.location,
        "rows": f.rows,
        "digest": f.digest,
        "file_sha256": f.file_sha256,
        "file_size": f.file_size,
    })
}

pub async fn run(settings: &Settings, args: &RetireArgs) -> anyhow::Result<ExitCode> {
    let name = args.domain.as_str();
    let domain = domains::find(name)
        .ok_or_else(|| anyhow::anyhow!("unknown domain {name}: one of {}", domains::names()))?;
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let state = domain_state::current(&mut db.clone(), name).await?;
    if state != DomainState::Live {
        bail!(
            "{name} is {state}: only a live domain's legacy sources are retired; {}",
            next_step(name, state)
        );
    }
    let plan = load_plan(&domain, args.mapping.as_deref(), &args.source_dir)?;
    let baseline = fingerprint_store::load(&mut db.clone(), name).await?;
    if baseline.is_empty() {
        bail!(
            "{name} has no fingerprints of its legacy sources (it was migrated before bascule kept them): \
             nothing proves they have not changed since; migrate it again before switching live"
        );
    }
    let path = args
        .report
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(format!("retirement-{name}.json")));

    let mut current = Vec::new();
    let mut unreadable = Vec::new();
    for (source, table, reading) in fingerprint::take_each(&plan).await? {
        match reading {
            Ok(f) => current.push(f),
            Err(e) => unreadable.push((source, table, e.to_string())),
        }
    }
    let compared: Vec<(String, String, TableDiff)> = diffs(&baseline, &current)
        .into_iter()
        .filter(|(_, _, d)| !d.is_empty())
        .collect();

    if !compared.is_empty() || !unreadable.is_empty() {
        let mut tables = Vec::new();
        for (source, table, reason) in &unreadable {
            println!("{source}/{table}: cannot be read any more: {reason}");
            tables.push(json!({ "source": source, "table": table, "unreadable": reason }));
        }
        for (source, table, diff) in &compared {
            let location = current
                .iter()
                .find(|f| f.source == *source && f.table == *table)
                .map(|f| f.location.clone())
                .unwrap_or_default();
            let new: Vec<&RecordDigest> = diff.changed_or_new.iter().collect();
            let gone: Vec<&RecordDigest> = diff.changed_or_removed.iter().collect();
            println!(
                "{location} ({source}/{table}): {} changed or new, {} changed or removed",
                new.len(),
                gone.len()
            );
            print_records("changed or new", &new);
            print_records("changed or removed", &gone);
            tables.push(json!({
                "source": source,
                "table": table,
                "location": location,
                "changed_or_new": records_json(&new),
                "changed_or_removed": records_json(&gone),
            }));
        }
        let report = json!({
            "domain": name,
            "status": "refused",
            "checked_at": now().to_rfc3339(),
            "checked_by": user(),
            "differences": tables,
        });
        switch_reports::write_json(&path, &report)?;
        db.close().await;
        if !unreadable.is_empty() {
            eprintln!(
                "{name} is not retired: {} legacy table(s) cannot be read, so nothing proves they hold what was migrated. \
                 If a file was archived or moved on purpose, give its directory with --source-dir (read-only is enough) and run bascule retire {name} again",
                unreadable.len()
            );
        }
        if !compared.is_empty() {
            eprintln!(
                "{name} is not retired: its legacy sources changed since they were migrated; \
                 run `bascule migrate {name} --catch-up`, then `bascule retire {name}` again (report: {})",
                path.display()
            );
        }
        return Ok(ExitCode::from(2));
    }

    let steps = checklist(&plan, &current);
    let retired_at = now();
    let report = json!({
        "domain": name,
        "status": "retired",
        "retired_at": retired_at.to_rfc3339(),
        "retired_by": user(),
        "sources": current.iter().map(fingerprint_json).collect::<Vec<_>>(),
        "checklist": steps,
    });
    switch_reports::write_json(&path, &report)?;
    // The report and the transition that names it commit together.
    let mut tx = db.begin().await?;
    let report_id = new_id();
    switch_reports::store(
        &mut tx,
        &report_id,
        name,
        "retirement",
        None,
        &serde_json::to_string(&report)?,
    )
    .await?;
    domain_state::transition_in(
        &mut tx,
        name,
        DomainState::Retired,
        &user(),
        Some("legacy sources unchanged since their last fingerprint"),
        Some(&report_id),
    )
    .await?;
    tx.commit().await?;
    db.close().await;
    println!(
        "{name} is retired: its {} legacy table(s) hold exactly what was migrated (report: {})",
        current.len(),
        path.display()
    );
    println!("left to do by hand:");
    for (i, step) in steps.iter().enumerate() {
        println!("  {}. {step}", i + 1);
    }
    Ok(ExitCode::SUCCESS)
}
