//! `bascule fournisseurs …`: suppliers and what they sell us, purchase orders and their
//! receipts, supplier bills and payments, through the fournisseurs service: the commands
//! and what they share here, each resource's commands in `fournisseurs_suppliers`,
//! `fournisseurs_orders` and `fournisseurs_bills`.

use bascule_proto::fournisseurs::v1 as pb;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use bascule_proto::google::r#type::Decimal as WireDecimal;
use clap::Subcommand;
use tonic::transport::Channel;

use super::Failure;
use super::fournisseurs_bills::{BillCommand, PaymentCommand, bills, payments};
use super::fournisseurs_orders::{OrderCommand, ReceiptCommand, orders, receipts};
use super::fournisseurs_suppliers::{ArticleCommand, SupplierCommand, articles, suppliers};
pub(super) use super::input::mask;
use super::input::{boolean, date, decimal};

pub(super) type Client = FournisseursServiceClient<Channel>;

#[derive(Debug, Subcommand)]
pub enum FournisseursCommand {
    /// Suppliers: who we buy from, their contacts, address and bank details.
    Suppliers {
        #[command(subcommand)]
        command: SupplierCommand,
    },
    /// Supplier articles: what a supplier sells us, at what price and lead time.
    Articles {
        #[command(subcommand)]
        command: ArticleCommand,
    },
    /// Purchase orders: create, send, confirm, receive goods into stock, close, cancel.
    Orders {
        #[command(subcommand)]
        command: OrderCommand,
    },
    /// Receipts: the goods received on purchase orders (recorded by `orders receive`).
    Receipts {
        #[command(subcommand)]
        command: ReceiptCommand,
    },
    /// Supplier bills: record, correct, post, cancel, and the overdue ones.
    Bills {
        #[command(subcommand)]
        command: BillCommand,
    },
    /// Payments of supplier bills.
    Payments {
        #[command(subcommand)]
        command: PaymentCommand,
    },
}

pub(super) fn dec(field: &str, text: &str) -> Result<WireDecimal, Failure> {
    Ok(WireDecimal {
        value: decimal(field, text)?.to_string(),
    })
}

pub(super) fn opt_dec(field: &str, text: Option<&String>) -> Result<Option<WireDecimal>, Failure> {
    text.filter(|t| !t.is_empty())
        .map(|t| dec(field, t))
        .transpose()
}

/// A calendar date typed as 31/01/2025 or 2025-01-31.
pub(super) fn pb_date(field: &str, text: &str) -> Result<pb::Date, Failure> {
    use chrono::Datelike;
    let d = date(field, text)?;
    Ok(pb::Date {
        year: d.year(),
        month: i32::try_from(d.month()).unwrap_or_default(),
        day: i32::try_from(d.day()).unwrap_or_default(),
    })
}

/// An optional date; "" means none.
pub(super) fn opt_date(field: &str, text: Option<&String>) -> Result<Option<pb::Date>, Failure> {
    text.filter(|t| !t.is_empty())
        .map(|t| pb_date(field, t))
        .transpose()
}

pub(super) fn opt_bool(field: &str, text: Option<&String>) -> Result<bool, Failure> {
    text.map(|t| boolean(field, t))
        .transpose()
        .map(Option::unwrap_or_default)
}

/// Runs `command` on a channel to the service (see [`super::run`]).
pub async fn execute(
    channel: Channel,
    json: bool,
    command: &FournisseursCommand,
) -> Result<(), Failure> {
    let client = &mut FournisseursServiceClient::new(channel.clone());
    match command {
        FournisseursCommand::Suppliers { command } => suppliers(client, json, command).await,
        FournisseursCommand::Articles { command } => articles(client, json, command).await,
        FournisseursCommand::Orders { command } => orders(client, channel, json, command).await,
        FournisseursCommand::Receipts { command } => receipts(client, json, command).await,
        FournisseursCommand::Bills { command } => bills(client, json, command).await,
        FournisseursCommand::Payments { command } => payments(client, json, command).await,
    }
}
