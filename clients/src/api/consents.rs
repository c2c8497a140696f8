//! The consent handlers: a customer's consents change only by grant and withdrawal.

use bascule_platform::db::record::now;
use bascule_proto::clients::v1 as pb;
use bascule_rpc::convert::{optional_text, parse_timestamp};
use bascule_rpc::handler::page_query;
use bascule_rpc::{ApiResult, list_params};

use super::convert as c;
use super::fields;
use super::service::ClientsApi;
use crate::domain::Consent;

fn time_or_now(
    field: &str,
    t: Option<&prost_types::Timestamp>,
) -> ApiResult<chrono::DateTime<chrono::Utc>> {
    t.map_or_else(|| Ok(now()), |t| parse_timestamp(field, t))
}

pub(super) async fn list(
    api: &ClientsApi,
    r: pb::ListConsentsRequest,
) -> ApiResult<pb::ListConsentsResponse> {
    api.gate.check_read().await?;
    let params = list_params(
        fields::CONSENTS,
        r.page_size,
        &r.page_token,
        &r.filter,
        &r.order_by,
    )?;
    let page = api
        .store
        .search_consents(&r.customer_code, &page_query(&params, &[]))
        .await?;
    Ok(pb::ListConsentsResponse {
        consents: page
            .items
            .into_iter()
            .map(|s| {
                c::consent(
                    s.value,
                    &r.customer_code,
                    Some((s.created_at, s.updated_at)),
                )
            })
            .collect(),
        next_page_token: page.next_token.unwrap_or_default(),
    })
}

pub(super) async fn grant(api: &ClientsApi, r: pb::GrantConsentRequest) -> ApiResult<pb::Consent> {
    api.gate.check_write().await?;
    let purpose = c::purpose(r.purpose)?;
    let at = time_or_now("collect_time", r.collect_time.as_ref())?;
    let consent = Consent {
        proof: optional_text(&r.proof),
        ..Consent::new(purpose, true, at, &r.channel)?
    }
    .validate()?;
    let s = api.store.put_consent(&r.customer_code, consent).await?;
    Ok(c::consent(
        s.value,
        &r.customer_code,
        Some((s.created_at, s.updated_at)),
    ))
}

pub(super) async fn withdraw(
    api: &ClientsApi,
    r: pb::WithdrawConsentRequest,
) -> ApiResult<pb::Consent> {
    api.gate.check_write().await?;
    let purpose = c::purpose(r.purpose)?;
    let at = time_or_now("withdraw_time", r.withdraw_time.as_ref())?;
    let s = api
        .store
        .withdraw_consent(&r.customer_code, purpose, at)
        .await?;
    Ok(c::consent(
        s.value,
        &r.customer_code,
        Some((s.created_at, s.updated_at)),
    ))
}
