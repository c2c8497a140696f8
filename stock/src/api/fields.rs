//! The fields each stock List accepts in `filter` and `order_by`.

use bascule_rpc::{Field, FieldKind as K};

use crate::storage::{ARTICLE_KINDS, MOVEMENT_KINDS, REORDER_MODES, REQUEST_STATES, ROUTES};

const CREATE_TIME: Field = Field::new("create_time", "created_at", K::Timestamp).orderable();
const UPDATE_TIME: Field = Field::new("update_time", "updated_at", K::Timestamp).orderable();

pub const ARTICLES: &[Field] = &[
    Field::new("code", "code", K::Text).orderable(),
    Field::new("name", "name", K::Text).orderable(),
    Field::new("kind", "kind", K::Enum(ARTICLE_KINDS)).orderable(),
    Field::new("unit", "unit", K::Text),
    Field::new("replenishment", "replenishment", K::Enum(ROUTES)),
    Field::new("active", "active", K::Bool),
    Field::new("unit_cost", "unit_cost", K::Decimal),
    CREATE_TIME,
    UPDATE_TIME,
];

pub const LOCATIONS: &[Field] = &[
    Field::new("code", "code", K::Text).orderable(),
    Field::new("name", "name", K::Text).orderable(),
    Field::new("warehouse", "warehouse", K::Text).orderable(),
    Field::new("active", "active", K::Bool),
    CREATE_TIME,
    UPDATE_TIME,
];

pub const LEVELS: &[Field] = &[
    Field::new("article_code", "article_code", K::Text).orderable(),
    Field::new("location_code", "location_code", K::Text).orderable(),
    Field::new("on_hand", "on_hand", K::Decimal).orderable(),
    Field::new("reserved", "reserved", K::Decimal),
    Field::new("incoming", "incoming", K::Decimal),
    UPDATE_TIME,
];

pub const MOVEMENTS: &[Field] = &[
    Field::new("kind", "kind", K::Enum(MOVEMENT_KINDS)),
    Field::new("article_code", "article_code", K::Text).orderable(),
    Field::new("location_code", "location_code", K::Text),
    Field::new("to_location_code", "to_location_code", K::Text),
    Field::new("reference", "reference", K::Text),
    Field::new("user_name", "user_name", K::Text),
    Field::new("quantity", "quantity", K::Decimal),
    Field::new("occur_time", "occurred_at", K::Timestamp).orderable(),
    Field::new("reverses", "reverses", K::Text),
    CREATE_TIME,
];

pub const REORDER_RULES: &[Field] = &[
    Field::new("article_code", "article_code", K::Text).orderable(),
    Field::new("location_code", "location_code", K::Text).orderable(),
    Field::new("mode", "reorder_mode", K::Enum(REORDER_MODES)),
    Field::new("route", "route", K::Enum(ROUTES)),
    Field::new(
        "preferred_supplier_code",
        "preferred_supplier_code",
        K::Text,
    ),
    CREATE_TIME,
];

pub const REQUESTS: &[Field] = &[
    Field::new("article_code", "article_code", K::Text).orderable(),
    Field::new("location_code", "location_code", K::Text),
    Field::new("state", "state", K::Enum(REQUEST_STATES)),
    Field::new("route", "route", K::Enum(ROUTES)),
    Field::new("supplier_code", "supplier_code", K::Text),
    CREATE_TIME,
];
