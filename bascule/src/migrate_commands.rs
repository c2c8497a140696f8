//! `bascule migrate`: runs a domain's mapping (or all four in the plan's order), prints
//! the summary and writes the JSON, Markdown and HTML reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use bascule_migrate::engine::plan::{Plan, compile};
use bascule_migrate::engine::render::{summary_table, write_reports};
use bascule_migrate::engine::replay::{ReplayRecord, replay};
use bascule_migrate::engine::run::{RunOptions, run};
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::upgrade::ensure_current;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder};
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::settings::Settings;

use crate::domains::{self, Domain};
use crate::schemas;

#[derive(Debug, Clone)]
pub struct MigrateArgs {
    pub domain: Option<String>,
    pub all: bool,
    pub source_dir: PathBuf,
    pub mapping: Option<PathBuf>,
    pub report: Option<PathBuf>,
    pub dry_run: bool,
    pub restart: bool,
    pub batch_size: usize,
    pub replay_rejects: Option<PathBuf>,
}

/// Who runs the command, recorded with what it changes.
pub fn user() -> String {
    std::env::var("BASCULE_USER")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "bascule".into())
}

fn load_plan(domain: &Domain, args: &MigrateArgs) -> anyhow::Result<Plan> {
    let catalog = (domain.catalog)();
    let plan = match &args.mapping {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            compile(
                &file.display().to_string(),
                &text,
                &args.source_dir,
                &catalog,
            )?
        }
        None => compile(
            &format!("{}.toml (built in)", domain.name),
            domain.mapping,
            &args.source_dir,
            &catalog,
        )?,
    };
    if plan.domain != domain.name {
        bail!(
            "the mapping is for domain {}, not {}",
            plan.domain,
            domain.name
        );
    }
    Ok(plan)
}

/// Whether `domain` has a finished, reconciled, non-dry run.
async fn migrated(db: &Db, domain: &str) -> anyhow::Result<bool> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT COUNT(*) AS n FROM {} WHERE domain = ",
        e.dialect().table(SchemaName::Control, "migration_run")
    ));
    b.bind(domain)
        .push(" AND status = ")
        .bind("SUCCEEDED")
        .push(" AND dry_run = ")
        .bind(false);
    let n = match e.fetch_optional(b.query(&[("n", Kind::Int)])).await? {
        Some(mut row) => row.get::<i64>("n")?,
        None => 0,
    };
    Ok(n > 0)
}

/// Refuses to start a domain whose mapping looks keys up in a domain not migrated yet.
async fn check_dependencies(db: &Db, plan: &Plan) -> anyhow::Result<()> {
    let mut needed: Vec<&str> = plan
        .feeds
        .iter()
        .flat_map(|f| f.lookups.iter().map(|l| l.0.as_str()))
        .filter(|d| *d != plan.domain)
        .collect();
    needed.sort_unstable();
    needed.dedup();
    for other in needed {
        if !migrated(db, other).await? {
            bail!(
                "{} looks keys up in {other}, which has not been migrated yet: run `bascule migrate {other}` first",
                plan.domain
            );
        }
    }
    Ok(())
}

/// A domain on its legacy system (or verified, and migrated again) is MIGRATING while
/// its data moves; a live or retired domain keeps its state.
async fn begin_migration(db: &Db, domain: &str) -> anyhow::Result<()> {
    let state = domain_state::current(&mut db.clone(), domain).await?;
    match state {
        DomainState::Legacy | DomainState::Verified => {
            domain_state::transition(
                db,
                domain,
                DomainState::Migrating,
                &user(),
                Some("bascule migrate"),
                None,
            )
            .await?;
        }
        DomainState::Migrating => {}
        DomainState::Live | DomainState::Retired => {
            eprintln!("{domain} is {state}: this run does not change its state");
        }
    }
    Ok(())
}

/// A migrating domain whose run reconciled is VERIFIED: its data is served for reading,
/// and it waits for the switch-over checks.
async fn mark_verified(db: &Db, domain: &str, run_id: &str) -> anyhow::Result<()> {
    if domain_state::current(&mut db.clone(), domain).await? == DomainState::Migrating {
        domain_state::transition(
            db,
            domain,
            DomainState::Verified,
            &user(),
            Some(&format!("migration run {run_id} reconciled")),
            None,
        )
        .await?;
    }
    Ok(())
}

fn report_path(args: &MigrateArgs, domain: &str, several: bool) -> PathBuf {
    match &args.report {
        Some(p) if several => {
            let dir = p.parent().unwrap_or(Path::new("."));
            let stem = p
                .file_stem()
                .map_or_else(|| "report".into(), |s| s.to_string_lossy().into_owned());
            dir.join(format!("{stem}-{domain}.json"))
        }
        Some(p) => p.clone(),
        None => PathBuf::from("reports").join(format!("{domain}.json")),
    }
}

pub async fn migrate(settings: &Settings, args: &MigrateArgs) -> anyhow::Result<ExitCode> {
    let selected: Vec<Domain> = match (&args.domain, args.all) {
        (Some(_), true) => bail!("give a domain or --all, not both"),
        (None, false) => bail!("give a domain ({}) or --all", domains::names()),
        (None, true) => domains::PLAN_ORDER.to_vec(),
        (Some(name), false) => vec![domains::find(name).ok_or_else(|| {
            anyhow::anyhow!("unknown domain {name}: one of {}", domains::names())
        })?],
    };
    if args.all && args.mapping.is_some() {
        bail!("--mapping names one domain's mapping: use it with a domain, not --all");
    }
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let mut all_reconciled = true;
    for domain in &selected {
        let plan = load_plan(domain, args)?;
        if let Some(file) = &args.replay_rejects {
            let outcome = replay_file(&db, &plan, domain, file).await?;
            all_reconciled &= outcome;
            continue;
        }
        check_dependencies(&db, &plan).await?;
        if !args.dry_run {
            begin_migration(&db, domain.name).await?;
        }
        let options = RunOptions {
            dry_run: args.dry_run,
            batch_size: args.batch_size,
            user: user(),
            restart: args.restart,
            progress: std::io::stderr().is_terminal(),
            target_display: settings.target_display.clone(),
        };
        let report = run(&db, &plan, &(domain.catalog)(), &options).await?;
        println!("{}", summary_table(&report));
        let files = write_reports(&report, &report_path(args, domain.name, selected.len() > 1))?;
        println!(
            "reports: {}, {}, {}\n",
            files.json.display(),
            files.markdown.display(),
            files.html.display()
        );
        if !args.dry_run && report.reconciled {
            mark_verified(&db, domain.name, &report.run_id).await?;
        }
        all_reconciled &= report.reconciled;
    }
    db.close().await;
    Ok(if all_reconciled {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

async fn replay_file(db: &Db, plan: &Plan, domain: &Domain, file: &Path) -> anyhow::Result<bool> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut records = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let record: ReplayRecord = serde_json::from_str(line).with_context(|| {
            format!(
                "{}, line {}: not a quarantined record",
                file.display(),
                n + 1
            )
        })?;
        if record.source.ends_with(" (other domain)") {
            continue;
        }
        records.push(record);
    }
    let mine: Vec<ReplayRecord> = records
        .into_iter()
        .filter(|r| plan.feeds.iter().any(|f| f.label() == r.source))
        .collect();
    let report = replay(db, plan, &(domain.catalog)(), mine, &user()).await?;
    for o in &report.outcomes {
        println!(
            "{:<40} {:<12} {}",
            o.locator,
            o.outcome,
            o.reason.clone().unwrap_or_default()
        );
    }
    let loaded = report
        .outcomes
        .iter()
        .filter(|o| o.outcome == "loaded" || o.outcome == "merged")
        .count();
    println!(
        "{}: {loaded} of {} replayed records loaded (run {})",
        domain.name,
        report.outcomes.len(),
        report.run_id
    );
    Ok(report.reconciled)
}
