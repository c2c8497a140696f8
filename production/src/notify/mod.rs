//! The e-mail of the production domain: when a manufacturing order made for a customer
//! is done, the customer is told. The customer's address lives in the clients domain, so
//! the e-mail is written deferred (kind [`ORDER_DONE`]) with the DONE state, and composed
//! at send time by [`ProductionComposer`], which asks the clients service over gRPC.

use std::collections::HashMap;
use std::sync::LazyLock;

use bascule_mail::refusal::sort_refusal;
use bascule_mail::{ComposeError, ComposeFuture, Composed, Composer, Deferred, Template};
use bascule_proto::clients::v1 as pb;
use bascule_proto::clients::v1::clients_service_client::ClientsServiceClient;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tonic::Status;
use tonic::transport::Channel;

use crate::domain::ManufacturingOrder;

/// The domain name of production's outbox rows.
pub const MAIL_DOMAIN: &str = "production";

/// The kind of the deferred "your order is done" e-mail.
pub const ORDER_DONE: &str = "production.order_done";

/// What the deferred e-mail holds: the order as it was when done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDonePayload {
    pub mo_number: String,
    pub article_code: String,
    /// The quantity produced, as a decimal.
    pub quantity: String,
    /// The customer order the manufacturing order was made for (clients domain).
    pub order_number: Option<String>,
    pub customer_code: Option<String>,
    pub done_on: NaiveDate,
}

/// The deferred e-mail of an order just done, when it was made for a customer (a
/// customer code or a customer order number); `None` otherwise.
pub fn order_done(order: &ManufacturingOrder, produced: Decimal) -> Option<Deferred> {
    if order.customer_code.is_none() && order.origin_order_number.is_none() {
        return None;
    }
    let payload = OrderDonePayload {
        mo_number: order.mo_number.clone(),
        article_code: order.article_code.clone(),
        quantity: produced.normalize().to_string(),
        order_number: order.origin_order_number.clone(),
        customer_code: order.customer_code.clone(),
        done_on: chrono::Utc::now().date_naive(),
    };
    Some(Deferred {
        dedup_key: format!("of/{}/termine", order.mo_number),
        kind: ORDER_DONE.to_owned(),
        payload: serde_json::to_value(payload).ok()?,
    })
}

static ORDER_DONE_MAIL: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "{{commande}} : fabrication terminée ({{article}})",
        "Bonjour,\n\n\
         Nous avons le plaisir de vous informer que la fabrication de {{quantite}} \
         {{article}} est terminée le {{date}}.\n\n\
         {{commande}}\n\
         Ordre de fabrication : {{mo_number}}\n\n\
         Nous revenons vers vous pour la livraison.\n\n\
         Cordialement,\n\
         L'équipe de production\n",
    )
    .with_html(
        "<p>Bonjour,</p>\
         <p>Nous avons le plaisir de vous informer que la fabrication de \
         <strong>{{quantite}} {{article}}</strong> est terminée le {{date}}.</p>\
         <table>\
         <tr><th align=\"left\">Commande</th><td>{{commande}}</td></tr>\
         <tr><th align=\"left\">Ordre de fabrication</th><td><code>{{mo_number}}</code></td></tr>\
         </table>\
         <p>Nous revenons vers vous pour la livraison.</p>\
         <p>Cordialement,<br>L'équipe de production</p>",
    )
});

/// The [`Composer`] of the production domain's deferred e-mails (kind [`ORDER_DONE`]).
#[derive(Debug, Clone)]
pub struct ProductionComposer {
    clients: ClientsServiceClient<Channel>,
}

impl ProductionComposer {
    /// `clients` is best on a lazy channel with a deadline
    /// (`bascule_rpc::client::lazy_channel`), so that production starts without it.
    pub fn new(clients: ClientsServiceClient<Channel>) -> ProductionComposer {
        ProductionComposer { clients }
    }

    async fn order_done(&self, payload: &serde_json::Value) -> Result<Composed, ComposeError> {
        let p: OrderDonePayload = serde_json::from_value(payload.clone())
            .map_err(|e| ComposeError::Permanent(format!("unreadable payload: {e}")))?;
        let mut client = self.clients.clone();
        let order = match &p.order_number {
            None => None,
            Some(number) => Some(
                client
                    .get_customer_order(pb::GetCustomerOrderRequest {
                        order_number: number.clone(),
                    })
                    .await
                    .map_err(|s| sorted(&s, &format!("customer order {number}")))?
                    .into_inner(),
            ),
        };
        let customer_code = p
            .customer_code
            .clone()
            .or_else(|| order.as_ref().map(|o| o.customer_code.clone()))
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| {
                ComposeError::Permanent(format!("order {} names no customer", p.mo_number))
            })?;
        let customer = client
            .get_customer(pb::GetCustomerRequest {
                code: customer_code.clone(),
            })
            .await
            .map_err(|s| sorted(&s, &format!("customer {customer_code}")))?
            .into_inner();
        if customer.erase_time.is_some() {
            return Err(ComposeError::Permanent(format!(
                "customer {customer_code}'s personal data were erased"
            )));
        }
        let to: Vec<String> = customer
            .contact_emails
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
            .map(|a| match customer.name.trim() {
                "" => a.to_owned(),
                name => format!("\"{}\" <{a}>", name.replace(['"', '\\'], "")),
            })
            .collect();
        if to.is_empty() {
            return Err(ComposeError::Permanent(format!(
                "customer {customer_code} ({}) has no contact e-mail address",
                customer.name
            )));
        }
        let description = order
            .as_ref()
            .and_then(|o| {
                o.lines
                    .iter()
                    .find(|l| l.article_code == p.article_code && !l.description.trim().is_empty())
            })
            .map(|l| l.description.trim().to_owned());
        let article = match description {
            Some(d) => format!("{d} ({})", p.article_code),
            None => p.article_code.clone(),
        };
        let commande = match &order {
            Some(o) if !o.customer_reference.trim().is_empty() => format!(
                "Votre commande {} (votre référence {})",
                o.order_number,
                o.customer_reference.trim()
            ),
            Some(o) => format!("Votre commande {}", o.order_number),
            None => "Votre fabrication".to_owned(),
        };
        let quantite = p
            .quantity
            .parse::<Decimal>()
            .map(|q| q.normalize().to_string().replace('.', ","))
            .unwrap_or_else(|_| p.quantity.clone());
        let rendered = ORDER_DONE_MAIL
            .render(&HashMap::from([
                ("commande", commande),
                ("article", article),
                ("quantite", quantite),
                ("date", p.done_on.format("%d/%m/%Y").to_string()),
                ("mo_number", p.mo_number.clone()),
            ]))
            .map_err(|e| ComposeError::Permanent(e.to_string()))?;
        Ok(Composed::new(rendered, to))
    }
}

impl Composer for ProductionComposer {
    fn compose<'a>(&'a self, kind: &'a str, payload: &'a serde_json::Value) -> ComposeFuture<'a> {
        Box::pin(async move {
            match kind {
                ORDER_DONE => self.order_done(payload).await,
                other => Err(ComposeError::Permanent(format!(
                    "the production service composes no e-mail of kind {other}"
                ))),
            }
        })
    }
}

/// A refusal of the clients service about `what`, sorted as every composer does.
fn sorted(status: &Status, what: &str) -> ComposeError {
    sort_refusal(status, "clients", what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mo() -> ManufacturingOrder {
        let d = NaiveDate::from_ymd_opt(2025, 6, 2).unwrap_or_default();
        ManufacturingOrder::new("OF25-0001", "PF-00001", Decimal::TEN, d, d)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn only_an_order_made_for_a_customer_writes_an_email() {
        assert_eq!(order_done(&mo(), Decimal::TEN), None);
        let mut for_customer = mo();
        for_customer.customer_code = Some("C00042".into());
        let d = order_done(&for_customer, Decimal::new(80, 1)).unwrap_or_default();
        assert_eq!(d.kind, ORDER_DONE);
        assert_eq!(d.dedup_key, "of/OF25-0001/termine");
        assert_eq!(d.payload["quantity"], "8");
        assert_eq!(d.payload["customer_code"], "C00042");
        let mut for_order = mo();
        for_order.origin_order_number = Some("CC-2025-0007".into());
        assert!(order_done(&for_order, Decimal::TEN).is_some());
    }
}
