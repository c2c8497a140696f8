//! For the tests of the domains that send e-mails (feature `testing`): a small but real
//! SMTP server started in the test process ([`smtp::SmtpServer`]), with plain SMTP,
//! STARTTLS or implicit TLS ([`pki::Pki`]) and AUTH, that keeps what it receives.
//!
//! Test code: a failed unwrap there is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_debug_implementations
)]

pub mod pki;
pub mod smtp;
