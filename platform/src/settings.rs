//! Layered settings: `bascule.toml`, then `BASCULE_*` environment variables, then
//! command-line flags. Every error is collected and reported at once.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::db::Target;

/// The embedded default: SQLite files under `./data`.
pub const DEFAULT_TARGET: &str = "sqlite://./data";
pub const DEFAULT_CONFIG_FILE: &str = "bascule.toml";

/// Exit code for invalid settings (EX_USAGE from sysexits.h).
pub const EXIT_INVALID_SETTINGS: i32 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Where the new system's data lives.
    #[serde(skip)]
    pub target: Target,
    /// The target URL without its password.
    #[serde(rename = "target")]
    pub target_display: String,
    pub log_level: String,
    pub log_format: LogFormat,
    pub server: ServerSettings,
    pub client: ClientSettings,
    /// The `mail.*` values given (dotted key → value), checked by the mail crate, which
    /// owns their meaning.
    #[serde(skip)]
    pub mail: HashMap<String, String>,
}

/// How `bascule serve` listens and reaches the services it calls.
#[derive(Debug, Clone, Serialize)]
pub struct ServerSettings {
    /// host:port the services listen on.
    pub listen: String,
    /// PEM certificate chain and private key: TLS is on when both are given.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// The stock service, for the domains that post movements (default: this process).
    pub stock_url: Option<String>,
    /// The fournisseurs service, whose supplier addresses stock's e-mails need.
    pub fournisseurs_url: Option<String>,
    /// The clients service, whose customer addresses production's e-mails need.
    pub clients_url: Option<String>,
    /// Seconds every call to another service has to complete.
    pub call_timeout_secs: u64,
}

/// How the command-line client reaches a service.
#[derive(Debug, Clone, Serialize)]
pub struct ClientSettings {
    pub server: String,
    /// The CA certificate (PEM) that signed an https server's certificate.
    pub tls_ca: Option<PathBuf>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:50051";
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:50051";

/// Every key bascule understands: the dotted name in the file and its variable.
const KEYS: &[(&str, &str)] = &[
    ("target", "BASCULE_TARGET"),
    ("log.level", "BASCULE_LOG_LEVEL"),
    ("log.format", "BASCULE_LOG_FORMAT"),
    ("server.listen", "BASCULE_LISTEN"),
    ("server.tls_cert", "BASCULE_TLS_CERT"),
    ("server.tls_key", "BASCULE_TLS_KEY"),
    ("server.stock_url", "BASCULE_STOCK_URL"),
    ("server.fournisseurs_url", "BASCULE_FOURNISSEURS_URL"),
    ("server.clients_url", "BASCULE_CLIENTS_URL"),
    ("server.call_timeout_secs", "BASCULE_CALL_TIMEOUT_SECS"),
    ("client.server", "BASCULE_SERVER"),
    ("client.tls_ca", "BASCULE_TLS_CA"),
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

/// Values given on the command line, by dotted key.
pub type Flags = BTreeMap<&'static str, String>;

/// All that is wrong with the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsErrors(pub Vec<String>);

impl fmt::Display for SettingsErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invalid settings ({} error{}):",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SettingsErrors {}

/// A value and where it came from, for error messages.
struct Given {
    value: String,
    origin: String,
}

/// Reads the settings. `config` is an explicit file (which must exist); without one,
/// `./bascule.toml` is read when present.
pub fn load(
    config: Option<&Path>,
    env: &HashMap<String, String>,
    flags: &Flags,
) -> Result<Settings, SettingsErrors> {
    let mut errors = Vec::new();
    let mut given: BTreeMap<&'static str, Given> = BTreeMap::new();

    let file = config.map(Path::to_path_buf).or_else(|| {
        let default = PathBuf::from(DEFAULT_CONFIG_FILE);
        default.exists().then_some(default)
    });
    if let Some(path) = file {
        read_file(&path, &mut given, &mut errors);
    }
    for (key, var) in KEYS {
        if let Some(value) = env.get(*var) {
            given.insert(
                key,
                Given {
                    value: value.clone(),
                    origin: format!("environment variable {var}"),
                },
            );
        }
    }
    for (key, value) in flags {
        given.insert(
            key,
            Given {
                value: value.clone(),
                origin: format!("flag --{}", key.replace('.', "-")),
            },
        );
    }

    let target_url = given
        .get("target")
        .map_or(DEFAULT_TARGET, |g| g.value.as_str());
    let target = match Target::parse(target_url) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(format!("{}: {e}", origin(&given, "target")));
            None
        }
    };
    let log_level = given
        .get("log.level")
        .map_or_else(|| "info".to_owned(), |g| g.value.clone());
    const LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];
    if !LEVELS.contains(&log_level.as_str()) && !log_level.contains('=') {
        errors.push(format!(
            "{}: log level {log_level:?} is not one of {} (or a filter such as bascule=debug)",
            origin(&given, "log.level"),
            LEVELS.join(", ")
        ));
    }
    let log_format = match given.get("log.format").map(|g| g.value.as_str()) {
        None | Some("text") => LogFormat::Text,
        Some("json") => LogFormat::Json,
        Some(other) => {
            errors.push(format!(
                "{}: log format {other:?} is not text or json",
                origin(&given, "log.format")
            ));
            LogFormat::Text
        }
    };
    let value = |key: &str| given.get(key).map(|g| g.value.clone());
    let listen = value("server.listen").unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    if listen.parse::<std::net::SocketAddr>().is_err() {
        errors.push(format!(
            "{}: {listen:?} is not an address such as 127.0.0.1:50051 or 0.0.0.0:50051",
            origin(&given, "server.listen")
        ));
    }
    let tls_cert = value("server.tls_cert").map(PathBuf::from);
    let tls_key = value("server.tls_key").map(PathBuf::from);
    if tls_cert.is_some() != tls_key.is_some() {
        errors.push(
            "server.tls_cert and server.tls_key go together: give both for TLS, or neither"
                .to_owned(),
        );
    }
    let call_timeout_secs = match value("server.call_timeout_secs") {
        None => 5,
        Some(v) => v.parse::<u64>().ok().filter(|n| *n > 0).unwrap_or_else(|| {
            errors.push(format!(
                "{}: {v:?} is not a positive number of seconds",
                origin(&given, "server.call_timeout_secs")
            ));
            5
        }),
    };
    let server = ServerSettings {
        listen,
        tls_cert,
        tls_key,
        stock_url: value("server.stock_url"),
        fournisseurs_url: value("server.fournisseurs_url"),
        clients_url: value("server.clients_url"),
        call_timeout_secs,
    };
    let client = ClientSettings {
        server: value("client.server").unwrap_or_else(|| DEFAULT_SERVER.to_owned()),
        tls_ca: value("client.tls_ca").map(PathBuf::from),
    };
    match target {
        Some(target) if errors.is_empty() => Ok(Settings {
            target_display: target.redacted(),
            target,
            log_level,
            log_format,
            server,
            client,
            mail: given
                .iter()
                .filter(|(k, _)| k.starts_with("mail."))
                .map(|(k, g)| ((*k).to_owned(), g.value.clone()))
                .collect(),
        }),
        _ => Err(SettingsErrors(errors)),
    }
}

fn origin(given: &BTreeMap<&'static str, Given>, key: &str) -> String {
    given
        .get(key)
        .map_or_else(|| format!("default {key}"), |g| g.origin.clone())
}

fn read_file(path: &Path, given: &mut BTreeMap<&'static str, Given>, errors: &mut Vec<String>) {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            errors.push(format!("cannot read settings file {shown}: {e}"));
            return;
        }
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            errors.push(format!(
                "{shown} is not valid TOML: {}",
                e.to_string().trim_end()
            ));
            return;
        }
    };
    let mut flat = Vec::new();
    flatten("", &table, &mut flat);
    for (key, value) in flat {
        let Some((known, _)) = KEYS.iter().find(|(k, _)| *k == key) else {
            let hint = KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ");
            errors.push(format!("{shown}: unknown setting `{key}` (known: {hint})"));
            continue;
        };
        match value {
            toml::Value::String(s) => {
                given.insert(
                    known,
                    Given {
                        value: s.clone(),
                        origin: format!("{shown}: {key}"),
                    },
                );
            }
            other => errors.push(format!(
                "{shown}: `{key}` must be a string, found {}",
                other.type_str()
            )),
        }
    }
}

fn flatten<'a>(prefix: &str, table: &'a toml::Table, out: &mut Vec<(String, &'a toml::Value)>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            other => out.push((key, other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bascule-settings-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn defaults_to_embedded_sqlite() {
        let s = load(Some(&write("a.toml", "")), &HashMap::new(), &Flags::new()).unwrap();
        assert_eq!(s.target, Target::parse(DEFAULT_TARGET).unwrap());
        assert_eq!(s.log_format, LogFormat::Text);
    }

    #[test]
    fn environment_overrides_file_and_flags_override_environment() {
        let path = write(
            "b.toml",
            "target = \"sqlite://from-file\"\n[log]\nformat = \"json\"\n",
        );
        let env = HashMap::from([("BASCULE_TARGET".to_owned(), "sqlite://from-env".to_owned())]);
        let s = load(Some(&path), &env, &Flags::new()).unwrap();
        assert_eq!(s.target, Target::parse("sqlite://from-env").unwrap());
        assert_eq!(s.log_format, LogFormat::Json);
        let flags = Flags::from([("target", "sqlite://from-flag".to_owned())]);
        let s = load(Some(&path), &env, &flags).unwrap();
        assert_eq!(s.target, Target::parse("sqlite://from-flag").unwrap());
    }

    #[test]
    fn lists_every_error_at_once() {
        let path = write(
            "c.toml",
            "tagret = \"x\"\n[log]\nlevel = \"loud\"\nformat = 3\n",
        );
        let env = HashMap::from([("BASCULE_TARGET".to_owned(), "mysql://x".to_owned())]);
        let err = load(Some(&path), &env, &Flags::new()).unwrap_err();
        assert_eq!(err.0.len(), 4, "{err}");
        let text = err.to_string();
        assert!(text.contains("unknown setting `tagret`"), "{text}");
        assert!(text.contains("BASCULE_TARGET"), "{text}");
        assert!(text.contains("\"loud\""), "{text}");
        assert!(text.contains("`log.format` must be a string"), "{text}");
    }

    #[test]
    fn a_missing_or_broken_file_is_an_error() {
        let missing = std::env::temp_dir().join("bascule-no-such-file.toml");
        assert!(load(Some(&missing), &HashMap::new(), &Flags::new()).is_err());
        let broken = write("d.toml", "target = \n");
        let err = load(Some(&broken), &HashMap::new(), &Flags::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not valid TOML"), "{err}");
    }
}
