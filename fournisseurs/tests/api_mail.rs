//! The e-mails to suppliers through the real gRPC stack, on SQLite and PostgreSQL: a
//! state change queues its e-mail in its transaction, a relay tick sends it to a real
//! SMTP server (in this process), and the test reads what arrived.

mod api_support;

use bascule_fournisseurs::notify::{MAIL_DOMAIN, MailAddresses};
use std::time::Duration;

use bascule_mail::outbox;
use bascule_mail::{OutboxState, RelayOptions};
use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::fournisseurs::v1 as pb;
use tonic::Code;

use api_support::smtp::{SmtpServer, deliver};
use api_support::{Client, create_supplier, date, dec, line, seed, start_with, supplier};

const ADMIN: &str = "exploitation@bascule.exemple.fr";
const PURCHASING: &str = "achats@bascule.exemple.fr";

fn addresses() -> MailAddresses {
    MailAddresses {
        admin: Some(ADMIN.into()),
        purchasing: Some(format!("Service achats <{PURCHASING}>")),
        waker: None,
    }
}

async fn order_for(client: &mut Client, po_number: &str, supplier_code: &str) -> pb::PurchaseOrder {
    client
        .create_purchase_order(pb::CreatePurchaseOrderRequest {
            purchase_order: Some(pb::PurchaseOrder {
                po_number: po_number.into(),
                supplier_code: supplier_code.into(),
                order_date: date(2025, 3, 1),
                requested_delivery_date: date(2025, 3, 20),
                buyer: "jdupont".into(),
                lines: vec![
                    line(1, "MP-00001", "10", "2.5"),
                    line(2, "MP-00002", "1500", "1.2"),
                ],
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("create order")
        .into_inner()
}

async fn send(client: &mut Client, po_number: &str) -> Result<pb::PurchaseOrder, tonic::Status> {
    client
        .send_purchase_order(pb::SendPurchaseOrderRequest {
            po_number: po_number.into(),
            etag: String::new(),
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn confirm(client: &mut Client, po_number: &str) -> Result<pb::PurchaseOrder, tonic::Status> {
    client
        .confirm_purchase_order(pb::ConfirmPurchaseOrderRequest {
            po_number: po_number.into(),
            etag: String::new(),
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn outbox_count(db: &Db, state: OutboxState) -> i64 {
    outbox::count(&mut db.clone(), MAIL_DOMAIN, state)
        .await
        .expect("outbox count")
}

/// A supplier with two ordering addresses and its reference for MP-00001.
async fn mailed_supplier(client: &mut Client) {
    let mut s = supplier("F00020", "Plastiques Rhône-Alpes", "FR");
    s.order_emails = vec![
        "commandes@pra.exemple.fr".into(),
        "adv@pra.exemple.fr".into(),
    ];
    create_supplier(client, s).await;
    client
        .create_supplier_article(pb::CreateSupplierArticleRequest {
            supplier_article: Some(pb::SupplierArticle {
                supplier_code: "F00020".into(),
                article_code: "MP-00001".into(),
                supplier_sku: "PRA-GR-25".into(),
                unit_price: dec("2.5"),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("supplier article");
}

pub async fn the_supplier_gets_the_rfq_then_the_confirmation_once_each(db: Db) {
    let mut s = start_with(&db, DomainState::Live, Some(addresses())).await;
    seed(&mut s).await;
    mailed_supplier(&mut s.client).await;
    let server = SmtpServer::plain().await;
    let relay = server.relay(&db, MAIL_DOMAIN, Some(ADMIN));

    order_for(&mut s.client, "BC25-0100", "F00020").await;
    // A draft changes nothing outside.
    assert!(deliver(&relay, &server).await.is_empty());

    let sent = send(&mut s.client, "BC25-0100").await.expect("send");
    assert_eq!(sent.state, pb::purchase_order::State::RfqSent as i32);
    // The same request again (a client that did not hear the answer): refused, and
    // nothing more is queued.
    let again = send(&mut s.client, "BC25-0100")
        .await
        .expect_err("sent twice");
    assert_eq!(again.code(), Code::FailedPrecondition, "{again:?}");
    assert_eq!(outbox_count(&db, OutboxState::Pending).await, 1);

    let got = deliver(&relay, &server).await;
    assert_eq!(got.len(), 1, "one request for quotation");
    let rfq = &got[0];
    let mut rcpts = rfq.rcpts.clone();
    rcpts.sort();
    assert_eq!(
        rcpts,
        [PURCHASING, "adv@pra.exemple.fr", "commandes@pra.exemple.fr"]
    );
    assert_eq!(
        rfq.addresses("To"),
        ["commandes@pra.exemple.fr", "adv@pra.exemple.fr"]
    );
    assert_eq!(rfq.addresses("Cc"), [PURCHASING]);
    assert_eq!(rfq.from, "bascule@exemple.fr");
    assert_eq!(rfq.subject(), "Demande de prix – commande BC25-0100");
    let text = rfq.text();
    for needle in [
        "Madame, Monsieur,",
        "votre meilleure offre de prix",
        "commande BC25-0100 du 01/03/2025",
        "Livraison souhaitée : 20/03/2025",
        "Ligne 1 : MP-00001 Article MP-00001 (votre référence : PRA-GR-25)",
        "Quantité : 10 pce – Prix unitaire HT : 2,50\u{a0}€ – Montant HT : 25,00\u{a0}€",
        "Ligne 2 : MP-00002 Article MP-00002\n",
        "Quantité : 1\u{a0}500 pce – Prix unitaire HT : 1,20\u{a0}€ – Montant HT : 1\u{a0}800,00\u{a0}€",
        "Total HT indicatif : 1\u{a0}825,00\u{a0}€",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }
    let html = rfq.html().expect("an HTML part");
    assert!(html.contains("lang=\"fr\""), "{html}");
    assert!(html.contains("<td>PRA-GR-25</td>"), "{html}");

    // A refused transition writes nothing: CLOSED is not reachable from RFQ_SENT.
    let refused = s
        .client
        .close_purchase_order(pb::ClosePurchaseOrderRequest {
            po_number: "BC25-0100".into(),
            etag: String::new(),
        })
        .await
        .expect_err("closed before confirmation");
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
    assert!(deliver(&relay, &server).await.is_empty());

    confirm(&mut s.client, "BC25-0100").await.expect("confirm");
    assert_eq!(
        confirm(&mut s.client, "BC25-0100")
            .await
            .expect_err("confirmed twice")
            .code(),
        Code::FailedPrecondition
    );
    let got = deliver(&relay, &server).await;
    assert_eq!(got.len(), 1, "one confirmation");
    let confirmation = &got[0];
    assert_eq!(confirmation.subject(), "Confirmation de commande BC25-0100");
    assert_eq!(confirmation.addresses("Cc"), [PURCHASING]);
    let text = confirmation.text();
    for needle in [
        "Nous vous confirmons notre commande BC25-0100 du 01/03/2025",
        "Quantité : 10 pce",
        "Total HT : 1\u{a0}825,00\u{a0}€",
        "Livraison souhaitée : 20/03/2025",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }
    // Nothing else waits, and a further tick sends nothing.
    assert!(deliver(&relay, &server).await.is_empty());
    assert_eq!(outbox_count(&db, OutboxState::Sent).await, 2);
}

pub async fn a_supplier_without_address_is_reported_to_the_administrator(db: Db) {
    let mut s = start_with(&db, DomainState::Live, Some(addresses())).await;
    // Seeds F00012, which has no ordering address.
    seed(&mut s).await;
    let server = SmtpServer::plain().await;
    let relay = server.relay(&db, MAIL_DOMAIN, Some(ADMIN));

    order_for(&mut s.client, "BC25-0200", "F00012").await;
    let sent = send(&mut s.client, "BC25-0200").await.expect("send");
    assert_eq!(sent.state, pb::purchase_order::State::RfqSent as i32);
    let got = deliver(&relay, &server).await;
    assert_eq!(got.len(), 1, "one notice");
    let notice = &got[0];
    assert_eq!(notice.addresses("To"), [ADMIN]);
    assert_eq!(notice.addresses("Cc"), [PURCHASING]);
    assert!(
        notice.subject().starts_with(
            "[bascule] Fournisseur sans adresse de commande : Mécaplast Garnier (F00012)"
        ),
        "{}",
        notice.subject()
    );
    let text = notice.text();
    assert!(text.contains("BC25-0200"), "{text}");
    assert!(
        text.contains("n'a pas d'adresse électronique de commande : la demande de prix"),
        "{text}"
    );

    // Confirmed too: the supplier still has no address, the administrator hears of it
    // again, for this event.
    confirm(&mut s.client, "BC25-0200").await.expect("confirm");
    let got = deliver(&relay, &server).await;
    assert_eq!(got.len(), 1);
    assert!(
        got[0].text().contains("la confirmation de commande"),
        "{}",
        got[0].text()
    );
}

pub async fn without_mail_addresses_the_supplier_is_still_written_to(db: Db) {
    // `FournisseursApi::new` alone: no administrator, no purchasing.
    let mut s = start_with(&db, DomainState::Live, None).await;
    seed(&mut s).await;
    mailed_supplier(&mut s.client).await;
    let server = SmtpServer::plain().await;
    let relay = server.relay(&db, MAIL_DOMAIN, None);

    order_for(&mut s.client, "BC25-0300", "F00020").await;
    // Confirmed straight from DRAFT: the confirmation, no request for quotation.
    confirm(&mut s.client, "BC25-0300").await.expect("confirm");
    let got = deliver(&relay, &server).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].subject(), "Confirmation de commande BC25-0300");
    assert!(got[0].addresses("Cc").is_empty());

    // A supplier without address and nobody to tell: the change goes through, silently.
    order_for(&mut s.client, "BC25-0301", "F00012").await;
    send(&mut s.client, "BC25-0301").await.expect("send");
    assert!(deliver(&relay, &server).await.is_empty());
}

pub async fn a_committed_e_mail_wakes_the_relay(db: Db) {
    let server = SmtpServer::plain().await;
    // A relay that would not look again for a minute unless woken.
    let relay = server
        .relay(&db, MAIL_DOMAIN, Some(ADMIN))
        .with_options(RelayOptions {
            poll_interval: Duration::from_secs(60),
            ..RelayOptions::default()
        });
    let mut s = start_with(
        &db,
        DomainState::Live,
        Some(addresses().with_waker(relay.waker())),
    )
    .await;
    seed(&mut s).await;
    mailed_supplier(&mut s.client).await;
    order_for(&mut s.client, "BC25-0400", "F00020").await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = {
        let relay = relay.clone();
        tokio::spawn(async move {
            relay
                .run(async {
                    let _ = stopped.await;
                })
                .await;
        })
    };
    // Let the relay make its first (empty) round and go to sleep.
    tokio::time::sleep(Duration::from_millis(300)).await;
    send(&mut s.client, "BC25-0400").await.expect("send");
    let mut waited = Duration::ZERO;
    while server.received().is_empty() && waited < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    let _ = stop.send(());
    running.await.expect("relay stopped");
    let got = server.received();
    assert_eq!(got.len(), 1, "sent without waiting for the next poll");
    assert_eq!(got[0].subject(), "Demande de prix – commande BC25-0400");
}

bascule_platform::backend_tests!(
    a_committed_e_mail_wakes_the_relay,
    the_supplier_gets_the_rfq_then_the_confirmation_once_each,
    a_supplier_without_address_is_reported_to_the_administrator,
    without_mail_addresses_the_supplier_is_still_written_to,
);
