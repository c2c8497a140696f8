//! The `bascule` command: composition root of the services and the CLI people use.

mod cli;
mod db_commands;
mod schemas;
mod telemetry;

use std::collections::HashMap;
use std::process::ExitCode;

use bascule_platform::settings::{self, EXIT_INVALID_SETTINGS};
use clap::Parser;

use crate::cli::{Cli, Command, DbCommand};

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
            Command::Demo => db_commands::demo(&settings).await,
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
