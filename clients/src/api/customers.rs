//! The customer handlers, the GDPR rights included.

use bascule_platform::db::record::now;
use bascule_proto::clients::v1 as pb;
use bascule_rpc::convert::{mask_paths, revision_from_etag, timestamp};
use bascule_rpc::handler::{page_query, required};
use bascule_rpc::{ApiResult, list_params};

use super::convert as c;
use super::fields;
use super::service::ClientsApi;
use crate::domain::Customer;

pub(super) async fn get(api: &ClientsApi, r: pb::GetCustomerRequest) -> ApiResult<pb::Customer> {
    api.gate.check_read().await?;
    Ok(c::customer(api.store.get_customer(&r.code).await?))
}

pub(super) async fn list(
    api: &ClientsApi,
    r: pb::ListCustomersRequest,
) -> ApiResult<pb::ListCustomersResponse> {
    api.gate.check_read().await?;
    let params = list_params(
        fields::CUSTOMERS,
        r.page_size,
        &r.page_token,
        &r.filter,
        &r.order_by,
    )?;
    let page = api
        .store
        .search_customers(&page_query(&params, &[]))
        .await?;
    Ok(pb::ListCustomersResponse {
        customers: page.items.into_iter().map(c::customer).collect(),
        next_page_token: page.next_token.unwrap_or_default(),
    })
}

pub(super) async fn create(
    api: &ClientsApi,
    r: pb::CreateCustomerRequest,
) -> ApiResult<pb::Customer> {
    api.gate.check_write().await?;
    let customer = c::customer_from(required("customer", r.customer.as_ref())?)?;
    api.requests
        .once("CreateCustomer", &r.request_id, &r, || async {
            Ok(c::customer(api.store.create_customer(customer).await?))
        })
        .await
}

const UPDATABLE: &[&str] = &[
    "name",
    "siret",
    "vat_number",
    "contact_emails",
    "phone",
    "billing_address",
    "delivery_address",
    "payment_terms_days",
    "active",
    "note",
];

pub(super) async fn update(
    api: &ClientsApi,
    r: pb::UpdateCustomerRequest,
) -> ApiResult<pb::Customer> {
    api.gate.check_write().await?;
    let given = required("customer", r.customer.as_ref())?;
    let paths = mask_paths(r.update_mask.as_ref(), UPDATABLE)?;
    let current = api.store.get_customer(&given.code).await?;
    let revision = revision_from_etag(&given.etag, current.revision)?;
    current.value.check_not_erased()?;
    let kept = current.value.clone();
    let mut merged = c::customer(current);
    for path in paths {
        match path {
            "name" => merged.name.clone_from(&given.name),
            "siret" => merged.siret.clone_from(&given.siret),
            "vat_number" => merged.vat_number.clone_from(&given.vat_number),
            "contact_emails" => merged.contact_emails.clone_from(&given.contact_emails),
            "phone" => merged.phone.clone_from(&given.phone),
            "billing_address" => merged.billing_address.clone_from(&given.billing_address),
            "delivery_address" => merged.delivery_address.clone_from(&given.delivery_address),
            "payment_terms_days" => merged.payment_terms_days = given.payment_terms_days,
            "active" => merged.active = given.active,
            _ => merged.note.clone_from(&given.note),
        }
    }
    // What the API does not write (legacy links, erasure) stays as stored.
    let customer = Customer {
        legacy_id: kept.legacy_id,
        legacy_updated_at: kept.legacy_updated_at,
        erased_at: kept.erased_at,
        ..c::customer_from(&merged)?
    };
    Ok(c::customer(
        api.store
            .update_customer(&given.code, revision, customer)
            .await?,
    ))
}

pub(super) async fn export(
    api: &ClientsApi,
    r: pb::ExportCustomerDataRequest,
) -> ApiResult<pb::CustomerDataExport> {
    api.gate.check_read().await?;
    let export = api.store.export_customer(&r.code).await?;
    let code = export.customer.value.code.clone();
    Ok(pb::CustomerDataExport {
        customer: Some(c::customer(export.customer)),
        contacts: export
            .contacts
            .into_iter()
            .map(|sc| pb::ContactData {
                contact: Some(c::contact(sc.contact, &code)),
                consents: sc
                    .consents
                    .into_iter()
                    .map(|consent| c::consent(consent, &code, None))
                    .collect(),
            })
            .collect(),
        consents: export
            .consents
            .into_iter()
            .map(|s| c::consent(s.value, &code, Some((s.created_at, s.updated_at))))
            .collect(),
        orders: export
            .orders
            .into_iter()
            .map(c::order)
            .collect::<ApiResult<_>>()?,
        export_time: Some(timestamp(now())),
    })
}

pub(super) async fn erase(
    api: &ClientsApi,
    r: pb::ErasePersonalDataRequest,
) -> ApiResult<pb::Customer> {
    api.gate.check_write().await?;
    Ok(c::customer(api.store.erase_customer(&r.code, now()).await?))
}
