//! The exact total, excluding tax, of order lines: decimal arithmetic that refuses
//! rather than rounds.

use rust_decimal::Decimal;

use super::{ClientsError, OrderLine};

impl OrderLine {
    /// quantity × unit price × (100 − discount) / 100, exact: never rounded, and
    /// refused rather than rounded when it has more digits than a decimal can hold.
    /// Invoicing rounds to the currency's unit when it issues the invoice.
    pub fn total_excl_tax(&self) -> Result<Decimal, ClientsError> {
        let too_large = || {
            ClientsError::invalid(
                "total",
                format!("line {} has too many digits to total exactly", self.line_no),
            )
        };
        let gross = exact_mul(self.quantity, self.unit_price).ok_or_else(too_large)?;
        let kept = Decimal::ONE_HUNDRED
            .checked_sub(self.discount_percent)
            .ok_or_else(too_large)?;
        let mut net = exact_mul(gross, kept).ok_or_else(too_large)?;
        // Dividing by 100 is moving the point: exact, unlike a division.
        net.set_scale(net.scale() + 2).map_err(|_| too_large())?;
        Ok(net.normalize())
    }
}

/// The total excluding tax of an order's lines, exact as [`OrderLine::total_excl_tax`].
pub fn total_excl_tax(lines: &[OrderLine]) -> Result<Decimal, ClientsError> {
    lines.iter().try_fold(Decimal::ZERO, |sum, line| {
        let amount = line.total_excl_tax()?;
        exact_add(sum, amount).ok_or_else(|| {
            ClientsError::invalid("total", "the order total has too many digits to be exact")
        })
    })
}

/// `a × b`, or `None` when the decimal type would have to round it. rust_decimal keeps
/// the sum of the scales unless the product does not fit, and then drops digits.
fn exact_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let product = a.checked_mul(b)?;
    (product.scale() == a.scale() + b.scale()).then_some(product)
}

/// `a + b`, or `None` when it would be rounded (the result keeps the larger scale
/// unless digits had to be dropped).
fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    (sum.scale() >= a.scale().max(b.scale())).then_some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn line(no: i64, qty: &str, price: &str, discount: &str) -> OrderLine {
        OrderLine {
            line_no: no,
            article_code: "PF-00001".into(),
            description: "Boîtier ABS noir".into(),
            quantity: dec(qty),
            unit_price: dec(price),
            discount_percent: dec(discount),
        }
    }

    #[test]
    fn totals_are_exact() {
        assert_eq!(
            line(1, "3.5", "12.345678", "12.5")
                .total_excl_tax()
                .unwrap(),
            dec("37.808638875")
        );
        let lines = [
            line(1, "3", "0.1", "0"),
            line(2, "1", "0.2", "0"),
            line(3, "7", "19.99", "33.333333"),
        ];
        // 0.3 + 0.2 + 7 × 19.99 × 66.666667 / 100
        assert_eq!(total_excl_tax(&lines).unwrap(), dec("93.7866671331"));
        assert_eq!(total_excl_tax(&[]).unwrap(), Decimal::ZERO);
        let huge = line(1, "9999999999999999.999999", "9999999999999999.999999", "0");
        assert!(huge.total_excl_tax().is_err());
    }

    #[test]
    fn products_keep_every_digit() {
        assert_eq!(exact_mul(dec("0.5"), dec("0.2")), Some(dec("0.1")));
        assert_eq!(
            exact_mul(dec("1.10"), dec("1.10")).map(|d| d.scale()),
            Some(2)
        );
        assert_eq!(exact_add(dec("0.1"), dec("0.2")), Some(dec("0.3")));
        assert_eq!(
            exact_mul(dec("100000000000000000000"), dec("100000000000000000000")),
            None
        );
    }
}
