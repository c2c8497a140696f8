//! ReceivePurchaseOrder: goods received on a confirmed order are posted to stock first,
//! then recorded here; a receipt stock refused, or that cannot be recorded, leaves
//! nothing behind in either service.

use bascule_platform::db::record::new_id;
use bascule_proto::fournisseurs::v1 as pb;
use bascule_rpc::ApiResult;
use bascule_rpc::convert::{optional_text, parse_decimal};
use rust_decimal::Decimal;

use super::convert::{self as c, parse_date, today};
use super::service::FournisseursApi;
use super::stock::{self, ToPost};
use crate::domain::Receipt;

impl FournisseursApi {
    pub(super) async fn receive_purchase_order(
        &self,
        r: pb::ReceivePurchaseOrderRequest,
    ) -> ApiResult<pb::ReceivePurchaseOrderResponse> {
        self.gate.check_write().await?;
        let receipt = Receipt {
            po_number: r.po_number.clone(),
            location_code: r.location_code.clone(),
            received_on: parse_date("received_on", r.received_on.as_ref())?.unwrap_or_else(today),
            user_name: r.user_name.clone(),
            note: optional_text(&r.note),
        }
        .validate()?;
        let quantities = r
            .lines
            .iter()
            .map(|l| {
                Ok((
                    i64::from(l.line_no),
                    parse_decimal("quantity", l.quantity.as_ref())?,
                ))
            })
            .collect::<ApiResult<Vec<(i64, Decimal)>>>()?;
        self.requests
            .once("ReceivePurchaseOrder", &r.request_id, &r, || async {
                // Stock is told only about a receipt the order accepts.
                let after = self.store.check_receipt(&receipt, &quantities).await?;
                let to_post: Vec<ToPost> = after
                    .iter()
                    .zip(&quantities)
                    .map(|(line, (line_no, quantity))| {
                        (*line_no, line.article_code.clone(), *quantity)
                    })
                    .collect();
                // The id is chosen before stock is called, so that the request id of each
                // movement names the receipt: stock posts each once, even when resent.
                let id = new_id();
                let posted = stock::post_receipt(&self.stock, &id, &receipt, &to_post).await?;
                let (recorded, order) = match self
                    .store
                    .record_receipt_lines(&id, receipt.clone(), posted.clone())
                    .await
                {
                    Ok(recorded) => recorded,
                    Err(e) => {
                        // The order changed meanwhile (closed, cancelled…) or the database
                        // failed: the goods are not received, so stock must not hold them.
                        stock::reverse(&mut self.stock.clone(), &id, &receipt, &posted).await;
                        return Err(e.into());
                    }
                };
                Ok(pb::ReceivePurchaseOrderResponse {
                    receipt: Some(c::receipt(recorded)),
                    purchase_order: Some(c::order(order)),
                })
            })
            .await
    }
}
