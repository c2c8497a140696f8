//! The people the company deals with at a customer: buyers, accountants, quality
//! managers… each with their own e-mail and phone numbers.

use bascule_platform::ident;

use super::{ClientsError, check_optional_text, check_phone, check_text};

/// A person at a customer. A customer has at most one contact of a given name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// "M.", "Mme"…, as the person is addressed.
    pub civility: Option<String>,
    pub first_name: String,
    pub last_name: String,
    /// Buyer, accountant, quality manager…
    pub job_title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    /// The customer's main contact, listed first.
    pub principal: bool,
    /// Its id in the legacy PostgreSQL customer base (`contacts.id`), by which the legacy
    /// consents refer to it; `None` for contacts created in bascule.
    pub legacy_id: Option<String>,
}

impl Contact {
    /// A contact known by name only, not the main one.
    pub fn new(first_name: &str, last_name: &str) -> Result<Self, ClientsError> {
        Contact {
            civility: None,
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            job_title: None,
            email: None,
            phone: None,
            mobile: None,
            principal: false,
            legacy_id: None,
        }
        .validate()
    }

    /// Checks every field and returns the contact in normalized form: a contact is
    /// addressed by first and last name, so both are required.
    pub fn validate(self) -> Result<Self, ClientsError> {
        let email = match check_optional_text("email", self.email, 254)? {
            None => None,
            Some(e) => Some(ident::email(&e).map_err(|r| ClientsError::invalid("email", r))?),
        };
        Ok(Contact {
            civility: check_optional_text("civility", self.civility, 10)?,
            first_name: check_text("first_name", &self.first_name, 80)?,
            last_name: check_text("last_name", &self.last_name, 80)?,
            job_title: check_optional_text("job_title", self.job_title, 80)?,
            email,
            phone: check_phone("phone", self.phone)?,
            mobile: check_phone("mobile", self.mobile)?,
            principal: self.principal,
            legacy_id: check_optional_text("legacy_id", self.legacy_id, 40)?,
        })
    }

    /// "Mme Martine Guérin".
    pub fn display_name(&self) -> String {
        let mut parts: Vec<&str> = Vec::with_capacity(3);
        parts.extend(self.civility.as_deref());
        parts.push(&self.first_name);
        parts.push(&self.last_name);
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_need_both_names_and_valid_details() {
        let c = Contact {
            civility: Some(" Mme ".into()),
            email: Some(" Martine.Guerin@Exemple.FR".into()),
            phone: Some("04 65 71 64 72".into()),
            mobile: Some("".into()),
            job_title: Some("Assistante ADV".into()),
            principal: true,
            ..Contact::new("Martine", "Guérin").unwrap()
        }
        .validate()
        .unwrap();
        assert_eq!(c.email.as_deref(), Some("Martine.Guerin@exemple.fr"));
        assert_eq!(c.mobile, None);
        assert_eq!(c.display_name(), "Mme Martine Guérin");
        assert!(Contact::new("Jérôme", " ").is_err());
        assert!(Contact::new("", "Guérin").is_err());
        for (email, phone) in [
            ("martine.guerin@exemple", "04"),
            ("ok@exemple.fr", "poste 12"),
        ] {
            let bad = Contact {
                email: Some(email.into()),
                phone: Some(phone.into()),
                ..Contact::new("Martine", "Guérin").unwrap()
            };
            assert!(bad.validate().is_err(), "{email} {phone}");
        }
    }
}
