//! The handlers of bills of materials, manufacturing orders (all but their completion)
//! and the progress reported on them.

use bascule_proto::production::v1 as pb;
use bascule_rpc::ApiResult;
use bascule_rpc::convert::{decimal, mask_paths, revision_from_etag};
use bascule_rpc::handler::{next_token, page_query, required};

use super::convert as c;
use super::fields;
use super::service::ProductionApi;
use crate::domain::{MoState, ProgressEntry};

pub async fn get_bom(
    api: &ProductionApi,
    r: pb::GetBillOfMaterialsRequest,
) -> ApiResult<pb::BillOfMaterials> {
    api.gate.check_read().await?;
    Ok(c::bom(api.store.get_bom(&r.article_code).await?))
}

pub async fn list_boms(
    api: &ProductionApi,
    r: pb::ListBillsOfMaterialsRequest,
) -> ApiResult<pb::ListBillsOfMaterialsResponse> {
    let p = api
        .list_params(
            fields::BOMS,
            r.page_size,
            &r.page_token,
            &r.filter,
            &r.order_by,
        )
        .await?;
    let page = api.store.search_boms(&page_query(&p, &[])).await?;
    Ok(pb::ListBillsOfMaterialsResponse {
        next_page_token: next_token(&page),
        bills_of_materials: page.items.into_iter().map(c::bom).collect(),
    })
}

pub async fn create_bom(
    api: &ProductionApi,
    r: pb::CreateBillOfMaterialsRequest,
) -> ApiResult<pb::BillOfMaterials> {
    api.gate.check_write().await?;
    let bom = c::bom_from(required("bill_of_materials", r.bill_of_materials.as_ref())?)?;
    api.requests
        .once("CreateBillOfMaterials", &r.request_id, &r, || async {
            Ok(c::bom(api.store.create_bom(bom).await?))
        })
        .await
}

pub async fn get(
    api: &ProductionApi,
    r: pb::GetManufacturingOrderRequest,
) -> ApiResult<pb::ManufacturingOrder> {
    api.gate.check_read().await?;
    Ok(c::order(api.store.get_order(&r.mo_number).await?))
}

pub async fn list(
    api: &ProductionApi,
    r: pb::ListManufacturingOrdersRequest,
) -> ApiResult<pb::ListManufacturingOrdersResponse> {
    let p = api
        .list_params(
            fields::ORDERS,
            r.page_size,
            &r.page_token,
            &r.filter,
            &r.order_by,
        )
        .await?;
    let page = api.store.search_orders(&page_query(&p, &[])).await?;
    Ok(pb::ListManufacturingOrdersResponse {
        next_page_token: next_token(&page),
        manufacturing_orders: page.items.into_iter().map(c::order).collect(),
    })
}

pub async fn create(
    api: &ProductionApi,
    r: pb::CreateManufacturingOrderRequest,
) -> ApiResult<pb::ManufacturingOrder> {
    api.gate.check_write().await?;
    let given = required("manufacturing_order", r.manufacturing_order.as_ref())?;
    // The state is output only: every order starts as a draft.
    let order = c::order_from(&pb::ManufacturingOrder {
        state: pb::ManufacturingOrderState::Draft.into(),
        ..given.clone()
    })?;
    api.requests
        .once("CreateManufacturingOrder", &r.request_id, &r, || async {
            Ok(c::order(api.store.create_order(order).await?))
        })
        .await
}

const UPDATABLE: &[&str] = &[
    "article_code",
    "quantity",
    "planned_start_date",
    "planned_end_date",
    "deadline_date",
    "origin_order_number",
    "customer_code",
    "tool_codes",
    "note",
];

pub async fn update(
    api: &ProductionApi,
    r: pb::UpdateManufacturingOrderRequest,
) -> ApiResult<pb::ManufacturingOrder> {
    api.gate.check_write().await?;
    let given = required("manufacturing_order", r.manufacturing_order.as_ref())?;
    let paths = mask_paths(r.update_mask.as_ref(), UPDATABLE)?;
    let current = api.store.get_order(&given.mo_number).await?;
    let revision = revision_from_etag(&given.etag, current.revision)?;
    let mut merged = c::order(current);
    for path in paths {
        match path {
            "article_code" => merged.article_code.clone_from(&given.article_code),
            "quantity" => merged.quantity.clone_from(&given.quantity),
            "planned_start_date" => merged
                .planned_start_date
                .clone_from(&given.planned_start_date),
            "planned_end_date" => merged.planned_end_date.clone_from(&given.planned_end_date),
            "deadline_date" => merged.deadline_date.clone_from(&given.deadline_date),
            "origin_order_number" => merged
                .origin_order_number
                .clone_from(&given.origin_order_number),
            "customer_code" => merged.customer_code.clone_from(&given.customer_code),
            "tool_codes" => merged.tool_codes.clone_from(&given.tool_codes),
            _ => merged.note.clone_from(&given.note),
        }
    }
    let order = c::order_from(&merged)?;
    Ok(c::order(
        api.store
            .update_order(&given.mo_number, revision, order)
            .await?,
    ))
}

async fn change_state(
    api: &ProductionApi,
    r: pb::ChangeManufacturingOrderStateRequest,
    to: MoState,
) -> ApiResult<pb::ManufacturingOrder> {
    api.gate.check_write().await?;
    let current = api.store.get_order(&r.mo_number).await?;
    let revision = revision_from_etag(&r.etag, current.revision)?;
    Ok(c::order(
        api.store
            .change_order_state(&r.mo_number, revision, to)
            .await?,
    ))
}

pub async fn confirm(
    api: &ProductionApi,
    r: pb::ChangeManufacturingOrderStateRequest,
) -> ApiResult<pb::ManufacturingOrder> {
    change_state(api, r, MoState::Confirmed).await
}

pub async fn start(
    api: &ProductionApi,
    r: pb::ChangeManufacturingOrderStateRequest,
) -> ApiResult<pb::ManufacturingOrder> {
    change_state(api, r, MoState::InProgress).await
}

pub async fn close(
    api: &ProductionApi,
    r: pb::ChangeManufacturingOrderStateRequest,
) -> ApiResult<pb::ManufacturingOrder> {
    change_state(api, r, MoState::Closed).await
}

pub async fn cancel(
    api: &ProductionApi,
    r: pb::ChangeManufacturingOrderStateRequest,
) -> ApiResult<pb::ManufacturingOrder> {
    change_state(api, r, MoState::Cancelled).await
}

pub async fn create_progress(
    api: &ProductionApi,
    r: pb::CreateProgressEntryRequest,
) -> ApiResult<pb::ProgressEntry> {
    api.gate.check_write().await?;
    let entry = c::progress_from(
        &r.mo_number,
        required("progress_entry", r.progress_entry.as_ref())?,
    )?;
    api.requests
        .once("CreateProgressEntry", &r.request_id, &r, || async {
            Ok(c::progress(api.store.add_progress(entry).await?))
        })
        .await
}

pub async fn list_progress(
    api: &ProductionApi,
    r: pb::ListProgressEntriesRequest,
) -> ApiResult<pb::ListProgressEntriesResponse> {
    let p = api
        .list_params(
            fields::PROGRESS,
            r.page_size,
            &r.page_token,
            &r.filter,
            &r.order_by,
        )
        .await?;
    // Also NOT_FOUND for an unknown order; the totals cover every entry.
    let totals = api.store.list_progress(&r.mo_number).await?.totals;
    let fixed = [("mo_number", r.mo_number.as_str().into())];
    let page = api
        .store
        .search::<ProgressEntry>(&page_query(&p, &fixed))
        .await?;
    Ok(pb::ListProgressEntriesResponse {
        next_page_token: next_token(&page),
        progress_entries: page.items.into_iter().map(c::progress).collect(),
        total_good_quantity: Some(decimal(totals.good)),
        total_scrap_quantity: Some(decimal(totals.scrap)),
        remaining_quantity: Some(decimal(totals.remaining)),
    })
}
