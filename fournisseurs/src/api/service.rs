//! The FournisseursService: the service value, what every handler shares, and the
//! gRPC trait, whose every method runs the handler of the same name (in the modules
//! beside this one) and turns its error into a status.

use std::sync::Arc;

use bascule_platform::db::Db;
use bascule_platform::db::record::{Record, Stored};
use bascule_proto::fournisseurs::v1 as pb;
use bascule_proto::fournisseurs::v1::fournisseurs_service_server::{
    FournisseursService, FournisseursServiceServer,
};
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::handler::{self, page_query};
use bascule_rpc::{ApiResult, Field, LiveGate, RequestLog, list_params};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::ERROR_DOMAIN;
use crate::notify::MailAddresses;
use crate::storage::FournisseursStore;

#[derive(Debug, Clone)]
pub struct FournisseursApi {
    pub(super) store: FournisseursStore,
    pub(super) gate: Arc<LiveGate>,
    pub(super) requests: RequestLog,
    /// Where receipts post their movements.
    pub(super) stock: StockServiceClient<Channel>,
}

/// The domain name in the control schema.
const DOMAIN: &str = "fournisseurs";

impl FournisseursApi {
    /// The service on `db`, writing the e-mails of purchase orders to suppliers into the
    /// outbox (see [`FournisseursApi::with_mail`] for the company's own addresses), posting the receipts of goods to the stock service behind
    /// `stock` (a channel with a deadline, such as `bascule_rpc::client::lazy_channel`'s).
    pub fn new(db: Db, stock: StockServiceClient<Channel>) -> Self {
        FournisseursApi {
            store: FournisseursStore::new(db.clone()).with_mail(MailAddresses::default()),
            gate: Arc::new(LiveGate::new(db.clone(), DOMAIN)),
            requests: RequestLog::new(db, DOMAIN),
            stock,
        }
    }

    /// The same service with the company's addresses for its e-mails (see
    /// [`crate::notify`]): purchasing copied on what goes to suppliers, the
    /// administrator told of a supplier without address. Without it the suppliers are
    /// still written to, and the unset addresses are skipped.
    pub fn with_mail(self, addresses: MailAddresses) -> Self {
        let FournisseursApi {
            store,
            gate,
            requests,
            stock,
        } = self;
        FournisseursApi {
            store: store.with_mail(addresses),
            gate,
            requests,
            stock,
        }
    }

    pub fn into_server(self) -> FournisseursServiceServer<Self> {
        FournisseursServiceServer::new(self)
    }

    /// One page of `T` as a List request asks for it, and the token of the next.
    pub(super) async fn page<T: Record>(
        &self,
        fields: &[Field],
        page_size: i32,
        page_token: &str,
        filter: &str,
        order_by: &str,
    ) -> ApiResult<(Vec<Stored<T>>, String)> {
        self.gate.check_read().await?;
        let params = list_params(fields, page_size, page_token, filter, order_by)?;
        let page = self.store.search::<T>(&page_query(&params, &[])).await?;
        Ok((page.items, page.next_token.unwrap_or_default()))
    }
}

/// The trait's methods, each calling the inherent handler of the same name (inherent
/// methods are found before trait methods, and a handler missing would not compile: its
/// argument is the request message, not the `Request`).
macro_rules! service {
    ($($method:ident($request:ident) -> $response:ident;)*) => {
        #[tonic::async_trait]
        impl FournisseursService for FournisseursApi {
            $(
                async fn $method(
                    &self,
                    request: Request<pb::$request>,
                ) -> Result<Response<pb::$response>, Status> {
                    handler::reply(
                        ERROR_DOMAIN,
                        FournisseursApi::$method(self, request.into_inner()).await,
                    )
                }
            )*
        }
    };
}

service! {
    get_supplier(GetSupplierRequest) -> Supplier;
    list_suppliers(ListSuppliersRequest) -> ListSuppliersResponse;
    create_supplier(CreateSupplierRequest) -> Supplier;
    update_supplier(UpdateSupplierRequest) -> Supplier;
    get_supplier_article(GetSupplierArticleRequest) -> SupplierArticle;
    list_supplier_articles(ListSupplierArticlesRequest) -> ListSupplierArticlesResponse;
    create_supplier_article(CreateSupplierArticleRequest) -> SupplierArticle;
    update_supplier_article(UpdateSupplierArticleRequest) -> SupplierArticle;
    get_purchase_order(GetPurchaseOrderRequest) -> PurchaseOrder;
    list_purchase_orders(ListPurchaseOrdersRequest) -> ListPurchaseOrdersResponse;
    create_purchase_order(CreatePurchaseOrderRequest) -> PurchaseOrder;
    update_purchase_order(UpdatePurchaseOrderRequest) -> PurchaseOrder;
    send_purchase_order(SendPurchaseOrderRequest) -> PurchaseOrder;
    confirm_purchase_order(ConfirmPurchaseOrderRequest) -> PurchaseOrder;
    close_purchase_order(ClosePurchaseOrderRequest) -> PurchaseOrder;
    cancel_purchase_order(CancelPurchaseOrderRequest) -> PurchaseOrder;
    receive_purchase_order(ReceivePurchaseOrderRequest) -> ReceivePurchaseOrderResponse;
    get_receipt(GetReceiptRequest) -> Receipt;
    list_receipts(ListReceiptsRequest) -> ListReceiptsResponse;
    get_bill(GetBillRequest) -> Bill;
    list_bills(ListBillsRequest) -> ListBillsResponse;
    create_bill(CreateBillRequest) -> Bill;
    update_bill(UpdateBillRequest) -> Bill;
    post_bill(PostBillRequest) -> Bill;
    cancel_bill(CancelBillRequest) -> Bill;
    list_overdue_bills(ListOverdueBillsRequest) -> ListOverdueBillsResponse;
    record_payment(RecordPaymentRequest) -> Payment;
    get_payment(GetPaymentRequest) -> Payment;
    list_payments(ListPaymentsRequest) -> ListPaymentsResponse;
}
