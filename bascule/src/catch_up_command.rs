//! `bascule migrate DOMAIN --catch-up`: loads into a live domain only the legacy records
//! that changed since its fingerprints, then refreshes them so that `bascule retire` passes.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::bail;
use bascule_migrate::engine::catch_up::catch_up;
use bascule_migrate::engine::fingerprint_store;
use bascule_platform::db::Db;
use bascule_platform::db::upgrade::ensure_current;
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::settings::Settings;

use crate::migrate_commands::{MigrateArgs, load_plan, user};
use crate::{domains, schemas};

pub async fn run(settings: &Settings, args: &MigrateArgs) -> anyhow::Result<ExitCode> {
    let Some(name) = &args.domain else {
        bail!("--catch-up catches one live domain up: give its name, not --all");
    };
    if args.dry_run || args.replay_rejects.is_some() {
        bail!("--catch-up goes with neither --dry-run nor --replay-rejects");
    }
    let domain = domains::find(name)
        .ok_or_else(|| anyhow::anyhow!("unknown domain {name}: one of {}", domains::names()))?;
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let state = domain_state::current(&mut db.clone(), domain.name).await?;
    if state != DomainState::Live {
        bail!(
            "{name} is {state}: --catch-up is for a live domain; a domain not live yet is simply migrated again (bascule migrate {name})"
        );
    }
    let plan = load_plan(&domain, args.mapping.as_deref(), &args.source_dir)?;
    let baseline = fingerprint_store::load(&mut db.clone(), domain.name).await?;
    if baseline.is_empty() {
        bail!(
            "{name} has no fingerprints of its legacy sources (it was migrated before bascule kept them): \
             nothing tells which legacy records changed, and migrating it whole would overwrite what was changed in the new system"
        );
    }
    let report = catch_up(&db, &plan, &(domain.catalog)(), &baseline, &user()).await?;
    db.close().await;
    for o in &report.outcomes {
        println!(
            "{:<12} {:<45} {:<12} {}",
            o.outcome,
            o.feed,
            o.locator,
            o.reason.clone().unwrap_or_default()
        );
    }
    for r in &report.removed {
        println!(
            "removed in legacy: {} {}{} (not deleted from the live data: delete it in the new system if it should go)",
            r.location,
            r.locator,
            r.key
                .as_ref()
                .map(|k| format!(" (key {k})"))
                .unwrap_or_default()
        );
    }
    // A legacy record goes through every feed of its table: counted once, as caught up
    // when every feed loaded or skipped it.
    let mut records: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for o in &report.outcomes {
        let table = o.feed.split(" -> ").next().unwrap_or(&o.feed);
        let worst = records.entry((table, &o.locator)).or_insert("skipped");
        if o.outcome == "quarantined" || (*worst == "skipped" && o.outcome != "skipped") {
            *worst = if o.outcome == "quarantined" {
                "quarantined"
            } else {
                "loaded"
            };
        }
    }
    let count = |name: &str| records.values().filter(|o| **o == name).count();
    let quarantined = count("quarantined");
    println!(
        "{name}: {} records caught up, {quarantined} quarantined, {} skipped, {} removed in legacy listed (run {})",
        count("loaded"),
        count("skipped"),
        report.removed.len(),
        report.run_id
    );
    if quarantined > 0 {
        println!(
            "the quarantined records are still named by `bascule retire {name}`: correct them in the legacy source and run `bascule migrate {name} --catch-up` again"
        );
    }
    Ok(if report.reconciled {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{name}: the catch-up run did not reconcile (run {})",
            report.run_id
        );
        ExitCode::from(2)
    })
}
