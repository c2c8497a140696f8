//! The builders of the fournisseurs entities from mapped legacy fields: each runs the
//! domain's `validate()` (the API's rules) after the checks only a migration needs.

use bascule_migrate::engine::entity::MappedFields;
use bascule_migrate::mapping::val::Violation;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;

use super::violation;
use crate::domain::{
    Address, BillState, FournisseursError, Payment, PaymentMethod, PoState, PurchaseOrder,
    PurchaseOrderLine, Supplier, SupplierBill,
};
use crate::storage::legacy_rows::{LegacyBill, LegacyOrder, LegacySupplier, SupplierLegacyId};
use crate::storage::records::LineRow;

/// Extra field of a line: the state of its order (looked up), to check its receipts.
pub(crate) const ORDER_STATE: &str = "order_state";
/// Extra field of a bill: the supplier of the order it names (looked up).
pub(crate) const ORDER_SUPPLIER: &str = "po_supplier_code";

fn text(f: &MappedFields, name: &str) -> Result<String, Violation> {
    Ok(f.opt::<String>(name)?.unwrap_or_default())
}

/// A legacy record cannot be dated after the extract it comes from, taken before the run:
/// such a date is a typing mistake (a year 2034 for 2024…).
fn not_after_today(field: &str, date: NaiveDate) -> Result<NaiveDate, Violation> {
    let today = Utc::now().date_naive();
    if date > today {
        return Err(Violation::new(
            "future_date",
            format!("{field}: {date} is after today ({today}), the record was extracted before"),
        ));
    }
    Ok(date)
}

fn required_date(f: &MappedFields, name: &str) -> Result<NaiveDate, Violation> {
    not_after_today(name, f.get(name)?)
}

/// Splits the ordering e-mails as typed: one address, or several separated by `,` or `;`.
fn emails(typed: Option<String>) -> Vec<String> {
    typed
        .unwrap_or_default()
        .split([',', ';'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn supplier(f: &MappedFields) -> Result<LegacySupplier, Violation> {
    let address = Address {
        line1: text(f, "address_line1")?,
        line2: f.opt("address_line2")?,
        postal_code: f.opt("postal_code")?,
        city: text(f, "city")?,
        country: text(f, "country")?,
    };
    let supplier = Supplier {
        code: text(f, "code")?,
        name: text(f, "name")?,
        siret: f.opt("siret")?,
        order_emails: emails(f.opt("order_emails")?),
        phone: f.opt("phone")?,
        address,
        iban: f.opt("iban")?,
        bic: f.opt("bic")?,
        payment_terms_days: f
            .opt("payment_terms_days")?
            .unwrap_or(Supplier::DEFAULT_PAYMENT_TERMS_DAYS),
        currency: text(f, "currency")?,
        active: f.opt("active")?.unwrap_or(true),
    }
    .validate()
    .map_err(violation)?;
    Ok(LegacySupplier {
        supplier,
        updated_on: f.opt("legacy_updated_on")?,
    })
}

/// One GESCOM id of a supplier that was loaded (its code exists: the mapping checks it).
pub(crate) fn supplier_legacy_id(f: &MappedFields) -> Result<SupplierLegacyId, Violation> {
    SupplierLegacyId {
        legacy_id: text(f, "legacy_id")?,
        supplier_code: text(f, "supplier_code")?,
    }
    .validate()
    .map_err(violation)
}

pub(crate) fn order(f: &MappedFields) -> Result<LegacyOrder, Violation> {
    let order = PurchaseOrder {
        po_number: text(f, "po_number")?,
        supplier_code: text(f, "supplier_code")?,
        state: PoState::parse(&text(f, "state")?).map_err(violation)?,
        order_date: required_date(f, "order_date")?,
        requested_delivery_date: f.opt("requested_delivery_date")?,
        currency: text(f, "currency")?,
        buyer: text(f, "buyer")?,
        note: f.opt("note")?,
    }
    .validate()
    .map_err(violation)?;
    let total: Option<Decimal> = f.opt("legacy_total_excl_tax")?;
    if total.is_some_and(|t| t < Decimal::ZERO) {
        return Err(violation(FournisseursError::invalid(
            "legacy_total_excl_tax",
            "an order's total must not be negative",
        )));
    }
    Ok(LegacyOrder {
        order,
        legacy_id: text(f, "legacy_id")?,
        total_excl_tax: total,
    })
}

/// A line of an order already migrated. Goods are received on confirmed orders (the API
/// refuses a receipt otherwise); a closed or cancelled one was confirmed before, a draft
/// or a request for quotation was never sent as an order.
pub(crate) fn line(f: &MappedFields) -> Result<LineRow, Violation> {
    let line = PurchaseOrderLine {
        line_no: f.get("line_no")?,
        article_code: text(f, "article_code")?,
        description: text(f, "description")?,
        quantity: f.get("quantity")?,
        unit: text(f, "unit")?,
        unit_price: f.get("unit_price")?,
        discount_percent: f.opt("discount_percent")?.unwrap_or(Decimal::ZERO),
        qty_received: f.opt("qty_received")?.unwrap_or(Decimal::ZERO),
        last_receipt_date: f
            .opt("last_receipt_date")?
            .map(|d| not_after_today("last_receipt_date", d))
            .transpose()?,
    }
    .validate()
    .map_err(violation)?;
    let state = text(f, ORDER_STATE)?;
    let never_sent = [PoState::Draft.as_str(), PoState::RfqSent.as_str()];
    if line.qty_received > Decimal::ZERO && never_sent.contains(&state.as_str()) {
        return Err(Violation::new(
            "receipt_state",
            format!(
                "{} received on an order that is {state}: goods are received on confirmed orders",
                line.qty_received
            ),
        ));
    }
    Ok(LineRow {
        order_id: text(f, "order_id")?,
        line,
    })
}

/// A bill as GESCOM recorded it: the amount including tax only, in the accounts.
pub(crate) fn bill(f: &MappedFields) -> Result<LegacyBill, Violation> {
    let bill = SupplierBill {
        supplier_code: text(f, "supplier_code")?,
        po_number: f.opt("po_number")?,
        invoice_number: text(f, "invoice_number")?,
        invoice_date: required_date(f, "invoice_date")?,
        due_date: f.get("due_date")?,
        amount_excl_tax: f.opt("amount_excl_tax")?,
        tax_amount: f.opt("tax_amount")?,
        amount_incl_tax: f.get("amount_incl_tax")?,
        state: BillState::parse(&text(f, "state")?).map_err(violation)?,
    }
    .validate()
    .map_err(violation)?;
    if let Some(order_supplier) = f.opt::<String>(ORDER_SUPPLIER)? {
        bill.check_order_supplier(&order_supplier)
            .map_err(violation)?;
    }
    Ok(LegacyBill {
        bill,
        legacy_id: text(f, "legacy_id")?,
    })
}

pub(crate) fn payment(f: &MappedFields) -> Result<Payment, Violation> {
    Payment {
        bill_id: text(f, "bill_id")?,
        paid_on: required_date(f, "paid_on")?,
        amount: f.get("amount")?,
        method: PaymentMethod::parse(&text(f, "method")?).map_err(violation)?,
        reference: f.opt("reference")?,
    }
    .validate()
    .map_err(violation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bascule_platform::db::Value;

    fn fields(values: &[(&str, Value)]) -> MappedFields {
        let mut f = MappedFields::default();
        for (name, value) in values {
            f.insert(*name, value.clone());
        }
        f
    }

    fn day(y: i32, m: u32, d: u32) -> Value {
        Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn dec(s: &str) -> Value {
        Value::Decimal(s.parse().unwrap())
    }

    fn order_fields(date: Value) -> MappedFields {
        fields(&[
            ("po_number", t("BC21-0085")),
            ("supplier_code", t("F00011")),
            ("state", t("CANCELLED")),
            ("order_date", date),
            ("currency", t("EUR")),
            ("buyer", t("JMD")),
            ("legacy_total_excl_tax", dec("1712.6")),
            ("legacy_id", t("20764")),
        ])
    }

    #[test]
    fn records_dated_after_the_extract_are_refused() {
        let err = order(&order_fields(day(2040, 11, 23))).unwrap_err();
        assert_eq!(err.rule, "future_date");
        assert!(
            err.message.contains("order_date: 2040-11-23"),
            "{}",
            err.message
        );
        let ok = order(&order_fields(day(2021, 11, 23))).unwrap();
        assert_eq!(ok.total_excl_tax, Some("1712.6".parse().unwrap()));
        assert_eq!(ok.legacy_id, "20764");
        let mut negative = order_fields(day(2021, 11, 23));
        negative.insert("legacy_total_excl_tax", dec("-1"));
        assert_eq!(order(&negative).unwrap_err().rule, "legacy_total_excl_tax");
    }

    fn line_fields(state: &str, received: &str) -> MappedFields {
        fields(&[
            ("order_id", t("0190-id")),
            ("line_no", Value::Int(2)),
            ("article_code", t("MP-48872")),
            ("description", t("Granulés ABS blanc")),
            ("quantity", dec("4738.9")),
            ("unit", t("kg")),
            ("unit_price", dec("7.18")),
            ("qty_received", dec(received)),
            (ORDER_STATE, t(state)),
        ])
    }

    #[test]
    fn receipts_need_an_order_that_was_sent() {
        let row = line(&line_fields("CLOSED", "4738.9")).unwrap();
        assert_eq!(row.line.discount_percent, Decimal::ZERO);
        assert!(line(&line_fields("DRAFT", "0")).is_ok());
        assert_eq!(
            line(&line_fields("DRAFT", "1")).unwrap_err().rule,
            "receipt_state"
        );
        let mut negative = line_fields("CLOSED", "0");
        negative.insert("quantity", dec("-769.043"));
        assert_eq!(line(&negative).unwrap_err().rule, "quantity");
    }

    #[test]
    fn suppliers_split_their_emails_and_keep_the_siret_french() {
        let base = [
            ("code", t("F00131")),
            ("name", t("Précision Léman SA")),
            ("address_line1", t("Rue du Rhône 12")),
            ("postal_code", t("1204")),
            ("city", t("Genève")),
            ("country", t("CH")),
            ("currency", t("CHF")),
            ("order_emails", t("achats@leman.ch; compta@leman.ch")),
        ];
        let s = supplier(&fields(&base)).unwrap().supplier;
        assert_eq!(s.order_emails, ["achats@leman.ch", "compta@leman.ch"]);
        assert_eq!(s.payment_terms_days, 30);
        let mut with_siret = fields(&base);
        with_siret.insert("siret", t("73282932000074"));
        assert_eq!(supplier(&with_siret).unwrap_err().rule, "siret");
        let id = fields(&[("legacy_id", t(" 1095 ")), ("supplier_code", t("F00131"))]);
        assert_eq!(supplier_legacy_id(&id).unwrap().legacy_id, "1095");
        let no_code = fields(&[("legacy_id", t("1095"))]);
        assert_eq!(
            supplier_legacy_id(&no_code).unwrap_err().rule,
            "supplier_code"
        );
    }

    #[test]
    fn bills_name_an_order_of_their_supplier() {
        let mut f = fields(&[
            ("supplier_code", t("F00011")),
            ("po_number", t("BC16-0002")),
            ("invoice_number", t("8585/16")),
            ("invoice_date", day(2016, 1, 11)),
            ("due_date", day(2016, 1, 11)),
            ("amount_incl_tax", dec("9558.61")),
            ("state", t("POSTED")),
            (ORDER_SUPPLIER, t("F00011")),
        ]);
        assert_eq!(bill(&f).unwrap().bill.amount_excl_tax, None);
        f.insert(ORDER_SUPPLIER, t("F00014"));
        assert_eq!(bill(&f).unwrap_err().rule, "po_number");
    }
}
