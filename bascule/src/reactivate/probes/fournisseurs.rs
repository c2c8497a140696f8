//! Fournisseurs' reactivation probes: suppliers and purchase orders answer; a supplier
//! made for the check is updated, sells an article, takes a draft purchase order that
//! is then cancelled, and a supplier with a wrong SIRET is refused. No order is sent,
//! confirmed or received: those write to the supplier or post to stock.

use bascule_platform::db::Db;
use bascule_platform::db::purge::Seed;
use bascule_platform::db::schema::SchemaName;
use bascule_proto::fournisseurs::v1 as pb;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use bascule_proto::google::r#type::Decimal;
use tonic::Code;
use tonic::transport::Channel;

use super::{Created, Pass, listed, said};
use crate::reactivate::integrity::table_rows;
use crate::reactivate::outcome::Checks;

pub async fn data(db: &Db, channel: Channel, checks: &mut Checks) -> anyhow::Result<()> {
    let mut c = FournisseursServiceClient::new(channel);
    let rows = table_rows(db, SchemaName::Fournisseurs, "supplier").await?;
    let page = c
        .list_suppliers(pb::ListSuppliersRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .suppliers
                .into_iter()
                .map(|s| s.code)
                .collect::<Vec<_>>()
        });
    let read_back = match page.as_ref().ok().and_then(|k| k.first()) {
        Some(code) => Some(
            c.get_supplier(pb::GetSupplierRequest { code: code.clone() })
                .await
                .map(|_| ()),
        ),
        None => None,
    };
    listed(checks, "suppliers", rows, page, read_back);

    let rows = table_rows(db, SchemaName::Fournisseurs, "purchase_order").await?;
    let page = c
        .list_purchase_orders(pb::ListPurchaseOrdersRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .purchase_orders
                .into_iter()
                .map(|o| o.po_number)
                .collect::<Vec<_>>()
        });
    let read_back = match page.as_ref().ok().and_then(|k| k.first()) {
        Some(number) => Some(
            c.get_purchase_order(pb::GetPurchaseOrderRequest {
                po_number: number.clone(),
            })
            .await
            .map(|_| ()),
        ),
        None => None,
    };
    listed(checks, "purchase orders", rows, page, read_back);
    Ok(())
}

fn decimal(value: &str) -> Option<Decimal> {
    Some(Decimal {
        value: value.into(),
    })
}

fn amount(d: Option<&Decimal>) -> Option<rust_decimal::Decimal> {
    d.and_then(|d| d.value.parse().ok())
}

/// A supplier for the check: in France, without ordering e-mail (nothing may be sent).
fn supplier(code: &str, siret: &str) -> pb::Supplier {
    pb::Supplier {
        code: code.into(),
        name: "Fournisseur de contrôle (réactivation)".into(),
        siret: siret.into(),
        address: Some(pb::Address {
            line1: "1 rue du Contrôle".into(),
            postal_code: "75001".into(),
            city: "Paris".into(),
            country: "FR".into(),
            ..Default::default()
        }),
        active: true,
        ..Default::default()
    }
}

/// Runs the operations; returns what to remove, even when a step failed.
pub async fn processes(channel: Channel, pass: Pass, tag: &str, checks: &mut Checks) -> Created {
    let code = format!("ZZ-CHECK-{tag}");
    let refused_code = format!("ZZ-CHECK-{tag}-R");
    let article = format!("ZZ-CHECK-{tag}");
    let po_number = format!("ZZ-CHECK-{tag}");
    // Supplier articles and orders refer to the supplier, order lines to their order.
    let created = vec![
        Seed::new("supplier", "code", code.as_str()),
        Seed::new("supplier", "code", refused_code.as_str()),
        Seed::new("purchase_order", "po_number", po_number.as_str()),
    ];
    let mut c = FournisseursServiceClient::with_interceptor(channel, pass);
    let remedy = "read the service's log for this request; the operation must work before the domain goes live";

    let step = c
        .create_supplier(pb::CreateSupplierRequest {
            supplier: Some(supplier(&code, "73282932000074")),
            request_id: String::new(),
        })
        .await;
    let etag = match &step {
        Ok(s) => s.get_ref().etag.clone(),
        Err(_) => String::new(),
    };
    checks.record(
        "create a supplier",
        step.map(|_| format!("supplier {code} created"))
            .map_err(|s| said(&s)),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }

    let renamed = "Fournisseur de contrôle (réactivation, modifié)";
    let step = c
        .update_supplier(pb::UpdateSupplierRequest {
            supplier: Some(pb::Supplier {
                name: renamed.into(),
                payment_terms_days: Some(45),
                etag: etag.clone(),
                ..supplier(&code, "")
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["name".into(), "payment_terms_days".into()],
            }),
        })
        .await;
    let outcome = match step {
        Err(s) => Err(said(&s)),
        Ok(s) => {
            let s = s.into_inner();
            if s.name == renamed && s.payment_terms_days == Some(45) && s.etag != etag {
                Ok(format!(
                    "renamed and paid at 45 days, at its etag; etag {etag} became {}",
                    s.etag
                ))
            } else {
                Err(format!(
                    "the update answered name {:?}, terms {:?}, etag {}",
                    s.name, s.payment_terms_days, s.etag
                ))
            }
        }
    };
    checks.record("update the supplier at its etag", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .create_supplier_article(pb::CreateSupplierArticleRequest {
            supplier_article: Some(pb::SupplierArticle {
                supplier_code: code.clone(),
                article_code: article.clone(),
                supplier_sku: format!("REF-{tag}"),
                unit_price: decimal("12.50"),
                lead_time_days: 10,
                preferred: false,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await;
    checks.record(
        "create a supplier article",
        step.map(|_| format!("{code} sells {article} at 12.50"))
            .map_err(|s| said(&s)),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .create_purchase_order(pb::CreatePurchaseOrderRequest {
            purchase_order: Some(pb::PurchaseOrder {
                po_number: po_number.clone(),
                supplier_code: code.clone(),
                buyer: "bascule reactivate".into(),
                note: "REACTIVATION-CHECK".into(),
                lines: vec![pb::PurchaseOrderLine {
                    line_no: 1,
                    article_code: article.clone(),
                    description: "Article de contrôle (réactivation)".into(),
                    quantity: decimal("10"),
                    unit: "PCE".into(),
                    unit_price: decimal("12.50"),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await;
    let mut etag = String::new();
    let outcome = match step {
        Err(s) => Err(said(&s)),
        Ok(o) => {
            let o = o.into_inner();
            etag.clone_from(&o.etag);
            let total = amount(o.total_excl_tax.as_ref());
            if o.state() != pb::purchase_order::State::Draft {
                Err(format!("the new order is {:?}, not DRAFT", o.state()))
            } else if o.lines.len() != 1 || total != Some(rust_decimal::Decimal::from(125)) {
                Err(format!(
                    "the new order has {} lines and a total of {total:?}, not 1 line of 125",
                    o.lines.len()
                ))
            } else {
                Ok(format!(
                    "order {po_number} in DRAFT, one line of 10 × 12.50 = 125"
                ))
            }
        }
    };
    checks.record("create a draft purchase order", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .cancel_purchase_order(pb::CancelPurchaseOrderRequest {
            po_number: po_number.clone(),
            etag,
        })
        .await;
    let outcome = match step {
        Err(s) => Err(said(&s)),
        Ok(o) => match o.into_inner().state() {
            pb::purchase_order::State::Cancelled => {
                Ok(format!("order {po_number} went from DRAFT to CANCELLED"))
            }
            other => Err(format!("the cancelled order is {other:?}")),
        },
    };
    checks.record("cancel the draft order", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .create_supplier(pb::CreateSupplierRequest {
            supplier: Some(supplier(&refused_code, "73282932000075")),
            request_id: String::new(),
        })
        .await;
    let outcome = match step {
        Err(s) if s.code() == Code::InvalidArgument => {
            Ok("a supplier whose SIRET fails its check digit is refused".to_owned())
        }
        Err(s) => Err(format!(
            "refused, but not as an invalid argument: {}",
            said(&s)
        )),
        Ok(_) => Err("a supplier with the SIRET 73282932000075 was accepted".to_owned()),
    };
    checks.record("refuse a supplier with an invalid SIRET", outcome, remedy);
    created
}
