//! STARTTLS, implicit TLS and SMTP AUTH against the in-process server, with a CA made
//! for the test. The database side is the same on every backend: SQLite here.

use std::time::Duration;

use bascule_mail::outbox::{self, OutboxState};
use bascule_mail::{Relay, RelayOptions, SmtpConfig, SmtpSecurity};
use bascule_platform::db::Db;
use bascule_platform::testing::on_sqlite;

use crate::support::pki::Pki;
use crate::support::smtp::{ServerOptions, ServerTls, SmtpServer};
use crate::support::{ADMIN, DOMAIN, SENDER, email, enqueue_committed, fast, setup};

const USER: &str = "relais@bascule.exemple.fr";
const PASSWORD: &str = "mot de passe: s3crét";

fn relay(db: &Db, url: &str, ca: Option<&Pki>) -> Relay {
    let mut smtp = SmtpConfig::parse(url).unwrap();
    smtp.tls_ca = ca.map(|p| p.ca_file.clone());
    smtp.timeout = Duration::from_secs(5);
    Relay::new(db.clone(), DOMAIN, &smtp, SENDER, Some(ADMIN))
        .unwrap()
        .with_options(RelayOptions {
            max_attempts: 10,
            ..fast()
        })
}

fn encoded_credentials() -> String {
    // user@host:password, percent-encoded as a URL wants them.
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!("{}:{}", enc(USER), enc(PASSWORD))
}

async fn tls_server(tls: ServerTls, pki: &Pki) -> SmtpServer {
    SmtpServer::start(ServerOptions {
        tls,
        auth: Some((USER.to_owned(), PASSWORD.to_owned())),
        pki: Some(pki.clone()),
    })
    .await
}

async fn state_of(db: &Db, id: &str) -> (OutboxState, Option<String>) {
    let m = outbox::get(&mut db.clone(), DOMAIN, id)
        .await
        .unwrap()
        .unwrap()
        .value;
    (m.state, m.last_error)
}

#[tokio::test]
async fn starttls_with_authentication() {
    on_sqlite(|db| async move {
        setup(&db).await;
        let pki = Pki::new();
        let server = tls_server(ServerTls::StartTls, &pki).await;
        let url = format!(
            "smtp://{}@127.0.0.1:{}?tls=starttls",
            encoded_credentials(),
            server.port()
        );
        assert_eq!(
            SmtpConfig::parse(&url).unwrap().security,
            SmtpSecurity::StartTls
        );
        let relay = relay(&db, &url, Some(&pki));
        let q = enqueue_committed(&db, email("T-1", "magasin@exemple.fr")).await;
        assert_eq!(relay.tick().await.unwrap().sent, 1);
        let got = server.received();
        assert_eq!(got.len(), 1);
        assert!(got[0].tls, "sent after STARTTLS");
        assert_eq!(got[0].user.as_deref(), Some(USER));
        assert_eq!(got[0].message_id(), q.message_id);
        server.stop().await;
    })
    .await;
}

#[tokio::test]
async fn implicit_tls_with_authentication() {
    on_sqlite(|db| async move {
        setup(&db).await;
        let pki = Pki::new();
        let server = tls_server(ServerTls::Implicit, &pki).await;
        let url = format!(
            "smtps://{}@127.0.0.1:{}",
            encoded_credentials(),
            server.port()
        );
        let relay = relay(&db, &url, Some(&pki));
        enqueue_committed(&db, email("T-2", "magasin@exemple.fr")).await;
        enqueue_committed(&db, email("T-3", "magasin@exemple.fr")).await;
        assert_eq!(relay.tick().await.unwrap().sent, 2);
        let got = server.received();
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|m| m.tls && m.user.as_deref() == Some(USER)));
        assert_eq!(server.connections(), 1, "the pooled connection is reused");
        server.stop().await;
    })
    .await;
}

#[tokio::test]
async fn nothing_goes_in_clear_or_to_an_unknown_certificate() {
    on_sqlite(|db| async move {
        setup(&db).await;
        let pki = Pki::new();

        // STARTTLS required, not offered: the message waits, nothing is sent in clear.
        let plain = SmtpServer::start(ServerOptions::default()).await;
        let q = enqueue_committed(&db, email("T-4", "magasin@exemple.fr")).await;
        let r = relay(
            &db,
            &format!("smtp://127.0.0.1:{}?tls=starttls", plain.port()),
            Some(&pki),
        );
        assert_eq!(r.tick().await.unwrap().retried, 1);
        let (state, error) = state_of(&db, &q.id).await;
        assert_eq!(state, OutboxState::Pending);
        assert!(error.unwrap().to_lowercase().contains("starttls"));
        assert!(plain.stop().await.is_empty());

        // A certificate from a CA nobody told the relay about.
        let server = tls_server(ServerTls::Implicit, &pki).await;
        let r = relay(
            &db,
            &format!(
                "smtps://{}@127.0.0.1:{}",
                encoded_credentials(),
                server.port()
            ),
            None,
        );
        assert_eq!(r.tick().await.unwrap().retried, 1);
        let (state, error) = state_of(&db, &q.id).await;
        assert_eq!(state, OutboxState::Pending);
        let error = error.unwrap();
        assert!(
            error.contains("tls") || error.contains("certificate"),
            "{error}"
        );

        // A wrong password: the settings are at fault, not the message; it waits.
        let r = relay(
            &db,
            &format!("smtps://{USER}:faux@127.0.0.1:{}", server.port()),
            Some(&pki),
        );
        assert_eq!(r.tick().await.unwrap().retried, 1);
        let (state, error) = state_of(&db, &q.id).await;
        assert_eq!(state, OutboxState::Pending);
        assert!(error.unwrap().contains("535"));

        // Fixed: it goes.
        let r = relay(
            &db,
            &format!(
                "smtps://{}@127.0.0.1:{}",
                encoded_credentials(),
                server.port()
            ),
            Some(&pki),
        );
        assert_eq!(r.tick().await.unwrap().sent, 1);
        assert_eq!(server.stop().await.len(), 1);
    })
    .await;
}
