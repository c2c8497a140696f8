//! Supplier bills, their state machine and what is derived from their payments:
//! payment status and whether a bill is overdue.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{FournisseursError, check_code, check_not_negative, check_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillState {
    /// Keyed in, not yet in the accounts.
    Draft,
    Posted,
    Cancelled,
}

impl BillState {
    pub const ALL: [BillState; 3] = [BillState::Draft, BillState::Posted, BillState::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            BillState::Draft => "DRAFT",
            BillState::Posted => "POSTED",
            BillState::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FournisseursError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| FournisseursError::invalid("state", format!("unknown bill state {s:?}")))
    }

    /// The transition table: the states a bill may go to from this one.
    pub fn next_states(self) -> &'static [BillState] {
        match self {
            BillState::Draft => &[BillState::Posted, BillState::Cancelled],
            BillState::Posted => &[BillState::Cancelled],
            BillState::Cancelled => &[],
        }
    }

    pub fn can_become(self, next: BillState) -> bool {
        self.next_states().contains(&next)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    NotPaid,
    PartiallyPaid,
    Paid,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::NotPaid => "NOT_PAID",
            PaymentStatus::PartiallyPaid => "PARTIALLY_PAID",
            PaymentStatus::Paid => "PAID",
        }
    }

    /// The status of a bill of `amount_due` of which `paid` was paid.
    pub fn of(amount_due: Decimal, paid: Decimal) -> Self {
        if paid >= amount_due {
            PaymentStatus::Paid
        } else if paid > Decimal::ZERO {
            PaymentStatus::PartiallyPaid
        } else {
            PaymentStatus::NotPaid
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierBill {
    pub supplier_code: String,
    /// The purchase order billed, when there is one.
    pub po_number: Option<String>,
    /// The supplier's own invoice number, unique per supplier.
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Both known, or both unknown: GESCOM recorded only the amount including tax, so the
    /// bills taken over from it have no split; bills created in bascule always have one.
    pub amount_excl_tax: Option<Decimal>,
    pub tax_amount: Option<Decimal>,
    /// `amount_excl_tax + tax_amount` when they are known.
    pub amount_incl_tax: Decimal,
    pub state: BillState,
}

impl SupplierBill {
    /// A draft bill whose amount including tax is the sum of the other two.
    pub fn new(
        supplier_code: &str,
        invoice_number: &str,
        invoice_date: NaiveDate,
        due_date: NaiveDate,
        amount_excl_tax: Decimal,
        tax_amount: Decimal,
    ) -> Result<Self, FournisseursError> {
        SupplierBill {
            supplier_code: supplier_code.to_owned(),
            po_number: None,
            invoice_number: invoice_number.to_owned(),
            invoice_date,
            due_date,
            amount_excl_tax: Some(amount_excl_tax),
            tax_amount: Some(tax_amount),
            amount_incl_tax: amount_excl_tax + tax_amount,
            state: BillState::Draft,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, FournisseursError> {
        if self.due_date < self.invoice_date {
            return Err(FournisseursError::invalid(
                "due_date",
                "must not be before the invoice date",
            ));
        }
        // A credit note is not a bill: negative amounts are refused.
        let incl = check_not_negative("amount_incl_tax", self.amount_incl_tax)?;
        match (self.amount_excl_tax, self.tax_amount) {
            (Some(excl), Some(tax)) => {
                let excl = check_not_negative("amount_excl_tax", excl)?;
                let tax = check_not_negative("tax_amount", tax)?;
                if excl + tax != incl {
                    return Err(FournisseursError::invalid(
                        "amount_incl_tax",
                        format!("{incl} is not {excl} excl. tax + {tax} tax"),
                    ));
                }
            }
            (None, None) => {}
            _ => {
                return Err(FournisseursError::invalid(
                    "tax_amount",
                    "the amount excluding tax and the tax are known together or not at all",
                ));
            }
        }
        let po_number = self
            .po_number
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| check_code("po_number", p, 20))
            .transpose()?;
        Ok(SupplierBill {
            supplier_code: check_code("supplier_code", &self.supplier_code, 32)?,
            po_number,
            invoice_number: check_text("invoice_number", &self.invoice_number, 40)?,
            ..self
        })
    }

    /// Checks that the order the bill names, placed with `order_supplier_code`, is one of
    /// the bill's supplier's.
    pub fn check_order_supplier(&self, order_supplier_code: &str) -> Result<(), FournisseursError> {
        match &self.po_number {
            Some(po_number) if order_supplier_code != self.supplier_code => {
                Err(FournisseursError::invalid(
                    "po_number",
                    format!(
                        "order {po_number} is one of supplier {order_supplier_code}, not {}",
                        self.supplier_code
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// How the bill is named in messages: supplier code and invoice number.
    pub fn key(&self) -> String {
        format!("{}/{}", self.supplier_code, self.invoice_number)
    }

    /// The bill in state `next`, when the transition table allows it.
    pub fn transition_to(self, next: BillState) -> Result<Self, FournisseursError> {
        if !self.state.can_become(next) {
            let allowed: Vec<&str> = self
                .state
                .next_states()
                .iter()
                .map(|s| s.as_str())
                .collect();
            return Err(FournisseursError::transition(
                "supplier bill",
                &self.key(),
                self.state.as_str(),
                next.as_str(),
                &allowed,
            ));
        }
        Ok(SupplierBill {
            state: next,
            ..self
        })
    }

    /// Refuses changes to a bill that left DRAFT: a posted bill is in the accounts.
    pub fn check_editable(&self) -> Result<(), FournisseursError> {
        if self.state == BillState::Draft {
            return Ok(());
        }
        Err(FournisseursError::NotEditable {
            entity: "supplier bill",
            key: self.key(),
            state: self.state.as_str(),
        })
    }

    pub fn payment_status(&self, paid: Decimal) -> PaymentStatus {
        PaymentStatus::of(self.amount_incl_tax, paid)
    }

    /// What remains to pay; never negative.
    pub fn outstanding(&self, paid: Decimal) -> Decimal {
        (self.amount_incl_tax - paid).max(Decimal::ZERO)
    }

    /// Due before `as_of`, not paid in full and not cancelled.
    pub fn is_overdue(&self, paid: Decimal, as_of: NaiveDate) -> bool {
        self.due_date < as_of
            && self.state != BillState::Cancelled
            && self.payment_status(paid) != PaymentStatus::Paid
    }

    /// Checks that `amount` may be paid on this bill, of which `paid` was already paid.
    pub fn check_payment(&self, paid: Decimal, amount: Decimal) -> Result<(), FournisseursError> {
        if self.state == BillState::Cancelled {
            return Err(FournisseursError::Refused {
                entity: "supplier bill",
                key: self.key(),
                reason: "a cancelled bill is not paid".into(),
            });
        }
        let outstanding = self.outstanding(paid);
        if amount > outstanding {
            return Err(FournisseursError::Overpayment {
                bill: self.key(),
                outstanding,
                amount,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).unwrap()
    }

    fn bill() -> SupplierBill {
        SupplierBill::new(
            "F00012",
            "FA-2025/001",
            day(3, 1),
            day(3, 31),
            dec("100"),
            dec("20"),
        )
        .unwrap()
    }

    #[test]
    fn amounts_must_add_up() {
        assert_eq!(bill().amount_incl_tax, dec("120"));
        let wrong = SupplierBill {
            amount_incl_tax: dec("119.99"),
            ..bill()
        };
        assert!(matches!(
            wrong.validate(),
            Err(FournisseursError::Invalid {
                field: "amount_incl_tax",
                ..
            })
        ));
        assert!(
            SupplierBill::new("F00012", "FA-1", day(3, 1), day(2, 1), dec("1"), dec("0")).is_err()
        );
        assert!(
            SupplierBill::new("F00012", "FA-1", day(3, 1), day(3, 1), dec("-1"), dec("0")).is_err()
        );
        assert!(
            SupplierBill::new("F00012", " ", day(3, 1), day(3, 1), dec("1"), dec("0")).is_err()
        );
        let unsplit = SupplierBill {
            amount_excl_tax: None,
            tax_amount: None,
            ..bill()
        };
        assert_eq!(
            unsplit.clone().validate().unwrap().amount_incl_tax,
            dec("120")
        );
        let half = SupplierBill {
            tax_amount: None,
            ..bill()
        };
        assert!(half.validate().is_err());
        let credit_note = SupplierBill {
            amount_incl_tax: dec("-120"),
            ..unsplit
        };
        assert!(credit_note.validate().is_err());
    }

    #[test]
    fn bill_transitions() {
        use BillState::*;
        for from in BillState::ALL {
            for to in BillState::ALL {
                let allowed = matches!(
                    (from, to),
                    (Draft, Posted) | (Draft, Cancelled) | (Posted, Cancelled)
                );
                let result = SupplierBill {
                    state: from,
                    ..bill()
                }
                .transition_to(to);
                assert_eq!(result.is_ok(), allowed, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn payment_status_and_overdue() {
        let b = bill();
        assert_eq!(b.payment_status(dec("0")), PaymentStatus::NotPaid);
        assert_eq!(b.payment_status(dec("0.01")), PaymentStatus::PartiallyPaid);
        assert_eq!(b.payment_status(dec("120")), PaymentStatus::Paid);
        assert_eq!(b.outstanding(dec("20")), dec("100"));
        assert!(!b.is_overdue(dec("0"), day(3, 31)));
        assert!(b.is_overdue(dec("119"), day(4, 1)));
        assert!(!b.is_overdue(dec("120"), day(4, 1)));
        let cancelled = SupplierBill {
            state: BillState::Cancelled,
            ..bill()
        };
        assert!(!cancelled.is_overdue(dec("0"), day(4, 1)));
    }

    #[test]
    fn payments_never_overpay_nor_pay_cancelled_bills() {
        let b = bill();
        assert!(b.check_payment(dec("100"), dec("20")).is_ok());
        assert!(matches!(
            b.check_payment(dec("100"), dec("20.000001")),
            Err(FournisseursError::Overpayment { .. })
        ));
        let cancelled = SupplierBill {
            state: BillState::Cancelled,
            ..bill()
        };
        assert!(matches!(
            cancelled.check_payment(dec("0"), dec("1")),
            Err(FournisseursError::Refused { .. })
        ));
    }
}
