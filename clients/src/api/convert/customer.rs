//! Customers, their contacts and their consents, between messages and domain values.

use bascule_platform::db::record::Stored;
use bascule_proto::clients::v1 as pb;
use bascule_rpc::ApiError;
use bascule_rpc::convert::{enum_by_name, etag, optional_text, proto_enum, timestamp};
use bascule_rpc::handler::required;

use crate::domain::{Address, Consent, ConsentPurpose, Contact, Customer};

fn address_from(a: &pb::Address) -> Result<Address, ApiError> {
    Ok(Address::new(
        &a.line1,
        Some(a.line2.as_str()),
        &a.postal_code,
        &a.city,
        &a.country,
    )?)
}

fn address(a: Address) -> pb::Address {
    pb::Address {
        line1: a.line1,
        line2: a.line2.unwrap_or_default(),
        postal_code: a.postal_code,
        city: a.city,
        country: a.country,
    }
}

/// The customer a message describes. The output-only fields (legacy id, erasure) are
/// not read: the caller keeps the stored ones.
pub fn customer_from(c: &pb::Customer) -> Result<Customer, ApiError> {
    let billing = address_from(required("billing_address", c.billing_address.as_ref())?)?;
    let customer = Customer {
        siret: optional_text(&c.siret),
        vat_number: optional_text(&c.vat_number),
        contact_emails: c.contact_emails.clone(),
        phone: optional_text(&c.phone),
        delivery_address: c.delivery_address.as_ref().map(address_from).transpose()?,
        payment_terms_days: c
            .payment_terms_days
            .map_or(Customer::DEFAULT_PAYMENT_TERMS_DAYS, i64::from),
        active: c.active.unwrap_or(true),
        note: optional_text(&c.note),
        ..Customer::new(&c.code, &c.name, billing)?
    };
    Ok(customer.validate()?)
}

pub fn customer(s: Stored<Customer>) -> pb::Customer {
    let c = s.value;
    pb::Customer {
        code: c.code,
        name: c.name,
        siret: c.siret.unwrap_or_default(),
        vat_number: c.vat_number.unwrap_or_default(),
        contact_emails: c.contact_emails,
        phone: c.phone.unwrap_or_default(),
        billing_address: Some(address(c.billing_address)),
        delivery_address: c.delivery_address.map(address),
        // The API writes an i32; only legacy data could hold more, shown as the most.
        payment_terms_days: Some(i32::try_from(c.payment_terms_days).unwrap_or(i32::MAX)),
        active: Some(c.active),
        note: c.note.unwrap_or_default(),
        legacy_id: c.legacy_id.unwrap_or_default(),
        erase_time: c.erased_at.map(timestamp),
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

pub fn contact_from(c: &pb::Contact) -> Result<Contact, ApiError> {
    Ok(Contact {
        civility: optional_text(&c.civility),
        job_title: optional_text(&c.job_title),
        email: optional_text(&c.email),
        phone: optional_text(&c.phone),
        mobile: optional_text(&c.mobile),
        principal: c.principal,
        ..Contact::new(&c.first_name, &c.last_name)?
    }
    .validate()?)
}

/// A contact of the customer `customer_code`, without its stored metadata.
fn contact_value(id: String, c: Contact, customer_code: &str) -> pb::Contact {
    pb::Contact {
        id,
        customer_code: customer_code.to_owned(),
        civility: c.civility.unwrap_or_default(),
        first_name: c.first_name,
        last_name: c.last_name,
        job_title: c.job_title.unwrap_or_default(),
        email: c.email.unwrap_or_default(),
        phone: c.phone.unwrap_or_default(),
        mobile: c.mobile.unwrap_or_default(),
        principal: c.principal,
        ..Default::default()
    }
}

pub fn contact(s: Stored<Contact>, customer_code: &str) -> pb::Contact {
    pb::Contact {
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
        ..contact_value(s.id, s.value, customer_code)
    }
}

pub fn purpose(value: i32) -> Result<ConsentPurpose, ApiError> {
    let name = enum_by_name::<pb::ConsentPurpose>("purpose", value, |e| e.as_str_name())?;
    Ok(ConsentPurpose::parse(name)?)
}

/// A consent of the customer `customer_code`; `stored` adds the row's times when the
/// consent has a row of its own (a contact's consents, exported, do not).
pub fn consent(
    c: Consent,
    customer_code: &str,
    stored: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
) -> pb::Consent {
    pb::Consent {
        customer_code: customer_code.to_owned(),
        purpose: proto_enum(c.purpose.as_str(), pb::ConsentPurpose::from_str_name) as i32,
        granted: c.granted,
        collect_time: Some(timestamp(c.collected_at)),
        effective: c.is_effective(),
        channel: c.channel,
        proof: c.proof.unwrap_or_default(),
        withdraw_time: c.withdrawn_at.map(timestamp),
        create_time: stored.map(|(created, _)| timestamp(created)),
        update_time: stored.map(|(_, updated)| timestamp(updated)),
    }
}
