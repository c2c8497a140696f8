//! The e-mail path against real databases (SQLite and PostgreSQL, each test on a fresh
//! one) and real SMTP servers: the in-process one of `support::smtp`, and Debian's
//! aiosmtpd as an outside implementation.

// Test code: a failed unwrap is a failed test, with its line.
#![allow(clippy::unwrap_used)]

mod aiosmtpd;
mod deferred;
mod outbox;
mod relay;
mod support;
mod tls;
