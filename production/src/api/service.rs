//! The ProductionService: the service value, what every handler shares, and the gRPC
//! trait, each method handing its request to the handler of its resource.

use std::sync::Arc;

use bascule_platform::db::Db;
use bascule_proto::production::v1 as pb;
use bascule_proto::production::v1::production_service_server::{
    ProductionService, ProductionServiceServer,
};
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::{ApiResult, Field, ListParams, LiveGate, RequestLog, handler, list_params};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{ERROR_DOMAIN, completion, orders, tools};
use crate::storage::ProductionStore;

#[derive(Debug, Clone)]
pub struct ProductionApi {
    pub(super) store: ProductionStore,
    pub(super) gate: Arc<LiveGate>,
    pub(super) requests: RequestLog,
    /// Where completed orders post their movements.
    pub(super) stock: StockServiceClient<Channel>,
}

/// The domain name in the control schema.
const DOMAIN: &str = "production";

impl ProductionApi {
    /// `stock` is a client of the stock service, best on a lazy channel
    /// ([`bascule_rpc::client::lazy_channel`]) so that production starts without it.
    pub fn new(db: Db, stock: StockServiceClient<Channel>) -> Self {
        ProductionApi {
            store: ProductionStore::new(db.clone()),
            gate: Arc::new(LiveGate::new(db.clone(), DOMAIN)),
            requests: RequestLog::new(db, DOMAIN),
            stock,
        }
    }

    pub fn into_server(self) -> ProductionServiceServer<Self> {
        ProductionServiceServer::new(self)
    }

    /// A List request checked: the gate, then its paging, filter and order.
    pub(super) async fn list_params(
        &self,
        fields: &[Field],
        page_size: i32,
        page_token: &str,
        filter: &str,
        order_by: &str,
    ) -> ApiResult<ListParams> {
        self.gate.check_read().await?;
        list_params(fields, page_size, page_token, filter, order_by)
    }
}

/// Each method hands its request to its handler and the result to
/// [`handler::reply`].
macro_rules! methods {
    ($($method:ident($request:ty) -> $response:ty => $handler:path;)*) => {
        #[tonic::async_trait]
        impl ProductionService for ProductionApi {
            $(
                async fn $method(
                    &self,
                    request: Request<$request>,
                ) -> Result<Response<$response>, Status> {
                    handler::reply(ERROR_DOMAIN, $handler(self, request.into_inner()).await)
                }
            )*
        }
    };
}

methods! {
    get_tool(pb::GetToolRequest) -> pb::Tool => tools::get;
    list_tools(pb::ListToolsRequest) -> pb::ListToolsResponse => tools::list;
    create_tool(pb::CreateToolRequest) -> pb::Tool => tools::create;
    update_tool(pb::UpdateToolRequest) -> pb::Tool => tools::update;
    check_out_tool(pb::ChangeToolStateRequest) -> pb::Tool => tools::check_out;
    release_tool(pb::ChangeToolStateRequest) -> pb::Tool => tools::release;
    send_tool_to_maintenance(pb::ChangeToolStateRequest) -> pb::Tool => tools::send_to_maintenance;
    scrap_tool(pb::ChangeToolStateRequest) -> pb::Tool => tools::scrap;
    record_tool_cycles(pb::RecordToolCyclesRequest) -> pb::Tool => tools::record_cycles;
    create_maintenance_record(pb::CreateMaintenanceRecordRequest) -> pb::MaintenanceRecord
        => tools::create_maintenance;
    get_maintenance_record(pb::GetMaintenanceRecordRequest) -> pb::MaintenanceRecord
        => tools::get_maintenance;
    list_maintenance_records(pb::ListMaintenanceRecordsRequest)
        -> pb::ListMaintenanceRecordsResponse => tools::list_maintenance;
    list_tools_due_for_maintenance(pb::ListToolsDueForMaintenanceRequest)
        -> pb::ListToolsDueForMaintenanceResponse => tools::list_due;
    get_bill_of_materials(pb::GetBillOfMaterialsRequest) -> pb::BillOfMaterials
        => orders::get_bom;
    list_bills_of_materials(pb::ListBillsOfMaterialsRequest)
        -> pb::ListBillsOfMaterialsResponse => orders::list_boms;
    create_bill_of_materials(pb::CreateBillOfMaterialsRequest) -> pb::BillOfMaterials
        => orders::create_bom;
    get_manufacturing_order(pb::GetManufacturingOrderRequest) -> pb::ManufacturingOrder
        => orders::get;
    list_manufacturing_orders(pb::ListManufacturingOrdersRequest)
        -> pb::ListManufacturingOrdersResponse => orders::list;
    create_manufacturing_order(pb::CreateManufacturingOrderRequest) -> pb::ManufacturingOrder
        => orders::create;
    update_manufacturing_order(pb::UpdateManufacturingOrderRequest) -> pb::ManufacturingOrder
        => orders::update;
    confirm_manufacturing_order(pb::ChangeManufacturingOrderStateRequest)
        -> pb::ManufacturingOrder => orders::confirm;
    start_manufacturing_order(pb::ChangeManufacturingOrderStateRequest)
        -> pb::ManufacturingOrder => orders::start;
    complete_manufacturing_order(pb::CompleteManufacturingOrderRequest)
        -> pb::ManufacturingOrder => completion::complete;
    close_manufacturing_order(pb::ChangeManufacturingOrderStateRequest)
        -> pb::ManufacturingOrder => orders::close;
    cancel_manufacturing_order(pb::ChangeManufacturingOrderStateRequest)
        -> pb::ManufacturingOrder => orders::cancel;
    create_progress_entry(pb::CreateProgressEntryRequest) -> pb::ProgressEntry
        => orders::create_progress;
    list_progress_entries(pb::ListProgressEntriesRequest) -> pb::ListProgressEntriesResponse
        => orders::list_progress;
}
