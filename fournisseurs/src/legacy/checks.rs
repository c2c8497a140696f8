//! What is checked once everything is loaded: the domain derives an order's total from
//! its lines, GESCOM recorded it (`MONTANT_HT`, "sum of the lines"). An order whose
//! lines do not add up to it is loaded and reported, not quarantined: the mismatch comes
//! from lines the migration quarantined (a quantity typed negative or lost), the header
//! itself is sound and the bills refer to it. The report names each order with both
//! amounts, so that the lines can be fixed in the source and the migration run again.

use std::collections::HashMap;

use bascule_migrate::engine::entity::AfterLoadFuture;
use bascule_platform::db::record;
use bascule_platform::db::{DbError, Tx};
use rust_decimal::RoundingStrategy;

use crate::domain::{PurchaseOrderLine, order_total};
use crate::storage::legacy_rows::LegacyOrder;
use crate::storage::records::LineRow;

/// How many orders the note names; the count covers them all.
const NAMED: usize = 40;

/// The after-load step: compares every migrated order's lines with its legacy total.
pub(crate) fn order_totals(tx: &mut Tx) -> AfterLoadFuture<'_> {
    Box::pin(async move {
        let orders = record::list_all::<LegacyOrder>(tx, &[]).await?;
        let rows = record::list_all::<LineRow>(tx, &[]).await?;
        let mut lines: HashMap<String, Vec<PurchaseOrderLine>> = HashMap::new();
        for row in rows {
            lines
                .entry(row.value.order_id)
                .or_default()
                .push(row.value.line);
        }
        let mut check = TotalsCheck::default();
        for order in orders {
            let order_lines = lines.remove(&order.id).unwrap_or_default();
            check.add(&order.value, &order_lines);
        }
        Ok::<String, DbError>(check.note())
    })
}

/// The comparison, order by order.
#[derive(Debug, Default)]
struct TotalsCheck {
    checked: usize,
    /// "BC16-0021: 17909.06 in GESCOM, 7983.79 from 1 line".
    differ: Vec<String>,
    empty: Vec<String>,
}

impl TotalsCheck {
    fn add(&mut self, legacy_order: &LegacyOrder, lines: &[PurchaseOrderLine]) {
        let (order, Some(legacy)) = (&legacy_order.order, legacy_order.total_excl_tax) else {
            return;
        };
        self.checked += 1;
        // MONTANT_HT is NUMBER(12,2), rounded the way Oracle's ROUND does.
        let total =
            order_total(lines).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        if lines.is_empty() {
            self.empty.push(order.po_number.clone());
        }
        if total != legacy {
            let n = lines.len();
            // Both with two decimals, whatever scale each backend returns.
            self.differ.push(format!(
                "{}: {legacy:.2} in GESCOM, {total:.2} from {n} line{}",
                order.po_number,
                if n == 1 { "" } else { "s" }
            ));
        }
    }

    fn note(&self) -> String {
        let list = |items: &[String]| {
            let mut named = items.iter().take(NAMED).cloned().collect::<Vec<_>>();
            if items.len() > NAMED {
                named.push(format!("and {} more", items.len() - NAMED));
            }
            named.join("; ")
        };
        let mut note = format!(
            "purchase order totals: {} of {} migrated orders have lines adding up to GESCOM's MONTANT_HT",
            self.checked - self.differ.len(),
            self.checked
        );
        if !self.differ.is_empty() {
            note.push_str(&format!(
                "; {} differ (lines quarantined, or MONTANT_HT wrong) — {}",
                self.differ.len(),
                list(&self.differ)
            ));
        }
        if !self.empty.is_empty() {
            note.push_str(&format!(
                "; {} have no line left — {}",
                self.empty.len(),
                list(&self.empty)
            ));
        }
        note
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PurchaseOrder;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn order(po: &str, legacy: Option<&str>) -> LegacyOrder {
        let day = NaiveDate::from_ymd_opt(2016, 1, 4).unwrap();
        LegacyOrder {
            order: PurchaseOrder::new(po, "F00011", day, "ARO").unwrap(),
            legacy_id: "20021".into(),
            total_excl_tax: legacy.map(dec),
        }
    }

    fn line(no: i64, qty: &str, price: &str, discount: &str) -> PurchaseOrderLine {
        PurchaseOrderLine {
            discount_percent: dec(discount),
            ..PurchaseOrderLine::new(no, "MP-48872", "Granulés", dec(qty), "kg", dec(price))
                .unwrap()
        }
    }

    #[test]
    fn totals_are_compared_to_the_cent() {
        let mut check = TotalsCheck::default();
        // 2647.53 × 4.89 + 769.043 × 7.17 × 0.9 = 17909.0602…
        let both = [
            line(1, "2647.53", "4.89", "0"),
            line(2, "769.043", "7.17", "10"),
        ];
        check.add(&order("BC16-0021", Some("17909.06")), &both);
        check.add(&order("BC16-0022", Some("17909.06")), &both[..1]);
        check.add(&order("BC22-0071", Some("4629.31")), &[]);
        check.add(&order("BC25-0001", None), &[]);
        assert_eq!(check.checked, 3);
        assert_eq!(
            check.note(),
            "purchase order totals: 1 of 3 migrated orders have lines adding up to GESCOM's \
             MONTANT_HT; 2 differ (lines quarantined, or MONTANT_HT wrong) — BC16-0022: \
             17909.06 in GESCOM, 12946.42 from 1 line; BC22-0071: 4629.31 in GESCOM, 0.00 from \
             0 lines; 1 have no line left — BC22-0071"
        );
    }
}
