//! E-mail end to end through the built binary: `bascule serve` with its relay pointed at
//! Debian's aiosmtpd (package python3-aiosmtpd) writing a Maildir; a customer order
//! confirmed through the client commands reaches the customer and the production team
//! exactly once, with a stable Message-ID, and nothing is sent for a refused change.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{fails, ok};

/// Debian's interpreter: the one python3-aiosmtpd is installed for.
const PYTHON: &str = "/usr/bin/python3";

struct Smtp {
    child: Child,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// aiosmtpd on `port`, delivering every message into the Maildir `dir`.
fn smtp(port: u16, dir: &Path) -> Smtp {
    let child = Command::new(PYTHON)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3-aiosmtpd is needed (apt-get install python3-aiosmtpd)");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "aiosmtpd did not start: install python3-aiosmtpd"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Smtp { child }
}

/// The messages delivered so far.
fn delivered(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("new"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect()
}

/// Waits until `n` messages are delivered, then a little longer to catch a duplicate.
fn wait_for(dir: &Path, n: usize) -> Vec<String> {
    let started = Instant::now();
    while delivered(dir).len() < n {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} of {n} messages arrived",
            delivered(dir).len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    delivered(dir)
}

fn header<'a>(message: &'a str, name: &str) -> &'a str {
    message
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or("")
}

#[tokio::test]
async fn a_confirmed_order_is_mailed_once_to_the_customer_and_production() {
    let temp = tempfile::tempdir().expect("temp dir");
    // aiosmtpd makes the Maildir's folders only when it makes the Maildir itself.
    let maildir = temp.path().join("maildir");
    let port = free_port();
    let _smtp = smtp(port, &maildir);
    let (_dir, target) = support::live_db(&["clients"]).await;
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let (server, url) = support::serve_with(
        "clients",
        &target,
        false,
        &[
            ("BASCULE_SMTP_URL", smtp_url.as_str()),
            ("BASCULE_MAIL_FROM", "Bascule <bascule@exemple.fr>"),
            ("BASCULE_MAIL_ADMIN", "informatique@exemple.fr"),
            ("BASCULE_MAIL_PRODUCTION_TEAM", "atelier@exemple.fr"),
            ("BASCULE_MAIL_POLL_SECS", "1"),
        ],
    );
    let url = url.as_str();
    support::wait_serving(url, "bascule.clients.v1.ClientsService").await;
    let clients = |args: &[&str]| support::run("commercial", url, &[&["clients"], args].concat());

    ok(&clients(&[
        "customers",
        "create",
        "C00042",
        "--name",
        "Forges de Bourgogne",
        "--address",
        "12 rue des Forges",
        "--postal-code",
        "21000",
        "--city",
        "Dijon",
        "--email",
        "achats@forges-bourgogne.fr",
    ]));
    ok(&clients(&[
        "orders",
        "create",
        "CC25-00042",
        "--customer",
        "C00042",
        "--line",
        "PF-00001:12:1 234,50",
        "--requested-date",
        "31/12/2099",
    ]));
    // A refused change sends nothing.
    fails(&clients(&["orders", "deliver", "CC25-00042"]), 5);
    ok(&clients(&["orders", "confirm", "CC25-00042"]));
    // Confirming again is refused, and sends nothing more.
    fails(&clients(&["orders", "confirm", "CC25-00042"]), 5);

    let messages = wait_for(&maildir, 2);
    assert_eq!(messages.len(), 2, "exactly one e-mail each");
    let to: Vec<&str> = messages.iter().map(|m| header(m, "To")).collect();
    assert!(
        to.iter().any(|t| t.contains("achats@forges-bourgogne.fr")),
        "{to:?}"
    );
    assert!(
        to.iter().any(|t| t.contains("atelier@exemple.fr")),
        "{to:?}"
    );
    for m in &messages {
        assert!(
            m.contains("CC25-00042"),
            "the order number is in every e-mail:\n{m}"
        );
        let id = header(m, "Message-ID");
        assert!(id.ends_with(".clients@outbox.bascule>"), "{id}");
    }

    // The outbox says the same through the operators' commands.
    let sent = support::json(&support::run(
        "admin",
        url,
        &[
            "mail",
            "list",
            "--domain",
            "clients",
            "--filter",
            "state = SENT",
            "--json",
        ],
    ));
    assert_eq!(sent["items"].as_array().map(Vec::len), Some(2), "{sent}");
    support::stop(server);
}
