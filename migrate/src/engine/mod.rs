//! The migration engine: plans from mapping files, streaming loads with checkpoints,
//! quarantine, reconciliation and reports.

pub mod apply;
pub mod catch_up;
pub mod checksum;
pub mod control;
pub mod entity;
mod feed_worker;
pub mod fingerprint;
pub mod fingerprint_store;
pub mod load;
mod load_new;
pub mod lookups;
pub mod merge;
pub mod plan;
mod progress;
pub mod reconcile;
pub mod record;
pub mod render;
mod render_html;
pub mod replay;
pub mod report;
pub mod run;
pub mod source_thread;

use crate::source::SourceError;
use bascule_platform::db::DbError;

/// Why a run could not go on (bad records are not errors: they are quarantined).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Mapping(#[from] MappingLineError),
    #[error(transparent)]
    MappingFile(#[from] plan::MappingErrors),
    #[error("{0}")]
    Plan(String),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A mapping mistake found only when reading the source (a column that is not there).
#[derive(Debug, thiserror::Error)]
#[error("{file}, line {line}: {message}")]
pub struct MappingLineError {
    pub file: String,
    pub line: usize,
    pub message: String,
}
