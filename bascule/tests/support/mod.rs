//! What the tests of the built binary share: running `bascule` as a given user,
//! reading its output, an upgraded embedded database with domains live, `bascule
//! serve` started on a free port, waiting for it to report SERVING, and its stop on
//! SIGTERM.

// Each test file uses its own part of these helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use bascule_platform::db::{Db, Target};
use bascule_platform::domain_state::DomainState;
use bascule_rpc::testing::put_domain_in;
use tempfile::TempDir;

/// The built binary, run as `user`, out of reach of the caller's settings.
pub fn bin(user: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bascule"));
    cmd.current_dir(std::env::temp_dir())
        .env_remove("BASCULE_TARGET")
        .env_remove("BASCULE_CONFIG")
        .env_remove("BASCULE_SERVER")
        .env("BASCULE_USER", user);
    cmd
}

/// Runs a client command as `user` against `server`.
pub fn run(user: &str, server: &str, args: &[&str]) -> Output {
    bin(user)
        .args(args)
        .args(["--server", server])
        .output()
        .expect("run the client")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts success and returns what was printed on stdout.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Asserts success and parses stdout as JSON.
pub fn json(out: &Output) -> serde_json::Value {
    let stdout = ok(out);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: not JSON: {stdout}"))
}

/// Asserts the exit code and returns what was printed on stderr.
pub fn fails(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stderr)
}

/// An upgraded embedded database with `domains` live: its folder (kept while the
/// test runs) and its target.
pub async fn live_db(domains: &[&str]) -> (TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = format!("sqlite://{}", dir.path().display());
    ok(&bin("admin")
        .args(["db", "upgrade", "--target", &target])
        .output()
        .expect("upgrade"));
    let db = Db::connect(&Target::parse(&target).expect("target"))
        .await
        .expect("connect");
    for domain in domains {
        put_domain_in(&db, domain, DomainState::Live).await;
    }
    db.close().await;
    (dir, target)
}

/// Starts `bascule serve --domain <domain>` on a free port and returns it with its
/// URL; its stderr (the JSON log) is kept when `keep_log`.
pub fn serve(domain: &str, target: &str, keep_log: bool) -> (Child, String) {
    serve_with(domain, target, keep_log, &[])
}

/// [`serve`] with environment variables (the e-mail settings, say).
pub fn serve_with(
    domain: &str,
    target: &str,
    keep_log: bool,
    envs: &[(&str, &str)],
) -> (Child, String) {
    let mut command = bin("admin");
    command.envs(envs.iter().copied());
    let mut child = command
        .args([
            "serve",
            "--domain",
            domain,
            "--listen",
            "127.0.0.1:0",
            "--target",
            target,
            "--log-format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(if keep_log {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("start bascule serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("the serve banner");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_owned();
    (child, url)
}

/// Waits until the health service says `service` is SERVING.
pub async fn wait_serving(url: &str, service: &str) {
    let channel = tonic::transport::Endpoint::from_shared(url.to_owned())
        .expect("url")
        .connect()
        .await
        .expect("connect");
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    for _ in 0..50 {
        let answer = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("health")
            .into_inner();
        if answer.status == tonic_health::pb::health_check_response::ServingStatus::Serving as i32 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{service} never reported SERVING");
}

/// Stops the server with SIGTERM and asserts it exits cleanly; returns its output.
pub fn stop(server: Child) -> Output {
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = server.wait_with_output().expect("server exits");
    assert!(out.status.success(), "{}", text(&out.stderr));
    out
}

/// Production's built-in mapping without the Bellignat base, which the demo data set
/// leaves out (see demo/legacy/README.md): its source and the feeds reading it.
pub fn without_bellignat() -> String {
    let mapping = include_str!("../../../production/src/legacy/production.toml");
    let mut kept = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let keep = |block: &[&str]| {
        let header = block.first().copied().unwrap_or_default();
        header != "[sources.bellignat]"
            && !(header == "[[feeds]]" && block.contains(&"source = \"bellignat\""))
    };
    for line in mapping.lines() {
        if line.starts_with('[') && !line.starts_with("[feeds.") {
            if keep(&block) {
                kept.append(&mut block);
            }
            block.clear();
        }
        block.push(line);
    }
    if keep(&block) {
        kept.append(&mut block);
    }
    assert!(!kept.iter().any(|l| l.contains("bellignat")), "{kept:?}");
    kept.join("\n") + "\n"
}

/// The target's URL as the command line takes it.
pub fn url(target: &Target) -> String {
    match target {
        Target::Postgres { url } => url.clone(),
        Target::Sqlite { dir } => format!("sqlite://{}", dir.display()),
        Target::Oracle { .. } => unreachable!("not used here"),
    }
}

/// The demo copy of the legacy files kept in the repository.
pub fn demo() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../demo/legacy")
        .display()
        .to_string()
}
