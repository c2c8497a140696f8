//! The migration of the legacy stock workbooks: the default mapping (`stock.toml`) and
//! the catalog the engine loads it with. Every record is built by the domain's own
//! constructors, so the migration refuses what the API would refuse.

mod levels;

use std::path::Path;

use bascule_migrate::engine::entity::{Catalog, MappedFields, RecordLoader};
use bascule_migrate::engine::plan::{MappingErrors, Plan, compile};
use bascule_migrate::mapping::val::Violation;
use bascule_platform::db::FromValue;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::domain::{
    Article, ArticleKind, Location, Movement, NewMovement, OPENING_REFERENCE, ReorderMode,
    ReorderRule, Replenishment, StockError,
};

pub use levels::{LevelSync, sync_levels};

/// The default mapping of the stock workbooks, written out by `bascule migrate`.
pub const DEFAULT_MAPPING: &str = include_str!("stock.toml");

/// The entities the stock mapping can feed, and the stock levels derived after the load.
pub fn catalog() -> Catalog {
    Catalog::new()
        .with(RecordLoader::new("article", build_article))
        .with(RecordLoader::new("location", build_location))
        .with(RecordLoader::new("movement", build_movement))
        .with(RecordLoader::new("reorder_rule", build_reorder_rule))
        .after_load(levels::after_load)
}

/// The built-in mapping compiled against `source_dir`, the legacy root directory.
pub fn plan(source_dir: &Path) -> Result<Plan, MappingErrors> {
    compile(
        "stock.toml (built in)",
        DEFAULT_MAPPING,
        source_dir,
        &catalog(),
    )
}

/// A domain error as a quarantine reason: the rule is `<entity>_<field>` for an invalid
/// field (`article_name`, `movement_quantity`), the entity's name otherwise.
fn refused(entity: &str) -> impl Fn(StockError) -> Violation + '_ {
    move |e| {
        let rule = match &e {
            StockError::Invalid { field, .. } => format!("{entity}_{field}"),
            _ => entity.to_owned(),
        };
        Violation::new(rule, e.to_string())
    }
}

/// A field that may be absent or empty; the domain says whether it may.
fn opt<T: FromValue>(f: &MappedFields, name: &str) -> Result<Option<T>, Violation> {
    f.opt(name)
}

fn text(f: &MappedFields, name: &str) -> Result<String, Violation> {
    Ok(opt::<String>(f, name)?.unwrap_or_default())
}

/// A field the record cannot do without, reported as `<entity>_<field>` when empty.
fn needed<T: FromValue>(f: &MappedFields, entity: &str, name: &str) -> Result<T, Violation> {
    opt(f, name)?.ok_or_else(|| {
        Violation::new(
            format!("{entity}_{name}"),
            format!("invalid {name}: a value is required"),
        )
    })
}

fn build_article(f: &MappedFields) -> Result<Article, Violation> {
    let refused = refused("article");
    let kind = ArticleKind::parse(&text(f, "kind")?).map_err(&refused)?;
    let replenishment = Replenishment::parse(&text(f, "replenishment")?).map_err(&refused)?;
    let unit_cost: Option<Decimal> = opt(f, "unit_cost")?;
    let mut article = Article::new(
        &text(f, "code")?,
        &text(f, "name")?,
        kind,
        &text(f, "unit")?,
        replenishment,
    )
    .and_then(|a| a.with_unit_cost(unit_cost))
    .map_err(&refused)?;
    if let Some(active) = opt::<bool>(f, "active")? {
        article.active = active;
    }
    Ok(article)
}

fn build_location(f: &MappedFields) -> Result<Location, Violation> {
    let mut location = Location::new(&text(f, "code")?, &text(f, "name")?, &text(f, "warehouse")?)
        .map_err(refused("location"))?;
    if let Some(active) = opt::<bool>(f, "active")? {
        location.active = active;
    }
    Ok(location)
}

/// The legacy movements are the opening stock: counts, turned into the ledger's first
/// movements by [`NewMovement::opening`].
fn build_movement(f: &MappedFields) -> Result<Movement, Violation> {
    if let Some(reference) = opt::<String>(f, "reference")?
        && reference != OPENING_REFERENCE
    {
        return Err(Violation::new(
            "movement_reference",
            format!(
                "the legacy stock gives opening movements only, referenced {OPENING_REFERENCE}, not {reference:?}"
            ),
        ));
    }
    let quantity: Decimal = needed(f, "movement", "quantity")?;
    let counted_at: DateTime<Utc> = needed(f, "movement", "occurred_at")?;
    let movement = NewMovement::opening(
        &text(f, "article_code")?,
        &text(f, "location_code")?,
        quantity,
        counted_at,
        Utc::now(),
        &text(f, "user_name")?,
        opt(f, "note")?,
    )
    .map_err(refused("movement"))?;
    Ok(Movement {
        movement,
        reverses: None,
    })
}

/// A rule from a bare threshold ([`ReorderRule::from_threshold`]); a mapping may give the
/// maximum, the multiple and the mode too.
fn build_reorder_rule(f: &MappedFields) -> Result<ReorderRule, Violation> {
    let refused = refused("reorder_rule");
    let route = Replenishment::parse(&text(f, "route")?).map_err(&refused)?;
    let mut rule = ReorderRule::from_threshold(
        &text(f, "article_code")?,
        &text(f, "location_code")?,
        needed(f, "reorder_rule", "min_qty")?,
        route,
        opt(f, "preferred_supplier_code")?,
    )
    .map_err(&refused)?;
    let (max, multiple) = (opt(f, "max_qty")?, opt(f, "multiple")?);
    let mode = opt::<String>(f, "reorder_mode")?;
    if max.is_none() && multiple.is_none() && mode.is_none() {
        return Ok(rule);
    }
    rule.max_qty = max.unwrap_or(rule.max_qty);
    rule.multiple = multiple.unwrap_or(rule.multiple);
    if let Some(mode) = mode {
        rule.mode = ReorderMode::parse(&mode).map_err(&refused)?;
    }
    rule.validate().map_err(&refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_mapping_compiles() {
        let plan = plan(Path::new("/nonexistent")).expect("the built-in mapping compiles");
        assert_eq!(plan.domain, "stock");
        assert_eq!(plan.feeds.len(), 10);
        let entities: Vec<&str> = plan.feeds.iter().map(|f| f.entity.as_str()).collect();
        assert_eq!(
            entities,
            [
                "article",
                "article",
                "article",
                "article",
                "location",
                "location",
                "movement",
                "movement",
                "reorder_rule",
                "reorder_rule"
            ]
        );
    }
}
