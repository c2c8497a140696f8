//! What the gRPC test suites share: the stock and fournisseurs services started on one
//! scratch database, each on its own loopback socket, fournisseurs calling stock through
//! a real channel; seed data and small builders.

#![allow(dead_code)]

pub mod smtp;

use std::time::Duration;

use bascule_fournisseurs::api::FournisseursApi;
use bascule_fournisseurs::notify::MailAddresses;
use bascule_fournisseurs::storage::schema;
use bascule_platform::control;
use bascule_platform::db::Db;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::domain_state::DomainState;
use bascule_proto::fournisseurs::v1 as pb;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use bascule_proto::google::r#type::Decimal;
use bascule_proto::stock::v1 as stock;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::client::lazy_channel;
use bascule_rpc::testing::{TestServer, connect, put_domain_in};
#[allow(unused_imports)] // not every suite uses both
pub use bascule_rpc::testing::{metadata, reason};
use bascule_stock::api::StockApi;
use tonic::service::Routes;
use tonic::transport::Channel;
use tonic_types::StatusExt;

pub type Client = FournisseursServiceClient<Channel>;
pub type Stock = StockServiceClient<Channel>;

/// Both services, running until dropped.
pub struct Services {
    pub client: Client,
    pub stock: Stock,
    pub stock_url: String,
    _servers: Vec<TestServer>,
}

/// A client of the stock service at `url`, as the fournisseurs service is given one.
pub fn stock_client(url: &str) -> Stock {
    StockServiceClient::new(
        lazy_channel(url, &Default::default(), Duration::from_secs(5)).expect("stock channel"),
    )
}

/// A fournisseurs server on `db` that posts receipts to the stock service at `stock_url`.
pub async fn fournisseurs_server(db: &Db, stock_url: &str) -> (TestServer, Client) {
    fournisseurs_server_with(db, stock_url, None).await
}

/// The same, with the company's e-mail addresses when given.
pub async fn fournisseurs_server_with(
    db: &Db,
    stock_url: &str,
    mail: Option<MailAddresses>,
) -> (TestServer, Client) {
    let mut api = FournisseursApi::new(db.clone(), stock_client(stock_url));
    if let Some(addresses) = mail {
        api = api.with_mail(addresses);
    }
    let server = TestServer::start(Routes::new(api.into_server())).await;
    let client = FournisseursServiceClient::new(connect(&server.url).await);
    (server, client)
}

/// Stock (live) and fournisseurs (in `state`) on `db`.
pub async fn start(db: &Db, state: DomainState) -> Services {
    start_with(db, state, None).await
}

/// The same, fournisseurs with the company's e-mail addresses when given.
pub async fn start_with(db: &Db, state: DomainState, mail: Option<MailAddresses>) -> Services {
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
    put_domain_in(db, "fournisseurs", state).await;
    let stock_server =
        TestServer::start(Routes::new(StockApi::new(db.clone()).into_server())).await;
    let stock = StockServiceClient::new(connect(&stock_server.url).await);
    let stock_url = stock_server.url.clone();
    let (server, client) = fournisseurs_server_with(db, &stock_url, mail).await;
    Services {
        client,
        stock,
        stock_url,
        _servers: vec![stock_server, server],
    }
}

pub fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal { value: s.into() })
}

pub fn value(d: Option<&Decimal>) -> &str {
    d.map(|d| d.value.as_str()).unwrap_or("")
}

pub fn date(year: i32, month: i32, day: i32) -> Option<pb::Date> {
    Some(pb::Date { year, month, day })
}

pub fn violation_field(status: &tonic::Status) -> String {
    status
        .get_error_details()
        .bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default()
}

pub fn mask(paths: &[&str]) -> Option<prost_types::FieldMask> {
    Some(prost_types::FieldMask {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    })
}

pub fn supplier(code: &str, name: &str, country: &str) -> pb::Supplier {
    pb::Supplier {
        code: code.into(),
        name: name.into(),
        address: Some(pb::Address {
            line1: "12 rue des Forges".into(),
            postal_code: "69007".into(),
            city: "Lyon".into(),
            country: country.into(),
            ..Default::default()
        }),
        active: true,
        ..Default::default()
    }
}

pub async fn create_supplier(client: &mut Client, s: pb::Supplier) -> pb::Supplier {
    client
        .create_supplier(pb::CreateSupplierRequest {
            supplier: Some(s),
            request_id: String::new(),
        })
        .await
        .expect("create supplier")
        .into_inner()
}

pub fn line(line_no: i32, article: &str, quantity: &str, price: &str) -> pb::PurchaseOrderLine {
    pb::PurchaseOrderLine {
        line_no,
        article_code: article.into(),
        description: format!("Article {article}"),
        quantity: dec(quantity),
        unit: "pce".into(),
        unit_price: dec(price),
        ..Default::default()
    }
}

pub async fn create_order(
    client: &mut Client,
    po_number: &str,
    lines: Vec<pb::PurchaseOrderLine>,
) -> pb::PurchaseOrder {
    client
        .create_purchase_order(pb::CreatePurchaseOrderRequest {
            purchase_order: Some(pb::PurchaseOrder {
                po_number: po_number.into(),
                supplier_code: "F00012".into(),
                order_date: date(2025, 3, 1),
                buyer: "jdupont".into(),
                lines,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("create order")
        .into_inner()
}

pub async fn confirm(client: &mut Client, po_number: &str) -> pb::PurchaseOrder {
    client
        .confirm_purchase_order(pb::ConfirmPurchaseOrderRequest {
            po_number: po_number.into(),
            etag: String::new(),
        })
        .await
        .expect("confirm")
        .into_inner()
}

/// Articles MP-00001 and MP-00002 and location A01-01-1 in stock; supplier F00012.
pub async fn seed(s: &mut Services) {
    for code in ["MP-00001", "MP-00002"] {
        s.stock
            .create_article(stock::CreateArticleRequest {
                article: Some(stock::Article {
                    code: code.into(),
                    name: format!("Article {code}"),
                    kind: stock::ArticleKind::RawMaterial as i32,
                    unit: "pce".into(),
                    replenishment: stock::Replenishment::Buy as i32,
                    active: true,
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .expect("stock article");
    }
    s.stock
        .create_location(stock::CreateLocationRequest {
            location: Some(stock::Location {
                code: "A01-01-1".into(),
                name: "Quai de réception".into(),
                warehouse: "Magasin".into(),
                active: true,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("stock location");
    create_supplier(&mut s.client, supplier("F00012", "Mécaplast Garnier", "FR")).await;
}

/// On-hand of `article` at A01-01-1, as stock's GetStockLevel says.
pub async fn on_hand(stock: &mut Stock, article: &str) -> String {
    let level = stock
        .get_stock_level(stock::GetStockLevelRequest {
            article_code: article.into(),
            location_code: "A01-01-1".into(),
        })
        .await
        .expect("level")
        .into_inner();
    value(level.on_hand.as_ref()).to_owned()
}
