//! `bascule fournisseurs bills …` and `… payments …`: supplier bills, their state, the
//! overdue ones, and their payments.

use bascule_proto::fournisseurs::v1 as pb;
use clap::Subcommand;

use super::fournisseurs::{Client, dec, mask, opt_date, opt_dec, pb_date};
use super::fournisseurs_views::{list, show};
use super::input::enum_value;
use super::{Failure, ListArgs, request_id};

const METHODS: &[&str] = &[
    "TRANSFER",
    "BILL_OF_EXCHANGE",
    "CHEQUE",
    "DIRECT_DEBIT",
    "CARD",
];

#[derive(Debug, Subcommand)]
pub enum BillCommand {
    List(ListArgs),
    Get {
        id: String,
    },
    /// Record a supplier's invoice, in DRAFT.
    Create {
        #[arg(long)]
        supplier: String,
        /// The supplier's own invoice number.
        #[arg(long)]
        invoice_number: String,
        /// 31/01/2025 or 2025-01-31.
        #[arg(long)]
        invoice_date: String,
        /// Default: the invoice date plus the supplier's payment terms.
        #[arg(long)]
        due_date: Option<String>,
        /// 1 234,50 or 1234.5.
        #[arg(long)]
        amount_excl_tax: String,
        /// The VAT.
        #[arg(long)]
        tax_amount: String,
        /// The purchase order billed.
        #[arg(long)]
        po: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields of a DRAFT bill.
    Update {
        id: String,
        /// An order number, or "" for none.
        #[arg(long)]
        po: Option<String>,
        #[arg(long)]
        invoice_number: Option<String>,
        #[arg(long)]
        invoice_date: Option<String>,
        #[arg(long)]
        due_date: Option<String>,
        #[arg(long)]
        amount_excl_tax: Option<String>,
        #[arg(long)]
        tax_amount: Option<String>,
        #[arg(long)]
        etag: Option<String>,
    },
    /// DRAFT → POSTED: entered in the accounts.
    Post {
        id: String,
        #[arg(long)]
        etag: Option<String>,
    },
    /// DRAFT or POSTED → CANCELLED (not once paid, even in part).
    Cancel {
        id: String,
        #[arg(long)]
        etag: Option<String>,
    },
    /// Bills due before a day (default today), not cancelled and not paid in full.
    Overdue {
        /// 31/01/2025 or 2025-01-31.
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum PaymentCommand {
    List(ListArgs),
    Get {
        id: String,
    },
    /// Record a payment of the bill BILL (its id).
    Record {
        bill: String,
        /// 1 234,50 or 1234.5; at most what is outstanding.
        #[arg(long)]
        amount: String,
        /// The day it was paid (default today).
        #[arg(long, alias = "paid-on")]
        date: Option<String>,
        /// transfer (virement), bill-of-exchange (LCR), cheque, direct-debit
        /// (prélèvement), card (carte).
        #[arg(long, default_value = "transfer")]
        method: String,
        /// The bank's or cheque's reference.
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
}

/// A payment method by its name, or the French one.
fn method(text: &str) -> Result<i32, Failure> {
    enum_value(
        "method",
        text,
        |name| match name {
            "VIREMENT" => Some(pb::PaymentMethod::Transfer),
            "LCR" | "TRAITE" => Some(pb::PaymentMethod::BillOfExchange),
            "CHÈQUE" => Some(pb::PaymentMethod::Cheque),
            "PRELEVEMENT" | "PRÉLÈVEMENT" => Some(pb::PaymentMethod::DirectDebit),
            "CARTE" => Some(pb::PaymentMethod::Card),
            other => pb::PaymentMethod::from_str_name(other),
        },
        METHODS,
    )
}

pub(super) async fn bills(
    client: &mut Client,
    json: bool,
    command: &BillCommand,
) -> Result<(), Failure> {
    let bill = match command {
        BillCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListBillsRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_bills(request).await?.into_inner();
                    Ok((r.bills, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        BillCommand::Overdue { as_of, list: l } => {
            let as_of = opt_date("as-of", as_of.as_ref())?;
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListOverdueBillsRequest {
                        as_of,
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_overdue_bills(request).await?.into_inner();
                    Ok((r.bills, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        BillCommand::Get { id } => {
            client
                .get_bill(pb::GetBillRequest { id: id.clone() })
                .await?
        }
        BillCommand::Create {
            supplier,
            invoice_number,
            invoice_date,
            due_date,
            amount_excl_tax,
            tax_amount,
            po,
            request_id: id,
        } => {
            client
                .create_bill(pb::CreateBillRequest {
                    bill: Some(pb::Bill {
                        supplier_code: supplier.clone(),
                        po_number: po.clone().unwrap_or_default(),
                        invoice_number: invoice_number.clone(),
                        invoice_date: Some(pb_date("invoice-date", invoice_date)?),
                        due_date: opt_date("due-date", due_date.as_ref())?,
                        amount_excl_tax: Some(dec("amount-excl-tax", amount_excl_tax)?),
                        tax_amount: Some(dec("tax-amount", tax_amount)?),
                        ..Default::default()
                    }),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        BillCommand::Update {
            id,
            po,
            invoice_number,
            invoice_date,
            due_date,
            amount_excl_tax,
            tax_amount,
            etag,
        } => {
            let update_mask = mask(
                &[
                    ("po_number", po.is_some()),
                    ("invoice_number", invoice_number.is_some()),
                    ("invoice_date", invoice_date.is_some()),
                    ("due_date", due_date.is_some()),
                    ("amount_excl_tax", amount_excl_tax.is_some()),
                    ("tax_amount", tax_amount.is_some()),
                ],
                "--po, --invoice-number, --invoice-date, --due-date, --amount-excl-tax or \
                 --tax-amount",
            )?;
            client
                .update_bill(pb::UpdateBillRequest {
                    bill: Some(pb::Bill {
                        id: id.clone(),
                        po_number: po.clone().unwrap_or_default(),
                        invoice_number: invoice_number.clone().unwrap_or_default(),
                        invoice_date: opt_date("invoice-date", invoice_date.as_ref())?,
                        due_date: opt_date("due-date", due_date.as_ref())?,
                        amount_excl_tax: opt_dec("amount-excl-tax", amount_excl_tax.as_ref())?,
                        tax_amount: opt_dec("tax-amount", tax_amount.as_ref())?,
                        etag: etag.clone().unwrap_or_default(),
                        ..Default::default()
                    }),
                    update_mask: Some(update_mask),
                })
                .await?
        }
        BillCommand::Post { id, etag } => {
            client
                .post_bill(pb::PostBillRequest {
                    id: id.clone(),
                    etag: etag.clone().unwrap_or_default(),
                })
                .await?
        }
        BillCommand::Cancel { id, etag } => {
            client
                .cancel_bill(pb::CancelBillRequest {
                    id: id.clone(),
                    etag: etag.clone().unwrap_or_default(),
                })
                .await?
        }
    };
    show(&bill.into_inner(), json);
    Ok(())
}

pub(super) async fn payments(
    client: &mut Client,
    json: bool,
    command: &PaymentCommand,
) -> Result<(), Failure> {
    let payment = match command {
        PaymentCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListPaymentsRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_payments(request).await?.into_inner();
                    Ok((r.payments, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        PaymentCommand::Get { id } => {
            client
                .get_payment(pb::GetPaymentRequest { id: id.clone() })
                .await?
        }
        PaymentCommand::Record {
            bill,
            amount,
            date,
            method: m,
            reference,
            request_id: id,
        } => {
            client
                .record_payment(pb::RecordPaymentRequest {
                    payment: Some(pb::Payment {
                        bill_id: bill.clone(),
                        paid_on: opt_date("date", date.as_ref())?,
                        amount: Some(dec("amount", amount)?),
                        method: method(m)?,
                        reference: reference.clone().unwrap_or_default(),
                        ..Default::default()
                    }),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
    };
    show(&payment.into_inner(), json);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_methods_in_english_or_french() {
        let transfer = pb::PaymentMethod::Transfer as i32;
        assert_eq!(method("transfer").ok(), Some(transfer));
        assert_eq!(method("virement").ok(), Some(transfer));
        assert_eq!(
            method("lcr").ok(),
            Some(pb::PaymentMethod::BillOfExchange as i32)
        );
        assert_eq!(
            method("direct-debit").ok(),
            Some(pb::PaymentMethod::DirectDebit as i32)
        );
        assert!(method("espèces").is_err());
        assert!(method("payment-method-unspecified").is_err());
    }
}
