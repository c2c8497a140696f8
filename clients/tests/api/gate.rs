//! The switch-over gate: a verified domain serves reads and refuses every kind of write.

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::clients::v1 as pb;
use tonic::Code;

use bascule_rpc::testing::put_domain_in;

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

/// Sends `create_customer` carrying `token` as the reactivation pass.
async fn create_with_pass(
    client: &mut super::Client,
    code: &str,
    token: &str,
) -> Result<(), tonic::Status> {
    let mut request = tonic::Request::new(pb::CreateCustomerRequest {
        customer: Some(customer(code, "Contrôle")),
        request_id: String::new(),
    });
    request.metadata_mut().insert(
        bascule_platform::check_token::CHECK_TOKEN_HEADER,
        token.parse().expect("ascii token"),
    );
    client.create_customer(request).await.map(|_| ())
}

pub async fn a_reactivation_pass_lets_writes_through_a_verified_domain_only(db: Db) {
    use bascule_platform::check_token::{issue, revoke};
    upgrade_and_seed(&db).await;
    let (_server, mut client) = start(&db, DomainState::Verified).await;
    let hour = chrono::Duration::hours(1);
    let token = issue(&db, "clients", "test", hour).await.expect("pass");
    create_with_pass(&mut client, "C00100", &token)
        .await
        .expect("a verified domain takes writes bearing its pass");

    let e = create_with_pass(&mut client, "C00101", "not-a-pass")
        .await
        .expect_err("an unknown pass");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
    let stock_pass = issue(&db, "stock", "test", hour).await.expect("pass");
    let e = create_with_pass(&mut client, "C00102", &stock_pass)
        .await
        .expect_err("another domain's pass");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
    let expired = issue(&db, "clients", "test", chrono::Duration::seconds(-1))
        .await
        .expect("pass");
    let e = create_with_pass(&mut client, "C00103", &expired)
        .await
        .expect_err("an expired pass");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
    revoke(&db, &token).await.expect("revoke");
    let e = create_with_pass(&mut client, "C00104", &token)
        .await
        .expect_err("a revoked pass");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");

    // Before verification the pass opens nothing: the data is not checked yet.
    let token = issue(&db, "clients", "test", hour).await.expect("pass");
    put_domain_in(&db, "clients", DomainState::Migrating).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let e = create_with_pass(&mut client, "C00105", &token)
        .await
        .expect_err("a migrating domain");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
}
