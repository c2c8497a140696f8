//! `bascule fournisseurs orders …` and `… receipts …`: purchase orders, their state
//! changes, the receipt of goods into stock, and the receipts recorded.

use std::collections::HashMap;

use bascule_proto::fournisseurs::v1 as pb;
use bascule_proto::stock::v1 as stock_pb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use clap::Subcommand;
use tonic::Code;
use tonic::transport::Channel;

use super::fournisseurs::{Client, dec, mask, opt_date, pb_date};
use super::fournisseurs_views::{doc_json, list_docs, show_doc};
use super::{Failure, ListArgs, input_error, request_id, user_name};

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    List(ListArgs),
    Get {
        po: String,
    },
    /// Create an order in DRAFT with its lines.
    Create {
        /// The order number, such as BC25-0001.
        po: String,
        #[arg(long)]
        supplier: String,
        /// ARTICLE:QUANTITY:PRICE[:UNIT[:DESCRIPTION]], French numbers allowed
        /// ('MP-00001:1 200:2,35'); repeat for each line, numbered 1, 2, 3… Without unit or
        /// description, the stock article's are used.
        #[arg(long = "line", value_name = "LINE", required = true)]
        lines: Vec<String>,
        /// LINE_NO:PERCENT, a discount on a line ('2:5' or '2:2,5'); repeatable.
        #[arg(long = "discount", value_name = "LINE_NO:PERCENT")]
        discounts: Vec<String>,
        /// 31/01/2025 or 2025-01-31 (default today).
        #[arg(long)]
        order_date: Option<String>,
        #[arg(long)]
        delivery_date: Option<String>,
        /// ISO 4217 currency (default EUR).
        #[arg(long)]
        currency: Option<String>,
        /// Who places the order (default $BASCULE_USER, then the login name).
        #[arg(long)]
        buyer: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change header fields of a DRAFT order.
    Update {
        po: String,
        #[arg(long)]
        order_date: Option<String>,
        /// A date, or "" for none.
        #[arg(long)]
        delivery_date: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        buyer: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        etag: Option<String>,
    },
    /// DRAFT → RFQ_SENT: the request for quotation went to the supplier.
    Send(StateArgs),
    /// DRAFT or RFQ_SENT → CONFIRMED: the supplier accepted; goods may be received.
    Confirm(StateArgs),
    /// CONFIRMED → CLOSED.
    Close(StateArgs),
    /// DRAFT, RFQ_SENT or CONFIRMED → CANCELLED.
    Cancel(StateArgs),
    /// Receive goods on a CONFIRMED order into a stock location (posted to stock).
    Receive {
        po: String,
        /// The stock location the goods go to.
        #[arg(long)]
        location: String,
        /// LINE_NO:QUANTITY received ('1:1 150,5'); repeat for each line.
        #[arg(long = "line", value_name = "LINE_NO:QUANTITY", required = true)]
        lines: Vec<String>,
        /// The day the goods arrived (default today).
        #[arg(long)]
        on: Option<String>,
        /// Who received them (default $BASCULE_USER, then the login name).
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct StateArgs {
    po: String,
    /// Refuse the change if the order changed since this etag was read.
    #[arg(long)]
    etag: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReceiptCommand {
    List(ListArgs),
    Get { id: String },
}

/// "1:1 150,5" → (1, "1 150,5"); `shape` tells what to write in the error.
fn numbered<'a>(flag: &str, text: &'a str, shape: &str) -> Result<(i32, &'a str), Failure> {
    text.split_once(':')
        .and_then(|(n, rest)| n.trim().parse::<i32>().ok().map(|n| (n, rest)))
        .ok_or_else(|| input_error(format!("--{flag} {text:?}: write {shape}")))
}

/// The lines as typed: ARTICLE:QUANTITY:PRICE[:UNIT[:DESCRIPTION]], numbered from 1.
fn order_lines(
    lines: &[String],
    discounts: &[String],
) -> Result<Vec<pb::PurchaseOrderLine>, Failure> {
    let mut parsed = Vec::with_capacity(lines.len());
    for (i, text) in lines.iter().enumerate() {
        let parts: Vec<&str> = text.splitn(5, ':').collect();
        if parts.len() < 3 || parts[0].trim().is_empty() {
            return Err(input_error(format!(
                "--line {text:?}: write ARTICLE:QUANTITY:PRICE[:UNIT[:DESCRIPTION]], \
                 for example 'MP-00001:1 200:2,35'"
            )));
        }
        parsed.push(pb::PurchaseOrderLine {
            line_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
            article_code: parts[0].trim().to_owned(),
            quantity: Some(dec("line", parts[1])?),
            unit_price: Some(dec("line", parts[2])?),
            unit: parts
                .get(3)
                .map(|u| u.trim().to_owned())
                .unwrap_or_default(),
            description: parts
                .get(4)
                .map(|d| d.trim().to_owned())
                .unwrap_or_default(),
            ..Default::default()
        });
    }
    for text in discounts {
        let (no, percent) = numbered("discount", text, "LINE_NO:PERCENT, for example '2:5'")?;
        let line = parsed
            .iter_mut()
            .find(|l| l.line_no == no)
            .ok_or_else(|| input_error(format!("--discount {text:?}: there is no line {no}")))?;
        line.discount_percent = Some(dec("discount", percent)?);
    }
    Ok(parsed)
}

/// Completes lines without unit or description from the stock articles, read from
/// the stock service at the same address.
async fn complete_from_stock(
    channel: Channel,
    lines: &mut [pb::PurchaseOrderLine],
) -> Result<(), Failure> {
    let mut stock = StockServiceClient::new(channel);
    let mut known: HashMap<String, stock_pb::Article> = HashMap::new();
    for line in lines
        .iter_mut()
        .filter(|l| l.unit.is_empty() || l.description.is_empty())
    {
        if !known.contains_key(&line.article_code) {
            let article = stock
                .get_article(stock_pb::GetArticleRequest {
                    code: line.article_code.clone(),
                })
                .await
                .map_err(|status| match status.code() {
                    Code::Unimplemented => input_error(format!(
                        "line {}: give the unit and description \
                         ('ARTICLE:QUANTITY:PRICE:UNIT:DESCRIPTION'): this server has no \
                         stock service to read article {} from",
                        line.line_no, line.article_code
                    )),
                    _ => Failure::Status(status),
                })?
                .into_inner();
            known.insert(line.article_code.clone(), article);
        }
        if let Some(article) = known.get(&line.article_code) {
            if line.unit.is_empty() {
                line.unit.clone_from(&article.unit);
            }
            if line.description.is_empty() {
                line.description.clone_from(&article.name);
            }
        }
    }
    Ok(())
}

/// The received lines as typed: LINE_NO:QUANTITY.
fn receive_lines(lines: &[String]) -> Result<Vec<pb::ReceiveLine>, Failure> {
    lines
        .iter()
        .map(|text| {
            let (line_no, quantity) =
                numbered("line", text, "LINE_NO:QUANTITY, for example '1:1 150,5'")?;
            Ok(pb::ReceiveLine {
                line_no,
                quantity: Some(dec("line", quantity)?),
            })
        })
        .collect()
}

pub(super) async fn orders(
    client: &mut Client,
    channel: Channel,
    json: bool,
    command: &OrderCommand,
) -> Result<(), Failure> {
    let order = match command {
        OrderCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListPurchaseOrdersRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_purchase_orders(request).await?.into_inner();
                    Ok((r.purchase_orders, r.next_page_token))
                })
                .await?;
            list_docs(&items, &next, json);
            return Ok(());
        }
        OrderCommand::Get { po } => {
            client
                .get_purchase_order(pb::GetPurchaseOrderRequest {
                    po_number: po.clone(),
                })
                .await?
        }
        OrderCommand::Create {
            po,
            supplier,
            lines,
            discounts,
            order_date,
            delivery_date,
            currency,
            buyer,
            note,
            request_id: id,
        } => {
            let mut lines = order_lines(lines, discounts)?;
            let order = pb::PurchaseOrder {
                po_number: po.clone(),
                supplier_code: supplier.clone(),
                order_date: opt_date("order-date", order_date.as_ref())?,
                requested_delivery_date: opt_date("delivery-date", delivery_date.as_ref())?,
                currency: currency.clone().unwrap_or_default(),
                buyer: user_name(buyer.as_deref()),
                note: note.clone().unwrap_or_default(),
                ..Default::default()
            };
            complete_from_stock(channel, &mut lines).await?;
            client
                .create_purchase_order(pb::CreatePurchaseOrderRequest {
                    purchase_order: Some(pb::PurchaseOrder { lines, ..order }),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        OrderCommand::Update {
            po,
            order_date,
            delivery_date,
            currency,
            buyer,
            note,
            etag,
        } => {
            let update_mask = mask(
                &[
                    ("order_date", order_date.is_some()),
                    ("requested_delivery_date", delivery_date.is_some()),
                    ("currency", currency.is_some()),
                    ("buyer", buyer.is_some()),
                    ("note", note.is_some()),
                ],
                "--order-date, --delivery-date, --currency, --buyer or --note",
            )?;
            client
                .update_purchase_order(pb::UpdatePurchaseOrderRequest {
                    purchase_order: Some(pb::PurchaseOrder {
                        po_number: po.clone(),
                        order_date: opt_date("order-date", order_date.as_ref())?,
                        requested_delivery_date: opt_date("delivery-date", delivery_date.as_ref())?,
                        currency: currency.clone().unwrap_or_default(),
                        buyer: buyer.clone().unwrap_or_default(),
                        note: note.clone().unwrap_or_default(),
                        etag: etag.clone().unwrap_or_default(),
                        ..Default::default()
                    }),
                    update_mask: Some(update_mask),
                })
                .await?
        }
        OrderCommand::Send(s) => {
            client
                .send_purchase_order(pb::SendPurchaseOrderRequest {
                    po_number: s.po.clone(),
                    etag: s.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::Confirm(s) => {
            client
                .confirm_purchase_order(pb::ConfirmPurchaseOrderRequest {
                    po_number: s.po.clone(),
                    etag: s.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::Close(s) => {
            client
                .close_purchase_order(pb::ClosePurchaseOrderRequest {
                    po_number: s.po.clone(),
                    etag: s.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::Cancel(s) => {
            client
                .cancel_purchase_order(pb::CancelPurchaseOrderRequest {
                    po_number: s.po.clone(),
                    etag: s.etag.clone().unwrap_or_default(),
                })
                .await?
        }
        OrderCommand::Receive {
            po,
            location,
            lines,
            on,
            user,
            note,
            request_id: id,
        } => {
            let done = client
                .receive_purchase_order(pb::ReceivePurchaseOrderRequest {
                    po_number: po.clone(),
                    location_code: location.clone(),
                    lines: receive_lines(lines)?,
                    received_on: on.as_deref().map(|d| pb_date("on", d)).transpose()?,
                    user_name: user_name(user.as_deref()),
                    note: note.clone().unwrap_or_default(),
                    request_id: request_id(id.as_deref()),
                })
                .await?
                .into_inner();
            let receipt = done.receipt.unwrap_or_default();
            let order = done.purchase_order.unwrap_or_default();
            if json {
                let body = serde_json::json!({
                    "receipt": doc_json(&receipt),
                    "purchase_order": doc_json(&order),
                });
                println!("{body}");
            } else {
                show_doc(&receipt, false);
                println!("\nthe order after the receipt:");
                show_doc(&order, false);
            }
            return Ok(());
        }
    };
    show_doc(&order.into_inner(), json);
    Ok(())
}

pub(super) async fn receipts(
    client: &mut Client,
    json: bool,
    command: &ReceiptCommand,
) -> Result<(), Failure> {
    match command {
        ReceiptCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListReceiptsRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_receipts(request).await?.into_inner();
                    Ok((r.receipts, r.next_page_token))
                })
                .await?;
            list_docs(&items, &next, json);
        }
        ReceiptCommand::Get { id } => {
            let receipt = client
                .get_receipt(pb::GetReceiptRequest { id: id.clone() })
                .await?
                .into_inner();
            show_doc(&receipt, json);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_typed_with_french_numbers() {
        let lines = order_lines(
            &[
                "MP-00001:1 200:2,35".to_owned(),
                "MP-00002:3:1234.5:kg:Tôle: 2 mm".to_owned(),
            ],
            &["2:2,5".to_owned()],
        )
        .expect("lines");
        assert_eq!(lines[0].line_no, 1);
        assert_eq!(
            lines[0].quantity.as_ref().map(|d| d.value.as_str()),
            Some("1200")
        );
        assert_eq!(
            lines[0].unit_price.as_ref().map(|d| d.value.as_str()),
            Some("2.35")
        );
        assert!(lines[0].unit.is_empty() && lines[0].discount_percent.is_none());
        assert_eq!(lines[1].unit, "kg");
        assert_eq!(lines[1].description, "Tôle: 2 mm");
        assert_eq!(
            lines[1].discount_percent.as_ref().map(|d| d.value.as_str()),
            Some("2.5")
        );
        assert!(order_lines(&["MP-00001:12".to_owned()], &[]).is_err());
        assert!(order_lines(&["MP-00001:douze:1".to_owned()], &[]).is_err());
        assert!(order_lines(&["MP-00001:1:1".to_owned()], &["3:5".to_owned()]).is_err());
    }

    #[test]
    fn received_lines_name_the_order_line() {
        let lines = receive_lines(&["2:1 150,5".to_owned()]).expect("lines");
        assert_eq!(lines[0].line_no, 2);
        assert_eq!(
            lines[0].quantity.as_ref().map(|d| d.value.as_str()),
            Some("1150.5")
        );
        assert!(receive_lines(&["x:1".to_owned()]).is_err());
        assert!(receive_lines(&["1".to_owned()]).is_err());
    }
}
