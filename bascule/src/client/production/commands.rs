//! The arguments of `bascule production …` below the resource: what each command takes.

use clap::{Args, Subcommand};

use super::super::ListArgs;

/// A tool and, optionally, the etag it must still have.
#[derive(Debug, Args)]
pub struct ToolState {
    pub code: String,
    /// Refuse the change if the tool changed since this etag was read.
    #[arg(long)]
    pub etag: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ToolCommand {
    /// The tools (--filter 'state = IN_USE', --order-by, --all).
    List(ListArgs),
    /// One tool, with its counters and maintenance dates.
    Get { code: String },
    /// A new tool, AVAILABLE with a zero cycle counter.
    Create {
        /// Such as MOU0012, GAB003, MAC001.
        code: String,
        #[arg(long)]
        name: String,
        /// mould, inspection-jig, gauge, cutting-die, fixture, machine, electrode, other.
        #[arg(long)]
        kind: String,
        /// Where it is kept: a rack, a press, the toolroom…
        #[arg(long)]
        location: String,
        /// Preventive maintenance falls due after this many cycles ("50 000").
        #[arg(long)]
        max_cycles: Option<String>,
        /// The next maintenance or calibration (31/01/2025 or 2025-01-31).
        #[arg(long)]
        next_maintenance: Option<String>,
        #[arg(long)]
        purchase_date: Option<String>,
        /// Excluding VAT, in euros ("12 500,00").
        #[arg(long)]
        purchase_price: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields only; "" forgets an optional one.
    Update {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        location: Option<String>,
        #[arg(long)]
        max_cycles: Option<String>,
        #[arg(long)]
        next_maintenance: Option<String>,
        #[arg(long)]
        purchase_date: Option<String>,
        #[arg(long)]
        purchase_price: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Refuse the change if the tool changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
    },
    /// AVAILABLE → IN_USE.
    CheckOut(ToolState),
    /// IN_USE or IN_MAINTENANCE → AVAILABLE.
    Release(ToolState),
    /// AVAILABLE or IN_USE → IN_MAINTENANCE.
    SendToMaintenance(ToolState),
    /// Any state but SCRAPPED → SCRAPPED, for good.
    Scrap(ToolState),
    /// Add the cycles (shots, strokes, uses) run since the last report.
    RecordCycles {
        code: String,
        /// A whole number: 1200 or "1 200".
        #[arg(long)]
        cycles: String,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Tools whose maintenance is due, by their cycles or by date.
    Due {
        /// The day to compare next maintenance dates with (default: today).
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Maintenance records, of one tool or of all (--filter, --order-by, --all).
    List {
        /// Only this tool's records.
        #[arg(long)]
        tool: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// One maintenance record.
    Get { id: String },
    /// Record maintenance or a calibration done on a tool; its due status starts again.
    Create {
        tool: String,
        /// preventive, corrective or calibration.
        #[arg(long)]
        kind: String,
        /// The day the work was done (default: today).
        #[arg(long)]
        date: Option<String>,
        /// The tool's counter when the work was done (default: its current counter).
        #[arg(long)]
        cycle_counter: Option<String>,
        /// Who did it, or the outside firm (default: you, as with --user).
        #[arg(long)]
        by: Option<String>,
        /// The next maintenance or calibration, after --date.
        #[arg(long)]
        next_due: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BomCommand {
    /// The bills of materials (--filter, --order-by, --all).
    List(ListArgs),
    /// One article's bill, with its lines.
    Get { article: String },
    /// The bill of the article ARTICLE (one per article).
    Create {
        article: String,
        #[arg(long)]
        name: String,
        /// How much of the article one batch makes.
        #[arg(long, default_value = "1")]
        batch: String,
        /// COMPONENT:QUANTITY per batch, or COMPONENT:QUANTITY:UNIT ('MP-00001:2,5:kg');
        /// repeat for each line, numbered in the order given. Without a unit, the
        /// component's unit in stock.
        #[arg(long = "line", required = true, value_name = "COMPONENT:QTY[:UNIT]")]
        lines: Vec<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
}

/// An order and, optionally, the etag it must still have.
#[derive(Debug, Args)]
pub struct OrderState {
    pub mo_number: String,
    /// Refuse the change if the order changed since this etag was read.
    #[arg(long)]
    pub etag: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// The manufacturing orders (--filter 'state = IN_PROGRESS', --order-by, --all).
    List(ListArgs),
    /// One manufacturing order.
    Get { mo_number: String },
    /// A new order, in DRAFT.
    Create {
        /// Such as OF25-0001.
        mo_number: String,
        /// The article made.
        #[arg(long)]
        article: String,
        #[arg(long)]
        quantity: String,
        /// Planned start (default: today).
        #[arg(long)]
        start: Option<String>,
        /// Planned end (default: the start).
        #[arg(long)]
        end: Option<String>,
        /// The date promised to the customer.
        #[arg(long)]
        deadline: Option<String>,
        /// The customer order it is made for.
        #[arg(long)]
        origin_order: Option<String>,
        #[arg(long)]
        customer: Option<String>,
        /// A tool used; repeat for each.
        #[arg(long = "tool", value_name = "CODE")]
        tools: Vec<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields of a DRAFT order; "" forgets an optional one.
    Update {
        mo_number: String,
        #[arg(long)]
        article: Option<String>,
        #[arg(long)]
        quantity: Option<String>,
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        end: Option<String>,
        #[arg(long)]
        deadline: Option<String>,
        #[arg(long)]
        origin_order: Option<String>,
        #[arg(long)]
        customer: Option<String>,
        /// The tools used, replacing the list; repeat for each, --tool '' for none.
        #[arg(long = "tool", value_name = "CODE")]
        tools: Vec<String>,
        #[arg(long)]
        note: Option<String>,
        /// Refuse the change if the order changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
    },
    /// DRAFT → CONFIRMED.
    Confirm(OrderState),
    /// CONFIRMED → IN_PROGRESS.
    Start(OrderState),
    /// IN_PROGRESS → DONE, once its consumption and output are posted in stock.
    ///
    /// If stock refuses (not enough on hand…), the order stays IN_PROGRESS: run it again,
    /// with the same locations, quantity and user, once stock is there; only what is
    /// missing is posted.
    Complete {
        mo_number: String,
        /// The stock location the components are taken from.
        #[arg(long)]
        consume_from: String,
        /// The stock location the articles made go to.
        #[arg(long)]
        output_to: String,
        /// Good quantity made (default: the ordered quantity).
        #[arg(long)]
        quantity: Option<String>,
        /// Who completes it, recorded on the stock movements.
        #[arg(long)]
        user: Option<String>,
        /// Refuse if the order changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// DONE → CLOSED.
    Close(OrderState),
    /// DRAFT, CONFIRMED or IN_PROGRESS → CANCELLED; nothing is posted in stock.
    Cancel(OrderState),
}

#[derive(Debug, Subcommand)]
pub enum ProgressCommand {
    /// An order's entries, and its totals.
    List {
        mo_number: String,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Report good and scrapped parts on an order IN_PROGRESS (a correction is another entry).
    Add {
        mo_number: String,
        /// Good parts ("12" or "1 234,5").
        #[arg(long)]
        good: Option<String>,
        /// Scrapped parts.
        #[arg(long)]
        scrap: Option<String>,
        /// The operator's trigram, such as JDU.
        #[arg(long)]
        operator: String,
        #[arg(long)]
        station: String,
        /// When the work was done (31/01/2025 or an RFC 3339 time); default now.
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
}
