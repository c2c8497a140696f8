//! The calls to the stock service that receiving goods makes: one RECEIPT movement per
//! received line, each with a request id derived from the receipt so that stock posts it
//! once however often it is sent; their reversal when the receipt is not recorded; and
//! the mapping of stock's answers to this service's errors.

use bascule_proto::stock::v1 as stock;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::convert::decimal;
use bascule_rpc::{ApiError, ApiResult};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;

use super::convert::today;
use crate::domain::{Receipt, ReceiptLine};

/// A line to post: line number, article code, quantity received.
pub(super) type ToPost = (i64, String, Decimal);

/// The request id of the movement of line `line_no` of receipt `receipt_id`.
fn movement_request_id(receipt_id: &str, line_no: i64) -> String {
    format!("po-receipt:{receipt_id}:{line_no}")
}

/// Midnight UTC of the day the goods arrived, for a receipt keyed in after that day;
/// a receipt of today takes the time stock records it at.
fn occur_time(received_on: NaiveDate) -> Option<prost_types::Timestamp> {
    if received_on >= today() {
        return None;
    }
    received_on
        .and_hms_opt(0, 0, 0)
        .map(|t| bascule_rpc::convert::timestamp(t.and_utc()))
}

/// Posts one RECEIPT movement per line to stock, in order. When stock refuses or cannot
/// be reached, the movements already posted are reversed and the error is returned.
pub(super) async fn post_receipt(
    client: &StockServiceClient<Channel>,
    receipt_id: &str,
    receipt: &Receipt,
    lines: &[ToPost],
) -> ApiResult<Vec<ReceiptLine>> {
    let mut client = client.clone();
    let mut posted = Vec::with_capacity(lines.len());
    for (line_no, article_code, quantity) in lines {
        let request = stock::CreateMovementRequest {
            movement: Some(stock::Movement {
                kind: stock::MovementKind::Receipt as i32,
                article_code: article_code.clone(),
                location_code: receipt.location_code.clone(),
                quantity: Some(decimal(*quantity)),
                reference: receipt.po_number.clone(),
                occur_time: occur_time(receipt.received_on),
                user_name: receipt.user_name.clone(),
                note: format!("receipt {receipt_id}, line {line_no}"),
                ..Default::default()
            }),
            request_id: movement_request_id(receipt_id, *line_no),
        };
        match client.create_movement(request).await {
            Ok(movement) => posted.push(ReceiptLine {
                line_no: *line_no,
                article_code: article_code.clone(),
                quantity: *quantity,
                movement_id: movement.into_inner().id,
            }),
            Err(status) => {
                reverse(&mut client, receipt_id, receipt, &posted).await;
                return Err(stock_error(*line_no, status));
            }
        }
    }
    Ok(posted)
}

/// Reverses the movements of a receipt that is not recorded, so that stock holds no
/// goods that fournisseurs never received. What cannot be reversed (stock went away
/// meanwhile) is logged for someone to reverse by hand: the movements name the receipt.
pub(super) async fn reverse(
    client: &mut StockServiceClient<Channel>,
    receipt_id: &str,
    receipt: &Receipt,
    posted: &[ReceiptLine],
) {
    for line in posted {
        let request = stock::ReverseMovementRequest {
            id: line.movement_id.clone(),
            user_name: receipt.user_name.clone(),
            request_id: format!("po-receipt-undo:{receipt_id}:{}", line.line_no),
        };
        if let Err(status) = client.reverse_movement(request).await {
            tracing::error!(
                receipt_id,
                po_number = %receipt.po_number,
                movement_id = %line.movement_id,
                code = ?status.code(),
                message = status.message(),
                "a receipt was not recorded and its stock movement could not be reversed: reverse it by hand"
            );
        }
    }
}

/// Stock's answer to the movement of line `line_no` as this service's error: a refusal
/// (unknown article or location, stock not live…) is FAILED_PRECONDITION with stock's
/// message and reason; a stock that cannot be reached in time is UNAVAILABLE.
fn stock_error(line_no: i64, status: Status) -> ApiError {
    match status.code() {
        Code::Unavailable
        | Code::DeadlineExceeded
        | Code::Cancelled
        | Code::Unknown
        | Code::ResourceExhausted
        | Code::Aborted => ApiError::unavailable("the stock service", status),
        Code::NotFound
        | Code::InvalidArgument
        | Code::FailedPrecondition
        | Code::AlreadyExists
        | Code::OutOfRange => {
            let reason = status
                .get_error_details()
                .error_info()
                .map(|i| i.reason.clone())
                .unwrap_or_default();
            ApiError::precondition(
                "STOCK_REFUSED",
                format!(
                    "the stock service refused the receipt of line {line_no}: {}",
                    status.message()
                ),
            )
            .with("line_no", line_no)
            .with("stock_code", format!("{:?}", status.code()))
            .with("stock_reason", reason)
        }
        _ => ApiError::internal(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bascule_rpc::ErrorCode;

    #[test]
    fn stock_answers_become_this_services_errors() {
        let refused = stock_error(2, Status::not_found("location Z99-99-9 not found"));
        assert_eq!(refused.code, ErrorCode::FailedPrecondition);
        assert_eq!(refused.reason, "STOCK_REFUSED");
        assert!(refused.message.contains("line 2"));
        assert!(refused.message.contains("Z99-99-9"));
        assert_eq!(refused.metadata["line_no"], "2");
        assert_eq!(refused.metadata["stock_code"], "NotFound");
        for status in [
            Status::unavailable("tcp connect error"),
            Status::deadline_exceeded("deadline"),
            Status::cancelled("Timeout expired"),
        ] {
            let e = stock_error(1, status);
            assert_eq!(e.code, ErrorCode::Unavailable);
            assert!(!e.message.contains("tcp"), "{}", e.message);
        }
        assert_eq!(
            stock_error(1, Status::internal("boom")).code,
            ErrorCode::Internal
        );
    }

    #[test]
    fn movement_request_ids_name_the_receipt_and_line() {
        assert_eq!(movement_request_id("r-1", 3), "po-receipt:r-1:3");
        assert!(occur_time(today()).is_none());
        let past = NaiveDate::from_ymd_opt(2025, 3, 5).expect("date");
        assert_eq!(occur_time(past).map(|t| t.nanos), Some(0));
    }
}
