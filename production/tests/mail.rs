//! The customer's e-mail when a manufacturing order made for them is done, end to end on
//! SQLite and PostgreSQL: the stock, production and clients services (servers on
//! loopback sockets, one scratch database), the production relay composing the e-mail
//! over gRPC with the clients service, and a real SMTP server.

// Test code: a failed unwrap is a failed test, with its line.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use bascule_clients::api::ClientsApi;
use bascule_mail::outbox::{self, OutboxState};
use bascule_mail::testing::smtp::{ServerOptions, SmtpServer};
use bascule_mail::{Relay, RelayOptions, SmtpConfig};
use bascule_platform::control;
use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::domain_state::DomainState;
use bascule_production::api::ProductionApi;
use bascule_production::notify::ProductionComposer;
use bascule_proto::clients::v1 as cpb;
use bascule_proto::clients::v1::clients_service_client::ClientsServiceClient;
use bascule_proto::google::r#type::Decimal;
use bascule_proto::production::v1 as pb;
use bascule_proto::production::v1::production_service_client::ProductionServiceClient;
use bascule_proto::stock::v1 as spb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::client::lazy_channel;
use bascule_rpc::testing::{TestServer, put_domain_in};
use bascule_stock::api::StockApi;
use tonic::service::Routes;
use tonic::transport::Channel;

const SENDER: &str = "Bascule Production <production@bascule.exemple.fr>";
const ADMIN: &str = "Exploitation <exploitation@bascule.exemple.fr>";

struct Env {
    db: Db,
    production: ProductionServiceClient<Channel>,
    stock: StockServiceClient<Channel>,
    clients: ClientsServiceClient<Channel>,
    smtp: SmtpServer,
    relay: Relay,
    _servers: Vec<TestServer>,
}

fn channel(url: &str) -> Channel {
    lazy_channel(url, &Default::default(), Duration::from_secs(5)).unwrap()
}

fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal { value: s.into() })
}

async fn start(db: &Db) -> Env {
    upgrade(
        db,
        &[
            control::schema(),
            bascule_stock::storage::schema().clone(),
            bascule_production::storage::schema().clone(),
            bascule_clients::storage::schema().clone(),
        ],
    )
    .await
    .unwrap();
    for domain in ["stock", "production", "clients"] {
        put_domain_in(db, domain, DomainState::Live).await;
    }
    let stock_server =
        TestServer::start(Routes::new(StockApi::new(db.clone()).into_server())).await;
    let clients_server =
        TestServer::start(Routes::new(ClientsApi::new(db.clone()).into_server())).await;
    let api = ProductionApi::new(
        db.clone(),
        StockServiceClient::new(channel(&stock_server.url)),
    );
    let production_server = TestServer::start(Routes::new(api.into_server())).await;
    let smtp = SmtpServer::start(ServerOptions::default()).await;
    let mut config = SmtpConfig::parse(&smtp.url()).unwrap();
    config.timeout = Duration::from_secs(5);
    let composer = ProductionComposer::new(ClientsServiceClient::new(channel(&clients_server.url)));
    let relay = Relay::new(db.clone(), "production", &config, SENDER, Some(ADMIN))
        .unwrap()
        .with_options(RelayOptions {
            poll_interval: Duration::from_millis(50),
            batch_size: 10,
            lease: Duration::from_secs(60),
            max_attempts: 5,
            backoff_base: Duration::ZERO,
            backoff_max: Duration::ZERO,
            wait_for_domain: Duration::ZERO,
        })
        .with_composer(Arc::new(composer));
    Env {
        db: db.clone(),
        production: ProductionServiceClient::connect(production_server.url.clone())
            .await
            .unwrap(),
        stock: StockServiceClient::new(channel(&stock_server.url)),
        clients: ClientsServiceClient::new(channel(&clients_server.url)),
        smtp,
        relay,
        _servers: vec![stock_server, clients_server, production_server],
    }
}

impl Env {
    /// PF-00001 made of MP-00001, in stock; the bill of PF-00001.
    async fn seed(&mut self) {
        for (code, kind) in [
            ("PF-00001", spb::ArticleKind::FinishedGood),
            ("MP-00001", spb::ArticleKind::RawMaterial),
        ] {
            self.stock
                .create_article(spb::CreateArticleRequest {
                    article: Some(spb::Article {
                        code: code.into(),
                        name: format!("Article {code}"),
                        kind: kind.into(),
                        unit: "pce".into(),
                        replenishment: spb::Replenishment::Buy.into(),
                        active: true,
                        ..Default::default()
                    }),
                    request_id: String::new(),
                })
                .await
                .unwrap();
        }
        for code in ["A01-01-1", "B02-03-2"] {
            self.stock
                .create_location(spb::CreateLocationRequest {
                    location: Some(spb::Location {
                        code: code.into(),
                        name: format!("Emplacement {code}"),
                        warehouse: "Magasin".into(),
                        active: true,
                        ..Default::default()
                    }),
                    request_id: String::new(),
                })
                .await
                .unwrap();
        }
        self.stock
            .create_movement(spb::CreateMovementRequest {
                movement: Some(spb::Movement {
                    kind: spb::MovementKind::Receipt.into(),
                    article_code: "MP-00001".into(),
                    location_code: "A01-01-1".into(),
                    quantity: dec("100"),
                    user_name: "magasinier".into(),
                    reference: "BL-2025-001".into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
        self.production
            .create_bill_of_materials(pb::CreateBillOfMaterialsRequest {
                bill_of_materials: Some(pb::BillOfMaterials {
                    article_code: "PF-00001".into(),
                    name: "Boîtier étanche".into(),
                    batch_quantity: dec("1"),
                    lines: vec![pb::BomLine {
                        line_no: 10,
                        component_code: "MP-00001".into(),
                        quantity: dec("2"),
                        unit: "pce".into(),
                    }],
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
    }

    /// A customer with a contact address and their order CC-2025-0007.
    async fn customer(&mut self) {
        self.clients
            .create_customer(cpb::CreateCustomerRequest {
                customer: Some(cpb::Customer {
                    code: "C00042".into(),
                    name: "Mécanique Dupré".into(),
                    contact_emails: vec!["achats@dupre.exemple.fr".into()],
                    billing_address: Some(cpb::Address {
                        line1: "3 rue du Port".into(),
                        postal_code: "44000".into(),
                        city: "Nantes".into(),
                        country: "FR".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
        self.clients
            .create_customer_order(cpb::CreateCustomerOrderRequest {
                customer_order: Some(cpb::CustomerOrder {
                    order_number: "CC-2025-0007".into(),
                    customer_code: "C00042".into(),
                    customer_reference: "DA-778".into(),
                    order_date: Some(cpb::Date {
                        year: 2025,
                        month: 5,
                        day: 20,
                    }),
                    requested_date: Some(cpb::Date {
                        year: 2025,
                        month: 6,
                        day: 13,
                    }),
                    lines: vec![cpb::OrderLine {
                        line_no: 1,
                        article_code: "PF-00001".into(),
                        description: "Boîtier étanche IP67".into(),
                        quantity: dec("10"),
                        unit_price: dec("42"),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
    }

    /// Creates, confirms and starts `mo_number` (10 PF-00001), made for `customer`.
    async fn running(&mut self, mo_number: &str, customer: Option<(&str, &str)>) {
        let (order_number, customer_code) = customer.unwrap_or_default();
        self.production
            .create_manufacturing_order(pb::CreateManufacturingOrderRequest {
                manufacturing_order: Some(pb::ManufacturingOrder {
                    mo_number: mo_number.into(),
                    article_code: "PF-00001".into(),
                    quantity: dec("10"),
                    planned_start_date: Some(pb::Date {
                        year: 2025,
                        month: 6,
                        day: 2,
                    }),
                    planned_end_date: Some(pb::Date {
                        year: 2025,
                        month: 6,
                        day: 6,
                    }),
                    origin_order_number: order_number.into(),
                    customer_code: customer_code.into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
        let by_number = || pb::ChangeManufacturingOrderStateRequest {
            mo_number: mo_number.into(),
            etag: String::new(),
        };
        self.production
            .confirm_manufacturing_order(by_number())
            .await
            .unwrap();
        self.production
            .start_manufacturing_order(by_number())
            .await
            .unwrap();
    }

    async fn complete(&mut self, mo_number: &str, request_id: &str) -> pb::ManufacturingOrder {
        self.production
            .complete_manufacturing_order(pb::CompleteManufacturingOrderRequest {
                mo_number: mo_number.into(),
                consume_from_location_code: "A01-01-1".into(),
                output_location_code: "B02-03-2".into(),
                produced_quantity: dec("8"),
                user_name: "chef d'atelier".into(),
                request_id: request_id.into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
    }

    async fn outbox(&self) -> Vec<outbox::OutboxMessage> {
        outbox::list(
            &mut self.db.clone(),
            "production",
            None,
            &PageRequest::first(50),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|s| s.value)
        .collect()
    }
}

async fn a_completed_order_emails_its_customer_once(db: Db) {
    let mut env = start(&db).await;
    env.seed().await;
    env.customer().await;
    env.running("OF25-0001", Some(("CC-2025-0007", "C00042")))
        .await;
    let done = env.complete("OF25-0001", "complete-1").await;
    assert_eq!(done.state, i32::from(pb::ManufacturingOrderState::Done));
    // The retry of the same request gets the first answer and writes nothing more.
    env.complete("OF25-0001", "complete-1").await;
    let rows = env.outbox().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].kind.as_deref(), Some("production.order_done"));
    assert_eq!(rows[0].state, OutboxState::Pending);

    let report = env.relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1), "{report:?}");
    assert_eq!(env.relay.tick().await.unwrap().claimed, 0);
    let got = env.smtp.received();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.rcpts, vec!["achats@dupre.exemple.fr".to_owned()]);
    assert_eq!(m.message_id(), rows[0].message_id);
    assert_eq!(
        m.subject(),
        "Votre commande CC-2025-0007 (votre référence DA-778) : fabrication terminée \
         (Boîtier étanche IP67 (PF-00001))"
    );
    let text = m.text().replace("\r\n", "\n");
    let today = chrono::Utc::now()
        .date_naive()
        .format("%d/%m/%Y")
        .to_string();
    for expected in [
        "la fabrication de 8 Boîtier étanche IP67 (PF-00001) est terminée",
        &format!("est terminée le {today}"),
        "Ordre de fabrication : OF25-0001",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert!(m.html().unwrap().contains("<code>OF25-0001</code>"));
}

async fn an_order_for_no_customer_writes_no_email(db: Db) {
    let mut env = start(&db).await;
    env.seed().await;
    env.running("OF25-0002", None).await;
    env.complete("OF25-0002", "").await;
    assert!(env.outbox().await.is_empty());
    assert_eq!(env.relay.tick().await.unwrap().claimed, 0);
}

async fn a_customer_without_address_is_dead_and_the_administrator_told(db: Db) {
    let mut env = start(&db).await;
    env.seed().await;
    env.running("OF25-0003", Some(("", "C00404"))).await;
    env.complete("OF25-0003", "").await;
    assert_eq!(env.relay.tick().await.unwrap().dead, 1);
    assert_eq!(env.relay.tick().await.unwrap().sent, 1, "the alert");
    let got = env.smtp.received();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].rcpts,
        vec!["exploitation@bascule.exemple.fr".to_owned()]
    );
    let text = got[0].text();
    assert!(
        text.contains("clients about customer C00404: NotFound"),
        "{text}"
    );
    assert!(text.contains("OF25-0003"), "{text}");
}

/// Sets the clients domain's state as the plan would have it in another phase (the
/// customer was made while it was live), then lets the gate's cache expire.
async fn clients_state(db: &Db, state: &str) {
    use bascule_platform::db::schema::SchemaName;
    use bascule_platform::db::{Exec, SqlBuilder};
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "UPDATE {} SET state = ",
        e.dialect().table(SchemaName::Control, "domain_state")
    ))
    .bind(state)
    .push(" WHERE domain = ")
    .bind("clients");
    e.execute(b.statement()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
}

async fn the_email_waits_while_clients_is_not_switched_over(db: Db) {
    let mut env = start(&db).await;
    env.seed().await;
    env.customer().await;
    env.running("OF25-0004", Some(("CC-2025-0007", "C00042")))
        .await;
    clients_state(&db, "MIGRATING").await;
    env.complete("OF25-0004", "").await;
    // Five attempts would make it DEAD; waiting for clients uses none.
    for _ in 0..6 {
        let report = env.relay.tick().await.unwrap();
        assert_eq!((report.retried, report.dead), (1, 0), "{report:?}");
    }
    let rows = env.outbox().await;
    assert_eq!((rows[0].state, rows[0].attempts), (OutboxState::Pending, 0));
    let error = rows[0].last_error.clone().unwrap();
    assert!(
        error.contains("waits") && error.contains("FailedPrecondition"),
        "{error}"
    );
    assert!(env.smtp.received().is_empty());

    clients_state(&db, "LIVE").await;
    let report = env.relay.tick().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(env.smtp.received().len(), 1);
}

bascule_platform::backend_tests!(
    a_completed_order_emails_its_customer_once,
    an_order_for_no_customer_writes_no_email,
    a_customer_without_address_is_dead_and_the_administrator_told,
    the_email_waits_while_clients_is_not_switched_over,
);
