//! Shop-floor operators: the people who report progress, known by their trigram.

use super::{ProductionError, check_code, check_text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// Three upper-case letters, such as JDU: what progress entries carry.
    pub trigram: String,
    /// The personnel number, such as M1040.
    pub badge_number: String,
    pub last_name: String,
    pub first_name: String,
    /// An operator who left keeps his trigram on the entries he reported.
    pub active: bool,
}

impl Operator {
    pub fn validate(self) -> Result<Self, ProductionError> {
        let trigram = self.trigram.trim().to_uppercase();
        if trigram.chars().count() != 3 || !trigram.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ProductionError::invalid(
                "trigram",
                format!("{:?} is not a trigram of three letters", self.trigram),
            ));
        }
        Ok(Operator {
            trigram,
            badge_number: check_code("badge_number", &self.badge_number, 20)?,
            last_name: check_text("last_name", &self.last_name, 100)?,
            first_name: check_text("first_name", &self.first_name, 100)?,
            active: self.active,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operator(trigram: &str) -> Operator {
        Operator {
            trigram: trigram.into(),
            badge_number: "M1040".into(),
            last_name: " BARON ".into(),
            first_name: "Guillaume".into(),
            active: true,
        }
    }

    #[test]
    fn operators_are_checked() {
        let o = operator(" gba ").validate().unwrap();
        assert_eq!((o.trigram.as_str(), o.last_name.as_str()), ("GBA", "BARON"));
        assert!(operator("GB").validate().is_err());
        assert!(operator("G3A").validate().is_err());
        let mut o = operator("GBA");
        o.first_name = " ".into();
        assert!(o.validate().is_err());
        let mut o = operator("GBA");
        o.badge_number = "m 1040".into();
        assert!(o.validate().is_err());
    }
}
