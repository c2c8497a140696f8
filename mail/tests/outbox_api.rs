//! The outbox over gRPC, as operators use it: list a domain's messages with a filter,
//! retry and cancel undelivered ones, and the refusals that protect the rest.

use bascule_mail::{Email, OutboxApi, enqueue};
use bascule_platform::control;
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, Exec, SqlBuilder};
use bascule_proto::outbox::v1 as pb;
use bascule_proto::outbox::v1::outbox_service_client::OutboxServiceClient;
use bascule_rpc::testing::TestServer;
use tonic::Code;
use tonic::service::Routes;

async fn queue(db: &Db, key: &str) -> String {
    let mut tx = db.begin().await.expect("begin");
    let queued = enqueue(
        &mut tx,
        "stock",
        Email {
            dedup_key: key.into(),
            to: vec!["fournisseur@exemple.fr".into()],
            cc: Vec::new(),
            subject: format!("Demande {key}"),
            text: "Bonjour".into(),
            html: None,
        },
    )
    .await
    .expect("enqueue");
    tx.commit().await.expect("commit");
    queued.id
}

/// What a relay does after a 550: the message is DEAD.
async fn kill(db: &Db, id: &str) {
    let mut b = SqlBuilder::new(db.dialect());
    let table = db.dialect().table(SchemaName::Control, "outbox");
    b.push(&format!("UPDATE {table} SET state = "))
        .bind("DEAD")
        .push(", last_error = ")
        .bind("550 mailbox unavailable")
        .push(" WHERE id = ")
        .bind(id);
    db.clone().execute(b.statement()).await.expect("dead");
}

async fn operators_list_retry_and_cancel_undelivered_messages(db: Db) {
    upgrade(&db, &[control::schema()]).await.expect("upgrade");
    let first = queue(&db, "R-1").await;
    let second = queue(&db, "R-2").await;
    queue(&db, "R-3").await;
    kill(&db, &first).await;
    kill(&db, &second).await;
    let server = TestServer::start(Routes::new(
        OutboxApi::new(db.clone(), &["stock"]).into_server(),
    ))
    .await;
    let mut client = OutboxServiceClient::connect(server.url.clone())
        .await
        .expect("connect");

    let dead = client
        .list_messages(pb::ListMessagesRequest {
            domain: "stock".into(),
            filter: "state = DEAD".into(),
            order_by: "create_time desc".into(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner();
    let ids: Vec<&str> = dead.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [second.as_str(), first.as_str()]);
    assert_eq!(dead.messages[0].last_error, "550 mailbox unavailable");
    assert_eq!(dead.messages[0].to, ["fournisseur@exemple.fr"]);

    let retried = client
        .retry_message(pb::RetryMessageRequest {
            domain: "stock".into(),
            id: first.clone(),
        })
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(retried.state, pb::MessageState::Pending as i32);
    assert_eq!(retried.attempts, 0);
    let cancelled = client
        .cancel_message(pb::CancelMessageRequest {
            domain: "stock".into(),
            id: second.clone(),
        })
        .await
        .expect("cancel")
        .into_inner();
    assert_eq!(cancelled.state, pb::MessageState::Cancelled as i32);

    let again = client
        .retry_message(pb::RetryMessageRequest {
            domain: "stock".into(),
            id: second.clone(),
        })
        .await
        .expect_err("a cancelled message stays cancelled");
    assert_eq!(again.code(), Code::FailedPrecondition);
    let missing = client
        .get_message(pb::GetMessageRequest {
            domain: "stock".into(),
            id: "nope".into(),
        })
        .await
        .expect_err("unknown id");
    assert_eq!(missing.code(), Code::NotFound);
    let other = client
        .list_messages(pb::ListMessagesRequest {
            domain: "clients".into(),
            ..Default::default()
        })
        .await
        .expect_err("not served here");
    assert_eq!(other.code(), Code::InvalidArgument);
    let bad = client
        .list_messages(pb::ListMessagesRequest {
            domain: "stock".into(),
            filter: "body = 'x'".into(),
            ..Default::default()
        })
        .await
        .expect_err("unknown field");
    assert_eq!(bad.code(), Code::InvalidArgument);
    let all = client
        .list_messages(pb::ListMessagesRequest {
            domain: "stock".into(),
            page_size: 2,
            ..Default::default()
        })
        .await
        .expect("page")
        .into_inner();
    assert_eq!(all.messages.len(), 2);
    assert!(!all.next_page_token.is_empty());
}

bascule_platform::backend_tests!(operators_list_retry_and_cancel_undelivered_messages);
