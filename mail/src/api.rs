//! The outbox over gRPC (`bascule.outbox.v1.OutboxService`), for the operators: list a
//! served domain's messages, and retry or cancel those that could not be delivered.

use bascule_platform::control::OUTBOX_STATES;
use bascule_platform::db::record::Stored;
use bascule_platform::db::search;
use bascule_platform::db::{Db, DbError};
use bascule_proto::outbox::v1 as pb;
use bascule_proto::outbox::v1::outbox_service_server::{OutboxService, OutboxServiceServer};
use bascule_rpc::convert::timestamp;
use bascule_rpc::handler::{next_token, page_query, reply};
use bascule_rpc::{ApiError, ApiResult, Field, FieldKind, list_params};
use tonic::{Request, Response, Status};

use crate::{MailError, OutboxMessage, OutboxState, outbox};

/// The `ErrorInfo.domain` of outbox errors.
pub const ERROR_DOMAIN: &str = "outbox.bascule";

const FIELDS: &[Field] = &[
    Field::new("state", "state", FieldKind::Enum(OUTBOX_STATES)),
    Field::new("subject", "subject", FieldKind::Text),
    Field::new("attempts", "attempts", FieldKind::Int),
    Field::new("create_time", "created_at", FieldKind::Timestamp).orderable(),
    Field::new("next_attempt_time", "next_attempt_at", FieldKind::Timestamp).orderable(),
];

/// The outbox service of the domains this process serves.
#[derive(Debug, Clone)]
pub struct OutboxApi {
    db: Db,
    domains: Vec<String>,
}

impl OutboxApi {
    pub fn new(db: Db, domains: &[&str]) -> Self {
        OutboxApi {
            db,
            domains: domains.iter().map(|d| (*d).to_owned()).collect(),
        }
    }

    pub fn into_server(self) -> OutboxServiceServer<Self> {
        OutboxServiceServer::new(self)
    }

    fn served(&self, domain: &str) -> ApiResult<()> {
        if self.domains.iter().any(|d| d == domain) {
            return Ok(());
        }
        Err(ApiError::invalid(
            "domain",
            format!(
                "{domain:?} is not served here; this process serves {}",
                self.domains.join(", ")
            ),
        ))
    }
}

impl From<MailError> for ApiError {
    fn from(e: MailError) -> Self {
        match e {
            MailError::NotFound { id, .. } => ApiError::not_found("outbox message", &id),
            MailError::WrongState { ref state, .. } => {
                let state = state.clone();
                ApiError::precondition("WRONG_STATE", e.to_string()).with("state", state)
            }
            MailError::Invalid(reason) => ApiError::invalid("message", reason),
            MailError::Db(DbError::InvalidPageToken) => ApiError::invalid(
                "page_token",
                "does not come from the previous page of this same list",
            ),
            other => ApiError::internal(other),
        }
    }
}

fn state(s: OutboxState) -> i32 {
    pb::MessageState::from_str_name(s.as_str()).map_or(0, |v| v as i32)
}

fn message(s: Stored<OutboxMessage>) -> pb::Message {
    let alert = s.value.is_alert();
    let m = s.value;
    pb::Message {
        id: s.id,
        domain: m.domain,
        message_id: m.message_id,
        to: m.to,
        cc: m.cc,
        subject: m.subject,
        state: state(m.state),
        attempts: m.attempts,
        next_attempt_time: Some(timestamp(m.next_attempt_at)),
        last_error: m.last_error.unwrap_or_default(),
        send_time: m.sent_at.map(timestamp),
        alert,
        create_time: Some(timestamp(s.created_at)),
    }
}

#[tonic::async_trait]
impl OutboxService for OutboxApi {
    async fn list_messages(
        &self,
        request: Request<pb::ListMessagesRequest>,
    ) -> Result<Response<pb::ListMessagesResponse>, Status> {
        let r = request.into_inner();
        reply(
            ERROR_DOMAIN,
            async {
                self.served(&r.domain)?;
                let params =
                    list_params(FIELDS, r.page_size, &r.page_token, &r.filter, &r.order_by)?;
                let fixed = [("domain", r.domain.as_str().into())];
                let page = search::search::<OutboxMessage>(
                    &mut self.db.clone(),
                    &page_query(&params, &fixed),
                )
                .await
                .map_err(MailError::from)?;
                Ok(pb::ListMessagesResponse {
                    next_page_token: next_token(&page),
                    messages: page.items.into_iter().map(message).collect(),
                })
            }
            .await,
        )
    }

    async fn get_message(
        &self,
        request: Request<pb::GetMessageRequest>,
    ) -> Result<Response<pb::Message>, Status> {
        let r = request.into_inner();
        reply(
            ERROR_DOMAIN,
            async {
                self.served(&r.domain)?;
                outbox::get(&mut self.db.clone(), &r.domain, &r.id)
                    .await?
                    .map(message)
                    .ok_or_else(|| ApiError::not_found("outbox message", &r.id))
            }
            .await,
        )
    }

    async fn retry_message(
        &self,
        request: Request<pb::RetryMessageRequest>,
    ) -> Result<Response<pb::Message>, Status> {
        let r = request.into_inner();
        reply(
            ERROR_DOMAIN,
            async {
                self.served(&r.domain)?;
                Ok(message(
                    outbox::retry(&mut self.db.clone(), &r.domain, &r.id).await?,
                ))
            }
            .await,
        )
    }

    async fn cancel_message(
        &self,
        request: Request<pb::CancelMessageRequest>,
    ) -> Result<Response<pb::Message>, Status> {
        let r = request.into_inner();
        reply(
            ERROR_DOMAIN,
            async {
                self.served(&r.domain)?;
                Ok(message(
                    outbox::cancel(&mut self.db.clone(), &r.domain, &r.id).await?,
                ))
            }
            .await,
        )
    }
}
