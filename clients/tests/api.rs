//! The clients service through the real gRPC stack (a server on a loopback socket), on
//! SQLite and PostgreSQL: every method, errors with their reasons and details, the order
//! state machine, idempotent retries, paging and filters, the GDPR rights and the
//! switch-over gate.

use bascule_clients::api::ClientsApi;
use bascule_clients::notify::MailAddresses;
use bascule_clients::storage::schema;
use bascule_platform::control;
use bascule_platform::db::Db;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::domain_state::DomainState;
use bascule_proto::clients::v1 as pb;
use bascule_proto::clients::v1::clients_service_client::ClientsServiceClient;
use bascule_proto::google::r#type::Decimal;
use bascule_rpc::testing::{TestServer, connect, metadata, put_domain_in, reason};
use tonic::service::Routes;
use tonic::transport::Channel;
use tonic_types::StatusExt;

// Cargo would build a file directly under tests/ as a test crate of its own.
#[path = "api/customers.rs"]
mod customers;
#[path = "api/gate.rs"]
mod gate;
#[path = "api/gdpr.rs"]
mod gdpr;
#[path = "api/lists.rs"]
mod lists;
#[path = "api/mail.rs"]
mod mail;
#[path = "api/orders.rs"]
mod orders;
#[path = "api/smtp.rs"]
mod smtp;

use customers::{
    consents_are_granted_listed_and_withdrawn, contacts_are_created_listed_and_updated,
    customers_are_created_read_and_updated_with_etags,
};
use gate::{
    a_reactivation_pass_lets_writes_through_a_verified_domain_only,
    writes_wait_for_the_switch_over_and_reads_for_verification,
};
use gdpr::{erasure_anonymises_and_waits_for_open_orders, export_holds_everything_on_a_customer};
use lists::{
    customer_lists_page_without_gaps_and_filters_are_checked, order_lists_filter_and_page,
};
use mail::{
    a_customer_without_address_or_erased_gets_no_confirmation,
    confirmation_reaches_the_customer_and_production_once,
    without_mail_addresses_the_customer_is_still_written_to,
};
use orders::{
    drafts_are_edited_with_totals_and_nothing_else_is,
    orders_follow_the_state_machine_and_nothing_else, retries_with_a_request_id_create_once,
};

type Client = ClientsServiceClient<Channel>;

async fn start(db: &Db, state: DomainState) -> (TestServer, Client) {
    start_with(db, state, None).await
}

/// The same, with the company's e-mail addresses when given.
async fn start_with(
    db: &Db,
    state: DomainState,
    mail: Option<MailAddresses>,
) -> (TestServer, Client) {
    upgrade(db, &[control::schema(), schema().clone()])
        .await
        .expect("upgrade");
    put_domain_in(db, "clients", state).await;
    let mut api = ClientsApi::new(db.clone());
    if let Some(addresses) = mail {
        api = api.with_mail(addresses);
    }
    let server = TestServer::start(Routes::new(api.into_server())).await;
    let client = ClientsServiceClient::new(connect(&server.url).await);
    (server, client)
}

fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal { value: s.into() })
}

fn date(year: i32, month: i32, day: i32) -> Option<pb::Date> {
    Some(pb::Date { year, month, day })
}

fn customer(code: &str, name: &str) -> pb::Customer {
    pb::Customer {
        code: code.into(),
        name: name.into(),
        billing_address: Some(pb::Address {
            line1: "12 rue des Forges".into(),
            postal_code: "69007".into(),
            city: "Lyon".into(),
            country: "FR".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn create_customer(client: &mut Client, c: pb::Customer) -> pb::Customer {
    client
        .create_customer(pb::CreateCustomerRequest {
            customer: Some(c),
            request_id: String::new(),
        })
        .await
        .expect("customer")
        .into_inner()
}

fn line(no: i64, quantity: &str, price: &str) -> pb::OrderLine {
    pb::OrderLine {
        line_no: no,
        article_code: "PF-00001".into(),
        description: "Boîtier ABS noir".into(),
        quantity: dec(quantity),
        unit_price: dec(price),
        ..Default::default()
    }
}

fn order(number: &str, customer_code: &str, lines: Vec<pb::OrderLine>) -> pb::CustomerOrder {
    pb::CustomerOrder {
        order_number: number.into(),
        customer_code: customer_code.into(),
        order_date: date(2025, 3, 1),
        requested_date: date(2025, 3, 20),
        lines,
        ..Default::default()
    }
}

async fn create_order(
    client: &mut Client,
    o: pb::CustomerOrder,
    request_id: &str,
) -> Result<pb::CustomerOrder, tonic::Status> {
    client
        .create_customer_order(pb::CreateCustomerOrderRequest {
            customer_order: Some(o),
            request_id: request_id.into(),
        })
        .await
        .map(tonic::Response::into_inner)
}

/// The field of the first BadRequest violation.
fn violation(status: &tonic::Status) -> String {
    status
        .get_error_details()
        .bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default()
}

bascule_platform::backend_tests!(
    customers_are_created_read_and_updated_with_etags,
    contacts_are_created_listed_and_updated,
    consents_are_granted_listed_and_withdrawn,
    writes_wait_for_the_switch_over_and_reads_for_verification,
    a_reactivation_pass_lets_writes_through_a_verified_domain_only,
    customer_lists_page_without_gaps_and_filters_are_checked,
    order_lists_filter_and_page,
    orders_follow_the_state_machine_and_nothing_else,
    drafts_are_edited_with_totals_and_nothing_else_is,
    retries_with_a_request_id_create_once,
    export_holds_everything_on_a_customer,
    erasure_anonymises_and_waits_for_open_orders,
    confirmation_reaches_the_customer_and_production_once,
    a_customer_without_address_or_erased_gets_no_confirmation,
    without_mail_addresses_the_customer_is_still_written_to,
);
