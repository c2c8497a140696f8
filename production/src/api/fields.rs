//! The fields each production List accepts in `filter` and `order_by`.

use bascule_rpc::{Field, FieldKind as K};

use crate::storage::{MAINTENANCE_KINDS, MO_STATES, TOOL_KINDS, TOOL_STATES};

const CREATE_TIME: Field = Field::new("create_time", "created_at", K::Timestamp).orderable();
const UPDATE_TIME: Field = Field::new("update_time", "updated_at", K::Timestamp).orderable();

pub const TOOLS: &[Field] = &[
    Field::new("code", "code", K::Text).orderable(),
    Field::new("name", "name", K::Text).orderable(),
    Field::new("kind", "kind", K::Enum(TOOL_KINDS)).orderable(),
    Field::new("state", "state", K::Enum(TOOL_STATES)).orderable(),
    Field::new("location", "location", K::Text).orderable(),
    Field::new("cycle_counter", "cycle_counter", K::Int).orderable(),
    Field::new("max_cycles_between_maintenance", "max_cycles", K::Int),
    Field::new("cycles_to_maintenance", "cycles_to_maintenance", K::Int),
    Field::new("next_maintenance_date", "next_maintenance_on", K::Date),
    Field::new("last_maintenance_date", "last_maintenance_on", K::Date),
    Field::new("purchase_date", "purchased_on", K::Date),
    Field::new("purchase_price", "purchase_price", K::Decimal),
    CREATE_TIME,
    UPDATE_TIME,
];

pub const MAINTENANCE: &[Field] = &[
    Field::new("tool_code", "tool_code", K::Text).orderable(),
    Field::new("kind", "kind", K::Enum(MAINTENANCE_KINDS)),
    Field::new("performed_date", "performed_on", K::Date).orderable(),
    Field::new("cycle_counter", "cycle_counter", K::Int),
    Field::new("performed_by", "performed_by", K::Text),
    Field::new("next_due_date", "next_due_on", K::Date),
    CREATE_TIME,
];

pub const BOMS: &[Field] = &[
    Field::new("article_code", "article_code", K::Text).orderable(),
    Field::new("name", "name", K::Text).orderable(),
    Field::new("batch_quantity", "batch_qty", K::Decimal),
    CREATE_TIME,
    UPDATE_TIME,
];

pub const ORDERS: &[Field] = &[
    Field::new("mo_number", "mo_number", K::Text).orderable(),
    Field::new("article_code", "article_code", K::Text).orderable(),
    Field::new("quantity", "quantity", K::Decimal),
    Field::new("state", "state", K::Enum(MO_STATES)).orderable(),
    Field::new("planned_start_date", "planned_start_on", K::Date).orderable(),
    Field::new("planned_end_date", "planned_end_on", K::Date).orderable(),
    Field::new("deadline_date", "deadline_on", K::Date),
    Field::new("origin_order_number", "origin_order_number", K::Text),
    Field::new("customer_code", "customer_code", K::Text),
    CREATE_TIME,
    UPDATE_TIME,
];

pub const PROGRESS: &[Field] = &[
    Field::new("entry_time", "entry_at", K::Timestamp).orderable(),
    Field::new("good_quantity", "qty_good", K::Decimal),
    Field::new("scrap_quantity", "qty_scrap", K::Decimal),
    Field::new("operator", "operator", K::Text).orderable(),
    Field::new("work_station", "work_station", K::Text),
    CREATE_TIME,
];
