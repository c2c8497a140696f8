//! Payments of supplier bills.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{FournisseursError, check_optional, check_positive, check_text};

/// The sum paid by `payments`.
pub fn paid_total<'a>(payments: impl IntoIterator<Item = &'a Payment>) -> Decimal {
    payments.into_iter().map(|p| p.amount).sum()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentMethod {
    Transfer,
    /// Lettre de change (LCR).
    BillOfExchange,
    Cheque,
    DirectDebit,
    Card,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 5] = [
        PaymentMethod::Transfer,
        PaymentMethod::BillOfExchange,
        PaymentMethod::Cheque,
        PaymentMethod::DirectDebit,
        PaymentMethod::Card,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Transfer => "TRANSFER",
            PaymentMethod::BillOfExchange => "BILL_OF_EXCHANGE",
            PaymentMethod::Cheque => "CHEQUE",
            PaymentMethod::DirectDebit => "DIRECT_DEBIT",
            PaymentMethod::Card => "CARD",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FournisseursError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                FournisseursError::invalid("method", format!("unknown payment method {s:?}"))
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The id of the supplier bill paid.
    pub bill_id: String,
    pub paid_on: NaiveDate,
    pub amount: Decimal,
    pub method: PaymentMethod,
    /// The bank's or cheque's reference.
    pub reference: Option<String>,
}

impl Payment {
    pub fn new(
        bill_id: &str,
        paid_on: NaiveDate,
        amount: Decimal,
        method: PaymentMethod,
    ) -> Result<Self, FournisseursError> {
        Payment {
            bill_id: bill_id.to_owned(),
            paid_on,
            amount,
            method,
            reference: None,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, FournisseursError> {
        Ok(Payment {
            bill_id: check_text("bill_id", &self.bill_id, 36)?,
            amount: check_positive("amount", self.amount)?,
            reference: check_optional("reference", self.reference.as_deref(), 100)?,
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

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
    }

    #[test]
    fn payments_are_positive_and_add_up() {
        let payments = [
            Payment::new("b", day(2), dec("20.5"), PaymentMethod::Cheque).unwrap(),
            Payment::new("b", day(3), dec("0.25"), PaymentMethod::Card).unwrap(),
        ];
        assert_eq!(paid_total(&payments), dec("20.75"));
        assert!(Payment::new("b", day(2), dec("0"), PaymentMethod::Transfer).is_err());
        assert!(Payment::new("b", day(2), dec("-1"), PaymentMethod::Transfer).is_err());
        assert!(Payment::new(" ", day(2), dec("1"), PaymentMethod::Transfer).is_err());
    }

    #[test]
    fn methods_parse_back() {
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(m.as_str()).unwrap(), m);
        }
        assert!(PaymentMethod::parse("CASH").is_err());
    }
}
