//! Customers: who orders, where they are billed and delivered, how they pay.

use bascule_platform::ident;
use chrono::{DateTime, SubsecRound, Utc};

use super::{ClientsError, check_optional_text, check_phone, check_text};

/// Checks a customer code: `C` and five digits, as the legacy numbering gives them.
pub(crate) fn check_customer_code(field: &'static str, code: &str) -> Result<String, ClientsError> {
    let code = code.trim();
    let ok = code.len() == 6
        && code.starts_with('C')
        && code.chars().skip(1).all(|c| c.is_ascii_digit());
    if ok {
        Ok(code.to_owned())
    } else {
        Err(ClientsError::invalid(
            field,
            format!("{code:?} must be C followed by five digits (C00042)"),
        ))
    }
}

/// A postal address; the country is an ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

impl Address {
    pub fn new(
        line1: &str,
        line2: Option<&str>,
        postal_code: &str,
        city: &str,
        country: &str,
    ) -> Result<Self, ClientsError> {
        Address {
            line1: line1.to_owned(),
            line2: line2.map(str::to_owned),
            postal_code: postal_code.to_owned(),
            city: city.to_owned(),
            country: country.to_owned(),
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, ClientsError> {
        let country = self.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ClientsError::invalid(
                "country",
                format!(
                    "{:?} is not an ISO 3166 alpha-2 code (FR, DE…)",
                    self.country
                ),
            ));
        }
        let postal_code = check_text("postal_code", &self.postal_code, 20)?;
        // La Poste sorts on five digits: a French code of another shape is a typing error.
        if country == "FR"
            && (postal_code.len() != 5 || !postal_code.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(ClientsError::invalid(
                "postal_code",
                format!("{postal_code:?} is not a French postal code (five digits)"),
            ));
        }
        Ok(Address {
            line1: check_text("line1", &self.line1, 200)?,
            line2: check_optional_text("line2", self.line2, 200)?,
            postal_code,
            city: check_text("city", &self.city, 100)?,
            country,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// `C` and five digits.
    pub code: String,
    pub name: String,
    /// 14 digits, checked with Luhn (La Poste's digit sum excepted).
    pub siret: Option<String>,
    /// The intra-community VAT number (FR12345678901…).
    pub vat_number: Option<String>,
    pub contact_emails: Vec<String>,
    pub phone: Option<String>,
    pub billing_address: Address,
    /// `None` when goods go to the billing address.
    pub delivery_address: Option<Address>,
    pub payment_terms_days: i64,
    pub active: bool,
    /// Free text; the legacy systems kept running logs here, so it is long text.
    pub note: Option<String>,
    /// When a legacy system last changed this customer (the PostgreSQL base's
    /// `modifie_le`, the Access file's `Date création`); `None` for customers created in
    /// bascule. The migration merges duplicate legacy records on it: the latest wins.
    pub legacy_updated_at: Option<DateTime<Utc>>,
    /// Its id in the legacy PostgreSQL customer base (`clients.id`), by which the legacy
    /// contacts and orders refer to it; `None` for customers created in bascule or known
    /// only to the Access file. Kept for support: "customer 142 of the old base".
    pub legacy_id: Option<String>,
    /// When its personal data was erased (GDPR art. 17); `None` while it was not.
    pub erased_at: Option<DateTime<Utc>>,
}

/// The room the e-mail list has in its column, separators included.
const EMAILS_MAX_CHARS: usize = 1000;
/// A note is long text; this only guards against a whole file pasted by mistake.
pub(crate) const NOTE_MAX_CHARS: usize = 100_000;

impl Customer {
    /// Payment terms when none were agreed: 30 days, as the Code de commerce (L441-10) sets.
    pub const DEFAULT_PAYMENT_TERMS_DAYS: i64 = 30;

    /// An active customer with no contact details yet and the legal default payment terms.
    pub fn new(code: &str, name: &str, billing_address: Address) -> Result<Self, ClientsError> {
        Customer {
            code: code.to_owned(),
            name: name.to_owned(),
            siret: None,
            vat_number: None,
            contact_emails: Vec::new(),
            phone: None,
            billing_address,
            delivery_address: None,
            payment_terms_days: Self::DEFAULT_PAYMENT_TERMS_DAYS,
            active: true,
            note: None,
            legacy_updated_at: None,
            legacy_id: None,
            erased_at: None,
        }
        .validate()
    }

    /// Checks every field and returns the customer in normalized form.
    pub fn validate(self) -> Result<Self, ClientsError> {
        let siret = match self.siret.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(ident::siret(s).map_err(|e| ClientsError::invalid("siret", e))?),
        };
        if self.payment_terms_days < 0 {
            return Err(ClientsError::invalid(
                "payment_terms_days",
                "must not be negative",
            ));
        }
        Ok(Customer {
            code: check_customer_code("code", &self.code)?,
            name: check_text("name", &self.name, 200)?,
            siret,
            vat_number: check_vat_number(self.vat_number)?,
            contact_emails: check_emails(&self.contact_emails)?,
            phone: check_phone("phone", self.phone)?,
            billing_address: self.billing_address.validate()?,
            delivery_address: self.delivery_address.map(Address::validate).transpose()?,
            note: check_optional_text("note", self.note, NOTE_MAX_CHARS)?,
            // Every backend keeps microseconds: what is returned equals what is read back.
            legacy_updated_at: self.legacy_updated_at.map(|t| t.trunc_subsecs(6)),
            erased_at: self.erased_at.map(|t| t.trunc_subsecs(6)),
            legacy_id: check_optional_text("legacy_id", self.legacy_id, 40)?,
            ..self
        })
    }

    /// Where goods go: the delivery address, or the billing address when there is none.
    pub fn delivery_address(&self) -> &Address {
        self.delivery_address
            .as_ref()
            .unwrap_or(&self.billing_address)
    }
}

/// Intra-community VAT numbers: a two-letter country prefix then 2 to 13 letters or
/// digits; spaces and dots people type are dropped.
fn check_vat_number(vat: Option<String>) -> Result<Option<String>, ClientsError> {
    let Some(vat) = vat else { return Ok(None) };
    let compact: String = vat
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.is_empty() {
        return Ok(None);
    }
    let ok = (4..=15).contains(&compact.len())
        && compact.chars().take(2).all(|c| c.is_ascii_uppercase())
        && compact.chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(Some(compact))
    } else {
        Err(ClientsError::invalid(
            "vat_number",
            format!("{vat:?} is not an intra-community VAT number (FR12345678901)"),
        ))
    }
}

/// Each address is checked; the list is stored comma-separated, which is safe because
/// [`ident::email`] accepts no comma. A repeated address is kept once.
fn check_emails(emails: &[String]) -> Result<Vec<String>, ClientsError> {
    let mut checked: Vec<String> = Vec::with_capacity(emails.len());
    for e in emails {
        let e =
            ident::email(e).map_err(|reason| ClientsError::invalid("contact_emails", reason))?;
        if !checked.iter().any(|c| c.eq_ignore_ascii_case(&e)) {
            checked.push(e);
        }
    }
    let length = checked.iter().map(|e| e.chars().count() + 1).sum::<usize>();
    if length > EMAILS_MAX_CHARS + 1 {
        return Err(ClientsError::invalid(
            "contact_emails",
            format!("the list must fit in {EMAILS_MAX_CHARS} characters"),
        ));
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn billing() -> Address {
        Address::new("12 rue des Forges", None, "69007", "Lyon", "fr").unwrap()
    }

    fn customer() -> Customer {
        Customer::new("C00042", "Société Générale d'Injection 🎉", billing()).unwrap()
    }

    #[test]
    fn codes_are_c_and_five_digits() {
        assert!(check_customer_code("code", "C00001").is_ok());
        for bad in ["", "C0001", "C000001", "c00001", "X00001", "C0000A"] {
            assert!(check_customer_code("code", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn siret_is_checked_when_present() {
        let ok = Customer {
            siret: Some("732 829 320 00074".into()),
            ..customer()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.siret.as_deref(), Some("73282932000074"));
        let bad = Customer {
            siret: Some("73282932000075".into()),
            ..customer()
        }
        .validate();
        assert!(matches!(
            bad,
            Err(ClientsError::Invalid { field: "siret", .. })
        ));
        let blank = Customer {
            siret: Some("  ".into()),
            ..customer()
        };
        assert_eq!(blank.validate().unwrap().siret, None);
    }

    #[test]
    fn emails_are_checked_and_kept_once() {
        let ok = Customer {
            contact_emails: vec![
                "Achats@Exemple.FR".into(),
                "achats@exemple.fr".into(),
                " compta@exemple.fr ".into(),
            ],
            ..customer()
        }
        .validate()
        .unwrap();
        assert_eq!(
            ok.contact_emails,
            ["Achats@exemple.fr", "compta@exemple.fr"]
        );
        for bad in ["achats", "a,b@exemple.fr", "a@b"] {
            let c = Customer {
                contact_emails: vec!["ok@exemple.fr".into(), bad.into()],
                ..customer()
            };
            assert!(c.validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn other_fields_are_normalized_or_refused() {
        let c = Customer {
            vat_number: Some("fr 40 303 265 045".into()),
            phone: Some("+33 (0)4 78 00 00 00".into()),
            ..customer()
        }
        .validate()
        .unwrap();
        assert_eq!(c.vat_number.as_deref(), Some("FR40303265045"));
        assert_eq!(c.billing_address.country, "FR");
        assert!(
            Customer {
                phone: Some("call me".into()),
                ..customer()
            }
            .validate()
            .is_err()
        );
        assert!(
            Customer {
                vat_number: Some("12".into()),
                ..customer()
            }
            .validate()
            .is_err()
        );
        assert!(
            Customer {
                payment_terms_days: -1,
                ..customer()
            }
            .validate()
            .is_err()
        );
        assert!(Address::new("1 rue", None, "6900", "Lyon", "FR").is_err());
        assert!(Address::new("1 Hauptstraße", None, "D-10115", "Berlin", "DE").is_ok());
        assert!(Address::new("1 rue", None, "69007", "Lyon", "FRA").is_err());
    }

    #[test]
    fn delivery_falls_back_to_billing() {
        let c = customer();
        assert_eq!(c.delivery_address(), &c.billing_address);
        let depot = Address::new("ZI Nord", Some("Quai 3"), "38000", "Grenoble", "FR").unwrap();
        let c = Customer {
            delivery_address: Some(depot.clone()),
            ..c
        };
        assert_eq!(c.delivery_address(), &depot);
    }
}
