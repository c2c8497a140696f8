//! `bascule production …`: tools and their maintenance, bills of materials,
//! manufacturing orders and the progress reported on them, through the production
//! service.

mod commands;
mod orders;
mod tools;

use bascule_proto::google::r#type::Decimal as WireDecimal;
use bascule_proto::production::v1 as pb;
use bascule_proto::production::v1::production_service_client::ProductionServiceClient;
use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use rust_decimal::prelude::ToPrimitive;
use tonic::transport::Channel;

use super::input::{date, decimal, mask};
use super::{Failure, input_error};
pub use commands::{
    BomCommand, MaintenanceCommand, OrderCommand, OrderState, ProgressCommand, ToolCommand,
    ToolState,
};

type Client = ProductionServiceClient<Channel>;

#[derive(Debug, Subcommand)]
pub enum ProductionCommand {
    /// Tools: moulds, jigs, gauges, dies… their states, cycle counters and due maintenance.
    Tools {
        #[command(subcommand)]
        command: ToolCommand,
    },
    /// Maintenance and calibrations recorded on tools.
    Maintenance {
        #[command(subcommand)]
        command: MaintenanceCommand,
    },
    /// Bills of materials: what a batch of an article consumes.
    Boms {
        #[command(subcommand)]
        command: BomCommand,
    },
    /// Manufacturing orders and their life cycle; completing one posts its stock movements.
    Orders {
        #[command(subcommand)]
        command: OrderCommand,
    },
    /// Progress reported on orders in progress: good and scrapped parts.
    Progress {
        #[command(subcommand)]
        command: ProgressCommand,
    },
}

/// Runs `command` on a channel to the service (see [`super::run`]).
pub async fn execute(
    channel: Channel,
    json: bool,
    command: &ProductionCommand,
) -> Result<(), Failure> {
    let mut client = ProductionServiceClient::new(channel.clone());
    match command {
        ProductionCommand::Tools { command } => tools::tools(&mut client, json, command).await,
        ProductionCommand::Maintenance { command } => {
            tools::maintenance(&mut client, json, command).await
        }
        ProductionCommand::Boms { command } => {
            orders::boms(&mut client, &channel, json, command).await
        }
        ProductionCommand::Orders { command } => orders::orders(&mut client, json, command).await,
        ProductionCommand::Progress { command } => {
            orders::progress(&mut client, json, command).await
        }
    }
}

fn dec(field: &str, text: &str) -> Result<WireDecimal, Failure> {
    Ok(WireDecimal {
        value: decimal(field, text)?.to_string(),
    })
}

/// Unset when not given or "".
fn opt_dec(field: &str, text: Option<&String>) -> Result<Option<WireDecimal>, Failure> {
    text.filter(|t| !t.is_empty())
        .map(|t| dec(field, t))
        .transpose()
}

/// A whole number, "1 200" or 1200.
fn count(field: &str, text: &str) -> Result<i64, Failure> {
    let d = decimal(field, text)?;
    d.fract()
        .is_zero()
        .then(|| d.to_i64())
        .flatten()
        .ok_or_else(|| input_error(format!("--{field}: {text:?} is not a whole number")))
}

fn opt_count(field: &str, text: Option<&String>) -> Result<Option<i64>, Failure> {
    text.filter(|t| !t.is_empty())
        .map(|t| count(field, t))
        .transpose()
}

fn wire_day(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: i32::try_from(d.month()).unwrap_or_default(),
        day: i32::try_from(d.day()).unwrap_or_default(),
    }
}

fn day(field: &str, text: &str) -> Result<pb::Date, Failure> {
    date(field, text).map(wire_day)
}

/// Unset when not given or "".
fn opt_day(field: &str, text: Option<&String>) -> Result<Option<pb::Date>, Failure> {
    text.filter(|t| !t.is_empty())
        .map(|t| day(field, t))
        .transpose()
}

/// Today where the command runs.
fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn etag(given: Option<&String>) -> String {
    given.cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_dates_and_empty_values() {
        assert_eq!(count("cycles", "1 200").ok(), Some(1200));
        assert!(count("cycles", "1,5").is_err());
        assert_eq!(
            day("d", "31/01/2025").ok(),
            Some(pb::Date {
                year: 2025,
                month: 1,
                day: 31
            })
        );
        assert_eq!(opt_day("d", Some(&String::new())).ok(), Some(None));
        assert_eq!(opt_count("m", None).ok(), Some(None));
        assert!(mask(&[("name", false)], "--name").is_err());
    }
}
