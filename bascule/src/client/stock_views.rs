//! How stock resources read in a terminal.

use bascule_proto::stock::v1 as pb;

use super::output::{Field, View};

impl View for pb::Article {
    const COLUMNS: &'static [&'static str] =
        &["code", "name", "kind", "unit", "unit_cost", "active"];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("code", Field::text(&self.code)),
            ("name", Field::text(&self.name)),
            (
                "kind",
                Field::enum_name(self.kind, pb::ArticleKind::as_str_name),
            ),
            ("unit", Field::text(&self.unit)),
            (
                "replenishment",
                Field::enum_name(self.replenishment, pb::Replenishment::as_str_name),
            ),
            ("unit_cost", Field::decimal(self.unit_cost.as_ref())),
            ("active", Field::Bool(self.active)),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::Location {
    const COLUMNS: &'static [&'static str] = &["code", "name", "warehouse", "active"];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("code", Field::text(&self.code)),
            ("name", Field::text(&self.name)),
            ("warehouse", Field::text(&self.warehouse)),
            ("active", Field::Bool(self.active)),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::StockLevel {
    const COLUMNS: &'static [&'static str] = &[
        "article_code",
        "location_code",
        "on_hand",
        "reserved",
        "incoming",
        "forecast",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("article_code", Field::text(&self.article_code)),
            ("location_code", Field::text(&self.location_code)),
            ("on_hand", Field::decimal(self.on_hand.as_ref())),
            ("reserved", Field::decimal(self.reserved.as_ref())),
            ("incoming", Field::decimal(self.incoming.as_ref())),
            ("forecast", Field::decimal(self.forecast.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::Movement {
    const COLUMNS: &'static [&'static str] = &[
        "occur_time",
        "kind",
        "article_code",
        "location_code",
        "quantity",
        "to_location_code",
        "reference",
        "user_name",
        "id",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("id", Field::text(&self.id)),
            (
                "kind",
                Field::enum_name(self.kind, pb::MovementKind::as_str_name),
            ),
            ("article_code", Field::text(&self.article_code)),
            ("location_code", Field::text(&self.location_code)),
            ("quantity", Field::decimal(self.quantity.as_ref())),
            ("to_location_code", Field::text(&self.to_location_code)),
            ("reference", Field::text(&self.reference)),
            ("occur_time", Field::time(self.occur_time.as_ref())),
            ("user_name", Field::text(&self.user_name)),
            ("note", Field::text(&self.note)),
            ("reverses", Field::text(&self.reverses)),
            ("create_time", Field::time(self.create_time.as_ref())),
        ]
    }
}

impl View for pb::ReorderRule {
    const COLUMNS: &'static [&'static str] = &[
        "article_code",
        "location_code",
        "min_quantity",
        "max_quantity",
        "multiple",
        "mode",
        "route",
        "preferred_supplier_code",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("article_code", Field::text(&self.article_code)),
            ("location_code", Field::text(&self.location_code)),
            ("min_quantity", Field::decimal(self.min_quantity.as_ref())),
            ("max_quantity", Field::decimal(self.max_quantity.as_ref())),
            ("multiple", Field::decimal(self.multiple.as_ref())),
            (
                "mode",
                Field::enum_name(self.mode, pb::ReorderMode::as_str_name),
            ),
            (
                "route",
                Field::enum_name(self.route, pb::Replenishment::as_str_name),
            ),
            (
                "preferred_supplier_code",
                Field::text(&self.preferred_supplier_code),
            ),
            ("etag", Field::text(&self.etag)),
            ("create_time", Field::time(self.create_time.as_ref())),
            ("update_time", Field::time(self.update_time.as_ref())),
        ]
    }
}

impl View for pb::ReplenishmentRequest {
    const COLUMNS: &'static [&'static str] = &[
        "create_time",
        "article_code",
        "location_code",
        "quantity",
        "route",
        "supplier_code",
        "state",
        "id",
    ];

    fn fields(&self) -> Vec<(&'static str, Field)> {
        vec![
            ("id", Field::text(&self.id)),
            ("article_code", Field::text(&self.article_code)),
            ("location_code", Field::text(&self.location_code)),
            ("quantity", Field::decimal(self.quantity.as_ref())),
            (
                "route",
                Field::enum_name(self.route, pb::Replenishment::as_str_name),
            ),
            ("supplier_code", Field::text(&self.supplier_code)),
            (
                "state",
                Field::enum_name(self.state, pb::RequestState::as_str_name),
            ),
            ("need_key", Field::text(&self.need_key)),
            ("create_time", Field::time(self.create_time.as_ref())),
        ]
    }
}
