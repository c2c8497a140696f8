//! Numbers, amounts and dates as a French reader expects them: a decimal comma, a
//! non-breaking space between thousands, day/month/year.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// The non-breaking space French puts between thousands and before a currency sign.
pub const NBSP: char = '\u{a0}';

/// `1250.5` → `1 250,5`, with at least `min_scale` decimals (trailing zeros beyond them
/// are dropped).
pub fn number(d: Decimal, min_scale: u32) -> String {
    let mut d = d.normalize();
    if d.scale() < min_scale {
        d.rescale(min_scale);
    }
    let text = d.to_string();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(NBSP);
        }
        grouped.push(c);
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// An amount in `currency`: `2,50 €`, `1 200,00 USD`; rounded to the cent when it has
/// more decimals (prices may have four), never below two.
pub fn money(d: Decimal, currency: &str) -> String {
    let sign = if currency.eq_ignore_ascii_case("EUR") {
        "€"
    } else {
        currency
    };
    format!("{}{NBSP}{sign}", number(d, 2))
}

/// A total, rounded to the cent (half away from zero, as on an invoice).
pub fn total(d: Decimal, currency: &str) -> String {
    money(
        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        currency,
    )
}

pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn french_numbers() {
        assert_eq!(number(dec("1250.50"), 0), "1\u{a0}250,5");
        assert_eq!(number(dec("10.000"), 0), "10");
        assert_eq!(number(dec("2.5"), 2), "2,50");
        assert_eq!(number(dec("1234567.8912"), 2), "1\u{a0}234\u{a0}567,8912");
        assert_eq!(number(dec("-999"), 0), "-999");
        assert_eq!(money(dec("2.5"), "EUR"), "2,50\u{a0}€");
        assert_eq!(total(dec("3.14159"), "USD"), "3,14\u{a0}USD");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2025, 3, 5).unwrap_or_default()),
            "05/03/2025"
        );
    }
}
