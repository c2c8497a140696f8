//! Against another implementation: Debian's aiosmtpd (package python3-aiosmtpd, which
//! `.ci/run` installs), run as a subprocess with STARTTLS and authentication required.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bascule_mail::outbox::{self, OutboxState};
use bascule_mail::{Email, Relay, RelayOptions, SmtpConfig};
use bascule_platform::testing::on_sqlite;

use crate::support::pki::Pki;
use crate::support::smtp::free_port;
use crate::support::{ADMIN, DOMAIN, SENDER, enqueue_committed, fast, setup};

/// Debian's interpreter: a pyenv `python3` first on PATH does not see Debian's modules.
const PYTHON: &str = "/usr/bin/python3";

struct Aiosmtpd {
    child: Child,
    dir: PathBuf,
}

impl Drop for Aiosmtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Aiosmtpd {
    fn start(port: u16, pki: &Pki, user: &str, password: &str) -> Aiosmtpd {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail/aiosmtpd_server.py");
        let dir = pki.ca_file.parent().unwrap().join("received");
        std::fs::create_dir_all(&dir).unwrap();
        let (cert, key) = pki.server_files();
        let mut child = Command::new(PYTHON)
            .arg(script)
            .arg(port.to_string())
            .arg(&dir)
            .arg(cert)
            .arg(key)
            .arg(user)
            .arg(password)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{PYTHON} is needed for the aiosmtpd test: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "aiosmtpd did not start: install python3-aiosmtpd (apt-get install python3-aiosmtpd)"
        );
        Aiosmtpd { child, dir }
    }

    fn received(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    }
}

#[tokio::test]
async fn aiosmtpd_receives_over_starttls_with_authentication() {
    on_sqlite(|db| async move {
        setup(&db).await;
        let pki = Pki::new();
        let port = free_port().await;
        let server = Aiosmtpd::start(port, &pki, "relais", "s3crét");
        let mut smtp = SmtpConfig::parse(&format!(
            "smtp://relais:s3cr%C3%A9t@127.0.0.1:{port}?tls=starttls"
        ))
        .unwrap();
        smtp.tls_ca = Some(pki.ca_file.clone());
        smtp.timeout = Duration::from_secs(10);
        let relay = Relay::new(db.clone(), DOMAIN, &smtp, SENDER, Some(ADMIN))
            .unwrap()
            .with_options(RelayOptions {
                max_attempts: 5,
                ..fast()
            });

        let ok = enqueue_committed(
            &db,
            Email {
                dedup_key: "reception/R-100".into(),
                to: vec!["Élodie Dupré <e.dupre@exemple.fr>".into()],
                cc: vec![],
                subject: "Réception R-100 : tout est conforme".into(),
                text: "Bonjour,\n\nla réception R-100 est conforme à la commande.\n".into(),
                html: Some("<p>La réception <b>R-100</b> est conforme.</p>".into()),
            },
        )
        .await;
        let refused = enqueue_committed(
            &db,
            Email {
                dedup_key: "reception/R-101".into(),
                to: vec!["inconnu@exemple.fr".into()],
                cc: vec![],
                subject: "Réception R-101".into(),
                text: "Bonjour".into(),
                html: None,
            },
        )
        .await;

        let report = relay.tick().await.unwrap();
        assert_eq!((report.sent, report.dead), (1, 1), "{report:?}");
        let error = outbox::get(&mut db.clone(), DOMAIN, &refused.id)
            .await
            .unwrap()
            .unwrap()
            .value
            .last_error
            .unwrap();
        assert!(error.contains("550"), "{error}");
        assert_eq!(relay.tick().await.unwrap().sent, 1, "the alert");
        assert_eq!(
            outbox::count(&mut db.clone(), DOMAIN, OutboxState::Sent)
                .await
                .unwrap(),
            2
        );

        let received = server.received();
        assert_eq!(received.len(), 2);
        let parse = |raw: &[u8]| -> (String, String, String) {
            let m = mail_parser::MessageParser::default().parse(raw).unwrap();
            (
                format!("<{}>", m.message_id().unwrap()),
                m.subject().unwrap().to_owned(),
                m.body_text(0).unwrap().replace("\r\n", "\n"),
            )
        };
        let (id, subject, text) = parse(&received[0]);
        assert_eq!(id, ok.message_id);
        assert_eq!(subject, "Réception R-100 : tout est conforme");
        assert_eq!(
            text,
            "Bonjour,\n\nla réception R-100 est conforme à la commande.\n"
        );
        let (_, subject, text) = parse(&received[1]);
        assert!(
            subject.starts_with("[bascule] Courriel non distribué (stock)"),
            "{subject}"
        );
        assert!(text.contains(&refused.message_id), "{text}");
    })
    .await;
}
