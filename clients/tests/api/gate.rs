//! The switch-over gate: a verified domain serves reads and refuses every kind of write.

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::clients::v1 as pb;
use tonic::Code;

use super::{customer, metadata, reason, start};

pub async fn writes_wait_for_the_switch_over_and_reads_for_verification(db: Db) {
    // The data migrated: a customer exists, then the domain is only verified.
    upgrade_and_seed(&db).await;
    let (_server, mut client) = start(&db, DomainState::Verified).await;
    client
        .get_customer(pb::GetCustomerRequest {
            code: "C00001".into(),
        })
        .await
        .expect("a verified domain serves reads");
    client
        .list_customer_orders(pb::ListCustomerOrdersRequest::default())
        .await
        .expect("reads");
    let e = client
        .create_customer(pb::CreateCustomerRequest {
            customer: Some(customer("C00002", "Nouveau")),
            request_id: String::new(),
        })
        .await
        .expect_err("not live");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
    assert_eq!(metadata(&e, "domain"), "clients");
    let e = client
        .erase_personal_data(pb::ErasePersonalDataRequest {
            code: "C00001".into(),
        })
        .await
        .expect_err("not live");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
    let e = client
        .grant_consent(pb::GrantConsentRequest {
            customer_code: "C00001".into(),
            purpose: pb::ConsentPurpose::Newsletter as i32,
            channel: "web".into(),
            ..Default::default()
        })
        .await
        .expect_err("not live");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
    let e = client
        .confirm_customer_order(pb::ConfirmCustomerOrderRequest {
            order_number: "CC25-00001".into(),
            etag: String::new(),
        })
        .await
        .expect_err("not live");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
}

/// What a migration leaves: the schema and a customer, written by the store directly.
async fn upgrade_and_seed(db: &Db) {
    use bascule_clients::domain::{Address, Customer};
    use bascule_clients::storage::{ClientsStore, schema};
    bascule_platform::db::upgrade::upgrade(
        db,
        &[bascule_platform::control::schema(), schema().clone()],
    )
    .await
    .expect("upgrade");
    let billing = Address::new("1 rue", None, "69007", "Lyon", "FR").expect("address");
    ClientsStore::new(db.clone())
        .create_customer(Customer::new("C00001", "Migré", billing).expect("customer"))
        .await
        .expect("seed");
}
