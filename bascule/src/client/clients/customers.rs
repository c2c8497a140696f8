//! `bascule clients customers …`, the GDPR export and erasure included.

use bascule_proto::clients::v1 as pb;
use clap::{Args, Subcommand};

use super::super::clients_views::{print_customer, print_customers, print_export};
use super::super::input::boolean;
use super::super::{Failure, ListArgs, input_error, request_id};
use super::{Client, mask};

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    List(ListArgs),
    Get {
        code: String,
    },
    Create {
        /// C followed by five digits: C00042.
        code: String,
        #[arg(long)]
        name: String,
        /// Billing address: number and street.
        #[arg(long)]
        address: String,
        /// Billing address: building, floor, PO box…
        #[arg(long)]
        address2: Option<String>,
        #[arg(long)]
        postal_code: String,
        #[arg(long)]
        city: String,
        /// ISO 3166 alpha-2 code: FR, DE, BE…
        #[arg(long, default_value = "FR")]
        country: String,
        #[command(flatten)]
        delivery: DeliveryArgs,
        /// 14 digits (spaces allowed).
        #[arg(long)]
        siret: Option<String>,
        /// Intra-community VAT number: FR12345678901.
        #[arg(long)]
        vat_number: Option<String>,
        /// A contact e-mail address; repeat for several.
        #[arg(long = "email", value_name = "EMAIL")]
        emails: Vec<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Days to pay; default 30 (Code de commerce L441-10).
        #[arg(long)]
        payment_terms_days: Option<i32>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields only ("" forgets an optional one).
    Update {
        code: String,
        #[arg(long)]
        name: Option<String>,
        /// Billing address parts; those not given are kept.
        #[command(flatten)]
        billing: BillingArgs,
        #[command(flatten)]
        delivery: DeliveryArgs,
        /// Deliver to the billing address again.
        #[arg(long, conflicts_with_all = [
            "delivery_address", "delivery_address2", "delivery_postal_code",
            "delivery_city", "delivery_country",
        ])]
        no_delivery_address: bool,
        #[arg(long)]
        siret: Option<String>,
        #[arg(long)]
        vat_number: Option<String>,
        /// Replaces the e-mail list; repeat for several, --email '' to empty it.
        #[arg(long = "email", value_name = "EMAIL")]
        emails: Vec<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        payment_terms_days: Option<i32>,
        /// oui or non.
        #[arg(long)]
        active: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Refuse the change if the customer changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
    },
    /// Right of access (GDPR art. 15): everything held on the customer (--json for the
    /// full document).
    Export {
        code: String,
    },
    /// Right to erasure (GDPR art. 17): anonymise the customer, delete its contacts,
    /// withdraw its consents and clear its orders' notes. Needs --confirm.
    Erase {
        code: String,
        /// Do it: the erasure cannot be undone.
        #[arg(long)]
        confirm: bool,
    },
}

/// Billing address parts, in an update.
#[derive(Debug, Clone, Args)]
pub struct BillingArgs {
    /// Billing address: number and street.
    #[arg(long)]
    address: Option<String>,
    /// Billing address: building, floor, PO box…
    #[arg(long)]
    address2: Option<String>,
    #[arg(long)]
    postal_code: Option<String>,
    #[arg(long)]
    city: Option<String>,
    /// ISO 3166 alpha-2 code: FR, DE, BE…
    #[arg(long)]
    country: Option<String>,
}

/// Delivery address parts, when goods do not go to the billing address.
#[derive(Debug, Clone, Args)]
pub struct DeliveryArgs {
    /// Delivery address, when not the billing one: number and street.
    #[arg(long)]
    delivery_address: Option<String>,
    #[arg(long)]
    delivery_address2: Option<String>,
    #[arg(long)]
    delivery_postal_code: Option<String>,
    #[arg(long)]
    delivery_city: Option<String>,
    /// Default FR for a new delivery address.
    #[arg(long)]
    delivery_country: Option<String>,
}

impl DeliveryArgs {
    fn given(&self) -> bool {
        self.delivery_address.is_some()
            || self.delivery_address2.is_some()
            || self.delivery_postal_code.is_some()
            || self.delivery_city.is_some()
            || self.delivery_country.is_some()
    }

    /// The parts given laid over `base` (the current delivery address, if any).
    fn over(&self, base: Option<pb::Address>) -> pb::Address {
        let base = base.unwrap_or_else(|| pb::Address {
            country: "FR".into(),
            ..Default::default()
        });
        overlay(
            base,
            [
                &self.delivery_address,
                &self.delivery_address2,
                &self.delivery_postal_code,
                &self.delivery_city,
                &self.delivery_country,
            ],
        )
    }
}

impl BillingArgs {
    fn given(&self) -> bool {
        self.address.is_some()
            || self.address2.is_some()
            || self.postal_code.is_some()
            || self.city.is_some()
            || self.country.is_some()
    }
}

/// `parts` (line1, line2, postal code, city, country) replace those of `base` when given.
fn overlay(base: pb::Address, parts: [&Option<String>; 5]) -> pb::Address {
    let pick = |given: &Option<String>, kept: String| given.clone().unwrap_or(kept);
    pb::Address {
        line1: pick(parts[0], base.line1),
        line2: pick(parts[1], base.line2),
        postal_code: pick(parts[2], base.postal_code),
        city: pick(parts[3], base.city),
        country: pick(parts[4], base.country),
    }
}

/// The e-mails given, an empty one meaning none.
fn emails(given: &[String]) -> Vec<String> {
    given
        .iter()
        .filter(|e| !e.trim().is_empty())
        .cloned()
        .collect()
}

pub(super) async fn execute(
    client: &mut Client,
    json: bool,
    command: &CustomerCommand,
) -> Result<(), Failure> {
    let customer = match command {
        CustomerCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListCustomersRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_customers(request).await?.into_inner();
                    Ok((r.customers, r.next_page_token))
                })
                .await?;
            print_customers(&items, &next, json);
            return Ok(());
        }
        CustomerCommand::Get { code } => {
            client
                .get_customer(pb::GetCustomerRequest { code: code.clone() })
                .await?
        }
        CustomerCommand::Create {
            code,
            name,
            address,
            address2,
            postal_code,
            city,
            country,
            delivery,
            siret,
            vat_number,
            emails: given_emails,
            phone,
            payment_terms_days,
            note,
            request_id: id,
        } => {
            let customer = pb::Customer {
                code: code.clone(),
                name: name.clone(),
                siret: siret.clone().unwrap_or_default(),
                vat_number: vat_number.clone().unwrap_or_default(),
                contact_emails: emails(given_emails),
                phone: phone.clone().unwrap_or_default(),
                billing_address: Some(pb::Address {
                    line1: address.clone(),
                    line2: address2.clone().unwrap_or_default(),
                    postal_code: postal_code.clone(),
                    city: city.clone(),
                    country: country.clone(),
                }),
                delivery_address: delivery.given().then(|| delivery.over(None)),
                payment_terms_days: *payment_terms_days,
                active: Some(true),
                note: note.clone().unwrap_or_default(),
                ..Default::default()
            };
            client
                .create_customer(pb::CreateCustomerRequest {
                    customer: Some(customer),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        CustomerCommand::Update {
            code,
            name,
            billing,
            delivery,
            no_delivery_address,
            siret,
            vat_number,
            emails: given_emails,
            phone,
            payment_terms_days,
            active,
            note,
            etag,
        } => {
            let update_mask = mask(
                &[
                    ("name", name.is_some()),
                    ("siret", siret.is_some()),
                    ("vat_number", vat_number.is_some()),
                    ("contact_emails", !given_emails.is_empty()),
                    ("phone", phone.is_some()),
                    ("billing_address", billing.given()),
                    ("delivery_address", delivery.given() || *no_delivery_address),
                    ("payment_terms_days", payment_terms_days.is_some()),
                    ("active", active.is_some()),
                    ("note", note.is_some()),
                ],
                "--name, --address…, --delivery-address…, --no-delivery-address, --siret, \
                 --vat-number, --email, --phone, --payment-terms-days, --active or --note",
            )?;
            let mut etag = etag.clone().unwrap_or_default();
            let (mut billing_address, mut delivery_address) = (None, None);
            // Address parts not given are kept: read the current ones, and write at the
            // revision read unless --etag names another.
            if billing.given() || delivery.given() {
                let current = client
                    .get_customer(pb::GetCustomerRequest { code: code.clone() })
                    .await?
                    .into_inner();
                if etag.is_empty() {
                    etag = current.etag;
                }
                if billing.given() {
                    billing_address = Some(overlay(
                        current.billing_address.unwrap_or_default(),
                        [
                            &billing.address,
                            &billing.address2,
                            &billing.postal_code,
                            &billing.city,
                            &billing.country,
                        ],
                    ));
                }
                if delivery.given() {
                    delivery_address = Some(delivery.over(current.delivery_address));
                }
            }
            let customer = pb::Customer {
                code: code.clone(),
                name: name.clone().unwrap_or_default(),
                siret: siret.clone().unwrap_or_default(),
                vat_number: vat_number.clone().unwrap_or_default(),
                contact_emails: emails(given_emails),
                phone: phone.clone().unwrap_or_default(),
                billing_address,
                delivery_address,
                payment_terms_days: *payment_terms_days,
                active: active
                    .as_deref()
                    .map(|a| boolean("active", a))
                    .transpose()?,
                note: note.clone().unwrap_or_default(),
                etag,
                ..Default::default()
            };
            client
                .update_customer(pb::UpdateCustomerRequest {
                    customer: Some(customer),
                    update_mask: Some(update_mask),
                })
                .await?
        }
        CustomerCommand::Export { code } => {
            let export = client
                .export_customer_data(pb::ExportCustomerDataRequest { code: code.clone() })
                .await?
                .into_inner();
            print_export(&export, json);
            return Ok(());
        }
        CustomerCommand::Erase { code, confirm } => {
            if !confirm {
                // Name the customer, so that the person sees which one they would erase.
                let current = client
                    .get_customer(pb::GetCustomerRequest { code: code.clone() })
                    .await?
                    .into_inner();
                return Err(input_error(format!(
                    "erasing customer {code} ({}) anonymises its name, SIRET, VAT number, \
                     e-mails, phone, addresses and note, deletes its contacts, withdraws its \
                     consents and clears the notes of its orders (the orders are kept for \
                     accounting); it is refused while an order is open and cannot be undone.\n\
                     Run it again with --confirm to erase.",
                    current.name
                )));
            }
            let erased = client
                .erase_personal_data(pb::ErasePersonalDataRequest { code: code.clone() })
                .await?
                .into_inner();
            if !json {
                println!("personal data of customer {code} erased");
            }
            print_customer(&erased, json);
            return Ok(());
        }
    };
    print_customer(&customer.into_inner(), json);
    Ok(())
}
