//! List methods: keyset pages without gaps or repeats, filters and orders, and the
//! filters that are refused.

use std::collections::HashSet;

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::clients::v1 as pb;
use tonic::Code;

use super::{Client, create_customer, create_order, customer, line, order, start, violation};

const CUSTOMERS: usize = 124;

/// Every page of a customer list, checking each page's size on the way.
async fn all_pages(client: &mut Client, filter: &str, order_by: &str) -> Vec<pb::Customer> {
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_customers(pb::ListCustomersRequest {
                page_size: 7,
                page_token: token,
                filter: filter.into(),
                order_by: order_by.into(),
            })
            .await
            .expect("page")
            .into_inner();
        assert!(page.customers.len() <= 7);
        seen.extend(page.customers);
        if page.next_page_token.is_empty() {
            return seen;
        }
        token = page.next_page_token;
    }
}

pub async fn customer_lists_page_without_gaps_and_filters_are_checked(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    for i in 0..CUSTOMERS {
        let mut c = customer(&format!("C{i:05}"), &format!("Client {}", i % 10));
        c.active = Some(i % 4 != 0);
        if i % 2 == 0 {
            c.billing_address = Some(pb::Address {
                city: "Grenoble".into(),
                postal_code: "38000".into(),
                ..c.billing_address.unwrap_or_default()
            });
        }
        create_customer(&mut client, c).await;
    }
    let count = |keep: fn(usize) -> bool| (0..CUSTOMERS).filter(|i| keep(*i)).count();
    for (filter, order_by, expected) in [
        ("", "", CUSTOMERS),
        ("active = true", "name desc", count(|i| i % 4 != 0)),
        (
            r#"billing_address.city = "Grenoble" AND active = false"#,
            "code desc",
            count(|i| i % 4 == 0),
        ),
        (
            r#"name = "Client 7" OR code = "C00000""#,
            "create_time desc",
            count(|i| i % 10 == 7 || i == 0),
        ),
        ("erase_time = null", "billing_address.city", CUSTOMERS),
    ] {
        let seen = all_pages(&mut client, filter, order_by).await;
        let codes: Vec<&str> = seen.iter().map(|c| c.code.as_str()).collect();
        let unique: HashSet<&&str> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len(), "{filter}: no repeats");
        assert_eq!(codes.len(), expected, "{filter}: no gaps");
        match order_by {
            "name desc" => {
                assert!(seen.windows(2).all(|w| w[0].name >= w[1].name), "name desc");
                assert!(seen.iter().all(|c| c.active == Some(true)));
            }
            "code desc" => assert!(codes.windows(2).all(|w| w[0] > w[1]), "code desc"),
            _ => {}
        }
    }

    let first = client
        .list_customers(pb::ListCustomersRequest {
            page_size: 7,
            ..Default::default()
        })
        .await
        .expect("page")
        .into_inner();
    let other_query = client
        .list_customers(pb::ListCustomersRequest {
            page_size: 7,
            page_token: first.next_page_token,
            filter: "active = true".into(),
            ..Default::default()
        })
        .await
        .expect_err("a token belongs to its query");
    assert_eq!(violation(&other_query), "page_token");
    for bad in [
        "password = x",
        "legacy_id = 1",
        "code = 'x' OR 1=1",
        "name = \"x\"; DROP TABLE clients.customer",
        "active = maybe",
        "payment_terms_days > soon",
        "name : ",
    ] {
        let e = client
            .list_customers(pb::ListCustomersRequest {
                filter: bad.into(),
                ..Default::default()
            })
            .await
            .expect_err(bad);
        assert_eq!(e.code(), Code::InvalidArgument, "{bad}");
        assert_eq!(violation(&e), "filter", "{bad}");
    }
    let injected = client
        .list_customers(pb::ListCustomersRequest {
            filter: r#"name = "x' OR '1'='1""#.into(),
            ..Default::default()
        })
        .await
        .expect("a quoted value is only a value")
        .into_inner();
    assert!(injected.customers.is_empty());
    for bad in ["siret", "name; DROP TABLE x", "code sideways"] {
        let e = client
            .list_customers(pb::ListCustomersRequest {
                order_by: bad.into(),
                ..Default::default()
            })
            .await
            .expect_err(bad);
        assert_eq!(violation(&e), "order_by", "{bad}");
    }
    let negative = client
        .list_customers(pb::ListCustomersRequest {
            page_size: -1,
            ..Default::default()
        })
        .await
        .expect_err("negative page size");
    assert_eq!(violation(&negative), "page_size");
}

pub async fn order_lists_filter_and_page(db: Db) {
    let (_server, mut client) = start(&db, DomainState::Live).await;
    for code in ["C00001", "C00002"] {
        create_customer(&mut client, customer(code, "Forges")).await;
    }
    for i in 1..=15 {
        let c = if i % 3 == 0 { "C00002" } else { "C00001" };
        let mut o = order(&format!("CC25-{i:05}"), c, vec![line(1, "1", "10")]);
        o.requested_date = super::date(2025, 4, i);
        create_order(&mut client, o, "").await.expect("order");
    }
    super::orders::apply(&mut client, "CC25-00003", "", super::orders::Move::Confirm)
        .await
        .expect("confirm");
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_customer_orders(pb::ListCustomerOrdersRequest {
                page_size: 2,
                page_token: token,
                filter: r#"customer_code = "C00002" requested_date >= 2025-04-06"#.into(),
                order_by: "requested_date desc".into(),
            })
            .await
            .expect("page")
            .into_inner();
        seen.extend(page.customer_orders);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let numbers: Vec<&str> = seen.iter().map(|o| o.order_number.as_str()).collect();
    assert_eq!(
        numbers,
        ["CC25-00015", "CC25-00012", "CC25-00009", "CC25-00006"]
    );
    assert!(seen.iter().all(|o| o.lines.len() == 1), "with their lines");
    let confirmed = client
        .list_customer_orders(pb::ListCustomerOrdersRequest {
            filter: "state = CONFIRMED".into(),
            ..Default::default()
        })
        .await
        .expect("by state")
        .into_inner();
    assert_eq!(confirmed.customer_orders.len(), 1);
    assert_eq!(confirmed.customer_orders[0].order_number, "CC25-00003");
    for bad in ["state = SHIPPED", "order_date > yesterday", "total > 3"] {
        let e = client
            .list_customer_orders(pb::ListCustomerOrdersRequest {
                filter: bad.into(),
                ..Default::default()
            })
            .await
            .expect_err(bad);
        assert_eq!(e.code(), Code::InvalidArgument, "{bad}");
    }
}
