//! How fournisseurs resources read in a terminal and in JSON: like stock's views, with
//! calendar dates (31/01/2025 in tables, 2025-01-31 in JSON) and the lines of orders and
//! receipts (a table under the details, an array in JSON).

use bascule_proto::fournisseurs::v1 as pb;

use super::output::{self, Field, View};
pub use super::output::{list, show};

/// A document with lines: purchase orders and receipts.
pub trait WithLines: View {
    type Line: View;
    fn lines(&self) -> &[Self::Line];
}

/// A document: its details then its lines as a table, or one JSON object with `lines`.
pub fn show_doc<T: WithLines>(doc: &T, json: bool) {
    if json {
        println!("{}", doc_json(doc));
        return;
    }
    show(doc, false);
    if !doc.lines().is_empty() {
        println!();
        list(doc.lines(), "", false);
    }
}

/// A page of documents: a table of their headers, or JSON with their lines.
pub fn list_docs<T: WithLines>(docs: &[T], next_page_token: &str, json: bool) {
    output::list_with(docs, next_page_token, json, doc_json);
}

/// The document and its lines as one JSON value.
pub fn doc_json<T: WithLines>(doc: &T) -> serde_json::Value {
    let mut object = output::object(doc);
    object.insert(
        "lines".to_owned(),
        serde_json::Value::Array(doc.lines().iter().map(output::to_json).collect()),
    );
    serde_json::Value::Object(object)
}

/// 31/01/2025 in tables, 2025-01-31 in JSON; unset is empty.
fn date(d: Option<&pb::Date>) -> Field {
    d.map_or(Field::Date(None), |d| Field::date(d.year, d.month, d.day))
}

fn int(n: impl ToString) -> Field {
    Field::Number(n.to_string())
}

impl View for pb::Supplier {
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "name",
        "city",
        "country",
        "siret",
        "payment_terms_days",
        "currency",
        "active",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        let address = self.address.clone().unwrap_or_default();
        vec![
            ("code", Field::text(&self.code)),
            ("name", Field::text(&self.name)),
            ("siret", Field::text(&self.siret)),
            ("order_emails", Field::text(self.order_emails.join(", "))),
            ("phone", Field::text(&self.phone)),
            ("address_line1", Field::text(address.line1)),
            ("address_line2", Field::text(address.line2)),
            ("postal_code", Field::text(address.postal_code)),
            ("city", Field::text(address.city)),
            ("country", Field::text(address.country)),
            ("iban", Field::text(&self.iban)),
            ("bic", Field::text(&self.bic)),
            (
                "payment_terms_days",
                self.payment_terms_days
                    .map_or(Field::Number(String::new()), int),
            ),
            ("currency", Field::text(&self.currency)),
            ("active", Field::Bool(self.active)),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::SupplierArticle {
    const COLUMNS: &'static [&'static str] = &[
        "supplier_code",
        "article_code",
        "supplier_sku",
        "unit_price",
        "min_order_quantity",
        "lead_time_days",
        "preferred",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("supplier_code", Field::text(&self.supplier_code)),
            ("article_code", Field::text(&self.article_code)),
            ("supplier_sku", Field::text(&self.supplier_sku)),
            ("unit_price", Field::decimal(self.unit_price.as_ref())),
            (
                "min_order_quantity",
                Field::decimal(self.min_order_quantity.as_ref()),
            ),
            ("lead_time_days", int(self.lead_time_days)),
            ("preferred", Field::Bool(self.preferred)),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::PurchaseOrder {
    const COLUMNS: &'static [&'static str] = &[
        "po_number",
        "supplier_code",
        "state",
        "order_date",
        "requested_delivery_date",
        "total_excl_tax",
        "currency",
        "receipt_status",
        "buyer",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("po_number", Field::text(&self.po_number)),
            ("supplier_code", Field::text(&self.supplier_code)),
            (
                "state",
                Field::enum_name(self.state, pb::purchase_order::State::as_str_name),
            ),
            ("order_date", date(self.order_date.as_ref())),
            (
                "requested_delivery_date",
                date(self.requested_delivery_date.as_ref()),
            ),
            ("currency", Field::text(&self.currency)),
            ("buyer", Field::text(&self.buyer)),
            ("note", Field::text(&self.note)),
            (
                "total_excl_tax",
                Field::decimal(self.total_excl_tax.as_ref()),
            ),
            (
                "receipt_status",
                Field::enum_name(self.receipt_status, pb::ReceiptStatus::as_str_name),
            ),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl WithLines for pb::PurchaseOrder {
    type Line = pb::PurchaseOrderLine;

    fn lines(&self) -> &[pb::PurchaseOrderLine] {
        &self.lines
    }
}

impl View for pb::PurchaseOrderLine {
    const COLUMNS: &'static [&'static str] = &[
        "line_no",
        "article_code",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "discount_percent",
        "amount",
        "received_quantity",
        "last_receipt_date",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("line_no", int(self.line_no)),
            ("article_code", Field::text(&self.article_code)),
            ("description", Field::text(&self.description)),
            ("quantity", Field::decimal(self.quantity.as_ref())),
            ("unit", Field::text(&self.unit)),
            ("unit_price", Field::decimal(self.unit_price.as_ref())),
            (
                "discount_percent",
                Field::decimal(self.discount_percent.as_ref()),
            ),
            ("amount", Field::decimal(self.amount.as_ref())),
            (
                "received_quantity",
                Field::decimal(self.received_quantity.as_ref()),
            ),
            ("last_receipt_date", date(self.last_receipt_date.as_ref())),
        ]
    }
}

impl View for pb::Receipt {
    const COLUMNS: &'static [&'static str] = &[
        "received_on",
        "po_number",
        "location_code",
        "user_name",
        "note",
        "id",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("id", Field::text(&self.id)),
            ("po_number", Field::text(&self.po_number)),
            ("location_code", Field::text(&self.location_code)),
            ("received_on", date(self.received_on.as_ref())),
            ("user_name", Field::text(&self.user_name)),
            ("note", Field::text(&self.note)),
            ("create_time", Field::time(self.create_time.as_ref())),
        ]
    }
}

impl WithLines for pb::Receipt {
    type Line = pb::ReceiptLine;

    fn lines(&self) -> &[pb::ReceiptLine] {
        &self.lines
    }
}

impl View for pb::ReceiptLine {
    const COLUMNS: &'static [&'static str] =
        &["line_no", "article_code", "quantity", "movement_id"];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("line_no", int(self.line_no)),
            ("article_code", Field::text(&self.article_code)),
            ("quantity", Field::decimal(self.quantity.as_ref())),
            ("movement_id", Field::text(&self.movement_id)),
        ]
    }
}

impl View for pb::Bill {
    const COLUMNS: &'static [&'static str] = &[
        "supplier_code",
        "invoice_number",
        "invoice_date",
        "due_date",
        "amount_incl_tax",
        "outstanding_amount",
        "state",
        "payment_status",
        "po_number",
        "id",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("id", Field::text(&self.id)),
            ("supplier_code", Field::text(&self.supplier_code)),
            ("po_number", Field::text(&self.po_number)),
            ("invoice_number", Field::text(&self.invoice_number)),
            ("invoice_date", date(self.invoice_date.as_ref())),
            ("due_date", date(self.due_date.as_ref())),
            (
                "amount_excl_tax",
                Field::decimal(self.amount_excl_tax.as_ref()),
            ),
            ("tax_amount", Field::decimal(self.tax_amount.as_ref())),
            (
                "amount_incl_tax",
                Field::decimal(self.amount_incl_tax.as_ref()),
            ),
            (
                "state",
                Field::enum_name(self.state, pb::bill::State::as_str_name),
            ),
            ("paid_amount", Field::decimal(self.paid_amount.as_ref())),
            (
                "outstanding_amount",
                Field::decimal(self.outstanding_amount.as_ref()),
            ),
            (
                "payment_status",
                Field::enum_name(self.payment_status, pb::PaymentStatus::as_str_name),
            ),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::Payment {
    const COLUMNS: &'static [&'static str] =
        &["paid_on", "bill_id", "amount", "method", "reference", "id"];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("id", Field::text(&self.id)),
            ("bill_id", Field::text(&self.bill_id)),
            ("paid_on", date(self.paid_on.as_ref())),
            ("amount", Field::decimal(self.amount.as_ref())),
            (
                "method",
                Field::enum_name(self.method, pb::PaymentMethod::as_str_name),
            ),
            ("reference", Field::text(&self.reference)),
            ("create_time", Field::time(self.create_time.as_ref())),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_the_french_way_in_tables_and_iso_in_json() {
        let d = pb::Date {
            year: 2025,
            month: 1,
            day: 31,
        };
        assert_eq!(date(Some(&d)).shown(), "31/01/2025");
        assert_eq!(date(Some(&d)).json(), "2025-01-31");
        assert_eq!(date(Some(&pb::Date::default())).shown(), "");
        assert_eq!(date(None).json(), serde_json::Value::Null);
    }

    #[test]
    fn orders_carry_their_lines_in_json() {
        let order = pb::PurchaseOrder {
            po_number: "BC25-0001".into(),
            state: pb::purchase_order::State::Draft as i32,
            order_date: Some(pb::Date {
                year: 2025,
                month: 1,
                day: 31,
            }),
            lines: vec![pb::PurchaseOrderLine {
                line_no: 1,
                article_code: "MP-00001".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let json = doc_json(&order);
        assert_eq!(json["state"], "DRAFT");
        assert_eq!(json["order_date"], "2025-01-31");
        assert_eq!(json["note"], serde_json::Value::Null);
        assert_eq!(json["lines"][0]["article_code"], "MP-00001");
        assert_eq!(json["lines"][0]["line_no"], "1");
    }
}
