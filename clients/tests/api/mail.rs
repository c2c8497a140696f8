//! The e-mails of customer orders through the service: a state change queues its
//! e-mails in its transaction, a relay tick sends them to a real SMTP server (in this
//! process), and the test reads what arrived.

use bascule_clients::domain::Customer;
use bascule_clients::notify::{MAIL_DOMAIN, MailAddresses};
use bascule_clients::storage::ClientsStore;
use bascule_mail::OutboxState;
use bascule_mail::outbox;
use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::clients::v1 as pb;
use tonic::Code;

use super::orders::{Move, apply};
use super::smtp::{SmtpServer, deliver};
use super::{Client, create_customer, create_order, customer, line, order, start_with};

const PRODUCTION: &str = "production@bascule.exemple.fr";
const ADMIN: &str = "exploitation@bascule.exemple.fr";

fn addresses() -> MailAddresses {
    MailAddresses {
        production_team: Some(format!("Atelier <{PRODUCTION}>")),
        waker: None,
    }
}

async fn outbox_count(db: &Db, state: OutboxState) -> i64 {
    outbox::count(&mut db.clone(), MAIL_DOMAIN, state)
        .await
        .expect("outbox count")
}

async fn add_contact(client: &mut Client, customer_code: &str, email: &str, principal: bool) {
    client
        .create_contact(pb::CreateContactRequest {
            contact: Some(pb::Contact {
                customer_code: customer_code.into(),
                civility: "Mme".into(),
                first_name: "Martine".into(),
                last_name: if principal { "Guérin" } else { "Roux" }.into(),
                email: email.into(),
                principal,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("contact");
}

/// An order of two lines for `customer_code`, with the customer's reference.
async fn two_lines(client: &mut Client, number: &str, customer_code: &str) {
    let mut o = order(
        number,
        customer_code,
        vec![line(1, "250", "3.2"), line(2, "1200", "0.85")],
    );
    o.lines[1].article_code = "PF-00002".into();
    o.lines[1].description = "Couvercle ABS".into();
    o.customer_reference = "PO-7781".into();
    create_order(client, o, "").await.expect("order");
}

pub async fn confirmation_reaches_the_customer_and_production_once(db: Db) {
    let (_server, mut client) = start_with(&db, DomainState::Live, Some(addresses())).await;
    let mut c = customer("C00001", "Forges de Lyon");
    c.contact_emails = vec!["commandes@forges.exemple.fr".into()];
    create_customer(&mut client, c).await;
    add_contact(&mut client, "C00001", "m.roux@forges.exemple.fr", false).await;
    add_contact(&mut client, "C00001", "m.guerin@forges.exemple.fr", true).await;
    let smtp = SmtpServer::plain().await;
    let relay = smtp.relay(&db, MAIL_DOMAIN, Some(ADMIN));

    two_lines(&mut client, "CC25-00100", "C00001").await;
    assert!(
        deliver(&relay, &smtp).await.is_empty(),
        "a draft says nothing"
    );

    let confirmed = apply(&mut client, "CC25-00100", "", Move::Confirm)
        .await
        .expect("confirm");
    assert_eq!(confirmed.state, pb::OrderState::Confirmed as i32);
    // The same request again: refused, and nothing more is queued.
    let again = apply(&mut client, "CC25-00100", "", Move::Confirm)
        .await
        .expect_err("confirmed twice");
    assert_eq!(again.code(), Code::FailedPrecondition, "{again:?}");
    assert_eq!(outbox_count(&db, OutboxState::Pending).await, 2);

    let mut got = deliver(&relay, &smtp).await;
    assert_eq!(got.len(), 2, "the customer and production");
    got.sort_by_key(|m| m.rcpts.clone());
    let (to_customer, to_production) = (&got[0], &got[1]);

    // The principal contact only.
    assert_eq!(to_customer.from, "bascule@exemple.fr");
    assert_eq!(to_customer.rcpts, ["m.guerin@forges.exemple.fr"]);
    assert_eq!(to_customer.addresses("To"), ["m.guerin@forges.exemple.fr"]);
    assert!(to_customer.addresses("Cc").is_empty());
    assert_eq!(
        to_customer.subject(),
        "Confirmation de votre commande CC25-00100"
    );
    let text = to_customer.text();
    for needle in [
        "Bonjour Mme Martine Guérin,",
        "nous confirmons ci-dessous",
        "commande CC25-00100 du 01/03/2025",
        "Votre référence : PO-7781",
        "Date de livraison souhaitée : 20/03/2025",
        "- PF-00001 Boîtier ABS noir\n  Quantité : 250 – Prix unitaire HT : 3,20\u{a0}€ – Montant HT : 800,00\u{a0}€",
        "- PF-00002 Couvercle ABS\n  Quantité : 1\u{a0}200 – Prix unitaire HT : 0,85\u{a0}€ – Montant HT : 1\u{a0}020,00\u{a0}€",
        "Total HT : 1\u{a0}820,00\u{a0}€",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }
    assert!(
        to_customer
            .html()
            .expect("an HTML part")
            .contains("lang=\"fr\"")
    );

    assert_eq!(to_production.rcpts, [PRODUCTION]);
    assert_eq!(
        to_production.subject(),
        "Commande client CC25-00100 confirmée – Forges de Lyon (C00001)"
    );
    let text = to_production.text();
    for needle in [
        "La commande client CC25-00100 est confirmée.",
        "Client : Forges de Lyon (C00001)",
        "Date souhaitée par le client : 20/03/2025",
        "Ligne 1 : PF-00001 Boîtier ABS noir – Quantité : 250",
        "Ligne 2 : PF-00002 Couvercle ABS – Quantité : 1\u{a0}200",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }

    // Production started: its own doing, no e-mail. A refused move: none either.
    apply(&mut client, "CC25-00100", "", Move::StartProduction)
        .await
        .expect("start production");
    let refused = apply(&mut client, "CC25-00100", "", Move::Deliver)
        .await
        .expect_err("delivered before ready");
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
    assert!(deliver(&relay, &smtp).await.is_empty());

    // Cancelled while in production: production hears of it, the customer does not.
    apply(&mut client, "CC25-00100", "", Move::Cancel)
        .await
        .expect("cancel");
    apply(&mut client, "CC25-00100", "", Move::Cancel)
        .await
        .expect_err("cancelled twice");
    let got = deliver(&relay, &smtp).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpts, [PRODUCTION]);
    assert_eq!(
        got[0].subject(),
        "Commande client CC25-00100 annulée – Forges de Lyon (C00001)"
    );
    let text = got[0].text();
    assert!(text.contains("(elle était IN_PRODUCTION)"), "{text}");
    assert!(text.contains("Quantité : 1\u{a0}200"), "{text}");

    // A draft cancelled was never production's business.
    two_lines(&mut client, "CC25-00101", "C00001").await;
    apply(&mut client, "CC25-00101", "", Move::Cancel)
        .await
        .expect("cancel a draft");
    assert!(deliver(&relay, &smtp).await.is_empty());
    assert_eq!(outbox_count(&db, OutboxState::Sent).await, 3);
}

pub async fn a_customer_without_address_or_erased_gets_no_confirmation(db: Db) {
    let (_server, mut client) = start_with(&db, DomainState::Live, Some(addresses())).await;
    let smtp = SmtpServer::plain().await;
    let relay = smtp.relay(&db, MAIL_DOMAIN, Some(ADMIN));

    // No address of its own, and a principal contact without e-mail: production only.
    create_customer(&mut client, customer("C00002", "Injection Savoie")).await;
    add_contact(&mut client, "C00002", "", true).await;
    two_lines(&mut client, "CC25-00200", "C00002").await;
    let confirmed = apply(&mut client, "CC25-00200", "", Move::Confirm)
        .await
        .expect("confirm");
    assert_eq!(confirmed.state, pb::OrderState::Confirmed as i32);
    let got = deliver(&relay, &smtp).await;
    assert_eq!(got.len(), 1, "production only");
    assert_eq!(got[0].rcpts, [PRODUCTION]);

    // Erased while a draft was open: the service refuses that (erasure waits for open
    // orders), but a migrated customer may come so. The store stands in for the
    // migration; the confirmation still goes through, to production only.
    let mut c = customer("C00003", "Jean Dupont EI");
    c.contact_emails = vec!["jean.dupont@exemple.fr".into()];
    create_customer(&mut client, c).await;
    two_lines(&mut client, "CC25-00300", "C00003").await;
    let store = ClientsStore::new(db.clone());
    let current = store.get_customer("C00003").await.expect("customer");
    let erased = Customer {
        name: "Client anonymisé".into(),
        contact_emails: Vec::new(),
        erased_at: Some(chrono::Utc::now()),
        ..current.value.clone()
    };
    store
        .update_customer("C00003", current.revision, erased)
        .await
        .expect("erased");
    apply(&mut client, "CC25-00300", "", Move::Confirm)
        .await
        .expect("confirm");
    let got = deliver(&relay, &smtp).await;
    assert_eq!(got.len(), 1, "production only");
    assert_eq!(got[0].rcpts, [PRODUCTION]);
    assert!(
        !got[0].text().contains("Dupont"),
        "nothing erased comes back: {}",
        got[0].text()
    );
}

pub async fn without_mail_addresses_the_customer_is_still_written_to(db: Db) {
    // `ClientsApi::new` alone: no production team.
    let (_server, mut client) = start_with(&db, DomainState::Live, None).await;
    let smtp = SmtpServer::plain().await;
    let relay = smtp.relay(&db, MAIL_DOMAIN, None);
    let mut c = customer("C00004", "Moules Bugey");
    c.contact_emails = vec![
        "achats@bugey.exemple.fr".into(),
        "adv@bugey.exemple.fr".into(),
    ];
    create_customer(&mut client, c).await;
    two_lines(&mut client, "CC25-00400", "C00004").await;
    apply(&mut client, "CC25-00400", "", Move::Confirm)
        .await
        .expect("confirm");
    let got = deliver(&relay, &smtp).await;
    assert_eq!(got.len(), 1, "the customer only");
    // Without a principal contact: the customer's own addresses.
    assert_eq!(
        got[0].addresses("To"),
        ["achats@bugey.exemple.fr", "adv@bugey.exemple.fr"]
    );
    assert!(
        got[0].text().starts_with("Madame, Monsieur,"),
        "{}",
        got[0].text()
    );
    // Cancelled: nobody to tell.
    apply(&mut client, "CC25-00400", "", Move::Cancel)
        .await
        .expect("cancel");
    assert!(deliver(&relay, &smtp).await.is_empty());
}
