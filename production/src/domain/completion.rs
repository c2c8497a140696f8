//! What completing a manufacturing order posts in stock: the consumption of each
//! component of the bill of materials and the output of the produced article.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{BillOfMaterials, ManufacturingOrder, MoState, ProductionError, check_amount};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostingKind {
    /// A component leaves stock: the quantity is negative.
    Consumption,
    /// The produced article enters stock: the quantity is positive.
    Output,
}

/// One stock movement a completion needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    /// Stable for an order and a bill line (`<line_no>` or `output`): what makes a
    /// repeated completion find the movement it already posted instead of posting twice.
    pub key: String,
    pub kind: PostingKind,
    pub article_code: String,
    /// Signed as stock expects it.
    pub quantity: Decimal,
}

impl ManufacturingOrder {
    /// The movements completing this order posts, components first, for `produced` good
    /// articles made with `bom`. Only an IN_PROGRESS order completes.
    pub fn completion_postings(
        &self,
        bom: &BillOfMaterials,
        produced: Decimal,
    ) -> Result<Vec<Posting>, ProductionError> {
        if !self.state.can_become(MoState::Done) {
            return Err(ProductionError::InvalidTransition {
                entity: "manufacturing order",
                key: self.mo_number.clone(),
                from: self.state.as_str(),
                to: MoState::Done.as_str(),
            });
        }
        if bom.article_code != self.article_code {
            return Err(ProductionError::invalid(
                "article_code",
                format!(
                    "the bill is for {}, the order makes {}",
                    bom.article_code, self.article_code
                ),
            ));
        }
        let produced = check_amount("produced_quantity", produced, true)?;
        let mut postings: Vec<Posting> = bom
            .lines
            .iter()
            .map(|line| {
                // Rounded away from zero, so that a tiny consumption is never lost and
                // the stock never shows more than was really left.
                let needed = (line.quantity * produced / bom.batch_qty)
                    .round_dp_with_strategy(6, RoundingStrategy::AwayFromZero);
                Posting {
                    key: line.line_no.to_string(),
                    kind: PostingKind::Consumption,
                    article_code: line.component_code.clone(),
                    quantity: -needed,
                }
            })
            .collect();
        postings.push(Posting {
            key: "output".to_owned(),
            kind: PostingKind::Output,
            article_code: self.article_code.clone(),
            quantity: produced,
        });
        Ok(postings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::BomLine;
    use chrono::NaiveDate;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn order(state: MoState) -> ManufacturingOrder {
        let day = NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
        ManufacturingOrder {
            state,
            ..ManufacturingOrder::new("OF25-0001", "PF-00001", d("500"), day, day).unwrap()
        }
    }

    fn bom(batch: &str) -> BillOfMaterials {
        BillOfMaterials::new(
            "PF-00001",
            "Boîtier",
            d(batch),
            vec![
                BomLine::new(20, "MP-00002", d("0.001"), "kg").unwrap(),
                BomLine::new(10, "MP-00001", d("2.5"), "kg").unwrap(),
            ],
        )
        .unwrap()
    }

    #[test]
    fn components_per_batch_then_the_output() {
        let postings = order(MoState::InProgress)
            .completion_postings(&bom("3"), d("10"))
            .unwrap();
        let summary: Vec<(&str, &str, String)> = postings
            .iter()
            .map(|p| {
                (
                    p.key.as_str(),
                    p.article_code.as_str(),
                    p.quantity.normalize().to_string(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("10", "MP-00001", "-8.333334".to_owned()),
                ("20", "MP-00002", "-0.003334".to_owned()),
                ("output", "PF-00001", "10".to_owned()),
            ]
        );
        assert_eq!(postings[2].kind, PostingKind::Output);
    }

    #[test]
    fn only_an_order_in_progress_completes() {
        for state in MoState::ALL {
            let result = order(state).completion_postings(&bom("1"), d("1"));
            assert_eq!(result.is_ok(), state == MoState::InProgress, "{state:?}");
        }
        let running = order(MoState::InProgress);
        assert!(running.completion_postings(&bom("1"), d("0")).is_err());
        let mut other = bom("1");
        other.article_code = "PF-00002".into();
        assert!(running.completion_postings(&other, d("1")).is_err());
    }
}
