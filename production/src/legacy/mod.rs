//! The migration of the production legacy data: the entities the engine can build from
//! the Access tracking bases and the PostgreSQL tracking base, and the default mapping
//! (`production.toml`) that feeds them.
//!
//! Every entity is built through the domain's own `validate()`, so that the migration
//! refuses what the API refuses; the legacy-only checks (a tool's kind against its code,
//! a declaration dated in the future) are in [`build`].

mod build;

use std::path::Path;

use bascule_migrate::engine::entity::{Catalog, RecordLoader};
use bascule_migrate::engine::plan::{MappingErrors, Plan, compile};

/// The default mapping of every production legacy source, paths relative to the legacy
/// root directory.
pub const DEFAULT_MAPPING: &str = include_str!("production.toml");

/// The production entities a mapping can feed, by table name.
pub fn catalog() -> Catalog {
    Catalog::new()
        .with(RecordLoader::new("tool", build::tool))
        .with(RecordLoader::new("shop_operator", build::operator))
        .with(RecordLoader::new("manufacturing_order", build::order))
        .with(RecordLoader::new(
            "manufacturing_order_tool",
            build::order_tool,
        ))
        .with(RecordLoader::new("progress_entry", build::progress))
}

/// The default mapping compiled against the legacy files under `source_dir`.
pub fn plan(source_dir: &Path) -> Result<Plan, MappingErrors> {
    compile(
        "production.toml (built in)",
        DEFAULT_MAPPING,
        source_dir,
        &catalog(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_mapping_compiles() {
        let plan = plan(Path::new("/legacy")).unwrap();
        assert_eq!(plan.domain, "production");
        assert_eq!(plan.feeds.len(), 12);
    }
}
