//! The e-mail path every bascule domain shares.
//!
//! - [`outbox`]: a domain writes its e-mail with [`enqueue`] in the transaction of the
//!   business change that causes it; a deduplication key makes a repeated e-mail a no-op.
//!   Nothing there talks to SMTP, so a business request never waits for, nor fails
//!   because of, the mail server.
//! - [`Relay`]: a task per service claims the due rows of its domain, sends them with
//!   lettre over a pooled SMTP transport (rustls: plain, STARTTLS or implicit TLS, with
//!   optional authentication, all from one URL, see [`settings`]), retries temporary
//!   failures with exponential backoff and jitter, and gives up the others (DEAD), logging,
//!   counting and alerting the administrator by e-mail. Every message carries a
//!   Message-ID derived from its row, the same at every attempt.
//! - [`outbox::list_dead`], [`outbox::retry`] and [`outbox::cancel`] for the operators.
//! - [`Template`]: French subject, text and HTML parts with `{{name}}` placeholders.

pub mod api;
pub mod error;
pub mod outbox;
pub mod relay;
pub mod settings;
pub mod template;

pub use api::OutboxApi;
pub use error::MailError;
pub use outbox::{Email, Enqueued, OutboxMessage, OutboxState, enqueue};
pub use relay::{Delivery, Recorded, Relay, RelayStats, RelayWaker, TickReport};
pub use settings::{MailSettings, RelayOptions, SmtpConfig, SmtpSecurity};
pub use template::{Rendered, Template, TemplateError, escape_html};
