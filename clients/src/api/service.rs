//! The ClientsService: the gate, the store and the request log every handler uses, and
//! the trait implementation that hands each method to its handler.

use std::sync::Arc;

use bascule_platform::db::Db;
use bascule_proto::clients::v1 as pb;
use bascule_proto::clients::v1::clients_service_server::{ClientsService, ClientsServiceServer};
use bascule_rpc::{ApiResult, LiveGate, RequestLog, handler};
use tonic::{Request, Response, Status};

use super::{ERROR_DOMAIN, consents, contacts, customers, orders};
use crate::domain::OrderState;
use crate::notify::MailAddresses;
use crate::storage::ClientsStore;

#[derive(Debug, Clone)]
pub struct ClientsApi {
    pub(super) store: ClientsStore,
    pub(super) gate: Arc<LiveGate>,
    pub(super) requests: RequestLog,
}

/// The domain name in the control schema.
const DOMAIN: &str = "clients";

impl ClientsApi {
    /// The service on `db`, writing the order confirmations to customers into the
    /// outbox (see [`ClientsApi::with_mail`] for the company's own addresses).
    pub fn new(db: Db) -> Self {
        ClientsApi {
            store: ClientsStore::new(db.clone()).with_mail(MailAddresses::default()),
            gate: Arc::new(LiveGate::new(db.clone(), DOMAIN)),
            requests: RequestLog::new(db, DOMAIN),
        }
    }

    /// The same service with the company's addresses for its e-mails (see
    /// [`crate::notify`]): the production team told of orders confirmed and cancelled.
    /// Without it the customers are still written to, and production is skipped.
    pub fn with_mail(self, addresses: MailAddresses) -> Self {
        ClientsApi {
            store: self.store.with_mail(addresses),
            ..self
        }
    }

    pub fn into_server(self) -> ClientsServiceServer<Self> {
        ClientsServiceServer::new(self)
    }
}

fn reply<T>(result: ApiResult<T>) -> Reply<T> {
    handler::reply(ERROR_DOMAIN, result)
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl ClientsService for ClientsApi {
    async fn get_customer(&self, r: Request<pb::GetCustomerRequest>) -> Reply<pb::Customer> {
        reply(customers::get(self, r.into_inner()).await)
    }

    async fn list_customers(
        &self,
        r: Request<pb::ListCustomersRequest>,
    ) -> Reply<pb::ListCustomersResponse> {
        reply(customers::list(self, r.into_inner()).await)
    }

    async fn create_customer(&self, r: Request<pb::CreateCustomerRequest>) -> Reply<pb::Customer> {
        reply(customers::create(self, r.into_inner()).await)
    }

    async fn update_customer(&self, r: Request<pb::UpdateCustomerRequest>) -> Reply<pb::Customer> {
        reply(customers::update(self, r.into_inner()).await)
    }

    async fn export_customer_data(
        &self,
        r: Request<pb::ExportCustomerDataRequest>,
    ) -> Reply<pb::CustomerDataExport> {
        reply(customers::export(self, r.into_inner()).await)
    }

    async fn erase_personal_data(
        &self,
        r: Request<pb::ErasePersonalDataRequest>,
    ) -> Reply<pb::Customer> {
        reply(customers::erase(self, r.into_inner()).await)
    }

    async fn get_contact(&self, r: Request<pb::GetContactRequest>) -> Reply<pb::Contact> {
        reply(contacts::get(self, r.into_inner()).await)
    }

    async fn list_contacts(
        &self,
        r: Request<pb::ListContactsRequest>,
    ) -> Reply<pb::ListContactsResponse> {
        reply(contacts::list(self, r.into_inner()).await)
    }

    async fn create_contact(&self, r: Request<pb::CreateContactRequest>) -> Reply<pb::Contact> {
        reply(contacts::create(self, r.into_inner()).await)
    }

    async fn update_contact(&self, r: Request<pb::UpdateContactRequest>) -> Reply<pb::Contact> {
        reply(contacts::update(self, r.into_inner()).await)
    }

    async fn list_consents(
        &self,
        r: Request<pb::ListConsentsRequest>,
    ) -> Reply<pb::ListConsentsResponse> {
        reply(consents::list(self, r.into_inner()).await)
    }

    async fn grant_consent(&self, r: Request<pb::GrantConsentRequest>) -> Reply<pb::Consent> {
        reply(consents::grant(self, r.into_inner()).await)
    }

    async fn withdraw_consent(&self, r: Request<pb::WithdrawConsentRequest>) -> Reply<pb::Consent> {
        reply(consents::withdraw(self, r.into_inner()).await)
    }

    async fn get_customer_order(
        &self,
        r: Request<pb::GetCustomerOrderRequest>,
    ) -> Reply<pb::CustomerOrder> {
        reply(orders::get(self, r.into_inner()).await)
    }

    async fn list_customer_orders(
        &self,
        r: Request<pb::ListCustomerOrdersRequest>,
    ) -> Reply<pb::ListCustomerOrdersResponse> {
        reply(orders::list(self, r.into_inner()).await)
    }

    async fn create_customer_order(
        &self,
        r: Request<pb::CreateCustomerOrderRequest>,
    ) -> Reply<pb::CustomerOrder> {
        reply(orders::create(self, r.into_inner()).await)
    }

    async fn update_customer_order(
        &self,
        r: Request<pb::UpdateCustomerOrderRequest>,
    ) -> Reply<pb::CustomerOrder> {
        reply(orders::update(self, r.into_inner()).await)
    }

    async fn confirm_customer_order(
        &self,
        r: Request<pb::ConfirmCustomerOrderRequest>,
    ) -> Reply<pb::CustomerOrder> {
        let r = r.into_inner();
        reply(orders::transition(self, &r.order_number, &r.etag, OrderState::Confirmed).await)
    }

    async fn start_customer_order_production(
        &self,
        r: Request<pb::StartCustomerOrderProductionRequest>,
    ) -> Reply<pb::CustomerOrder> {
        let r = r.into_inner();
        reply(orders::transition(self, &r.order_number, &r.etag, OrderState::InProduction).await)
    }

    async fn mark_customer_order_ready(
        &self,
        r: Request<pb::MarkCustomerOrderReadyRequest>,
    ) -> Reply<pb::CustomerOrder> {
        let r = r.into_inner();
        reply(orders::transition(self, &r.order_number, &r.etag, OrderState::Ready).await)
    }

    async fn deliver_customer_order(
        &self,
        r: Request<pb::DeliverCustomerOrderRequest>,
    ) -> Reply<pb::CustomerOrder> {
        let r = r.into_inner();
        reply(orders::transition(self, &r.order_number, &r.etag, OrderState::Delivered).await)
    }

    async fn close_customer_order(
        &self,
        r: Request<pb::CloseCustomerOrderRequest>,
    ) -> Reply<pb::CustomerOrder> {
        let r = r.into_inner();
        reply(orders::transition(self, &r.order_number, &r.etag, OrderState::Closed).await)
    }

    async fn cancel_customer_order(
        &self,
        r: Request<pb::CancelCustomerOrderRequest>,
    ) -> Reply<pb::CustomerOrder> {
        let r = r.into_inner();
        reply(orders::transition(self, &r.order_number, &r.etag, OrderState::Cancelled).await)
    }
}
