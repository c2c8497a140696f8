//! Idempotent creates on each backend: a retry gets the first answer; a request still
//! running is "in progress"; one cut short long ago (its service stopped before the
//! answer was recorded) is reported as of unknown outcome, not "in progress" forever.

use bascule_platform::control;
use bascule_platform::db::record::now;
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, Exec, SqlBuilder};
use bascule_rpc::{ApiError, RequestLog};
use prost_types::Duration;

fn request(seconds: i64) -> Duration {
    Duration { seconds, nanos: 0 }
}

/// The hash `RequestLog` keeps for `Create` of `request(seconds)`.
fn hash_of_create(seconds: i64) -> String {
    use prost::Message as _;
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(b"Create");
    hasher.update(request(seconds).encode_to_vec());
    format!("{:x}", hasher.finalize())
}

/// A request row as a service that stopped mid-request leaves it.
async fn pending_since(db: &Db, request_id: &str, minutes_ago: i64) {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "INSERT INTO {} (service, request_id, method, request_hash, state, created_at) VALUES (",
        e.dialect().table(SchemaName::Control, "api_request")
    ))
    .bind("test")
    .push(", ")
    .bind(request_id)
    .push(", ")
    .bind("Create")
    .push(", ")
    .bind(hash_of_create(7))
    .push(", ")
    .bind("PENDING")
    .push(", ")
    .bind(now() - chrono::TimeDelta::minutes(minutes_ago))
    .push(")");
    e.execute(b.statement()).await.expect("insert");
}

async fn refusal(log: &RequestLog, request_id: &str) -> tonic::Status {
    let e: ApiError = log
        .once("Create", request_id, &request(7), || async {
            Ok::<Duration, ApiError>(request(1))
        })
        .await
        .expect_err("not run again");
    e.into_status("test")
}

async fn an_unanswered_request_is_in_progress_then_of_unknown_outcome(db: Db) {
    upgrade(&db, &[control::schema()]).await.expect("upgrade");
    let log = RequestLog::new(db.clone(), "test");
    let first = log
        .once("Create", "r-1", &request(7), || async { Ok(request(42)) })
        .await
        .expect("runs");
    let again = log
        .once("Create", "r-1", &request(7), || async {
            panic!("a retry must not run the create again")
        })
        .await
        .expect("the first answer");
    assert_eq!(first, again);

    pending_since(&db, "r-running", 0).await;
    let status = refusal(&log, "r-running").await;
    assert_eq!(bascule_rpc::testing::reason(&status), "REQUEST_IN_PROGRESS");
    pending_since(&db, "r-cut-short", 30).await;
    let status = refusal(&log, "r-cut-short").await;
    assert_eq!(status.code(), tonic::Code::Aborted);
    assert_eq!(
        bascule_rpc::testing::reason(&status),
        "REQUEST_OUTCOME_UNKNOWN"
    );
}

bascule_platform::backend_tests!(an_unanswered_request_is_in_progress_then_of_unknown_outcome);
