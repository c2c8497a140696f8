//! Articles (what is stocked) and locations (where).

use rust_decimal::Decimal;

use super::{StockError, check_code, check_text};

/// The family of an article, from the prefix of its reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleKind {
    RawMaterial,
    Component,
    Consumable,
    Packaging,
    SemiFinished,
    FinishedGood,
}

impl ArticleKind {
    pub const ALL: [ArticleKind; 6] = [
        ArticleKind::RawMaterial,
        ArticleKind::Component,
        ArticleKind::Consumable,
        ArticleKind::Packaging,
        ArticleKind::SemiFinished,
        ArticleKind::FinishedGood,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::RawMaterial => "RAW_MATERIAL",
            ArticleKind::Component => "COMPONENT",
            ArticleKind::Consumable => "CONSUMABLE",
            ArticleKind::Packaging => "PACKAGING",
            ArticleKind::SemiFinished => "SEMI_FINISHED",
            ArticleKind::FinishedGood => "FINISHED_GOOD",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StockError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StockError::invalid("kind", format!("unknown article kind {s:?}")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replenishment {
    Buy,
    Manufacture,
}

impl Replenishment {
    pub fn as_str(self) -> &'static str {
        match self {
            Replenishment::Buy => "BUY",
            Replenishment::Manufacture => "MANUFACTURE",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StockError> {
        match s {
            "BUY" => Ok(Replenishment::Buy),
            "MANUFACTURE" => Ok(Replenishment::Manufacture),
            _ => Err(StockError::invalid(
                "replenishment",
                format!("{s:?} is not BUY or MANUFACTURE"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub code: String,
    pub name: String,
    pub kind: ArticleKind,
    /// Unit of measure: pce, kg, m, L, bte, rouleau…
    pub unit: String,
    pub replenishment: Replenishment,
    pub active: bool,
    /// The last known unit cost excluding VAT, in euros (purchase price or production
    /// cost); unknown for articles never priced.
    pub unit_cost: Option<Decimal>,
}

impl Article {
    pub fn new(
        code: &str,
        name: &str,
        kind: ArticleKind,
        unit: &str,
        replenishment: Replenishment,
    ) -> Result<Self, StockError> {
        Ok(Article {
            code: check_code("code", code, 32)?,
            name: check_text("name", name, 200)?,
            kind,
            unit: check_text("unit", unit, 20)?,
            replenishment,
            active: true,
            unit_cost: None,
        })
    }

    /// The same article with its unit cost, which cannot be negative.
    pub fn with_unit_cost(self, unit_cost: Option<Decimal>) -> Result<Self, StockError> {
        if unit_cost.is_some_and(|c| c.is_sign_negative() && !c.is_zero()) {
            return Err(StockError::invalid("unit_cost", "must not be negative"));
        }
        Ok(Article { unit_cost, ..self })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Aisle-rack-level such as `A01-02-3`.
    pub code: String,
    pub name: String,
    /// The warehouse the location belongs to (Atelier, Magasin…).
    pub warehouse: String,
    pub active: bool,
}

impl Location {
    pub fn new(code: &str, name: &str, warehouse: &str) -> Result<Self, StockError> {
        Ok(Location {
            code: check_code("code", code, 40)?,
            name: check_text("name", name, 200)?,
            warehouse: check_text("warehouse", warehouse, 60)?,
            active: true,
        })
    }
}
