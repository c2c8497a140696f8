//! Scratch databases for tests: a fresh SQLite directory or a fresh PostgreSQL database
//! per test, on the real local server.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::db::{Db, DbError, Exec, Kind, SqlBuilder, Statement, Target};

/// Where the PostgreSQL tests create their databases; override with this variable.
pub const POSTGRES_ADMIN_VAR: &str = "BASCULE_TEST_POSTGRES_URL";
const POSTGRES_ADMIN_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const PREFIX: &str = "bascule_t_";

/// A database that exists for one test; call [`Scratch::remove`] at the end.
#[derive(Debug)]
pub struct Scratch {
    pub target: Target,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Dir(PathBuf),
    Database { admin: Target, name: String },
}

fn unique_suffix() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{secs}_{}",
        uuid::Uuid::now_v7()
            .simple()
            .to_string()
            .get(20..)
            .unwrap_or("0")
    )
}

impl Scratch {
    pub fn sqlite() -> Scratch {
        let dir = std::env::temp_dir().join(format!("bascule-test-{}", unique_suffix()));
        Scratch {
            target: Target::Sqlite { dir: dir.clone() },
            cleanup: Cleanup::Dir(dir),
        }
    }

    pub async fn postgres() -> Result<Scratch, DbError> {
        let admin_url =
            std::env::var(POSTGRES_ADMIN_VAR).unwrap_or_else(|_| POSTGRES_ADMIN_DEFAULT.to_owned());
        let admin = Target::parse(&admin_url)?;
        let Target::Postgres { url } = &admin else {
            return Err(DbError::InvalidTarget {
                url: admin_url,
                reason: "must be a postgres:// URL".into(),
            });
        };
        let name = format!("{PREFIX}{}", unique_suffix());
        let mut db = Db::connect(&admin).await?;
        drop_stale(&mut db).await?;
        db.execute(Statement::new(
            format!("CREATE DATABASE {name}"),
            Vec::new(),
        ))
        .await?;
        db.close().await;
        let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
        let target = Target::Postgres {
            url: format!("{base}/{name}"),
        };
        Ok(Scratch {
            target,
            cleanup: Cleanup::Database { admin, name },
        })
    }

    pub async fn connect(&self) -> Result<Db, DbError> {
        Db::connect(&self.target).await
    }

    pub async fn remove(self) -> Result<(), DbError> {
        match self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin, name } => {
                let mut db = Db::connect(&admin).await?;
                db.execute(Statement::new(
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    Vec::new(),
                ))
                .await?;
                db.close().await;
            }
        }
        Ok(())
    }
}

/// Drops scratch databases left by tests that failed more than an hour ago.
async fn drop_stale(db: &mut Db) -> Result<(), DbError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut b = SqlBuilder::new(db.target().dialect());
    b.push("SELECT datname FROM pg_database WHERE datname LIKE ")
        .bind(format!("{PREFIX}%"));
    for mut row in db.fetch(b.query(&[("datname", Kind::Text)])).await? {
        let name: String = row.get("datname")?;
        let created = name
            .trim_start_matches(PREFIX)
            .split('_')
            .next()
            .and_then(|s| s.parse::<u64>().ok());
        if created.is_some_and(|c| c + 3600 < now) {
            db.execute(Statement::new(
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                Vec::new(),
            ))
            .await?;
        }
    }
    Ok(())
}

/// The variable that points the Oracle variant of the backend suites at a real Oracle.
pub const ORACLE_URL_VAR: &str = "BASCULE_TEST_ORACLE_URL";

/// Runs `test` on a fresh embedded SQLite store.
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let scratch = Scratch::sqlite();
    run(scratch, test).await;
}

/// Runs `test` on a fresh database of the local PostgreSQL server. Fails (never skips)
/// when the server cannot be reached.
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let scratch = match Scratch::postgres().await {
        Ok(s) => s,
        Err(e) => panic!(
            "PostgreSQL is needed for this test ({POSTGRES_ADMIN_VAR} or the local server): {e}"
        ),
    };
    run(scratch, test).await;
}

/// Runs `test` on the Oracle database named by `BASCULE_TEST_ORACLE_URL`, after
/// dropping bascule's schemas there; says so and returns when the variable is unset.
pub async fn on_oracle<F, Fut>(test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let Ok(url) = std::env::var(ORACLE_URL_VAR) else {
        eprintln!("Oracle variant not run: {ORACLE_URL_VAR} is not set");
        return;
    };
    let _serial = SERIAL.lock().await;
    let target = Target::parse(&url).unwrap_or_else(|e| panic!("{ORACLE_URL_VAR}: {e}"));
    let mut db = Db::connect(&target)
        .await
        .unwrap_or_else(|e| panic!("Oracle: {e}"));
    for schema in crate::db::schema::SchemaName::ALL {
        let name = db.dialect().schema(schema);
        let sql = format!(
            "BEGIN EXECUTE IMMEDIATE 'DROP USER {name} CASCADE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -1918 THEN RAISE; END IF; END;"
        );
        db.execute(Statement::new(sql, Vec::new()))
            .await
            .unwrap_or_else(|e| panic!("dropping {name}: {e}"));
    }
    test(db).await;
}

async fn run<F, Fut>(scratch: Scratch, test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let db = scratch
        .connect()
        .await
        .unwrap_or_else(|e| panic!("connecting to the scratch database: {e}"));
    test(db.clone()).await;
    db.close().await;
    if let Err(e) = scratch.remove().await {
        eprintln!("could not remove the scratch database: {e}");
    }
}

/// Declares each listed async test function `fn(Db)` once per backend: `sqlite::name`,
/// `postgres::name` and `oracle::name` (the last runs only when `BASCULE_TEST_ORACLE_URL` is set).
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { $crate::testing::on_sqlite(super::$name).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { $crate::testing::on_postgres(super::$name).await } )*
        }
        mod oracle {
            $( #[tokio::test] async fn $name() { $crate::testing::on_oracle(super::$name).await } )*
        }
    };
}
