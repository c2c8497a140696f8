//! The e-mails of the stock domain, written in the transaction of the reorder check
//! that causes them (see [`bascule_mail`]):
//!
//! - to the supplier, for a request of an AUTO rule with route BUY: a replenishment
//!   request, copied to purchasing. Its recipients, the supplier's SKU and lead time
//!   live in the fournisseurs domain, so it is deferred (kind [`REPLENISHMENT`]) and
//!   composed at send time by [`StockComposer`] over gRPC;
//! - to the production team, for a request with route MANUFACTURE (local data only);
//! - to the administrator, for a BUY request whose rule names no preferred supplier.
//!
//! Each is keyed by the request's need key, so a second check never writes it again.

mod composer;

use std::collections::HashMap;
use std::sync::LazyLock;

use bascule_mail::{Deferred, Email, MailError, MailSettings, Template};
use bascule_platform::db::record::{self, Stored};
use bascule_platform::db::{DbError, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{Article, Replenishment, ReplenishmentRequest, StockLevel};

pub use composer::StockComposer;

/// The domain name of stock's outbox rows.
pub const MAIL_DOMAIN: &str = "stock";

/// The kind of the deferred replenishment request to a supplier.
pub const REPLENISHMENT: &str = "stock.replenishment";

/// Who, besides suppliers, the stock e-mails go to. An address left out means that
/// e-mail is not written (and a warning is logged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailAddresses {
    /// Copied on every replenishment request to a supplier.
    pub purchasing: Option<String>,
    /// Told of the articles to manufacture.
    pub production_team: Option<String>,
    /// Told of reorder rules that cannot raise a supplier e-mail.
    pub admin: Option<String>,
}

impl MailAddresses {
    /// The addresses of the e-mail settings (`BASCULE_MAIL_PURCHASING`,
    /// `BASCULE_MAIL_PRODUCTION_TEAM`, `BASCULE_MAIL_ADMIN`).
    pub fn from_settings(settings: &MailSettings) -> MailAddresses {
        MailAddresses {
            purchasing: settings.purchasing.clone(),
            production_team: settings.production_team.clone(),
            admin: settings.admin.clone(),
        }
    }
}

/// What the deferred replenishment request holds: everything stock knows at check time.
/// The composer adds the supplier's addresses, SKU and lead time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplenishmentPayload {
    /// The replenishment request's id.
    pub request_id: String,
    /// The need key, "our reference" in the e-mail.
    pub need_key: String,
    pub supplier_code: String,
    pub article_code: String,
    pub article_name: String,
    pub unit: String,
    pub location_code: String,
    /// The quantity asked for (already rounded to the rule's multiple), as a decimal.
    pub quantity: String,
    /// The day of the check: the wanted date is this plus the supplier's lead time.
    pub requested_on: NaiveDate,
    #[serde(default)]
    pub cc: Vec<String>,
}

/// A quantity the French way: no trailing zeros, a decimal comma.
pub(crate) fn quantity_fr(q: Decimal) -> String {
    q.normalize().to_string().replace('.', ",")
}

pub(crate) fn date_fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub(crate) static SUPPLIER_REQUEST: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "Demande de réapprovisionnement {{reference}} : {{article_code}} {{article_name}}",
        "Bonjour,\n\n\
         {{supplier_name}}, nous vous demandons de nous livrer l'article suivant.\n\n\
         Article : {{article_code}} — {{article_name}}\n\
         Votre référence : {{sku}}\n\
         Quantité : {{quantity}} {{unit}}\n\
         Date de livraison souhaitée : {{wanted_on}}\n\
         Notre référence : {{reference}}\n\n\
         Merci de nous confirmer la commande et la date de livraison en rappelant notre \
         référence.\n\n\
         Cordialement,\n\
         Le service achats\n",
    )
    .with_html(
        "<p>Bonjour,</p>\
         <p>{{supplier_name}}, nous vous demandons de nous livrer l'article suivant.</p>\
         <table>\
         <tr><th align=\"left\">Article</th><td>{{article_code}} — {{article_name}}</td></tr>\
         <tr><th align=\"left\">Votre référence</th><td><strong>{{sku}}</strong></td></tr>\
         <tr><th align=\"left\">Quantité</th><td>{{quantity}} {{unit}}</td></tr>\
         <tr><th align=\"left\">Date de livraison souhaitée</th><td>{{wanted_on}}</td></tr>\
         <tr><th align=\"left\">Notre référence</th><td><code>{{reference}}</code></td></tr>\
         </table>\
         <p>Merci de nous confirmer la commande et la date de livraison en rappelant notre \
         référence.</p>\
         <p>Cordialement,<br>Le service achats</p>",
    )
});

static TO_MANUFACTURE: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "À fabriquer : {{article_code}} {{article_name}} sous le minimum en {{location_code}}",
        "Bonjour,\n\n\
         L'article {{article_code}} — {{article_name}} est passé sous son minimum en \
         {{location_code}}.\n\n\
         Stock prévisionnel : {{forecast}} {{unit}} (minimum {{min}} {{unit}})\n\
         Quantité à fabriquer : {{quantity}} {{unit}}\n\
         Référence de la demande : {{reference}}\n\n\
         -- \nbascule, service stock\n",
    )
    .with_html(
        "<p>Bonjour,</p>\
         <p>L'article <strong>{{article_code}} — {{article_name}}</strong> est passé sous \
         son minimum en {{location_code}}.</p>\
         <table>\
         <tr><th align=\"left\">Stock prévisionnel</th><td>{{forecast}} {{unit}} (minimum {{min}} {{unit}})</td></tr>\
         <tr><th align=\"left\">Quantité à fabriquer</th><td><strong>{{quantity}} {{unit}}</strong></td></tr>\
         <tr><th align=\"left\">Référence de la demande</th><td><code>{{reference}}</code></td></tr>\
         </table>",
    )
});

static NO_SUPPLIER: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "[bascule] Réapprovisionnement sans fournisseur : {{article_code}} en {{location_code}}",
        "Bonjour,\n\n\
         La règle de réapprovisionnement de {{article_code}} — {{article_name}} en \
         {{location_code}} est en achat (BUY) mais ne désigne aucun fournisseur préféré : \
         aucune demande n'a été envoyée à un fournisseur.\n\n\
         Quantité demandée : {{quantity}} {{unit}}\n\
         Référence de la demande : {{reference}}\n\n\
         Renseignez le fournisseur préféré de la règle (preferred_supplier_code), puis \
         commandez cette quantité.\n\n\
         -- \nbascule, service stock\n",
    )
    .with_html(
        "<p>Bonjour,</p>\
         <p>La règle de réapprovisionnement de <strong>{{article_code}} — \
         {{article_name}}</strong> en {{location_code}} est en achat (BUY) mais ne désigne \
         aucun fournisseur préféré : aucune demande n'a été envoyée à un fournisseur.</p>\
         <table>\
         <tr><th align=\"left\">Quantité demandée</th><td>{{quantity}} {{unit}}</td></tr>\
         <tr><th align=\"left\">Référence de la demande</th><td><code>{{reference}}</code></td></tr>\
         </table>\
         <p>Renseignez le fournisseur préféré de la règle (<code>preferred_supplier_code</code>), \
         puis commandez cette quantité.</p>",
    )
});

/// What a raised request's e-mails need besides the request.
#[derive(Debug)]
pub(crate) struct Raised<'a> {
    pub request: &'a Stored<ReplenishmentRequest>,
    pub level: &'a StockLevel,
    pub min_qty: Decimal,
    pub today: NaiveDate,
}

/// Writes the e-mails of a request just raised, in its transaction. An e-mail that
/// cannot be written as made (a refused address) is logged and left out: the request
/// stands without it.
pub(crate) async fn request_raised(
    tx: &mut Tx,
    mail: &MailAddresses,
    raised: &Raised<'_>,
) -> Result<(), DbError> {
    let r = &raised.request.value;
    let article = record::find_by::<Article>(tx, "code", r.article_code.as_str().into())
        .await?
        .map(|a| a.value);
    let (article_name, unit) = article
        .map(|a| (a.name, a.unit))
        .unwrap_or_else(|| (String::new(), String::new()));
    let vars = HashMap::from([
        ("article_code", r.article_code.clone()),
        ("article_name", article_name.clone()),
        ("unit", unit.clone()),
        ("location_code", r.location_code.clone()),
        ("quantity", quantity_fr(r.quantity)),
        ("forecast", quantity_fr(raised.level.forecast())),
        ("min", quantity_fr(raised.min_qty)),
        ("reference", r.need_key.clone()),
    ]);
    let written = match (r.route, &r.supplier_code) {
        (Replenishment::Buy, Some(supplier_code)) => {
            let payload = ReplenishmentPayload {
                request_id: raised.request.id.clone(),
                need_key: r.need_key.clone(),
                supplier_code: supplier_code.clone(),
                article_code: r.article_code.clone(),
                article_name,
                unit,
                location_code: r.location_code.clone(),
                quantity: r.quantity.normalize().to_string(),
                requested_on: raised.today,
                cc: mail.purchasing.iter().cloned().collect(),
            };
            let payload = serde_json::to_value(&payload)
                .map_err(|e| DbError::Decode(format!("replenishment payload: {e}")))?;
            bascule_mail::enqueue_deferred(
                tx,
                MAIL_DOMAIN,
                Deferred {
                    dedup_key: r.need_key.clone(),
                    kind: REPLENISHMENT.to_owned(),
                    payload,
                },
            )
            .await
            .map(|_| ())
        }
        (Replenishment::Buy, None) => {
            let Some(admin) = &mail.admin else {
                tracing::warn!(
                    need_key = r.need_key,
                    "BUY request without a preferred supplier, and no administrator address to tell"
                );
                return Ok(());
            };
            immediate(
                tx,
                &NO_SUPPLIER,
                &vars,
                format!("{}/sans-fournisseur", r.need_key),
                admin,
            )
            .await
        }
        (Replenishment::Manufacture, _) => {
            let Some(team) = &mail.production_team else {
                tracing::warn!(
                    need_key = r.need_key,
                    "article to manufacture, and no production team address to tell"
                );
                return Ok(());
            };
            immediate(tx, &TO_MANUFACTURE, &vars, r.need_key.clone(), team).await
        }
    };
    match written {
        Ok(()) => Ok(()),
        Err(MailError::Db(e)) => Err(e),
        Err(e) => {
            tracing::error!(need_key = r.need_key, error = %e, "replenishment e-mail not written");
            Ok(())
        }
    }
}

async fn immediate(
    tx: &mut Tx,
    template: &Template,
    vars: &HashMap<&str, String>,
    dedup_key: String,
    to: &str,
) -> Result<(), MailError> {
    let rendered = template
        .render(vars)
        .map_err(|e| MailError::Invalid(e.to_string()))?;
    let email: Email = rendered.into_email(dedup_key, vec![to.to_owned()]);
    bascule_mail::enqueue(tx, MAIL_DOMAIN, email)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_dates_are_written_the_french_way() {
        assert_eq!(quantity_fr(Decimal::new(12500, 2)), "125");
        assert_eq!(quantity_fr(Decimal::new(125, 1)), "12,5");
        let d = NaiveDate::from_ymd_opt(2025, 3, 7).unwrap_or_default();
        assert_eq!(date_fr(d), "07/03/2025");
    }

    #[test]
    fn every_template_renders_with_its_values() {
        let vars = HashMap::from([
            ("article_code", "MP-00001"),
            ("article_name", "Tôle S235"),
            ("unit", "kg"),
            ("location_code", "A01-01-1"),
            ("quantity", "125"),
            ("forecast", "3"),
            ("min", "10"),
            ("reference", "MP-00001@A01-01-1#1"),
            ("supplier_name", "Aciers & Fils"),
            ("sku", "ACS-235-2"),
            ("wanted_on", "21/03/2025"),
        ]);
        for t in [&*SUPPLIER_REQUEST, &*TO_MANUFACTURE, &*NO_SUPPLIER] {
            let r = t.render(&vars).expect("renders");
            assert!(r.text.contains("MP-00001"), "{}", r.text);
            assert!(r.html.is_some());
        }
        let r = SUPPLIER_REQUEST.render(&vars).expect("renders");
        assert!(r.html.unwrap_or_default().contains("Aciers &amp; Fils"));
    }
}
