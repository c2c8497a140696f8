//! `bascule fournisseurs …`: suppliers and what they sell us, purchase orders and their
//! receipts, supplier bills and payments, through the fournisseurs service: the commands
//! and what they share here, each resource's commands in `fournisseurs_suppliers`,
//! `fournisseurs_orders` and `fournisseurs_bills`.

use std::process::ExitCode;

use bascule_platform::settings::Settings;
use bascule_proto::fournisseurs::v1 as pb;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use bascule_proto::google::r#type::Decimal as WireDecimal;
use clap::Subcommand;
use prost_types::FieldMask;
use tonic::transport::Channel;

use super::fournisseurs_bills::{BillCommand, PaymentCommand, bills, payments};
use super::fournisseurs_orders::{OrderCommand, ReceiptCommand, orders, receipts};
use super::fournisseurs_suppliers::{ArticleCommand, SupplierCommand, articles, suppliers};
use super::input::{boolean, date, decimal};
use super::{ClientArgs, Failure, input_error, report};

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

/// The mask of the fields given on the command line; none is an error naming the flags.
pub(super) fn mask(given: &[(&str, bool)], flags: &str) -> Result<FieldMask, Failure> {
    let paths: Vec<String> = given
        .iter()
        .filter(|(_, set)| *set)
        .map(|(p, _)| (*p).to_owned())
        .collect();
    if paths.is_empty() {
        return Err(input_error(format!("nothing to change: give {flags}")));
    }
    Ok(FieldMask { paths })
}

pub(super) fn opt_bool(field: &str, text: Option<&String>) -> Result<bool, Failure> {
    text.map(|t| boolean(field, t))
        .transpose()
        .map(Option::unwrap_or_default)
}

pub async fn run(
    settings: &Settings,
    args: &ClientArgs,
    command: &FournisseursCommand,
) -> ExitCode {
    let result = async {
        let channel = args.channel(settings).await?;
        let mut client = FournisseursServiceClient::new(channel.clone());
        execute(&mut client, channel, args.json, command).await
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

async fn execute(
    client: &mut Client,
    channel: Channel,
    json: bool,
    command: &FournisseursCommand,
) -> Result<(), Failure> {
    match command {
        FournisseursCommand::Suppliers { command } => suppliers(client, json, command).await,
        FournisseursCommand::Articles { command } => articles(client, json, command).await,
        FournisseursCommand::Orders { command } => orders(client, channel, json, command).await,
        FournisseursCommand::Receipts { command } => receipts(client, json, command).await,
        FournisseursCommand::Bills { command } => bills(client, json, command).await,
        FournisseursCommand::Payments { command } => payments(client, json, command).await,
    }
}
