//! The one table from API error codes to gRPC status codes, and the google.rpc details
//! every error carries: an `ErrorInfo` reason always, `BadRequest` field violations for
//! bad input. Clients get a safe message; the full error chain goes to the log.

use std::collections::HashMap;
use std::error::Error as StdError;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// What went wrong, in the terms every service shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidArgument,
    NotFound,
    AlreadyExists,
    /// A stale etag, or a concurrent change.
    Aborted,
    /// A state machine refused a transition, or a rule about current data.
    FailedPrecondition,
    /// Another service or the database cannot be reached for now: retry later.
    Unavailable,
    DeadlineExceeded,
    Internal,
}

impl ErrorCode {
    /// The one place where API errors become gRPC codes.
    pub fn grpc(self) -> Code {
        match self {
            ErrorCode::InvalidArgument => Code::InvalidArgument,
            ErrorCode::NotFound => Code::NotFound,
            ErrorCode::AlreadyExists => Code::AlreadyExists,
            ErrorCode::Aborted => Code::Aborted,
            ErrorCode::FailedPrecondition => Code::FailedPrecondition,
            ErrorCode::Unavailable => Code::Unavailable,
            ErrorCode::DeadlineExceeded => Code::DeadlineExceeded,
            ErrorCode::Internal => Code::Internal,
        }
    }
}

/// An error on its way to a client; boxed, so that results stay small.
#[derive(Debug)]
pub struct ApiError(Box<ApiErrorDetails>);

#[derive(Debug)]
pub struct ApiErrorDetails {
    pub code: ErrorCode,
    /// UPPER_SNAKE_CASE, stable: clients switch on it (`ErrorInfo.reason`).
    pub reason: &'static str,
    /// Safe to show to the client.
    pub message: String,
    pub metadata: HashMap<String, String>,
    /// (field, description) for bad input.
    pub violations: Vec<(String, String)>,
    /// The cause, logged and never sent.
    pub source: Option<Box<dyn StdError + Send + Sync>>,
}

impl std::ops::Deref for ApiError {
    type Target = ApiErrorDetails;

    fn deref(&self) -> &ApiErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ApiErrorDetails {
        &mut self.0
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError(Box::new(ApiErrorDetails {
            code,
            reason,
            message: message.into(),
            metadata: HashMap::new(),
            violations: Vec::new(),
            source: None,
        }))
    }

    /// Bad input in one field.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        let field = field.into();
        let description = description.into();
        ApiError::new(
            ErrorCode::InvalidArgument,
            "INVALID_ARGUMENT",
            format!("invalid {field}: {description}"),
        )
        .violation(field, description)
    }

    pub fn not_found(entity: &str, key: &str) -> Self {
        ApiError::new(
            ErrorCode::NotFound,
            "NOT_FOUND",
            format!("{entity} {key} not found"),
        )
        .with("entity", entity)
        .with("key", key)
    }

    pub fn already_exists(entity: &str, key: &str) -> Self {
        ApiError::new(
            ErrorCode::AlreadyExists,
            "ALREADY_EXISTS",
            format!("{entity} {key} already exists"),
        )
        .with("entity", entity)
        .with("key", key)
    }

    /// The etag sent is not the current one: someone changed the resource meanwhile.
    pub fn stale(entity: &str, key: &str) -> Self {
        ApiError::new(
            ErrorCode::Aborted,
            "STALE_ETAG",
            format!("{entity} {key} was changed by someone else: read it again and retry"),
        )
        .with("entity", entity)
        .with("key", key)
    }

    pub fn precondition(reason: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::FailedPrecondition, reason, message)
    }

    /// A failure the client cannot fix; `source` is logged, never sent.
    pub fn internal(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        let mut e = ApiError::new(
            ErrorCode::Internal,
            "INTERNAL",
            "internal error: the service logged the details",
        );
        e.source = Some(source.into());
        e
    }

    pub fn unavailable(what: &str, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        let mut e = ApiError::new(
            ErrorCode::Unavailable,
            "UNAVAILABLE",
            format!("{what} cannot be reached for now: retry later"),
        );
        e.source = Some(source.into());
        e
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.metadata.insert(key.to_owned(), value.to_string());
        self
    }

    pub fn violation(mut self, field: impl Into<String>, description: impl Into<String>) -> Self {
        self.violations.push((field.into(), description.into()));
        self
    }

    /// The status sent to the client; `domain` is the ErrorInfo domain, such as
    /// `stock.bascule`. Internal and unavailable errors log their whole cause chain.
    pub fn into_status(self, domain: &str) -> Status {
        let e = *self.0;
        if let Some(source) = &e.source {
            let mut chain = source.to_string();
            let mut cause = source.source();
            while let Some(c) = cause {
                chain.push_str(": ");
                chain.push_str(&c.to_string());
                cause = c.source();
            }
            tracing::error!(reason = e.reason, error = %chain, "request failed");
        }
        let mut details = ErrorDetails::with_error_info(e.reason, domain, e.metadata);
        for (field, description) in e.violations {
            details.add_bad_request_violation(field, description);
        }
        Status::with_error_details(e.code.grpc(), e.message, details)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_carry_reason_metadata_and_violations_but_never_the_cause() {
        let status = ApiError::invalid("quantity", "must not be zero")
            .with("article", "MP-1")
            .into_status("stock.bascule");
        assert_eq!(status.code(), Code::InvalidArgument);
        let details = status.get_error_details();
        let info = details.error_info().expect("error info");
        assert_eq!(info.reason, "INVALID_ARGUMENT");
        assert_eq!(info.domain, "stock.bascule");
        assert_eq!(
            info.metadata.get("article").map(String::as_str),
            Some("MP-1")
        );
        let bad = details.bad_request().expect("bad request");
        assert_eq!(bad.field_violations[0].field, "quantity");

        let io = std::io::Error::other("password=secret in connection string");
        let status = ApiError::internal(io).into_status("stock.bascule");
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("secret"));
    }
}
