//! `bascule clients contacts …`: the people at a customer.

use bascule_proto::clients::v1 as pb;
use clap::Subcommand;

use super::super::input::boolean;
use super::super::output::{list, show};
use super::super::{Failure, ListArgs, request_id};
use super::{Client, mask};

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// The contacts of a customer.
    List {
        customer: String,
        #[command(flatten)]
        list: ListArgs,
    },
    Get {
        customer: String,
        id: String,
    },
    Create {
        /// The customer the contact works for: C00042.
        customer: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// M., Mme…
        #[arg(long)]
        civility: Option<String>,
        /// Buyer, accountant, quality manager…
        #[arg(long)]
        job_title: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        mobile: Option<String>,
        /// The customer's main contact.
        #[arg(long)]
        principal: bool,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields only ("" forgets an optional one).
    Update {
        customer: String,
        id: String,
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
        #[arg(long)]
        civility: Option<String>,
        #[arg(long)]
        job_title: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        mobile: Option<String>,
        /// oui or non.
        #[arg(long)]
        principal: Option<String>,
        /// Refuse the change if the contact changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
    },
}

pub(super) async fn execute(
    client: &mut Client,
    json: bool,
    command: &ContactCommand,
) -> Result<(), Failure> {
    let contact = match command {
        ContactCommand::List { customer, list: l } => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListContactsRequest {
                        customer_code: customer.clone(),
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_contacts(request).await?.into_inner();
                    Ok((r.contacts, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        ContactCommand::Get { customer, id } => {
            client
                .get_contact(pb::GetContactRequest {
                    customer_code: customer.clone(),
                    id: id.clone(),
                })
                .await?
        }
        ContactCommand::Create {
            customer,
            first_name,
            last_name,
            civility,
            job_title,
            email,
            phone,
            mobile,
            principal,
            request_id: rid,
        } => {
            client
                .create_contact(pb::CreateContactRequest {
                    contact: Some(pb::Contact {
                        customer_code: customer.clone(),
                        civility: civility.clone().unwrap_or_default(),
                        first_name: first_name.clone(),
                        last_name: last_name.clone(),
                        job_title: job_title.clone().unwrap_or_default(),
                        email: email.clone().unwrap_or_default(),
                        phone: phone.clone().unwrap_or_default(),
                        mobile: mobile.clone().unwrap_or_default(),
                        principal: *principal,
                        ..Default::default()
                    }),
                    request_id: request_id(rid.as_deref()),
                })
                .await?
        }
        ContactCommand::Update {
            customer,
            id,
            first_name,
            last_name,
            civility,
            job_title,
            email,
            phone,
            mobile,
            principal,
            etag,
        } => {
            let update_mask = mask(
                &[
                    ("civility", civility.is_some()),
                    ("first_name", first_name.is_some()),
                    ("last_name", last_name.is_some()),
                    ("job_title", job_title.is_some()),
                    ("email", email.is_some()),
                    ("phone", phone.is_some()),
                    ("mobile", mobile.is_some()),
                    ("principal", principal.is_some()),
                ],
                "--first-name, --last-name, --civility, --job-title, --email, --phone, \
                 --mobile or --principal",
            )?;
            client
                .update_contact(pb::UpdateContactRequest {
                    contact: Some(pb::Contact {
                        customer_code: customer.clone(),
                        id: id.clone(),
                        civility: civility.clone().unwrap_or_default(),
                        first_name: first_name.clone().unwrap_or_default(),
                        last_name: last_name.clone().unwrap_or_default(),
                        job_title: job_title.clone().unwrap_or_default(),
                        email: email.clone().unwrap_or_default(),
                        phone: phone.clone().unwrap_or_default(),
                        mobile: mobile.clone().unwrap_or_default(),
                        principal: principal
                            .as_deref()
                            .map(|p| boolean("principal", p))
                            .transpose()?
                            .unwrap_or_default(),
                        etag: etag.clone().unwrap_or_default(),
                        ..Default::default()
                    }),
                    update_mask: Some(update_mask),
                })
                .await?
        }
    };
    show(&contact.into_inner(), json);
    Ok(())
}
