//! The four domains in the plan's order, with the legacy mapping each ships.

use bascule_migrate::engine::entity::Catalog;

/// A domain as the migration sees it.
#[derive(Debug, Clone, Copy)]
pub struct Domain {
    pub name: &'static str,
    pub catalog: fn() -> Catalog,
    /// The default mapping of the company's legacy layout.
    pub mapping: &'static str,
}

/// fournisseurs → stock → production → clients.
pub const PLAN_ORDER: [Domain; 4] = [
    Domain {
        name: "fournisseurs",
        catalog: bascule_fournisseurs::legacy::catalog,
        mapping: bascule_fournisseurs::legacy::DEFAULT_MAPPING,
    },
    Domain {
        name: "stock",
        catalog: bascule_stock::legacy::catalog,
        mapping: bascule_stock::legacy::DEFAULT_MAPPING,
    },
    Domain {
        name: "production",
        catalog: bascule_production::legacy::catalog,
        mapping: bascule_production::legacy::DEFAULT_MAPPING,
    },
    Domain {
        name: "clients",
        catalog: bascule_clients::legacy::catalog,
        mapping: bascule_clients::legacy::DEFAULT_MAPPING,
    },
];

pub fn find(name: &str) -> Option<Domain> {
    PLAN_ORDER.into_iter().find(|d| d.name == name)
}

pub fn names() -> String {
    PLAN_ORDER
        .iter()
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}
