//! The command line: global options and subcommands.

use std::path::PathBuf;

use bascule_platform::settings::Flags;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "bascule",
    version,
    about = "Switch-over of the business domains to the new system, and its daily use"
)]
pub struct Cli {
    /// Settings file (default: ./bascule.toml when it exists).
    #[arg(long, global = true, value_name = "FILE", env = "BASCULE_CONFIG")]
    pub config: Option<PathBuf>,

    /// Target database: sqlite://DIR (default sqlite://./data), postgres://… or oracle://USER:PASSWORD@HOST:PORT/SERVICE.
    #[arg(long, global = true, value_name = "URL")]
    pub target: Option<String>,

    /// Log level (error, warn, info, debug, trace) or a filter such as bascule=debug.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,

    /// Log format: text or json.
    #[arg(long, global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The settings given as flags, which override the file and the environment.
    pub fn flags(&self) -> Flags {
        let mut flags = Flags::new();
        let given = [
            ("target", &self.target),
            ("log.level", &self.log_level),
            ("log.format", &self.log_format),
        ];
        for (key, value) in given {
            if let Some(v) = value {
                flags.insert(key, v.clone());
            }
        }
        flags
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, upgrade and inspect the target database's schemas.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Set up the embedded database and show where it stands (the newcomer's first command).
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the control and domain schemas, or bring them to this version; safe to re-run.
    Upgrade,
    /// Show each schema's version against the one this bascule expects.
    Status {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
}
