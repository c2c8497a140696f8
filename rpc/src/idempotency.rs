//! Idempotent creates (AIP-155): a request carrying a `request_id` already answered gets
//! the first answer again instead of creating twice.

use std::future::Future;

use bascule_platform::db::record::now;
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Db, DbError, Exec, Kind, SqlBuilder};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::ApiError;

#[derive(Debug, Clone)]
pub struct RequestLog {
    db: Db,
    service: &'static str,
}

impl RequestLog {
    pub fn new(db: Db, service: &'static str) -> Self {
        RequestLog { db, service }
    }

    /// Runs `create` once per `request_id`: the first call runs it and records its
    /// answer; a retry with the same id and request gets that answer; the same id with
    /// another request is refused. Without a request id, `create` simply runs.
    pub async fn once<Req, Resp, F, Fut>(
        &self,
        method: &str,
        request_id: &str,
        request: &Req,
        create: F,
    ) -> Result<Resp, ApiError>
    where
        Req: prost::Message,
        Resp: prost::Message + Default,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Resp, ApiError>>,
    {
        let request_id = request_id.trim();
        if request_id.is_empty() {
            return create().await;
        }
        if request_id.chars().count() > 100 {
            return Err(ApiError::invalid(
                "request_id",
                "must be at most 100 characters",
            ));
        }
        let mut hasher = Sha256::new();
        hasher.update(method.as_bytes());
        hasher.update(request.encode_to_vec());
        let hash = format!("{:x}", hasher.finalize());
        let table = self.db.dialect().table(SchemaName::Control, "api_request");
        let mut b = SqlBuilder::new(self.db.dialect());
        b.push(&format!(
            "INSERT INTO {table} (service, request_id, method, request_hash, state, created_at) VALUES ("
        ))
        .bind(self.service)
        .push(", ")
        .bind(request_id)
        .push(", ")
        .bind(method)
        .push(", ")
        .bind(hash.as_str())
        .push(", ")
        .bind("PENDING")
        .push(", ")
        .bind(now())
        .push(")");
        match self.db.clone().execute(b.statement()).await {
            Ok(_) => {}
            Err(DbError::Duplicate(_)) => return self.answered(&table, request_id, &hash).await,
            Err(e) => return Err(ApiError::internal(e)),
        }
        match create().await {
            Ok(response) => {
                let mut b = SqlBuilder::new(self.db.dialect());
                b.push(&format!("UPDATE {table} SET state = "))
                    .bind("DONE")
                    .push(", response = ")
                    .bind(STANDARD.encode(response.encode_to_vec()))
                    .push(" WHERE service = ")
                    .bind(self.service)
                    .push(" AND request_id = ")
                    .bind(request_id);
                self.db
                    .clone()
                    .execute(b.statement())
                    .await
                    .map_err(ApiError::internal)?;
                Ok(response)
            }
            Err(e) => {
                // Nothing was created: the same request may be tried again.
                let mut b = SqlBuilder::new(self.db.dialect());
                b.push(&format!("DELETE FROM {table} WHERE service = "))
                    .bind(self.service)
                    .push(" AND request_id = ")
                    .bind(request_id);
                if let Err(cleanup) = self.db.clone().execute(b.statement()).await {
                    tracing::warn!(error = %cleanup, request_id, "could not forget a failed request");
                }
                Err(e)
            }
        }
    }

    async fn answered<Resp: prost::Message + Default>(
        &self,
        table: &str,
        request_id: &str,
        hash: &str,
    ) -> Result<Resp, ApiError> {
        let mut b = SqlBuilder::new(self.db.dialect());
        b.push(&format!(
            "SELECT request_hash, state, response, created_at FROM {table} WHERE service = "
        ))
        .bind(self.service)
        .push(" AND request_id = ")
        .bind(request_id);
        let row = self
            .db
            .clone()
            .fetch_optional(b.query(&[
                ("request_hash", Kind::Text),
                ("state", Kind::Text),
                ("response", Kind::Text),
                ("created_at", Kind::Timestamp),
            ]))
            .await
            .map_err(ApiError::internal)?;
        let Some(mut row) = row else {
            return Err(in_progress(request_id));
        };
        let stored_hash: String = row.get("request_hash").map_err(ApiError::internal)?;
        if stored_hash != hash {
            return Err(ApiError::invalid(
                "request_id",
                format!("{request_id:?} was already used for another request"),
            ));
        }
        let response: Option<String> = row.get("response").map_err(ApiError::internal)?;
        match response {
            Some(encoded) => {
                let bytes = STANDARD.decode(encoded).map_err(ApiError::internal)?;
                Resp::decode(bytes.as_slice()).map_err(ApiError::internal)
            }
            None => {
                let started: chrono::DateTime<chrono::Utc> =
                    row.get("created_at").map_err(ApiError::internal)?;
                if chrono::Utc::now() - started > ABANDONED_AFTER {
                    Err(outcome_unknown(request_id))
                } else {
                    Err(in_progress(request_id))
                }
            }
        }
    }
}

/// No request takes this long (every call has a deadline of seconds): a request still
/// unanswered after it was cut short, its service stopped between its work and its
/// answer being recorded.
const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

fn outcome_unknown(request_id: &str) -> ApiError {
    ApiError::new(
        crate::ErrorCode::Aborted,
        "REQUEST_OUTCOME_UNKNOWN",
        format!(
            "request {request_id:?} was cut short before its answer was recorded (the service stopped): \
             check whether it took effect, then send it again with a new request_id if it did not"
        ),
    )
}

fn in_progress(request_id: &str) -> ApiError {
    ApiError::new(
        crate::ErrorCode::Aborted,
        "REQUEST_IN_PROGRESS",
        format!("request {request_id:?} is still being processed: retry shortly"),
    )
}
