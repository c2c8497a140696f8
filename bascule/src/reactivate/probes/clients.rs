//! Clients' reactivation probes: customers and customer orders answer; a customer made
//! for the check takes a contact and a consent, its data is exported (GDPR right of
//! access), the consent is withdrawn, and a contact with a wrong e-mail is refused. No
//! order is confirmed: that writes to the customer and to production.

use bascule_platform::db::Db;
use bascule_platform::db::purge::Seed;
use bascule_platform::db::schema::SchemaName;
use bascule_proto::clients::v1 as pb;
use bascule_proto::clients::v1::clients_service_client::ClientsServiceClient;
use tonic::Code;
use tonic::transport::Channel;

use super::{Created, Pass, listed, said};
use crate::reactivate::integrity::table_rows;
use crate::reactivate::outcome::Checks;

pub async fn data(db: &Db, channel: Channel, checks: &mut Checks) -> anyhow::Result<()> {
    let mut c = ClientsServiceClient::new(channel);
    let rows = table_rows(db, SchemaName::Clients, "customer").await?;
    let page = c
        .list_customers(pb::ListCustomersRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .customers
                .into_iter()
                .map(|c| c.code)
                .collect::<Vec<_>>()
        });
    let read_back = match page.as_ref().ok().and_then(|k| k.first()) {
        Some(code) => Some(
            c.get_customer(pb::GetCustomerRequest { code: code.clone() })
                .await
                .map(|_| ()),
        ),
        None => None,
    };
    listed(checks, "customers", rows, page, read_back);

    let rows = table_rows(db, SchemaName::Clients, "customer_order").await?;
    let page = c
        .list_customer_orders(pb::ListCustomerOrdersRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .customer_orders
                .into_iter()
                .map(|o| o.order_number)
                .collect::<Vec<_>>()
        });
    let read_back = match page.as_ref().ok().and_then(|k| k.first()) {
        Some(number) => Some(
            c.get_customer_order(pb::GetCustomerOrderRequest {
                order_number: number.clone(),
            })
            .await
            .map(|_| ()),
        ),
        None => None,
    };
    listed(checks, "customer orders", rows, page, read_back);
    Ok(())
}

type Client = ClientsServiceClient<tonic::service::interceptor::InterceptedService<Channel, Pass>>;

/// How many codes, from C99999 down, are tried for one no customer has.
const CODES_TRIED: u32 = 200;

/// A customer code no customer has: customer codes are `C` and five digits, so the
/// check cannot name its customer apart from the real ones and looks for a free code
/// from the top of the range, where the legacy numbering has not reached.
async fn free_code(c: &mut Client) -> Result<String, String> {
    for n in (99_999 - CODES_TRIED + 1..=99_999).rev() {
        let code = format!("C{n:05}");
        match c
            .get_customer(pb::GetCustomerRequest { code: code.clone() })
            .await
        {
            Err(s) if s.code() == Code::NotFound => return Ok(code),
            Err(s) => return Err(format!("looking for a free customer code: {}", said(&s))),
            Ok(_) => {}
        }
    }
    Err(format!(
        "the {CODES_TRIED} customer codes below C99999 are all taken"
    ))
}

fn contact(code: &str, last_name: &str, email: &str) -> pb::Contact {
    pb::Contact {
        customer_code: code.into(),
        first_name: "Contrôle".into(),
        last_name: last_name.into(),
        job_title: "Réactivation".into(),
        email: email.into(),
        ..Default::default()
    }
}

/// Runs the operations; returns what to remove, even when a step failed.
pub async fn processes(channel: Channel, pass: Pass, tag: &str, checks: &mut Checks) -> Created {
    let mut created = Vec::new();
    let mut c: Client = ClientsServiceClient::with_interceptor(channel, pass);
    let remedy = "read the service's log for this request; the operation must work before the domain goes live";

    let code = match free_code(&mut c).await {
        Ok(code) => code,
        Err(e) => {
            checks.fail("create a customer", e, remedy);
            return created;
        }
    };
    // Contacts, consents and orders refer to the customer. The seed goes before the
    // call, so that a customer created whose answer was lost is removed too; it is taken
    // back when the code turns out to be someone's after all.
    created.push(Seed::new("customer", "code", code.as_str()));
    let step = c
        .create_customer(pb::CreateCustomerRequest {
            customer: Some(pb::Customer {
                code: code.clone(),
                name: format!("Client de contrôle (réactivation {tag})"),
                billing_address: Some(pb::Address {
                    line1: "1 rue du Contrôle".into(),
                    postal_code: "75001".into(),
                    city: "Paris".into(),
                    country: "FR".into(),
                    ..Default::default()
                }),
                active: Some(true),
                note: format!("REACTIVATION-CHECK {tag}"),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await;
    if matches!(&step, Err(s) if s.code() == Code::AlreadyExists) {
        created.clear();
    }
    checks.record(
        "create a customer",
        step.map(|_| format!("customer {code} created"))
            .map_err(|s| said(&s)),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .create_contact(pb::CreateContactRequest {
            contact: Some(contact(
                &code,
                &format!("Réactivation {tag}"),
                "reactivation.check@example.invalid",
            )),
            request_id: String::new(),
        })
        .await;
    let contact_id = match &step {
        Ok(r) => r.get_ref().id.clone(),
        Err(_) => String::new(),
    };
    checks.record(
        "create a contact",
        step.map(|r| format!("contact {} created", r.into_inner().id))
            .map_err(|s| said(&s)),
        remedy,
    );
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .grant_consent(pb::GrantConsentRequest {
            customer_code: code.clone(),
            purpose: pb::ConsentPurpose::Newsletter as i32,
            collect_time: None,
            channel: "bascule reactivate".into(),
            proof: format!("REACTIVATION-CHECK {tag}"),
        })
        .await;
    let outcome = match step {
        Err(s) => Err(said(&s)),
        Ok(r) if r.get_ref().effective => Ok("newsletter consent granted".to_owned()),
        Ok(_) => Err("the consent granted does not stand".to_owned()),
    };
    checks.record("grant a consent", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .export_customer_data(pb::ExportCustomerDataRequest { code: code.clone() })
        .await;
    let outcome = match step {
        Err(s) => Err(said(&s)),
        Ok(r) => {
            let export = r.into_inner();
            let has_contact = export
                .contacts
                .iter()
                .any(|d| d.contact.as_ref().is_some_and(|c| c.id == contact_id));
            let has_consent = export
                .consents
                .iter()
                .any(|c| c.purpose() == pb::ConsentPurpose::Newsletter && c.effective);
            match (
                export.customer.as_ref().map(|c| c.code.as_str()),
                has_contact,
                has_consent,
            ) {
                (Some(exported), true, true) if exported == code => Ok(format!(
                    "the export of {code} holds its contact {contact_id} and its consent"
                )),
                (exported, _, _) => Err(format!(
                    "the export names customer {exported:?}, its contact {}, its consent {}",
                    if has_contact { "present" } else { "missing" },
                    if has_consent { "present" } else { "missing" }
                )),
            }
        }
    };
    checks.record("export the customer's data (GDPR)", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .withdraw_consent(pb::WithdrawConsentRequest {
            customer_code: code.clone(),
            purpose: pb::ConsentPurpose::Newsletter as i32,
            withdraw_time: None,
        })
        .await;
    let outcome = match step {
        Err(s) => Err(said(&s)),
        Ok(r) => {
            let consent = r.into_inner();
            if !consent.effective && consent.withdraw_time.is_some() {
                Ok("newsletter consent withdrawn".to_owned())
            } else {
                Err("the consent withdrawn still stands".to_owned())
            }
        }
    };
    checks.record("withdraw the consent", outcome, remedy);
    if !checks.last_passed() {
        return created;
    }

    let step = c
        .create_contact(pb::CreateContactRequest {
            contact: Some(contact(&code, &format!("Refus {tag}"), "pas-une-adresse")),
            request_id: String::new(),
        })
        .await;
    let outcome = match step {
        Err(s) if s.code() == Code::InvalidArgument => {
            Ok("a contact with the e-mail \"pas-une-adresse\" is refused".to_owned())
        }
        Err(s) => Err(format!(
            "refused, but not as an invalid argument: {}",
            said(&s)
        )),
        Ok(_) => Err("a contact with the e-mail \"pas-une-adresse\" was accepted".to_owned()),
    };
    checks.record("refuse a contact with an invalid e-mail", outcome, remedy);
    created
}
