//! The fields each clients List accepts in `filter` and `order_by`.

use bascule_rpc::{Field, FieldKind as K};

use crate::storage::{CONSENT_PURPOSES, ORDER_STATES};

const CREATE_TIME: Field = Field::new("create_time", "created_at", K::Timestamp).orderable();
const UPDATE_TIME: Field = Field::new("update_time", "updated_at", K::Timestamp).orderable();

pub const CUSTOMERS: &[Field] = &[
    Field::new("code", "code", K::Text).orderable(),
    Field::new("name", "name", K::Text).orderable(),
    Field::new("siret", "siret", K::Text),
    Field::new("vat_number", "vat_number", K::Text),
    Field::new("billing_address.city", "billing_city", K::Text).orderable(),
    Field::new(
        "billing_address.postal_code",
        "billing_postal_code",
        K::Text,
    ),
    Field::new("billing_address.country", "billing_country", K::Text),
    Field::new("payment_terms_days", "payment_terms_days", K::Int),
    Field::new("active", "active", K::Bool),
    Field::new("erase_time", "erased_at", K::Timestamp),
    CREATE_TIME,
    UPDATE_TIME,
];

pub const CONTACTS: &[Field] = &[
    Field::new("first_name", "first_name", K::Text).orderable(),
    Field::new("last_name", "last_name", K::Text).orderable(),
    Field::new("job_title", "job_title", K::Text),
    Field::new("email", "email", K::Text),
    Field::new("principal", "principal", K::Bool),
    CREATE_TIME,
];

pub const CONSENTS: &[Field] = &[
    Field::new("purpose", "purpose", K::Enum(CONSENT_PURPOSES)).orderable(),
    Field::new("granted", "granted", K::Bool),
    Field::new("channel", "channel", K::Text),
    Field::new("collect_time", "collected_at", K::Timestamp).orderable(),
    Field::new("withdraw_time", "withdrawn_at", K::Timestamp),
];

pub const ORDERS: &[Field] = &[
    Field::new("order_number", "order_number", K::Text).orderable(),
    Field::new("customer_code", "customer_code", K::Text).orderable(),
    Field::new("customer_reference", "customer_reference", K::Text),
    Field::new("state", "state", K::Enum(ORDER_STATES)).orderable(),
    Field::new("order_date", "order_date", K::Date).orderable(),
    Field::new("requested_date", "requested_date", K::Date).orderable(),
    Field::new("promised_date", "promised_date", K::Date),
    Field::new("currency", "currency", K::Text),
    CREATE_TIME,
    UPDATE_TIME,
];
