//! Purchase orders: their header, their state machine and the receipt of goods.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    FournisseursError, PurchaseOrderLine, check_code, check_currency, check_optional,
    check_positive, check_text,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoState {
    Draft,
    /// A request for quotation went to the supplier; prices may still change.
    RfqSent,
    /// The supplier accepted the order: goods may be received.
    Confirmed,
    Closed,
    Cancelled,
}

impl PoState {
    pub const ALL: [PoState; 5] = [
        PoState::Draft,
        PoState::RfqSent,
        PoState::Confirmed,
        PoState::Closed,
        PoState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PoState::Draft => "DRAFT",
            PoState::RfqSent => "RFQ_SENT",
            PoState::Confirmed => "CONFIRMED",
            PoState::Closed => "CLOSED",
            PoState::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FournisseursError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                FournisseursError::invalid("state", format!("unknown purchase order state {s:?}"))
            })
    }

    /// The transition table: the states an order may go to from this one.
    pub fn next_states(self) -> &'static [PoState] {
        match self {
            PoState::Draft => &[PoState::RfqSent, PoState::Confirmed, PoState::Cancelled],
            PoState::RfqSent => &[PoState::Confirmed, PoState::Cancelled],
            PoState::Confirmed => &[PoState::Closed, PoState::Cancelled],
            PoState::Closed | PoState::Cancelled => &[],
        }
    }

    pub fn can_become(self, next: PoState) -> bool {
        self.next_states().contains(&next)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseOrder {
    /// Such as BC25-0001.
    pub po_number: String,
    pub supplier_code: String,
    pub state: PoState,
    pub order_date: NaiveDate,
    pub requested_delivery_date: Option<NaiveDate>,
    pub currency: String,
    /// The user name of who placed the order.
    pub buyer: String,
    pub note: Option<String>,
}

impl PurchaseOrder {
    /// The longest note, in characters: what GESCOM's comment held (VARCHAR2(4000)), where
    /// buyers kept the follow-up of an order line by line.
    pub const NOTE_MAX: usize = 4000;

    /// A draft order in EUR.
    pub fn new(
        po_number: &str,
        supplier_code: &str,
        order_date: NaiveDate,
        buyer: &str,
    ) -> Result<Self, FournisseursError> {
        PurchaseOrder {
            po_number: po_number.to_owned(),
            supplier_code: supplier_code.to_owned(),
            state: PoState::Draft,
            order_date,
            requested_delivery_date: None,
            currency: "EUR".to_owned(),
            buyer: buyer.to_owned(),
            note: None,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, FournisseursError> {
        if self
            .requested_delivery_date
            .is_some_and(|d| d < self.order_date)
        {
            return Err(FournisseursError::invalid(
                "requested_delivery_date",
                "must not be before the order date",
            ));
        }
        Ok(PurchaseOrder {
            po_number: check_code("po_number", &self.po_number, 20)?,
            supplier_code: check_code("supplier_code", &self.supplier_code, 32)?,
            currency: check_currency(&self.currency)?,
            buyer: check_text("buyer", &self.buyer, 100)?,
            note: check_optional("note", self.note.as_deref(), Self::NOTE_MAX)?,
            ..self
        })
    }

    /// The order in state `next`, when the transition table allows it.
    pub fn transition_to(self, next: PoState) -> Result<Self, FournisseursError> {
        if !self.state.can_become(next) {
            let allowed: Vec<&str> = self
                .state
                .next_states()
                .iter()
                .map(|s| s.as_str())
                .collect();
            return Err(FournisseursError::transition(
                "purchase order",
                &self.po_number,
                self.state.as_str(),
                next.as_str(),
                &allowed,
            ));
        }
        Ok(PurchaseOrder {
            state: next,
            ..self
        })
    }

    /// Refuses changes to an order that left DRAFT: a sent order changes only through
    /// its state changes and receipts.
    pub fn check_editable(&self) -> Result<(), FournisseursError> {
        if self.state == PoState::Draft {
            return Ok(());
        }
        Err(FournisseursError::NotEditable {
            entity: "purchase order",
            key: self.po_number.clone(),
            state: self.state.as_str(),
        })
    }

    /// `line` after `quantity` more arrived on `received_on`; only a confirmed order
    /// receives goods.
    pub fn receive(
        &self,
        line: PurchaseOrderLine,
        quantity: Decimal,
        received_on: NaiveDate,
    ) -> Result<PurchaseOrderLine, FournisseursError> {
        if self.state != PoState::Confirmed {
            return Err(FournisseursError::Refused {
                entity: "purchase order",
                key: self.po_number.clone(),
                reason: format!(
                    "goods are received on a CONFIRMED order, this one is {}",
                    self.state.as_str()
                ),
            });
        }
        if received_on < self.order_date {
            return Err(FournisseursError::invalid(
                "received_on",
                "goods cannot arrive before the order date",
            ));
        }
        let quantity = check_positive("quantity", quantity)?;
        Ok(PurchaseOrderLine {
            qty_received: line.qty_received + quantity,
            // Receipts may be keyed in late and out of order: keep the latest date.
            last_receipt_date: Some(
                line.last_receipt_date
                    .map_or(received_on, |d| d.max(received_on)),
            ),
            ..line
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

    fn order(state: PoState) -> PurchaseOrder {
        PurchaseOrder {
            state,
            ..PurchaseOrder::new("BC25-0001", "F00012", day(1), "jdupont").unwrap()
        }
    }

    fn line(no: i64, qty: &str, price: &str) -> PurchaseOrderLine {
        PurchaseOrderLine::new(no, "MP-00001", "Granulés PP", dec(qty), "kg", dec(price)).unwrap()
    }

    #[test]
    fn the_transition_table_is_the_only_way() {
        use PoState::*;
        let allowed = [
            (Draft, RfqSent),
            (Draft, Confirmed),
            (RfqSent, Confirmed),
            (Confirmed, Closed),
            (Draft, Cancelled),
            (RfqSent, Cancelled),
            (Confirmed, Cancelled),
        ];
        for from in PoState::ALL {
            for to in PoState::ALL {
                let result = order(from).transition_to(to);
                if allowed.contains(&(from, to)) {
                    assert_eq!(result.unwrap().state, to);
                } else {
                    assert!(
                        matches!(result, Err(FournisseursError::Transition { .. })),
                        "{from:?} -> {to:?}"
                    );
                }
            }
        }
        let message = order(Closed).transition_to(Draft).unwrap_err().to_string();
        assert!(message.contains("CLOSED to DRAFT"), "{message}");
        assert_eq!(PoState::parse("RFQ_SENT").unwrap(), RfqSent);
        assert!(PoState::parse("SENT").is_err());
    }

    #[test]
    fn delivery_is_requested_after_ordering() {
        let mut o = order(PoState::Draft);
        o.requested_delivery_date = Some(NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
        assert!(o.clone().validate().is_err());
        o.requested_delivery_date = Some(day(1));
        assert!(o.validate().is_ok());
    }

    #[test]
    fn receipts_accumulate_on_confirmed_orders_only() {
        let o = order(PoState::Confirmed);
        let l = o.receive(line(1, "10", "1"), dec("4"), day(5)).unwrap();
        let l = o.receive(l, dec("2"), day(3)).unwrap();
        assert_eq!(
            (l.qty_received, l.last_receipt_date),
            (dec("6"), Some(day(5)))
        );
        assert!(o.receive(l.clone(), dec("0"), day(5)).is_err());
        assert!(
            o.receive(
                l.clone(),
                dec("1"),
                NaiveDate::from_ymd_opt(2025, 2, 1).unwrap()
            )
            .is_err()
        );
        for state in [
            PoState::Draft,
            PoState::RfqSent,
            PoState::Closed,
            PoState::Cancelled,
        ] {
            assert!(matches!(
                order(state).receive(l.clone(), dec("1"), day(5)),
                Err(FournisseursError::Refused { .. })
            ));
        }
    }
}
