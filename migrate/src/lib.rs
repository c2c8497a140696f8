//! The migration engine, independent of gRPC: streaming legacy sources, declarative
//! mappings, validation and quarantine, checkpointed loads, reconciliation and reports.

pub mod engine;
pub mod inspect;
pub mod mapping;
pub mod source;
