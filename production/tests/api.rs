//! The production service through the real gRPC stack (servers on loopback sockets), on
//! SQLite and PostgreSQL, with the real stock service on the same database: every
//! method, both state machines, idempotent retries, paging and filters, etags, the
//! switch-over gate, and completions that move stock.

use std::collections::HashSet;
use std::time::Duration;

use bascule_platform::control;
use bascule_platform::db::Db;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::domain_state::DomainState;
use bascule_production::api::ProductionApi;
use bascule_production::storage::schema;
use bascule_proto::google::r#type::Decimal;
use bascule_proto::production::v1 as pb;
use bascule_proto::production::v1::production_service_client::ProductionServiceClient;
use bascule_proto::stock::v1 as spb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::client::lazy_channel;
use bascule_rpc::testing::{TestServer, connect, metadata, put_domain_in, reason};
use bascule_stock::api::StockApi;
use tonic::Code;
use tonic::service::Routes;
use tonic::transport::Channel;
use tonic_types::StatusExt;

type Client = ProductionServiceClient<Channel>;
type Stock = StockServiceClient<Channel>;

/// Both services running on one database, and a client of each.
struct Env {
    _stock_server: TestServer,
    _server: TestServer,
    client: Client,
    stock: Stock,
}

/// A production service whose stock client points at `stock_url`.
async fn production_server(db: &Db, stock_url: &str) -> (TestServer, Client) {
    let channel = lazy_channel(stock_url, &Default::default(), Duration::from_secs(5))
        .expect("stock channel");
    let api = ProductionApi::new(db.clone(), StockServiceClient::new(channel));
    let server = TestServer::start(Routes::new(api.into_server())).await;
    let client = ProductionServiceClient::new(connect(&server.url).await);
    (server, client)
}

async fn start(db: &Db, state: DomainState) -> Env {
    upgrade(
        db,
        &[
            control::schema(),
            bascule_stock::storage::schema().clone(),
            schema().clone(),
        ],
    )
    .await
    .expect("upgrade");
    put_domain_in(db, "stock", DomainState::Live).await;
    put_domain_in(db, "production", state).await;
    let stock_server =
        TestServer::start(Routes::new(StockApi::new(db.clone()).into_server())).await;
    let (server, client) = production_server(db, &stock_server.url).await;
    let stock = StockServiceClient::new(connect(&stock_server.url).await);
    Env {
        _stock_server: stock_server,
        _server: server,
        client,
        stock,
    }
}

fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal { value: s.into() })
}

fn date(year: i32, month: i32, day: i32) -> Option<pb::Date> {
    Some(pb::Date { year, month, day })
}

/// Asserts a refusal's code and ErrorInfo reason.
#[track_caller]
fn refused<T: std::fmt::Debug>(
    result: Result<tonic::Response<T>, tonic::Status>,
    code: Code,
    why: &str,
) -> tonic::Status {
    let status = result.expect_err(why);
    assert_eq!(status.code(), code, "{why}: {status:?}");
    assert_eq!(reason(&status), why, "{status:?}");
    status
}

fn tool(code: &str) -> pb::Tool {
    pb::Tool {
        code: code.into(),
        name: format!("Moule boîtier {code} 🎉"),
        kind: pb::ToolKind::Mould.into(),
        location: "Presse 3 — allée B".into(),
        ..Default::default()
    }
}

async fn create_tool(client: &mut Client, t: pb::Tool) -> pb::Tool {
    client
        .create_tool(pb::CreateToolRequest {
            tool: Some(t),
            request_id: String::new(),
        })
        .await
        .expect("create tool")
        .into_inner()
}

fn order(mo_number: &str, article_code: &str, quantity: &str) -> pb::ManufacturingOrder {
    pb::ManufacturingOrder {
        mo_number: mo_number.into(),
        article_code: article_code.into(),
        quantity: dec(quantity),
        planned_start_date: date(2025, 6, 2),
        planned_end_date: date(2025, 6, 6),
        ..Default::default()
    }
}

async fn create_order(client: &mut Client, o: pb::ManufacturingOrder) -> pb::ManufacturingOrder {
    client
        .create_manufacturing_order(pb::CreateManufacturingOrderRequest {
            manufacturing_order: Some(o),
            request_id: String::new(),
        })
        .await
        .expect("create order")
        .into_inner()
}

fn by_number(mo_number: &str) -> pb::ChangeManufacturingOrderStateRequest {
    pb::ChangeManufacturingOrderStateRequest {
        mo_number: mo_number.into(),
        etag: String::new(),
    }
}

/// Articles, two locations and receipts in stock, through stock's own API.
async fn seed_stock(stock: &mut Stock, receipts: &[(&str, &str)]) {
    for (code, kind) in [
        ("PF-00001", spb::ArticleKind::FinishedGood),
        ("MP-00001", spb::ArticleKind::RawMaterial),
        ("CO-00001", spb::ArticleKind::Component),
    ] {
        stock
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
            .expect("article");
    }
    for code in ["A01-01-1", "B02-03-2"] {
        stock
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
            .expect("location");
    }
    for (article, quantity) in receipts {
        receive(stock, article, quantity).await;
    }
}

async fn receive(stock: &mut Stock, article: &str, quantity: &str) {
    stock
        .create_movement(spb::CreateMovementRequest {
            movement: Some(spb::Movement {
                kind: spb::MovementKind::Receipt.into(),
                article_code: article.into(),
                location_code: "A01-01-1".into(),
                quantity: dec(quantity),
                user_name: "magasinier".into(),
                reference: "BL-2025-001".into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("receipt");
}

async fn on_hand(stock: &mut Stock, article: &str, location: &str) -> String {
    stock
        .get_stock_level(spb::GetStockLevelRequest {
            article_code: article.into(),
            location_code: location.into(),
        })
        .await
        .expect("level")
        .into_inner()
        .on_hand
        .expect("on hand")
        .value
}

/// The bill of PF-00001: per batch of `batch`, 2.5 MP-00001 and 4 CO-00001.
async fn create_bom(client: &mut Client, batch: &str) -> pb::BillOfMaterials {
    let line = |line_no, component: &str, quantity: &str| pb::BomLine {
        line_no,
        component_code: component.into(),
        quantity: dec(quantity),
        unit: "pce".into(),
    };
    client
        .create_bill_of_materials(pb::CreateBillOfMaterialsRequest {
            bill_of_materials: Some(pb::BillOfMaterials {
                article_code: "PF-00001".into(),
                name: "Boîtier étanche".into(),
                batch_quantity: dec(batch),
                lines: vec![line(20, "CO-00001", "4"), line(10, "MP-00001", "2.5")],
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("bom")
        .into_inner()
}

fn complete_request(
    mo_number: &str,
    produced: Option<&str>,
) -> pb::CompleteManufacturingOrderRequest {
    pb::CompleteManufacturingOrderRequest {
        mo_number: mo_number.into(),
        consume_from_location_code: "A01-01-1".into(),
        output_location_code: "B02-03-2".into(),
        produced_quantity: produced.and_then(dec),
        user_name: "chef d'atelier".into(),
        ..Default::default()
    }
}

// Under tests/api/ rather than tests/: cargo would build each file there as a test
// binary of its own, without these helpers.
#[path = "api/completion.rs"]
mod completion;
#[path = "api/maintenance.rs"]
mod maintenance;
#[path = "api/orders.rs"]
mod orders;
#[path = "api/progress.rs"]
mod progress;
#[path = "api/tools.rs"]
mod tools;
