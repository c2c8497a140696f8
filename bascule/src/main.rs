//! The `bascule` command: composition root of the services and the CLI people use.

mod bench;
mod catch_up_command;
mod cli;
mod client;
mod db_commands;
mod demo;
mod domains;
mod inspect_command;
mod load;
mod migrate_commands;
mod plan_command;
mod reactivate;
mod rejects;
mod retire_checklist;
mod retire_command;
mod rollback_command;
mod schemas;
mod serve;
mod switch_reports;
mod telemetry;

use std::collections::HashMap;
use std::process::ExitCode;

use bascule_platform::settings::{self, EXIT_INVALID_SETTINGS};
use clap::Parser;

use crate::cli::{Cli, Command, DbCommand, RejectsCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env: HashMap<String, String> = std::env::vars().collect();
    let settings = match settings::load(cli.config.as_deref(), &env, &cli.flags()) {
        Ok(s) => s,
        Err(errors) => {
            eprint!("{errors}");
            return ExitCode::from(EXIT_INVALID_SETTINGS as u8);
        }
    };
    telemetry::init(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Command::Db {
                command: DbCommand::Upgrade,
            } => db_commands::upgrade(&settings).await,
            Command::Db {
                command: DbCommand::Status { json },
            } => db_commands::status(&settings, *json).await,
            Command::Demo {
                source_dir,
                no_serve,
            } => demo::run_demo(&settings, source_dir.as_deref(), !no_serve).await,
            Command::Migrate {
                domain,
                all,
                source_dir,
                mapping,
                report,
                dry_run,
                restart,
                batch_size,
                replay_rejects,
                catch_up,
            } => {
                let args = migrate_commands::MigrateArgs {
                    domain: domain.clone(),
                    all: *all,
                    source_dir: source_dir.clone(),
                    mapping: mapping.clone(),
                    report: report.clone(),
                    dry_run: *dry_run,
                    restart: *restart,
                    batch_size: *batch_size,
                    replay_rejects: replay_rejects.clone(),
                    catch_up: *catch_up,
                };
                migrate_commands::migrate(&settings, &args).await
            }
            Command::Rollback { domain, reason } => {
                rollback_command::run(&settings, domain, reason.as_deref()).await
            }
            Command::Retire {
                domain,
                source_dir,
                mapping,
                report,
            } => {
                let args = retire_command::RetireArgs {
                    domain: domain.clone(),
                    source_dir: source_dir.clone(),
                    mapping: mapping.clone(),
                    report: report.clone(),
                };
                retire_command::run(&settings, &args).await
            }
            Command::Inspect {
                source,
                header_row,
                password,
                rows,
                json,
                draft_mapping,
                domain,
            } => {
                let args = inspect_command::InspectArgs {
                    source: source.clone(),
                    header_row: *header_row,
                    password: password.clone(),
                    rows: *rows,
                    json: *json,
                    draft_mapping: draft_mapping.clone(),
                    domain: domain.clone(),
                };
                inspect_command::run(&args).await
            }
            Command::Stock { client, command } => Ok(client::run(&settings, client, |ch, json| {
                client::stock::execute(ch, json, command)
            })
            .await),
            Command::Production { client, command } => {
                Ok(client::run(&settings, client, |ch, json| {
                    client::production::execute(ch, json, command)
                })
                .await)
            }
            Command::Clients { client, command } => {
                Ok(client::run(&settings, client, |ch, json| {
                    client::clients::execute(ch, json, command)
                })
                .await)
            }
            Command::Fournisseurs { client, command } => {
                Ok(client::run(&settings, client, |ch, json| {
                    client::fournisseurs::execute(ch, json, command)
                })
                .await)
            }
            Command::Mail { client, command } => Ok(client::run(&settings, client, |ch, json| {
                client::outbox::execute(ch, json, command)
            })
            .await),
            Command::Plan { json } => plan_command::run(&settings, *json).await,
            Command::Reactivate {
                domain,
                client,
                report,
                check_only,
            } => {
                let args = reactivate::ReactivateArgs {
                    domain: domain.clone(),
                    client: client.clone(),
                    report: report.clone(),
                    check_only: *check_only,
                };
                reactivate::run(&settings, &args).await
            }
            Command::Serve { domain, listen } => {
                let args = serve::ServeArgs {
                    domain: domain.clone(),
                    listen: listen.clone(),
                };
                serve::run(&settings, &args).await
            }
            Command::Rejects {
                command: RejectsCommand::List { domain, all, json },
            } => rejects::list(&settings, domain.as_deref(), *all, *json).await,
            Command::Rejects {
                command: RejectsCommand::Export { domain, output },
            } => rejects::export(&settings, domain.as_deref(), output).await,
            Command::Rejects {
                command:
                    RejectsCommand::Accept {
                        domain,
                        ids,
                        rule,
                        all,
                        reason,
                    },
            } => {
                let acceptance = rejects::Acceptance {
                    domain: domain.clone(),
                    ids: ids.clone(),
                    rule: rule.clone(),
                    all: *all,
                    reason: reason.clone(),
                };
                rejects::accept(&settings, &acceptance).await
            }
            Command::Bench {
                csv_rows,
                xlsx_rows,
                memory_rows,
                access_file,
                batch_size,
                work_dir,
            } => {
                let options = bench::BenchOptions {
                    csv_rows: *csv_rows,
                    xlsx_rows: *xlsx_rows,
                    memory_rows: *memory_rows,
                    access_file: access_file.clone(),
                    batch_size: *batch_size,
                    work_dir: work_dir.clone(),
                };
                bench::run(&options).await.map(|ok| {
                    if ok {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(3)
                    }
                })
            }
            Command::BenchApi {
                backend,
                rate,
                seconds,
                search_seconds,
                p99_ms,
            } => {
                let options = load::LoadOptions {
                    backend: backend.clone(),
                    rate: *rate,
                    seconds: *seconds,
                    search_seconds: *search_seconds,
                    p99_target_ms: *p99_ms,
                };
                load::run(&options).await
            }
            Command::BenchLoad {
                mapping,
                source_dir,
                batch_size,
            } => {
                let measured =
                    bench::child_load(&settings.target, mapping, source_dir, *batch_size).await?;
                println!("{}", serde_json::to_string(&measured)?);
                Ok(ExitCode::SUCCESS)
            }
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            tracing::debug!(error = ?e, "command failed");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
