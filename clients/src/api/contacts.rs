//! The contact handlers.

use bascule_proto::clients::v1 as pb;
use bascule_rpc::convert::{mask_paths, revision_from_etag};
use bascule_rpc::handler::{page_query, required};
use bascule_rpc::{ApiResult, list_params};

use super::convert as c;
use super::fields;
use super::service::ClientsApi;
use crate::domain::Contact;

pub(super) async fn get(api: &ClientsApi, r: pb::GetContactRequest) -> ApiResult<pb::Contact> {
    api.gate.check_read().await?;
    let contact = api.store.get_contact(&r.customer_code, &r.id).await?;
    Ok(c::contact(contact, &r.customer_code))
}

pub(super) async fn list(
    api: &ClientsApi,
    r: pb::ListContactsRequest,
) -> ApiResult<pb::ListContactsResponse> {
    api.gate.check_read().await?;
    let params = list_params(
        fields::CONTACTS,
        r.page_size,
        &r.page_token,
        &r.filter,
        &r.order_by,
    )?;
    let page = api
        .store
        .search_contacts(&r.customer_code, &page_query(&params, &[]))
        .await?;
    Ok(pb::ListContactsResponse {
        contacts: page
            .items
            .into_iter()
            .map(|s| c::contact(s, &r.customer_code))
            .collect(),
        next_page_token: page.next_token.unwrap_or_default(),
    })
}

pub(super) async fn create(
    api: &ClientsApi,
    r: pb::CreateContactRequest,
) -> ApiResult<pb::Contact> {
    api.gate.check_write().await?;
    let given = required("contact", r.contact.as_ref())?;
    let contact = c::contact_from(given)?;
    api.requests
        .once("CreateContact", &r.request_id, &r, || async {
            let stored = api.store.add_contact(&given.customer_code, contact).await?;
            Ok(c::contact(stored, &given.customer_code))
        })
        .await
}

const UPDATABLE: &[&str] = &[
    "civility",
    "first_name",
    "last_name",
    "job_title",
    "email",
    "phone",
    "mobile",
    "principal",
];

pub(super) async fn update(
    api: &ClientsApi,
    r: pb::UpdateContactRequest,
) -> ApiResult<pb::Contact> {
    api.gate.check_write().await?;
    let given = required("contact", r.contact.as_ref())?;
    let paths = mask_paths(r.update_mask.as_ref(), UPDATABLE)?;
    let code = &given.customer_code;
    let current = api.store.get_contact(code, &given.id).await?;
    let revision = revision_from_etag(&given.etag, current.revision)?;
    let legacy_id = current.value.legacy_id.clone();
    let mut merged = c::contact(current, code);
    for path in paths {
        match path {
            "civility" => merged.civility.clone_from(&given.civility),
            "first_name" => merged.first_name.clone_from(&given.first_name),
            "last_name" => merged.last_name.clone_from(&given.last_name),
            "job_title" => merged.job_title.clone_from(&given.job_title),
            "email" => merged.email.clone_from(&given.email),
            "phone" => merged.phone.clone_from(&given.phone),
            "mobile" => merged.mobile.clone_from(&given.mobile),
            _ => merged.principal = given.principal,
        }
    }
    // The legacy id links the contact to the consents migrated with it: it stays.
    let contact = Contact {
        legacy_id,
        ..c::contact_from(&merged)?
    };
    let stored = api
        .store
        .update_contact(code, &given.id, revision, contact)
        .await?;
    Ok(c::contact(stored, code))
}
