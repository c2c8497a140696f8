//! The built `bascule` binary, run as a person would: settings, `db upgrade`, `db status`.

use std::process::{Command, Output};

use bascule_platform::testing::Scratch;

fn bascule(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let dir = std::env::temp_dir();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bascule"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("BASCULE_TARGET")
        .env_remove("BASCULE_CONFIG");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run bascule")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn upgrade_then_status(target: &str) {
    let first = bascule(&["db", "upgrade", "--target", target], &[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(out.contains("stock") && out.contains("0 -> 1"), "{out}");
    let again = bascule(&["db", "upgrade", "--target", target], &[]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        !text(&again.stdout).contains("->"),
        "a second upgrade changes nothing: {}",
        text(&again.stdout)
    );

    let status = bascule(&["db", "status", "--json"], &[("BASCULE_TARGET", target)]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&status.stdout).expect("JSON status");
    let schemas = doc["schemas"].as_array().expect("schemas");
    let names: Vec<&str> = schemas
        .iter()
        .filter_map(|s| s["schema"].as_str())
        .collect();
    assert_eq!(
        names,
        ["control", "fournisseurs", "stock", "production", "clients"]
    );
    for s in schemas {
        assert_eq!(s["version"], s["latest"], "{s}");
        assert_eq!(s["state"], "up_to_date");
    }
    assert!(
        !doc["target"]
            .as_str()
            .unwrap_or_default()
            .contains("secret")
    );
}

#[test]
fn upgrade_and_status_on_sqlite() {
    let scratch = Scratch::sqlite();
    let bascule_platform::db::Target::Sqlite { dir } = &scratch.target else {
        unreachable!()
    };
    upgrade_then_status(&format!("sqlite://{}", dir.display()));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn upgrade_and_status_on_postgres() {
    let scratch = Scratch::postgres()
        .await
        .expect("PostgreSQL scratch database");
    let bascule_platform::db::Target::Postgres { url } = &scratch.target else {
        unreachable!()
    };
    let url = url.clone();
    tokio::task::spawn_blocking(move || upgrade_then_status(&url))
        .await
        .expect("join");
    scratch.remove().await.expect("remove");
}

#[test]
fn status_of_a_fresh_store_says_what_to_do() {
    let dir = std::env::temp_dir().join(format!("bascule-cli-{}", std::process::id()));
    let out = bascule(
        &[
            "db",
            "status",
            "--target",
            &format!("sqlite://{}", dir.display()),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("absent: run `bascule db upgrade`"),
        "{}",
        text(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn invalid_settings_are_all_listed_with_exit_code_64() {
    let out = bascule(
        &[
            "db",
            "status",
            "--target",
            "mysql://x",
            "--log-format",
            "xml",
        ],
        &[("BASCULE_LOG_LEVEL", "loud")],
    );
    assert_eq!(out.status.code(), Some(64));
    let err = text(&out.stderr);
    assert!(err.contains("3 errors"), "{err}");
    assert!(
        err.contains("--target")
            && err.contains("--log-format")
            && err.contains("BASCULE_LOG_LEVEL"),
        "{err}"
    );
}

#[test]
fn oracle_without_its_client_library_fails_in_one_clear_line() {
    let out = bascule(
        &[
            "db",
            "status",
            "--target",
            "oracle://app:secret@127.0.0.1:1/FREEPDB1",
        ],
        &[("LD_LIBRARY_PATH", "")],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("Oracle client library") || err.contains("cannot connect"),
        "{err}"
    );
    assert!(
        !err.contains("secret") && !err.contains("panicked"),
        "{err}"
    );
}
