//! What the four gRPC services share and no business term: errors carrying google.rpc
//! details, AIP-160 filters and paging, idempotent creates, the switch-over gate, the
//! access log, and server and client plumbing.

mod access_log;
mod check_pass;
pub mod client;
pub mod convert;
mod error;
pub mod filter;
mod gate;
pub mod handler;
mod idempotency;
pub mod server;
pub mod testing;

pub use access_log::{AccessLogLayer, REQUEST_ID_HEADER};
pub use check_pass::CheckPassLayer;
pub use error::{ApiError, ErrorCode};
pub use filter::{Field, FieldKind, ListParams, list_params};
pub use gate::LiveGate;
pub use idempotency::RequestLog;

/// The outcome of a handler before it becomes a gRPC response.
pub type ApiResult<T> = Result<T, ApiError>;
