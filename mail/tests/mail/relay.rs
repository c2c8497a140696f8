//! Sending: claims, retries, crashes, permanent failures and the operators' actions.

use std::collections::HashSet;
use std::time::Duration;

use bascule_mail::outbox::{self, OutboxState};
use bascule_mail::{Delivery, Email, MailError, Recorded, RelayOptions};
use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;

use crate::support::smtp::{ServerOptions, SmtpServer, free_port};
use crate::support::{
    ADMIN, DOMAIN, SENDER, count_rows, email, enqueue_committed, fast, outbox_table, relay,
    relay_to, setup,
};

async fn row(db: &Db, id: &str) -> outbox::OutboxMessage {
    outbox::get(&mut db.clone(), DOMAIN, id)
        .await
        .unwrap()
        .expect("outbox row")
        .value
}

async fn a_tick_sends_and_marks_sent_with_the_row_s_message_id(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let queued = enqueue_committed(
        &db,
        Email {
            dedup_key: "reception/R-42".into(),
            to: vec!["Élodie Dupré <e.dupre@exemple.fr>".into()],
            cc: vec!["achats@exemple.fr".into()],
            subject: "Réception n° R-42 : écarts constatés".into(),
            text: "Bonjour Élodie,\n\n3 pièces manquent à la réception R-42.\n".into(),
            html: Some("<p>Bonjour Élodie,</p><p>3 pièces manquent.</p>".into()),
        },
    )
    .await;
    let relay = relay(&db, &server);
    let report = relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1));

    let got = server.received();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.message_id(), queued.message_id);
    assert_eq!(
        m.message_id(),
        outbox::message_id_for(&queued.id, DOMAIN),
        "derived from the row"
    );
    assert_eq!(m.from, "stock@bascule.exemple.fr");
    assert_eq!(
        m.rcpts,
        vec![
            "e.dupre@exemple.fr".to_owned(),
            "achats@exemple.fr".to_owned()
        ]
    );
    assert_eq!(m.subject(), "Réception n° R-42 : écarts constatés");
    assert_eq!(
        m.text().replace("\r\n", "\n"),
        "Bonjour Élodie,\n\n3 pièces manquent à la réception R-42.\n"
    );
    assert!(m.html().unwrap().contains("<p>3 pièces manquent.</p>"));
    assert_eq!(
        m.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    let parsed = m.parsed();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Bascule Stock"));
    let to = parsed.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Élodie Dupré"));

    let stored = row(&db, &queued.id).await;
    assert_eq!(stored.state, OutboxState::Sent);
    assert_eq!(stored.attempts, 1);
    assert!(stored.sent_at.is_some());
    assert_eq!(stored.last_error, None);
    assert_eq!(relay.tick().await.unwrap().claimed, 0, "sent once");
    assert_eq!(relay.stats().sent, 1);
    server.stop().await;
}

async fn smtp_down_then_back_delivers_every_message_once(db: Db) {
    setup(&db).await;
    let port = free_port().await;
    let relay = relay_to(&db, &format!("smtp://127.0.0.1:{port}"), fast()).unwrap();
    let mut queued = Vec::new();
    for i in 0..5 {
        queued.push(enqueue_committed(&db, email(&format!("R-{i}"), "magasin@exemple.fr")).await);
    }

    // Nobody listens: every message waits, the business changes are all there.
    let report = relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.retried, report.sent), (5, 5, 0));
    for q in &queued {
        let r = row(&db, &q.id).await;
        assert_eq!((r.state, r.attempts), (OutboxState::Pending, 1));
        let error = r.last_error.unwrap();
        assert!(error.to_lowercase().contains("connection"), "{error}");
    }

    // Queued again meanwhile: still the same e-mail.
    let mut tx = db.begin().await.unwrap();
    let again = bascule_mail::enqueue(&mut tx, DOMAIN, email("R-3", "magasin@exemple.fr"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!again.created);

    // The server comes back on that port; one more message meets a busy mailbox once.
    let server = SmtpServer::start_on(port, ServerOptions::default()).await;
    server.answer_rcpt("occupe@", "451 4.2.1 Boite occupee, reessayez", Some(1));
    let busy = enqueue_committed(&db, email("R-busy", "occupe@exemple.fr")).await;

    let report = relay.tick().await.unwrap();
    assert_eq!((report.sent, report.retried), (5, 1), "{report:?}");
    let r = row(&db, &busy.id).await;
    assert_eq!((r.state, r.attempts), (OutboxState::Pending, 1));
    assert!(r.last_error.unwrap().contains("451"));
    let report = relay.tick().await.unwrap();
    assert_eq!((report.sent, report.retried), (1, 0), "{report:?}");
    assert_eq!(relay.tick().await.unwrap().claimed, 0);

    let got = server.received();
    assert_eq!(got.len(), 6, "each message exactly once");
    let ids: HashSet<String> = got.iter().map(|m| m.message_id()).collect();
    let expected: HashSet<String> = queued
        .iter()
        .chain([&busy])
        .map(|q| q.message_id.clone())
        .collect();
    assert_eq!(ids, expected);
    for q in queued.iter().chain([&busy]) {
        let r = row(&db, &q.id).await;
        assert_eq!(r.state, OutboxState::Sent);
        assert_eq!(r.last_error, None);
    }
    assert_eq!(relay.stats().retried, 6);
    server.stop().await;
}

async fn a_message_left_by_a_crashed_relay_is_sent_after_its_lease(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let lease = Duration::from_millis(1500);
    let short = RelayOptions { lease, ..fast() };
    let crashed = relay_to(&db, &server.url(), short.clone()).unwrap();
    let survivor = relay_to(&db, &server.url(), short).unwrap();

    // 1. Claimed, then the relay dies before sending.
    let a = enqueue_committed(&db, email("R-A", "magasin@exemple.fr")).await;
    let claimed = crashed.claim().await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(row(&db, &a.id).await.state, OutboxState::Sending);
    drop(claimed);
    drop(crashed);
    assert_eq!(survivor.tick().await.unwrap().claimed, 0, "the lease holds");
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    let report = survivor.tick().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1));
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message_id(), a.message_id);
    let r = row(&db, &a.id).await;
    assert_eq!((r.state, r.attempts), (OutboxState::Sent, 2));

    // 2. Claimed and sent, then the relay dies before recording it: sent again after the
    // lease, with the same Message-ID, so that the receiving side can tell.
    let crashed = relay_to(&db, &server.url(), RelayOptions { lease, ..fast() }).unwrap();
    let b = enqueue_committed(&db, email("R-B", "magasin@exemple.fr")).await;
    let claimed = crashed.claim().await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(crashed.send(&claimed[0]).await, Delivery::Sent);
    assert_eq!(server.received().len(), 2);
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    assert_eq!(survivor.tick().await.unwrap().sent, 1);
    let copies: Vec<_> = server
        .received()
        .into_iter()
        .filter(|m| m.message_id() == b.message_id)
        .collect();
    assert_eq!(
        copies.len(),
        2,
        "the same message twice, with one Message-ID"
    );
    assert_eq!(copies[0].subject(), copies[1].subject());
    assert_eq!(copies[0].header("Date"), copies[1].header("Date"));
    // The late relay finds its claim gone and records nothing.
    assert_eq!(
        crashed.record(&claimed[0], &Delivery::Sent).await.unwrap(),
        Recorded::LeaseLost
    );
    assert_eq!(crashed.stats().leases_lost, 1);
    let r = row(&db, &b.id).await;
    assert_eq!((r.state, r.attempts), (OutboxState::Sent, 2));
    server.stop().await;
}

async fn two_relays_share_the_outbox_without_sending_twice(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let options = RelayOptions {
        batch_size: 3,
        ..fast()
    };
    let one = relay_to(&db, &server.url(), options.clone()).unwrap();
    let two = relay_to(&db, &server.url(), options).unwrap();
    let mut expected = HashSet::new();
    for i in 0..20 {
        expected.insert(
            enqueue_committed(&db, email(&format!("R-{i}"), "magasin@exemple.fr"))
                .await
                .message_id,
        );
    }
    let mut rounds = 0;
    loop {
        let (a, b) = tokio::join!(one.tick(), two.tick());
        let (a, b) = (a.unwrap(), b.unwrap());
        if a.claimed + b.claimed == 0 {
            break;
        }
        rounds += 1;
        assert!(rounds < 20);
    }
    let got = server.received();
    assert_eq!(got.len(), 20, "no message twice");
    let ids: HashSet<String> = got.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids, expected);
    assert_eq!(one.stats().sent + two.stats().sent, 20);
    assert!(
        one.stats().sent > 0 && two.stats().sent > 0,
        "both relays worked"
    );
    server.stop().await;
}

async fn a_permanent_failure_is_dead_counted_and_alerted_once(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    server.answer_rcpt("inconnu@", "550 5.1.1 Utilisateur inconnu", None);
    let relay = relay(&db, &server);
    let dead = enqueue_committed(&db, email("R-X", "inconnu@exemple.fr")).await;

    let report = relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.dead), (1, 1));
    let r = row(&db, &dead.id).await;
    assert_eq!(
        (r.state, r.attempts),
        (OutboxState::Dead, 1),
        "no retry of a 550"
    );
    let error = r.last_error.unwrap();
    assert!(
        error.contains("550") && error.contains("Utilisateur inconnu"),
        "{error}"
    );
    assert_eq!((relay.stats().dead, relay.stats().alerts), (1, 1));
    assert_eq!(
        outbox::count(&mut db.clone(), DOMAIN, OutboxState::Dead)
            .await
            .unwrap(),
        1
    );

    // The alert is an outbox row too, sent by the next tick.
    let report = relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1));
    let got = server.received();
    assert_eq!(got.len(), 1);
    let alert = &got[0];
    assert_eq!(alert.rcpts, vec!["exploitation@exemple.fr".to_owned()]);
    assert_eq!(
        alert.subject(),
        "[bascule] Courriel non distribué (stock) : Réception R-X enregistrée"
    );
    let text = alert.text();
    assert!(text.contains(&dead.message_id), "{text}");
    assert!(text.contains(&dead.id), "{text}");
    assert!(text.contains("inconnu@exemple.fr"), "{text}");
    assert!(
        text.contains("550 5.1.1 Utilisateur inconnu") || text.contains("5.1.1"),
        "{text}"
    );
    assert!(alert.html().unwrap().contains("<html lang=\"fr\">"));
    let page = outbox::list(
        &mut db.clone(),
        DOMAIN,
        Some(OutboxState::Sent),
        &PageRequest::first(10),
    )
    .await
    .unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.items[0].value.is_alert());
    assert!(page.items[0].value.dedup_key.starts_with("stock#alert:"));
    assert_eq!(relay.tick().await.unwrap().claimed, 0, "one alert, once");
    server.stop().await;
}

async fn an_alert_that_cannot_be_delivered_raises_no_alert(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    server.answer_rcpt("inconnu@", "550 5.1.1 Utilisateur inconnu", None);
    server.answer_rcpt("exploitation@", "552 5.2.2 Boite pleine", None);
    let relay = relay(&db, &server);
    enqueue_committed(&db, email("R-Y", "inconnu@exemple.fr")).await;
    assert_eq!(relay.tick().await.unwrap().dead, 1);
    assert_eq!(relay.tick().await.unwrap().dead, 1, "the alert dies too");
    assert_eq!(
        relay.tick().await.unwrap().claimed,
        0,
        "and nothing is said about it"
    );
    assert_eq!(count_rows(&db, &outbox_table(&db)).await, 2);
    assert_eq!((relay.stats().dead, relay.stats().alerts), (2, 1));
    let dead = outbox::list_dead(&mut db.clone(), DOMAIN, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(dead.items.len(), 2);
    assert_eq!(dead.items.iter().filter(|m| m.value.is_alert()).count(), 1);
    assert!(server.received().is_empty());
    server.stop().await;
}

async fn temporary_failures_die_when_attempts_run_out(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    server.answer_rcpt("lent@", "421 4.4.5 Trop de connexions", None);
    let relay = relay_to(
        &db,
        &server.url(),
        RelayOptions {
            max_attempts: 2,
            ..fast()
        },
    )
    .unwrap();
    let q = enqueue_committed(&db, email("R-Z", "lent@exemple.fr")).await;
    assert_eq!(relay.tick().await.unwrap().retried, 1);
    assert_eq!(row(&db, &q.id).await.state, OutboxState::Pending);
    assert_eq!(relay.tick().await.unwrap().dead, 1);
    let r = row(&db, &q.id).await;
    assert_eq!((r.state, r.attempts), (OutboxState::Dead, 2));
    let error = r.last_error.unwrap();
    assert!(error.starts_with("gave up after 2 attempts: "), "{error}");
    assert!(error.contains("421"), "{error}");
    // The administrator hears of it.
    assert_eq!(relay.tick().await.unwrap().sent, 1);
    assert_eq!(
        server.received()[0].rcpts,
        vec!["exploitation@exemple.fr".to_owned()]
    );
    server.stop().await;
}

async fn a_backoff_keeps_a_failed_message_waiting(db: Db) {
    setup(&db).await;
    let port = free_port().await;
    let relay = relay_to(
        &db,
        &format!("smtp://127.0.0.1:{port}"),
        RelayOptions {
            backoff_base: Duration::from_secs(60),
            backoff_max: Duration::from_secs(3600),
            ..fast()
        },
    )
    .unwrap();
    let q = enqueue_committed(&db, email("R-W", "magasin@exemple.fr")).await;
    let before = bascule_platform::db::record::now();
    assert_eq!(relay.tick().await.unwrap().retried, 1);
    let r = row(&db, &q.id).await;
    let wait = r.next_attempt_at - before;
    assert!(
        wait >= chrono::Duration::seconds(30) && wait <= chrono::Duration::seconds(61),
        "{wait}"
    );
    let server = SmtpServer::start_on(port, ServerOptions::default()).await;
    assert_eq!(relay.tick().await.unwrap().claimed, 0, "not due yet");
    assert!(server.received().is_empty());
    server.stop().await;
}

async fn dead_messages_are_listed_retried_and_cancelled(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    // Two refusals, then the mailbox exists again.
    server.answer_rcpt("client@", "550 5.1.1 Utilisateur inconnu", Some(2));
    let relay = relay_to(&db, &server.url(), fast()).unwrap();
    let mut e = db.clone();
    let a = enqueue_committed(&db, email("R-1", "client@exemple.fr")).await;
    let b = enqueue_committed(&db, email("R-2", "client@exemple.fr")).await;
    assert_eq!(relay.tick().await.unwrap().dead, 2);
    assert_eq!(relay.tick().await.unwrap().sent, 2, "the two alerts");

    let dead = outbox::list_dead(&mut e, DOMAIN, &PageRequest::first(1))
        .await
        .unwrap();
    assert_eq!(dead.items.len(), 1);
    assert_eq!(dead.items[0].id, a.id, "in the order they were written");
    let rest = outbox::list_dead(
        &mut e,
        DOMAIN,
        &PageRequest {
            size: 1,
            token: dead.next_token.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(rest.items[0].id, b.id);
    assert!(rest.next_token.is_none());
    assert!(
        outbox::list_dead(&mut e, "clients", &PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let retried = outbox::retry(&mut e, DOMAIN, &a.id).await.unwrap();
    assert_eq!(
        (retried.value.state, retried.value.attempts),
        (OutboxState::Pending, 0)
    );
    let cancelled = outbox::cancel(&mut e, DOMAIN, &b.id).await.unwrap();
    assert_eq!(cancelled.value.state, OutboxState::Cancelled);
    let report = relay.tick().await.unwrap();
    assert_eq!(
        (report.claimed, report.sent),
        (1, 1),
        "only the retried one"
    );
    let delivered: Vec<_> = server
        .received()
        .into_iter()
        .filter(|m| m.rcpts == ["client@exemple.fr"])
        .collect();
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        delivered[0].message_id(),
        a.message_id,
        "still its own Message-ID"
    );

    // What cannot be done.
    let err = outbox::retry(&mut e, DOMAIN, &b.id).await.unwrap_err();
    assert!(
        matches!(&err, MailError::WrongState { state, .. } if state == "CANCELLED"),
        "{err}"
    );
    let err = outbox::cancel(&mut e, DOMAIN, &a.id).await.unwrap_err();
    assert!(
        matches!(&err, MailError::WrongState { state, .. } if state == "SENT"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "outbox message {} is SENT; only DEAD or PENDING messages can be cancelled",
            a.id
        )
    );
    let err = outbox::retry(&mut e, DOMAIN, "no-such-id")
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::NotFound { .. }), "{err}");
    let err = outbox::cancel(&mut e, "clients", &a.id).await.unwrap_err();
    assert!(
        matches!(err, MailError::NotFound { .. }),
        "another domain's message"
    );
    // A pending message can be cancelled before a relay takes it.
    let c = enqueue_committed(&db, email("R-3", "client@exemple.fr")).await;
    outbox::cancel(&mut e, DOMAIN, &c.id).await.unwrap();
    assert_eq!(relay.tick().await.unwrap().claimed, 0);
    server.stop().await;
}

async fn the_relay_runs_until_shutdown_and_can_be_woken(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let relay = relay_to(
        &db,
        &server.url(),
        RelayOptions {
            poll_interval: Duration::from_secs(3600),
            ..fast()
        },
    )
    .unwrap();
    let waker = relay.waker();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = relay.clone();
    let task = tokio::spawn(async move {
        running
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    // The first tick found nothing; the next poll is an hour away, the waker is not.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let q = enqueue_committed(&db, email("R-run", "magasin@exemple.fr")).await;
    waker.wake();
    let got = server.wait_for(1).await;
    assert_eq!(got[0].message_id(), q.message_id);
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the relay stops")
        .unwrap();
    assert_eq!(relay.stats().sent, 1);
    assert_eq!(row(&db, &q.id).await.state, OutboxState::Sent);
    server.stop().await;
}

async fn settings_make_a_relay(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let values = std::collections::HashMap::from([
        ("BASCULE_SMTP_URL".to_owned(), server.url()),
        ("BASCULE_MAIL_FROM".to_owned(), SENDER.to_owned()),
        ("BASCULE_MAIL_ADMIN".to_owned(), ADMIN.to_owned()),
    ]);
    let settings = bascule_mail::MailSettings::from_values(&values).unwrap();
    let relay = bascule_mail::Relay::from_settings(db.clone(), DOMAIN, &settings)
        .unwrap()
        .expect("a relay");
    enqueue_committed(&db, email("R-s", "magasin@exemple.fr")).await;
    assert_eq!(relay.tick().await.unwrap().sent, 1);
    let none = bascule_mail::MailSettings::from_values(&Default::default()).unwrap();
    assert!(
        bascule_mail::Relay::from_settings(db.clone(), DOMAIN, &none)
            .unwrap()
            .is_none()
    );
    server.stop().await;
}

bascule_platform::backend_tests!(
    a_tick_sends_and_marks_sent_with_the_row_s_message_id,
    smtp_down_then_back_delivers_every_message_once,
    a_message_left_by_a_crashed_relay_is_sent_after_its_lease,
    two_relays_share_the_outbox_without_sending_twice,
    a_permanent_failure_is_dead_counted_and_alerted_once,
    an_alert_that_cannot_be_delivered_raises_no_alert,
    temporary_failures_die_when_attempts_run_out,
    a_backoff_keeps_a_failed_message_waiting,
    dead_messages_are_listed_retried_and_cancelled,
    the_relay_runs_until_shutdown_and_can_be_woken,
    settings_make_a_relay,
);
