//! Writing e-mails: in the business transaction, once per key, never breaking it.

use bascule_mail::outbox::{self, OutboxState};
use bascule_mail::{Email, MailError, enqueue};
use bascule_platform::db::Db;
use bascule_platform::db::schema::SchemaName;

use crate::support::smtp::{ServerOptions, SmtpServer};
use crate::support::{
    DOMAIN, business_change, count_rows, email, enqueue_committed, outbox_table, relay, setup,
};

async fn an_email_is_committed_or_rolled_back_with_its_business_change(db: Db) {
    setup(&db).await;
    let business = db
        .target()
        .dialect()
        .table(SchemaName::Stock, "reception_test");

    let mut tx = db.begin().await.unwrap();
    business_change(&mut tx, "R-1").await;
    let e = enqueue(&mut tx, DOMAIN, email("R-1", "magasin@exemple.fr"))
        .await
        .unwrap();
    assert!(e.created);
    tx.rollback().await.unwrap();
    assert_eq!(count_rows(&db, &business).await, 0);
    assert_eq!(
        count_rows(&db, &outbox_table(&db)).await,
        0,
        "no e-mail without its change"
    );

    let mut tx = db.begin().await.unwrap();
    business_change(&mut tx, "R-2").await;
    let e = enqueue(&mut tx, DOMAIN, email("R-2", "magasin@exemple.fr"))
        .await
        .unwrap();
    // Dropped without commit: rolled back too.
    drop(tx);
    assert_eq!(count_rows(&db, &outbox_table(&db)).await, 0);
    assert!(
        outbox::get(&mut db.clone(), DOMAIN, &e.id)
            .await
            .unwrap()
            .is_none()
    );

    let e = enqueue_committed(&db, email("R-3", "magasin@exemple.fr")).await;
    assert_eq!(count_rows(&db, &business).await, 1);
    let stored = outbox::get(&mut db.clone(), DOMAIN, &e.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.value.state, OutboxState::Pending);
    assert_eq!(stored.value.attempts, 0);
    assert_eq!(stored.value.dedup_key, "stock:R-3");
    assert_eq!(stored.value.message_id, e.message_id);
    assert_eq!(
        e.message_id,
        outbox::message_id_for(&e.id, DOMAIN),
        "the Message-ID is derived from the row"
    );
    assert_eq!(stored.value.to, vec!["magasin@exemple.fr".to_owned()]);
    assert_eq!(stored.value.subject, "Réception R-3 enregistrée");
    // Another domain does not see it.
    assert!(
        outbox::get(&mut db.clone(), "clients", &e.id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn the_same_key_gives_one_email(db: Db) {
    setup(&db).await;
    let server = SmtpServer::start(ServerOptions::default()).await;
    let first = enqueue_committed(&db, email("R-7", "magasin@exemple.fr")).await;
    assert!(first.created);

    // Again, in one transaction, twice; and the business change goes on afterwards
    // (on PostgreSQL a failed INSERT would have aborted the transaction).
    let mut tx = db.begin().await.unwrap();
    for _ in 0..2 {
        let again = enqueue(
            &mut tx,
            DOMAIN,
            Email {
                subject: "Autre objet".into(),
                ..email("R-7", "autre@exemple.fr")
            },
        )
        .await
        .unwrap();
        assert!(!again.created);
        assert_eq!(
            (&again.id, &again.message_id),
            (&first.id, &first.message_id)
        );
    }
    business_change(&mut tx, "R-7 bis").await;
    tx.commit().await.unwrap();

    // The same key in another domain is another e-mail.
    let mut tx = db.begin().await.unwrap();
    let other = enqueue(&mut tx, "production", email("R-7", "atelier@exemple.fr"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(other.created);
    assert_ne!(other.id, first.id);

    let relay = relay(&db, &server);
    let report = relay.tick().await.unwrap();
    assert_eq!(
        (report.claimed, report.sent),
        (1, 1),
        "the stock relay sends stock's only"
    );
    assert_eq!(relay.tick().await.unwrap().claimed, 0);
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message_id(), first.message_id);
    assert_eq!(got[0].rcpts, vec!["magasin@exemple.fr".to_owned()]);
    assert_eq!(
        got[0].subject(),
        "Réception R-7 enregistrée",
        "the first one wins"
    );
    assert_eq!(
        outbox::count(&mut db.clone(), "production", OutboxState::Pending)
            .await
            .unwrap(),
        1
    );
    server.stop().await;
}

async fn a_refused_email_leaves_the_business_change_going(db: Db) {
    setup(&db).await;
    let mut tx = db.begin().await.unwrap();
    business_change(&mut tx, "R-9").await;
    let err = enqueue(&mut tx, DOMAIN, email("R-9", "pas une adresse"))
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Invalid(_)), "{err}");
    let err = enqueue(&mut tx, "Stock", email("R-9", "a@exemple.fr"))
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Invalid(_)), "{err}");
    business_change(&mut tx, "R-10").await;
    tx.commit().await.unwrap();
    let business = db
        .target()
        .dialect()
        .table(SchemaName::Stock, "reception_test");
    assert_eq!(count_rows(&db, &business).await, 2);
    assert_eq!(count_rows(&db, &outbox_table(&db)).await, 0);
}

bascule_platform::backend_tests!(
    an_email_is_committed_or_rolled_back_with_its_business_change,
    the_same_key_gives_one_email,
    a_refused_email_leaves_the_business_change_going,
);
