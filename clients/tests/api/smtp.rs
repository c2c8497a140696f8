//! The mail crate's test SMTP server (a real one, plain), as these tests use it.

pub use bascule_mail::testing::smtp::{SmtpServer, deliver};
