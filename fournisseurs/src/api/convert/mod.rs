//! Fournisseurs messages to domain values and back; the domain's constructors and
//! `validate()` check the input. Suppliers and their articles here, documents in the
//! submodules.

mod bills;
mod orders;

pub use bills::{bill, bill_from, payment, payment_from};
pub use orders::{line_from, order, order_from, receipt};

use bascule_platform::db::record::Stored;
use bascule_proto::fournisseurs::v1 as pb;
use bascule_rpc::convert::{
    decimal, etag, optional_text, parse_decimal, parse_optional_decimal, timestamp,
};
use bascule_rpc::{ApiError, ApiResult};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::{Address, Supplier, SupplierArticle};

/// Today where the service runs: the default of order, receipt and payment dates.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn date(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        // Month and day are at most 31: they always fit.
        month: i32::try_from(d.month()).unwrap_or_default(),
        day: i32::try_from(d.day()).unwrap_or_default(),
    }
}

/// An optional date: absent, or all zeros, is `None`.
pub fn parse_date(field: &str, d: Option<&pb::Date>) -> ApiResult<Option<NaiveDate>> {
    match d {
        None => Ok(None),
        Some(d) if *d == pb::Date::default() => Ok(None),
        Some(d) => u32::try_from(d.month)
            .ok()
            .zip(u32::try_from(d.day).ok())
            .and_then(|(m, day)| NaiveDate::from_ymd_opt(d.year, m, day))
            .filter(|n| (1..=9999).contains(&n.year()))
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid(
                    field,
                    format!("{}-{}-{} is not a date", d.year, d.month, d.day),
                )
            }),
    }
}

pub fn required_date(field: &str, d: Option<&pb::Date>) -> ApiResult<NaiveDate> {
    parse_date(field, d)?.ok_or_else(|| ApiError::invalid(field, "is required"))
}

/// Empty means the domain's default currency, EUR.
fn currency(text: &str) -> String {
    optional_text(text).unwrap_or_else(|| "EUR".to_owned())
}

fn int(field: &str, value: i64) -> i32 {
    i32::try_from(value).unwrap_or_else(|_| {
        tracing::warn!(field, value, "a stored number does not fit the message");
        i32::MAX
    })
}

pub fn supplier_from(s: &pb::Supplier) -> ApiResult<Supplier> {
    let a = s
        .address
        .as_ref()
        .ok_or_else(|| ApiError::invalid("address", "is required"))?;
    let supplier = Supplier {
        code: s.code.clone(),
        name: s.name.clone(),
        siret: optional_text(&s.siret),
        order_emails: s.order_emails.clone(),
        phone: optional_text(&s.phone),
        address: Address {
            line1: a.line1.clone(),
            line2: optional_text(&a.line2),
            postal_code: optional_text(&a.postal_code),
            city: a.city.clone(),
            country: a.country.clone(),
        },
        iban: optional_text(&s.iban),
        bic: optional_text(&s.bic),
        payment_terms_days: s
            .payment_terms_days
            .map_or(Supplier::DEFAULT_PAYMENT_TERMS_DAYS, i64::from),
        currency: currency(&s.currency),
        active: s.active,
    };
    Ok(supplier.validate()?)
}

pub fn supplier(s: Stored<Supplier>) -> pb::Supplier {
    let v = s.value;
    pb::Supplier {
        code: v.code,
        name: v.name,
        siret: v.siret.unwrap_or_default(),
        order_emails: v.order_emails,
        phone: v.phone.unwrap_or_default(),
        address: Some(pb::Address {
            line1: v.address.line1,
            line2: v.address.line2.unwrap_or_default(),
            postal_code: v.address.postal_code.unwrap_or_default(),
            city: v.address.city,
            country: v.address.country,
        }),
        iban: v.iban.unwrap_or_default(),
        bic: v.bic.unwrap_or_default(),
        payment_terms_days: Some(int("payment_terms_days", v.payment_terms_days)),
        currency: v.currency,
        active: v.active,
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

pub fn article_from(a: &pb::SupplierArticle) -> ApiResult<SupplierArticle> {
    let article = SupplierArticle {
        supplier_code: a.supplier_code.clone(),
        article_code: a.article_code.clone(),
        supplier_sku: optional_text(&a.supplier_sku),
        unit_price: parse_decimal("unit_price", a.unit_price.as_ref())?,
        min_order_qty: parse_optional_decimal("min_order_quantity", a.min_order_quantity.as_ref())?
            .unwrap_or(Decimal::ZERO),
        lead_time_days: i64::from(a.lead_time_days),
        preferred: a.preferred,
    };
    Ok(article.validate()?)
}

pub fn article(s: Stored<SupplierArticle>) -> pb::SupplierArticle {
    let a = s.value;
    pb::SupplierArticle {
        supplier_code: a.supplier_code,
        article_code: a.article_code,
        supplier_sku: a.supplier_sku.unwrap_or_default(),
        unit_price: Some(decimal(a.unit_price)),
        min_order_quantity: Some(decimal(a.min_order_qty)),
        lead_time_days: int("lead_time_days", a.lead_time_days),
        preferred: a.preferred,
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_unset_means_none() {
        let d = NaiveDate::from_ymd_opt(2025, 2, 28).expect("date");
        assert_eq!(parse_date("d", Some(&date(d))).expect("date"), Some(d));
        assert_eq!(parse_date("d", None).expect("none"), None);
        assert_eq!(
            parse_date("d", Some(&pb::Date::default())).expect("none"),
            None
        );
        for (year, month, day) in [(2025, 2, 29), (2025, 13, 1), (2025, -1, 1), (0, 1, 1)] {
            let e = parse_date("due_date", Some(&pb::Date { year, month, day }))
                .expect_err("not a date");
            assert_eq!(e.violations[0].0, "due_date");
        }
        assert!(required_date("d", None).is_err());
    }
}
