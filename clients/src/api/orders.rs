//! The customer order handlers: drafts are created and edited, then move through the
//! state machine one method per transition.

use bascule_proto::clients::v1 as pb;
use bascule_rpc::convert::{mask_paths, revision_from_etag};
use bascule_rpc::handler::{page_query, required};
use bascule_rpc::{ApiResult, list_params};

use super::convert as c;
use super::fields;
use super::service::ClientsApi;
use crate::domain::{CustomerOrder, OrderState};

pub(super) async fn get(
    api: &ClientsApi,
    r: pb::GetCustomerOrderRequest,
) -> ApiResult<pb::CustomerOrder> {
    api.gate.check_read().await?;
    c::order(api.store.get_order(&r.order_number).await?)
}

pub(super) async fn list(
    api: &ClientsApi,
    r: pb::ListCustomerOrdersRequest,
) -> ApiResult<pb::ListCustomerOrdersResponse> {
    api.gate.check_read().await?;
    let params = list_params(
        fields::ORDERS,
        r.page_size,
        &r.page_token,
        &r.filter,
        &r.order_by,
    )?;
    let page = api.store.search_orders(&page_query(&params, &[])).await?;
    Ok(pb::ListCustomerOrdersResponse {
        customer_orders: page
            .items
            .into_iter()
            .map(c::order)
            .collect::<ApiResult<_>>()?,
        next_page_token: page.next_token.unwrap_or_default(),
    })
}

pub(super) async fn create(
    api: &ClientsApi,
    r: pb::CreateCustomerOrderRequest,
) -> ApiResult<pb::CustomerOrder> {
    api.gate.check_write().await?;
    let (order, lines) = c::order_from(required("customer_order", r.customer_order.as_ref())?)?;
    api.requests
        .once("CreateCustomerOrder", &r.request_id, &r, || async {
            c::order(api.store.create_order(order, lines).await?)
        })
        .await
}

const UPDATABLE: &[&str] = &[
    "customer_reference",
    "order_date",
    "requested_date",
    "promised_date",
    "currency",
    "note",
    "lines",
];

pub(super) async fn update(
    api: &ClientsApi,
    r: pb::UpdateCustomerOrderRequest,
) -> ApiResult<pb::CustomerOrder> {
    api.gate.check_write().await?;
    let given = required("customer_order", r.customer_order.as_ref())?;
    let paths = mask_paths(r.update_mask.as_ref(), UPDATABLE)?;
    let current = api.store.get_order(&given.order_number).await?;
    let revision = revision_from_etag(&given.etag, current.order.revision)?;
    let kept = current.order.value.clone();
    let mut merged = c::order(current)?;
    for path in paths {
        match path {
            "customer_reference" => merged
                .customer_reference
                .clone_from(&given.customer_reference),
            "order_date" => merged.order_date.clone_from(&given.order_date),
            "requested_date" => merged.requested_date.clone_from(&given.requested_date),
            "promised_date" => merged.promised_date.clone_from(&given.promised_date),
            "currency" => merged.currency.clone_from(&given.currency),
            "note" => merged.note.clone_from(&given.note),
            _ => merged.lines.clone_from(&given.lines),
        }
    }
    let (order, lines) = c::order_from(&merged)?;
    // The state changes only through its own methods; the store refuses to edit an
    // order that is no longer a draft.
    let order = CustomerOrder {
        state: kept.state,
        legacy_total_excl_tax: kept.legacy_total_excl_tax,
        ..order
    };
    c::order(
        api.store
            .update_order(&given.order_number, revision, order, lines)
            .await?,
    )
}

/// Moves the order to `next` at the revision `etag` names (the current one when empty).
pub(super) async fn transition(
    api: &ClientsApi,
    order_number: &str,
    etag: &str,
    next: OrderState,
) -> ApiResult<pb::CustomerOrder> {
    api.gate.check_write().await?;
    let current = api.store.get_order(order_number).await?;
    let revision = revision_from_etag(etag, current.order.revision)?;
    api.store
        .change_order_state(order_number, revision, next)
        .await?;
    // Only a draft's lines change, and the order just left DRAFT (or was refused).
    c::order(api.store.get_order(order_number).await?)
}
