//! Contacts of a customer: added once per name, listed with the main contact first;
//! a customer's long note and legacy change date round-trip.

use bascule_clients::domain::{ClientsError, Contact, Customer};
use bascule_platform::db::Db;

use super::{at, customer, store};

pub async fn contacts_are_listed_main_first(db: Db) {
    let s = store(db).await;
    let note = "Historique ✉️ ".repeat(1_000).trim_end().to_owned();
    let customer = Customer {
        note: Some(note.clone()),
        legacy_updated_at: Some(at(2016, 3, 14)),
        ..customer("C00001")
    };
    let created = s.create_customer(customer).await.expect("customer");
    let got = s.get_customer("C00001").await.expect("get");
    assert_eq!(got, created);
    assert_eq!(got.value.note.as_deref(), Some(note.as_str()));

    let buyer = Contact {
        email: Some("Zoe.Achat@Exemple.FR".into()),
        ..Contact::new("Zoé", "Achat").expect("contact")
    };
    let main = Contact {
        civility: Some("Mme".into()),
        principal: true,
        mobile: Some("06 39 98 45 53".into()),
        ..Contact::new("Martine", "Guérin").expect("contact")
    };
    s.add_contact("C00001", buyer.clone()).await.expect("buyer");
    s.add_contact("C00001", main).await.expect("main");
    assert!(matches!(
        s.add_contact("C00001", buyer).await,
        Err(ClientsError::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.add_contact("C09999", Contact::new("A", "B").expect("contact"))
            .await,
        Err(ClientsError::NotFound { .. })
    ));
    let listed = s.list_contacts("C00001").await.expect("list");
    let names: Vec<String> = listed
        .iter()
        .map(|c| c.contact.value.display_name())
        .collect();
    assert_eq!(names, ["Mme Martine Guérin", "Zoé Achat"]);
    assert_eq!(
        listed[1].contact.value.email.as_deref(),
        Some("Zoe.Achat@exemple.fr")
    );
    assert!(listed.iter().all(|c| c.consents.is_empty()));
}
