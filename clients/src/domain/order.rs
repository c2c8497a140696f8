//! Customer orders and their lines.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customer::check_customer_code;
use super::{
    ClientsError, OrderState, check_amount, check_code, check_optional_text, check_text,
    total_excl_tax,
};

/// The header of a customer order; its lines are [`OrderLine`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerOrder {
    /// `CC25-00001`: the year and a sequence.
    pub order_number: String,
    pub customer_code: String,
    /// The customer's own purchase order number.
    pub customer_reference: Option<String>,
    pub order_date: NaiveDate,
    /// When the customer wants the goods.
    pub requested_date: NaiveDate,
    /// When the company committed to deliver, once it has.
    pub promised_date: Option<NaiveDate>,
    /// ISO 4217 code of the prices.
    pub currency: String,
    pub note: Option<String>,
    pub state: OrderState,
    /// The total excluding tax the legacy system recorded for an order migrated without
    /// its lines (the old base kept headers only); `None` for orders made in bascule.
    /// Such an order stands for its total: the rules that need lines accept it.
    pub legacy_total_excl_tax: Option<Decimal>,
}

impl CustomerOrder {
    pub const DEFAULT_CURRENCY: &'static str = "EUR";

    /// A draft order in euros.
    pub fn new(
        order_number: &str,
        customer_code: &str,
        order_date: NaiveDate,
        requested_date: NaiveDate,
    ) -> Result<Self, ClientsError> {
        CustomerOrder {
            order_number: order_number.to_owned(),
            customer_code: customer_code.to_owned(),
            customer_reference: None,
            order_date,
            requested_date,
            promised_date: None,
            currency: Self::DEFAULT_CURRENCY.to_owned(),
            note: None,
            state: OrderState::Draft,
            legacy_total_excl_tax: None,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, ClientsError> {
        if self.requested_date < self.order_date {
            return Err(ClientsError::invalid(
                "requested_date",
                "must not be before the order date",
            ));
        }
        if self.promised_date.is_some_and(|p| p < self.order_date) {
            return Err(ClientsError::invalid(
                "promised_date",
                "must not be before the order date",
            ));
        }
        let currency = self.currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ClientsError::invalid(
                "currency",
                format!("{:?} is not an ISO 4217 code (EUR, USD…)", self.currency),
            ));
        }
        let legacy_total_excl_tax = match self.legacy_total_excl_tax {
            Some(t) if t.is_sign_negative() && !t.is_zero() => {
                return Err(ClientsError::invalid(
                    "legacy_total_excl_tax",
                    "must not be negative",
                ));
            }
            Some(t) => Some(check_amount("legacy_total_excl_tax", t)?),
            None => None,
        };
        Ok(CustomerOrder {
            order_number: check_code("order_number", &self.order_number, 20)?,
            customer_code: check_customer_code("customer_code", &self.customer_code)?,
            customer_reference: check_optional_text(
                "customer_reference",
                self.customer_reference,
                60,
            )?,
            currency,
            note: check_optional_text("note", self.note, 1000)?,
            legacy_total_excl_tax,
            ..self
        })
    }

    /// The order moved to `next`, if the transition table allows it; `line_count` is the
    /// number of lines the order has, since an order without lines cannot be confirmed.
    pub fn transition(&self, next: OrderState, line_count: usize) -> Result<Self, ClientsError> {
        if !self.state.can_become(next) {
            return Err(ClientsError::IllegalTransition {
                order_number: self.order_number.clone(),
                from: self.state.as_str(),
                to: next.as_str(),
            });
        }
        if next.needs_lines() && line_count == 0 && !self.is_migrated_without_lines() {
            return Err(ClientsError::invalid(
                "lines",
                format!("order {} has no lines", self.order_number),
            ));
        }
        Ok(CustomerOrder {
            state: next,
            ..self.clone()
        })
    }

    /// A legacy order migrated with its total but without lines.
    pub fn is_migrated_without_lines(&self) -> bool {
        self.legacy_total_excl_tax.is_some()
    }

    /// Refuses any edit of an order that is no longer a draft.
    pub fn check_editable(&self) -> Result<(), ClientsError> {
        if self.state.is_editable() {
            Ok(())
        } else {
            Err(ClientsError::NotEditable {
                order_number: self.order_number.clone(),
                state: self.state.as_str(),
            })
        }
    }

    /// Checks the lines of this order: each valid, numbers unique, and some lines once
    /// the order is confirmed. Returns them sorted by line number.
    pub fn check_lines(&self, lines: Vec<OrderLine>) -> Result<Vec<OrderLine>, ClientsError> {
        let mut lines = lines
            .into_iter()
            .map(OrderLine::validate)
            .collect::<Result<Vec<_>, _>>()?;
        lines.sort_by_key(|l| l.line_no);
        if let Some(pair) = lines.windows(2).find(|w| w[0].line_no == w[1].line_no) {
            return Err(ClientsError::invalid(
                "line_no",
                format!("line {} appears twice", pair[0].line_no),
            ));
        }
        if self.state.needs_lines() && lines.is_empty() && !self.is_migrated_without_lines() {
            return Err(ClientsError::invalid(
                "lines",
                format!("a {} order must have lines", self.state.as_str()),
            ));
        }
        // An order whose total cannot be computed exactly would be refused at invoicing.
        total_excl_tax(&lines)?;
        Ok(lines)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    /// 1, 2, 3… within the order.
    pub line_no: i64,
    /// An article code of the stock domain (not checked here: another domain's data).
    pub article_code: String,
    pub description: String,
    pub quantity: Decimal,
    /// Excluding tax, in the order's currency.
    pub unit_price: Decimal,
    /// 0 to 100.
    pub discount_percent: Decimal,
}

impl OrderLine {
    /// A line without discount.
    pub fn new(
        line_no: i64,
        article_code: &str,
        description: &str,
        quantity: Decimal,
        unit_price: Decimal,
    ) -> Result<Self, ClientsError> {
        OrderLine {
            line_no,
            article_code: article_code.to_owned(),
            description: description.to_owned(),
            quantity,
            unit_price,
            discount_percent: Decimal::ZERO,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, ClientsError> {
        if self.line_no < 1 {
            return Err(ClientsError::invalid("line_no", "must be 1 or more"));
        }
        let quantity = check_amount("quantity", self.quantity)?;
        if quantity <= Decimal::ZERO {
            return Err(ClientsError::invalid("quantity", "must be positive"));
        }
        let unit_price = check_amount("unit_price", self.unit_price)?;
        if unit_price.is_sign_negative() && !unit_price.is_zero() {
            return Err(ClientsError::invalid("unit_price", "must not be negative"));
        }
        let discount_percent = check_amount("discount_percent", self.discount_percent)?;
        if discount_percent.is_sign_negative() && !discount_percent.is_zero()
            || discount_percent > Decimal::ONE_HUNDRED
        {
            return Err(ClientsError::invalid(
                "discount_percent",
                "must be between 0 and 100",
            ));
        }
        Ok(OrderLine {
            article_code: check_code("article_code", &self.article_code, 32)?,
            description: check_text("description", &self.description, 500)?,
            quantity,
            unit_price,
            // -0 and 0 are the same discount; keep one of them.
            discount_percent: discount_percent.abs(),
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn order() -> CustomerOrder {
        CustomerOrder::new("CC25-00001", "C00042", day(2025, 3, 1), day(2025, 3, 20)).unwrap()
    }

    fn line(no: i64, qty: &str, price: &str, discount: &str) -> OrderLine {
        // Not validated: the tests feed invalid lines to `validate`.
        OrderLine {
            line_no: no,
            article_code: "PF-00001".into(),
            description: "Boîtier ABS noir".into(),
            quantity: dec(qty),
            unit_price: dec(price),
            discount_percent: dec(discount),
        }
    }

    #[test]
    fn headers_are_checked() {
        let o = order();
        assert_eq!((o.currency.as_str(), o.state), ("EUR", OrderState::Draft));
        let usd = CustomerOrder {
            currency: "usd".into(),
            ..order()
        }
        .validate()
        .unwrap();
        assert_eq!(usd.currency, "USD");
        assert!(
            CustomerOrder {
                currency: "EURO".into(),
                ..order()
            }
            .validate()
            .is_err()
        );
        assert!(
            CustomerOrder {
                customer_code: "42".into(),
                ..order()
            }
            .validate()
            .is_err()
        );
        assert!(
            CustomerOrder {
                requested_date: day(2025, 2, 28),
                ..order()
            }
            .validate()
            .is_err()
        );
        assert!(
            CustomerOrder {
                promised_date: Some(day(2025, 2, 1)),
                ..order()
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn lines_are_checked() {
        assert!(line(1, "1", "0", "0").validate().is_ok());
        assert!(line(1, "1", "10", "100").validate().is_ok());
        assert!(line(0, "1", "10", "0").validate().is_err());
        assert!(line(1, "0", "10", "0").validate().is_err());
        assert!(line(1, "-1", "10", "0").validate().is_err());
        assert!(line(1, "1", "-0.01", "0").validate().is_err());
        assert!(line(1, "1", "10", "-1").validate().is_err());
        assert!(line(1, "1", "10", "100.000001").validate().is_err());
        assert!(line(1, "1.0000001", "10", "0").validate().is_err());
        let o = order();
        assert!(
            o.check_lines(vec![line(1, "1", "1", "0"), line(1, "2", "1", "0")])
                .is_err()
        );
        let sorted = o
            .check_lines(vec![line(2, "1", "1", "0"), line(1, "2", "1", "0")])
            .unwrap();
        assert_eq!(sorted.iter().map(|l| l.line_no).collect::<Vec<_>>(), [1, 2]);
        let confirmed = CustomerOrder {
            state: OrderState::Confirmed,
            ..order()
        };
        assert!(confirmed.check_lines(Vec::new()).is_err());
        assert!(o.check_lines(Vec::new()).is_ok());
    }

    #[test]
    fn transitions_follow_the_table() {
        let draft = order();
        assert!(matches!(
            draft.transition(OrderState::Confirmed, 0),
            Err(ClientsError::Invalid { field: "lines", .. })
        ));
        let confirmed = draft.transition(OrderState::Confirmed, 1).unwrap();
        assert_eq!(confirmed.state, OrderState::Confirmed);
        assert!(draft.transition(OrderState::Cancelled, 0).is_ok());
        let delivered = CustomerOrder {
            state: OrderState::Delivered,
            ..order()
        };
        match delivered.transition(OrderState::Cancelled, 1) {
            Err(ClientsError::IllegalTransition { from, to, .. }) => {
                assert_eq!((from, to), ("DELIVERED", "CANCELLED"));
            }
            other => panic!("expected IllegalTransition, got {other:?}"),
        }
        let migrated = CustomerOrder {
            legacy_total_excl_tax: Some(dec("1250.40")),
            ..order()
        };
        assert!(migrated.transition(OrderState::Confirmed, 0).is_ok());
        assert!(migrated.check_lines(Vec::new()).is_ok());
        let negative = CustomerOrder {
            legacy_total_excl_tax: Some(dec("-0.01")),
            ..order()
        };
        assert!(negative.validate().is_err());
        assert!(draft.check_editable().is_ok());
        assert!(matches!(
            confirmed.check_editable(),
            Err(ClientsError::NotEditable { .. })
        ));
    }
}
