//! How clients resources read in a terminal, and as JSON: customers keep their e-mails
//! as a list and their addresses as objects, orders keep their lines, and the GDPR
//! export is one document.

use bascule_proto::clients::v1 as pb;
use serde_json::{Value, json};

use super::output::{Field, View, list, list_with, object, show, to_json};

/// "12 rue des Forges, Bât. B, 69007 Lyon, FR".
fn address_text(a: Option<&pb::Address>) -> String {
    let Some(a) = a else { return String::new() };
    let town = [a.postal_code.as_str(), a.city.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [
        a.line1.as_str(),
        a.line2.as_str(),
        town.as_str(),
        a.country.as_str(),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

fn address_json(a: Option<&pb::Address>) -> Value {
    a.map_or(Value::Null, |a| {
        json!({
            "line1": a.line1,
            "line2": (!a.line2.is_empty()).then_some(&a.line2),
            "postal_code": a.postal_code,
            "city": a.city,
            "country": a.country,
        })
    })
}

/// 31/01/2025 in tables, 2025-01-31 in JSON.
fn date(d: Option<&pb::Date>) -> Field {
    d.map_or(Field::Date(None), |d| Field::date(d.year, d.month, d.day))
}

impl View for pb::Customer {
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "name",
        "billing_address",
        "siret",
        "phone",
        "active",
        "erase_time",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("code", Field::text(&self.code)),
            ("name", Field::text(&self.name)),
            ("siret", Field::text(&self.siret)),
            ("vat_number", Field::text(&self.vat_number)),
            (
                "contact_emails",
                Field::text(self.contact_emails.join(", ")),
            ),
            ("phone", Field::text(&self.phone)),
            (
                "billing_address",
                Field::text(address_text(self.billing_address.as_ref())),
            ),
            (
                "delivery_address",
                Field::text(address_text(self.delivery_address.as_ref())),
            ),
            (
                "payment_terms_days",
                Field::Number(
                    self.payment_terms_days
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                ),
            ),
            ("active", Field::Bool(self.active.unwrap_or(true))),
            ("note", Field::text(&self.note)),
            ("legacy_id", Field::text(&self.legacy_id)),
            ("erase_time", Field::time(self.erase_time.as_ref())),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::Contact {
    const COLUMNS: &'static [&'static str] = &[
        "civility",
        "first_name",
        "last_name",
        "job_title",
        "email",
        "phone",
        "principal",
        "id",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("id", Field::text(&self.id)),
            ("customer_code", Field::text(&self.customer_code)),
            ("civility", Field::text(&self.civility)),
            ("first_name", Field::text(&self.first_name)),
            ("last_name", Field::text(&self.last_name)),
            ("job_title", Field::text(&self.job_title)),
            ("email", Field::text(&self.email)),
            ("phone", Field::text(&self.phone)),
            ("mobile", Field::text(&self.mobile)),
            ("principal", Field::Bool(self.principal)),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::Consent {
    const COLUMNS: &'static [&'static str] = &[
        "purpose",
        "effective",
        "collect_time",
        "channel",
        "proof",
        "withdraw_time",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("customer_code", Field::text(&self.customer_code)),
            (
                "purpose",
                Field::enum_name(self.purpose, pb::ConsentPurpose::as_str_name),
            ),
            ("granted", Field::Bool(self.granted)),
            ("effective", Field::Bool(self.effective)),
            ("collect_time", Field::time(self.collect_time.as_ref())),
            ("channel", Field::text(&self.channel)),
            ("proof", Field::text(&self.proof)),
            ("withdraw_time", Field::time(self.withdraw_time.as_ref())),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::CustomerOrder {
    const COLUMNS: &'static [&'static str] = &[
        "order_number",
        "customer_code",
        "state",
        "order_date",
        "requested_date",
        "total_excl_tax",
        "currency",
        "customer_reference",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("order_number", Field::text(&self.order_number)),
            ("customer_code", Field::text(&self.customer_code)),
            ("customer_reference", Field::text(&self.customer_reference)),
            (
                "state",
                Field::enum_name(self.state, pb::OrderState::as_str_name),
            ),
            ("order_date", date(self.order_date.as_ref())),
            ("requested_date", date(self.requested_date.as_ref())),
            ("promised_date", date(self.promised_date.as_ref())),
            (
                "total_excl_tax",
                Field::decimal(self.total_excl_tax.as_ref()),
            ),
            ("currency", Field::text(&self.currency)),
            ("note", Field::text(&self.note)),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::OrderLine {
    const COLUMNS: &'static [&'static str] = &[
        "line_no",
        "article_code",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "total_excl_tax",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("line_no", Field::Number(self.line_no.to_string())),
            ("article_code", Field::text(&self.article_code)),
            ("description", Field::text(&self.description)),
            ("quantity", Field::decimal(self.quantity.as_ref())),
            ("unit_price", Field::decimal(self.unit_price.as_ref())),
            (
                "discount_percent",
                Field::decimal(self.discount_percent.as_ref()),
            ),
            (
                "total_excl_tax",
                Field::decimal(self.total_excl_tax.as_ref()),
            ),
        ]
    }
}

fn customer_json(c: &pb::Customer) -> Value {
    let mut o = object(c);
    o.insert("contact_emails".into(), json!(c.contact_emails));
    o.insert(
        "billing_address".into(),
        address_json(c.billing_address.as_ref()),
    );
    o.insert(
        "delivery_address".into(),
        address_json(c.delivery_address.as_ref()),
    );
    o.insert("payment_terms_days".into(), json!(c.payment_terms_days));
    Value::Object(o)
}

fn order_json(order: &pb::CustomerOrder) -> Value {
    let mut o = object(order);
    let lines: Vec<Value> = order
        .lines
        .iter()
        .map(|l| {
            let mut line = object(l);
            line.insert("line_no".into(), json!(l.line_no));
            Value::Object(line)
        })
        .collect();
    o.insert("lines".into(), Value::Array(lines));
    Value::Object(o)
}

pub fn print_customer(c: &pb::Customer, json: bool) {
    if json {
        println!("{}", customer_json(c));
    } else {
        show(c, false);
    }
}

pub fn print_customers(items: &[pb::Customer], next: &str, json: bool) {
    list_with(items, next, json, customer_json);
}

/// The order, then its lines as a table.
pub fn print_order(order: &pb::CustomerOrder, json: bool) {
    if json {
        println!("{}", order_json(order));
    } else {
        show(order, false);
        println!();
        list(&order.lines, "", false);
    }
}

pub fn print_orders(items: &[pb::CustomerOrder], next: &str, json: bool) {
    list_with(items, next, json, order_json);
}

/// The GDPR export: with --json the whole document, shaped as the service's message.
pub fn print_export(e: &pb::CustomerDataExport, json: bool) {
    if json {
        let body = json!({
            "customer": e.customer.as_ref().map(customer_json),
            "contacts": e.contacts.iter().map(|c| json!({
                "contact": c.contact.as_ref().map(to_json),
                "consents": c.consents.iter().map(to_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "consents": e.consents.iter().map(to_json).collect::<Vec<_>>(),
            "orders": e.orders.iter().map(order_json).collect::<Vec<_>>(),
            "export_time": Field::time(e.export_time.as_ref()).json(),
        });
        println!("{body}");
        return;
    }
    if let Some(c) = &e.customer {
        show(c, false);
    }
    let contacts: Vec<pb::Contact> = e
        .contacts
        .iter()
        .filter_map(|c| c.contact.clone())
        .collect();
    println!("\ncontacts:");
    list(&contacts, "", false);
    for c in e.contacts.iter().filter(|c| !c.consents.is_empty()) {
        let who = c
            .contact
            .as_ref()
            .map(|p| format!("{} {}", p.first_name, p.last_name))
            .unwrap_or_default();
        println!("\nconsents given by {who}:");
        list(&c.consents, "", false);
    }
    println!("\nconsents:");
    list(&e.consents, "", false);
    println!("\norders:");
    list(&e.orders, "", false);
    for order in e.orders.iter().filter(|o| !o.lines.is_empty()) {
        println!("\nlines of {}:", order.order_number);
        list(&order.lines, "", false);
    }
    let at = Field::time(e.export_time.as_ref()).shown();
    if !at.is_empty() {
        println!("\nexported at {at} (UTC)");
    }
}
