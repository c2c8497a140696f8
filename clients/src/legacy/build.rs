//! The builders the migration engine calls for each legacy record: the mapped fields
//! become a domain entity through its own `validate`, so that the migration refuses what
//! the API refuses; a refusal names the field at fault as its rule.

use bascule_migrate::engine::entity::MappedFields;
use bascule_migrate::mapping::val::Violation;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain::{
    Address, ClientsError, Consent, ConsentPurpose, Contact, Customer, CustomerOrder, OrderState,
};
use crate::storage::{ContactConsentRecord, ContactRecord};

/// A domain refusal as the quarantine records it: the field as the rule, the reason as
/// the message.
fn refused(e: ClientsError) -> Violation {
    match &e {
        ClientsError::Invalid { field, .. } => Violation::new(*field, e.to_string()),
        _ => Violation::new("domain", e.to_string()),
    }
}

fn text(f: &MappedFields, name: &str) -> Result<String, Violation> {
    Ok(f.opt::<String>(name)?.unwrap_or_default())
}

/// The first moment a legacy change date can mean anything: Access shows its zero date
/// as 30/12/1899, which is no date at all.
fn earliest_plausible() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(1900, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.and_utc())
}

/// The legacy record's last change, or `None` when the date cannot be true (Access's
/// zero date, a date after today): an unknown date loses every merge.
fn plausible_change(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    at.filter(|t| *t >= earliest_plausible() && *t <= now)
}

/// A customer from the PostgreSQL base or the Access file. The e-mail field may list
/// several addresses separated by `;`. Delivery addresses were never recorded apart:
/// goods go to the billing address.
pub(crate) fn customer(f: &MappedFields) -> Result<Customer, Violation> {
    let country: Option<String> = f.opt("billing_country")?;
    let billing_address = Address {
        line1: text(f, "billing_line1")?,
        line2: f.opt("billing_line2")?,
        postal_code: text(f, "billing_postal_code")?,
        city: text(f, "billing_city")?,
        country: country.unwrap_or_default(),
    };
    let emails: Option<String> = f.opt("contact_emails")?;
    let contact_emails = emails
        .iter()
        .flat_map(|e| e.split([';', '\n']))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect();
    Customer {
        code: text(f, "code")?,
        name: text(f, "name")?,
        siret: f.opt("siret")?,
        vat_number: f.opt("vat_number")?,
        contact_emails,
        phone: f.opt("phone")?,
        billing_address,
        delivery_address: None,
        payment_terms_days: f
            .opt("payment_terms_days")?
            .unwrap_or(Customer::DEFAULT_PAYMENT_TERMS_DAYS),
        active: f.opt("active")?.unwrap_or(true),
        note: f.opt("note")?,
        legacy_updated_at: plausible_change(f.opt("legacy_updated_at")?, Utc::now()),
        legacy_id: f.opt("legacy_id")?,
        erased_at: None,
    }
    .validate()
    .map_err(refused)
}

/// A contact, attached to the customer the mapping looked up.
pub(crate) fn contact(f: &MappedFields) -> Result<ContactRecord, Violation> {
    let contact = Contact {
        civility: f.opt("civility")?,
        first_name: text(f, "first_name")?,
        last_name: text(f, "last_name")?,
        job_title: f.opt("job_title")?,
        email: f.opt("email")?,
        phone: f.opt("phone")?,
        mobile: f.opt("mobile")?,
        principal: f.opt("principal")?.unwrap_or(false),
        legacy_id: f.opt("legacy_id")?,
    }
    .validate()
    .map_err(refused)?;
    Ok(ContactRecord {
        customer_id: f.get("customer_id")?,
        contact,
    })
}

/// A consent given by a contact. One collected or withdrawn after the migration runs
/// cannot be true (a year typed wrong): it is refused rather than believed.
pub(crate) fn contact_consent(f: &MappedFields) -> Result<ContactConsentRecord, Violation> {
    let consent = consent_of(f, Utc::now())?;
    Ok(ContactConsentRecord {
        contact_id: f.get("contact_id")?,
        consent,
    })
}

fn consent_of(f: &MappedFields, now: DateTime<Utc>) -> Result<Consent, Violation> {
    let purpose: String = f.get("purpose")?;
    let consent = Consent {
        purpose: ConsentPurpose::parse(&purpose).map_err(refused)?,
        granted: f.get("granted")?,
        collected_at: f.get("collected_at")?,
        channel: text(f, "channel")?,
        withdrawn_at: f.opt("withdrawn_at")?,
        proof: f.opt("proof")?,
    }
    .validate()
    .map_err(refused)?;
    for (field, at) in [
        ("collected_at", Some(consent.collected_at)),
        ("withdrawn_at", consent.withdrawn_at),
    ] {
        if let Some(at) = at.filter(|at| *at > now) {
            return Err(Violation::new(
                "date_in_future",
                format!("{field}: {at} is in the future: a consent cannot be dated after today"),
            ));
        }
    }
    Ok(consent)
}

/// An order header. The legacy base kept headers only: the order keeps its legacy total
/// instead of lines. An order dated after today cannot be true (a year typed wrong).
pub(crate) fn order(f: &MappedFields) -> Result<CustomerOrder, Violation> {
    let state: String = f.get("state")?;
    let order = CustomerOrder {
        order_number: text(f, "order_number")?,
        customer_code: text(f, "customer_code")?,
        customer_reference: f.opt("customer_reference")?,
        order_date: f.get("order_date")?,
        requested_date: f.get("requested_date")?,
        promised_date: f.opt("promised_date")?,
        currency: f
            .opt("currency")?
            .unwrap_or_else(|| CustomerOrder::DEFAULT_CURRENCY.to_owned()),
        note: f.opt("note")?,
        state: OrderState::parse(&state).map_err(refused)?,
        legacy_total_excl_tax: f.opt::<Decimal>("legacy_total_excl_tax")?,
    }
    .validate()
    .map_err(refused)?;
    // Migrated without lines: the rule an order past DRAFT needs lines (or, migrated,
    // its legacy total) is checked as when an order is created.
    order.check_lines(Vec::new()).map_err(refused)?;
    let today = Utc::now().date_naive();
    if order.order_date > today {
        return Err(Violation::new(
            "date_in_future",
            format!(
                "order_date: {} is after today: an order cannot be dated in the future",
                order.order_date
            ),
        ));
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bascule_platform::db::Value;
    use chrono::TimeZone;

    fn fields(pairs: &[(&str, Value)]) -> MappedFields {
        let mut f = MappedFields::default();
        for (n, v) in pairs {
            f.insert(*n, v.clone());
        }
        f
    }

    fn t(y: i32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, 6, 1, 8, 0, 0).unwrap()
    }

    #[test]
    fn implausible_change_dates_are_unknown() {
        let now = t(2025);
        assert_eq!(plausible_change(Some(t(2020)), now), Some(t(2020)));
        assert_eq!(plausible_change(Some(t(2034)), now), None);
        assert_eq!(plausible_change(Some(t(1900)), now), Some(t(1900)));
        assert_eq!(plausible_change(Some(t(1899)), now), None);
    }

    #[test]
    fn refusals_name_the_field() {
        let f = fields(&[
            ("code", Value::Text("C00001".into())),
            ("name", Value::Text("Plasturgie Ain".into())),
            ("siret", Value::Text("73282932000075".into())),
            ("billing_line1", Value::Text("1 rue".into())),
            ("billing_postal_code", Value::Text("01100".into())),
            ("billing_city", Value::Text("Oyonnax".into())),
            ("billing_country", Value::Text("FR".into())),
        ]);
        assert_eq!(customer(&f).unwrap_err().rule, "siret");
        let f = fields(&[
            ("purpose", Value::Text("NEWSLETTER".into())),
            ("granted", Value::Bool(true)),
            ("collected_at", Value::Timestamp(t(2036))),
            ("channel", Value::Text("salon".into())),
        ]);
        assert_eq!(consent_of(&f, t(2025)).unwrap_err().rule, "date_in_future");
        assert!(consent_of(&f, t(2037)).is_ok());
    }
}
