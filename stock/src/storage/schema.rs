//! The stock schema, version by version. Released versions are never edited.

use std::sync::LazyLock;

use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version, index,
};

pub const ARTICLE_KINDS: &[&str] = &[
    "RAW_MATERIAL",
    "COMPONENT",
    "CONSUMABLE",
    "PACKAGING",
    "SEMI_FINISHED",
    "FINISHED_GOOD",
];
pub const ROUTES: &[&str] = &["BUY", "MANUFACTURE"];
pub const MOVEMENT_KINDS: &[&str] = &[
    "RECEIPT",
    "ISSUE",
    "TRANSFER",
    "ADJUSTMENT",
    "PRODUCTION_CONSUMPTION",
    "PRODUCTION_OUTPUT",
    "DELIVERY",
];
pub const REORDER_MODES: &[&str] = &["AUTO", "MANUAL"];
pub const REQUEST_STATES: &[&str] = &["OPEN", "ORDERED", "DONE", "CANCELLED"];

fn v1() -> Vec<SchemaChange> {
    let article = &["code"];
    let location = &["code"];
    let tables = [
        TableDef::entity("article")
            .required("code", T::Text(32))
            .required("name", T::Text(200))
            .required("kind", T::Enum(ARTICLE_KINDS))
            .required("unit", T::Text(20))
            .required("replenishment", T::Enum(ROUTES))
            .required("active", T::Bool)
            .optional("unit_cost", T::MONEY)
            .unique(&["code"]),
        TableDef::entity("location")
            .required("code", T::Text(40))
            .required("name", T::Text(200))
            .required("warehouse", T::Text(60))
            .required("active", T::Bool)
            .unique(&["code"]),
        TableDef::entity("stock_level")
            .required("article_code", T::Text(32))
            .required("location_code", T::Text(40))
            .required("on_hand", T::QUANTITY)
            .required("reserved", T::QUANTITY)
            .required("incoming", T::QUANTITY)
            .unique(&["article_code", "location_code"])
            .references(&["article_code"], "article", article)
            .references(&["location_code"], "location", location),
        TableDef::entity("movement")
            .required("kind", T::Enum(MOVEMENT_KINDS))
            .required("article_code", T::Text(32))
            .required("location_code", T::Text(40))
            .optional("to_location_code", T::Text(40))
            .required("quantity", T::QUANTITY)
            .optional("reference", T::Text(100))
            .required("occurred_at", T::Timestamp)
            .required("user_name", T::Text(100))
            .optional("note", T::Text(1000))
            .optional("reverses", T::Id)
            .unique(&["reverses"])
            .references(&["article_code"], "article", article)
            .references(&["location_code"], "location", location)
            .references(&["to_location_code"], "location", location)
            .references(&["reverses"], "movement", &["id"]),
        TableDef::entity("reorder_rule")
            .required("article_code", T::Text(32))
            .required("location_code", T::Text(40))
            .required("min_qty", T::QUANTITY)
            .required("max_qty", T::QUANTITY)
            .required("multiple", T::QUANTITY)
            .required("reorder_mode", T::Enum(REORDER_MODES))
            .required("route", T::Enum(ROUTES))
            .optional("preferred_supplier_code", T::Text(32))
            .unique(&["article_code", "location_code"])
            .references(&["article_code"], "article", article)
            .references(&["location_code"], "location", location),
        TableDef::entity("replenishment_request")
            .required("article_code", T::Text(32))
            .required("location_code", T::Text(40))
            .required("quantity", T::QUANTITY)
            .required("route", T::Enum(ROUTES))
            .optional("supplier_code", T::Text(32))
            .required("state", T::Enum(REQUEST_STATES))
            .required("need_key", T::Text(200))
            .unique(&["need_key"])
            .references(&["article_code"], "article", article),
    ];
    let mut changes: Vec<SchemaChange> =
        tables.into_iter().map(SchemaChange::CreateTable).collect();
    changes.extend([
        index(
            "movement_article_ix",
            "movement",
            &["article_code", "location_code", "created_at"],
        ),
        index("movement_occurred_ix", "movement", &["occurred_at"]),
        index(
            "request_state_ix",
            "replenishment_request",
            &["state", "created_at"],
        ),
    ]);
    changes
}

static SCHEMA: LazyLock<SchemaDef> = LazyLock::new(|| {
    SchemaDef::new(
        SchemaName::Stock,
        vec![Version {
            number: 1,
            description: "articles, locations, levels, movement ledger, reorder rules",
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
        .expect("stock table defined in schema v1")
}
