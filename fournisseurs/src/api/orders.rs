//! Handlers of purchase orders: create, read, list, header updates while DRAFT, the
//! state changes, and reading the receipts recorded on them.

use bascule_proto::fournisseurs::v1 as pb;
use bascule_rpc::ApiResult;
use bascule_rpc::convert::{mask_paths, revision_from_etag};
use bascule_rpc::handler::required;

use super::service::FournisseursApi;
use super::{convert as c, fields};
use crate::domain::{PoState, PurchaseOrder, Receipt};
use crate::storage::{OrderWithLines, ReceiptWithLines};

const HEADER_FIELDS: &[&str] = &[
    "order_date",
    "requested_delivery_date",
    "currency",
    "buyer",
    "note",
];

impl FournisseursApi {
    pub(super) async fn get_purchase_order(
        &self,
        r: pb::GetPurchaseOrderRequest,
    ) -> ApiResult<pb::PurchaseOrder> {
        self.gate.check_read().await?;
        Ok(c::order(self.store.get_order(&r.po_number).await?))
    }

    pub(super) async fn list_purchase_orders(
        &self,
        r: pb::ListPurchaseOrdersRequest,
    ) -> ApiResult<pb::ListPurchaseOrdersResponse> {
        let (orders, next_page_token) = self
            .page::<PurchaseOrder>(
                fields::PURCHASE_ORDERS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
            )
            .await?;
        let ids: Vec<&str> = orders.iter().map(|o| o.id.as_str()).collect();
        let mut lines = self.store.lines_of_orders(&ids).await?;
        let purchase_orders = orders
            .into_iter()
            .map(|order| {
                let lines = lines.remove(&order.id).unwrap_or_default();
                c::order(OrderWithLines { order, lines })
            })
            .collect();
        Ok(pb::ListPurchaseOrdersResponse {
            purchase_orders,
            next_page_token,
        })
    }

    pub(super) async fn create_purchase_order(
        &self,
        r: pb::CreatePurchaseOrderRequest,
    ) -> ApiResult<pb::PurchaseOrder> {
        self.gate.check_write().await?;
        let given = required("purchase_order", r.purchase_order.as_ref())?;
        let order = c::order_from(given)?;
        let lines = given
            .lines
            .iter()
            .map(c::line_from)
            .collect::<ApiResult<Vec<_>>>()?;
        self.requests
            .once("CreatePurchaseOrder", &r.request_id, &r, || async {
                Ok(c::order(self.store.create_order(order, lines).await?))
            })
            .await
    }

    pub(super) async fn update_purchase_order(
        &self,
        r: pb::UpdatePurchaseOrderRequest,
    ) -> ApiResult<pb::PurchaseOrder> {
        self.gate.check_write().await?;
        let given = required("purchase_order", r.purchase_order.as_ref())?;
        let paths = mask_paths(r.update_mask.as_ref(), HEADER_FIELDS)?;
        let current = self.store.get_order(&given.po_number).await?;
        let revision = revision_from_etag(&given.etag, current.order.revision)?;
        // Checked here for a clear answer before any field is looked at, and again by the
        // store under the order's lock.
        current.order.value.check_editable()?;
        let mut merged = c::order(current);
        for path in paths {
            match path {
                "order_date" => merged.order_date = given.order_date,
                "requested_delivery_date" => {
                    merged.requested_delivery_date = given.requested_delivery_date;
                }
                "currency" => merged.currency.clone_from(&given.currency),
                "buyer" => merged.buyer.clone_from(&given.buyer),
                _ => merged.note.clone_from(&given.note),
            }
        }
        let order = c::order_from(&merged)?;
        Ok(c::order(
            self.store.update_order_header(revision, order).await?,
        ))
    }

    /// Moves an order to `to`, at the revision of `etag` when one is given.
    async fn change_state(
        &self,
        po_number: &str,
        etag: &str,
        to: PoState,
    ) -> ApiResult<pb::PurchaseOrder> {
        self.gate.check_write().await?;
        let current = self.store.get_order(po_number).await?;
        let revision = revision_from_etag(etag, current.order.revision)?;
        self.store
            .change_order_state(po_number, revision, to)
            .await?;
        Ok(c::order(self.store.get_order(po_number).await?))
    }

    pub(super) async fn send_purchase_order(
        &self,
        r: pb::SendPurchaseOrderRequest,
    ) -> ApiResult<pb::PurchaseOrder> {
        self.change_state(&r.po_number, &r.etag, PoState::RfqSent)
            .await
    }

    pub(super) async fn confirm_purchase_order(
        &self,
        r: pb::ConfirmPurchaseOrderRequest,
    ) -> ApiResult<pb::PurchaseOrder> {
        self.change_state(&r.po_number, &r.etag, PoState::Confirmed)
            .await
    }

    pub(super) async fn close_purchase_order(
        &self,
        r: pb::ClosePurchaseOrderRequest,
    ) -> ApiResult<pb::PurchaseOrder> {
        self.change_state(&r.po_number, &r.etag, PoState::Closed)
            .await
    }

    pub(super) async fn cancel_purchase_order(
        &self,
        r: pb::CancelPurchaseOrderRequest,
    ) -> ApiResult<pb::PurchaseOrder> {
        self.change_state(&r.po_number, &r.etag, PoState::Cancelled)
            .await
    }

    pub(super) async fn get_receipt(&self, r: pb::GetReceiptRequest) -> ApiResult<pb::Receipt> {
        self.gate.check_read().await?;
        Ok(c::receipt(self.store.get_receipt(&r.id).await?))
    }

    pub(super) async fn list_receipts(
        &self,
        r: pb::ListReceiptsRequest,
    ) -> ApiResult<pb::ListReceiptsResponse> {
        let (receipts, next_page_token) = self
            .page::<Receipt>(
                fields::RECEIPTS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
            )
            .await?;
        let ids: Vec<&str> = receipts.iter().map(|r| r.id.as_str()).collect();
        let mut lines = self.store.lines_of_receipts(&ids).await?;
        let receipts = receipts
            .into_iter()
            .map(|receipt| {
                let lines = lines.remove(&receipt.id).unwrap_or_default();
                c::receipt(ReceiptWithLines { receipt, lines })
            })
            .collect();
        Ok(pb::ListReceiptsResponse {
            receipts,
            next_page_token,
        })
    }
}
