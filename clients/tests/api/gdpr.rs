//! The GDPR rights through the service: the export of everything held on a customer and
//! the erasure of its personal data.

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::clients::v1 as pb;
use prost_types::{FieldMask, Timestamp};
use tonic::Code;

use super::orders::{Move, apply};
use super::{
    Client, create_customer, create_order, customer, line, metadata, order, reason, start,
};

/// A customer full of personal data: e-mails, phone, note, a contact, two consents and
/// three orders (one closed, one confirmed, one draft).
async fn seed(client: &mut Client) {
    create_customer(
        client,
        pb::Customer {
            contact_emails: vec!["jean.dupont@exemple.fr".into()],
            phone: "06 12 34 56 78".into(),
            note: "Demander Jean Dupont".into(),
            siret: "73282932000074".into(),
            delivery_address: Some(pb::Address {
                line1: "3 chemin des Dupont".into(),
                postal_code: "38000".into(),
                city: "Grenoble".into(),
                country: "FR".into(),
                ..Default::default()
            }),
            ..customer("C00007", "Jean Dupont EI")
        },
    )
    .await;
    client
        .create_contact(pb::CreateContactRequest {
            contact: Some(pb::Contact {
                customer_code: "C00007".into(),
                first_name: "Jean".into(),
                last_name: "Dupont".into(),
                mobile: "06 12 34 56 78".into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("contact");
    for purpose in [
        pb::ConsentPurpose::Newsletter,
        pb::ConsentPurpose::TradeShowInvitations,
    ] {
        client
            .grant_consent(pb::GrantConsentRequest {
                customer_code: "C00007".into(),
                purpose: purpose as i32,
                collect_time: Some(Timestamp {
                    seconds: 1_700_000_000,
                    nanos: 0,
                }),
                channel: "formulaire web".into(),
                proof: "signé Jean Dupont".into(),
            })
            .await
            .expect("consent");
    }
    for (number, moves) in [
        (
            "CC25-00001",
            &[Move::Confirm, Move::MarkReady, Move::Deliver, Move::Close][..],
        ),
        ("CC25-00002", &[Move::Confirm][..]),
        ("CC25-00003", &[][..]),
    ] {
        let o = pb::CustomerOrder {
            note: "Appeler Jean Dupont au 06 12 34 56 78".into(),
            ..order(number, "C00007", vec![line(1, "2", "10")])
        };
        create_order(client, o, "").await.expect("order");
        for m in moves {
            apply(client, number, "", *m).await.expect("move");
        }
    }
}

async fn export(client: &mut Client) -> pb::CustomerDataExport {
    client
        .export_customer_data(pb::ExportCustomerDataRequest {
            code: "C00007".into(),
        })
        .await
        .expect("export")
        .into_inner()
}

pub async fn export_holds_everything_on_a_customer(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    seed(&mut client).await;
    let data = export(&mut client).await;
    let c = data.customer.expect("customer");
    assert_eq!(
        (c.code.as_str(), c.name.as_str()),
        ("C00007", "Jean Dupont EI")
    );
    assert_eq!(c.contact_emails, ["jean.dupont@exemple.fr"]);
    assert_eq!(data.contacts.len(), 1);
    let contact = data.contacts[0].contact.as_ref().expect("contact");
    assert_eq!(contact.last_name, "Dupont");
    assert_eq!(contact.mobile, "06 12 34 56 78");
    assert_eq!(data.consents.len(), 2);
    assert!(
        data.consents
            .iter()
            .all(|c| c.effective && c.proof == "signé Jean Dupont")
    );
    let numbers: Vec<&str> = data
        .orders
        .iter()
        .map(|o| o.order_number.as_str())
        .collect();
    assert_eq!(numbers, ["CC25-00001", "CC25-00002", "CC25-00003"]);
    assert!(data.orders.iter().all(|o| o.lines.len() == 1));
    assert_eq!(data.orders[0].state, pb::OrderState::Closed as i32);
    assert!(data.export_time.is_some());
    let missing = client
        .export_customer_data(pb::ExportCustomerDataRequest {
            code: "C00008".into(),
        })
        .await
        .expect_err("missing");
    assert_eq!(missing.code(), Code::NotFound);
}

pub async fn erasure_anonymises_and_waits_for_open_orders(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    seed(&mut client).await;
    let erase = pb::ErasePersonalDataRequest {
        code: "C00007".into(),
    };
    let refused = client
        .erase_personal_data(erase.clone())
        .await
        .expect_err("open orders");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(reason(&refused), "OPEN_ORDERS");
    assert_eq!(metadata(&refused, "open_orders"), "2");
    // Nothing was erased by the refusal.
    assert_eq!(
        export(&mut client).await.customer.expect("customer").name,
        "Jean Dupont EI"
    );

    for (number, m) in [("CC25-00002", Move::Cancel), ("CC25-00003", Move::Cancel)] {
        apply(&mut client, number, "", m).await.expect("cancel");
    }
    let erased = client
        .erase_personal_data(erase.clone())
        .await
        .expect("erase")
        .into_inner();
    assert_eq!(erased.code, "C00007");
    assert_eq!(erased.name, "Client anonymisé");
    assert!(erased.contact_emails.is_empty());
    assert!(erased.phone.is_empty() && erased.note.is_empty() && erased.siret.is_empty());
    assert_eq!(erased.delivery_address, None);
    assert_eq!(erased.active, Some(false));
    assert!(erased.erase_time.is_some());
    let again = client
        .erase_personal_data(erase)
        .await
        .expect("erasing twice changes nothing")
        .into_inner();
    assert_eq!(again, erased);

    let data = export(&mut client).await;
    assert!(data.contacts.is_empty(), "contacts are deleted");
    assert_eq!(
        data.consents.len(),
        2,
        "consents kept as proof of withdrawal"
    );
    assert!(
        data.consents
            .iter()
            .all(|c| !c.effective && c.withdraw_time.is_some() && c.proof.is_empty())
    );
    assert_eq!(data.orders.len(), 3, "orders are kept for accounting");
    assert!(
        data.orders
            .iter()
            .all(|o| o.note.is_empty() && o.customer_code == "C00007")
    );
    assert_eq!(data.orders[0].total_excl_tax, super::dec("20"));
    let everything = format!("{data:?}");
    assert!(!everything.contains("Dupont"), "{everything}");
    assert!(!everything.contains("06 12"), "{everything}");

    let refill = client
        .update_customer(pb::UpdateCustomerRequest {
            customer: Some(pb::Customer {
                name: "Jean Dupont EI".into(),
                ..erased
            }),
            update_mask: Some(FieldMask {
                paths: vec!["name".into()],
            }),
        })
        .await
        .expect_err("an erased customer stays erased");
    assert_eq!(refill.code(), Code::FailedPrecondition);
    assert_eq!(reason(&refill), "CUSTOMER_ERASED");
    let new_order = create_order(&mut client, order("CC25-00004", "C00007", vec![]), "")
        .await
        .expect_err("an erased customer orders no more");
    assert_eq!(new_order.code(), Code::InvalidArgument);
}
