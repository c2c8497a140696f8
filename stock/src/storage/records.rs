//! How each stock entity maps to its table's columns.

use bascule_platform::db::record::Record;
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::{DbError, Row, Value};

use super::schema::table;
use crate::domain::{
    Article, ArticleKind, Location, Movement, MovementKind, NewMovement, ReorderMode, ReorderRule,
    Replenishment, ReplenishmentRequest, RequestState, StockError, StockLevel,
};

fn decode_err(e: StockError) -> DbError {
    DbError::Decode(e.to_string())
}

impl Record for Article {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "code";

    fn table_def() -> &'static TableDef {
        table("article")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("code", (&self.code).into()),
            ("name", (&self.name).into()),
            ("kind", self.kind.as_str().into()),
            ("unit", (&self.unit).into()),
            ("replenishment", self.replenishment.as_str().into()),
            ("active", self.active.into()),
            ("unit_cost", self.unit_cost.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Article {
            code: row.get("code")?,
            name: row.get("name")?,
            kind: ArticleKind::parse(&row.get::<String>("kind")?).map_err(decode_err)?,
            unit: row.get("unit")?,
            replenishment: Replenishment::parse(&row.get::<String>("replenishment")?)
                .map_err(decode_err)?,
            active: row.get("active")?,
            unit_cost: row.get("unit_cost")?,
        })
    }
}

impl Record for Location {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "code";

    fn table_def() -> &'static TableDef {
        table("location")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("code", (&self.code).into()),
            ("name", (&self.name).into()),
            ("warehouse", (&self.warehouse).into()),
            ("active", self.active.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Location {
            code: row.get("code")?,
            name: row.get("name")?,
            warehouse: row.get("warehouse")?,
            active: row.get("active")?,
        })
    }
}

impl Record for StockLevel {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "article_code";

    fn table_def() -> &'static TableDef {
        table("stock_level")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("article_code", (&self.article_code).into()),
            ("location_code", (&self.location_code).into()),
            ("on_hand", self.on_hand.into()),
            ("reserved", self.reserved.into()),
            ("incoming", self.incoming.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(StockLevel {
            article_code: row.get("article_code")?,
            location_code: row.get("location_code")?,
            on_hand: row.get("on_hand")?,
            reserved: row.get("reserved")?,
            incoming: row.get("incoming")?,
        })
    }
}

impl Record for Movement {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "created_at";

    fn table_def() -> &'static TableDef {
        table("movement")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let m = &self.movement;
        vec![
            ("kind", m.kind.as_str().into()),
            ("article_code", (&m.article_code).into()),
            ("location_code", (&m.location_code).into()),
            ("to_location_code", m.to_location_code.clone().into()),
            ("quantity", m.quantity.into()),
            ("reference", m.reference.clone().into()),
            ("occurred_at", m.occurred_at.into()),
            ("user_name", (&m.user_name).into()),
            ("note", m.note.clone().into()),
            ("reverses", self.reverses.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Movement {
            movement: NewMovement {
                kind: MovementKind::parse(&row.get::<String>("kind")?).map_err(decode_err)?,
                article_code: row.get("article_code")?,
                location_code: row.get("location_code")?,
                to_location_code: row.get("to_location_code")?,
                quantity: row.get("quantity")?,
                reference: row.get("reference")?,
                occurred_at: row.get("occurred_at")?,
                user_name: row.get("user_name")?,
                note: row.get("note")?,
            },
            reverses: row.get("reverses")?,
        })
    }
}

impl Record for ReorderRule {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "article_code";

    fn table_def() -> &'static TableDef {
        table("reorder_rule")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("article_code", (&self.article_code).into()),
            ("location_code", (&self.location_code).into()),
            ("min_qty", self.min_qty.into()),
            ("max_qty", self.max_qty.into()),
            ("multiple", self.multiple.into()),
            ("reorder_mode", self.mode.as_str().into()),
            ("route", self.route.as_str().into()),
            (
                "preferred_supplier_code",
                self.preferred_supplier_code.clone().into(),
            ),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(ReorderRule {
            article_code: row.get("article_code")?,
            location_code: row.get("location_code")?,
            min_qty: row.get("min_qty")?,
            max_qty: row.get("max_qty")?,
            multiple: row.get("multiple")?,
            mode: ReorderMode::parse(&row.get::<String>("reorder_mode")?).map_err(decode_err)?,
            route: Replenishment::parse(&row.get::<String>("route")?).map_err(decode_err)?,
            preferred_supplier_code: row.get("preferred_supplier_code")?,
        })
    }
}

impl Record for ReplenishmentRequest {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "created_at";

    fn table_def() -> &'static TableDef {
        table("replenishment_request")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("article_code", (&self.article_code).into()),
            ("location_code", (&self.location_code).into()),
            ("quantity", self.quantity.into()),
            ("route", self.route.as_str().into()),
            ("supplier_code", self.supplier_code.clone().into()),
            ("state", self.state.as_str().into()),
            ("need_key", (&self.need_key).into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(ReplenishmentRequest {
            article_code: row.get("article_code")?,
            location_code: row.get("location_code")?,
            quantity: row.get("quantity")?,
            route: Replenishment::parse(&row.get::<String>("route")?).map_err(decode_err)?,
            supplier_code: row.get("supplier_code")?,
            state: RequestState::parse(&row.get::<String>("state")?).map_err(decode_err)?,
            need_key: row.get("need_key")?,
        })
    }
}
