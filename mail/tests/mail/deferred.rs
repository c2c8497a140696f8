//! Deferred e-mails: written as a kind and a payload in the business transaction,
//! composed by the domain's composer at each attempt until sent.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use bascule_mail::outbox::{self, OutboxState};
use bascule_mail::{
    ComposeError, ComposeFuture, Composed, Composer, Deferred, Enqueued, MailError, Template,
    enqueue_deferred,
};
use bascule_platform::db::Db;
use serde_json::json;

use crate::support::smtp::{ServerOptions, SmtpServer};
use crate::support::{DOMAIN, business_change, count_rows, email, outbox_table, relay, setup};

/// How the directory answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Up,
    /// As an unreachable service.
    Down,
    /// As a domain not switched over yet.
    NotVerified,
}

/// A supplier directory: codes to addresses, which can be made unreachable.
struct Directory {
    addresses: Mutex<HashMap<String, String>>,
    mode: Mutex<Mode>,
    calls: AtomicU32,
}

impl Directory {
    fn new(entries: &[(&str, &str)]) -> Arc<Directory> {
        Arc::new(Directory {
            addresses: Mutex::new(
                entries
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
            mode: Mutex::new(Mode::Up),
            calls: AtomicU32::new(0),
        })
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
}

static REQUEST: std::sync::LazyLock<Template> = std::sync::LazyLock::new(|| {
    Template::new(
        "Demande {{reference}} : {{article}}",
        "Bonjour {{nom}},\n\nmerci de nous livrer {{quantite}} {{article}}.\n",
    )
    .with_html("<p>Merci de nous livrer <b>{{quantite}}</b> {{article}}.</p>")
});

impl Composer for Directory {
    fn compose<'a>(&'a self, kind: &'a str, payload: &'a serde_json::Value) -> ComposeFuture<'a> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            match *self.mode.lock().unwrap() {
                Mode::Down => {
                    return Err(ComposeError::Temporary(
                        "the directory is unreachable".into(),
                    ));
                }
                Mode::NotVerified => {
                    return Err(ComposeError::Waiting(
                        "the directory's domain is legacy".into(),
                    ));
                }
                Mode::Up => {}
            }
            if kind != "test.request" {
                return Err(ComposeError::Permanent(format!("unknown kind {kind}")));
            }
            let text = |k: &str| payload[k].as_str().unwrap_or_default().to_owned();
            let code = text("supplier");
            let address = self
                .addresses
                .lock()
                .unwrap()
                .get(&code)
                .cloned()
                .ok_or_else(|| {
                    ComposeError::Permanent(format!("supplier {code} has no e-mail address"))
                })?;
            let rendered = REQUEST
                .render(&HashMap::from([
                    ("reference", text("reference")),
                    ("article", text("article")),
                    ("quantite", text("quantity")),
                    ("nom", code.clone()),
                ]))
                .map_err(|e| ComposeError::Permanent(e.to_string()))?;
            Ok(Composed::new(rendered, vec![address]).with_cc(vec!["achats@exemple.fr".into()]))
        })
    }
}

fn deferred(reference: &str, supplier: &str) -> Deferred {
    Deferred {
        dedup_key: format!("besoin/{reference}"),
        kind: "test.request".into(),
        payload: json!({
            "reference": reference,
            "supplier": supplier,
            "article": "tôle S235",
            "quantity": "125",
        }),
    }
}

async fn enqueue_committed(db: &Db, d: Deferred) -> Enqueued {
    let mut tx = db.begin().await.unwrap();
    business_change(&mut tx, &d.dedup_key).await;
    let done = enqueue_deferred(&mut tx, DOMAIN, d).await.unwrap();
    tx.commit().await.unwrap();
    done
}

async fn row(db: &Db, id: &str) -> outbox::OutboxMessage {
    outbox::get(&mut db.clone(), DOMAIN, id)
        .await
        .unwrap()
        .expect("outbox row")
        .value
}

async fn a_deferred_email_is_composed_at_send_time_and_sent_once(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let directory = Directory::new(&[("F00001", "Commandes <commandes@acier.exemple.fr>")]);

    // Rolled back with its business change, like any e-mail.
    let mut tx = db.begin().await.unwrap();
    business_change(&mut tx, "DR-0").await;
    enqueue_deferred(&mut tx, DOMAIN, deferred("DR-0", "F00001"))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(count_rows(&db, &outbox_table(&db)).await, 0);

    let queued = enqueue_committed(&db, deferred("DR-1", "F00001")).await;
    assert!(queued.created);
    let again = enqueue_committed(&db, deferred("DR-1", "F00999")).await;
    assert_eq!((again.created, &again.id), (false, &queued.id), "same key");
    let stored = row(&db, &queued.id).await;
    assert!(stored.is_deferred());
    assert_eq!(stored.kind.as_deref(), Some("test.request"));
    assert_eq!(stored.payload.as_ref().unwrap()["supplier"], "F00001");
    assert!(stored.to.is_empty());

    let relay = relay(&db, &server).with_composer(directory.clone());
    let report = relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1), "{report:?}");
    let got = server.received();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.message_id(), queued.message_id, "derived from the row");
    assert_eq!(
        m.rcpts,
        vec![
            "commandes@acier.exemple.fr".to_owned(),
            "achats@exemple.fr".to_owned()
        ]
    );
    assert_eq!(m.subject(), "Demande DR-1 : tôle S235");
    assert!(m.text().contains("livrer 125 tôle S235"), "{}", m.text());
    assert!(m.html().unwrap().contains("<b>125</b>"));

    // The row now says what was sent.
    let sent = row(&db, &queued.id).await;
    assert_eq!(sent.state, OutboxState::Sent);
    assert_eq!(sent.subject, "Demande DR-1 : tôle S235");
    assert_eq!(
        sent.to,
        vec!["Commandes <commandes@acier.exemple.fr>".to_owned()]
    );
    assert_eq!(sent.kind.as_deref(), Some("test.request"));
    assert_eq!(relay.tick().await.unwrap().claimed, 0, "sent once");
    assert_eq!(directory.calls(), 1);
    server.stop().await;
}

async fn a_composer_out_of_reach_is_retried_then_sent_once(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let directory = Directory::new(&[("F00001", "commandes@acier.exemple.fr")]);
    directory.set(Mode::Down);
    let relay = relay(&db, &server).with_composer(directory.clone());
    let queued = enqueue_committed(&db, deferred("DR-2", "F00001")).await;
    // An e-mail written whole in the same batch goes on regardless.
    let mut tx = db.begin().await.unwrap();
    bascule_mail::enqueue(&mut tx, DOMAIN, email("R-1", "magasin@exemple.fr"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let report = relay.tick().await.unwrap();
    assert_eq!(
        (report.claimed, report.sent, report.retried),
        (2, 1, 1),
        "{report:?}"
    );
    let waiting = row(&db, &queued.id).await;
    assert_eq!((waiting.state, waiting.attempts), (OutboxState::Pending, 1));
    let error = waiting.last_error.unwrap();
    assert!(
        error.contains("test.request") && error.contains("unreachable"),
        "{error}"
    );
    assert!(waiting.to.is_empty(), "nothing composed yet");

    directory.set(Mode::Up);
    let report = relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1), "{report:?}");
    assert_eq!(relay.tick().await.unwrap().claimed, 0);
    let to_supplier: Vec<_> = server
        .received()
        .into_iter()
        .filter(|m| m.message_id() == queued.message_id)
        .collect();
    assert_eq!(to_supplier.len(), 1, "exactly once");
    assert_eq!(
        to_supplier[0].rcpts[0],
        "commandes@acier.exemple.fr".to_owned()
    );
    let sent = row(&db, &queued.id).await;
    assert_eq!((sent.state, sent.attempts), (OutboxState::Sent, 2));
    assert_eq!(sent.last_error, None);
    assert_eq!(directory.calls(), 2);
    server.stop().await;
}

async fn a_permanent_composition_failure_is_dead_and_alerted(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let directory = Directory::new(&[("F00002", "pas une adresse")]);
    let relay = relay(&db, &server).with_composer(directory.clone());
    let unknown = enqueue_committed(&db, deferred("DR-3", "F00404")).await;
    let bad_address = enqueue_committed(&db, deferred("DR-4", "F00002")).await;

    let report = relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.dead), (2, 2), "{report:?}");
    let dead = row(&db, &unknown.id).await;
    assert_eq!((dead.state, dead.attempts), (OutboxState::Dead, 1));
    let error = dead.last_error.unwrap();
    assert!(
        error.contains("supplier F00404 has no e-mail address"),
        "{error}"
    );
    let error = row(&db, &bad_address.id).await.last_error.unwrap();
    assert!(error.contains("not an e-mail address"), "{error}");

    // The alerts go out at the next tick, the reason in them.
    let report = relay.tick().await.unwrap();
    assert_eq!(report.sent, 2, "{report:?}");
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert!(
        got.iter()
            .all(|m| m.rcpts == vec!["exploitation@exemple.fr".to_owned()])
    );
    let alert = got
        .iter()
        .find(|m| m.text().contains(&unknown.message_id))
        .expect("the alert about DR-3");
    assert!(
        alert.subject().contains("test.request"),
        "{}",
        alert.subject()
    );
    let text = alert.text();
    assert!(
        text.contains("supplier F00404 has no e-mail address"),
        "{text}"
    );
    assert!(text.contains("DR-3"), "the payload is shown: {text}");
    assert_eq!(relay.tick().await.unwrap().claimed, 0);
    server.stop().await;
}

async fn an_email_waits_for_a_domain_not_switched_over_without_dying(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let directory = Directory::new(&[("F00001", "commandes@acier.exemple.fr")]);
    directory.set(Mode::NotVerified);
    // One attempt only: a temporary failure would be DEAD at once; a wait never is.
    let options = bascule_mail::RelayOptions {
        max_attempts: 1,
        ..crate::support::fast()
    };
    let relay = relay(&db, &server)
        .with_options(options)
        .with_composer(directory.clone());
    let queued = enqueue_committed(&db, deferred("DR-7", "F00001")).await;
    for _ in 0..3 {
        let report = relay.tick().await.unwrap();
        assert_eq!((report.retried, report.dead), (1, 0), "{report:?}");
        let waiting = row(&db, &queued.id).await;
        assert_eq!((waiting.state, waiting.attempts), (OutboxState::Pending, 0));
        assert!(waiting.last_error.unwrap().contains("legacy"));
    }
    directory.set(Mode::Up);
    let report = relay.tick().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let sent = row(&db, &queued.id).await;
    assert_eq!((sent.state, sent.attempts), (OutboxState::Sent, 1));
    assert_eq!(server.received().len(), 1);
    server.stop().await;
}

async fn without_a_composer_a_deferred_email_waits(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let relay = relay(&db, &server);
    let queued = enqueue_committed(&db, deferred("DR-5", "F00001")).await;
    let report = relay.tick().await.unwrap();
    assert_eq!(report.retried, 1, "{report:?}");
    let r = row(&db, &queued.id).await;
    assert_eq!(r.state, OutboxState::Pending);
    assert!(r.last_error.unwrap().contains("no composer"));
    assert!(server.received().is_empty());

    // A bad kind is refused before anything is written.
    let mut tx = db.begin().await.unwrap();
    let e = enqueue_deferred(
        &mut tx,
        DOMAIN,
        Deferred {
            kind: "Stock Replenishment!".into(),
            ..deferred("DR-6", "F00001")
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, MailError::Invalid(_)), "{e}");
    tx.commit().await.unwrap();
    assert_eq!(count_rows(&db, &outbox_table(&db)).await, 1);
    server.stop().await;
}

bascule_platform::backend_tests!(
    a_deferred_email_is_composed_at_send_time_and_sent_once,
    a_composer_out_of_reach_is_retried_then_sent_once,
    a_permanent_composition_failure_is_dead_and_alerted,
    without_a_composer_a_deferred_email_waits,
    an_email_waits_for_a_domain_not_switched_over_without_dying,
);
