//! The migration of the fournisseurs legacy data: the entities the engine can build from
//! the GESCOM purchasing application (Oracle, delivered as SQL Developer CSV exports),
//! and the default mapping (`fournisseurs.toml`) that feeds them.
//!
//! Every entity is built through the domain's own constructors and `validate()`, so that
//! the migration refuses what the API refuses; the few legacy-only checks (a record dated
//! after the extract, goods received on an order never sent) are in [`build`]. What the
//! load derives — each order's total against the total GESCOM recorded — is checked by
//! the after-load steps of [`checks`].

mod build;
mod checks;

use std::path::Path;

use bascule_migrate::engine::entity::{Catalog, RecordLoader};
use bascule_migrate::engine::plan::{MappingErrors, Plan, compile};
use bascule_migrate::mapping::val::Violation;

use crate::domain::FournisseursError;

/// The default mapping of every fournisseurs legacy source, paths relative to the legacy
/// root directory.
pub const DEFAULT_MAPPING: &str = include_str!("fournisseurs.toml");

/// The fournisseurs entities a mapping can feed, by table name, and the checks that
/// follow their load.
pub fn catalog() -> Catalog {
    Catalog::new()
        .with(RecordLoader::new("supplier", build::supplier))
        .with(RecordLoader::new(
            "supplier_legacy_id",
            build::supplier_legacy_id,
        ))
        .with(RecordLoader::new("purchase_order", build::order))
        .with(
            RecordLoader::new("purchase_order_line", build::line)
                .with_fields(&[build::ORDER_STATE]),
        )
        .with(RecordLoader::new("supplier_bill", build::bill).with_fields(&[build::ORDER_SUPPLIER]))
        .with(RecordLoader::new("payment", build::payment))
        .after_load(checks::order_totals)
}

/// The default mapping compiled against the legacy files under `source_dir`.
pub fn plan(source_dir: &Path) -> Result<Plan, MappingErrors> {
    compile(
        "fournisseurs.toml (built in)",
        DEFAULT_MAPPING,
        source_dir,
        &catalog(),
    )
}

/// A domain refusal as the reason a record is quarantined: the rule is the field at
/// fault (`siret`, `quantity`…), the message the domain's own.
pub(crate) fn violation(e: FournisseursError) -> Violation {
    let rule = match &e {
        FournisseursError::Invalid { field, .. } => (*field).to_owned(),
        FournisseursError::Overpayment { .. } => "overpayment".to_owned(),
        FournisseursError::Refused { .. } | FournisseursError::NotEditable { .. } => {
            "refused".to_owned()
        }
        FournisseursError::Transition { .. } => "transition".to_owned(),
        FournisseursError::NotFound { .. } => "not_found".to_owned(),
        FournisseursError::AlreadyExists { .. } => "duplicate".to_owned(),
        FournisseursError::Conflict { .. } | FournisseursError::Storage(_) => "domain".to_owned(),
    };
    Violation::new(rule, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_mapping_compiles() {
        let plan = plan(Path::new("/legacy")).unwrap();
        assert_eq!(plan.domain, "fournisseurs");
        let feeds: Vec<&str> = plan.feeds.iter().map(|f| f.entity.as_str()).collect();
        assert_eq!(
            feeds,
            [
                "supplier",
                "supplier_legacy_id",
                "purchase_order",
                "purchase_order_line",
                "supplier_bill",
                "payment"
            ]
        );
        assert!(plan.feeds.iter().all(|f| !f.legacy_key.is_empty()));
    }

    #[test]
    fn domain_refusals_name_the_field_at_fault() {
        let v = violation(FournisseursError::invalid("iban", "fails the check"));
        assert_eq!(v.rule, "iban");
        assert_eq!(v.message, "invalid iban: fails the check");
    }
}
