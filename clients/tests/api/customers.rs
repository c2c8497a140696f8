//! Customers, contacts and consents through the service, and the switch-over gate.

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::clients::v1 as pb;
use prost_types::{FieldMask, Timestamp};
use tonic::Code;

use super::{create_customer, customer, metadata, reason, start, violation};

fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    })
}

pub async fn customers_are_created_read_and_updated_with_etags(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    let created = create_customer(
        &mut client,
        pb::Customer {
            siret: "732 829 320 00074".into(),
            vat_number: "fr 40 303265045".into(),
            contact_emails: vec!["achats@sgi.fr".into(), "ACHATS@sgi.fr".into()],
            phone: "+33 4 78 00 00 00".into(),
            payment_terms_days: Some(45),
            note: "Livraison le matin ☀️".into(),
            ..customer("C00042", "Société Générale d'Injection")
        },
    )
    .await;
    assert_eq!(created.siret, "73282932000074");
    assert_eq!(created.vat_number, "FR40303265045");
    assert_eq!(created.contact_emails, ["achats@sgi.fr"]);
    assert_eq!(created.active, Some(true), "active by default");
    assert_eq!(created.erase_time, None);
    let got = client
        .get_customer(pb::GetCustomerRequest {
            code: "C00042".into(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got, created);

    let change = pb::Customer {
        name: "SGI Plasturgie".into(),
        phone: "04 00 00 00 00".into(),
        ..got.clone()
    };
    let updated = client
        .update_customer(pb::UpdateCustomerRequest {
            customer: Some(change.clone()),
            update_mask: mask(&["name"]),
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.name, "SGI Plasturgie");
    assert_eq!(updated.phone, got.phone, "fields outside the mask stay");
    assert_ne!(updated.etag, got.etag);

    let stale = client
        .update_customer(pb::UpdateCustomerRequest {
            customer: Some(change.clone()),
            update_mask: mask(&["phone"]),
        })
        .await
        .expect_err("stale etag");
    assert_eq!(stale.code(), Code::Aborted);
    assert_eq!(reason(&stale), "STALE_ETAG");

    let bad_mask = client
        .update_customer(pb::UpdateCustomerRequest {
            customer: Some(change.clone()),
            update_mask: mask(&["code"]),
        })
        .await
        .expect_err("the code never changes");
    assert_eq!(bad_mask.code(), Code::InvalidArgument);
    assert_eq!(violation(&bad_mask), "update_mask");

    let duplicate = client
        .create_customer(pb::CreateCustomerRequest {
            customer: Some(customer("C00042", "Autre")),
            request_id: String::new(),
        })
        .await
        .expect_err("duplicate");
    assert_eq!(duplicate.code(), Code::AlreadyExists);

    let bad = client
        .create_customer(pb::CreateCustomerRequest {
            customer: Some(pb::Customer {
                siret: "73282932000075".into(),
                ..customer("C00043", "Luhn faux")
            }),
            request_id: String::new(),
        })
        .await
        .expect_err("bad siret");
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(violation(&bad), "siret");
    let no_address = client
        .create_customer(pb::CreateCustomerRequest {
            customer: Some(pb::Customer {
                billing_address: None,
                ..customer("C00043", "Sans adresse")
            }),
            request_id: String::new(),
        })
        .await
        .expect_err("no billing address");
    assert_eq!(violation(&no_address), "billing_address");

    let missing = client
        .get_customer(pb::GetCustomerRequest {
            code: "C99999".into(),
        })
        .await
        .expect_err("missing");
    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(metadata(&missing, "entity"), "customer");
}

fn contact(first: &str, last: &str) -> pb::Contact {
    pb::Contact {
        customer_code: "C00001".into(),
        civility: "Mme".into(),
        first_name: first.into(),
        last_name: last.into(),
        email: "martine.guerin@exemple.fr".into(),
        ..Default::default()
    }
}

pub async fn contacts_are_created_listed_and_updated(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    create_customer(&mut client, customer("C00001", "Forges de Lyon")).await;
    let mut created = Vec::new();
    for (first, last) in [("Martine", "Guérin"), ("Jérôme", "Anand"), ("Luc", "Zola")] {
        created.push(
            client
                .create_contact(pb::CreateContactRequest {
                    contact: Some(contact(first, last)),
                    request_id: String::new(),
                })
                .await
                .expect("contact")
                .into_inner(),
        );
    }
    let got = client
        .get_contact(pb::GetContactRequest {
            customer_code: "C00001".into(),
            id: created[0].id.clone(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got, created[0]);
    let listed = client
        .list_contacts(pb::ListContactsRequest {
            customer_code: "C00001".into(),
            page_size: 2,
            order_by: "last_name desc".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    let names: Vec<&str> = listed
        .contacts
        .iter()
        .map(|c| c.last_name.as_str())
        .collect();
    assert_eq!(names, ["Zola", "Guérin"]);
    assert!(!listed.next_page_token.is_empty());
    let filtered = client
        .list_contacts(pb::ListContactsRequest {
            customer_code: "C00001".into(),
            filter: r#"first_name = "J*""#.into(),
            ..Default::default()
        })
        .await
        .expect("filtered")
        .into_inner();
    assert_eq!(filtered.contacts.len(), 1);

    let updated = client
        .update_contact(pb::UpdateContactRequest {
            contact: Some(pb::Contact {
                job_title: "Acheteuse".into(),
                first_name: "ignored".into(),
                ..got.clone()
            }),
            update_mask: mask(&["job_title"]),
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.job_title, "Acheteuse");
    assert_eq!(updated.first_name, "Martine");
    let stale = client
        .update_contact(pb::UpdateContactRequest {
            contact: Some(got.clone()),
            update_mask: mask(&["job_title"]),
        })
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Code::Aborted);
    let same_name = client
        .create_contact(pb::CreateContactRequest {
            contact: Some(contact("Martine", "Guérin")),
            request_id: String::new(),
        })
        .await
        .expect_err("one contact of a name");
    assert_eq!(same_name.code(), Code::AlreadyExists);
    let bad_email = client
        .create_contact(pb::CreateContactRequest {
            contact: Some(pb::Contact {
                email: "martine".into(),
                ..contact("Martine", "Autre")
            }),
            request_id: String::new(),
        })
        .await
        .expect_err("bad email");
    assert_eq!(violation(&bad_email), "email");
    let elsewhere = client
        .get_contact(pb::GetContactRequest {
            customer_code: "C00002".into(),
            id: got.id,
        })
        .await
        .expect_err("unknown customer");
    assert_eq!(elsewhere.code(), Code::NotFound);
}

fn at(seconds: i64) -> Option<Timestamp> {
    Some(Timestamp { seconds, nanos: 0 })
}

pub async fn consents_are_granted_listed_and_withdrawn(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    create_customer(&mut client, customer("C00001", "Forges de Lyon")).await;
    let grant = |purpose: pb::ConsentPurpose, seconds| pb::GrantConsentRequest {
        customer_code: "C00001".into(),
        purpose: purpose as i32,
        collect_time: at(seconds),
        channel: "salon Global Industrie".into(),
        proof: "bulletin n° 42".into(),
    };
    let granted = client
        .grant_consent(grant(pb::ConsentPurpose::Newsletter, 1_700_000_000))
        .await
        .expect("grant")
        .into_inner();
    assert!(granted.granted && granted.effective);
    assert_eq!(granted.collect_time, at(1_700_000_000));
    assert_eq!(granted.channel, "salon Global Industrie");
    client
        .grant_consent(grant(pb::ConsentPurpose::CommercialOffers, 1_700_000_100))
        .await
        .expect("grant");

    let withdraw = pb::WithdrawConsentRequest {
        customer_code: "C00001".into(),
        purpose: pb::ConsentPurpose::Newsletter as i32,
        withdraw_time: at(1_710_000_000),
    };
    let withdrawn = client
        .withdraw_consent(withdraw.clone())
        .await
        .expect("withdraw")
        .into_inner();
    assert!(withdrawn.granted && !withdrawn.effective);
    assert_eq!(withdrawn.withdraw_time, at(1_710_000_000));
    let again = client
        .withdraw_consent(pb::WithdrawConsentRequest {
            withdraw_time: at(1_720_000_000),
            ..withdraw
        })
        .await
        .expect("withdraw again")
        .into_inner();
    assert_eq!(
        again.withdraw_time,
        at(1_710_000_000),
        "the first withdrawal stays"
    );

    let listed = client
        .list_consents(pb::ListConsentsRequest {
            customer_code: "C00001".into(),
            filter: "withdraw_time = null".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.consents.len(), 1);
    assert_eq!(
        listed.consents[0].purpose,
        pb::ConsentPurpose::CommercialOffers as i32
    );
    let all = client
        .list_consents(pb::ListConsentsRequest {
            customer_code: "C00001".into(),
            order_by: "collect_time desc".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(all.consents.len(), 2);
    assert_eq!(all.consents[1], again);

    let never = client
        .withdraw_consent(pb::WithdrawConsentRequest {
            customer_code: "C00001".into(),
            purpose: pb::ConsentPurpose::SatisfactionSurveys as i32,
            withdraw_time: None,
        })
        .await
        .expect_err("never granted");
    assert_eq!(never.code(), Code::NotFound);
    let unspecified = client
        .grant_consent(grant(pb::ConsentPurpose::Unspecified, 1_700_000_000))
        .await
        .expect_err("purpose");
    assert_eq!(violation(&unspecified), "purpose");
    let no_channel = client
        .grant_consent(pb::GrantConsentRequest {
            channel: " ".into(),
            ..grant(pb::ConsentPurpose::Newsletter, 1_700_000_000)
        })
        .await
        .expect_err("channel");
    assert_eq!(violation(&no_channel), "channel");
}
