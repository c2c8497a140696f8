//! `bascule reactivate DOMAIN`: the plan's three checks before a verified domain goes
//! live (data integrity and availability, processes, communications), a JSON and HTML
//! report of them, and the switch to LIVE only when every check passed.

mod communications;
mod html;
mod integrity;
mod outcome;
mod probes;
mod references;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use bascule_platform::check_token;
use bascule_platform::db::purge::purge;
use bascule_platform::db::record::new_id;
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::upgrade::ensure_current;
use bascule_platform::db::{Db, Exec};
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::settings::Settings;
use bascule_rpc::client::ClientTls;
use tonic::transport::Channel;

use self::outcome::{Checks, Group, ReactivationReport, Removed};
use self::probes::Pass;
use crate::client::ClientArgs;
use crate::migrate_commands::user;
use crate::{domains, schemas, switch_reports};

#[derive(Debug, Clone)]
pub struct ReactivateArgs {
    pub domain: String,
    pub client: ClientArgs,
    /// Where the JSON report goes (HTML beside it).
    pub report: Option<PathBuf>,
    /// Run the checks and write the report, but leave the domain verified.
    pub check_only: bool,
}

/// How long the functional checks' pass stays good: long enough for the checks, short
/// enough that a leaked token is soon worthless.
const PASS_TTL_MINUTES: i64 = 10;

fn refuse_state(domain: &str, state: DomainState) -> anyhow::Result<()> {
    match state {
        DomainState::Verified => Ok(()),
        DomainState::Legacy | DomainState::Migrating => bail!(
            "{domain} is {state}: reactivation checks a verified domain; run `bascule migrate {domain}` until it reconciles"
        ),
        DomainState::Live => bail!("{domain} is already live"),
        DomainState::Retired => bail!("{domain} is retired: its legacy systems are gone"),
    }
}

async fn data_checks(
    db: &Db,
    domain: &str,
    channel: Channel,
    checks: &mut Checks,
) -> anyhow::Result<()> {
    match domain {
        "stock" => probes::stock::data(db, channel, checks).await,
        "fournisseurs" => probes::fournisseurs::data(db, channel, checks).await,
        "production" => probes::production::data(db, channel, checks).await,
        _ => probes::clients::data(db, channel, checks).await,
    }
}

async fn process_checks(
    domain: &str,
    channel: Channel,
    pass: Pass,
    tag: &str,
    checks: &mut Checks,
) -> probes::Created {
    match domain {
        "stock" => probes::stock::processes(channel, pass, tag, checks).await,
        "fournisseurs" => probes::fournisseurs::processes(channel, pass, tag, checks).await,
        "production" => probes::production::processes(channel, pass, tag, checks).await,
        _ => probes::clients::processes(channel, pass, tag, checks).await,
    }
}

/// Removes every record the functional checks created, with what refers to them.
async fn clean_up(
    db: &Db,
    domain: &str,
    created: &probes::Created,
) -> anyhow::Result<Vec<Removed>> {
    let all = schemas::all();
    let Some(schema) = all
        .iter()
        .find(|s| Some(s.name) == SchemaName::parse(domain))
    else {
        bail!("no schema for {domain}");
    };
    let mut tx = db.begin().await?;
    let removed = purge(&mut tx, schema, created).await?;
    tx.commit().await?;
    Ok(removed
        .into_iter()
        .map(|(table, rows)| Removed {
            table: format!("{}.{table}", schema.name.as_str()),
            rows,
        })
        .collect())
}

/// Keeps the report in the control schema, in the caller's transaction.
async fn store_report(e: &mut impl Exec, report: &ReactivationReport) -> anyhow::Result<()> {
    switch_reports::store(
        e,
        &report.id,
        &report.domain,
        "reactivation",
        report.run_id.as_deref(),
        &serde_json::to_string(report)?,
    )
    .await
}

fn write_files(report: &ReactivationReport, path: &Path) -> anyhow::Result<PathBuf> {
    switch_reports::write_json(path, report)?;
    let html = path.with_extension("html");
    std::fs::write(&html, html::render(report))?;
    Ok(html)
}

fn print(report: &ReactivationReport) {
    for group in [Group::Integrity, Group::Processes, Group::Communications] {
        println!("{}", group.title());
        for c in report.checks.iter().filter(|c| c.group == group) {
            println!(
                "  [{}] {}: {}",
                if c.passed { " ok " } else { "FAIL" },
                c.name,
                c.detail
            );
            if let Some(remedy) = &c.remedy {
                println!("         what to do: {remedy}");
            }
        }
    }
    for r in &report.cleanup {
        println!("removed after the checks: {} rows of {}", r.rows, r.table);
    }
}

pub async fn run(settings: &Settings, args: &ReactivateArgs) -> anyhow::Result<ExitCode> {
    let Some(domain) = domains::find(&args.domain) else {
        bail!(
            "unknown domain {}: one of {}",
            args.domain,
            domains::names()
        );
    };
    let domain = domain.name;
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    refuse_state(
        domain,
        domain_state::current(&mut db.clone(), domain).await?,
    )?;
    let started = chrono::Utc::now();
    let by = user();
    let server = args
        .client
        .server
        .clone()
        .unwrap_or_else(|| settings.client.server.clone());
    let tls = ClientTls {
        ca_file: args
            .client
            .tls_ca
            .clone()
            .or_else(|| settings.client.tls_ca.clone()),
        domain: args.client.tls_domain.clone(),
    };

    let mut integrity = Checks::new(Group::Integrity);
    let run_id = integrity::run_and_quarantine(&db, domain, &mut integrity).await?;
    references::check(&db, domain, &mut integrity).await?;
    let mut processes = Checks::new(Group::Processes);
    let mut cleanup = Vec::new();
    match args.client.channel(settings).await {
        Err(failure) => {
            let detail = match failure {
                crate::client::Failure::Connect(m) | crate::client::Failure::Input(m) => m,
                crate::client::Failure::Status(s) => probes::said(&s),
            };
            let remedy = format!(
                "start `bascule serve --domain {domain}` on this target, or give its address with --server"
            );
            integrity.fail(
                &format!("{domain} service reachable"),
                detail.clone(),
                remedy.clone(),
            );
            processes.fail("operations tried", format!("not tried: {detail}"), remedy);
        }
        Ok(channel) => {
            data_checks(&db, domain, channel.clone(), &mut integrity).await?;
            let token = check_token::issue(
                &db,
                domain,
                &by,
                chrono::Duration::minutes(PASS_TTL_MINUTES),
            )
            .await?;
            let tag: String = new_id()
                .replace('-', "")
                .chars()
                .rev()
                .take(8)
                .collect::<String>()
                .to_uppercase();
            let created =
                process_checks(domain, channel, Pass::new(&token)?, &tag, &mut processes).await;
            check_token::revoke(&db, &token).await?;
            cleanup = clean_up(&db, domain, &created).await?;
        }
    }
    let mut communications = Checks::new(Group::Communications);
    communications::run(&db, settings, domain, &server, &tls, &mut communications).await;

    let checks: Vec<_> = [integrity, processes, communications]
        .into_iter()
        .flat_map(|c| c.results)
        .collect();
    let passed = checks.iter().all(|c| c.passed);
    let mut report = ReactivationReport {
        schema_version: 1,
        id: new_id(),
        domain: domain.to_owned(),
        server,
        by: by.clone(),
        started_at: started.to_rfc3339(),
        finished_at: chrono::Utc::now().to_rfc3339(),
        run_id,
        passed,
        switched_live: passed && !args.check_only,
        checks,
        cleanup,
    };
    // The switch and the report that justifies it commit together.
    let mut tx = db.begin().await?;
    if report.switched_live {
        let switched = domain_state::transition_in(
            &mut tx,
            domain,
            DomainState::Live,
            &by,
            Some("reactivation checks passed"),
            Some(&report.id),
        )
        .await;
        if let Err(e) = switched {
            tx.rollback().await?;
            report.switched_live = false;
            store_report(&mut db.clone(), &report).await?;
            db.close().await;
            bail!("the checks passed but the switch failed: {e}");
        }
    }
    store_report(&mut tx, &report).await?;
    tx.commit().await?;
    db.close().await;
    let path = args
        .report
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(format!("reactivation-{domain}.json")));
    let html = write_files(&report, &path)?;
    print(&report);
    println!("report: {} and {}", path.display(), html.display());
    if report.switched_live {
        println!(
            "{domain} is live: the service accepts changes (report {})",
            report.id
        );
        Ok(ExitCode::SUCCESS)
    } else if passed {
        println!("every check passed; {domain} stays verified (--check-only)");
        Ok(ExitCode::SUCCESS)
    } else {
        let failed = report.checks.iter().filter(|c| !c.passed).count();
        println!("{failed} check(s) failed: {domain} stays verified and refuses changes");
        Ok(ExitCode::from(2))
    }
}
