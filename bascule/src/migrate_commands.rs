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
use bascule_migrate::engine::{fingerprint, fingerprint_store};
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
    pub catch_up: bool,
}

/// Who runs the command, recorded with what it changes.
pub fn user() -> String {
    std::env::var("BASCULE_USER")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "bascule".into())
}

/// The domain's plan: its built-in mapping, or `mapping`, with paths under `source_dir`.
pub fn load_plan(
    domain: &Domain,
    mapping: Option<&Path>,
    source_dir: &Path,
) -> anyhow::Result<Plan> {
    let catalog = (domain.catalog)();
    let plan = match mapping {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            compile(&file.display().to_string(), &text, source_dir, &catalog)?
        }
        None => compile(
            &format!("{}.toml (built in)", domain.name),
            domain.mapping,
            source_dir,
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

/// Whether `domain` has a finished, reconciled, non-dry run and was not rolled back since.
async fn migrated(db: &Db, domain: &str) -> anyhow::Result<bool> {
    let mut e = db.clone();
    if domain_state::current(&mut e, domain).await? == DomainState::Legacy {
        return Ok(false);
    }
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

/// The other domains whose keys the plan's feeds look up.
pub fn looked_up_domains(plan: &Plan) -> Vec<&str> {
    let mut needed: Vec<&str> = plan
        .feeds
        .iter()
        .flat_map(|f| f.lookups.iter().map(|l| l.0.as_str()))
        .filter(|d| *d != plan.domain)
        .collect();
    needed.sort_unstable();
    needed.dedup();
    needed
}

/// Refuses to start a domain whose mapping looks keys up in a domain not migrated yet.
async fn check_dependencies(db: &Db, plan: &Plan) -> anyhow::Result<()> {
    for other in looked_up_domains(plan) {
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

/// Keeps what the legacy tables held, for `bascule retire` and `migrate --catch-up`.
async fn record_fingerprints(
    db: &Db,
    domain: &str,
    run_id: &str,
    fingerprints: &[fingerprint::TableFingerprint],
) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    fingerprint_store::replace(&mut tx, domain, run_id, fingerprints).await?;
    fingerprint_store::set_run_summary(&mut tx, run_id, &fingerprint::summary_json(fingerprints))
        .await?;
    tx.commit().await?;
    let records: u64 = fingerprints.iter().map(|f| f.rows).sum();
    println!(
        "fingerprints: {} legacy table{}, {records} records, kept for `bascule retire {domain}`\n",
        fingerprints.len(),
        if fingerprints.len() == 1 { "" } else { "s" }
    );
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
    if args.catch_up {
        return crate::catch_up_command::run(settings, args).await;
    }
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let mut all_reconciled = true;
    for domain in &selected {
        let plan = load_plan(domain, args.mapping.as_deref(), &args.source_dir)?;
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
        // Taken before the run reads the sources: a record changed while it runs then
        // differs from its fingerprint and is caught up later, never missed.
        let fingerprints = if args.dry_run {
            None
        } else {
            Some(fingerprint::take(&plan).await?)
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
        if let Some(fingerprints) = fingerprints.filter(|_| report.reconciled) {
            record_fingerprints(&db, domain.name, &report.run_id, &fingerprints).await?;
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
