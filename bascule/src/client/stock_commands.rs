//! The `bascule stock …` command line: its subcommands and their options.

use clap::Subcommand;

use super::ListArgs;

#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// Articles: what is stocked.
    Articles {
        #[command(subcommand)]
        command: ArticleCommand,
    },
    /// Locations: where it is stocked.
    Locations {
        #[command(subcommand)]
        command: LocationCommand,
    },
    /// Stock levels: on hand, reserved, incoming, forecast.
    Levels {
        #[command(subcommand)]
        command: LevelCommand,
    },
    /// The movement ledger: receipts, issues, transfers… (create and reverse only).
    Movements {
        #[command(subcommand)]
        command: MovementCommand,
    },
    /// Record a stock count: the adjustment that brings on-hand to what was counted.
    Adjust {
        article: String,
        location: String,
        /// The quantity counted (12,5 or 1 234).
        #[arg(long)]
        counted: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Reorder rules: minimum, maximum and how to replenish.
    Rules {
        #[command(subcommand)]
        command: RuleCommand,
    },
    /// Compare forecasts with the reorder rules and raise replenishment requests.
    ReorderCheck {
        /// Also raise requests for MANUAL rules.
        #[arg(long)]
        include_manual: bool,
    },
    /// Replenishment requests raised by the reorder check.
    Requests {
        #[command(subcommand)]
        command: RequestCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ArticleCommand {
    List(ListArgs),
    Get {
        code: String,
    },
    Create {
        code: String,
        #[arg(long)]
        name: String,
        /// raw-material, component, consumable, packaging, semi-finished, finished-good.
        #[arg(long)]
        kind: String,
        /// Unit of measure: pce, kg, m, L…
        #[arg(long)]
        unit: String,
        /// buy or manufacture.
        #[arg(long, default_value = "buy")]
        replenishment: String,
        #[arg(long)]
        unit_cost: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields only.
    Update {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        replenishment: Option<String>,
        /// A price, or "" to forget it.
        #[arg(long)]
        unit_cost: Option<String>,
        /// oui or non.
        #[arg(long)]
        active: Option<String>,
        /// Refuse the change if the article changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LocationCommand {
    List(ListArgs),
    Get {
        code: String,
    },
    Create {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        warehouse: String,
        #[arg(long)]
        request_id: Option<String>,
    },
    Update {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        warehouse: Option<String>,
        #[arg(long)]
        active: Option<String>,
        #[arg(long)]
        etag: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LevelCommand {
    List(ListArgs),
    Get { article: String, location: String },
}

#[derive(Debug, Subcommand)]
pub enum MovementCommand {
    List(ListArgs),
    Get {
        id: String,
    },
    Create {
        /// receipt, issue, transfer, adjustment, production-consumption, production-output, delivery.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        article: String,
        #[arg(long)]
        location: String,
        /// Signed: positive into the location, negative out of it ("-4", "1 234,5").
        #[arg(long, allow_hyphen_values = true)]
        quantity: String,
        /// For a transfer.
        #[arg(long)]
        to_location: Option<String>,
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// When it happened (31/01/2025 or an RFC 3339 time); default now.
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Append the movement that cancels another.
    Reverse {
        id: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    List(ListArgs),
    Get {
        article: String,
        location: String,
    },
    Create {
        article: String,
        location: String,
        #[arg(long)]
        min: String,
        #[arg(long)]
        max: String,
        #[arg(long, default_value = "1")]
        multiple: String,
        /// auto or manual.
        #[arg(long, default_value = "manual")]
        mode: String,
        /// buy or manufacture.
        #[arg(long, default_value = "buy")]
        route: String,
        #[arg(long)]
        supplier: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    Update {
        article: String,
        location: String,
        #[arg(long)]
        min: Option<String>,
        #[arg(long)]
        max: Option<String>,
        #[arg(long)]
        multiple: Option<String>,
        #[arg(long)]
        mode: Option<String>,
        #[arg(long)]
        route: Option<String>,
        #[arg(long)]
        supplier: Option<String>,
        #[arg(long)]
        etag: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    List(ListArgs),
    Get { id: String },
}
