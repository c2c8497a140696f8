//! The mail crate's test SMTP server (a real one, plain), as these tests use it.

// Only the e-mail tests use it among the test binaries that share this support module.
#[allow(unused_imports)]
pub use bascule_mail::testing::smtp::{SmtpServer, deliver};
