//! Composing the replenishment requests to suppliers at send time, with what the
//! fournisseurs service knows: the supplier's order addresses, its SKU for the article
//! and its lead time.

use std::collections::HashMap;

use bascule_mail::refusal::sort_refusal;
use bascule_mail::{ComposeError, ComposeFuture, Composed, Composer};
use bascule_proto::fournisseurs::v1 as pb;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use chrono::Days;
use rust_decimal::Decimal;
use tonic::Status;
use tonic::transport::Channel;

use super::{REPLENISHMENT, ReplenishmentPayload, SUPPLIER_REQUEST, date_fr, quantity_fr};

/// The [`Composer`] of the stock domain's deferred e-mails (kind [`REPLENISHMENT`]).
#[derive(Debug, Clone)]
pub struct StockComposer {
    fournisseurs: FournisseursServiceClient<Channel>,
}

impl StockComposer {
    /// `fournisseurs` is best on a lazy channel with a deadline
    /// (`bascule_rpc::client::lazy_channel`), so that stock starts without it.
    pub fn new(fournisseurs: FournisseursServiceClient<Channel>) -> StockComposer {
        StockComposer { fournisseurs }
    }

    async fn replenishment(&self, payload: &serde_json::Value) -> Result<Composed, ComposeError> {
        let p: ReplenishmentPayload = serde_json::from_value(payload.clone())
            .map_err(|e| ComposeError::Permanent(format!("unreadable payload: {e}")))?;
        let mut client = self.fournisseurs.clone();
        let supplier = client
            .get_supplier(pb::GetSupplierRequest {
                code: p.supplier_code.clone(),
            })
            .await
            .map_err(|s| sorted(&s, &format!("supplier {}", p.supplier_code)))?
            .into_inner();
        if !supplier.active {
            return Err(ComposeError::Permanent(format!(
                "supplier {} is inactive",
                p.supplier_code
            )));
        }
        let to: Vec<String> = supplier
            .order_emails
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
            .map(|a| match supplier.name.trim() {
                "" => a.to_owned(),
                name => format!("\"{}\" <{a}>", name.replace(['"', '\\'], "")),
            })
            .collect();
        if to.is_empty() {
            return Err(ComposeError::Permanent(format!(
                "supplier {} ({}) has no order e-mail address",
                p.supplier_code, supplier.name
            )));
        }
        let article = client
            .get_supplier_article(pb::GetSupplierArticleRequest {
                supplier_code: p.supplier_code.clone(),
                article_code: p.article_code.clone(),
            })
            .await
            .map_err(|s| {
                sorted(
                    &s,
                    &format!("article {} at supplier {}", p.article_code, p.supplier_code),
                )
            })?
            .into_inner();
        let lead = u64::try_from(article.lead_time_days.max(0)).unwrap_or(0);
        let wanted_on = p
            .requested_on
            .checked_add_days(Days::new(lead))
            .unwrap_or(p.requested_on);
        let quantity = p
            .quantity
            .parse::<Decimal>()
            .map(quantity_fr)
            .unwrap_or_else(|_| p.quantity.clone());
        let sku = match article.supplier_sku.trim() {
            "" => p.article_code.clone(),
            sku => sku.to_owned(),
        };
        let rendered = SUPPLIER_REQUEST
            .render(&HashMap::from([
                ("supplier_name", supplier.name.clone()),
                ("article_code", p.article_code.clone()),
                ("article_name", p.article_name.clone()),
                ("sku", sku),
                ("quantity", quantity),
                ("unit", p.unit.clone()),
                ("wanted_on", date_fr(wanted_on)),
                ("reference", p.need_key.clone()),
            ]))
            .map_err(|e| ComposeError::Permanent(e.to_string()))?;
        Ok(Composed::new(rendered, to).with_cc(p.cc))
    }
}

impl Composer for StockComposer {
    fn compose<'a>(&'a self, kind: &'a str, payload: &'a serde_json::Value) -> ComposeFuture<'a> {
        Box::pin(async move {
            match kind {
                REPLENISHMENT => self.replenishment(payload).await,
                other => Err(ComposeError::Permanent(format!(
                    "the stock service composes no e-mail of kind {other}"
                ))),
            }
        })
    }
}

/// A refusal of the fournisseurs service about `what`, sorted as every composer does.
fn sorted(status: &Status, what: &str) -> ComposeError {
    sort_refusal(status, "fournisseurs", what)
}
