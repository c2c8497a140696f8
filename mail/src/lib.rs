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
//! - [`enqueue_deferred`] and [`Composer`]: an e-mail whose recipients or content come
//!   from another domain's service is written as a kind and a JSON payload, and composed
//!   by the domain's composer at each attempt until it is sent; a composer that cannot
//!   reach that service is retried like an SMTP 4xx answer.
//! - [`outbox::list_dead`], [`outbox::retry`] and [`outbox::cancel`] for the operators.
//! - [`Template`]: French subject, text and HTML parts with `{{name}}` placeholders.

// The testing module names this crate by its name, so that the mail crate's own tests
// can include it by path.
#[cfg(feature = "testing")]
extern crate self as bascule_mail;

pub mod api;
pub mod error;
pub mod french;
pub mod outbox;
pub mod refusal;
pub mod relay;
pub mod settings;
pub mod template;
#[cfg(feature = "testing")]
pub mod testing;

pub use api::OutboxApi;
pub use error::MailError;
pub use outbox::{
    Deferred, Email, Enqueued, OutboxMessage, OutboxState, enqueue, enqueue_deferred,
};
pub use relay::{
    ComposeError, ComposeFuture, Composed, Composer, Delivery, Recorded, Relay, RelayStats,
    RelayWaker, TickReport,
};
pub use settings::{MailSettings, RelayOptions, SmtpConfig, SmtpSecurity};
pub use template::{Rendered, Template, TemplateError, escape_html};
