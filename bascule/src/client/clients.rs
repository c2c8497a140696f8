//! `bascule clients …`: customers (with the GDPR rights of access and erasure), their
//! contacts and consents, and customer orders with their state changes, through the
//! clients service.

mod consents;
mod contacts;
mod customers;
mod orders;

use bascule_proto::clients::v1 as pb;
use bascule_proto::clients::v1::clients_service_client::ClientsServiceClient;
use bascule_proto::google::r#type::Decimal as WireDecimal;
use chrono::Datelike;
use clap::Subcommand;
use tonic::transport::Channel;

pub use consents::ConsentCommand;
pub use contacts::ContactCommand;
pub use customers::CustomerCommand;
pub use orders::OrderCommand;

use super::Failure;
use super::input::{date, mask};

type Client = ClientsServiceClient<Channel>;

/// The commands are boxed: their options would otherwise make every `Command` large.
#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// Customers: who orders, where they are billed and delivered; GDPR export and erasure.
    Customers {
        #[command(subcommand)]
        command: Box<CustomerCommand>,
    },
    /// The people the company deals with at a customer.
    Contacts {
        #[command(subcommand)]
        command: Box<ContactCommand>,
    },
    /// GDPR consents: what a customer agreed to be contacted for.
    Consents {
        #[command(subcommand)]
        command: Box<ConsentCommand>,
    },
    /// Customer orders: drafts and their lines, then confirm → start-production → ready →
    /// deliver → close (or cancel).
    Orders {
        #[command(subcommand)]
        command: Box<OrderCommand>,
    },
}

/// Runs `command` on a channel to the service (see [`super::run`]).
pub async fn execute(
    channel: Channel,
    json: bool,
    command: &ClientsCommand,
) -> Result<(), Failure> {
    let mut client = ClientsServiceClient::new(channel);
    match command {
        ClientsCommand::Customers { command } => {
            customers::execute(&mut client, json, command).await
        }
        ClientsCommand::Contacts { command } => contacts::execute(&mut client, json, command).await,
        ClientsCommand::Consents { command } => consents::execute(&mut client, json, command).await,
        ClientsCommand::Orders { command } => orders::execute(&mut client, json, command).await,
    }
}

fn wire(d: rust_decimal::Decimal) -> WireDecimal {
    WireDecimal {
        value: d.to_string(),
    }
}

/// A date typed as 31/01/2025 or 2025-01-31, as the service's Date.
fn day(field: &str, text: &str) -> Result<pb::Date, Failure> {
    let d = date(field, text)?;
    Ok(pb::Date {
        year: d.year(),
        month: i32::try_from(d.month()).unwrap_or_default(),
        day: i32::try_from(d.day()).unwrap_or_default(),
    })
}

/// An optional date; "" forgets it (in an update).
fn opt_day(field: &str, text: Option<&String>) -> Result<Option<pb::Date>, Failure> {
    text.filter(|t| !t.is_empty())
        .map(|t| day(field, t))
        .transpose()
}

/// The filter of a list narrowed by a condition, when there is one: OR binds tighter
/// than AND in the filter language, so appending `AND …` never changes the user's groups.
fn narrowed(filter: String, condition: Option<String>) -> String {
    match (filter.trim().is_empty(), condition) {
        (_, None) => filter,
        (true, Some(c)) => c,
        (false, Some(c)) => format!("{c} AND {filter}"),
    }
}

/// A text value quoted for a filter.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
