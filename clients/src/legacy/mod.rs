//! The migration of the legacy customer data: the entities the engine can load, built
//! through the domain's own rules, and the default mapping of the legacy sources (the
//! PostgreSQL customer base and the older Access file).

mod build;

use std::path::Path;

use bascule_migrate::engine::entity::{AfterLoadFuture, Catalog, RecordLoader};
use bascule_migrate::engine::plan::{MappingErrors, Plan, compile};
use bascule_platform::db::Tx;

use crate::storage::derive_customer_consents;

/// The default mapping of the clients legacy sources, commented rule by rule.
pub const DEFAULT_MAPPING: &str = include_str!("clients.toml");

/// The name the default mapping goes by in messages and reports.
pub const DEFAULT_MAPPING_NAME: &str = "clients.toml (built in)";

/// The clients entities a mapping can feed, and what is derived after the load: the
/// current consent of each customer per purpose, from the consents its contacts gave.
pub fn catalog() -> Catalog {
    Catalog::new()
        .with(RecordLoader::new("customer", build::customer))
        .with(RecordLoader::new("customer_contact", build::contact))
        .with(RecordLoader::new("contact_consent", build::contact_consent))
        .with(RecordLoader::new("customer_order", build::order))
        .after_load(derive_consents)
}

fn derive_consents(tx: &mut Tx) -> AfterLoadFuture<'_> {
    Box::pin(derive_customer_consents(tx))
}

/// The default mapping, checked against the catalog, reading its files under
/// `source_dir` (the legacy root: `clients/clients_pg.dump`, `clients/clients.mdb`).
pub fn plan(source_dir: &Path) -> Result<Plan, MappingErrors> {
    compile(
        DEFAULT_MAPPING_NAME,
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
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/legacy"));
        let plan = plan(dir).unwrap_or_else(|e| panic!("{e}"));
        let feeds: Vec<String> = plan.feeds.iter().map(|f| f.label()).collect();
        assert_eq!(
            feeds,
            [
                "pg/clients -> customer",
                "access/Clients -> customer",
                "pg/contacts -> customer_contact",
                "pg/consentements_rgpd -> contact_consent",
                "pg/commandes -> customer_order",
            ]
        );
    }
}
