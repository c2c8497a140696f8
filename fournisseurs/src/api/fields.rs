//! The fields each fournisseurs List accepts in `filter` and `order_by`.
//!
//! Amounts, prices and quantities are left out of both: SQLite keeps decimals as text,
//! where `search` would compare and order them as text ("20" > "100"), so they would
//! answer differently on SQLite and on PostgreSQL.

use bascule_rpc::{Field, FieldKind as K};

use crate::storage::{BILL_STATES, PAYMENT_METHODS, PO_STATES};

const CREATE_TIME: Field = Field::new("create_time", "created_at", K::Timestamp).orderable();
const UPDATE_TIME: Field = Field::new("update_time", "updated_at", K::Timestamp).orderable();

pub const SUPPLIERS: &[Field] = &[
    Field::new("code", "code", K::Text).orderable(),
    Field::new("name", "name", K::Text).orderable(),
    Field::new("siret", "siret", K::Text),
    Field::new("city", "city", K::Text),
    Field::new("country", "country", K::Text).orderable(),
    Field::new("currency", "currency", K::Text),
    Field::new("payment_terms_days", "payment_terms_days", K::Int),
    Field::new("active", "active", K::Bool),
    CREATE_TIME,
    UPDATE_TIME,
];

pub const SUPPLIER_ARTICLES: &[Field] = &[
    Field::new("supplier_code", "supplier_code", K::Text).orderable(),
    Field::new("article_code", "article_code", K::Text).orderable(),
    Field::new("supplier_sku", "supplier_sku", K::Text),
    Field::new("lead_time_days", "lead_time_days", K::Int).orderable(),
    Field::new("preferred", "preferred", K::Bool),
    CREATE_TIME,
];

pub const PURCHASE_ORDERS: &[Field] = &[
    Field::new("po_number", "po_number", K::Text).orderable(),
    Field::new("supplier_code", "supplier_code", K::Text).orderable(),
    Field::new("state", "state", K::Enum(PO_STATES)).orderable(),
    Field::new("order_date", "order_date", K::Date).orderable(),
    Field::new(
        "requested_delivery_date",
        "requested_delivery_date",
        K::Date,
    ),
    Field::new("currency", "currency", K::Text),
    Field::new("buyer", "buyer", K::Text),
    CREATE_TIME,
    UPDATE_TIME,
];

pub const RECEIPTS: &[Field] = &[
    Field::new("po_number", "po_number", K::Text).orderable(),
    Field::new("location_code", "location_code", K::Text),
    Field::new("user_name", "user_name", K::Text),
    Field::new("received_on", "received_on", K::Date).orderable(),
    CREATE_TIME,
];

pub const BILLS: &[Field] = &[
    Field::new("supplier_code", "supplier_code", K::Text).orderable(),
    Field::new("po_number", "po_number", K::Text),
    Field::new("invoice_number", "invoice_number", K::Text).orderable(),
    Field::new("invoice_date", "invoice_date", K::Date).orderable(),
    Field::new("due_date", "due_date", K::Date).orderable(),
    Field::new("state", "state", K::Enum(BILL_STATES)),
    CREATE_TIME,
];

pub const PAYMENTS: &[Field] = &[
    Field::new("bill_id", "bill_id", K::Text),
    Field::new("paid_on", "paid_on", K::Date).orderable(),
    Field::new("method", "method", K::Enum(PAYMENT_METHODS)),
    Field::new("reference", "reference", K::Text),
    CREATE_TIME,
];
