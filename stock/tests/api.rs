//! The stock service through the real gRPC stack (a server on a loopback socket), on
//! SQLite and PostgreSQL: every method, errors with their reasons and details, the
//! ledger's rules, idempotent retries, paging and filters, and the switch-over gate.

use std::collections::HashSet;

use bascule_platform::control;
use bascule_platform::db::Db;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::domain_state::DomainState;
use bascule_proto::google::r#type::Decimal;
use bascule_proto::stock::v1 as pb;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::testing::{TestServer, connect, put_domain_in, reason};
use bascule_stock::api::StockApi;
use bascule_stock::storage::schema;
use tonic::Code;
use tonic::service::Routes;
use tonic::transport::Channel;
use tonic_types::StatusExt;

type Client = StockServiceClient<Channel>;

async fn start(db: &Db, state: DomainState) -> (TestServer, Client) {
    upgrade(db, &[control::schema(), schema().clone()])
        .await
        .expect("upgrade");
    put_domain_in(db, "stock", state).await;
    let server = TestServer::start(Routes::new(StockApi::new(db.clone()).into_server())).await;
    let client = StockServiceClient::new(connect(&server.url).await);
    (server, client)
}

fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal { value: s.into() })
}

fn article(code: &str, name: &str) -> pb::Article {
    pb::Article {
        code: code.into(),
        name: name.into(),
        kind: pb::ArticleKind::RawMaterial as i32,
        unit: "kg".into(),
        replenishment: pb::Replenishment::Buy as i32,
        active: true,
        ..Default::default()
    }
}

async fn seed(client: &mut Client) {
    client
        .create_article(pb::CreateArticleRequest {
            article: Some(article("MP-00001", "Acier S235 tôle 2 mm")),
            request_id: String::new(),
        })
        .await
        .expect("article");
    for code in ["A01-01-1", "B02-03-2"] {
        client
            .create_location(pb::CreateLocationRequest {
                location: Some(pb::Location {
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
}

fn movement(kind: pb::MovementKind, quantity: &str) -> pb::Movement {
    pb::Movement {
        kind: kind as i32,
        article_code: "MP-00001".into(),
        location_code: "A01-01-1".into(),
        quantity: dec(quantity),
        user_name: "magasinier".into(),
        reference: "BL-2025-001".into(),
        ..Default::default()
    }
}

async fn create_movement(
    client: &mut Client,
    m: pb::Movement,
    request_id: &str,
) -> Result<pb::Movement, tonic::Status> {
    client
        .create_movement(pb::CreateMovementRequest {
            movement: Some(m),
            request_id: request_id.into(),
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn on_hand(client: &mut Client) -> String {
    let level = client
        .get_stock_level(pb::GetStockLevelRequest {
            article_code: "MP-00001".into(),
            location_code: "A01-01-1".into(),
        })
        .await
        .expect("level")
        .into_inner();
    level.on_hand.expect("on hand").value
}

async fn articles_are_created_read_and_updated_with_etags(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    seed(&mut client).await;
    let got = client
        .get_article(pb::GetArticleRequest {
            code: "MP-00001".into(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got.name, "Acier S235 tôle 2 mm");
    let etag = got.etag.clone();

    let mut change = got.clone();
    change.name = "Acier S235 tôle 3 mm".into();
    change.unit_cost = dec("12.5");
    let updated = client
        .update_article(pb::UpdateArticleRequest {
            article: Some(change.clone()),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["name".into()],
            }),
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.name, "Acier S235 tôle 3 mm");
    assert_eq!(
        updated.unit_cost, None,
        "fields outside the mask do not change"
    );
    assert_ne!(updated.etag, etag);

    // The old etag is stale now.
    let stale = client
        .update_article(pb::UpdateArticleRequest {
            article: Some(pb::Article {
                etag: etag.clone(),
                ..change.clone()
            }),
            update_mask: None,
        })
        .await
        .expect_err("stale etag");
    assert_eq!(stale.code(), Code::Aborted);
    assert_eq!(reason(&stale), "STALE_ETAG");

    let duplicate = client
        .create_article(pb::CreateArticleRequest {
            article: Some(article("MP-00001", "Autre")),
            request_id: String::new(),
        })
        .await
        .expect_err("duplicate");
    assert_eq!(duplicate.code(), Code::AlreadyExists);

    let bad = client
        .create_article(pb::CreateArticleRequest {
            article: Some(article("mp 1", "Minuscules")),
            request_id: String::new(),
        })
        .await
        .expect_err("bad code");
    assert_eq!(bad.code(), Code::InvalidArgument);
    let violations = bad.get_error_details();
    let field = &violations
        .bad_request()
        .expect("bad request")
        .field_violations[0];
    assert_eq!(field.field, "code");

    let missing = client
        .get_article(pb::GetArticleRequest {
            code: "MP-99999".into(),
        })
        .await
        .expect_err("missing");
    assert_eq!(missing.code(), Code::NotFound);

    let bad_mask = client
        .update_article(pb::UpdateArticleRequest {
            article: Some(change),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["code".into()],
            }),
        })
        .await
        .expect_err("code cannot change");
    assert_eq!(bad_mask.code(), Code::InvalidArgument);
}

async fn the_ledger_refuses_negative_stock_and_reverses_once(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    seed(&mut client).await;
    let receipt = create_movement(&mut client, movement(pb::MovementKind::Receipt, "10"), "")
        .await
        .expect("receipt");
    assert_eq!(on_hand(&mut client).await, "10");

    let refused = create_movement(&mut client, movement(pb::MovementKind::Issue, "-12.5"), "")
        .await
        .expect_err("not enough stock");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    let details = refused.get_error_details();
    let info = details.error_info().expect("error info");
    assert_eq!(info.reason, "INSUFFICIENT_STOCK");
    assert_eq!(info.metadata["on_hand"], "10");
    assert_eq!(info.metadata["requested"], "12.5");
    assert_eq!(on_hand(&mut client).await, "10");

    create_movement(&mut client, movement(pb::MovementKind::Issue, "-4"), "")
        .await
        .expect("issue");
    let mut transfer = movement(pb::MovementKind::Transfer, "1.5");
    transfer.to_location_code = "B02-03-2".into();
    create_movement(&mut client, transfer, "")
        .await
        .expect("transfer");
    assert_eq!(on_hand(&mut client).await, "4.5");

    // Reversing the receipt would take the stock below zero.
    let reverse = pb::ReverseMovementRequest {
        id: receipt.id.clone(),
        user_name: "chef".into(),
        request_id: String::new(),
    };
    let e = client
        .reverse_movement(reverse.clone())
        .await
        .expect_err("negative");
    assert_eq!(reason(&e), "INSUFFICIENT_STOCK");
    create_movement(&mut client, movement(pb::MovementKind::Receipt, "20"), "")
        .await
        .expect("second receipt");
    let reversal = client
        .reverse_movement(reverse.clone())
        .await
        .expect("reverse")
        .into_inner();
    assert_eq!(reversal.reverses, receipt.id);
    assert_eq!(reversal.quantity.expect("quantity").value, "-10");
    assert_eq!(on_hand(&mut client).await, "14.5");
    let twice = client.reverse_movement(reverse).await.expect_err("twice");
    assert_eq!(twice.code(), Code::FailedPrecondition);
    assert_eq!(reason(&twice), "ALREADY_REVERSED");

    let wrong_sign = create_movement(&mut client, movement(pb::MovementKind::Receipt, "-1"), "")
        .await
        .expect_err("sign");
    assert_eq!(wrong_sign.code(), Code::InvalidArgument);
    let unspecified = create_movement(
        &mut client,
        movement(pb::MovementKind::Unspecified, "1"),
        "",
    )
    .await
    .expect_err("kind");
    assert_eq!(unspecified.code(), Code::InvalidArgument);

    // A count of 20 adjusts by +5.5; counting again the same changes nothing.
    let count = pb::CreateAdjustmentRequest {
        article_code: "MP-00001".into(),
        location_code: "A01-01-1".into(),
        counted_quantity: dec("20"),
        user_name: "inventaire".into(),
        ..Default::default()
    };
    let adjusted = client
        .create_adjustment(count.clone())
        .await
        .expect("count")
        .into_inner();
    assert_eq!(
        adjusted
            .movement
            .expect("movement")
            .quantity
            .expect("q")
            .value,
        "5.5"
    );
    let again = client
        .create_adjustment(count)
        .await
        .expect("count")
        .into_inner();
    assert!(again.movement.is_none());
    assert_eq!(on_hand(&mut client).await, "20");
}

async fn retries_with_a_request_id_create_once(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    seed(&mut client).await;
    let m = movement(pb::MovementKind::Receipt, "3");
    let first = create_movement(&mut client, m.clone(), "retry-1")
        .await
        .expect("first");
    let second = create_movement(&mut client, m.clone(), "retry-1")
        .await
        .expect("retry");
    assert_eq!(first.id, second.id);
    assert_eq!(on_hand(&mut client).await, "3");
    let reused = create_movement(
        &mut client,
        movement(pb::MovementKind::Receipt, "4"),
        "retry-1",
    )
    .await
    .expect_err("another request with the same id");
    assert_eq!(reused.code(), Code::InvalidArgument);
    // A failed create does not hold its id: the corrected request goes through.
    create_movement(
        &mut client,
        movement(pb::MovementKind::Issue, "-50"),
        "retry-2",
    )
    .await
    .expect_err("not enough");
    create_movement(
        &mut client,
        movement(pb::MovementKind::Issue, "-1"),
        "retry-2",
    )
    .await
    .expect("corrected");
    assert_eq!(on_hand(&mut client).await, "2");
}

async fn lists_page_without_gaps_and_filters_are_checked(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    for i in 0..137 {
        let mut a = article(&format!("MP-{i:05}"), &format!("Article {}", i % 10));
        if i % 3 == 0 {
            a.kind = pb::ArticleKind::Component as i32;
        }
        client
            .create_article(pb::CreateArticleRequest {
                article: Some(a),
                request_id: String::new(),
            })
            .await
            .expect("create");
    }
    let list = |filter: &str, order_by: &str, token: String| pb::ListArticlesRequest {
        page_size: 10,
        page_token: token,
        filter: filter.into(),
        order_by: order_by.into(),
    };
    let count = |keep: fn(usize) -> bool| (0..137).filter(|i| keep(*i)).count();
    for (filter, order_by, expected) in [
        ("", "", 137),
        ("kind = COMPONENT", "name desc", count(|i| i % 3 == 0)),
        (
            r#"name = "Article 7" OR code = "MP-00000""#,
            "create_time",
            count(|i| i % 10 == 7 || i == 0),
        ),
        (
            "name:\"CLE 1\" AND kind != COMPONENT",
            "code desc",
            count(|i| i % 10 == 1 && i % 3 != 0),
        ),
    ] {
        let mut seen = Vec::new();
        let mut token = String::new();
        loop {
            let page = client
                .list_articles(list(filter, order_by, token))
                .await
                .expect("page")
                .into_inner();
            assert!(page.articles.len() <= 10);
            seen.extend(page.articles.into_iter().map(|a| a.code));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{filter}: no repeats");
        assert_eq!(seen.len(), expected, "{filter}: no gaps");
        if order_by == "code desc" {
            let mut sorted = seen.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(seen, sorted);
        }
    }
    let first = client
        .list_articles(list("", "", String::new()))
        .await
        .expect("page")
        .into_inner();
    let other_query = client
        .list_articles(list("kind = COMPONENT", "", first.next_page_token))
        .await
        .expect_err("a token belongs to its query");
    assert_eq!(other_query.code(), Code::InvalidArgument);
    for bad in [
        "secret = 1",
        "code = 'x' OR 1=1",
        "name = \"x\"; DROP TABLE stock.article",
    ] {
        let e = client
            .list_articles(list(bad, "", String::new()))
            .await
            .expect_err(bad);
        assert_eq!(e.code(), Code::InvalidArgument, "{bad}");
    }
    let injected = client
        .list_articles(list(r#"name = "x' OR '1'='1""#, "", String::new()))
        .await
        .expect("a quoted value is only a value")
        .into_inner();
    assert!(injected.articles.is_empty());
    let e = client
        .list_articles(list("", "unit", String::new()))
        .await
        .expect_err("order by an unknown field");
    assert_eq!(e.code(), Code::InvalidArgument);
}

async fn the_reorder_check_raises_each_need_once(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    seed(&mut client).await;
    create_movement(&mut client, movement(pb::MovementKind::Receipt, "4"), "")
        .await
        .expect("receipt");
    client
        .create_reorder_rule(pb::CreateReorderRuleRequest {
            reorder_rule: Some(pb::ReorderRule {
                article_code: "MP-00001".into(),
                location_code: "A01-01-1".into(),
                min_quantity: dec("10"),
                max_quantity: dec("100"),
                multiple: dec("25"),
                mode: pb::ReorderMode::Auto as i32,
                route: pb::Replenishment::Buy as i32,
                preferred_supplier_code: "F00001".into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect("rule");
    let check = |include_manual| pb::RunReorderCheckRequest { include_manual };
    let first = client
        .run_reorder_check(check(false))
        .await
        .expect("check")
        .into_inner();
    assert_eq!(first.raised.len(), 1);
    let raised = &first.raised[0];
    assert_eq!(raised.quantity.as_ref().expect("q").value, "100");
    assert_eq!(raised.supplier_code, "F00001");
    let second = client
        .run_reorder_check(check(false))
        .await
        .expect("check")
        .into_inner();
    assert!(second.raised.is_empty());
    assert_eq!(second.already_requested, 1);
    let listed = client
        .list_replenishment_requests(pb::ListReplenishmentRequestsRequest {
            filter: "state = OPEN".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.replenishment_requests.len(), 1);

    let rule = client
        .get_reorder_rule(pb::GetReorderRuleRequest {
            article_code: "MP-00001".into(),
            location_code: "A01-01-1".into(),
        })
        .await
        .expect("rule")
        .into_inner();
    let updated = client
        .update_reorder_rule(pb::UpdateReorderRuleRequest {
            reorder_rule: Some(pb::ReorderRule {
                mode: pb::ReorderMode::Manual as i32,
                ..rule
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["mode".into()],
            }),
        })
        .await
        .expect("update rule")
        .into_inner();
    assert_eq!(updated.mode, pb::ReorderMode::Manual as i32);
}

async fn writes_wait_for_the_switch_over_and_reads_for_verification(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Verified).await;
    client
        .list_articles(pb::ListArticlesRequest::default())
        .await
        .expect("a verified domain serves reads");
    let e = client
        .create_article(pb::CreateArticleRequest {
            article: Some(article("MP-00001", "Acier")),
            request_id: String::new(),
        })
        .await
        .expect_err("not live");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");

    let fresh = Db::connect(db.target()).await.expect("same database");
    let legacy_db = fresh;
    // A domain still on its legacy system serves nothing.
    let (_other, mut legacy_client) = {
        bascule_platform::domain_state::transition(
            &legacy_db,
            "stock",
            DomainState::Legacy,
            "test",
            Some("rollback"),
            None,
        )
        .await
        .expect("rollback");
        let server =
            TestServer::start(Routes::new(StockApi::new(legacy_db.clone()).into_server())).await;
        let client = StockServiceClient::new(connect(&server.url).await);
        (server, client)
    };
    let e = legacy_client
        .list_articles(pb::ListArticlesRequest::default())
        .await
        .expect_err("not verified");
    assert_eq!(reason(&e), "DOMAIN_NOT_VERIFIED");
}

async fn decimals_compare_and_order_by_value(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    for (i, cost) in ["9", "10", "100.5", "19.6", "2"].iter().enumerate() {
        let mut a = article(&format!("MP-{i:05}"), "Article");
        a.unit_cost = dec(cost);
        client
            .create_article(pb::CreateArticleRequest {
                article: Some(a),
                request_id: String::new(),
            })
            .await
            .expect("create");
    }
    let costs = |r: pb::ListArticlesResponse| -> Vec<String> {
        r.articles
            .into_iter()
            .map(|a| a.unit_cost.expect("cost").value)
            .collect()
    };
    let above = client
        .list_articles(pb::ListArticlesRequest {
            filter: "unit_cost > 9.5".into(),
            order_by: "code".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    assert_eq!(costs(above), ["10", "100.5", "19.6"]);
    seed_levels(&mut client).await;
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_stock_levels(pb::ListStockLevelsRequest {
                page_size: 2,
                page_token: token,
                order_by: "on_hand desc".into(),
                ..Default::default()
            })
            .await
            .expect("levels")
            .into_inner();
        seen.extend(
            page.stock_levels
                .into_iter()
                .map(|l| l.on_hand.expect("q").value),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(seen, ["100.5", "19.6", "10", "9", "2"]);
}

/// One level per cost above, at five locations of article MP-00000.
async fn seed_levels(client: &mut Client) {
    for (i, q) in ["9", "10", "100.5", "19.6", "2"].iter().enumerate() {
        let code = format!("L{i}");
        client
            .create_location(pb::CreateLocationRequest {
                location: Some(pb::Location {
                    code: code.clone(),
                    name: code.clone(),
                    warehouse: "Magasin".into(),
                    active: true,
                    ..Default::default()
                }),
                request_id: String::new(),
            })
            .await
            .expect("location");
        let mut m = movement(pb::MovementKind::Receipt, q);
        m.article_code = "MP-00000".into();
        m.location_code = code;
        create_movement(client, m, "").await.expect("receipt");
    }
}

bascule_platform::backend_tests!(
    decimals_compare_and_order_by_value,
    articles_are_created_read_and_updated_with_etags,
    the_ledger_refuses_negative_stock_and_reverses_once,
    retries_with_a_request_id_create_once,
    lists_page_without_gaps_and_filters_are_checked,
    the_reorder_check_raises_each_need_once,
    writes_wait_for_the_switch_over_and_reads_for_verification,
);
