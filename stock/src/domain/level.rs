//! Stock levels: what is on hand, reserved and incoming for an article at a location.

use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLevel {
    pub article_code: String,
    pub location_code: String,
    /// Always the sum of the ledger's movements for this article and location.
    pub on_hand: Decimal,
    pub reserved: Decimal,
    pub incoming: Decimal,
}

impl StockLevel {
    pub fn empty(article_code: &str, location_code: &str) -> Self {
        StockLevel {
            article_code: article_code.to_owned(),
            location_code: location_code.to_owned(),
            on_hand: Decimal::ZERO,
            reserved: Decimal::ZERO,
            incoming: Decimal::ZERO,
        }
    }

    /// What will be available once expected receipts arrive and reservations leave.
    pub fn forecast(&self) -> Decimal {
        self.on_hand + self.incoming - self.reserved
    }
}
