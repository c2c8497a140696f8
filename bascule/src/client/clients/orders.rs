//! `bascule clients orders …`: customer orders, their lines and their state changes.

use bascule_proto::clients::v1 as pb;
use clap::{Args, Subcommand};

use super::super::clients_views::{print_order, print_orders};
use super::super::input::{decimal, enum_value};
use super::super::{Failure, ListArgs, input_error, request_id};
use super::{Client, day, mask, narrowed, opt_day, quoted, wire};

const STATES: &[&str] = &[
    "DRAFT",
    "CONFIRMED",
    "IN_PRODUCTION",
    "READY",
    "DELIVERED",
    "CLOSED",
    "CANCELLED",
];

const LINE_HELP: &str = "ARTICLE:QUANTITY:UNIT_PRICE[:DISCOUNT_%[:DESCRIPTION]]";

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    List {
        /// Only this customer's orders: C00042.
        #[arg(long)]
        customer: Option<String>,
        /// Only orders in this state: draft, confirmed, in-production, ready, delivered,
        /// closed, cancelled.
        #[arg(long)]
        state: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    Get {
        number: String,
    },
    /// Create a DRAFT order.
    Create {
        /// The order number, chosen by you: CC25-00001.
        number: String,
        /// The customer who orders: C00042.
        #[arg(long)]
        customer: String,
        /// A line ARTICLE:QUANTITY:UNIT_PRICE[:DISCOUNT_%[:DESCRIPTION]] with French or
        /// English numbers ('PF-00001:2:1 234,50'); repeat it, lines are numbered in order;
        /// the description defaults to the article code.
        #[arg(long = "line", value_name = "LINE")]
        lines: Vec<String>,
        /// When the customer wants the goods: 31/01/2025 or 2025-01-31.
        #[arg(long)]
        requested_date: String,
        /// Default today.
        #[arg(long)]
        order_date: Option<String>,
        /// When the company commits to deliver.
        #[arg(long)]
        promised_date: Option<String>,
        /// The customer's own purchase order number.
        #[arg(long)]
        reference: Option<String>,
        /// ISO 4217; default EUR.
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields of a DRAFT order ("" forgets an optional one); --line
    /// replaces all the lines.
    Update {
        number: String,
        #[arg(long = "line", value_name = "LINE")]
        lines: Vec<String>,
        #[arg(long)]
        requested_date: Option<String>,
        #[arg(long)]
        order_date: Option<String>,
        #[arg(long)]
        promised_date: Option<String>,
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Refuse the change if the order changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
    },
    /// DRAFT → CONFIRMED (the order needs lines).
    Confirm(Transition),
    /// CONFIRMED → IN_PRODUCTION.
    StartProduction(Transition),
    /// CONFIRMED or IN_PRODUCTION → READY.
    Ready(Transition),
    /// READY → DELIVERED.
    Deliver(Transition),
    /// DELIVERED → CLOSED.
    Close(Transition),
    /// DRAFT, CONFIRMED or IN_PRODUCTION → CANCELLED.
    Cancel(Transition),
}

#[derive(Debug, Clone, Args)]
pub struct Transition {
    number: String,
    /// Refuse the change if the order changed since this etag was read.
    #[arg(long)]
    etag: Option<String>,
}

/// `--line` values as order lines numbered 1, 2, 3…
fn lines(given: &[String]) -> Result<Vec<pb::OrderLine>, Failure> {
    given
        .iter()
        .zip(1_i64..)
        .map(|(text, line_no)| line(line_no, text))
        .collect()
}

fn line(line_no: i64, text: &str) -> Result<pb::OrderLine, Failure> {
    let parts: Vec<&str> = text.splitn(5, ':').map(str::trim).collect();
    let [article, quantity, price, rest @ ..] = parts.as_slice() else {
        return Err(input_error(format!(
            "--line {text:?}: expected {LINE_HELP}, for example 'PF-00001:2:1 234,50'"
        )));
    };
    let number = |what: &str, value: &str| {
        decimal("line", value).map_err(|_| {
            input_error(format!(
                "--line {text:?}: the {what} {value:?} is not a number (for example 12,5 or 1 234,50)"
            ))
        })
    };
    let discount = rest.first().filter(|d| !d.is_empty());
    let description = rest.get(1).filter(|d| !d.is_empty()).unwrap_or(article);
    Ok(pb::OrderLine {
        line_no,
        article_code: (*article).to_owned(),
        description: (*description).to_owned(),
        quantity: Some(wire(number("quantity", quantity)?)),
        unit_price: Some(wire(number("unit price", price)?)),
        discount_percent: discount
            .map(|d| number("discount", d))
            .transpose()?
            .map(wire),
        total_excl_tax: None,
    })
}

pub(super) async fn execute(
    client: &mut Client,
    json: bool,
    command: &OrderCommand,
) -> Result<(), Failure> {
    let order = match command {
        OrderCommand::List {
            customer,
            state,
            list: l,
        } => {
            let mut filter = l.filter();
            if let Some(s) = state {
                let value = enum_value("state", s, pb::OrderState::from_str_name, STATES)?;
                let name = pb::OrderState::try_from(value)
                    .map(|s| s.as_str_name())
                    .unwrap_or_default();
                filter = narrowed(filter, Some(format!("state = {name}")));
            }
            let filter = narrowed(
                filter,
                customer
                    .as_deref()
                    .map(|c| format!("customer_code = {}", quoted(c))),
            );
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListCustomerOrdersRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: filter.clone(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_customer_orders(request).await?.into_inner();
                    Ok((r.customer_orders, r.next_page_token))
                })
                .await?;
            print_orders(&items, &next, json);
            return Ok(());
        }
        OrderCommand::Get { number } => {
            client
                .get_customer_order(pb::GetCustomerOrderRequest {
                    order_number: number.clone(),
                })
                .await?
        }
        OrderCommand::Create {
            number,
            customer,
            lines: given,
            requested_date,
            order_date,
            promised_date,
            reference,
            currency,
            note,
            request_id: id,
        } => {
            let order = pb::CustomerOrder {
                order_number: number.clone(),
                customer_code: customer.clone(),
                customer_reference: reference.clone().unwrap_or_default(),
                order_date: opt_day("order-date", order_date.as_ref())?,
                requested_date: Some(day("requested-date", requested_date)?),
                promised_date: opt_day("promised-date", promised_date.as_ref())?,
                currency: currency.clone().unwrap_or_default(),
                note: note.clone().unwrap_or_default(),
                lines: lines(given)?,
                ..Default::default()
            };
            client
                .create_customer_order(pb::CreateCustomerOrderRequest {
                    customer_order: Some(order),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        OrderCommand::Update {
            number,
            lines: given,
            requested_date,
            order_date,
            promised_date,
            reference,
            currency,
            note,
            etag,
        } => {
            let update_mask = mask(
                &[
                    ("customer_reference", reference.is_some()),
                    ("order_date", order_date.is_some()),
                    ("requested_date", requested_date.is_some()),
                    ("promised_date", promised_date.is_some()),
                    ("currency", currency.is_some()),
                    ("note", note.is_some()),
                    ("lines", !given.is_empty()),
                ],
                "--line, --requested-date, --order-date, --promised-date, --reference, \
                 --currency or --note",
            )?;
            let order = pb::CustomerOrder {
                order_number: number.clone(),
                customer_reference: reference.clone().unwrap_or_default(),
                order_date: opt_day("order-date", order_date.as_ref())?,
                requested_date: opt_day("requested-date", requested_date.as_ref())?,
                promised_date: opt_day("promised-date", promised_date.as_ref())?,
                currency: currency.clone().unwrap_or_default(),
                note: note.clone().unwrap_or_default(),
                lines: lines(given)?,
                etag: etag.clone().unwrap_or_default(),
                ..Default::default()
            };
            client
                .update_customer_order(pb::UpdateCustomerOrderRequest {
                    customer_order: Some(order),
                    update_mask: Some(update_mask),
                })
                .await?
        }
        OrderCommand::Confirm(t) => {
            client
                .confirm_customer_order(pb::ConfirmCustomerOrderRequest {
                    order_number: t.number.clone(),
                    etag: t.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::StartProduction(t) => {
            client
                .start_customer_order_production(pb::StartCustomerOrderProductionRequest {
                    order_number: t.number.clone(),
                    etag: t.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::Ready(t) => {
            client
                .mark_customer_order_ready(pb::MarkCustomerOrderReadyRequest {
                    order_number: t.number.clone(),
                    etag: t.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::Deliver(t) => {
            client
                .deliver_customer_order(pb::DeliverCustomerOrderRequest {
                    order_number: t.number.clone(),
                    etag: t.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::Close(t) => {
            client
                .close_customer_order(pb::CloseCustomerOrderRequest {
                    order_number: t.number.clone(),
                    etag: t.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::Cancel(t) => {
            client
                .cancel_customer_order(pb::CancelCustomerOrderRequest {
                    order_number: t.number.clone(),
                    etag: t.etag.clone().unwrap_or_default(),
                })
                .await?
        }
    };
    print_order(&order.into_inner(), json);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_with_french_numbers_and_numbered_in_order() {
        let read = lines(&[
            "PF-00001:2:1 234,50".to_owned(),
            "PF-00002: 3,5 :10:10:Vis M6: inox".to_owned(),
            "PF-00003:1:0,5::".to_owned(),
        ])
        .expect("valid lines");
        let value = |d: &Option<bascule_proto::google::r#type::Decimal>| {
            d.as_ref().map(|d| d.value.clone()).unwrap_or_default()
        };
        assert_eq!(
            read.iter().map(|l| l.line_no).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(value(&read[0].unit_price), "1234.50");
        assert_eq!(read[0].description, "PF-00001");
        assert_eq!(value(&read[1].quantity), "3.5");
        assert_eq!(value(&read[1].discount_percent), "10");
        assert_eq!(read[1].description, "Vis M6: inox");
        assert!(read[2].discount_percent.is_none());
        assert!(line(1, "PF-00001:2").is_err());
        assert!(line(1, "PF-00001:deux:3").is_err());
    }

    #[test]
    fn list_conditions_narrow_the_filter() {
        assert_eq!(narrowed(String::new(), None), "");
        assert_eq!(
            narrowed(
                String::new(),
                Some(format!("customer_code = {}", quoted("C00001")))
            ),
            "customer_code = \"C00001\""
        );
        assert_eq!(
            narrowed("a = 1 OR b = 2".into(), Some("state = DRAFT".into())),
            "state = DRAFT AND a = 1 OR b = 2"
        );
    }
}
