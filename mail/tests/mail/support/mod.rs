//! What the e-mail tests share: the schemas, a business table to change alongside the
//! outbox, relays with fast retries, and the SMTP servers.

// The server that `bascule_mail::testing` offers the domains' tests, compiled in here.
#[path = "../../../src/testing/pki.rs"]
pub mod pki;
// The helpers the domains' tests use are not all used here.
#[allow(dead_code)]
#[path = "../../../src/testing/smtp.rs"]
pub mod smtp;

use std::sync::LazyLock;
use std::time::Duration;

use bascule_mail::{Email, MailError, Relay, RelayOptions, SmtpConfig};
use bascule_platform::control;
use bascule_platform::db::schema::{
    ColumnType, SchemaChange, SchemaDef, SchemaName, TableDef, Version,
};
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder, Tx};

pub const DOMAIN: &str = "stock";
pub const SENDER: &str = "Bascule Stock <stock@bascule.exemple.fr>";
pub const ADMIN: &str = "Exploitation <exploitation@exemple.fr>";

/// A domain table standing for the business change an e-mail belongs to.
static BUSINESS: LazyLock<SchemaDef> = LazyLock::new(|| {
    SchemaDef::new(
        SchemaName::Stock,
        vec![Version {
            number: 1,
            description: "mail tests",
            changes: vec![SchemaChange::CreateTable(
                TableDef::entity("reception_test").required("numero", ColumnType::Text(40)),
            )],
        }],
    )
});

pub async fn setup(db: &Db) {
    upgrade(db, &[control::schema(), BUSINESS.clone()])
        .await
        .expect("schemas");
}

/// The business change: a reception recorded in the stock schema.
pub async fn business_change(tx: &mut Tx, numero: &str) {
    let now = bascule_platform::db::record::now();
    let table = tx.dialect().table(SchemaName::Stock, "reception_test");
    let mut b = SqlBuilder::new(tx.dialect());
    b.push(&format!(
        "INSERT INTO {table} (id, revision, created_at, updated_at, numero) VALUES ("
    ))
    .bind(bascule_platform::db::record::new_id())
    .push(", ")
    .bind(1_i64)
    .push(", ")
    .bind(now)
    .push(", ")
    .bind(now)
    .push(", ")
    .bind(numero)
    .push(")");
    tx.execute(b.statement()).await.expect("business change");
}

pub async fn count_rows(db: &Db, table: &str) -> i64 {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!("SELECT COUNT(*) AS n FROM {table}"));
    let mut row = e
        .fetch_optional(b.query(&[("n", Kind::Int)]))
        .await
        .unwrap()
        .unwrap();
    row.get("n").unwrap()
}

pub fn outbox_table(db: &Db) -> String {
    db.target().dialect().table(SchemaName::Control, "outbox")
}

pub fn email(key: &str, to: &str) -> Email {
    Email {
        dedup_key: key.to_owned(),
        to: vec![to.to_owned()],
        cc: Vec::new(),
        subject: format!("Réception {key} enregistrée"),
        text: format!("Bonjour,\n\nla réception {key} est enregistrée.\n"),
        html: None,
    }
}

/// Writes `email` in its own committed transaction, with a business change.
pub async fn enqueue_committed(db: &Db, email: Email) -> bascule_mail::Enqueued {
    let mut tx = db.begin().await.unwrap();
    business_change(&mut tx, &email.dedup_key).await;
    let done = bascule_mail::enqueue(&mut tx, DOMAIN, email).await.unwrap();
    tx.commit().await.unwrap();
    done
}

/// Retries at once, gives up after 3 attempts, leases of a minute.
pub fn fast() -> RelayOptions {
    RelayOptions {
        poll_interval: Duration::from_millis(50),
        batch_size: 10,
        lease: Duration::from_secs(60),
        max_attempts: 3,
        backoff_base: Duration::ZERO,
        backoff_max: Duration::ZERO,
        wait_for_domain: Duration::ZERO,
    }
}

pub fn relay_to(db: &Db, url: &str, options: RelayOptions) -> Result<Relay, MailError> {
    let mut smtp = SmtpConfig::parse(url).map_err(MailError::Config)?;
    smtp.timeout = Duration::from_secs(5);
    Ok(Relay::new(db.clone(), DOMAIN, &smtp, SENDER, Some(ADMIN))?.with_options(options))
}

pub fn relay(db: &Db, server: &smtp::SmtpServer) -> Relay {
    relay_to(db, &server.url(), fast()).unwrap()
}
