//! Every schema this build of bascule owns, in creation order.

use bascule_platform::control;
use bascule_platform::db::schema::SchemaDef;

pub fn all() -> Vec<SchemaDef> {
    vec![
        control::schema(),
        bascule_fournisseurs::storage::schema().clone(),
        bascule_stock::storage::schema().clone(),
        bascule_production::storage::schema().clone(),
        bascule_clients::storage::schema().clone(),
    ]
}
