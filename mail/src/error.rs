//! What can go wrong on the e-mail path, outside of SMTP delivery itself (a delivery
//! failure is recorded on its outbox row, never returned to a business request).

use bascule_platform::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The e-mail cannot be written as given (no recipient, a bad address, an empty
    /// body…). Checked before any statement runs: the caller's transaction is intact.
    #[error("invalid e-mail: {0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("no outbox message {id} in domain {domain}")]
    NotFound { domain: String, id: String },
    #[error("outbox message {id} is {state}; only {allowed} messages can be {action}")]
    WrongState {
        id: String,
        state: String,
        allowed: &'static str,
        action: &'static str,
    },
    /// The SMTP settings cannot make a transport (bad URL, unreadable CA file…).
    #[error("SMTP settings: {0}")]
    Config(String),
    /// The relay refused the connection, did not greet, or refused TLS or the login.
    #[error("the SMTP relay does not answer: {0}")]
    Unreachable(String),
}
