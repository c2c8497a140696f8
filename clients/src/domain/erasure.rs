//! The right to erasure (GDPR art. 17): what of a customer is anonymised, what is kept
//! for accounting, and when erasure must wait.

use chrono::{DateTime, Utc};

use super::{ClientsError, Consent, Customer, CustomerOrder};

/// The name an erased customer is shown under.
pub const ERASED_NAME: &str = "Client anonymisé";
/// The text that replaces an erased street address.
pub const ERASED_ADDRESS: &str = "Adresse effacée";
/// The city and postal code of an erased address: a valid French code that designates
/// no one, so that the address still passes the rules every address follows.
const ERASED_CITY: &str = "Effacée";
const ERASED_POSTAL_CODE: &str = "00000";

impl Customer {
    pub fn is_erased(&self) -> bool {
        self.erased_at.is_some()
    }

    /// Refuses to fill in again the personal data of an erased customer.
    pub fn check_not_erased(&self) -> Result<(), ClientsError> {
        match self.erased_at {
            None => Ok(()),
            Some(_) => Err(ClientsError::Erased {
                customer_code: self.code.clone(),
            }),
        }
    }

    /// The customer with every personal field anonymised at `at`; refused while
    /// `open_orders` of its orders are neither closed nor cancelled, since delivering and
    /// invoicing them needs the data. The code stays, so that the orders kept for
    /// accounting still name their (anonymised) customer, and so does the billing
    /// country, which VAT rules need. An erased customer is inactive: it orders no more.
    pub fn erase(self, at: DateTime<Utc>, open_orders: usize) -> Result<Self, ClientsError> {
        if open_orders > 0 {
            return Err(ClientsError::OpenOrders {
                customer_code: self.code,
                count: open_orders,
            });
        }
        if self.is_erased() {
            return Ok(self);
        }
        let mut billing = self.billing_address;
        billing.line1 = ERASED_ADDRESS.to_owned();
        billing.line2 = None;
        billing.postal_code = ERASED_POSTAL_CODE.to_owned();
        billing.city = ERASED_CITY.to_owned();
        Customer {
            name: ERASED_NAME.to_owned(),
            siret: None,
            vat_number: None,
            contact_emails: Vec::new(),
            phone: None,
            billing_address: billing,
            delivery_address: None,
            active: false,
            note: None,
            erased_at: Some(at),
            ..self
        }
        .validate()
    }
}

impl Consent {
    /// The consent of an erased customer: withdrawn (at `at` unless it was already) and
    /// without its proof, which may name a person. The purpose, answer and dates stay:
    /// they prove that the processing stopped.
    pub fn erase(self, at: DateTime<Utc>) -> Result<Self, ClientsError> {
        let withdrawn_at = match self.withdrawn_at {
            Some(w) => Some(w),
            // A consent collected after `at` (clock skew) is withdrawn just after it.
            None => Some(at.max(self.collected_at + chrono::Duration::microseconds(1))),
        };
        Consent {
            withdrawn_at,
            proof: None,
            ..self
        }
        .validate()
    }
}

impl CustomerOrder {
    /// The order of an erased customer, kept for accounting: only its free-text note,
    /// which may name people, goes.
    pub fn erase(self) -> Self {
        CustomerOrder { note: None, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Address, ConsentPurpose, OrderState};
    use chrono::{NaiveDate, TimeZone};

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 4, day, 8, 0, 0).unwrap()
    }

    fn customer() -> Customer {
        Customer {
            siret: Some("73282932000074".into()),
            contact_emails: vec!["jean.dupont@exemple.fr".into()],
            phone: Some("06 12 34 56 78".into()),
            note: Some("Demander Jean".into()),
            delivery_address: Some(
                Address::new("ZI Nord", None, "38000", "Grenoble", "FR").unwrap(),
            ),
            ..Customer::new(
                "C00042",
                "Jean Dupont EI",
                Address::new("3 rue Haute", Some("Apt 2"), "69007", "Lyon", "DE").unwrap(),
            )
            .unwrap()
        }
    }

    #[test]
    fn erasure_anonymises_personal_fields_and_keeps_the_code() {
        let erased = customer().erase(at(2), 0).unwrap();
        assert_eq!(erased.code, "C00042");
        assert_eq!(erased.name, ERASED_NAME);
        assert!(erased.siret.is_none() && erased.phone.is_none() && erased.note.is_none());
        assert!(erased.contact_emails.is_empty() && erased.delivery_address.is_none());
        assert_eq!(erased.billing_address.line1, ERASED_ADDRESS);
        assert_eq!(erased.billing_address.country, "DE");
        assert!(!erased.active && erased.is_erased());
        assert!(erased.check_not_erased().is_err());
        // Erasing again changes nothing, not even the date.
        assert_eq!(erased.clone().erase(at(9), 0).unwrap(), erased);
    }

    #[test]
    fn erasure_waits_for_open_orders() {
        match customer().erase(at(2), 2) {
            Err(ClientsError::OpenOrders { count, .. }) => assert_eq!(count, 2),
            other => panic!("expected OpenOrders, got {other:?}"),
        }
    }

    #[test]
    fn consents_are_withdrawn_and_orders_lose_their_note() {
        let mut c = Consent::new(ConsentPurpose::Newsletter, true, at(1), "salon").unwrap();
        c.proof = Some("signé par Jean Dupont".into());
        let erased = c.erase(at(3)).unwrap();
        assert_eq!(erased.withdrawn_at, Some(at(3)));
        assert!(erased.proof.is_none() && !erased.is_effective());
        let withdrawn = erased.clone().erase(at(5)).unwrap();
        assert_eq!(withdrawn.withdrawn_at, Some(at(3)));
        let day = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        let order = CustomerOrder {
            note: Some("Appeler Jean au 06".into()),
            state: OrderState::Closed,
            ..CustomerOrder::new("CC25-00001", "C00042", day, day).unwrap()
        };
        let kept = order.clone().erase();
        assert_eq!(kept.note, None);
        assert_eq!(kept.order_number, order.order_number);
    }
}
