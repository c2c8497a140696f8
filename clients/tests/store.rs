//! The clients repository, run on SQLite, PostgreSQL and (when configured) Oracle.

use std::str::FromStr;

use bascule_clients::domain::{Address, ClientsError, Consent, ConsentPurpose, Customer};
use bascule_clients::storage::{ClientsStore, schema};
use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;
use bascule_platform::db::upgrade::upgrade;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

// Cargo would build a file directly under tests/ as a test crate of its own.
#[path = "store/contacts.rs"]
mod contacts;
#[path = "store/orders.rs"]
mod orders;

use contacts::contacts_are_listed_main_first;

use orders::{
    migrated_orders_stand_for_their_total, only_draft_orders_can_be_edited,
    order_lines_round_trip_with_exact_totals, orders_follow_the_transition_table,
    orders_list_by_customer_and_page,
};

async fn store(db: Db) -> ClientsStore {
    upgrade(&db, &[schema().clone()]).await.expect("upgrade");
    ClientsStore::new(db)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 15, 30)
        .single()
        .expect("time")
}

fn customer(code: &str) -> Customer {
    let billing = Address::new(
        "12 rue de l'Étang",
        Some("Bâtiment B – 2ᵉ étage"),
        "69007",
        "Lyon",
        "FR",
    )
    .expect("address");
    Customer::new(code, "Société Générale d'Injection 🎉", billing).expect("customer")
}

fn full_customer(code: &str) -> Customer {
    Customer {
        siret: Some("732 829 320 00074".into()),
        vat_number: Some("FR 40 303265045".into()),
        contact_emails: vec![
            "achats@sgi-plasturgie.fr".into(),
            "élodie.dupré@sgi-plasturgie.fr".into(),
        ],
        phone: Some("+33 4 78 00 00 00".into()),
        delivery_address: Some(
            Address::new("ZI des Îles", None, "38000", "Grenoble", "fr").expect("address"),
        ),
        payment_terms_days: 45,
        note: Some("Livraison le matin ☀️ uniquement".into()),
        ..customer(code)
    }
}

async fn with_customer(db: Db) -> ClientsStore {
    let s = store(db).await;
    s.create_customer(customer("C00001"))
        .await
        .expect("customer");
    s
}

async fn customers_round_trip_and_refuse_duplicates(db: Db) {
    let s = store(db).await;
    let created = s
        .create_customer(full_customer("C00042"))
        .await
        .expect("create");
    let got = s.get_customer("C00042").await.expect("get");
    assert_eq!(got, created);
    let c = got.value;
    assert_eq!(c.name, "Société Générale d'Injection 🎉");
    assert_eq!(c.siret.as_deref(), Some("73282932000074"));
    assert_eq!(c.vat_number.as_deref(), Some("FR40303265045"));
    assert_eq!(c.contact_emails.len(), 2);
    assert_eq!(c.delivery_address().city, "Grenoble");
    assert_eq!(
        c.billing_address.line2.as_deref(),
        Some("Bâtiment B – 2ᵉ étage")
    );

    let plain = s.create_customer(customer("C00043")).await.expect("plain");
    let got = s.get_customer("C00043").await.expect("get");
    assert_eq!(got, plain);
    assert!(got.value.contact_emails.is_empty());
    assert_eq!(got.value.delivery_address(), &got.value.billing_address);

    assert!(matches!(
        s.create_customer(customer("C00042")).await,
        Err(ClientsError::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.get_customer("C99999").await,
        Err(ClientsError::NotFound { .. })
    ));
    let bad = Customer {
        contact_emails: vec!["pas-une-adresse".into()],
        ..customer("C00044")
    };
    assert!(matches!(
        s.create_customer(bad).await,
        Err(ClientsError::Invalid {
            field: "contact_emails",
            ..
        })
    ));
}

async fn customer_updates_check_the_revision(db: Db) {
    let s = store(db).await;
    let created = s
        .create_customer(full_customer("C00002"))
        .await
        .expect("create");
    let changed = Customer {
        name: "SGI Plasturgie".into(),
        delivery_address: None,
        active: false,
        ..created.value.clone()
    };
    let updated = s
        .update_customer("C00002", created.revision, changed.clone())
        .await
        .expect("update");
    assert_eq!(updated.revision, created.revision + 1);
    let got = s.get_customer("C00002").await.expect("get");
    assert_eq!(got.value, changed);
    assert_eq!(got.value.delivery_address(), &got.value.billing_address);
    let stale = s
        .update_customer("C00002", created.revision, changed.clone())
        .await;
    assert!(
        matches!(stale, Err(ClientsError::Conflict { .. })),
        "{stale:?}"
    );
    let renamed = Customer {
        code: "C00003".into(),
        ..changed
    };
    assert!(matches!(
        s.update_customer("C00002", updated.revision, renamed).await,
        Err(ClientsError::Invalid { field: "code", .. })
    ));
}

async fn customers_page_without_gaps_or_repeats(db: Db) {
    let s = store(db).await;
    // Created out of order, listed in code order.
    for i in (0..57).rev() {
        s.create_customer(customer(&format!("C{i:05}")))
            .await
            .expect("create");
    }
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut page = PageRequest::first(10);
    loop {
        let result = s.list_customers(&page).await.expect("list");
        assert!(result.items.len() <= 10);
        pages += 1;
        seen.extend(result.items.into_iter().map(|c| c.value.code));
        match result.next_token {
            Some(token) => page.token = Some(token),
            None => break,
        }
    }
    assert_eq!(pages, 6);
    let expected: Vec<String> = (0..57).map(|i| format!("C{i:05}")).collect();
    assert_eq!(seen, expected);
    page.token = Some("garbage".into());
    assert!(s.list_customers(&page).await.is_err());
}

async fn consents_are_put_replaced_and_withdrawn(db: Db) {
    let s = with_customer(db).await;
    let newsletter = Consent {
        proof: Some("Formulaire web n° 4512 ✅".into()),
        ..Consent::new(ConsentPurpose::Newsletter, true, at(2024, 5, 2), "site web")
            .expect("consent")
    };
    let first = s
        .put_consent("C00001", newsletter.clone())
        .await
        .expect("put");
    assert!(first.value.is_effective());
    let offers = Consent::new(
        ConsentPurpose::CommercialOffers,
        false,
        at(2024, 5, 2),
        "salon",
    )
    .expect("consent");
    s.put_consent("C00001", offers).await.expect("put offers");

    let replaced = s
        .put_consent(
            "C00001",
            Consent {
                granted: false,
                collected_at: at(2025, 1, 10),
                channel: "téléphone".into(),
                ..newsletter.clone()
            },
        )
        .await
        .expect("replace");
    assert_eq!(replaced.id, first.id);
    assert_eq!(replaced.revision, first.revision + 1);

    let listed = s.list_consents("C00001").await.expect("list");
    let purposes: Vec<_> = listed.iter().map(|c| c.value.purpose).collect();
    assert_eq!(
        purposes,
        [ConsentPurpose::CommercialOffers, ConsentPurpose::Newsletter]
    );
    assert_eq!(listed[1], replaced);

    s.put_consent("C00001", newsletter)
        .await
        .expect("grant again");
    let withdrawn = s
        .withdraw_consent("C00001", ConsentPurpose::Newsletter, at(2025, 2, 1))
        .await
        .expect("withdraw");
    assert!(withdrawn.value.granted && !withdrawn.value.is_effective());
    assert_eq!(withdrawn.value.withdrawn_at, Some(at(2025, 2, 1)));
    let again = s
        .withdraw_consent("C00001", ConsentPurpose::Newsletter, at(2025, 3, 1))
        .await
        .expect("withdraw again");
    assert_eq!(again, withdrawn);
    let read = s.list_consents("C00001").await.expect("list");
    assert_eq!(read[1], withdrawn);

    let backwards = Consent {
        withdrawn_at: Some(at(2020, 1, 1)),
        ..Consent::new(
            ConsentPurpose::SatisfactionSurveys,
            true,
            at(2024, 5, 2),
            "mail",
        )
        .expect("consent")
    };
    assert!(matches!(
        s.put_consent("C00001", backwards).await,
        Err(ClientsError::Invalid {
            field: "withdrawn_at",
            ..
        })
    ));
    assert!(matches!(
        s.withdraw_consent(
            "C00001",
            ConsentPurpose::TradeShowInvitations,
            at(2025, 1, 1)
        )
        .await,
        Err(ClientsError::NotFound { .. })
    ));
    let unknown =
        Consent::new(ConsentPurpose::Newsletter, true, at(2024, 1, 1), "web").expect("consent");
    assert!(matches!(
        s.put_consent("C77777", unknown).await,
        Err(ClientsError::NotFound { .. })
    ));
}

bascule_platform::backend_tests!(
    customers_round_trip_and_refuse_duplicates,
    customer_updates_check_the_revision,
    customers_page_without_gaps_or_repeats,
    consents_are_put_replaced_and_withdrawn,
    orders_follow_the_transition_table,
    order_lines_round_trip_with_exact_totals,
    only_draft_orders_can_be_edited,
    orders_list_by_customer_and_page,
    contacts_are_listed_main_first,
    migrated_orders_stand_for_their_total,
);
