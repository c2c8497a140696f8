//! The e-mails of the clients domain, and which state change causes which.
//!
//! - An order confirmed (DRAFT → CONFIRMED): the confirmation to the customer, and the
//!   order to the production team.
//! - An order cancelled once confirmed (CONFIRMED or IN_PRODUCTION → CANCELLED): the
//!   cancellation to the production team. A draft cancelled was never its business.
//!
//! An order changes after its confirmation only through its state (only a DRAFT is
//! edited), so these are the changes that matter to production; starting production is
//! its own doing, and READY, DELIVERED, CLOSED are not news to it.
//!
//! The customer is written to at the e-mail of its principal contact, or else at its
//! own contact addresses. A customer whose data was erased (GDPR art. 17), or without
//! any address, gets nothing; the order confirmation itself is a transactional message,
//! part of the contract, and needs no marketing consent. The state change never fails
//! for want of an address.
//!
//! This module decides what to send and renders it; the store writes the e-mails into
//! the outbox in the transaction of the state change (see `storage::orders`).

mod templates;

use bascule_mail::french as format;
use bascule_mail::{Email, MailSettings, RelayWaker, TemplateError, escape_html};
use rust_decimal::Decimal;

use crate::domain::{ClientsError, Contact, Customer, CustomerOrder, OrderLine, OrderState};

/// The domain under which the e-mails are queued (and which its relay sends).
pub const MAIL_DOMAIN: &str = "clients";

/// The company's own addresses the e-mails use; an unset one is skipped.
#[derive(Debug, Clone, Default)]
pub struct MailAddresses {
    /// Told of orders confirmed and cancelled.
    pub production_team: Option<String>,
    /// Wakes the relay once a transaction that queued an e-mail is committed, so that
    /// the e-mail leaves at once rather than at the next poll.
    pub waker: Option<RelayWaker>,
}

impl MailAddresses {
    /// The addresses of the service's mail settings (`mail.production_team`).
    pub fn from_settings(settings: &MailSettings) -> Self {
        MailAddresses {
            production_team: settings.production_team.clone(),
            waker: None,
        }
    }

    /// The same, waking `waker`'s relay after each commit that queued an e-mail.
    pub fn with_waker(mut self, waker: RelayWaker) -> Self {
        self.waker = Some(waker);
        self
    }
}

/// What a state change of a customer order is, for the e-mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    Confirmed,
    /// Cancelled after its confirmation, from the state it was in.
    Cancelled {
        from: OrderState,
    },
}

impl OrderEvent {
    /// The event the move from `from` to `to` is, if it causes e-mails.
    pub fn for_transition(from: OrderState, to: OrderState) -> Option<OrderEvent> {
        match (from, to) {
            (OrderState::Draft, OrderState::Confirmed) => Some(OrderEvent::Confirmed),
            (OrderState::Confirmed | OrderState::InProduction, OrderState::Cancelled) => {
                Some(OrderEvent::Cancelled { from })
            }
            _ => None,
        }
    }
}

/// The deduplication keys: one per order, event and recipient, so that a state change
/// retried or replayed never sends an e-mail twice.
pub fn customer_confirmation_key(order_number: &str) -> String {
    format!("co:{order_number}:confirmed:customer")
}

pub fn production_key(order_number: &str, event: OrderEvent) -> String {
    match event {
        OrderEvent::Confirmed => format!("co:{order_number}:confirmed:production"),
        OrderEvent::Cancelled { .. } => format!("co:{order_number}:cancelled:production"),
    }
}

/// What an e-mail about an order says.
#[derive(Debug, Clone, Copy)]
pub struct OrderMailData<'a> {
    pub order: &'a CustomerOrder,
    pub lines: &'a [OrderLine],
    pub customer: &'a Customer,
    /// The customer's principal contact, if it has one.
    pub principal: Option<&'a Contact>,
}

/// Where the customer is written to: its principal contact's e-mail, or else its own
/// contact addresses; nowhere once its data was erased.
pub fn customer_recipients(customer: &Customer, principal: Option<&Contact>) -> Vec<String> {
    if customer.is_erased() {
        return Vec::new();
    }
    match principal.and_then(|c| c.email.clone()) {
        Some(email) => vec![email],
        None => customer.contact_emails.clone(),
    }
}

/// Every e-mail `event` writes for the order in `data`: those whose recipients are
/// known. An unset production team is skipped, so is a customer without address.
pub fn plan(
    event: OrderEvent,
    data: &OrderMailData<'_>,
    addresses: &MailAddresses,
) -> Result<Vec<Email>, ClientsError> {
    let number = &data.order.order_number;
    let mut emails = Vec::new();
    if event == OrderEvent::Confirmed {
        let to = customer_recipients(data.customer, data.principal);
        if to.is_empty() {
            tracing::debug!(
                order_number = number,
                customer = data.customer.code,
                erased = data.customer.is_erased(),
                "no customer address: no order confirmation to the customer"
            );
        } else {
            emails.push(customer_confirmation(data, to)?);
        }
    }
    match &addresses.production_team {
        Some(team) => emails.push(production(event, data, team)?),
        None => tracing::debug!(
            order_number = number,
            "no production team address (mail.production_team): production is not told"
        ),
    }
    Ok(emails)
}

fn template_failed(e: TemplateError) -> ClientsError {
    ClientsError::Storage(Box::new(e))
}

/// The total excluding tax: the lines', or the legacy total of an order migrated
/// without them.
fn total(data: &OrderMailData<'_>) -> Result<Decimal, ClientsError> {
    match data.order.legacy_total_excl_tax {
        Some(t) if data.lines.is_empty() => Ok(t),
        _ => crate::domain::total_excl_tax(data.lines),
    }
}

fn common_vars(data: &OrderMailData<'_>) -> Vec<(&'static str, String)> {
    let o = data.order;
    vec![
        ("numero", o.order_number.clone()),
        ("client", data.customer.name.clone()),
        ("code_client", data.customer.code.clone()),
        (
            "reference_client",
            o.customer_reference
                .clone()
                .unwrap_or_else(|| "non communiquée".to_owned()),
        ),
        ("date_commande", format::date(o.order_date)),
        ("date_souhaitee", format::date(o.requested_date)),
        (
            "date_promise",
            o.promised_date
                .map_or_else(|| "à confirmer".to_owned(), format::date),
        ),
    ]
}

/// The order confirmation to the customer, with prices.
pub fn customer_confirmation(
    data: &OrderMailData<'_>,
    to: Vec<String>,
) -> Result<Email, ClientsError> {
    let currency = &data.order.currency;
    let mut text_lines = String::new();
    let mut html_rows = String::new();
    for l in data.lines {
        let quantity = format::number(l.quantity, 0);
        let price = format::money(l.unit_price, currency);
        let amount = format::total(l.total_excl_tax()?, currency);
        let discount = (!l.discount_percent.is_zero())
            .then(|| format!("{} %", format::number(l.discount_percent, 0)));
        text_lines.push_str(&format!(
            "- {} {}\n  Quantité : {quantity} – Prix unitaire HT : {price}{} – Montant HT : {amount}\n",
            l.article_code,
            l.description,
            discount
                .as_deref()
                .map(|d| format!(" – Remise : {d}"))
                .unwrap_or_default(),
        ));
        html_rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td>\
             <td align=\"right\">{}</td><td align=\"right\">{}</td></tr>",
            escape_html(&l.article_code),
            escape_html(&l.description),
            escape_html(&quantity),
            escape_html(&price),
            escape_html(discount.as_deref().unwrap_or("")),
            escape_html(&amount),
        ));
    }
    let greeting = match data.principal {
        Some(c) if c.email.is_some() => format!("Bonjour {},", c.display_name()),
        _ => "Madame, Monsieur,".to_owned(),
    };
    let mut vars = common_vars(data);
    vars.extend([
        ("salutation", greeting),
        ("total", format::total(total(data)?, currency)),
        ("lignes", text_lines),
        ("lignes_html", html_rows),
    ]);
    Ok(templates::CUSTOMER_CONFIRMATION
        .render(vars.as_slice())
        .map_err(template_failed)?
        .into_email(customer_confirmation_key(&data.order.order_number), to))
}

/// What the production team is told of `event`: the order and its quantities.
pub fn production(
    event: OrderEvent,
    data: &OrderMailData<'_>,
    team: &str,
) -> Result<Email, ClientsError> {
    let mut text_lines = String::new();
    let mut html_rows = String::new();
    for l in data.lines {
        let quantity = format::number(l.quantity, 0);
        text_lines.push_str(&format!(
            "- Ligne {} : {} {} – Quantité : {quantity}\n",
            l.line_no, l.article_code, l.description
        ));
        html_rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td align=\"right\">{}</td></tr>",
            l.line_no,
            escape_html(&l.article_code),
            escape_html(&l.description),
            escape_html(&quantity),
        ));
    }
    if data.lines.is_empty() {
        text_lines.push_str("- (commande reprise de l'ancien système, sans lignes)\n");
    }
    let mut vars = common_vars(data);
    vars.extend([("lignes", text_lines), ("lignes_html", html_rows)]);
    let template = match event {
        OrderEvent::Confirmed => &*templates::PRODUCTION_CONFIRMED,
        OrderEvent::Cancelled { from } => {
            vars.push(("etat_precedent", from.as_str().to_owned()));
            &*templates::PRODUCTION_CANCELLED
        }
    };
    Ok(template
        .render(vars.as_slice())
        .map_err(template_failed)?
        .into_email(
            production_key(&data.order.order_number, event),
            vec![team.to_owned()],
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Address;
    use chrono::{NaiveDate, TimeZone, Utc};
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
    }

    fn order() -> CustomerOrder {
        CustomerOrder {
            customer_reference: Some("PO-7781".into()),
            state: OrderState::Confirmed,
            ..CustomerOrder::new("CC25-00001", "C00042", day(1), day(20)).unwrap()
        }
    }

    fn customer() -> Customer {
        Customer {
            contact_emails: vec!["achats@forges.exemple.fr".into()],
            ..Customer::new(
                "C00042",
                "Forges & Fils",
                Address::new("1 rue", None, "69007", "Lyon", "FR").unwrap(),
            )
            .unwrap()
        }
    }

    fn lines() -> Vec<OrderLine> {
        let mut second =
            OrderLine::new(2, "PF-00002", "Couvercle", dec("1200"), dec("0.85")).unwrap();
        second.discount_percent = dec("5");
        vec![
            OrderLine::new(1, "PF-00001", "Boîtier <ABS>", dec("250"), dec("3.2")).unwrap(),
            second,
        ]
    }

    fn team() -> MailAddresses {
        MailAddresses {
            production_team: Some("production@exemple.fr".into()),
            waker: None,
        }
    }

    #[test]
    fn events_of_transitions() {
        use OrderState::*;
        for from in OrderState::ALL {
            for to in OrderState::ALL {
                let expected = match (from, to) {
                    (Draft, Confirmed) => Some(OrderEvent::Confirmed),
                    (Confirmed | InProduction, Cancelled) => Some(OrderEvent::Cancelled { from }),
                    _ => None,
                };
                assert_eq!(
                    OrderEvent::for_transition(from, to),
                    expected,
                    "{from:?}->{to:?}"
                );
            }
        }
    }

    #[test]
    fn confirmation_to_the_customer_and_to_production() {
        let (order, lines, customer) = (order(), lines(), customer());
        let principal = Contact {
            civility: Some("Mme".into()),
            email: Some("m.guerin@forges.exemple.fr".into()),
            principal: true,
            ..Contact::new("Martine", "Guérin").unwrap()
        };
        let data = OrderMailData {
            order: &order,
            lines: &lines,
            customer: &customer,
            principal: Some(&principal),
        };
        let emails = plan(OrderEvent::Confirmed, &data, &team()).unwrap();
        assert_eq!(emails.len(), 2);
        let c = &emails[0];
        assert_eq!(c.dedup_key, "co:CC25-00001:confirmed:customer");
        assert_eq!(c.to, ["m.guerin@forges.exemple.fr"]);
        for needle in [
            "Bonjour Mme Martine Guérin,",
            "PO-7781",
            "Quantité : 250 – Prix unitaire HT : 3,20\u{a0}€ – Montant HT : 800,00\u{a0}€",
            "Quantité : 1\u{a0}200 – Prix unitaire HT : 0,85\u{a0}€ – Remise : 5 % – Montant HT : 969,00\u{a0}€",
            "Total HT : 1\u{a0}769,00\u{a0}€",
            "20/03/2025",
        ] {
            assert!(c.text.contains(needle), "{needle:?} in\n{}", c.text);
        }
        assert!(c.html.as_ref().unwrap().contains("Boîtier &lt;ABS&gt;"));
        let p = &emails[1];
        assert_eq!(p.dedup_key, "co:CC25-00001:confirmed:production");
        assert_eq!(p.to, ["production@exemple.fr"]);
        assert!(p.subject.contains("CC25-00001"), "{}", p.subject);
        assert!(
            p.text
                .contains("Ligne 2 : PF-00002 Couvercle – Quantité : 1\u{a0}200"),
            "{}",
            p.text
        );
        assert!(
            !p.text.contains("0,85"),
            "no prices for production: {}",
            p.text
        );
    }

    #[test]
    fn the_customer_address_follows_the_domain_and_gdpr() {
        let c = customer();
        assert_eq!(customer_recipients(&c, None), ["achats@forges.exemple.fr"]);
        let no_email = Contact {
            principal: true,
            ..Contact::new("Jean", "Dupont").unwrap()
        };
        assert_eq!(
            customer_recipients(&c, Some(&no_email)),
            ["achats@forges.exemple.fr"]
        );
        let erased = c
            .erase(Utc.with_ymd_and_hms(2025, 4, 1, 8, 0, 0).unwrap(), 0)
            .unwrap();
        let with_email = Contact {
            email: Some("j.dupont@exemple.fr".into()),
            ..no_email
        };
        assert!(customer_recipients(&erased, Some(&with_email)).is_empty());
        let (order, lines) = (order(), lines());
        let data = OrderMailData {
            order: &order,
            lines: &lines,
            customer: &erased,
            principal: None,
        };
        let emails = plan(OrderEvent::Confirmed, &data, &team()).unwrap();
        assert_eq!(emails.len(), 1, "production only");
        assert!(
            plan(OrderEvent::Confirmed, &data, &MailAddresses::default())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn cancellation_tells_production() {
        let (order, lines, customer) = (order(), lines(), customer());
        let data = OrderMailData {
            order: &order,
            lines: &lines,
            customer: &customer,
            principal: None,
        };
        let event = OrderEvent::Cancelled {
            from: OrderState::InProduction,
        };
        let emails = plan(event, &data, &team()).unwrap();
        assert_eq!(emails.len(), 1, "production only");
        assert_eq!(emails[0].dedup_key, "co:CC25-00001:cancelled:production");
        assert!(
            emails[0].subject.contains("annulée"),
            "{}",
            emails[0].subject
        );
        assert!(
            emails[0].text.contains("IN_PRODUCTION"),
            "{}",
            emails[0].text
        );
    }
}
