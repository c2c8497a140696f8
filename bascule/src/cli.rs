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
    /// The newcomer's first command: migrate the demo copy of the legacy files into the embedded database.
    Demo {
        /// Another legacy directory with the same layout (default: the demo data set in the repository).
        #[arg(long)]
        source_dir: Option<PathBuf>,
        /// Stop after the migration instead of starting the services.
        #[arg(long)]
        no_serve: bool,
    },
    /// Migrate a domain's legacy data (or all four, in the plan's order) and write the reports.
    Migrate {
        /// fournisseurs, stock, production or clients.
        domain: Option<String>,
        /// All four domains: fournisseurs, stock, production, clients.
        #[arg(long)]
        all: bool,
        /// The directory of the legacy files (the mapping's paths are relative to it).
        #[arg(long, default_value = "../shared/legacy")]
        source_dir: PathBuf,
        /// A mapping file to use instead of the domain's built-in one.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Where the JSON report goes (Markdown and HTML beside it); default reports/DOMAIN.json.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Do everything, report, then keep nothing.
        #[arg(long)]
        dry_run: bool,
        /// Start a new run even if an interrupted one could be resumed.
        #[arg(long)]
        restart: bool,
        /// Records per transaction.
        #[arg(long, default_value_t = 1000)]
        batch_size: usize,
        /// Load corrected quarantined records exported by `bascule rejects export`.
        #[arg(long, value_name = "FILE")]
        replay_rejects: Option<PathBuf>,
        /// A live domain: load only the legacy records changed since its fingerprints.
        #[arg(long)]
        catch_up: bool,
    },
    /// Take a migrating or verified domain back to its legacy system, removing what was migrated.
    Rollback {
        /// fournisseurs, stock, production or clients.
        domain: String,
        /// Why, kept with the transition.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Retire a live domain's legacy sources once they hold exactly what was migrated.
    Retire {
        /// fournisseurs, stock, production or clients.
        domain: String,
        /// The directory of the legacy files (the mapping's paths are relative to it).
        #[arg(long, default_value = "../shared/legacy")]
        source_dir: PathBuf,
        /// The mapping the domain was migrated with, if not its built-in one.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Where the JSON report goes (default reports/retirement-DOMAIN.json).
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Stock: articles, locations, levels, movements, counts, reorder rules (client of the stock service).
    Stock {
        #[command(flatten)]
        client: crate::client::ClientArgs,
        #[command(subcommand)]
        command: crate::client::stock::StockCommand,
    },
    /// Production: tools and their maintenance, bills of materials, manufacturing orders, progress (client of the production service).
    Production {
        #[command(flatten)]
        client: crate::client::ClientArgs,
        #[command(subcommand)]
        command: crate::client::production::ProductionCommand,
    },
    /// Clients: customers, contacts, GDPR consents, export and erasure, customer orders (client of the clients service).
    Clients {
        #[command(flatten)]
        client: crate::client::ClientArgs,
        #[command(subcommand)]
        command: crate::client::clients::ClientsCommand,
    },
    /// Fournisseurs: suppliers, their articles, purchase orders and receipts, bills and payments (client of the fournisseurs service).
    Fournisseurs {
        #[command(flatten)]
        client: crate::client::ClientArgs,
        #[command(subcommand)]
        command: crate::client::fournisseurs::FournisseursCommand,
    },
    /// The e-mail outbox of a domain: list messages, retry or cancel those not delivered.
    Mail {
        #[command(flatten)]
        client: crate::client::ClientArgs,
        #[command(subcommand)]
        command: crate::client::outbox::MailCommand,
    },
    /// The switch-over plan: each domain's phase, state, last run, what it waits for, the next step.
    Plan {
        #[arg(long)]
        json: bool,
    },
    /// The switch-over checks of a verified domain (data, processes, communications); switches it live when all pass.
    Reactivate {
        /// fournisseurs, stock, production or clients.
        domain: String,
        #[command(flatten)]
        client: crate::client::ClientArgs,
        /// Where the JSON report goes (HTML beside it); default reports/reactivation-DOMAIN.json.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Run the checks and write the report, but leave the domain verified.
        #[arg(long)]
        check_only: bool,
    },
    /// Run the domain services over gRPC (one domain, or all four in one process).
    Serve {
        /// fournisseurs, stock, production, clients, or all.
        #[arg(long, default_value = "all")]
        domain: String,
        /// host:port to listen on (default: the setting server.listen, 127.0.0.1:50051).
        #[arg(long)]
        listen: Option<String>,
    },
    /// Show what a legacy source holds (tables, columns, types, samples) and draft a mapping.
    Inspect {
        /// A file (csv, xlsx, xls, mdb, accdb, sql, dump…) or a postgres:// / oracle:// URL.
        source: String,
        /// Excel: the row number of the header.
        #[arg(long)]
        header_row: Option<u32>,
        /// Access: the database password.
        #[arg(long)]
        password: Option<String>,
        /// Rows profiled per table (0 = all).
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Write a mapping skeleton to start from.
        #[arg(long, value_name = "FILE")]
        draft_mapping: Option<PathBuf>,
        /// The domain named in the draft mapping.
        #[arg(long, default_value = "stock")]
        domain: String,
    },
    /// The quarantined records: list them, or export them to correct and replay.
    Rejects {
        #[command(subcommand)]
        command: RejectsCommand,
    },
    /// Measure the migration engine against the reference tools (prints rows/s, MB/s, peak memory).
    Bench {
        /// Rows of the generated CSV.
        #[arg(long, default_value_t = 1_000_000)]
        csv_rows: u64,
        /// Rows of the generated workbook.
        #[arg(long, default_value_t = 100_000)]
        xlsx_rows: u64,
        /// Also load a CSV of this many rows to check that memory stays flat (e.g. 10000000).
        #[arg(long)]
        memory_rows: Option<u64>,
        /// The Access file whose SuiviProduction table is loaded.
        #[arg(
            long,
            default_value = "../shared/legacy/production/production-large.mdb"
        )]
        access_file: PathBuf,
        /// Records per transaction.
        #[arg(long, default_value_t = 5000)]
        batch_size: usize,
        /// Where the generated files go and stay (default: a temporary directory, removed at the end).
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
    /// Load benchmark of the services: open-loop requests at a fixed rate; prints latency percentiles.
    BenchApi {
        /// postgres (the local server) or sqlite: a scratch database created for the run.
        #[arg(long, default_value = "postgres")]
        backend: String,
        /// Requests per second of the daily mix (80 % reads).
        #[arg(long, default_value_t = 2000)]
        rate: u32,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Seconds per step of the search for GetArticle's and CreateMovement's maximum rate (0: no search).
        #[arg(long, default_value_t = 10)]
        search_seconds: u64,
        /// p99 latency a rate must stay under, in milliseconds.
        #[arg(long, default_value_t = 50.0)]
        p99_ms: f64,
    },
    /// One measured load of the benchmark, in its own process (used by `bench`).
    #[command(hide = true)]
    BenchLoad {
        #[arg(long)]
        mapping: PathBuf,
        #[arg(long)]
        source_dir: PathBuf,
        #[arg(long, default_value_t = 5000)]
        batch_size: usize,
    },
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

#[derive(Debug, Subcommand)]
pub enum RejectsCommand {
    /// List the open quarantined records.
    List {
        #[arg(long)]
        domain: Option<String>,
        /// Also the accepted and replayed ones.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write the open quarantined records as JSON lines, to correct and replay.
    Export {
        #[arg(long)]
        domain: Option<String>,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Accept open quarantined records as they are: they stay out of the new system, on purpose.
    Accept {
        #[arg(long)]
        domain: String,
        /// Quarantine ids (from `bascule rejects list --json`).
        ids: Vec<String>,
        /// Every open record of the domain refused by this rule.
        #[arg(long)]
        rule: Option<String>,
        /// Every open record of the domain.
        #[arg(long)]
        all: bool,
        /// Why they may stay out (kept with each record).
        #[arg(long)]
        reason: String,
    },
}
