//! The target database, chosen by URL: `sqlite://DIR`, `postgres://…` or `oracle://…`.

use std::path::PathBuf;

use super::{DbError, Dialect};

#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// The embedded store: one SQLite file per schema in this directory.
    Sqlite {
        dir: PathBuf,
    },
    Postgres {
        url: String,
    },
    /// `connect` is an Easy Connect string such as `//db.example:1521/FREEPDB1`.
    Oracle {
        user: String,
        password: String,
        connect: String,
    },
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, DbError> {
        let invalid = |reason: &str| DbError::InvalidTarget {
            url: redact_url(url),
            reason: reason.to_owned(),
        };
        let url = url.trim();
        if let Some(dir) = url.strip_prefix("sqlite://") {
            if dir.is_empty() {
                return Err(invalid(
                    "give the directory for the database files, e.g. sqlite://./data",
                ));
            }
            return Ok(Target::Sqlite {
                dir: PathBuf::from(dir),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres {
                url: url.to_owned(),
            });
        }
        if let Some(rest) = url.strip_prefix("oracle://") {
            let (credentials, address) = rest
                .rsplit_once('@')
                .ok_or_else(|| invalid("expected oracle://USER:PASSWORD@HOST:PORT/SERVICE"))?;
            let (user, password) = credentials
                .split_once(':')
                .ok_or_else(|| invalid("expected oracle://USER:PASSWORD@HOST:PORT/SERVICE"))?;
            if user.is_empty() || address.is_empty() || !address.contains('/') {
                return Err(invalid("expected oracle://USER:PASSWORD@HOST:PORT/SERVICE"));
            }
            return Ok(Target::Oracle {
                user: percent_decode(user).map_err(|e| invalid(&e))?,
                password: percent_decode(password).map_err(|e| invalid(&e))?,
                connect: format!("//{address}"),
            });
        }
        Err(invalid(
            "the scheme must be sqlite://, postgres:// or oracle://",
        ))
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Target::Sqlite { .. } => Dialect::Sqlite,
            Target::Postgres { .. } => Dialect::Postgres,
            Target::Oracle { .. } => Dialect::Oracle,
        }
    }

    /// The URL without its password, fit for logs and reports.
    pub fn redacted(&self) -> String {
        match self {
            Target::Sqlite { dir } => format!("sqlite://{}", dir.display()),
            Target::Postgres { url } => redact_url(url),
            Target::Oracle { user, connect, .. } => {
                format!("oracle://{user}:***@{}", &connect[2..])
            }
        }
    }
}

fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rsplit_once('@') {
        Some((credentials, address)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{address}"),
            None => url.to_owned(),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_scheme() {
        assert_eq!(
            Target::parse("sqlite://./data").unwrap(),
            Target::Sqlite {
                dir: "./data".into()
            }
        );
        assert_eq!(
            Target::parse("sqlite:///var/lib/bascule").unwrap(),
            Target::Sqlite {
                dir: "/var/lib/bascule".into()
            }
        );
        assert!(matches!(
            Target::parse("postgres://u@h/db").unwrap(),
            Target::Postgres { .. }
        ));
        assert_eq!(
            Target::parse("oracle://app:p%40ss@db.example:1521/FREEPDB1").unwrap(),
            Target::Oracle {
                user: "app".into(),
                password: "p@ss".into(),
                connect: "//db.example:1521/FREEPDB1".into()
            }
        );
    }

    #[test]
    fn refuses_bad_urls_and_hides_passwords() {
        for bad in [
            "mysql://x",
            "sqlite://",
            "oracle://nopass@h/s",
            "oracle://u:p@host",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
        let err = Target::parse("oracle://u:secret@host")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret"), "{err}");
        let t = Target::parse("postgres://u:secret@h/db").unwrap();
        assert_eq!(t.redacted(), "postgres://u:***@h/db");
    }
}
