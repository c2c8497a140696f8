//! The e-mails of the fournisseurs domain, and which state change causes which.
//!
//! - A purchase order sent (DRAFT → RFQ_SENT): a request for quotation to the supplier.
//! - A purchase order confirmed (DRAFT or RFQ_SENT → CONFIRMED): the confirmation.
//!
//! Both go to the supplier's ordering addresses, copied to the purchasing department.
//! A supplier without a usable address gets nothing, and the administrator (or, without
//! one, purchasing) is told so, since someone must then send the order by hand. The
//! state change never fails for want of an address.
//!
//! This module decides what to send and renders it; the store writes the e-mails into
//! the outbox in the transaction of the state change (see `storage::store::orders`).

mod templates;

use bascule_mail::french as format;
use std::collections::HashMap;

use bascule_mail::{Email, MailSettings, RelayWaker, TemplateError, escape_html};

use crate::domain::{PoState, PurchaseOrder, PurchaseOrderLine, Supplier, order_total};

/// The domain under which the e-mails are queued (and which its relay sends).
pub const MAIL_DOMAIN: &str = "fournisseurs";

/// The company's own addresses the e-mails use; an unset one is skipped.
#[derive(Debug, Clone, Default)]
pub struct MailAddresses {
    /// Told when a supplier has no address to send an order to.
    pub admin: Option<String>,
    /// Copied on every e-mail to a supplier.
    pub purchasing: Option<String>,
    /// Wakes the relay once a transaction that queued an e-mail is committed, so that
    /// the e-mail leaves at once rather than at the next poll.
    pub waker: Option<RelayWaker>,
}

impl MailAddresses {
    /// The addresses of the service's mail settings (`mail.admin`, `mail.purchasing`).
    pub fn from_settings(settings: &MailSettings) -> Self {
        MailAddresses {
            admin: settings.admin.clone(),
            purchasing: settings.purchasing.clone(),
            waker: None,
        }
    }

    /// The same, waking `waker`'s relay after each commit that queued an e-mail.
    pub fn with_waker(mut self, waker: RelayWaker) -> Self {
        self.waker = Some(waker);
        self
    }
}

/// What an e-mail to a supplier is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoMail {
    /// A request for quotation: the order was sent (RFQ_SENT).
    Rfq,
    /// The order was confirmed.
    Confirmation,
}

impl PoMail {
    /// The e-mail the move of an order from `from` to `to` causes, if any.
    pub fn for_transition(from: PoState, to: PoState) -> Option<PoMail> {
        match (from, to) {
            (PoState::Draft, PoState::RfqSent) => Some(PoMail::Rfq),
            (PoState::Draft | PoState::RfqSent, PoState::Confirmed) => Some(PoMail::Confirmation),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            PoMail::Rfq => "rfq",
            PoMail::Confirmation => "confirmed",
        }
    }

    /// The deduplication key of the e-mail to the supplier: one per order and event, so
    /// that a state change retried or replayed never sends it twice.
    pub fn dedup_key(self, po_number: &str) -> String {
        format!("po:{po_number}:{}", self.key())
    }

    /// The key of the notice that the supplier could not be written to.
    pub fn no_address_key(self, po_number: &str) -> String {
        format!("po:{po_number}:{}:no-address", self.key())
    }

    /// What the notice calls the e-mail that could not be sent.
    fn what(self) -> &'static str {
        match self {
            PoMail::Rfq => "la demande de prix",
            PoMail::Confirmation => "la confirmation de commande",
        }
    }
}

/// What an e-mail about an order says: the order, its lines, its supplier, and the
/// supplier's own references by article code.
#[derive(Debug, Clone, Copy)]
pub struct OrderMailData<'a> {
    pub order: &'a PurchaseOrder,
    pub lines: &'a [PurchaseOrderLine],
    pub supplier: &'a Supplier,
    /// The supplier SKU of each article it has one for.
    pub skus: &'a HashMap<String, String>,
}

/// The e-mails a state change writes, as [`plan`] decides them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// To the supplier (cc purchasing).
    Supplier(Email),
    /// The supplier has no address: the notice to the administrator, when there is
    /// someone to tell.
    NoAddress(Option<Email>),
}

/// What to write for `mail` about the order in `data`.
pub fn plan(
    mail: PoMail,
    data: &OrderMailData<'_>,
    addresses: &MailAddresses,
) -> Result<Planned, TemplateError> {
    if data.supplier.order_emails.is_empty() {
        return Ok(Planned::NoAddress(no_address_notice(
            mail, data, addresses, None,
        )?));
    }
    Ok(Planned::Supplier(supplier_email(mail, data, addresses)?))
}

/// The e-mail to the supplier, whatever its addresses.
pub fn supplier_email(
    mail: PoMail,
    data: &OrderMailData<'_>,
    addresses: &MailAddresses,
) -> Result<Email, TemplateError> {
    let order = data.order;
    let currency = &order.currency;
    let mut text_lines = String::new();
    let mut html_rows = String::new();
    for l in data.lines {
        let sku = data.skus.get(&l.article_code);
        let amount = format::total(l.amount(), currency);
        let quantity = format!("{} {}", format::number(l.quantity, 0), l.unit);
        let price = format::money(l.unit_price, currency);
        let discount = (!l.discount_percent.is_zero())
            .then(|| format!("{} %", format::number(l.discount_percent, 0)));
        text_lines.push_str(&format!(
            "- Ligne {} : {} {}{}\n  Quantité : {quantity} – Prix unitaire HT : {price}{} – Montant HT : {amount}\n",
            l.line_no,
            l.article_code,
            l.description,
            sku.map(|s| format!(" (votre référence : {s})"))
                .unwrap_or_default(),
            discount
                .as_deref()
                .map(|d| format!(" – Remise : {d}"))
                .unwrap_or_default(),
        ));
        html_rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td align=\"right\">{}</td><td align=\"right\">{}</td>\
             <td align=\"right\">{}</td><td align=\"right\">{}</td></tr>",
            l.line_no,
            escape_html(&l.article_code),
            escape_html(sku.map_or("", String::as_str)),
            escape_html(&l.description),
            escape_html(&quantity),
            escape_html(&price),
            escape_html(discount.as_deref().unwrap_or("")),
            escape_html(&amount),
        ));
    }
    let delivery = order
        .requested_delivery_date
        .map_or_else(|| "à convenir".to_owned(), format::date);
    let vars = [
        ("numero", order.po_number.clone()),
        ("date_commande", format::date(order.order_date)),
        ("fournisseur", data.supplier.name.clone()),
        ("code_fournisseur", data.supplier.code.clone()),
        ("livraison", delivery),
        (
            "total",
            format::total(order_total(data.lines.iter()), currency),
        ),
        ("lignes", text_lines),
        ("lignes_html", html_rows),
    ];
    let template = match mail {
        PoMail::Rfq => &*templates::RFQ,
        PoMail::Confirmation => &*templates::CONFIRMATION,
    };
    let mut email = template.render(&vars)?.into_email(
        mail.dedup_key(&order.po_number),
        data.supplier.order_emails.clone(),
    );
    email.cc.extend(addresses.purchasing.clone());
    Ok(email)
}

/// The notice that the supplier could not be sent `mail`: it has no address, or
/// `refused` says why its address was refused. To the administrator, copied to
/// purchasing; to purchasing alone without an administrator; `None` without either.
pub fn no_address_notice(
    mail: PoMail,
    data: &OrderMailData<'_>,
    addresses: &MailAddresses,
    refused: Option<&str>,
) -> Result<Option<Email>, TemplateError> {
    let (to, cc) = match (&addresses.admin, &addresses.purchasing) {
        (Some(admin), purchasing) => (admin.clone(), purchasing.clone()),
        (None, Some(purchasing)) => (purchasing.clone(), None),
        (None, None) => return Ok(None),
    };
    let reason = match refused {
        None => "n'a pas d'adresse électronique de commande".to_owned(),
        Some(why) => format!(
            "a une adresse électronique de commande refusée ({}) : {why}",
            data.supplier.order_emails_text()
        ),
    };
    let vars = [
        ("numero", data.order.po_number.clone()),
        ("etat", data.order.state.as_str().to_owned()),
        ("fournisseur", data.supplier.name.clone()),
        ("code_fournisseur", data.supplier.code.clone()),
        ("motif", reason),
        ("quoi", mail.what().to_owned()),
    ];
    let mut email = templates::NO_ADDRESS
        .render(&vars)?
        .into_email(mail.no_address_key(&data.order.po_number), vec![to]);
    email.cc.extend(cc);
    Ok(Some(email))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Address;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn order() -> PurchaseOrder {
        let day = |d| NaiveDate::from_ymd_opt(2025, 3, d).unwrap();
        PurchaseOrder {
            requested_delivery_date: Some(day(20)),
            state: PoState::RfqSent,
            ..PurchaseOrder::new("BC25-0001", "F00012", day(1), "jdupont").unwrap()
        }
    }

    fn supplier(emails: &[&str]) -> Supplier {
        Supplier::new(
            "F00012",
            "Mécaplast <Garnier> & Fils",
            Address::new("1 rue", "69007", "Lyon", "FR").unwrap(),
        )
        .unwrap()
        .with_order_emails(emails)
        .unwrap()
    }

    fn lines() -> Vec<PurchaseOrderLine> {
        let mut discounted =
            PurchaseOrderLine::new(2, "MP-00002", "Colorant", dec("1500"), "kg", dec("1.2345"))
                .unwrap();
        discounted.discount_percent = dec("10");
        vec![
            PurchaseOrderLine::new(1, "MP-00001", "Granulés PP", dec("10"), "kg", dec("2.5"))
                .unwrap(),
            discounted,
        ]
    }

    fn addresses() -> MailAddresses {
        MailAddresses {
            admin: Some("admin@exemple.fr".into()),
            purchasing: Some("achats@exemple.fr".into()),
            waker: None,
        }
    }

    #[test]
    fn only_sending_and_confirming_write_to_the_supplier() {
        use PoState::*;
        for from in PoState::ALL {
            for to in PoState::ALL {
                let expected = match (from, to) {
                    (Draft, RfqSent) => Some(PoMail::Rfq),
                    (Draft | RfqSent, Confirmed) => Some(PoMail::Confirmation),
                    _ => None,
                };
                assert_eq!(
                    PoMail::for_transition(from, to),
                    expected,
                    "{from:?}->{to:?}"
                );
            }
        }
        assert_eq!(PoMail::Rfq.dedup_key("BC25-0001"), "po:BC25-0001:rfq");
        assert_eq!(
            PoMail::Confirmation.dedup_key("BC25-0001"),
            "po:BC25-0001:confirmed"
        );
    }

    #[test]
    fn the_request_for_quotation_lists_every_line() {
        let (order, lines) = (order(), lines());
        let supplier = supplier(&["commandes@mecaplast.fr", "adv@mecaplast.fr"]);
        let skus = HashMap::from([("MP-00001".to_owned(), "GR-PP-25".to_owned())]);
        let data = OrderMailData {
            order: &order,
            lines: &lines,
            supplier: &supplier,
            skus: &skus,
        };
        let Planned::Supplier(e) = plan(PoMail::Rfq, &data, &addresses()).unwrap() else {
            panic!("a supplier e-mail");
        };
        assert_eq!(e.dedup_key, "po:BC25-0001:rfq");
        assert_eq!(e.to, ["commandes@mecaplast.fr", "adv@mecaplast.fr"]);
        assert_eq!(e.cc, ["achats@exemple.fr"]);
        assert!(e.subject.contains("BC25-0001"), "{}", e.subject);
        for needle in [
            "Ligne 1 : MP-00001 Granulés PP (votre référence : GR-PP-25)",
            "Quantité : 10 kg",
            "Prix unitaire HT : 2,50\u{a0}€",
            "Quantité : 1\u{a0}500 kg",
            "Prix unitaire HT : 1,2345\u{a0}€ – Remise : 10 %",
            "Montant HT : 1\u{a0}666,58\u{a0}€",
            "Total HT indicatif : 1\u{a0}691,58\u{a0}€",
            "20/03/2025",
            "01/03/2025",
        ] {
            assert!(e.text.contains(needle), "{needle:?} in\n{}", e.text);
        }
        let html = e.html.unwrap();
        assert!(
            html.contains("Mécaplast &lt;Garnier&gt; &amp; Fils"),
            "{html}"
        );
        assert!(html.contains("<td>GR-PP-25</td>"), "{html}");
    }

    #[test]
    fn without_an_address_the_administrator_is_told() {
        let (order, lines) = (order(), lines());
        let supplier = supplier(&[]);
        let skus = HashMap::new();
        let data = OrderMailData {
            order: &order,
            lines: &lines,
            supplier: &supplier,
            skus: &skus,
        };
        let Planned::NoAddress(Some(e)) = plan(PoMail::Confirmation, &data, &addresses()).unwrap()
        else {
            panic!("a notice");
        };
        assert_eq!(e.dedup_key, "po:BC25-0001:confirmed:no-address");
        assert_eq!(
            (e.to.as_slice(), e.cc.as_slice()),
            (
                &["admin@exemple.fr".to_owned()][..],
                &["achats@exemple.fr".to_owned()][..]
            )
        );
        assert!(
            e.text
                .contains("n'a pas d'adresse électronique de commande"),
            "{}",
            e.text
        );
        assert!(e.text.contains("la confirmation de commande"), "{}", e.text);
        let purchasing_only = MailAddresses {
            admin: None,
            ..addresses()
        };
        let Planned::NoAddress(Some(e)) = plan(PoMail::Rfq, &data, &purchasing_only).unwrap()
        else {
            panic!("a notice");
        };
        assert_eq!(e.to, ["achats@exemple.fr"]);
        assert!(e.cc.is_empty());
        assert_eq!(
            plan(PoMail::Rfq, &data, &MailAddresses::default()).unwrap(),
            Planned::NoAddress(None)
        );
    }
}
