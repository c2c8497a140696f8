//! The e-mail settings: where the SMTP relay is (one URL), who sends, who is alerted,
//! and how hard the relay tries. Read from a map of `BASCULE_*` variables (or the dotted
//! keys of the settings file), every error collected at once.
//!
//! # The SMTP URL (`BASCULE_SMTP_URL`)
//!
//! | URL | connection | default port |
//! |---|---|---|
//! | `smtp://host[:port]` | plain SMTP, no TLS (only for a relay on this machine or a trusted network) | 25 |
//! | `smtp://host[:port]?tls=starttls` | STARTTLS, required: the relay refuses to go on in clear | 587 |
//! | `smtps://host[:port]` | implicit TLS from the first byte (RFC 8314) | 465 |
//!
//! `?tls=required` (lettre's spelling) means the same as `?tls=starttls`; `?tls=none` is
//! plain SMTP said explicitly. Credentials go before the host, percent-encoded:
//! `smtps://alertes%40exemple.fr:s3cr%C3%A9t@mail.exemple.fr:465`. They are refused over
//! plain SMTP to another machine, where they would cross the network in clear.
//! Certificates are checked against the public web PKI roots, plus the PEM file of
//! `BASCULE_SMTP_TLS_CA` when the relay uses a private CA.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::Mailbox;

/// How the connection to the SMTP relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// No TLS at all.
    Plain,
    /// Plain connection upgraded with STARTTLS before anything else is said; refused
    /// when the server does not offer it.
    StartTls,
    /// TLS from the first byte (`smtps://`).
    ImplicitTls,
}

/// One SMTP relay, as `BASCULE_SMTP_URL` and its companion settings describe it.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password, for SMTP AUTH (PLAIN or LOGIN).
    pub credentials: Option<(String, String)>,
    /// A PEM file of CA certificates trusted besides the public roots.
    pub tls_ca: Option<PathBuf>,
    /// How long one SMTP command may take, connecting included.
    pub timeout: Duration,
    /// Connections kept open to the relay.
    pub pool_size: u32,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

pub const DEFAULT_SMTP_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_POOL_SIZE: u32 = 4;

impl SmtpConfig {
    /// Parses an SMTP URL (see the module documentation). Errors never show the password.
    pub fn parse(input: &str) -> Result<SmtpConfig, String> {
        let shown = redact_url(input.trim());
        let bad = |reason: &str| format!("SMTP URL {shown:?}: {reason}");
        let url = url::Url::parse(input.trim()).map_err(|e| bad(&e.to_string()))?;
        let implicit = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => {
                return Err(bad(&format!(
                    "the scheme {other}:// is not smtp:// (plain or ?tls=starttls) or smtps:// (implicit TLS)"
                )));
            }
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host, e.g. smtp://127.0.0.1:2525"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if !matches!(url.path(), "" | "/") {
            return Err(bad("a path means nothing here"));
        }
        if url.fragment().is_some() {
            return Err(bad("a #fragment means nothing here"));
        }
        let mut tls: Option<String> = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "tls" if tls.is_none() => tls = Some(value.into_owned()),
                "tls" => return Err(bad("tls is given twice")),
                other => {
                    return Err(bad(&format!(
                        "unknown parameter {other:?} (the only one is tls=starttls)"
                    )));
                }
            }
        }
        let security = match (implicit, tls.as_deref()) {
            (true, None) => SmtpSecurity::ImplicitTls,
            (true, Some(_)) => {
                return Err(bad(
                    "smtps:// is already TLS: drop ?tls, or use smtp://…?tls=starttls",
                ));
            }
            (false, None | Some("none")) => SmtpSecurity::Plain,
            (false, Some("starttls" | "required")) => SmtpSecurity::StartTls,
            (false, Some(other)) => {
                return Err(bad(&format!(
                    "tls={other} is not starttls or none (opportunistic TLS is not offered: \
                     it falls back to clear text without a word)"
                )));
            }
        };
        let port = url.port().unwrap_or(match security {
            SmtpSecurity::Plain => 25,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::ImplicitTls => 465,
        });
        let credentials = if url.username().is_empty() {
            if url.password().is_some() {
                return Err(bad("a password without a user name"));
            }
            None
        } else {
            let user = percent_decode(url.username()).map_err(|e| bad(&e))?;
            let password = percent_decode(url.password().unwrap_or("")).map_err(|e| bad(&e))?;
            Some((user, password))
        };
        let config = SmtpConfig {
            host,
            port,
            security,
            credentials,
            tls_ca: None,
            timeout: DEFAULT_SMTP_TIMEOUT,
            pool_size: DEFAULT_POOL_SIZE,
        };
        if config.credentials.is_some() && config.cleartext_to_network() {
            return Err(bad(
                "credentials would cross the network in clear: use smtps:// or ?tls=starttls",
            ));
        }
        Ok(config)
    }

    /// True when messages would cross a network unencrypted: plain SMTP to a host that
    /// is not this machine. Allowed (an internal relay may offer nothing else) but the
    /// relay says so when it starts.
    pub fn cleartext_to_network(&self) -> bool {
        self.security == SmtpSecurity::Plain && !is_loopback(&self.host)
    }

    /// The URL without its password, fit for logs.
    pub fn redacted(&self) -> String {
        let (scheme, query) = match self.security {
            SmtpSecurity::Plain => ("smtp", ""),
            SmtpSecurity::StartTls => ("smtp", "?tls=starttls"),
            SmtpSecurity::ImplicitTls => ("smtps", ""),
        };
        let user = self
            .credentials
            .as_ref()
            .map_or_else(String::new, |(u, _)| format!("{u}:***@"));
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{user}{host}:{}{query}", self.port)
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || IpAddr::from_str(host).is_ok_and(|ip| ip.is_loopback())
}

/// Hides the password of a URL that could not be parsed.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split_once(':').map_or(credentials, |(u, _)| u);
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("truncated %-escape")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad %-escape %{hex}"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "%-escapes are not UTF-8".to_owned())
}

/// How a relay claims, retries and gives up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayOptions {
    /// How often the outbox is looked at when nothing wakes the relay earlier.
    pub poll_interval: Duration,
    /// Messages claimed at once.
    pub batch_size: u32,
    /// How long a claim holds: a message left SENDING by a relay that died is taken up
    /// again after this. Longer than a batch can take to send.
    pub lease: Duration,
    /// Attempts (claims) before a message that keeps failing temporarily is DEAD.
    pub max_attempts: u32,
    /// The wait after the first temporary failure; doubled after each following one.
    pub backoff_base: Duration,
    /// The longest wait between two attempts.
    pub backoff_max: Duration,
    /// How often a message waiting for another domain's switch-over is tried again
    /// (such waits use up no attempt).
    pub wait_for_domain: Duration,
}

impl Default for RelayOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(5),
            batch_size: 20,
            lease: Duration::from_secs(600),
            // 30 s, 1 min, 2 min … then hourly: about 15 hours of trying.
            max_attempts: 20,
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            wait_for_domain: Duration::from_secs(900),
        }
    }
}

/// Every e-mail setting: the dotted key of the settings file and its variable.
pub const KEYS: &[(&str, &str)] = &[
    ("mail.smtp_url", "BASCULE_SMTP_URL"),
    ("mail.smtp_tls_ca", "BASCULE_SMTP_TLS_CA"),
    ("mail.smtp_timeout_secs", "BASCULE_SMTP_TIMEOUT_SECS"),
    ("mail.from", "BASCULE_MAIL_FROM"),
    ("mail.admin", "BASCULE_MAIL_ADMIN"),
    ("mail.max_attempts", "BASCULE_MAIL_MAX_ATTEMPTS"),
    ("mail.poll_secs", "BASCULE_MAIL_POLL_SECS"),
    ("mail.purchasing", "BASCULE_MAIL_PURCHASING"),
    ("mail.production_team", "BASCULE_MAIL_PRODUCTION_TEAM"),
];

/// The e-mail settings of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// `None` when `BASCULE_SMTP_URL` is unset: no relay runs, e-mails wait in the outbox.
    pub smtp: Option<SmtpConfig>,
    /// The From of every message, e.g. `Bascule <bascule@exemple.fr>`.
    pub sender: Option<String>,
    /// Who is told when a message cannot be delivered.
    pub admin: Option<String>,
    /// The purchasing department, copied on replenishment requests to suppliers.
    pub purchasing: Option<String>,
    /// The production team, told of customer orders and of articles to manufacture.
    pub production_team: Option<String>,
    pub relay: RelayOptions,
}

impl MailSettings {
    /// Reads the settings from `values`, keyed by variable (`BASCULE_SMTP_URL`) or by
    /// dotted key (`mail.smtp_url`); a variable wins over a dotted key.
    pub fn from_values(values: &HashMap<String, String>) -> Result<MailSettings, Vec<String>> {
        let mut errors = Vec::new();
        let get = |dotted: &str| -> Option<(String, &'static str)> {
            let (_, var) = KEYS.iter().find(|(k, _)| *k == dotted)?;
            values
                .get(*var)
                .or_else(|| values.get(dotted))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .map(|v| (v, *var))
        };
        let positive = |dotted: &str, default: u64, errors: &mut Vec<String>| -> u64 {
            match get(dotted) {
                None => default,
                Some((v, var)) => match v.parse::<u64>() {
                    Ok(n) if n > 0 => n,
                    _ => {
                        errors.push(format!("{var}: {v:?} is not a positive whole number"));
                        default
                    }
                },
            }
        };
        let mailbox = |dotted: &str, errors: &mut Vec<String>| -> Option<String> {
            let (v, var) = get(dotted)?;
            match Mailbox::from_str(&v) {
                Ok(m) => Some(m.to_string()),
                Err(e) => {
                    errors.push(format!(
                        "{var}: {v:?} is not an address such as Bascule <bascule@exemple.fr> ({e})"
                    ));
                    None
                }
            }
        };

        let timeout = positive(
            "mail.smtp_timeout_secs",
            DEFAULT_SMTP_TIMEOUT.as_secs(),
            &mut errors,
        );
        let mut smtp = match get("mail.smtp_url") {
            None => None,
            Some((url, var)) => match SmtpConfig::parse(&url) {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(format!("{var}: {e}"));
                    None
                }
            },
        };
        if let Some(c) = &mut smtp {
            c.timeout = Duration::from_secs(timeout);
            if let Some((path, var)) = get("mail.smtp_tls_ca") {
                match std::fs::read(&path) {
                    Ok(pem)
                        if lettre::transport::smtp::client::Certificate::from_pem(&pem).is_ok()
                            && String::from_utf8_lossy(&pem).contains("BEGIN CERTIFICATE") => {}
                    Ok(_) => errors.push(format!("{var}: {path} holds no PEM certificate")),
                    Err(e) => errors.push(format!("{var}: cannot read {path}: {e}")),
                }
                c.tls_ca = Some(PathBuf::from(path));
            }
        }
        let sender = mailbox("mail.from", &mut errors);
        let admin = mailbox("mail.admin", &mut errors);
        let purchasing = mailbox("mail.purchasing", &mut errors);
        let production_team = mailbox("mail.production_team", &mut errors);
        if smtp.is_some() && sender.is_none() && get("mail.from").is_none() {
            errors.push(
                "BASCULE_MAIL_FROM is needed with BASCULE_SMTP_URL: the From of every message"
                    .to_owned(),
            );
        }
        let defaults = RelayOptions::default();
        let max_attempts = positive(
            "mail.max_attempts",
            defaults.max_attempts.into(),
            &mut errors,
        );
        let relay = RelayOptions {
            poll_interval: Duration::from_secs(positive(
                "mail.poll_secs",
                defaults.poll_interval.as_secs(),
                &mut errors,
            )),
            max_attempts: u32::try_from(max_attempts).unwrap_or(u32::MAX),
            ..defaults
        };
        if errors.is_empty() {
            Ok(MailSettings {
                smtp,
                sender,
                admin,
                purchasing,
                production_team,
                relay,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> SmtpConfig {
        SmtpConfig::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    #[test]
    fn each_scheme_gives_its_security_and_default_port() {
        let c = parse("smtp://127.0.0.1:2525");
        assert_eq!(
            (c.host.as_str(), c.port, c.security, c.credentials),
            ("127.0.0.1", 2525, SmtpSecurity::Plain, None)
        );
        assert_eq!(parse("smtp://relay.local").port, 25);
        let c = parse("smtp://mail.exemple.fr?tls=starttls");
        assert_eq!((c.port, c.security), (587, SmtpSecurity::StartTls));
        assert_eq!(
            parse("smtp://mail.exemple.fr:2587?tls=required").security,
            SmtpSecurity::StartTls
        );
        assert_eq!(
            parse("smtp://localhost?tls=none").security,
            SmtpSecurity::Plain
        );
        let c = parse("smtps://user:pass@mail.example:465");
        assert_eq!(
            (c.host.as_str(), c.port, c.security),
            ("mail.example", 465, SmtpSecurity::ImplicitTls)
        );
        assert_eq!(c.credentials, Some(("user".into(), "pass".into())));
        assert_eq!(parse("smtps://mail.example").port, 465);
        let c = parse("smtp://[::1]:2525");
        assert_eq!(c.host, "::1");
        assert_eq!(c.redacted(), "smtp://[::1]:2525");
    }

    #[test]
    fn credentials_are_percent_decoded_and_never_shown() {
        let c = parse("smtps://alertes%40exemple.fr:s3cr%C3%A9t%3A@mail.exemple.fr");
        assert_eq!(
            c.credentials,
            Some(("alertes@exemple.fr".into(), "s3crét:".into()))
        );
        let shown = format!("{c:?} {}", c.redacted());
        assert!(!shown.contains("s3cr"), "{shown}");
        assert_eq!(
            c.redacted(),
            "smtps://alertes@exemple.fr:***@mail.exemple.fr:465"
        );
        let c = parse("smtp://u:p@127.0.0.1:2525?tls=starttls");
        assert_eq!(c.redacted(), "smtp://u:***@127.0.0.1:2525?tls=starttls");
    }

    #[test]
    fn refuses_what_it_cannot_honour() {
        for bad in [
            "http://mail.example",
            "smtp://",
            "smtp:///nohost",
            "smtp://h/path",
            "smtp://h?tls=opportunistic",
            "smtp://h?tls=starttls&tls=none",
            "smtp://h?timeout=3",
            "smtps://h?tls=starttls",
            "smtp://h#x",
            "smtp://:secret@h",
            "smtp://h:99999",
            "mail.example:25",
        ] {
            assert!(SmtpConfig::parse(bad).is_err(), "{bad}");
        }
        let err = SmtpConfig::parse("smtp://user:secret@mail.exemple.fr:25").unwrap_err();
        assert!(err.contains("in clear"), "{err}");
        assert!(!err.contains("secret"), "{err}");
        let err = SmtpConfig::parse("smtpx://user:secret@h").unwrap_err();
        assert!(!err.contains("secret"), "{err}");
        // On this machine, plain SMTP with credentials is allowed (a local relay).
        assert!(SmtpConfig::parse("smtp://u:p@localhost:2525").is_ok());
    }

    #[test]
    fn cleartext_to_the_network_is_flagged() {
        assert!(parse("smtp://relay.exemple.fr").cleartext_to_network());
        assert!(!parse("smtp://127.0.0.1:2525").cleartext_to_network());
        assert!(!parse("smtp://relay.exemple.fr?tls=starttls").cleartext_to_network());
        assert!(!parse("smtps://relay.exemple.fr").cleartext_to_network());
    }

    fn values(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn settings_without_smtp_leave_the_outbox_waiting() {
        let s = MailSettings::from_values(&HashMap::new()).unwrap();
        assert_eq!(s.smtp, None);
        assert_eq!(s.relay, RelayOptions::default());
    }

    #[test]
    fn settings_read_variables_or_dotted_keys() {
        let s = MailSettings::from_values(&values(&[
            ("BASCULE_SMTP_URL", "smtps://u:p@mail.exemple.fr"),
            ("BASCULE_SMTP_TIMEOUT_SECS", "7"),
            ("mail.from", "Bascule <bascule@exemple.fr>"),
            ("BASCULE_MAIL_ADMIN", "exploitation@exemple.fr"),
            ("BASCULE_MAIL_MAX_ATTEMPTS", "3"),
            ("mail.poll_secs", "2"),
        ]))
        .unwrap();
        let smtp = s.smtp.unwrap();
        assert_eq!(smtp.timeout, Duration::from_secs(7));
        assert_eq!(s.sender.as_deref(), Some("Bascule <bascule@exemple.fr>"));
        assert_eq!(s.admin.as_deref(), Some("exploitation@exemple.fr"));
        assert_eq!(s.relay.max_attempts, 3);
        assert_eq!(s.relay.poll_interval, Duration::from_secs(2));
    }

    #[test]
    fn settings_list_every_error() {
        let err = MailSettings::from_values(&values(&[
            ("BASCULE_SMTP_URL", "smtp://u:secret@mail.exemple.fr"),
            ("BASCULE_MAIL_ADMIN", "pas une adresse"),
            ("BASCULE_MAIL_MAX_ATTEMPTS", "0"),
            ("BASCULE_SMTP_TLS_CA", "/no/such/ca.pem"),
        ]))
        .unwrap_err();
        let text = err.join("\n");
        assert_eq!(err.len(), 3, "{text}");
        assert!(text.contains("BASCULE_SMTP_URL"), "{text}");
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("BASCULE_MAIL_ADMIN"), "{text}");
        assert!(text.contains("BASCULE_MAIL_MAX_ATTEMPTS"), "{text}");

        let err = MailSettings::from_values(&values(&[
            ("BASCULE_SMTP_URL", "smtp://127.0.0.1:2525"),
            ("BASCULE_SMTP_TLS_CA", "/no/such/ca.pem"),
        ]))
        .unwrap_err();
        let text = err.join("\n");
        assert_eq!(err.len(), 2, "{text}");
        assert!(text.contains("BASCULE_MAIL_FROM is needed"), "{text}");
        assert!(text.contains("cannot read /no/such/ca.pem"), "{text}");
    }
}
