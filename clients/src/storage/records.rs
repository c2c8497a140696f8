//! How each clients entity maps to its table's columns.

use bascule_platform::db::record::{Record, Stored};
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::{DbError, Row, Value};

use super::schema::table;
use crate::domain::{
    Address, ClientsError, Consent, ConsentPurpose, Customer, CustomerOrder, OrderLine, OrderState,
};

pub(crate) fn decode_err(e: ClientsError) -> DbError {
    DbError::Decode(e.to_string())
}

/// The same metadata around another value: a row wrapper unwrapped for callers.
pub(crate) fn map_stored<T, U>(s: Stored<T>, f: impl FnOnce(T) -> U) -> Stored<U> {
    Stored {
        id: s.id,
        revision: s.revision,
        created_at: s.created_at,
        updated_at: s.updated_at,
        value: f(s.value),
    }
}

/// The separator of the e-mail list column; [`bascule_platform::ident::email`] refuses
/// it in an address.
const EMAIL_SEPARATOR: char = ',';

impl Record for Customer {
    const SCHEMA: SchemaName = SchemaName::Clients;
    const ORDER_BY: &'static str = "code";

    fn table_def() -> &'static TableDef {
        table("customer")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let b = &self.billing_address;
        let d = self.delivery_address.as_ref();
        let emails = self.contact_emails.join(&EMAIL_SEPARATOR.to_string());
        vec![
            ("code", (&self.code).into()),
            ("name", (&self.name).into()),
            ("siret", self.siret.clone().into()),
            ("vat_number", self.vat_number.clone().into()),
            ("contact_emails", emails.into()),
            ("phone", self.phone.clone().into()),
            ("billing_line1", (&b.line1).into()),
            ("billing_line2", b.line2.clone().into()),
            ("billing_postal_code", (&b.postal_code).into()),
            ("billing_city", (&b.city).into()),
            ("billing_country", (&b.country).into()),
            ("delivery_line1", d.map(|d| d.line1.clone()).into()),
            ("delivery_line2", d.and_then(|d| d.line2.clone()).into()),
            (
                "delivery_postal_code",
                d.map(|d| d.postal_code.clone()).into(),
            ),
            ("delivery_city", d.map(|d| d.city.clone()).into()),
            ("delivery_country", d.map(|d| d.country.clone()).into()),
            ("payment_terms_days", self.payment_terms_days.into()),
            ("active", self.active.into()),
            ("note", self.note.clone().into()),
            ("legacy_updated_at", self.legacy_updated_at.into()),
            ("legacy_id", self.legacy_id.clone().into()),
            ("erased_at", self.erased_at.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        let emails: Option<String> = row.get("contact_emails")?;
        let billing_address = Address {
            line1: row.get("billing_line1")?,
            line2: row.get("billing_line2")?,
            postal_code: row.get("billing_postal_code")?,
            city: row.get("billing_city")?,
            country: row.get("billing_country")?,
        };
        let delivery_address = match (
            row.get::<Option<String>>("delivery_line1")?,
            row.get::<Option<String>>("delivery_line2")?,
            row.get::<Option<String>>("delivery_postal_code")?,
            row.get::<Option<String>>("delivery_city")?,
            row.get::<Option<String>>("delivery_country")?,
        ) {
            (None, None, None, None, None) => None,
            (Some(line1), line2, Some(postal_code), Some(city), Some(country)) => Some(Address {
                line1,
                line2,
                postal_code,
                city,
                country,
            }),
            _ => {
                return Err(DbError::Decode(
                    "customer: the delivery address is partly filled".into(),
                ));
            }
        };
        Ok(Customer {
            code: row.get("code")?,
            name: row.get("name")?,
            siret: row.get("siret")?,
            vat_number: row.get("vat_number")?,
            contact_emails: emails
                .iter()
                .flat_map(|e| e.split(EMAIL_SEPARATOR))
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            phone: row.get("phone")?,
            billing_address,
            delivery_address,
            payment_terms_days: row.get("payment_terms_days")?,
            active: row.get("active")?,
            note: row.get("note")?,
            legacy_updated_at: row.get("legacy_updated_at")?,
            legacy_id: row.get("legacy_id")?,
            erased_at: row.get("erased_at")?,
        })
    }
}

/// A consent with the customer it belongs to, as its row holds it.
#[derive(Debug, Clone)]
pub(crate) struct ConsentRecord {
    pub customer_id: String,
    pub consent: Consent,
}

impl Record for ConsentRecord {
    const SCHEMA: SchemaName = SchemaName::Clients;
    const ORDER_BY: &'static str = "purpose";

    fn table_def() -> &'static TableDef {
        table("customer_consent")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let c = &self.consent;
        vec![
            ("customer_id", (&self.customer_id).into()),
            ("purpose", c.purpose.as_str().into()),
            ("granted", c.granted.into()),
            ("collected_at", c.collected_at.into()),
            ("channel", (&c.channel).into()),
            ("withdrawn_at", c.withdrawn_at.into()),
            ("proof", c.proof.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(ConsentRecord {
            customer_id: row.get("customer_id")?,
            consent: Consent {
                purpose: ConsentPurpose::parse(&row.get::<String>("purpose")?)
                    .map_err(decode_err)?,
                granted: row.get("granted")?,
                collected_at: row.get("collected_at")?,
                channel: row.get("channel")?,
                withdrawn_at: row.get("withdrawn_at")?,
                proof: row.get("proof")?,
            },
        })
    }
}

impl Record for CustomerOrder {
    const SCHEMA: SchemaName = SchemaName::Clients;
    const ORDER_BY: &'static str = "order_number";

    fn table_def() -> &'static TableDef {
        table("customer_order")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("order_number", (&self.order_number).into()),
            ("customer_code", (&self.customer_code).into()),
            ("customer_reference", self.customer_reference.clone().into()),
            ("order_date", self.order_date.into()),
            ("requested_date", self.requested_date.into()),
            ("promised_date", self.promised_date.into()),
            ("currency", (&self.currency).into()),
            ("note", self.note.clone().into()),
            ("state", self.state.as_str().into()),
            ("legacy_total_excl_tax", self.legacy_total_excl_tax.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(CustomerOrder {
            order_number: row.get("order_number")?,
            customer_code: row.get("customer_code")?,
            customer_reference: row.get("customer_reference")?,
            order_date: row.get("order_date")?,
            requested_date: row.get("requested_date")?,
            promised_date: row.get("promised_date")?,
            currency: row.get("currency")?,
            note: row.get("note")?,
            state: OrderState::parse(&row.get::<String>("state")?).map_err(decode_err)?,
            legacy_total_excl_tax: row.get("legacy_total_excl_tax")?,
        })
    }
}

/// An order line with the order it belongs to, as its row holds it.
#[derive(Debug, Clone)]
pub(crate) struct LineRecord {
    pub order_id: String,
    pub line: OrderLine,
}

impl Record for LineRecord {
    const SCHEMA: SchemaName = SchemaName::Clients;
    const ORDER_BY: &'static str = "line_no";

    fn table_def() -> &'static TableDef {
        table("customer_order_line")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let l = &self.line;
        vec![
            ("order_id", (&self.order_id).into()),
            ("line_no", l.line_no.into()),
            ("article_code", (&l.article_code).into()),
            ("description", (&l.description).into()),
            ("quantity", l.quantity.into()),
            ("unit_price", l.unit_price.into()),
            ("discount_percent", l.discount_percent.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(LineRecord {
            order_id: row.get("order_id")?,
            line: OrderLine {
                line_no: row.get("line_no")?,
                article_code: row.get("article_code")?,
                description: row.get("description")?,
                quantity: row.get("quantity")?,
                unit_price: row.get("unit_price")?,
                discount_percent: row.get("discount_percent")?,
            },
        })
    }
}
