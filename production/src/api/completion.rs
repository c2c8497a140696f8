//! Completing a manufacturing order: its consumption and output posted through the
//! stock service's API, and only then the DONE state recorded. Stock's refusals become
//! this service's errors here, with stock's reason and metadata carried over.

use bascule_proto::production::v1 as pb;
use bascule_proto::stock::v1 as stock;
use bascule_rpc::convert::{decimal, parse_optional_decimal, revision_from_etag};
use bascule_rpc::{ApiError, ApiResult, ErrorCode};
use tonic::{Code, Status};
use tonic_types::StatusExt;

use super::convert as c;
use super::service::ProductionApi;
use crate::domain::{ManufacturingOrder, MoState, Posting, PostingKind, ProductionError};
use crate::notify;

/// The user recorded on the movements when the request names nobody.
const DEFAULT_USER: &str = "production";

/// Reasons of the stock service that are passed on as they are; any other becomes
/// STOCK_REFUSED (stock's own reason is always in the metadata as `stock_reason`).
const STOCK_REASONS: &[&str] = &[
    "INSUFFICIENT_STOCK",
    "NOT_FOUND",
    "INVALID_ARGUMENT",
    "ALREADY_EXISTS",
    "DOMAIN_NOT_LIVE",
    "DOMAIN_NOT_VERIFIED",
    "REQUEST_IN_PROGRESS",
    "REQUEST_OUTCOME_UNKNOWN",
    "STALE_ETAG",
];

fn known_reason(reason: &str) -> &'static str {
    STOCK_REASONS
        .iter()
        .find(|r| **r == reason)
        .copied()
        .unwrap_or("STOCK_REFUSED")
}

pub async fn complete(
    api: &ProductionApi,
    r: pb::CompleteManufacturingOrderRequest,
) -> ApiResult<pb::ManufacturingOrder> {
    api.gate.check_write().await?;
    for (field, value) in [
        ("consume_from_location_code", &r.consume_from_location_code),
        ("output_location_code", &r.output_location_code),
    ] {
        if value.trim().is_empty() {
            return Err(ApiError::invalid(field, "is required"));
        }
    }
    let produced = parse_optional_decimal("produced_quantity", r.produced_quantity.as_ref())?;
    api.requests
        .once("CompleteManufacturingOrder", &r.request_id, &r, || async {
            let current = api.store.get_order(&r.mo_number).await?;
            // Checked before anything is posted: a stale client must not move stock.
            let revision = revision_from_etag(&r.etag, current.revision)?;
            if revision != current.revision {
                return Err(ProductionError::Conflict {
                    entity: "manufacturing order",
                    key: r.mo_number.clone(),
                    revision,
                }
                .into());
            }
            let order = &current.value;
            let bom = match api.store.get_bom(&order.article_code).await {
                Err(ProductionError::NotFound { .. }) => {
                    return Err(ProductionError::NoBillOfMaterials {
                        article: order.article_code.clone(),
                    }
                    .into());
                }
                other => other?,
            };
            let postings =
                order.completion_postings(&bom.value, produced.unwrap_or(order.quantity))?;
            for posting in &postings {
                post(api, &r, order, posting).await?;
            }
            // Every movement is in stock: a failure from here on is retried by the
            // client, and the movements' request ids keep the retry from posting again.
            // The customer's e-mail, if the order was made for one, with the DONE state.
            let produced = produced.unwrap_or(order.quantity);
            Ok(c::order(
                api.store
                    .change_order_state_mailing(&r.mo_number, revision, MoState::Done, |done| {
                        notify::order_done(done, produced)
                    })
                    .await?,
            ))
        })
        .await
}

/// Posts one movement in stock under a request id of the order and the bill line.
async fn post(
    api: &ProductionApi,
    r: &pb::CompleteManufacturingOrderRequest,
    order: &ManufacturingOrder,
    posting: &Posting,
) -> ApiResult<()> {
    let (kind, location) = match posting.kind {
        PostingKind::Consumption => (
            stock::MovementKind::ProductionConsumption,
            r.consume_from_location_code.trim(),
        ),
        PostingKind::Output => (
            stock::MovementKind::ProductionOutput,
            r.output_location_code.trim(),
        ),
    };
    let user_name = match r.user_name.trim() {
        "" => DEFAULT_USER,
        name => name,
    };
    let request_id = format!("mo-complete:{}:{}", order.mo_number, posting.key);
    // Everything here derives from the order and the request, never from the clock:
    // stock recognises a retry by the request id AND the same content.
    let request = stock::CreateMovementRequest {
        movement: Some(stock::Movement {
            kind: kind.into(),
            article_code: posting.article_code.clone(),
            location_code: location.to_owned(),
            quantity: Some(decimal(posting.quantity)),
            reference: order.mo_number.clone(),
            user_name: user_name.to_owned(),
            ..Default::default()
        }),
        request_id: request_id.clone(),
    };
    match api.stock.clone().create_movement(request).await {
        Ok(_) => Ok(()),
        Err(status) => Err(from_stock(status, kind.as_str_name(), posting, location)
            .with("movement_request_id", request_id)),
    }
}

/// A refusal or failure of stock as an error of this service.
fn from_stock(status: Status, kind: &str, posting: &Posting, location: &str) -> ApiError {
    let what = format!("{kind} of {} at {location}", posting.article_code);
    let details = status.get_error_details();
    let info = details.error_info();
    let stock_reason = info.map(|i| i.reason.clone()).unwrap_or_default();
    let mut e = match status.code() {
        Code::Unavailable
        | Code::DeadlineExceeded
        | Code::Cancelled
        | Code::Unknown
        | Code::ResourceExhausted => return ApiError::unavailable("the stock service", status),
        Code::Aborted => ApiError::new(
            ErrorCode::Aborted,
            known_reason(&stock_reason),
            format!("stock is busy with the {what}: retry shortly"),
        ),
        Code::InvalidArgument
            if details
                .bad_request()
                .is_some_and(|b| b.field_violations.iter().any(|v| v.field == "request_id")) =>
        {
            ApiError::precondition(
                "COMPLETION_CHANGED",
                format!(
                    "the {what} was already posted for this order with other values: \
                     retry with the same locations, produced quantity and user_name"
                ),
            )
        }
        Code::FailedPrecondition
        | Code::NotFound
        | Code::InvalidArgument
        | Code::AlreadyExists
        | Code::OutOfRange => ApiError::precondition(
            known_reason(&stock_reason),
            // Stock's messages are written for clients already.
            format!("stock refused the {what}: {}", status.message()),
        ),
        _ => return ApiError::internal(status),
    };
    if let Some(info) = info {
        for (key, value) in &info.metadata {
            e = e.with(key, value);
        }
    }
    if let Some(bad) = details.bad_request() {
        for v in &bad.field_violations {
            e = e.violation(format!("stock.{}", v.field), v.description.clone());
        }
    }
    e.with("stock_reason", stock_reason)
        .with("article_code", &posting.article_code)
}
