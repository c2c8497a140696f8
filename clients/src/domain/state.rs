//! The life of a customer order, and which state may follow which.

use super::ClientsError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderState {
    Draft,
    Confirmed,
    InProduction,
    Ready,
    Delivered,
    Closed,
    Cancelled,
}

impl OrderState {
    pub const ALL: [OrderState; 7] = [
        OrderState::Draft,
        OrderState::Confirmed,
        OrderState::InProduction,
        OrderState::Ready,
        OrderState::Delivered,
        OrderState::Closed,
        OrderState::Cancelled,
    ];

    /// Every allowed move; anything else is refused.
    pub const TRANSITIONS: [(OrderState, OrderState); 9] = [
        (OrderState::Draft, OrderState::Confirmed),
        (OrderState::Confirmed, OrderState::InProduction),
        // Goods taken from stock need no production.
        (OrderState::Confirmed, OrderState::Ready),
        (OrderState::InProduction, OrderState::Ready),
        (OrderState::Ready, OrderState::Delivered),
        (OrderState::Delivered, OrderState::Closed),
        // Once goods are ready the order is the customer's: it is delivered, not cancelled.
        (OrderState::Draft, OrderState::Cancelled),
        (OrderState::Confirmed, OrderState::Cancelled),
        (OrderState::InProduction, OrderState::Cancelled),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Draft => "DRAFT",
            OrderState::Confirmed => "CONFIRMED",
            OrderState::InProduction => "IN_PRODUCTION",
            OrderState::Ready => "READY",
            OrderState::Delivered => "DELIVERED",
            OrderState::Closed => "CLOSED",
            OrderState::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ClientsError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ClientsError::invalid("state", format!("unknown order state {s:?}")))
    }

    pub fn can_become(self, next: OrderState) -> bool {
        Self::TRANSITIONS.contains(&(self, next))
    }

    /// Only a draft's lines, dates and references may be edited.
    pub fn is_editable(self) -> bool {
        self == OrderState::Draft
    }

    /// Whether an order in this state must have lines: from confirmation on it commits
    /// the company to deliver something.
    pub fn needs_lines(self) -> bool {
        !matches!(self, OrderState::Draft | OrderState::Cancelled)
    }

    pub fn is_final(self) -> bool {
        matches!(self, OrderState::Closed | OrderState::Cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for s in OrderState::ALL {
            assert_eq!(OrderState::parse(s.as_str()).unwrap(), s);
        }
        assert!(OrderState::parse("draft").is_err());
    }

    #[test]
    fn only_the_table_is_allowed() {
        use OrderState::*;
        let allowed = [
            (Draft, Confirmed),
            (Confirmed, InProduction),
            (Confirmed, Ready),
            (InProduction, Ready),
            (Ready, Delivered),
            (Delivered, Closed),
            (Draft, Cancelled),
            (Confirmed, Cancelled),
            (InProduction, Cancelled),
        ];
        for from in OrderState::ALL {
            for to in OrderState::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?}->{to:?}"
                );
            }
        }
        for s in [Closed, Cancelled] {
            assert!(s.is_final());
            assert!(OrderState::ALL.into_iter().all(|to| !s.can_become(to)));
        }
    }
}
