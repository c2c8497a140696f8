//! Stock messages to domain values and back; the domain's constructors check the input.

use bascule_platform::db::record::Stored;
use bascule_proto::stock::v1 as pb;
use bascule_rpc::ApiError;
use bascule_rpc::convert::{
    decimal, enum_by_name, etag, optional_decimal, optional_text, parse_decimal,
    parse_optional_decimal, parse_timestamp, proto_enum, timestamp,
};

use crate::domain::{
    Article, ArticleKind, Location, Movement, MovementKind, NewMovement, ReorderMode, ReorderRule,
    Replenishment, ReplenishmentRequest, StockLevel,
};

pub fn article_kind(value: i32) -> Result<ArticleKind, ApiError> {
    let name = enum_by_name::<pb::ArticleKind>("kind", value, |e| e.as_str_name())?;
    Ok(ArticleKind::parse(name)?)
}

pub fn replenishment(field: &str, value: i32) -> Result<Replenishment, ApiError> {
    let name = enum_by_name::<pb::Replenishment>(field, value, |e| e.as_str_name())?;
    Ok(Replenishment::parse(name)?)
}

pub fn article_from(a: &pb::Article) -> Result<Article, ApiError> {
    let article = Article::new(
        &a.code,
        &a.name,
        article_kind(a.kind)?,
        &a.unit,
        replenishment("replenishment", a.replenishment)?,
    )?
    .with_unit_cost(parse_optional_decimal("unit_cost", a.unit_cost.as_ref())?)?;
    Ok(Article {
        active: a.active,
        ..article
    })
}

pub fn article(s: Stored<Article>) -> pb::Article {
    let a = s.value;
    pb::Article {
        code: a.code,
        name: a.name,
        kind: proto_enum(a.kind.as_str(), pb::ArticleKind::from_str_name) as i32,
        unit: a.unit,
        replenishment: proto_enum(a.replenishment.as_str(), pb::Replenishment::from_str_name)
            as i32,
        active: a.active,
        unit_cost: optional_decimal(a.unit_cost),
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

pub fn location_from(l: &pb::Location) -> Result<Location, ApiError> {
    Ok(Location {
        active: l.active,
        ..Location::new(&l.code, &l.name, &l.warehouse)?
    })
}

pub fn location(s: Stored<Location>) -> pb::Location {
    let l = s.value;
    pb::Location {
        code: l.code,
        name: l.name,
        warehouse: l.warehouse,
        active: l.active,
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

pub fn level(l: StockLevel, updated: Option<chrono::DateTime<chrono::Utc>>) -> pb::StockLevel {
    pb::StockLevel {
        forecast: Some(decimal(l.forecast())),
        article_code: l.article_code,
        location_code: l.location_code,
        on_hand: Some(decimal(l.on_hand)),
        reserved: Some(decimal(l.reserved)),
        incoming: Some(decimal(l.incoming)),
        update_time: updated.map(timestamp),
    }
}

pub fn stored_level(s: Stored<StockLevel>) -> pb::StockLevel {
    level(s.value, Some(s.updated_at))
}

pub fn new_movement(m: &pb::Movement) -> Result<NewMovement, ApiError> {
    let kind = enum_by_name::<pb::MovementKind>("kind", m.kind, |e| e.as_str_name())?;
    Ok(NewMovement {
        kind: MovementKind::parse(kind)?,
        article_code: m.article_code.clone(),
        location_code: m.location_code.clone(),
        quantity: parse_decimal("quantity", m.quantity.as_ref())?,
        to_location_code: optional_text(&m.to_location_code),
        reference: optional_text(&m.reference),
        occurred_at: match &m.occur_time {
            Some(t) => parse_timestamp("occur_time", t)?,
            None => bascule_platform::db::record::now(),
        },
        user_name: m.user_name.clone(),
        note: optional_text(&m.note),
    })
}

pub fn movement(s: Stored<Movement>) -> pb::Movement {
    let Movement {
        movement: m,
        reverses,
    } = s.value;
    pb::Movement {
        id: s.id,
        kind: proto_enum(m.kind.as_str(), pb::MovementKind::from_str_name) as i32,
        article_code: m.article_code,
        location_code: m.location_code,
        quantity: Some(decimal(m.quantity)),
        to_location_code: m.to_location_code.unwrap_or_default(),
        reference: m.reference.unwrap_or_default(),
        occur_time: Some(timestamp(m.occurred_at)),
        user_name: m.user_name,
        note: m.note.unwrap_or_default(),
        reverses: reverses.unwrap_or_default(),
        create_time: Some(timestamp(s.created_at)),
    }
}

pub fn rule_from(r: &pb::ReorderRule) -> Result<ReorderRule, ApiError> {
    let mode = enum_by_name::<pb::ReorderMode>("mode", r.mode, |e| e.as_str_name())?;
    Ok(ReorderRule {
        article_code: r.article_code.clone(),
        location_code: r.location_code.clone(),
        min_qty: parse_decimal("min_quantity", r.min_quantity.as_ref())?,
        max_qty: parse_decimal("max_quantity", r.max_quantity.as_ref())?,
        multiple: parse_optional_decimal("multiple", r.multiple.as_ref())?
            .unwrap_or(rust_decimal::Decimal::ONE),
        mode: ReorderMode::parse(mode)?,
        route: replenishment("route", r.route)?,
        preferred_supplier_code: optional_text(&r.preferred_supplier_code),
    })
}

pub fn rule(s: Stored<ReorderRule>) -> pb::ReorderRule {
    let r = s.value;
    pb::ReorderRule {
        article_code: r.article_code,
        location_code: r.location_code,
        min_quantity: Some(decimal(r.min_qty)),
        max_quantity: Some(decimal(r.max_qty)),
        multiple: Some(decimal(r.multiple)),
        mode: proto_enum(r.mode.as_str(), pb::ReorderMode::from_str_name) as i32,
        route: proto_enum(r.route.as_str(), pb::Replenishment::from_str_name) as i32,
        preferred_supplier_code: r.preferred_supplier_code.unwrap_or_default(),
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

pub fn request(s: Stored<ReplenishmentRequest>) -> pb::ReplenishmentRequest {
    let r = s.value;
    pb::ReplenishmentRequest {
        id: s.id,
        article_code: r.article_code,
        location_code: r.location_code,
        quantity: Some(decimal(r.quantity)),
        route: proto_enum(r.route.as_str(), pb::Replenishment::from_str_name) as i32,
        supplier_code: r.supplier_code.unwrap_or_default(),
        state: proto_enum(r.state.as_str(), pb::RequestState::from_str_name) as i32,
        need_key: r.need_key,
        create_time: Some(timestamp(s.created_at)),
    }
}
