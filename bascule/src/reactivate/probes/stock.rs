//! Stock's reactivation probes: articles, locations and the ledger answer; an article
//! and a location made for the check take a receipt, an issue, its reversal, and an
//! issue beyond what is on hand is refused.

use bascule_platform::db::Db;
use bascule_platform::db::purge::Seed;
use bascule_platform::db::schema::SchemaName;
use bascule_proto::google::r#type::Decimal;
use bascule_proto::stock::v1 as pb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use tonic::Code;
use tonic::transport::Channel;

use super::{Created, Pass, listed, said};
use crate::reactivate::integrity::table_rows;
use crate::reactivate::outcome::Checks;

pub async fn data(db: &Db, channel: Channel, checks: &mut Checks) -> anyhow::Result<()> {
    let mut c = StockServiceClient::new(channel);
    let rows = table_rows(db, SchemaName::Stock, "article").await?;
    let page = c
        .list_articles(pb::ListArticlesRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .articles
                .into_iter()
                .map(|a| a.code)
                .collect::<Vec<_>>()
        });
    let read_back = match page.as_ref().ok().and_then(|k| k.first()) {
        Some(code) => Some(
            c.get_article(pb::GetArticleRequest { code: code.clone() })
                .await
                .map(|_| ()),
        ),
        None => None,
    };
    listed(checks, "articles", rows, page, read_back);

    let rows = table_rows(db, SchemaName::Stock, "movement").await?;
    let page = c
        .list_movements(pb::ListMovementsRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .movements
                .into_iter()
                .map(|m| m.id)
                .collect::<Vec<_>>()
        });
    let read_back = match page.as_ref().ok().and_then(|k| k.first()) {
        Some(id) => Some(
            c.get_movement(pb::GetMovementRequest { id: id.clone() })
                .await
                .map(|_| ()),
        ),
        None => None,
    };
    listed(checks, "stock movements", rows, page, read_back);
    Ok(())
}

fn quantity(value: &str) -> Option<Decimal> {
    Some(Decimal {
        value: value.into(),
    })
}

fn movement(kind: pb::MovementKind, article: &str, location: &str, q: &str) -> pb::Movement {
    pb::Movement {
        kind: kind as i32,
        article_code: article.into(),
        location_code: location.into(),
        quantity: quantity(q),
        reference: "REACTIVATION-CHECK".into(),
        user_name: "bascule reactivate".into(),
        ..Default::default()
    }
}

async fn on_hand(
    c: &mut StockServiceClient<tonic::service::interceptor::InterceptedService<Channel, Pass>>,
    article: &str,
    location: &str,
) -> Result<rust_decimal::Decimal, String> {
    let level = c
        .get_stock_level(pb::GetStockLevelRequest {
            article_code: article.into(),
            location_code: location.into(),
        })
        .await
        .map_err(|s| said(&s))?
        .into_inner();
    level
        .on_hand
        .and_then(|d| d.value.parse().ok())
        .ok_or_else(|| "the level has no on-hand quantity".to_owned())
}

/// Runs the operations; returns what to remove, even when a step failed.
pub async fn processes(channel: Channel, pass: Pass, tag: &str, checks: &mut Checks) -> Created {
    let article = format!("ZZ-CHECK-{tag}");
    let location = format!("ZZCHECK-{tag}");
    let created = vec![
        Seed::new("article", "code", article.as_str()),
        Seed::new("location", "code", location.as_str()),
    ];
    let mut c = StockServiceClient::with_interceptor(channel, pass);
    let remedy = "read the service's log for this request; the operation must work before the domain goes live";
    let step = c
        .create_article(pb::CreateArticleRequest {
            article: Some(pb::Article {
                code: article.clone(),
                name: "Article de contrôle (réactivation)".into(),
                kind: pb::ArticleKind::Consumable as i32,
                unit: "PCE".into(),
                replenishment: pb::Replenishment::Buy as i32,
                active: true,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await;
    checks.record(
        "create an article",
        step.map(|_| format!("article {article} created"))
            .map_err(|s| said(&s)),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }
    let step = c
        .create_location(pb::CreateLocationRequest {
            location: Some(pb::Location {
                code: location.clone(),
                name: "Emplacement de contrôle (réactivation)".into(),
                warehouse: "CHECK".into(),
                active: true,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await;
    checks.record(
        "create a location",
        step.map(|_| format!("location {location} created"))
            .map_err(|s| said(&s)),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }
    let receipt = c
        .create_movement(pb::CreateMovementRequest {
            movement: Some(movement(
                pb::MovementKind::Receipt,
                &article,
                &location,
                "5",
            )),
            request_id: String::new(),
        })
        .await;
    let outcome = match receipt {
        Err(s) => Err(said(&s)),
        Ok(_) => match on_hand(&mut c, &article, &location).await {
            Ok(q) if q == rust_decimal::Decimal::from(5) => {
                Ok("receipt of 5: on hand 5".to_owned())
            }
            Ok(q) => Err(format!("receipt of 5 but on hand {q}")),
            Err(e) => Err(e),
        },
    };
    checks.record("post a receipt and read the level", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }
    let issue = c
        .create_movement(pb::CreateMovementRequest {
            movement: Some(movement(pb::MovementKind::Issue, &article, &location, "-2")),
            request_id: String::new(),
        })
        .await;
    let outcome = match issue {
        Err(s) => Err(said(&s)),
        Ok(m) => {
            let id = m.into_inner().id;
            match c
                .reverse_movement(pb::ReverseMovementRequest {
                    id: id.clone(),
                    user_name: "bascule reactivate".into(),
                    request_id: String::new(),
                })
                .await
            {
                Err(s) => Err(format!(
                    "issue {id} posted, its reversal failed: {}",
                    said(&s)
                )),
                Ok(_) => match on_hand(&mut c, &article, &location).await {
                    Ok(q) if q == rust_decimal::Decimal::from(5) => {
                        Ok("issue of 2 then its reversal: on hand 5 again".to_owned())
                    }
                    Ok(q) => Err(format!(
                        "after an issue and its reversal, on hand is {q}, not 5"
                    )),
                    Err(e) => Err(e),
                },
            }
        }
    };
    checks.record("post an issue and reverse it", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }
    let too_much = c
        .create_movement(pb::CreateMovementRequest {
            movement: Some(movement(
                pb::MovementKind::Issue,
                &article,
                &location,
                "-50",
            )),
            request_id: String::new(),
        })
        .await;
    let outcome = match too_much {
        Err(s) if s.code() == Code::FailedPrecondition => {
            Ok("an issue of 50 with 5 on hand is refused".to_owned())
        }
        Err(s) => Err(format!(
            "refused, but not as insufficient stock: {}",
            said(&s)
        )),
        Ok(_) => Err("an issue of 50 with 5 on hand was accepted".to_owned()),
    };
    checks.record("refuse an issue beyond what is on hand", outcome, remedy);
    created
}
