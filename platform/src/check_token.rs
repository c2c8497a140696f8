//! Passes for a reactivation run's functional checks: a short-lived token that lets
//! writes through the gate of a verified domain, so that its operations can be tried
//! against the running service before it is switched live. Only the token's SHA-256 is
//! stored; the token itself lives in the process that runs the checks.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::db::record::now;
use crate::db::schema::SchemaName;
use crate::db::{Db, DbError, Exec, Kind, SqlBuilder};

/// The metadata key (an HTTP/2 header) that carries the pass.
pub const CHECK_TOKEN_HEADER: &str = "x-bascule-check";

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Issues a pass for `domain` valid for `ttl`, recording who asked for it.
pub async fn issue(db: &Db, domain: &str, by: &str, ttl: Duration) -> Result<String, DbError> {
    // Two v7 UUIDs carry 148 bits from the operating system's generator.
    let token = format!(
        "{}{}",
        uuid::Uuid::now_v7().simple(),
        uuid::Uuid::now_v7().simple()
    );
    let at = now();
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "INSERT INTO {} (token_hash, domain, created_by, created_at, expires_at) VALUES (",
        e.dialect().table(SchemaName::Control, "check_token")
    ))
    .bind(digest(&token))
    .push(", ")
    .bind(domain)
    .push(", ")
    .bind(by)
    .push(", ")
    .bind(at)
    .push(", ")
    .bind(at + ttl)
    .push(")");
    e.execute(b.statement()).await?;
    Ok(token)
}

/// Whether `token` is an unexpired pass for `domain`.
pub async fn is_valid(e: &mut impl Exec, domain: &str, token: &str) -> Result<bool, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT expires_at FROM {} WHERE token_hash = ",
        e.dialect().table(SchemaName::Control, "check_token")
    ))
    .bind(digest(token))
    .push(" AND domain = ")
    .bind(domain);
    match e
        .fetch_optional(b.query(&[("expires_at", Kind::Timestamp)]))
        .await?
    {
        Some(mut row) => {
            let expires: DateTime<Utc> = row.get("expires_at")?;
            Ok(expires > Utc::now())
        }
        None => Ok(false),
    }
}

/// Ends a pass before it expires, once the checks are over.
pub async fn revoke(db: &Db, token: &str) -> Result<(), DbError> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "DELETE FROM {} WHERE token_hash = ",
        e.dialect().table(SchemaName::Control, "check_token")
    ))
    .bind(digest(token));
    e.execute(b.statement()).await?;
    Ok(())
}
