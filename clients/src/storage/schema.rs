//! The clients schema, version by version. Released versions are never edited.

use std::sync::LazyLock;

use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version, index,
};

pub(crate) const CONSENT_PURPOSES: &[&str] = &[
    "NEWSLETTER",
    "COMMERCIAL_OFFERS",
    "SATISFACTION_SURVEYS",
    "TRADE_SHOW_INVITATIONS",
];
pub(crate) const ORDER_STATES: &[&str] = &[
    "DRAFT",
    "CONFIRMED",
    "IN_PRODUCTION",
    "READY",
    "DELIVERED",
    "CLOSED",
    "CANCELLED",
];

fn v1() -> Vec<SchemaChange> {
    let customer = TableDef::entity("customer")
        .required("code", T::Text(20))
        .required("name", T::Text(200))
        .optional("siret", T::Text(14))
        .optional("vat_number", T::Text(20))
        .optional("contact_emails", T::Text(1000))
        .optional("phone", T::Text(30))
        .required("billing_line1", T::Text(200))
        .optional("billing_line2", T::Text(200))
        .required("billing_postal_code", T::Text(20))
        .required("billing_city", T::Text(100))
        .required("billing_country", T::Text(2))
        // All or none: no delivery address means the billing address.
        .optional("delivery_line1", T::Text(200))
        .optional("delivery_line2", T::Text(200))
        .optional("delivery_postal_code", T::Text(20))
        .optional("delivery_city", T::Text(100))
        .optional("delivery_country", T::Text(2))
        .required("payment_terms_days", T::Int)
        .required("active", T::Bool)
        .optional("note", T::LongText)
        .optional("legacy_updated_at", T::Timestamp)
        .optional("legacy_id", T::Text(40))
        .optional("erased_at", T::Timestamp)
        .unique(&["code"]);
    let tables = [
        customer,
        TableDef::entity("customer_contact")
            .required("customer_id", T::Id)
            .optional("civility", T::Text(10))
            .required("first_name", T::Text(80))
            .required("last_name", T::Text(80))
            .optional("job_title", T::Text(80))
            .optional("email", T::Text(254))
            .optional("phone", T::Text(30))
            .optional("mobile", T::Text(30))
            .required("principal", T::Bool)
            .optional("legacy_id", T::Text(40))
            .unique(&["customer_id", "last_name", "first_name"])
            .references(&["customer_id"], "customer", &["id"]),
        // What each contact agreed to and when: the evidence the GDPR asks for.
        TableDef::entity("contact_consent")
            .required("contact_id", T::Id)
            .required("purpose", T::Enum(CONSENT_PURPOSES))
            .required("granted", T::Bool)
            .required("collected_at", T::Timestamp)
            .required("channel", T::Text(60))
            .optional("withdrawn_at", T::Timestamp)
            .optional("proof", T::Text(1000))
            .unique(&["contact_id", "purpose", "collected_at"])
            .references(&["contact_id"], "customer_contact", &["id"]),
        // The current state per customer and purpose.
        TableDef::entity("customer_consent")
            .required("customer_id", T::Id)
            .required("purpose", T::Enum(CONSENT_PURPOSES))
            .required("granted", T::Bool)
            .required("collected_at", T::Timestamp)
            .required("channel", T::Text(60))
            .optional("withdrawn_at", T::Timestamp)
            .optional("proof", T::Text(1000))
            .unique(&["customer_id", "purpose"])
            .references(&["customer_id"], "customer", &["id"]),
        TableDef::entity("customer_order")
            .required("order_number", T::Text(20))
            .required("customer_code", T::Text(20))
            .optional("customer_reference", T::Text(60))
            .required("order_date", T::Date)
            .required("requested_date", T::Date)
            .optional("promised_date", T::Date)
            .required("currency", T::Text(3))
            .optional("note", T::Text(1000))
            .required("state", T::Enum(ORDER_STATES))
            .optional("legacy_total_excl_tax", T::MONEY)
            .unique(&["order_number"])
            .references(&["customer_code"], "customer", &["code"]),
        TableDef::entity("customer_order_line")
            .required("order_id", T::Id)
            .required("line_no", T::Int)
            .required("article_code", T::Text(32))
            .required("description", T::Text(500))
            .required("quantity", T::QUANTITY)
            .required("unit_price", T::MONEY)
            .required("discount_percent", T::QUANTITY)
            .unique(&["order_id", "line_no"])
            .references(&["order_id"], "customer_order", &["id"]),
    ];
    let mut changes: Vec<SchemaChange> =
        tables.into_iter().map(SchemaChange::CreateTable).collect();
    changes.extend([
        index("customer_name_ix", "customer", &["name"]),
        index(
            "customer_order_customer_ix",
            "customer_order",
            &["customer_code", "order_number"],
        ),
        index(
            "customer_order_state_ix",
            "customer_order",
            &["state", "requested_date"],
        ),
    ]);
    changes
}

static SCHEMA: LazyLock<SchemaDef> = LazyLock::new(|| {
    SchemaDef::new(
        SchemaName::Clients,
        vec![Version {
            number: 1,
            description: "customers, their contacts, GDPR consents, customer orders and their lines",
            changes: v1(),
        }],
    )
});

pub fn schema() -> &'static SchemaDef {
    &SCHEMA
}

pub(crate) fn table(name: &str) -> &'static TableDef {
    // The names are this module's own constants: a miss is a programming error caught by every test.
    #[allow(clippy::expect_used)]
    SCHEMA
        .table(name)
        .expect("clients table defined in schema v1")
}
