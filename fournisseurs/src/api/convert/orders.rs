//! Purchase orders, their lines and receipts, to domain values and back.

use bascule_platform::db::record::Stored;
use bascule_proto::fournisseurs::v1 as pb;
use bascule_rpc::ApiResult;
use bascule_rpc::convert::{
    decimal, etag, optional_text, parse_decimal, parse_optional_decimal, timestamp,
};
use rust_decimal::Decimal;

use bascule_rpc::convert::proto_enum;

use super::{currency, date, int, parse_date, today};
use crate::domain::{PoState, PurchaseOrder, PurchaseOrderLine};
use crate::storage::{OrderWithLines, ReceiptWithLines};

/// The header of an order as a DRAFT; its state is the store's business.
pub fn order_from(o: &pb::PurchaseOrder) -> ApiResult<PurchaseOrder> {
    let order = PurchaseOrder {
        po_number: o.po_number.clone(),
        supplier_code: o.supplier_code.clone(),
        state: PoState::Draft,
        order_date: parse_date("order_date", o.order_date.as_ref())?.unwrap_or_else(today),
        requested_delivery_date: parse_date(
            "requested_delivery_date",
            o.requested_delivery_date.as_ref(),
        )?,
        currency: currency(&o.currency),
        buyer: o.buyer.clone(),
        note: optional_text(&o.note),
    };
    Ok(order.validate()?)
}

/// A new line: nothing received yet, whatever the message says.
pub fn line_from(l: &pb::PurchaseOrderLine) -> ApiResult<PurchaseOrderLine> {
    let line = PurchaseOrderLine {
        line_no: i64::from(l.line_no),
        article_code: l.article_code.clone(),
        description: l.description.clone(),
        quantity: parse_decimal("quantity", l.quantity.as_ref())?,
        unit: l.unit.clone(),
        unit_price: parse_decimal("unit_price", l.unit_price.as_ref())?,
        discount_percent: parse_optional_decimal("discount_percent", l.discount_percent.as_ref())?
            .unwrap_or(Decimal::ZERO),
        qty_received: Decimal::ZERO,
        last_receipt_date: None,
    };
    Ok(line.validate()?)
}

fn line(l: Stored<PurchaseOrderLine>) -> pb::PurchaseOrderLine {
    let amount = l.value.amount();
    let l = l.value;
    pb::PurchaseOrderLine {
        line_no: int("line_no", l.line_no),
        article_code: l.article_code,
        description: l.description,
        quantity: Some(decimal(l.quantity)),
        unit: l.unit,
        unit_price: Some(decimal(l.unit_price)),
        discount_percent: Some(decimal(l.discount_percent)),
        received_quantity: Some(decimal(l.qty_received)),
        last_receipt_date: l.last_receipt_date.map(date),
        amount: Some(decimal(amount)),
    }
}

pub fn order(o: OrderWithLines) -> pb::PurchaseOrder {
    let total = o.total();
    let receipt_status = o.receipt_status();
    let OrderWithLines { order: s, lines } = o;
    let v = s.value;
    pb::PurchaseOrder {
        po_number: v.po_number,
        supplier_code: v.supplier_code,
        state: proto_enum(v.state.as_str(), pb::purchase_order::State::from_str_name) as i32,
        order_date: Some(date(v.order_date)),
        requested_delivery_date: v.requested_delivery_date.map(date),
        currency: v.currency,
        buyer: v.buyer,
        note: v.note.unwrap_or_default(),
        lines: lines.into_iter().map(line).collect(),
        total_excl_tax: Some(decimal(total)),
        receipt_status: proto_enum(receipt_status.as_str(), pb::ReceiptStatus::from_str_name)
            as i32,
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

pub fn receipt(r: ReceiptWithLines) -> pb::Receipt {
    let ReceiptWithLines { receipt: s, lines } = r;
    let v = s.value;
    pb::Receipt {
        id: s.id,
        po_number: v.po_number,
        location_code: v.location_code,
        received_on: Some(date(v.received_on)),
        user_name: v.user_name,
        note: v.note.unwrap_or_default(),
        lines: lines
            .into_iter()
            .map(|l| pb::ReceiptLine {
                line_no: int("line_no", l.line_no),
                article_code: l.article_code,
                quantity: Some(decimal(l.quantity)),
                movement_id: l.movement_id,
            })
            .collect(),
        create_time: Some(timestamp(s.created_at)),
    }
}
