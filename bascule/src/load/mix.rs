//! The requests of the load benchmark: a realistic mix of the staff's daily work (80 %
//! reads), or one method alone, each drawn at random over the seeded data.

use std::time::Instant;

use bascule_proto::fournisseurs::v1 as fpb;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use bascule_proto::google::r#type::Decimal;
use bascule_proto::stock::v1 as pb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use tonic::transport::Channel;

/// Articles and locations the benchmark creates; each article is stocked at one location.
pub const ARTICLES: usize = 1000;
pub const LOCATIONS: usize = 10;

pub fn article_code(i: usize) -> String {
    format!("LD-{i:05}")
}

pub fn location_code(i: usize) -> String {
    format!("LD{i:02}-01-1")
}

/// The location where article `i` is stocked.
pub fn home_location(i: usize) -> usize {
    i % LOCATIONS
}

/// A small, fast, seedable generator (xorshift64*): the benchmark needs spread, not secrecy.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    GetArticle,
    GetStockLevel,
    ListArticles,
    ListMovements,
    ListSuppliers,
    CreateReceipt,
    CreateIssue,
}

impl Op {
    /// The name in the figures: the gRPC method, with the movement kind.
    pub fn name(self) -> &'static str {
        match self {
            Op::GetArticle => "GetArticle",
            Op::GetStockLevel => "GetStockLevel",
            Op::ListArticles => "ListArticles",
            Op::ListMovements => "ListMovements",
            Op::ListSuppliers => "ListSuppliers",
            Op::CreateReceipt => "CreateMovement (receipt)",
            Op::CreateIssue => "CreateMovement (issue)",
        }
    }
}

/// The daily mix, in percent: 80 % reads, 20 % ledger writes.
pub const MIX: [(Op, u32); 7] = [
    (Op::GetArticle, 30),
    (Op::GetStockLevel, 25),
    (Op::ListArticles, 10),
    (Op::ListMovements, 10),
    (Op::ListSuppliers, 5),
    (Op::CreateReceipt, 15),
    (Op::CreateIssue, 5),
];

pub fn draw(rng: &mut Rng) -> Op {
    let mut roll = (rng.next() % 100) as u32;
    for (op, weight) in MIX {
        if roll < weight {
            return op;
        }
        roll -= weight;
    }
    Op::GetArticle
}

/// The clients of one worker.
#[derive(Debug, Clone)]
pub struct Clients {
    pub stock: StockServiceClient<Channel>,
    pub fournisseurs: FournisseursServiceClient<Channel>,
}

fn quantity(value: &str) -> Option<Decimal> {
    Some(Decimal {
        value: value.into(),
    })
}

fn movement(kind: pb::MovementKind, article: usize, quantity_text: &str) -> pb::Movement {
    pb::Movement {
        kind: kind as i32,
        article_code: article_code(article),
        location_code: location_code(home_location(article)),
        quantity: quantity(quantity_text),
        reference: "BENCH".into(),
        user_name: "bench".into(),
        ..Default::default()
    }
}

/// Sends one request; returns the error text when it failed.
pub async fn send(op: Op, clients: &mut Clients, rng: &mut Rng) -> Option<String> {
    let article = rng.below(ARTICLES);
    let result = match op {
        Op::GetArticle => clients
            .stock
            .get_article(pb::GetArticleRequest {
                code: article_code(article),
            })
            .await
            .map(drop),
        Op::GetStockLevel => clients
            .stock
            .get_stock_level(pb::GetStockLevelRequest {
                article_code: article_code(article),
                location_code: location_code(home_location(article)),
            })
            .await
            .map(drop),
        Op::ListArticles => clients
            .stock
            .list_articles(pb::ListArticlesRequest {
                page_size: 20,
                filter: "kind = RAW_MATERIAL".into(),
                order_by: "name".into(),
                ..Default::default()
            })
            .await
            .map(drop),
        Op::ListMovements => clients
            .stock
            .list_movements(pb::ListMovementsRequest {
                page_size: 20,
                filter: format!("article_code = \"{}\"", article_code(article)),
                order_by: "occur_time desc".into(),
                ..Default::default()
            })
            .await
            .map(drop),
        Op::ListSuppliers => clients
            .fournisseurs
            .list_suppliers(fpb::ListSuppliersRequest {
                page_size: 20,
                ..Default::default()
            })
            .await
            .map(drop),
        Op::CreateReceipt => clients
            .stock
            .create_movement(pb::CreateMovementRequest {
                movement: Some(movement(pb::MovementKind::Receipt, article, "1")),
                request_id: String::new(),
            })
            .await
            .map(drop),
        Op::CreateIssue => clients
            .stock
            .create_movement(pb::CreateMovementRequest {
                movement: Some(movement(pb::MovementKind::Issue, article, "-1")),
                request_id: String::new(),
            })
            .await
            .map(drop),
    };
    result
        .err()
        .map(|s| format!("{:?}: {}", s.code(), s.message()))
}

/// Creates the articles, locations and opening stock the mix reads and moves.
pub async fn seed(clients: &Clients) -> anyhow::Result<()> {
    let started = Instant::now();
    for l in 0..LOCATIONS {
        clients
            .stock
            .clone()
            .create_location(pb::CreateLocationRequest {
                location: Some(pb::Location {
                    code: location_code(l),
                    name: format!("Bench {l}"),
                    warehouse: "Magasin".into(),
                    active: true,
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await?;
    }
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in 0..8 {
        let mut stock = clients.stock.clone();
        tasks.spawn(async move {
            for i in (chunk..ARTICLES).step_by(8) {
                let kind = if i % 2 == 0 {
                    pb::ArticleKind::RawMaterial
                } else {
                    pb::ArticleKind::Component
                };
                stock
                    .create_article(pb::CreateArticleRequest {
                        article: Some(pb::Article {
                            code: article_code(i),
                            name: format!("Article de charge {i}"),
                            kind: kind as i32,
                            unit: "pce".into(),
                            replenishment: pb::Replenishment::Buy as i32,
                            active: true,
                            ..Default::default()
                        }),
                        request_id: String::new(),
                    })
                    .await?;
                stock
                    .create_movement(pb::CreateMovementRequest {
                        movement: Some(movement(pb::MovementKind::Receipt, i, "1000000")),
                        request_id: String::new(),
                    })
                    .await?;
            }
            Ok::<(), tonic::Status>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    println!(
        "seeded {ARTICLES} articles at {LOCATIONS} locations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
