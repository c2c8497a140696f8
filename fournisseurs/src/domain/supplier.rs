//! Suppliers (who we buy from): identity, ordering contacts, address and bank details.

use bascule_platform::ident;

use super::{FournisseursError, check_code, check_currency, check_optional, check_text};

/// The longest list of ordering e-mails, joined by commas, that the supplier table holds.
const EMAILS_MAX: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    /// Optional: some countries (Hong Kong, the Gulf states…) have no postal codes.
    pub postal_code: Option<String>,
    pub city: String,
    /// ISO 3166-1 alpha-2, such as FR or DE.
    pub country: String,
}

impl Address {
    pub fn new(
        line1: &str,
        postal_code: &str,
        city: &str,
        country: &str,
    ) -> Result<Self, FournisseursError> {
        Address {
            line1: line1.to_owned(),
            line2: None,
            postal_code: Some(postal_code.to_owned()),
            city: city.to_owned(),
            country: country.to_owned(),
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, FournisseursError> {
        let country = self.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(FournisseursError::invalid(
                "country",
                format!("{:?} is not an ISO 3166 alpha-2 code", self.country),
            ));
        }
        Ok(Address {
            line1: check_text("address_line1", &self.line1, 200)?,
            line2: check_optional("address_line2", self.line2.as_deref(), 200)?,
            postal_code: check_optional("postal_code", self.postal_code.as_deref(), 20)?,
            city: check_text("city", &self.city, 100)?,
            country,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplier {
    /// The accounting code, such as F00012.
    pub code: String,
    pub name: String,
    /// 14 digits, French establishments only: `None` for foreign suppliers, which have none.
    pub siret: Option<String>,
    /// Where purchase orders are sent; may be empty.
    pub order_emails: Vec<String>,
    pub phone: Option<String>,
    pub address: Address,
    /// Without spaces, upper case.
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// Days between invoice and payment; 0 means cash.
    pub payment_terms_days: i64,
    /// ISO 4217.
    pub currency: String,
    pub active: bool,
}

impl Supplier {
    /// Without an agreement, French law (Code de commerce L441-10) sets payment at 30 days.
    pub const DEFAULT_PAYMENT_TERMS_DAYS: i64 = 30;

    /// An active supplier paid in EUR at the default terms, without SIRET, e-mail or bank.
    pub fn new(code: &str, name: &str, address: Address) -> Result<Self, FournisseursError> {
        Supplier {
            code: code.to_owned(),
            name: name.to_owned(),
            siret: None,
            order_emails: Vec::new(),
            phone: None,
            address,
            iban: None,
            bic: None,
            payment_terms_days: Self::DEFAULT_PAYMENT_TERMS_DAYS,
            currency: "EUR".to_owned(),
            active: true,
        }
        .validate()
    }

    /// Sets the SIRET (checked by Luhn); an empty one means the supplier has none.
    pub fn with_siret(mut self, siret: &str) -> Result<Self, FournisseursError> {
        self.siret = check_siret(Some(siret))?;
        check_siret_country(self.siret.as_deref(), &self.address.country)?;
        Ok(self)
    }

    pub fn with_order_emails(mut self, emails: &[&str]) -> Result<Self, FournisseursError> {
        self.order_emails = check_emails(emails.iter().map(|e| (*e).to_owned()).collect())?;
        Ok(self)
    }

    pub fn with_phone(mut self, phone: &str) -> Result<Self, FournisseursError> {
        self.phone = check_phone(Some(phone))?;
        Ok(self)
    }

    /// Sets the bank account; empty values mean none.
    pub fn with_bank(mut self, iban: &str, bic: &str) -> Result<Self, FournisseursError> {
        self.iban = check_iban(Some(iban))?;
        self.bic = check_bic(Some(bic))?;
        Ok(self)
    }

    pub fn with_payment_terms(mut self, days: i64) -> Result<Self, FournisseursError> {
        self.payment_terms_days = check_terms(days)?;
        Ok(self)
    }

    pub fn with_currency(mut self, currency: &str) -> Result<Self, FournisseursError> {
        self.currency = check_currency(currency)?;
        Ok(self)
    }

    /// Checks every field and returns the supplier in normalized form. A SIRET
    /// identifies an establishment in France: a supplier elsewhere has none.
    pub fn validate(self) -> Result<Self, FournisseursError> {
        let address = self.address.validate()?;
        let siret = check_siret(self.siret.as_deref())?;
        check_siret_country(siret.as_deref(), &address.country)?;
        Ok(Supplier {
            code: check_code("code", &self.code, 32)?,
            name: check_text("name", &self.name, 200)?,
            siret,
            order_emails: check_emails(self.order_emails)?,
            phone: check_phone(self.phone.as_deref())?,
            address,
            iban: check_iban(self.iban.as_deref())?,
            bic: check_bic(self.bic.as_deref())?,
            payment_terms_days: check_terms(self.payment_terms_days)?,
            currency: check_currency(&self.currency)?,
            active: self.active,
        })
    }

    /// The ordering e-mails as the one comma-separated text they are stored as.
    pub fn order_emails_text(&self) -> String {
        self.order_emails.join(",")
    }

    /// Reads the stored comma-separated list back.
    pub fn parse_order_emails(text: &str) -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

fn blank_is_none(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn check_siret(siret: Option<&str>) -> Result<Option<String>, FournisseursError> {
    blank_is_none(siret)
        .map(|s| ident::siret(s).map_err(|reason| FournisseursError::invalid("siret", reason)))
        .transpose()
}

/// A SIRET identifies an establishment in France: a supplier elsewhere has none.
fn check_siret_country(siret: Option<&str>, country: &str) -> Result<(), FournisseursError> {
    if siret.is_some() && !country.trim().eq_ignore_ascii_case("FR") {
        return Err(FournisseursError::invalid(
            "siret",
            format!("only establishments in France have a SIRET, this supplier is in {country}"),
        ));
    }
    Ok(())
}

fn check_iban(iban: Option<&str>) -> Result<Option<String>, FournisseursError> {
    blank_is_none(iban)
        .map(|s| ident::iban(s).map_err(|reason| FournisseursError::invalid("iban", reason)))
        .transpose()
}

/// A BIC (ISO 9362): bank code, country, location and an optional branch; 8 or 11 characters.
fn check_bic(bic: Option<&str>) -> Result<Option<String>, FournisseursError> {
    let Some(raw) = blank_is_none(bic) else {
        return Ok(None);
    };
    let b: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let ok = (b.len() == 8 || b.len() == 11)
        && b.chars().all(|c| c.is_ascii_alphanumeric())
        && b[4..6].chars().all(|c| c.is_ascii_uppercase());
    if ok {
        Ok(Some(b))
    } else {
        Err(FournisseursError::invalid(
            "bic",
            format!("{raw:?} is not a BIC (8 or 11 letters and digits, country in 5th-6th)"),
        ))
    }
}

fn check_emails(emails: Vec<String>) -> Result<Vec<String>, FournisseursError> {
    let mut checked: Vec<String> = Vec::with_capacity(emails.len());
    for e in emails.iter().filter(|e| !e.trim().is_empty()) {
        let e =
            ident::email(e).map_err(|reason| FournisseursError::invalid("order_emails", reason))?;
        if !checked.iter().any(|c| c.eq_ignore_ascii_case(&e)) {
            checked.push(e);
        }
    }
    if checked.join(",").chars().count() > EMAILS_MAX {
        return Err(FournisseursError::invalid(
            "order_emails",
            format!("together at most {EMAILS_MAX} characters"),
        ));
    }
    Ok(checked)
}

fn check_phone(phone: Option<&str>) -> Result<Option<String>, FournisseursError> {
    let Some(p) = blank_is_none(phone) else {
        return Ok(None);
    };
    let ok = p.chars().count() <= 30
        && p.chars().any(|c| c.is_ascii_digit())
        && p.chars()
            .all(|c| c.is_ascii_digit() || " +.-()/".contains(c));
    if ok {
        Ok(Some(p.to_owned()))
    } else {
        Err(FournisseursError::invalid(
            "phone",
            format!("{p:?} must be up to 30 digits, spaces and + . - ( ) /"),
        ))
    }
}

fn check_terms(days: i64) -> Result<i64, FournisseursError> {
    if (0..=365).contains(&days) {
        Ok(days)
    } else {
        Err(FournisseursError::invalid(
            "payment_terms_days",
            format!("{days} is not between 0 (cash) and 365"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> Address {
        Address::new("12 rue des Forges", "69007", "Lyon", "fr").unwrap()
    }

    fn supplier() -> Supplier {
        Supplier::new("F00012", "Mécaplast Garnier", address()).unwrap()
    }

    fn invalid_field(r: Result<Supplier, FournisseursError>) -> &'static str {
        match r {
            Err(FournisseursError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn new_suppliers_have_the_defaults() {
        let s = supplier();
        assert_eq!(s.currency, "EUR");
        assert_eq!(s.payment_terms_days, 30);
        assert_eq!(s.address.country, "FR");
        assert!(s.active && s.siret.is_none() && s.order_emails.is_empty());
        assert!(Supplier::new("f00012", "x", address()).is_err());
        assert!(Supplier::new("F00012", "  ", address()).is_err());
        assert!(Address::new("1 rue", "", "Paris", "FRA").is_err());
        assert_eq!(
            Address::new("1 Queen's Rd", "", "Hong Kong", "HK")
                .unwrap()
                .postal_code,
            None
        );
    }

    #[test]
    fn siret_is_checked_when_present() {
        assert_eq!(
            supplier().with_siret("732 829 320 00074").unwrap().siret,
            Some("73282932000074".into())
        );
        assert_eq!(supplier().with_siret("").unwrap().siret, None);
        assert_eq!(
            invalid_field(supplier().with_siret("73282932000075")),
            "siret"
        );
        assert_eq!(
            invalid_field(supplier().with_siret("7328293200007")),
            "siret"
        );
        let geneva = Address::new("Rue du Rhône 12", "1204", "Genève", "CH").unwrap();
        let swiss = Supplier::new("F00131", "Précision Léman SA", geneva).unwrap();
        assert_eq!(invalid_field(swiss.with_siret("73282932000074")), "siret");
    }

    #[test]
    fn iban_and_bic_are_checked_and_normalized() {
        let s = supplier()
            .with_bank("fr76 3000 6000 0112 3456 7890 189", "agri frpp xxx")
            .unwrap();
        assert_eq!(s.iban.as_deref(), Some("FR7630006000011234567890189"));
        assert_eq!(s.bic.as_deref(), Some("AGRIFRPPXXX"));
        assert_eq!(
            invalid_field(supplier().with_bank("FR7630006000011234567890188", "")),
            "iban"
        );
        assert_eq!(invalid_field(supplier().with_bank("", "AGRI12PP")), "bic");
        assert_eq!(invalid_field(supplier().with_bank("", "AGRIFRP")), "bic");
    }

    #[test]
    fn every_ordering_email_is_checked() {
        let s = supplier()
            .with_order_emails(&[
                "Achats@Garnier.FR",
                "",
                "achats@garnier.fr",
                "compta@garnier.fr",
            ])
            .unwrap();
        assert_eq!(
            s.order_emails,
            vec!["Achats@garnier.fr", "compta@garnier.fr"]
        );
        assert_eq!(
            Supplier::parse_order_emails(&s.order_emails_text()),
            s.order_emails
        );
        assert_eq!(
            invalid_field(supplier().with_order_emails(&["achats@garnier.fr", "pas-une-adresse"])),
            "order_emails"
        );
        assert_eq!(
            invalid_field(supplier().with_order_emails(&["a,b@garnier.fr"])),
            "order_emails"
        );
    }

    #[test]
    fn terms_currency_and_phone_are_bounded() {
        assert_eq!(
            supplier().with_payment_terms(0).unwrap().payment_terms_days,
            0
        );
        assert!(supplier().with_payment_terms(-1).is_err());
        assert_eq!(supplier().with_currency("usd").unwrap().currency, "USD");
        assert!(supplier().with_currency("EURO").is_err());
        assert!(supplier().with_phone("+33 (0)4 78 00 00 00").is_ok());
        assert!(supplier().with_phone("appelez-moi").is_err());
    }
}
