//! What a supplier sells us: an article of the stock domain at the supplier's terms.

use rust_decimal::Decimal;

use super::{FournisseursError, check_code, check_not_negative, check_optional};

/// What a supplier sells us: one of our article codes (of the stock domain) at its terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierArticle {
    pub supplier_code: String,
    /// An article code of the stock domain; not checked here, stock owns articles.
    pub article_code: String,
    /// The supplier's own reference for the article.
    pub supplier_sku: Option<String>,
    /// In the supplier's currency.
    pub unit_price: Decimal,
    /// Zero when any quantity may be ordered.
    pub min_order_qty: Decimal,
    pub lead_time_days: i64,
    /// The supplier to order the article from by default; one per article.
    pub preferred: bool,
}

impl SupplierArticle {
    pub fn validate(self) -> Result<Self, FournisseursError> {
        if self.lead_time_days < 0 {
            return Err(FournisseursError::invalid(
                "lead_time_days",
                "must not be negative",
            ));
        }
        Ok(SupplierArticle {
            supplier_code: check_code("supplier_code", &self.supplier_code, 32)?,
            article_code: check_code("article_code", &self.article_code, 32)?,
            supplier_sku: check_optional("supplier_sku", self.supplier_sku.as_deref(), 60)?,
            unit_price: check_not_negative("unit_price", self.unit_price)?,
            min_order_qty: check_not_negative("min_order_qty", self.min_order_qty)?,
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplier_articles_refuse_negative_terms() {
        let a = SupplierArticle {
            supplier_code: "F00012".into(),
            article_code: "MP-00001".into(),
            supplier_sku: Some("  ".into()),
            unit_price: Decimal::new(1234, 2),
            min_order_qty: Decimal::ZERO,
            lead_time_days: 10,
            preferred: true,
        };
        assert_eq!(a.clone().validate().unwrap().supplier_sku, None);
        let negative = SupplierArticle {
            unit_price: Decimal::new(-1, 0),
            ..a.clone()
        };
        assert!(negative.validate().is_err());
        assert!(
            SupplierArticle {
                lead_time_days: -1,
                ..a
            }
            .validate()
            .is_err()
        );
    }
}
