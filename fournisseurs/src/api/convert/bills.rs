//! Supplier bills and their payments, to domain values and back.

use bascule_platform::db::record::Stored;
use bascule_proto::fournisseurs::v1 as pb;
use bascule_rpc::convert::{
    decimal, etag, optional_decimal, optional_text, parse_decimal, timestamp,
};
use bascule_rpc::{ApiError, ApiResult};
use chrono::{Days, NaiveDate};

use bascule_rpc::convert::{enum_by_name, proto_enum};

use super::{date, parse_date, required_date, today};
use crate::domain::{BillState, Payment, PaymentMethod, SupplierBill};
use crate::storage::BillWithPayments;

/// A new DRAFT bill. Without a due date, it is due `terms_days` after the invoice date
/// (the supplier's payment terms), when the caller knows them.
pub fn bill_from(b: &pb::Bill, terms_days: Option<i64>) -> ApiResult<SupplierBill> {
    let invoice_date = required_date("invoice_date", b.invoice_date.as_ref())?;
    let due_date = match (parse_date("due_date", b.due_date.as_ref())?, terms_days) {
        (Some(d), _) => d,
        (None, Some(days)) => due_after(invoice_date, days)?,
        (None, None) => return Err(ApiError::invalid("due_date", "is required")),
    };
    let excl = parse_decimal("amount_excl_tax", b.amount_excl_tax.as_ref())?;
    let tax = parse_decimal("tax_amount", b.tax_amount.as_ref())?;
    let bill = SupplierBill {
        supplier_code: b.supplier_code.clone(),
        po_number: optional_text(&b.po_number),
        invoice_number: b.invoice_number.clone(),
        invoice_date,
        due_date,
        amount_excl_tax: Some(excl),
        tax_amount: Some(tax),
        amount_incl_tax: excl + tax,
        state: BillState::Draft,
    };
    Ok(bill.validate()?)
}

fn due_after(invoice_date: NaiveDate, days: i64) -> ApiResult<NaiveDate> {
    u64::try_from(days)
        .ok()
        .and_then(|d| invoice_date.checked_add_days(Days::new(d)))
        .ok_or_else(|| ApiError::invalid("due_date", "cannot be derived from the payment terms"))
}

pub fn bill(b: BillWithPayments) -> pb::Bill {
    let paid = b.paid();
    let outstanding = b.outstanding();
    let status = b.payment_status();
    let s = b.bill;
    let v = s.value;
    pb::Bill {
        id: s.id,
        supplier_code: v.supplier_code,
        po_number: v.po_number.unwrap_or_default(),
        invoice_number: v.invoice_number,
        invoice_date: Some(date(v.invoice_date)),
        due_date: Some(date(v.due_date)),
        amount_excl_tax: optional_decimal(v.amount_excl_tax),
        tax_amount: optional_decimal(v.tax_amount),
        amount_incl_tax: Some(decimal(v.amount_incl_tax)),
        state: proto_enum(v.state.as_str(), pb::bill::State::from_str_name) as i32,
        paid_amount: Some(decimal(paid)),
        outstanding_amount: Some(decimal(outstanding)),
        payment_status: proto_enum(status.as_str(), pb::PaymentStatus::from_str_name) as i32,
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

pub fn payment_from(p: &pb::Payment) -> ApiResult<Payment> {
    let method = enum_by_name::<pb::PaymentMethod>("method", p.method, |m| m.as_str_name())?;
    let payment = Payment {
        bill_id: p.bill_id.clone(),
        paid_on: parse_date("paid_on", p.paid_on.as_ref())?.unwrap_or_else(today),
        amount: parse_decimal("amount", p.amount.as_ref())?,
        method: PaymentMethod::parse(method)?,
        reference: optional_text(&p.reference),
    };
    Ok(payment.validate()?)
}

pub fn payment(s: Stored<Payment>) -> pb::Payment {
    let v = s.value;
    pb::Payment {
        id: s.id,
        bill_id: v.bill_id,
        paid_on: Some(date(v.paid_on)),
        amount: Some(decimal(v.amount)),
        method: proto_enum(v.method.as_str(), pb::PaymentMethod::from_str_name) as i32,
        reference: v.reference.unwrap_or_default(),
        create_time: Some(timestamp(s.created_at)),
    }
}
