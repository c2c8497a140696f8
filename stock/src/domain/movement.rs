//! The movement ledger: immutable entries whose sum is the stock on hand. A mistake is
//! corrected by a reversing movement, never by editing.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::{StockError, check_code, check_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    Receipt,
    Issue,
    Transfer,
    Adjustment,
    ProductionConsumption,
    ProductionOutput,
    Delivery,
}

impl MovementKind {
    pub const ALL: [MovementKind; 7] = [
        MovementKind::Receipt,
        MovementKind::Issue,
        MovementKind::Transfer,
        MovementKind::Adjustment,
        MovementKind::ProductionConsumption,
        MovementKind::ProductionOutput,
        MovementKind::Delivery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receipt => "RECEIPT",
            MovementKind::Issue => "ISSUE",
            MovementKind::Transfer => "TRANSFER",
            MovementKind::Adjustment => "ADJUSTMENT",
            MovementKind::ProductionConsumption => "PRODUCTION_CONSUMPTION",
            MovementKind::ProductionOutput => "PRODUCTION_OUTPUT",
            MovementKind::Delivery => "DELIVERY",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StockError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StockError::invalid("kind", format!("unknown movement kind {s:?}")))
    }

    /// The sign the quantity must have: +1 into stock, -1 out of it, 0 either way.
    fn sign(self) -> i8 {
        match self {
            MovementKind::Receipt | MovementKind::ProductionOutput => 1,
            MovementKind::Issue | MovementKind::ProductionConsumption | MovementKind::Delivery => {
                -1
            }
            MovementKind::Transfer | MovementKind::Adjustment => 0,
        }
    }
}

/// The reference of the movements that open the ledger with the stock counted before it.
pub const OPENING_REFERENCE: &str = "OUVERTURE";

/// A movement as asked for, before it is in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMovement {
    pub kind: MovementKind,
    pub article_code: String,
    pub location_code: String,
    /// Signed: positive into `location_code`, negative out of it. For a transfer, the
    /// quantity leaves `location_code` and enters `to_location_code`.
    pub quantity: Decimal,
    pub to_location_code: Option<String>,
    pub reference: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub user_name: String,
    pub note: Option<String>,
}

impl NewMovement {
    /// The movement that opens the ledger of an article at a location with the quantity
    /// counted there (the opening stock taken over from a previous system): an
    /// ADJUSTMENT from nothing, referenced [`OPENING_REFERENCE`], dated at the count. A
    /// count is positive (a negative stock cannot be counted, a zero one opens nothing)
    /// and cannot be later than `now`.
    pub fn opening(
        article_code: &str,
        location_code: &str,
        quantity: Decimal,
        counted_at: DateTime<Utc>,
        now: DateTime<Utc>,
        user_name: &str,
        note: Option<String>,
    ) -> Result<NewMovement, StockError> {
        if quantity.is_sign_negative() && !quantity.is_zero() {
            return Err(StockError::invalid(
                "quantity",
                format!("a counted stock cannot be negative ({quantity})"),
            ));
        }
        if counted_at > now {
            return Err(StockError::invalid(
                "occurred_at",
                format!(
                    "the count of {} is in the future",
                    counted_at.format("%Y-%m-%d")
                ),
            ));
        }
        NewMovement {
            kind: MovementKind::Adjustment,
            article_code: article_code.to_owned(),
            location_code: location_code.to_owned(),
            quantity,
            to_location_code: None,
            reference: Some(OPENING_REFERENCE.to_owned()),
            occurred_at: counted_at,
            user_name: user_name.to_owned(),
            note,
        }
        .validate()
    }

    /// Checks the movement against the rules of its kind.
    pub fn validate(self) -> Result<Self, StockError> {
        self.check(false)
    }

    /// Checks a movement that cancels another: its quantity has the opposite sign.
    pub fn validate_reversal(self) -> Result<Self, StockError> {
        self.check(true)
    }

    fn check(self, reversal: bool) -> Result<Self, StockError> {
        let article_code = check_code("article_code", &self.article_code, 32)?;
        let location_code = check_code("location_code", &self.location_code, 40)?;
        let user_name = check_text("user_name", &self.user_name, 100)?;
        if self.quantity.is_zero() {
            return Err(StockError::invalid("quantity", "must not be zero"));
        }
        let sign = if reversal {
            -self.kind.sign()
        } else {
            self.kind.sign()
        };
        if (sign > 0 && self.quantity.is_sign_negative())
            || (sign < 0 && self.quantity.is_sign_positive())
        {
            let expected = if sign > 0 { "positive" } else { "negative" };
            return Err(StockError::invalid(
                "quantity",
                format!("a {} quantity must be {expected}", self.kind.as_str()),
            ));
        }
        let to_location_code = match (self.kind, &self.to_location_code) {
            (MovementKind::Transfer, Some(to)) => {
                let to = check_code("to_location_code", to, 40)?;
                if to == location_code {
                    return Err(StockError::invalid(
                        "to_location_code",
                        "a transfer needs two different locations",
                    ));
                }
                if self.quantity.is_sign_negative() {
                    // A transfer is reversed by moving the goods back, never by a negative quantity.
                    return Err(StockError::invalid(
                        "quantity",
                        "a TRANSFER quantity must be positive",
                    ));
                }
                Some(to)
            }
            (MovementKind::Transfer, None) => {
                return Err(StockError::invalid(
                    "to_location_code",
                    "a transfer needs a destination",
                ));
            }
            (_, Some(_)) => {
                return Err(StockError::invalid(
                    "to_location_code",
                    "only a transfer has a destination",
                ));
            }
            (_, None) => None,
        };
        Ok(NewMovement {
            article_code,
            location_code,
            to_location_code,
            user_name,
            reference: self
                .reference
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty()),
            note: self
                .note
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
            ..self
        })
    }

    /// The changes to on-hand quantities this movement makes, per location.
    pub fn effects(&self) -> Vec<(&str, Decimal)> {
        match &self.to_location_code {
            Some(to) => vec![
                (self.location_code.as_str(), -self.quantity),
                (to.as_str(), self.quantity),
            ],
            None => vec![(self.location_code.as_str(), self.quantity)],
        }
    }
}

/// A movement in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub movement: NewMovement,
    /// The movement this one cancels, when it is a reversal.
    pub reverses: Option<String>,
}

impl Movement {
    /// The movement that cancels this one: the opposite quantity, or for a transfer the
    /// same quantity back from the destination.
    pub fn reversal(&self, id: &str, occurred_at: DateTime<Utc>, user_name: &str) -> NewMovement {
        let m = &self.movement;
        let (location_code, to_location_code, quantity) = match &m.to_location_code {
            Some(to) => (to.clone(), Some(m.location_code.clone()), m.quantity),
            None => (m.location_code.clone(), None, -m.quantity),
        };
        NewMovement {
            kind: m.kind,
            article_code: m.article_code.clone(),
            location_code,
            quantity,
            to_location_code,
            reference: m.reference.clone(),
            occurred_at,
            user_name: user_name.to_owned(),
            note: Some(format!("reversal of movement {id}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::str::FromStr;

    fn movement(kind: MovementKind, qty: &str, to: Option<&str>) -> NewMovement {
        NewMovement {
            kind,
            article_code: "MP-00001".into(),
            location_code: "A01-01-1".into(),
            quantity: Decimal::from_str(qty).unwrap(),
            to_location_code: to.map(Into::into),
            reference: None,
            occurred_at: Utc::now(),
            user_name: "jdupont".into(),
            note: None,
        }
    }

    #[test]
    fn quantities_have_the_sign_of_their_kind() {
        assert!(
            movement(MovementKind::Receipt, "5", None)
                .validate()
                .is_ok()
        );
        assert!(
            movement(MovementKind::Receipt, "-5", None)
                .validate()
                .is_err()
        );
        assert!(movement(MovementKind::Issue, "-5", None).validate().is_ok());
        assert!(movement(MovementKind::Issue, "5", None).validate().is_err());
        assert!(
            movement(MovementKind::Adjustment, "-2.5", None)
                .validate()
                .is_ok()
        );
        assert!(
            movement(MovementKind::Adjustment, "0", None)
                .validate()
                .is_err()
        );
    }

    #[test]
    fn an_opening_is_a_positive_past_count() {
        let day = |d| Utc.with_ymd_and_hms(2024, 12, d, 23, 0, 0).unwrap();
        let qty = |q: &str| Decimal::from_str(q).unwrap();
        let open = |q, at| {
            NewMovement::opening(
                "MP-00001",
                "A01-01-1",
                qty(q),
                at,
                day(30),
                "migration",
                None,
            )
        };
        let m = open("12.5", day(29)).unwrap();
        assert_eq!(
            (m.kind, m.reference.as_deref(), m.occurred_at),
            (MovementKind::Adjustment, Some(OPENING_REFERENCE), day(29))
        );
        assert!(open("12.5", day(30)).is_ok());
        let err = open("-25", day(29)).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid quantity: a counted stock cannot be negative (-25)"
        );
        assert!(open("0", day(29)).is_err());
        let err = open("1", day(31)).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid occurred_at: the count of 2024-12-31 is in the future"
        );
    }

    #[test]
    fn transfers_move_between_two_locations() {
        let t = movement(MovementKind::Transfer, "3", Some("M01-01-1"))
            .validate()
            .unwrap();
        assert_eq!(
            t.effects(),
            vec![
                ("A01-01-1", Decimal::from(-3)),
                ("M01-01-1", Decimal::from(3))
            ]
        );
        assert!(
            movement(MovementKind::Transfer, "3", None)
                .validate()
                .is_err()
        );
        assert!(
            movement(MovementKind::Transfer, "3", Some("A01-01-1"))
                .validate()
                .is_err()
        );
        assert!(
            movement(MovementKind::Issue, "-3", Some("M01-01-1"))
                .validate()
                .is_err()
        );
    }

    #[test]
    fn a_reversal_cancels_the_effects() {
        let m = Movement {
            movement: movement(MovementKind::Receipt, "7", None)
                .validate()
                .unwrap(),
            reverses: None,
        };
        let r = m
            .reversal("id-1", Utc::now(), "admin")
            .validate_reversal()
            .unwrap();
        assert_eq!(r.effects(), vec![("A01-01-1", Decimal::from(-7))]);
        assert!(m.reversal("id-1", Utc::now(), "admin").validate().is_err());
        let t = Movement {
            movement: movement(MovementKind::Transfer, "2", Some("M01-01-1"))
                .validate()
                .unwrap(),
            reverses: None,
        };
        let back = t
            .reversal("id-2", Utc::now(), "admin")
            .validate_reversal()
            .unwrap();
        assert_eq!(
            back.effects(),
            vec![
                ("M01-01-1", Decimal::from(-2)),
                ("A01-01-1", Decimal::from(2))
            ]
        );
    }
}
