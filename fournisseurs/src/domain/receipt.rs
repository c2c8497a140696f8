//! Receipts: goods received on a purchase order, line by line, each line posted to the
//! stock ledger as one RECEIPT movement.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    FournisseursError, PurchaseOrder, PurchaseOrderLine, check_code, check_optional, check_text,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub po_number: String,
    /// The stock location the goods went to; a code of the stock domain.
    pub location_code: String,
    pub received_on: NaiveDate,
    /// Who received the goods.
    pub user_name: String,
    pub note: Option<String>,
}

impl Receipt {
    pub fn validate(self) -> Result<Self, FournisseursError> {
        Ok(Receipt {
            po_number: check_code("po_number", &self.po_number, 20)?,
            location_code: check_code("location_code", &self.location_code, 32)?,
            user_name: check_text("user_name", &self.user_name, 100)?,
            note: check_optional("note", self.note.as_deref(), 200)?,
            ..self
        })
    }
}

/// One received line: what arrived and the stock movement that recorded it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub line_no: i64,
    pub article_code: String,
    pub quantity: Decimal,
    /// The id of the RECEIPT movement in the stock ledger.
    pub movement_id: String,
}

impl PurchaseOrder {
    /// The order's lines after receiving `quantities` (line number, quantity) on
    /// `received_on`, only the lines that change, in the order given. Each line is
    /// received once per receipt; a line may receive more than ordered, as suppliers
    /// deliver a little more (see [`PurchaseOrderLine::qty_received`]).
    pub fn receive_lines(
        &self,
        lines: &[PurchaseOrderLine],
        quantities: &[(i64, Decimal)],
        received_on: NaiveDate,
    ) -> Result<Vec<PurchaseOrderLine>, FournisseursError> {
        if quantities.is_empty() {
            return Err(FournisseursError::invalid(
                "lines",
                "a receipt needs at least one line",
            ));
        }
        let mut received = Vec::with_capacity(quantities.len());
        for (i, (line_no, quantity)) in quantities.iter().enumerate() {
            if quantities[..i].iter().any(|(n, _)| n == line_no) {
                return Err(FournisseursError::invalid(
                    "lines",
                    format!("line {line_no} appears twice in the receipt"),
                ));
            }
            let line = lines
                .iter()
                .find(|l| l.line_no == *line_no)
                .ok_or_else(|| {
                    FournisseursError::invalid(
                        "lines",
                        format!("order {} has no line {line_no}", self.po_number),
                    )
                })?;
            received.push(self.receive(line.clone(), *quantity, received_on)?);
        }
        Ok(received)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PoState;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
    }

    #[test]
    fn receipts_name_each_existing_line_once() {
        let order = PurchaseOrder {
            state: PoState::Confirmed,
            ..PurchaseOrder::new("BC25-0001", "F00012", day(1), "jdupont").unwrap()
        };
        let lines = [
            PurchaseOrderLine::new(1, "MP-00001", "Vis", dec("10"), "pce", dec("1")).unwrap(),
            PurchaseOrderLine::new(2, "MP-00002", "Écrous", dec("5"), "pce", dec("1")).unwrap(),
        ];
        let after = order
            .receive_lines(&lines, &[(2, dec("6")), (1, dec("1"))], day(4))
            .unwrap();
        assert_eq!(after.len(), 2);
        assert_eq!((after[0].line_no, after[0].qty_received), (2, dec("6")));
        assert!(after[0].is_received());
        for bad in [
            vec![],
            vec![(1, dec("1")), (1, dec("2"))],
            vec![(3, dec("1"))],
            vec![(1, dec("0"))],
        ] {
            assert!(matches!(
                order.receive_lines(&lines, &bad, day(4)),
                Err(FournisseursError::Invalid { .. })
            ));
        }
        let draft = PurchaseOrder {
            state: PoState::Draft,
            ..order
        };
        assert!(matches!(
            draft.receive_lines(&lines, &[(1, dec("1"))], day(4)),
            Err(FournisseursError::Refused { .. })
        ));
    }

    #[test]
    fn receipts_are_checked() {
        let r = Receipt {
            po_number: "BC25-0001".into(),
            location_code: "A01-01-1".into(),
            received_on: day(4),
            user_name: " magasinier ".into(),
            note: Some(" ".into()),
        };
        let checked = r.clone().validate().unwrap();
        assert_eq!(
            (checked.user_name.as_str(), checked.note),
            ("magasinier", None)
        );
        assert!(
            Receipt {
                location_code: "a01".into(),
                ..r.clone()
            }
            .validate()
            .is_err()
        );
        assert!(
            Receipt {
                user_name: String::new(),
                ..r
            }
            .validate()
            .is_err()
        );
    }
}
