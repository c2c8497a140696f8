//! The lines of a purchase order and what is derived from them: the order's total and
//! its receipt status.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{FournisseursError, check_code, check_not_negative, check_positive, check_text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseOrderLine {
    /// 1, 2, 3… unique within the order.
    pub line_no: i64,
    /// An article code of the stock domain.
    pub article_code: String,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    /// 0 to 100.
    pub discount_percent: Decimal,
    /// May exceed `quantity`: suppliers deliver a little more.
    pub qty_received: Decimal,
    pub last_receipt_date: Option<NaiveDate>,
}

impl PurchaseOrderLine {
    /// A line without discount, nothing received yet.
    pub fn new(
        line_no: i64,
        article_code: &str,
        description: &str,
        quantity: Decimal,
        unit: &str,
        unit_price: Decimal,
    ) -> Result<Self, FournisseursError> {
        PurchaseOrderLine {
            line_no,
            article_code: article_code.to_owned(),
            description: description.to_owned(),
            quantity,
            unit: unit.to_owned(),
            unit_price,
            discount_percent: Decimal::ZERO,
            qty_received: Decimal::ZERO,
            last_receipt_date: None,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, FournisseursError> {
        if self.line_no < 1 {
            return Err(FournisseursError::invalid("line_no", "must be 1 or more"));
        }
        let discount = check_not_negative("discount_percent", self.discount_percent)?;
        if discount > Decimal::ONE_HUNDRED {
            return Err(FournisseursError::invalid(
                "discount_percent",
                "must be at most 100",
            ));
        }
        Ok(PurchaseOrderLine {
            article_code: check_code("article_code", &self.article_code, 32)?,
            description: check_text("description", &self.description, 200)?,
            quantity: check_positive("quantity", self.quantity)?,
            unit: check_text("unit", &self.unit, 20)?,
            unit_price: check_not_negative("unit_price", self.unit_price)?,
            qty_received: check_not_negative("qty_received", self.qty_received)?,
            ..self
        })
    }

    /// Quantity × unit price less the discount, unrounded: rounding belongs to invoicing.
    pub fn amount(&self) -> Decimal {
        self.quantity
            * self.unit_price
            * (Decimal::ONE - self.discount_percent / Decimal::ONE_HUNDRED)
    }

    pub fn is_received(&self) -> bool {
        self.qty_received >= self.quantity
    }
}

/// Checks the lines of one order: at least one, each line number once.
pub fn check_lines(lines: &[PurchaseOrderLine]) -> Result<(), FournisseursError> {
    if lines.is_empty() {
        return Err(FournisseursError::invalid(
            "lines",
            "an order needs at least one line",
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        if lines[..i].iter().any(|l| l.line_no == line.line_no) {
            return Err(FournisseursError::invalid(
                "line_no",
                format!("line {} appears twice", line.line_no),
            ));
        }
    }
    Ok(())
}

/// The total of an order excluding tax: the sum of its line amounts.
pub fn order_total<'a>(lines: impl IntoIterator<Item = &'a PurchaseOrderLine>) -> Decimal {
    lines.into_iter().map(PurchaseOrderLine::amount).sum()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptStatus {
    NotReceived,
    PartiallyReceived,
    /// Every line received in full (or more).
    Received,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::NotReceived => "NOT_RECEIVED",
            ReceiptStatus::PartiallyReceived => "PARTIALLY_RECEIVED",
            ReceiptStatus::Received => "RECEIVED",
        }
    }

    /// The status of an order from its lines.
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a PurchaseOrderLine>) -> Self {
        let (mut any, mut all, mut empty) = (false, true, true);
        for line in lines {
            empty = false;
            any |= line.qty_received > Decimal::ZERO;
            all &= line.is_received();
        }
        match (empty, all, any) {
            (false, true, _) => ReceiptStatus::Received,
            (false, false, true) => ReceiptStatus::PartiallyReceived,
            _ => ReceiptStatus::NotReceived,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn line(no: i64, qty: &str, price: &str) -> PurchaseOrderLine {
        PurchaseOrderLine::new(no, "MP-00001", "Granulés PP", dec(qty), "kg", dec(price)).unwrap()
    }

    #[test]
    fn totals_are_exact() {
        let mut l = line(1, "3", "12.345678");
        l.discount_percent = dec("10");
        assert_eq!(l.amount(), dec("33.3333306"));
        let lines = [l, line(2, "0.5", "2")];
        assert_eq!(order_total(&lines), dec("34.3333306"));
    }

    #[test]
    fn lines_are_checked() {
        assert!(PurchaseOrderLine::new(0, "MP-1", "x", dec("1"), "kg", dec("1")).is_err());
        assert!(PurchaseOrderLine::new(1, "MP-1", "x", dec("0"), "kg", dec("1")).is_err());
        assert!(PurchaseOrderLine::new(1, "MP-1", "x", dec("1"), "kg", dec("-1")).is_err());
        let mut l = line(1, "1", "1");
        l.discount_percent = dec("100.5");
        assert!(l.validate().is_err());
        assert!(check_lines(&[]).is_err());
        assert!(check_lines(&[line(1, "1", "1"), line(1, "2", "1")]).is_err());
        assert!(check_lines(&[line(1, "1", "1"), line(2, "2", "1")]).is_ok());
    }

    #[test]
    fn receipt_status_follows_the_lines() {
        let mut a = line(1, "10", "1");
        let mut b = line(2, "5", "1");
        assert_eq!(ReceiptStatus::of([&a, &b]), ReceiptStatus::NotReceived);
        a.qty_received = dec("10");
        assert_eq!(
            ReceiptStatus::of([&a, &b]),
            ReceiptStatus::PartiallyReceived
        );
        b.qty_received = dec("5.5");
        assert_eq!(ReceiptStatus::of([&a, &b]), ReceiptStatus::Received);
        assert_eq!(ReceiptStatus::of([]), ReceiptStatus::NotReceived);
        assert_eq!(ReceiptStatus::Received.as_str(), "RECEIVED");
    }
}
