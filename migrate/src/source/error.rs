//! Errors of the sources, written for the person who has to fix the file.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a readable {format} file: {message}")]
    Format {
        path: PathBuf,
        format: &'static str,
        message: String,
    },
    #[error("{path} is protected by a password: give it with --password")]
    PasswordRequired { path: PathBuf },
    #[error("{path}: the password is wrong")]
    WrongPassword { path: PathBuf },
    #[error("{source_name} has no table {table:?} (it has: {available})")]
    TableNotFound {
        source_name: String,
        table: String,
        available: String,
    },
    #[error("{source_name}, table {table}, column {column}: {reason}")]
    UnsupportedColumn {
        source_name: String,
        table: String,
        column: String,
        reason: String,
    },
    #[error("{source_name}: {message}")]
    Database {
        source_name: String,
        message: String,
    },
    #[error("{source_name}, table {table}: invalid resume position {position:?}")]
    BadPosition {
        source_name: String,
        table: String,
        position: String,
    },
    #[error("{source_name}, table {table}, {locator}: {message}")]
    Record {
        source_name: String,
        table: String,
        locator: String,
        message: String,
    },
}
