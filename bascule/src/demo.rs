//! `bascule demo`, the newcomer's first command: creates the embedded database,
//! migrates the four domains from the demo copy of the legacy files in the plan's order,
//! and says where the reports are.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bascule_migrate::engine::plan::{Location, compile};
use bascule_migrate::engine::render::write_reports;
use bascule_migrate::engine::run::{RunOptions, run};
use bascule_platform::db::Db;
use bascule_platform::db::upgrade;
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::settings::Settings;

use crate::{db_commands, domains, schemas, serve};

/// The demo data set kept in the repository (see demo/legacy/README.md).
pub const DEMO_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/legacy");

/// Walks a reconciled demo domain up to LIVE, so that its service accepts changes. A
/// real switch-over goes through its checks instead (`bascule reactivate`).
async fn switch_live(db: &Db, domain: &str) -> anyhow::Result<()> {
    loop {
        let next = match domain_state::current(&mut db.clone(), domain).await? {
            DomainState::Legacy => DomainState::Migrating,
            DomainState::Migrating => DomainState::Verified,
            DomainState::Verified => DomainState::Live,
            DomainState::Live | DomainState::Retired => return Ok(()),
        };
        domain_state::transition(
            db,
            domain,
            next,
            "demo",
            Some("demo: migration reconciled"),
            None,
        )
        .await?;
    }
}

pub async fn run_demo(
    settings: &Settings,
    source_dir: Option<&Path>,
    serve_after: bool,
) -> anyhow::Result<ExitCode> {
    let source_dir = source_dir.map_or_else(|| PathBuf::from(DEMO_DATA), Path::to_path_buf);
    let source_dir = source_dir.canonicalize().map_err(|e| {
        anyhow::anyhow!(
            "the demo data set is missing: {}: {e}",
            source_dir.display()
        )
    })?;
    let db = Db::connect(&settings.target).await?;
    let all = schemas::all();
    upgrade::upgrade(&db, &all).await?;
    let reports_dir = match &settings.target {
        bascule_platform::db::Target::Sqlite { dir } => dir.join("reports"),
        _ => PathBuf::from("reports"),
    };
    println!(
        "bascule demo: the four domains migrate from {} into {}\n",
        source_dir.display(),
        settings.target_display
    );
    let mut lines = Vec::new();
    let mut all_reconciled = true;
    for domain in domains::PLAN_ORDER {
        let catalog = (domain.catalog)();
        let mut plan = compile(
            &format!("{}.toml (built in)", domain.name),
            domain.mapping,
            &source_dir,
            &catalog,
        )?;
        let missing: Vec<String> = plan
            .sources
            .values()
            .filter_map(|s| match &s.location {
                Location::File(p) if !p.exists() => Some(s.name.clone()),
                _ => None,
            })
            .collect();
        for name in &missing {
            println!(
                "{}: source {name} is not in the demo data set; its feeds are skipped",
                domain.name
            );
        }
        plan.feeds.retain(|f| !missing.contains(&f.source));
        let options = RunOptions {
            batch_size: 1000,
            target_display: settings.target_display.clone(),
            ..RunOptions::default()
        };
        let report = run(&db, &plan, &catalog, &options).await?;
        let files = write_reports(&report, &reports_dir.join(format!("{}.json", domain.name)))?;
        let (read, loaded, merged, quarantined) =
            report.tables.iter().fold((0, 0, 0, 0), |a, t| {
                (
                    a.0 + t.read,
                    a.1 + t.loaded,
                    a.2 + t.merged,
                    a.3 + t.quarantined,
                )
            });
        all_reconciled &= report.reconciled;
        if report.reconciled {
            switch_live(&db, domain.name).await?;
        }
        lines.push((
            domain.name,
            read,
            loaded,
            merged,
            quarantined,
            report.reconciled,
            files.html,
        ));
    }
    let statuses = upgrade::status(&db, &all).await?;
    db.close().await;
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>12}  {:<11} report",
        "domain", "read", "loaded", "merged", "quarantined", "reconciled"
    );
    for (name, read, loaded, merged, quarantined, reconciled, html) in &lines {
        let ok = if *reconciled { "yes" } else { "NO" };
        println!(
            "{name:<14} {read:>9} {loaded:>9} {merged:>9} {quarantined:>12}  {ok:<11} {}",
            html.display()
        );
    }
    println!();
    db_commands::print_table(&settings.target_display, &statuses);
    println!();
    println!(
        "Every source record is loaded, merged into another or quarantined with its reason (see the reports)."
    );
    println!(
        "Next: `bascule rejects list`, `bascule migrate DOMAIN --dry-run`, or `bascule inspect FILE`."
    );
    if !all_reconciled {
        return Ok(ExitCode::from(2));
    }
    if !serve_after {
        return Ok(ExitCode::SUCCESS);
    }
    let listen = &settings.server.listen;
    println!();
    println!("The four services now start on {listen}, on the demo database. In another terminal:");
    println!("  bascule stock articles list --page-size 10");
    println!("  bascule stock levels list --filter 'on_hand > 100' --order-by 'on_hand desc'");
    println!(
        "  bascule stock movements create --kind receipt --article ARTICLE --location LOCATION --quantity '12,5'"
    );
    println!("  grpcurl -plaintext {listen} list     (reflection is on)");
    println!();
    let args = serve::ServeArgs {
        domain: "all".into(),
        listen: None,
    };
    serve::run(settings, &args).await
}
