//! What every bascule service shares and no business term: settings, target database
//! access (dialects, schema versioning, repositories written once), identifiers.

pub mod check_token;
pub mod control;
pub mod db;
pub mod domain_state;
pub mod ident;
pub mod settings;
pub mod testing;
