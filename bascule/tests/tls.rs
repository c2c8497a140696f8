//! The services over TLS (rustls): `bascule serve` with a certificate and key, the
//! client trusting the CA that signed it; without the CA the client refuses with a
//! clear message and the "unreachable" exit code, and in plain text it fails with a message.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use bascule_mail::testing::pki::Pki;
use support::{fails, ok};

#[tokio::test]
async fn staff_reach_a_tls_service_with_its_ca() {
    let pki = Pki::new();
    let (cert, key) = pki.server_files();
    let (_dir, target) = support::live_db(&["stock"]).await;
    let mut child = support::bin("admin")
        .args([
            "serve",
            "--domain",
            "stock",
            "--listen",
            "127.0.0.1:0",
            "--target",
            &target,
        ])
        .env("BASCULE_TLS_CERT", &cert)
        .env("BASCULE_TLS_KEY", &key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start bascule serve");
    let mut banner = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut banner)
        .expect("banner");
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("https://"))
        .unwrap_or_else(|| panic!("served over TLS: {banner:?}"))
        .to_owned();
    let ca = pki.ca_file.display().to_string();

    let mut created = None;
    // The health watcher reports SERVING within a moment; retry the first call until then.
    for _ in 0..50 {
        let out = support::run(
            "magasinier",
            &url,
            &[
                "stock",
                "locations",
                "create",
                "A01-01-1",
                "--name",
                "Allée A",
                "--warehouse",
                "Magasin",
                "--tls-ca",
                &ca,
            ],
        );
        if out.status.success() {
            created = Some(out);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let created = created.expect("a location created over TLS");
    assert!(ok(&created).contains("A01-01-1"));
    let listed = ok(&support::run(
        "magasinier",
        &url,
        &["stock", "locations", "list", "--tls-ca", &ca],
    ));
    assert!(listed.contains("Allée A"), "{listed}");

    let no_ca = fails(
        &support::run("magasinier", &url, &["stock", "locations", "list"]),
        69,
    );
    assert!(no_ca.contains("--tls-ca"), "{no_ca}");
    // In plain text the TLS server cannot answer; how the failure shows depends on when
    // the connection breaks, but the command always fails with a message.
    let plain = url.replace("https://", "http://");
    let out = support::run("magasinier", &plain, &["stock", "locations", "list"]);
    assert!(!out.status.success());
    let message = support::text(&out.stderr);
    assert!(message.starts_with("error: "), "{message}");

    support::stop(child);
}
