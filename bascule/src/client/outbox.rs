//! `bascule mail …`: a domain's e-mail outbox: what waits, what was sent, and the
//! messages that could not be delivered, to retry or cancel.

use bascule_proto::outbox::v1 as pb;
use bascule_proto::outbox::v1::outbox_service_client::OutboxServiceClient;
use clap::Subcommand;
use tonic::transport::Channel;

use super::output::{Field, View, list, show};
use super::{Failure, ListArgs};

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// A domain's messages (`--filter 'state = DEAD'` for those that could not be delivered).
    List {
        /// fournisseurs, stock, production or clients.
        #[arg(long)]
        domain: String,
        #[command(flatten)]
        list: ListArgs,
    },
    Get {
        id: String,
        #[arg(long)]
        domain: String,
    },
    /// Send a DEAD message again.
    Retry {
        id: String,
        #[arg(long)]
        domain: String,
    },
    /// Give up a DEAD or PENDING message.
    Cancel {
        id: String,
        #[arg(long)]
        domain: String,
    },
}

impl View for pb::Message {
    const COLUMNS: &'static [&'static str] = &[
        "create_time",
        "state",
        "attempts",
        "to",
        "subject",
        "last_error",
        "id",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        let state = pb::MessageState::try_from(self.state)
            .map(|s| s.as_str_name())
            .unwrap_or("");
        vec![
            ("id", Field::text(&self.id)),
            ("domain", Field::text(&self.domain)),
            ("message_id", Field::text(&self.message_id)),
            ("to", Field::text(self.to.join(", "))),
            ("cc", Field::text(self.cc.join(", "))),
            ("subject", Field::text(&self.subject)),
            ("state", Field::text(state)),
            ("attempts", Field::Number(self.attempts.to_string())),
            (
                "next_attempt_time",
                Field::time(self.next_attempt_time.as_ref()),
            ),
            ("last_error", Field::text(&self.last_error)),
            ("send_time", Field::time(self.send_time.as_ref())),
            ("alert", Field::Bool(self.alert)),
            ("create_time", Field::time(self.create_time.as_ref())),
        ]
    }
}

pub async fn execute(channel: Channel, json: bool, command: &MailCommand) -> Result<(), Failure> {
    let mut client = OutboxServiceClient::new(channel);
    let message = match command {
        MailCommand::List { domain, list: l } => {
            let (items, next) = l
                .fetch(async |token| {
                    let r = client
                        .list_messages(pb::ListMessagesRequest {
                            domain: domain.clone(),
                            page_size: l.page_size,
                            page_token: token,
                            filter: l.filter(),
                            order_by: l.order_by(),
                        })
                        .await?
                        .into_inner();
                    Ok((r.messages, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        MailCommand::Get { id, domain } => {
            client
                .get_message(pb::GetMessageRequest {
                    domain: domain.clone(),
                    id: id.clone(),
                })
                .await?
        }
        MailCommand::Retry { id, domain } => {
            client
                .retry_message(pb::RetryMessageRequest {
                    domain: domain.clone(),
                    id: id.clone(),
                })
                .await?
        }
        MailCommand::Cancel { id, domain } => {
            client
                .cancel_message(pb::CancelMessageRequest {
                    domain: domain.clone(),
                    id: id.clone(),
                })
                .await?
        }
    };
    show(&message.into_inner(), json);
    Ok(())
}
