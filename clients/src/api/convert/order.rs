//! Customer orders and their lines, between messages and domain values.

use bascule_proto::clients::v1 as pb;
use bascule_rpc::ApiError;
use bascule_rpc::convert::{
    decimal, etag, optional_text, parse_decimal, parse_optional_decimal, proto_enum, timestamp,
};
use chrono::{Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain::{CustomerOrder, OrderLine};
use crate::storage::StoredOrder;

fn date_from(field: &str, d: &pb::Date) -> Result<NaiveDate, ApiError> {
    let (month, day) = (u32::try_from(d.month), u32::try_from(d.day));
    match (month, day) {
        (Ok(m), Ok(dd)) => NaiveDate::from_ymd_opt(d.year, m, dd),
        _ => None,
    }
    .ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("{}-{}-{} is not a calendar date", d.year, d.month, d.day),
        )
    })
}

fn optional_date(field: &str, d: Option<&pb::Date>) -> Result<Option<NaiveDate>, ApiError> {
    d.map(|d| date_from(field, d)).transpose()
}

fn date(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: i32::try_from(d.month()).unwrap_or_default(),
        day: i32::try_from(d.day()).unwrap_or_default(),
    }
}

fn line_from(l: &pb::OrderLine) -> Result<OrderLine, ApiError> {
    let line = OrderLine {
        discount_percent: parse_optional_decimal("discount_percent", l.discount_percent.as_ref())?
            .unwrap_or(Decimal::ZERO),
        ..OrderLine::new(
            l.line_no,
            &l.article_code,
            &l.description,
            parse_decimal("quantity", l.quantity.as_ref())?,
            parse_decimal("unit_price", l.unit_price.as_ref())?,
        )?
    };
    Ok(line.validate()?)
}

/// The DRAFT order a message describes, with its lines; the order date defaults to
/// today. The output-only state and totals are not read: the caller keeps the stored ones.
pub fn order_from(o: &pb::CustomerOrder) -> Result<(CustomerOrder, Vec<OrderLine>), ApiError> {
    let order_date = optional_date("order_date", o.order_date.as_ref())?
        .unwrap_or_else(|| Utc::now().date_naive());
    let requested_date = match &o.requested_date {
        Some(d) => date_from("requested_date", d)?,
        None => return Err(ApiError::invalid("requested_date", "is required")),
    };
    let order = CustomerOrder {
        customer_reference: optional_text(&o.customer_reference),
        promised_date: optional_date("promised_date", o.promised_date.as_ref())?,
        currency: optional_text(&o.currency)
            .unwrap_or_else(|| CustomerOrder::DEFAULT_CURRENCY.to_owned()),
        note: optional_text(&o.note),
        ..CustomerOrder::new(
            &o.order_number,
            &o.customer_code,
            order_date,
            requested_date,
        )?
    }
    .validate()?;
    let lines = o.lines.iter().map(line_from).collect::<Result<_, _>>()?;
    Ok((order, lines))
}

fn line(l: OrderLine) -> Result<pb::OrderLine, ApiError> {
    Ok(pb::OrderLine {
        total_excl_tax: Some(decimal(l.total_excl_tax()?)),
        line_no: l.line_no,
        article_code: l.article_code,
        description: l.description,
        quantity: Some(decimal(l.quantity)),
        unit_price: Some(decimal(l.unit_price)),
        discount_percent: Some(decimal(l.discount_percent)),
    })
}

/// The order with its lines and totals. Totals were checked when the lines were
/// written, so failing here means data written around the service.
pub fn order(s: StoredOrder) -> Result<pb::CustomerOrder, ApiError> {
    let total = s.total_excl_tax()?;
    let StoredOrder {
        order: stored,
        lines,
    } = s;
    let o = stored.value;
    Ok(pb::CustomerOrder {
        order_number: o.order_number,
        customer_code: o.customer_code,
        customer_reference: o.customer_reference.unwrap_or_default(),
        order_date: Some(date(o.order_date)),
        requested_date: Some(date(o.requested_date)),
        promised_date: o.promised_date.map(date),
        currency: o.currency,
        note: o.note.unwrap_or_default(),
        state: proto_enum(o.state.as_str(), pb::OrderState::from_str_name) as i32,
        lines: lines.into_iter().map(line).collect::<Result<_, _>>()?,
        total_excl_tax: Some(decimal(total)),
        etag: etag(stored.revision),
        create_time: Some(timestamp(stored.created_at)),
        update_time: Some(timestamp(stored.updated_at)),
    })
}
