//! Errors of the data-access layer, free of any driver type.

/// What went wrong talking to the target database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("invalid target URL {url:?}: {reason}")]
    InvalidTarget { url: String, reason: String },
    #[error(
        "the Oracle client library (libclntsh.so) was not found: install Oracle Instant Client \
         (basic or basic-light) and put its directory in LD_LIBRARY_PATH"
    )]
    OracleClientMissing,
    #[error("cannot connect to {target}: {message}")]
    Connect { target: String, message: String },
    #[error("database error: {0}")]
    Query(String),
    #[error("{0} already exists")]
    Duplicate(String),
    #[error("not found")]
    NotFound,
    #[error("the record was changed by someone else (revision {expected} is stale)")]
    StaleRevision { expected: i64 },
    #[error("{column} is too long: {length} characters, at most {max}")]
    TooLong {
        column: String,
        length: usize,
        max: usize,
    },
    #[error("cannot read a value: {0}")]
    Decode(String),
    #[error("invalid page token")]
    InvalidPageToken,
    #[error(
        "schema {schema} is at version {found}, newer than the {known} this bascule knows: use a newer bascule"
    )]
    SchemaTooNew {
        schema: String,
        found: i64,
        known: i64,
    },
    #[error("schema {schema} is at version {found}, expected {expected}: run `bascule db upgrade`")]
    SchemaOutdated {
        schema: String,
        found: i64,
        expected: i64,
    },
}

impl DbError {
    pub(crate) fn query(e: impl std::fmt::Display) -> Self {
        DbError::Query(e.to_string())
    }
}
