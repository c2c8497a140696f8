//! The reorder check's e-mails, end to end on SQLite and PostgreSQL: the stock service
//! and the fournisseurs service (servers on loopback sockets, one scratch database), the
//! stock relay composing the suppliers' requests over gRPC, and a real SMTP server.

// Test code: a failed unwrap is a failed test, with its line.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use bascule_fournisseurs::api::FournisseursApi;
use bascule_mail::outbox::{self, OutboxState};
use bascule_mail::testing::smtp::{Received, ServerOptions, SmtpServer};
use bascule_mail::{Relay, RelayOptions, SmtpConfig};
use bascule_platform::control;
use bascule_platform::db::Db;
use bascule_platform::db::record::PageRequest;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::domain_state::DomainState;
use bascule_proto::fournisseurs::v1 as fpb;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use bascule_proto::google::r#type::Decimal;
use bascule_proto::stock::v1 as pb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::client::lazy_channel;
use bascule_rpc::testing::{TestServer, put_domain_in};
use bascule_stock::api::StockApi;
use bascule_stock::notify::{MailAddresses, StockComposer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::service::Routes;
use tonic::transport::Channel;

type Stock = StockServiceClient<Channel>;
type Fournisseurs = FournisseursServiceClient<Channel>;

const SENDER: &str = "Bascule Stock <stock@bascule.exemple.fr>";
const ADMIN: &str = "Exploitation <exploitation@bascule.exemple.fr>";
const PURCHASING: &str = "Achats <achats@bascule.exemple.fr>";
const TEAM: &str = "Atelier <atelier@bascule.exemple.fr>";

/// A fournisseurs server on a port of our choosing, so that it can stop and come back
/// at the same address.
struct FournisseursServer {
    stop: Option<oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<()>,
}

impl FournisseursServer {
    async fn start(db: &Db, port: u16, stock_url: &str) -> FournisseursServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let api = FournisseursApi::new(db.clone(), StockServiceClient::new(channel(stock_url)));
        let routes = Routes::new(api.into_server());
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            bascule_rpc::server::serve(listener, None, routes, shutdown)
                .await
                .unwrap();
        });
        FournisseursServer {
            stop: Some(stop),
            handle,
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = self.handle.await;
    }
}

fn channel(url: &str) -> Channel {
    lazy_channel(url, &Default::default(), Duration::from_secs(5)).unwrap()
}

struct Env {
    db: Db,
    stock: Stock,
    fournisseurs: Fournisseurs,
    fournisseurs_server: Option<FournisseursServer>,
    fournisseurs_port: u16,
    stock_url: String,
    smtp: SmtpServer,
    relay: Relay,
    _stock_server: TestServer,
}

impl Env {
    async fn start(db: &Db) -> Env {
        upgrade(
            db,
            &[
                control::schema(),
                bascule_stock::storage::schema().clone(),
                bascule_fournisseurs::storage::schema().clone(),
            ],
        )
        .await
        .unwrap();
        put_domain_in(db, "stock", DomainState::Live).await;
        put_domain_in(db, "fournisseurs", DomainState::Live).await;
        let api = StockApi::new(db.clone()).with_mail(MailAddresses {
            purchasing: Some(PURCHASING.into()),
            production_team: Some(TEAM.into()),
            admin: Some(ADMIN.into()),
        });
        let stock_server = TestServer::start(Routes::new(api.into_server())).await;
        let stock = StockServiceClient::connect(stock_server.url.clone())
            .await
            .unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = FournisseursServer::start(db, port, &stock_server.url).await;
        let fournisseurs_url = format!("http://127.0.0.1:{port}");
        let fournisseurs = FournisseursServiceClient::new(channel(&fournisseurs_url));
        let smtp = SmtpServer::start(ServerOptions::default()).await;
        let mut config = SmtpConfig::parse(&smtp.url()).unwrap();
        config.timeout = Duration::from_secs(5);
        // The composer has a client of its own, as the service would.
        let composer =
            StockComposer::new(FournisseursServiceClient::new(channel(&fournisseurs_url)));
        let relay = Relay::new(db.clone(), "stock", &config, SENDER, Some(ADMIN))
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
            stock,
            fournisseurs,
            fournisseurs_server: Some(server),
            fournisseurs_port: port,
            stock_url: stock_server.url.clone(),
            smtp,
            relay,
            _stock_server: stock_server,
        }
    }

    async fn stop_fournisseurs(&mut self) {
        if let Some(server) = self.fournisseurs_server.take() {
            server.stop().await;
        }
    }

    async fn restart_fournisseurs(&mut self) {
        self.fournisseurs_server = Some(
            FournisseursServer::start(&self.db, self.fournisseurs_port, &self.stock_url).await,
        );
    }

    async fn article(&mut self, code: &str, name: &str, route: pb::Replenishment) {
        self.stock
            .create_article(pb::CreateArticleRequest {
                article: Some(pb::Article {
                    code: code.into(),
                    name: name.into(),
                    kind: pb::ArticleKind::RawMaterial as i32,
                    unit: "kg".into(),
                    replenishment: route as i32,
                    active: true,
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
    }

    async fn location(&mut self) {
        self.stock
            .create_location(pb::CreateLocationRequest {
                location: Some(pb::Location {
                    code: "A01-01-1".into(),
                    name: "Allée A".into(),
                    warehouse: "Magasin".into(),
                    active: true,
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
    }

    async fn rule(&mut self, article: &str, route: pb::Replenishment, supplier: &str) {
        self.stock
            .create_reorder_rule(pb::CreateReorderRuleRequest {
                reorder_rule: Some(pb::ReorderRule {
                    article_code: article.into(),
                    location_code: "A01-01-1".into(),
                    min_quantity: dec("10"),
                    max_quantity: dec("110"),
                    multiple: dec("25"),
                    mode: pb::ReorderMode::Auto as i32,
                    route: route as i32,
                    preferred_supplier_code: supplier.into(),
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
    }

    async fn supplier(&mut self, code: &str, name: &str, emails: &[&str]) {
        self.fournisseurs
            .create_supplier(fpb::CreateSupplierRequest {
                supplier: Some(fpb::Supplier {
                    code: code.into(),
                    name: name.into(),
                    order_emails: emails.iter().map(|e| (*e).to_owned()).collect(),
                    address: Some(fpb::Address {
                        line1: "12 rue des Forges".into(),
                        postal_code: "69007".into(),
                        city: "Lyon".into(),
                        country: "FR".into(),
                        ..Default::default()
                    }),
                    active: true,
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
    }

    async fn supplier_article(&mut self, supplier: &str, article: &str, sku: &str, lead: i32) {
        self.fournisseurs
            .create_supplier_article(fpb::CreateSupplierArticleRequest {
                supplier_article: Some(fpb::SupplierArticle {
                    supplier_code: supplier.into(),
                    article_code: article.into(),
                    supplier_sku: sku.into(),
                    unit_price: dec("2.35"),
                    lead_time_days: lead,
                    preferred: true,
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .unwrap();
    }

    /// MP-00001 bought from F00012 (SKU ACS-235-2, 12 days), below minimum.
    async fn buy_setup(&mut self) {
        self.article("MP-00001", "Tôle S235 2 mm", pb::Replenishment::Buy)
            .await;
        self.location().await;
        self.supplier(
            "F00012",
            "Aciers Garnier",
            &["commandes@aciers-garnier.exemple.fr"],
        )
        .await;
        self.supplier_article("F00012", "MP-00001", "ACS-235-2", 12)
            .await;
        self.rule("MP-00001", pb::Replenishment::Buy, "F00012")
            .await;
    }

    async fn check(&mut self) -> pb::RunReorderCheckResponse {
        self.stock
            .run_reorder_check(pb::RunReorderCheckRequest {
                include_manual: false,
            })
            .await
            .unwrap()
            .into_inner()
    }

    async fn outbox(&self, state: OutboxState) -> Vec<outbox::OutboxMessage> {
        outbox::list(
            &mut self.db.clone(),
            "stock",
            Some(state),
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

fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal { value: s.into() })
}

fn text(m: &Received) -> String {
    m.text().replace("\r\n", "\n")
}

async fn a_buy_request_emails_the_supplier_once_with_purchasing_in_copy(db: Db) {
    let mut env = Env::start(&db).await;
    env.buy_setup().await;
    let first = env.check().await;
    assert_eq!(first.raised.len(), 1);
    let request = &first.raised[0];
    assert_eq!(request.quantity.as_ref().unwrap().value, "125");
    assert_eq!(request.need_key, "MP-00001@A01-01-1#1");
    // Written with the request, composed only when sent.
    let pending = env.outbox(OutboxState::Pending).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].kind.as_deref(), Some("stock.replenishment"));

    let report = env.relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 1), "{report:?}");
    let got = env.smtp.received();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(
        m.rcpts,
        vec![
            "commandes@aciers-garnier.exemple.fr".to_owned(),
            "achats@bascule.exemple.fr".to_owned()
        ]
    );
    assert!(
        m.header("Cc")
            .unwrap()
            .contains("achats@bascule.exemple.fr"),
        "purchasing in copy"
    );
    assert_eq!(
        m.subject(),
        "Demande de réapprovisionnement MP-00001@A01-01-1#1 : MP-00001 Tôle S235 2 mm"
    );
    let body = text(m);
    let wanted = (chrono::Utc::now().date_naive() + chrono::Days::new(12))
        .format("%d/%m/%Y")
        .to_string();
    for expected in [
        "Aciers Garnier, nous vous demandons",
        "Article : MP-00001 — Tôle S235 2 mm",
        "Votre référence : ACS-235-2",
        "Quantité : 125 kg",
        &format!("Date de livraison souhaitée : {wanted}"),
        "Notre référence : MP-00001@A01-01-1#1",
    ] {
        assert!(body.contains(expected), "{expected:?} in {body}");
    }
    assert!(m.html().unwrap().contains("<strong>ACS-235-2</strong>"));

    // A second check: the need already has its request, and its e-mail.
    let second = env.check().await;
    assert_eq!((second.raised.len(), second.already_requested), (0, 1));
    assert_eq!(env.relay.tick().await.unwrap().claimed, 0);
    assert_eq!(env.smtp.received().len(), 1, "no second e-mail");
    let sent = env.outbox(OutboxState::Sent).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].message_id, m.message_id());
    env.stop_fournisseurs().await;
}

async fn with_fournisseurs_down_the_email_waits_and_arrives_once(db: Db) {
    let mut env = Env::start(&db).await;
    env.buy_setup().await;
    env.stop_fournisseurs().await;

    // The business request does not need fournisseurs.
    let check = env.check().await;
    assert_eq!(check.raised.len(), 1);
    let report = env.relay.tick().await.unwrap();
    assert_eq!((report.claimed, report.retried), (1, 1), "{report:?}");
    let report = env.relay.tick().await.unwrap();
    assert_eq!(report.retried, 1, "{report:?}");
    assert!(env.smtp.received().is_empty());
    let waiting = env.outbox(OutboxState::Pending).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].attempts, 2);
    let error = waiting[0].last_error.clone().unwrap();
    assert!(error.contains("fournisseurs"), "{error}");

    env.restart_fournisseurs().await;
    let mut sent = 0;
    for _ in 0..20 {
        sent += env.relay.tick().await.unwrap().sent;
        if sent > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sent, 1);
    assert_eq!(env.relay.tick().await.unwrap().claimed, 0);
    assert_eq!(env.check().await.raised.len(), 0);
    assert_eq!(env.relay.tick().await.unwrap().claimed, 0);
    let got = env.smtp.received();
    assert_eq!(got.len(), 1, "exactly once");
    assert!(text(&got[0]).contains("Votre référence : ACS-235-2"));
    assert_eq!(got[0].message_id(), waiting[0].message_id);
    env.stop_fournisseurs().await;
}

async fn a_supplier_without_address_is_dead_and_the_administrator_told(db: Db) {
    let mut env = Env::start(&db).await;
    env.article("MP-00002", "Rond inox 12 mm", pb::Replenishment::Buy)
        .await;
    env.location().await;
    env.supplier("F00013", "Inox Dupré", &[]).await;
    env.supplier_article("F00013", "MP-00002", "RX-12", 5).await;
    env.rule("MP-00002", pb::Replenishment::Buy, "F00013").await;
    assert_eq!(env.check().await.raised.len(), 1);
    let report = env.relay.tick().await.unwrap();
    assert_eq!(report.dead, 1, "{report:?}");
    let report = env.relay.tick().await.unwrap();
    assert_eq!(report.sent, 1, "the alert: {report:?}");
    let got = env.smtp.received();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].rcpts,
        vec!["exploitation@bascule.exemple.fr".to_owned()]
    );
    let body = text(&got[0]);
    assert!(
        body.contains("supplier F00013 (Inox Dupré) has no order e-mail address"),
        "{body}"
    );
    env.stop_fournisseurs().await;
}

async fn an_article_to_manufacture_emails_the_production_team(db: Db) {
    let mut env = Env::start(&db).await;
    env.article("SF-00001", "Platine usinée", pb::Replenishment::Manufacture)
        .await;
    env.location().await;
    env.rule("SF-00001", pb::Replenishment::Manufacture, "")
        .await;
    assert_eq!(env.check().await.raised.len(), 1);
    // Written whole, with local data: no composition.
    let pending = env.outbox(OutboxState::Pending).await;
    assert_eq!(pending.len(), 1);
    assert!(!pending[0].is_deferred());
    env.stop_fournisseurs().await;
    assert_eq!(env.relay.tick().await.unwrap().sent, 1);
    assert_eq!(env.check().await.raised.len(), 0);
    assert_eq!(env.relay.tick().await.unwrap().claimed, 0);
    let got = env.smtp.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpts, vec!["atelier@bascule.exemple.fr".to_owned()]);
    assert_eq!(
        got[0].subject(),
        "À fabriquer : SF-00001 Platine usinée sous le minimum en A01-01-1"
    );
    let body = text(&got[0]);
    assert!(body.contains("Quantité à fabriquer : 125 kg"), "{body}");
    assert!(body.contains("(minimum 10 kg)"), "{body}");
    assert!(body.contains("SF-00001@A01-01-1#1"), "{body}");
}

async fn a_buy_rule_without_supplier_emails_the_administrator(db: Db) {
    let mut env = Env::start(&db).await;
    env.article("MP-00003", "Vis M6", pb::Replenishment::Buy)
        .await;
    env.location().await;
    env.rule("MP-00003", pb::Replenishment::Buy, "").await;
    let check = env.check().await;
    assert_eq!(check.raised.len(), 1, "the need is still recorded");
    assert_eq!(env.relay.tick().await.unwrap().sent, 1);
    let got = env.smtp.received();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].rcpts,
        vec!["exploitation@bascule.exemple.fr".to_owned()]
    );
    assert_eq!(
        got[0].subject(),
        "[bascule] Réapprovisionnement sans fournisseur : MP-00003 en A01-01-1"
    );
    assert!(text(&got[0]).contains("Quantité demandée : 125 kg"));
    assert_eq!(env.check().await.raised.len(), 0);
    assert_eq!(env.relay.tick().await.unwrap().claimed, 0);
    env.stop_fournisseurs().await;
}

/// Without `with_mail`, the check writes no e-mail (and needs no outbox).
async fn without_mail_the_check_writes_no_email(db: Db) {
    upgrade(
        &db,
        &[control::schema(), bascule_stock::storage::schema().clone()],
    )
    .await
    .unwrap();
    put_domain_in(&db, "stock", DomainState::Live).await;
    let server = TestServer::start(Routes::new(StockApi::new(db.clone()).into_server())).await;
    let mut stock = StockServiceClient::connect(server.url.clone())
        .await
        .unwrap();
    stock
        .create_article(pb::CreateArticleRequest {
            article: Some(pb::Article {
                code: "MP-00004".into(),
                name: "Écrou M6".into(),
                kind: pb::ArticleKind::RawMaterial as i32,
                unit: "pce".into(),
                replenishment: pb::Replenishment::Buy as i32,
                active: true,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .unwrap();
    stock
        .create_location(pb::CreateLocationRequest {
            location: Some(pb::Location {
                code: "A01-01-1".into(),
                name: "Allée A".into(),
                warehouse: "Magasin".into(),
                active: true,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .unwrap();
    stock
        .create_reorder_rule(pb::CreateReorderRuleRequest {
            reorder_rule: Some(pb::ReorderRule {
                article_code: "MP-00004".into(),
                location_code: "A01-01-1".into(),
                min_quantity: dec("10"),
                max_quantity: dec("20"),
                multiple: dec("1"),
                mode: pb::ReorderMode::Auto as i32,
                route: pb::Replenishment::Buy as i32,
                preferred_supplier_code: "F00001".into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .unwrap();
    let check = stock
        .run_reorder_check(pb::RunReorderCheckRequest {
            include_manual: false,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(check.raised.len(), 1);
    let all = outbox::list(&mut db.clone(), "stock", None, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(all.items.is_empty());
}

bascule_platform::backend_tests!(
    a_buy_request_emails_the_supplier_once_with_purchasing_in_copy,
    with_fournisseurs_down_the_email_waits_and_arrives_once,
    a_supplier_without_address_is_dead_and_the_administrator_told,
    an_article_to_manufacture_emails_the_production_team,
    a_buy_rule_without_supplier_emails_the_administrator,
    without_mail_the_check_writes_no_email,
);
