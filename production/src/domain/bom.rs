//! Bills of materials: what a batch of an article consumes.

use rust_decimal::Decimal;

use super::{ProductionError, check_amount, check_code, check_text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomLine {
    /// Position in the bill, from 1; unique within it.
    pub line_no: i64,
    /// An article code of the stock domain.
    pub component_code: String,
    /// Consumed per batch of the produced article.
    pub quantity: Decimal,
    pub unit: String,
}

impl BomLine {
    pub fn new(
        line_no: i64,
        component_code: &str,
        quantity: Decimal,
        unit: &str,
    ) -> Result<Self, ProductionError> {
        BomLine {
            line_no,
            component_code: component_code.to_owned(),
            quantity,
            unit: unit.to_owned(),
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, ProductionError> {
        if self.line_no <= 0 {
            return Err(ProductionError::invalid("line_no", "must be positive"));
        }
        Ok(BomLine {
            component_code: check_code("component_code", &self.component_code, 32)?,
            quantity: check_amount("quantity", self.quantity, true)?,
            unit: check_text("unit", &self.unit, 20)?,
            ..self
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillOfMaterials {
    /// The article produced, a code of the stock domain; one bill per article.
    pub article_code: String,
    pub name: String,
    /// How much of the article one batch produces.
    pub batch_qty: Decimal,
    /// In line number order.
    pub lines: Vec<BomLine>,
}

impl BillOfMaterials {
    pub fn new(
        article_code: &str,
        name: &str,
        batch_qty: Decimal,
        lines: Vec<BomLine>,
    ) -> Result<Self, ProductionError> {
        BillOfMaterials {
            article_code: article_code.to_owned(),
            name: name.to_owned(),
            batch_qty,
            lines,
        }
        .validate()
    }

    /// Checks the bill and its lines, and puts the lines in line number order (the
    /// order they are read back in).
    pub fn validate(self) -> Result<Self, ProductionError> {
        let article_code = check_code("article_code", &self.article_code, 32)?;
        if self.lines.is_empty() {
            return Err(ProductionError::invalid("lines", "a bill needs a line"));
        }
        let mut lines = self
            .lines
            .into_iter()
            .map(BomLine::validate)
            .collect::<Result<Vec<_>, _>>()?;
        lines.sort_by_key(|l| l.line_no);
        if let Some(pair) = lines.windows(2).find(|w| w[0].line_no == w[1].line_no) {
            return Err(ProductionError::invalid(
                "line_no",
                format!("line {} appears twice", pair[0].line_no),
            ));
        }
        if lines.iter().any(|l| l.component_code == article_code) {
            return Err(ProductionError::invalid(
                "component_code",
                "an article cannot be a component of itself",
            ));
        }
        Ok(BillOfMaterials {
            name: check_text("name", &self.name, 200)?,
            batch_qty: check_amount("batch_qty", self.batch_qty, true)?,
            article_code,
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(no: i64, component: &str) -> BomLine {
        BomLine::new(no, component, Decimal::new(25, 1), "kg").unwrap()
    }

    #[test]
    fn lines_are_checked_and_sorted() {
        let bom = BillOfMaterials::new(
            "PF-00001",
            "Boîtier",
            Decimal::from(100),
            vec![line(20, "MP-00002"), line(10, "MP-00001")],
        )
        .unwrap();
        let numbers: Vec<i64> = bom.lines.iter().map(|l| l.line_no).collect();
        assert_eq!(numbers, vec![10, 20]);
        assert!(BomLine::new(0, "MP-00001", Decimal::ONE, "kg").is_err());
        assert!(BomLine::new(1, "MP-00001", Decimal::ZERO, "kg").is_err());
        assert!(BomLine::new(1, "MP-00001", Decimal::ONE, " ").is_err());
    }

    #[test]
    fn refuses_inconsistent_bills() {
        let new = |lines| BillOfMaterials::new("PF-00001", "Boîtier", Decimal::ONE, lines);
        assert!(new(vec![]).is_err());
        assert!(new(vec![line(1, "MP-00001"), line(1, "MP-00002")]).is_err());
        assert!(new(vec![line(1, "PF-00001")]).is_err());
        assert!(
            BillOfMaterials::new("PF-00001", "B", Decimal::ZERO, vec![line(1, "MP-00001")])
                .is_err()
        );
    }
}
