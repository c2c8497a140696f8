//! `bascule clients consents …`: a customer's GDPR consents, granted and withdrawn.

use bascule_proto::clients::v1 as pb;
use clap::Subcommand;

use super::super::input::{enum_value, time};
use super::super::output::{list, show};
use super::super::{Failure, ListArgs};
use super::Client;

const PURPOSES: &[&str] = &[
    "NEWSLETTER",
    "COMMERCIAL_OFFERS",
    "SATISFACTION_SURVEYS",
    "TRADE_SHOW_INVITATIONS",
];

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    /// The customer's current consent per purpose.
    List {
        customer: String,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Record that the customer agreed to be contacted for a purpose (replaces the
    /// consent recorded before for it).
    Grant {
        customer: String,
        /// newsletter, commercial-offers, satisfaction-surveys, trade-show-invitations.
        #[arg(long)]
        purpose: String,
        /// How it was collected (required): web form, trade show, phone call…
        #[arg(long)]
        channel: String,
        /// What proves it: a form reference, a signed document's name…
        #[arg(long)]
        proof: Option<String>,
        /// When the customer agreed (31/01/2025 or an RFC 3339 time); default now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Withdraw the customer's consent for a purpose.
    Withdraw {
        customer: String,
        #[arg(long)]
        purpose: String,
        /// When the customer withdrew it (31/01/2025 or an RFC 3339 time); default now.
        #[arg(long)]
        at: Option<String>,
    },
}

fn purpose(text: &str) -> Result<i32, Failure> {
    enum_value("purpose", text, pb::ConsentPurpose::from_str_name, PURPOSES)
}

fn at(text: Option<&String>) -> Result<Option<prost_types::Timestamp>, Failure> {
    Ok(text
        .map(|t| time("at", t))
        .transpose()?
        .map(bascule_rpc::convert::timestamp))
}

pub(super) async fn execute(
    client: &mut Client,
    json: bool,
    command: &ConsentCommand,
) -> Result<(), Failure> {
    let consent = match command {
        ConsentCommand::List { customer, list: l } => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListConsentsRequest {
                        customer_code: customer.clone(),
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_consents(request).await?.into_inner();
                    Ok((r.consents, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        ConsentCommand::Grant {
            customer,
            purpose: p,
            channel,
            proof,
            at: when,
        } => {
            client
                .grant_consent(pb::GrantConsentRequest {
                    customer_code: customer.clone(),
                    purpose: purpose(p)?,
                    collect_time: at(when.as_ref())?,
                    channel: channel.clone(),
                    proof: proof.clone().unwrap_or_default(),
                })
                .await?
        }
        ConsentCommand::Withdraw {
            customer,
            purpose: p,
            at: when,
        } => {
            client
                .withdraw_consent(pb::WithdrawConsentRequest {
                    customer_code: customer.clone(),
                    purpose: purpose(p)?,
                    withdraw_time: at(when.as_ref())?,
                })
                .await?
        }
    };
    show(&consent.into_inner(), json);
    Ok(())
}
