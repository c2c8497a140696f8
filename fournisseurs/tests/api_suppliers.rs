//! Suppliers and supplier articles through the real gRPC stack, on SQLite and
//! PostgreSQL: validation by the domain, etags, idempotent creates, one preferred
//! supplier per article, paging through a long filtered list, refused filters, and the
//! switch-over gate.

mod api_support;

use std::collections::HashSet;

use bascule_platform::db::Db;
use bascule_platform::domain_state::DomainState;
use bascule_proto::fournisseurs::v1 as pb;
use tonic::Code;

use api_support::{
    Client, create_supplier, dec, line, mask, reason, start, supplier, value, violation_field,
};

async fn create(
    client: &mut Client,
    s: pb::Supplier,
    request_id: &str,
) -> Result<pb::Supplier, tonic::Status> {
    client
        .create_supplier(pb::CreateSupplierRequest {
            supplier: Some(s),
            request_id: request_id.into(),
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn suppliers_are_validated_created_once_and_updated_with_etags(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    let full = pb::Supplier {
        siret: "732 829 320 00074".into(),
        iban: "fr76 3000 6000 0112 3456 7890 189".into(),
        bic: "agri frpp xxx".into(),
        order_emails: vec!["achats@garnier.fr".into()],
        ..supplier("F00012", "Mécaplast Garnier", "FR")
    };
    let created = create(&mut s.client, full.clone(), "sup-12")
        .await
        .expect("create");
    assert_eq!(created.siret, "73282932000074");
    assert_eq!(created.iban, "FR7630006000011234567890189");
    assert_eq!(created.bic, "AGRIFRPPXXX");
    assert_eq!(created.payment_terms_days, Some(30), "the legal default");
    assert_eq!(created.currency, "EUR");
    let retried = create(&mut s.client, full.clone(), "sup-12")
        .await
        .expect("retry");
    assert_eq!(retried, created);
    let reused = create(&mut s.client, supplier("F00013", "Autre", "FR"), "sup-12")
        .await
        .expect_err("one request id, two requests");
    assert_eq!(reused.code(), Code::InvalidArgument);
    let duplicate = create(&mut s.client, full.clone(), "")
        .await
        .expect_err("duplicate");
    assert_eq!(duplicate.code(), Code::AlreadyExists);

    for (bad, field) in [
        (
            pb::Supplier {
                siret: "73282932000075".into(),
                ..supplier("F00020", "Luhn", "FR")
            },
            "siret",
        ),
        (
            pb::Supplier {
                siret: "73282932000074".into(),
                ..supplier("F00021", "Genève SA", "CH")
            },
            "siret",
        ),
        (
            pb::Supplier {
                iban: "FR7630006000011234567890188".into(),
                ..supplier("F00022", "Mod 97", "FR")
            },
            "iban",
        ),
        (supplier("f 23", "Minuscules", "FR"), "code"),
        (
            pb::Supplier {
                address: None,
                ..supplier("F00024", "Sans adresse", "FR")
            },
            "address",
        ),
    ] {
        let e = create(&mut s.client, bad, "").await.expect_err(field);
        assert_eq!(e.code(), Code::InvalidArgument, "{field}");
        assert_eq!(violation_field(&e), field);
    }

    let mut change = created.clone();
    change.name = "Mécaplast Garnier SAS".into();
    change.payment_terms_days = Some(0);
    change.iban = String::new();
    let updated = s
        .client
        .update_supplier(pb::UpdateSupplierRequest {
            supplier: Some(change.clone()),
            update_mask: mask(&["name", "payment_terms_days"]),
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.name, "Mécaplast Garnier SAS");
    assert_eq!(updated.payment_terms_days, Some(0));
    assert_eq!(updated.iban, created.iban, "outside the mask");
    assert_ne!(updated.etag, created.etag);
    let stale = s
        .client
        .update_supplier(pb::UpdateSupplierRequest {
            supplier: Some(change.clone()),
            update_mask: mask(&["iban"]),
        })
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Code::Aborted);
    assert_eq!(reason(&stale), "STALE_ETAG");
    let code_in_mask = s
        .client
        .update_supplier(pb::UpdateSupplierRequest {
            supplier: Some(change),
            update_mask: mask(&["code"]),
        })
        .await
        .expect_err("codes never change");
    assert_eq!(code_in_mask.code(), Code::InvalidArgument);
    let got = s
        .client
        .get_supplier(pb::GetSupplierRequest {
            code: "F00012".into(),
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got, updated);
    let missing = s
        .client
        .get_supplier(pb::GetSupplierRequest {
            code: "F99999".into(),
        })
        .await
        .expect_err("missing");
    assert_eq!(missing.code(), Code::NotFound);
}

fn article(supplier: &str, price: &str, preferred: bool) -> pb::SupplierArticle {
    pb::SupplierArticle {
        supplier_code: supplier.into(),
        article_code: "MP-00001".into(),
        supplier_sku: format!("{supplier}-GR-PP"),
        unit_price: dec(price),
        lead_time_days: 10,
        preferred,
        ..Default::default()
    }
}

async fn supplier_articles_keep_one_preferred_supplier(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    for code in ["F00012", "F00013"] {
        create_supplier(&mut s.client, supplier(code, "Fournisseur", "FR")).await;
    }
    let put = |a: pb::SupplierArticle| {
        let mut client = s.client.clone();
        async move {
            client
                .create_supplier_article(pb::CreateSupplierArticleRequest {
                    supplier_article: Some(a),
                    request_id: String::new(),
                })
                .await
                .map(tonic::Response::into_inner)
        }
    };
    let first = put(article("F00012", "1.234567", true))
        .await
        .expect("first");
    assert_eq!(value(first.min_order_quantity.as_ref()), "0");
    put(article("F00013", "1.3", true)).await.expect("second");
    let duplicate = put(article("F00012", "2", false))
        .await
        .expect_err("duplicate");
    assert_eq!(duplicate.code(), Code::AlreadyExists);
    let unknown = put(article("F99999", "2", false))
        .await
        .expect_err("supplier");
    assert_eq!(unknown.code(), Code::NotFound);
    let negative = put(article("F00012", "-1", false))
        .await
        .expect_err("price");
    assert_eq!(negative.code(), Code::InvalidArgument);

    let get = |supplier: &str| pb::GetSupplierArticleRequest {
        supplier_code: supplier.into(),
        article_code: "MP-00001".into(),
    };
    let demoted = s
        .client
        .get_supplier_article(get("F00012"))
        .await
        .expect("get")
        .into_inner();
    assert!(!demoted.preferred, "the preference moved to F00013");
    let mut change = demoted.clone();
    change.preferred = true;
    change.unit_price = dec("1.25");
    change.lead_time_days = 99;
    let updated = s
        .client
        .update_supplier_article(pb::UpdateSupplierArticleRequest {
            supplier_article: Some(change.clone()),
            update_mask: mask(&["preferred", "unit_price"]),
        })
        .await
        .expect("update")
        .into_inner();
    assert!(updated.preferred);
    assert_eq!(value(updated.unit_price.as_ref()), "1.25");
    assert_eq!(updated.lead_time_days, 10);
    let stale = s
        .client
        .update_supplier_article(pb::UpdateSupplierArticleRequest {
            supplier_article: Some(change),
            update_mask: mask(&["lead_time_days"]),
        })
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), Code::Aborted);
    let preferred = s
        .client
        .list_supplier_articles(pb::ListSupplierArticlesRequest {
            filter: "article_code = MP-00001 preferred = true".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    let codes: Vec<&str> = preferred
        .supplier_articles
        .iter()
        .map(|a| a.supplier_code.as_str())
        .collect();
    assert_eq!(codes, ["F00012"]);
}

async fn supplier_lists_page_without_gaps_and_refuse_bad_filters(db: Db) {
    let mut s = start(&db, DomainState::Live).await;
    const N: usize = 127;
    for i in 0..N {
        let country = if i % 4 == 0 { "DE" } else { "FR" };
        let name = format!("Fournisseur {}", i % 10);
        create_supplier(&mut s.client, supplier(&format!("F{i:05}"), &name, country)).await;
    }
    let count = |keep: fn(usize) -> bool| (0..N).filter(|i| keep(*i)).count();
    for (filter, order_by, expected) in [
        ("", "", N),
        ("country = DE", "code desc", count(|i| i % 4 == 0)),
        (
            r#"name:"eur 3" OR code = "F00000""#,
            "name desc",
            count(|i| i % 10 == 3 || i == 0),
        ),
        (
            "-country = DE active = true",
            "create_time desc",
            count(|i| i % 4 != 0),
        ),
    ] {
        let mut seen = Vec::new();
        let mut token = String::new();
        loop {
            let page = s
                .client
                .list_suppliers(pb::ListSuppliersRequest {
                    page_size: 7,
                    page_token: token,
                    filter: filter.into(),
                    order_by: order_by.into(),
                })
                .await
                .expect("page")
                .into_inner();
            assert!(page.suppliers.len() <= 7);
            seen.extend(page.suppliers.into_iter().map(|x| (x.code, x.name)));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let unique: HashSet<&String> = seen.iter().map(|(c, _)| c).collect();
        assert_eq!(unique.len(), seen.len(), "{filter}: no repeats");
        assert_eq!(seen.len(), expected, "{filter}: no gaps");
        let keys: Vec<&String> = seen
            .iter()
            .map(|(c, n)| if order_by == "name desc" { n } else { c })
            .collect();
        let mut sorted = keys.clone();
        if order_by.ends_with("desc") && order_by != "create_time desc" {
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(keys, sorted, "{order_by}");
        }
    }
    let first = s
        .client
        .list_suppliers(pb::ListSuppliersRequest {
            page_size: 7,
            ..Default::default()
        })
        .await
        .expect("page")
        .into_inner();
    let other_query = s
        .client
        .list_suppliers(pb::ListSuppliersRequest {
            page_size: 7,
            page_token: first.next_page_token,
            filter: "country = DE".into(),
            order_by: String::new(),
        })
        .await
        .expect_err("a token belongs to its query");
    assert_eq!(other_query.code(), Code::InvalidArgument);
    assert_eq!(violation_field(&other_query), "page_token");
    for (filter, order_by) in [
        ("iban = x", ""),
        ("legacy_updated_on = 2025-01-01", ""),
        ("code = 'x' OR 1=1", ""),
        ("name = \"x\"; DROP TABLE fournisseurs.supplier", ""),
        ("code = x) OR (1 = 1", ""),
        ("payment_terms_days > trente", ""),
        ("", "iban"),
        ("", "code; DROP TABLE supplier"),
    ] {
        let e = s
            .client
            .list_suppliers(pb::ListSuppliersRequest {
                filter: filter.into(),
                order_by: order_by.into(),
                ..Default::default()
            })
            .await
            .expect_err(filter);
        assert_eq!(e.code(), Code::InvalidArgument, "{filter} {order_by}");
    }
    let quoted = s
        .client
        .list_suppliers(pb::ListSuppliersRequest {
            filter: r#"name = "x' OR '1'='1""#.into(),
            ..Default::default()
        })
        .await
        .expect("a quoted value is only a value")
        .into_inner();
    assert!(quoted.suppliers.is_empty());
}

async fn writes_wait_for_the_switch_over(db: Db) {
    let mut s = start(&db, DomainState::Verified).await;
    s.client
        .list_suppliers(pb::ListSuppliersRequest::default())
        .await
        .expect("a verified domain serves reads");
    let e = create(&mut s.client, supplier("F00012", "Garnier", "FR"), "")
        .await
        .expect_err("not live");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
    let e = s
        .client
        .create_purchase_order(pb::CreatePurchaseOrderRequest {
            purchase_order: Some(pb::PurchaseOrder {
                po_number: "BC25-0001".into(),
                supplier_code: "F00012".into(),
                buyer: "jdupont".into(),
                lines: vec![line(1, "MP-00001", "1", "1")],
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect_err("not live");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
    let e = s
        .client
        .receive_purchase_order(pb::ReceivePurchaseOrderRequest {
            po_number: "BC25-0001".into(),
            ..Default::default()
        })
        .await
        .expect_err("not live");
    assert_eq!(reason(&e), "DOMAIN_NOT_LIVE");
}

bascule_platform::backend_tests!(
    suppliers_are_validated_created_once_and_updated_with_etags,
    supplier_articles_keep_one_preferred_supplier,
    supplier_lists_page_without_gaps_and_refuse_bad_filters,
    writes_wait_for_the_switch_over,
);
