//! The transactional outbox: an e-mail is a row of the control schema's `outbox` table,
//! written in the transaction of the business change that causes it, so that the change
//! and its e-mail are committed (or rolled back) together. A relay sends it later.
//!
//! A message is written whole ([`enqueue`]: recipients, subject and body known in the
//! transaction), or deferred ([`enqueue_deferred`]: only its kind and a JSON payload,
//! when the recipients or the content live in another domain's service). The relay
//! composes a deferred message at each attempt until it is sent, with the [`Composer`]
//! of its domain; the composition is then written on the row.
//!
//! [`Composer`]: crate::relay::Composer
//!
//! States: `PENDING` (waiting for `next_attempt_at`) → `SENDING` (claimed by a relay
//! until `next_attempt_at`, its lease) → `SENT`; or back to `PENDING` after a temporary
//! failure; or `DEAD` after a permanent failure or too many attempts. A `DEAD` message
//! can be retried (back to `PENDING`) or cancelled (`CANCELLED`, final).

use std::str::FromStr;
use std::sync::LazyLock;

use bascule_platform::control;
use bascule_platform::db::record::{self, Page, PageRequest, Record, Stored};
use bascule_platform::db::schema::{SchemaDef, SchemaName, TableDef};
use bascule_platform::db::{DbError, Dialect, Exec, Kind, Row, SqlBuilder, Statement, Tx, Value};
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::MailError;
use crate::relay::Composed;

/// An e-mail to send, as a domain hands it to [`enqueue`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Email {
    /// Says which business fact this e-mail is about (`commande/CF-2024-0042/confirmation`):
    /// a second e-mail with the same key in the same domain is the same e-mail.
    pub dedup_key: String,
    /// Addresses, bare (`achats@exemple.fr`) or named (`Élodie Dupré <e.dupre@exemple.fr>`).
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    /// The plain-text part, always present.
    pub text: String,
    /// The HTML part, when there is one (sent as multipart/alternative with the text).
    pub html: Option<String>,
}

/// An e-mail to compose at send time (see [`enqueue_deferred`]): what it is about and the
/// facts the domain's composer needs, the rest (recipients, text) being fetched then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deferred {
    /// As [`Email::dedup_key`]: a second deferred e-mail with the same key is the same.
    pub dedup_key: String,
    /// Which composition, e.g. `stock.replenishment`: lower-case letters, digits, `.`,
    /// `_` or `-`, at most 100 characters.
    pub kind: String,
    /// The facts the composer reads, in JSON.
    pub payload: serde_json::Value,
}

/// What [`enqueue`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enqueued {
    /// The outbox row.
    pub id: String,
    /// The Message-ID the e-mail will carry, every time it is sent.
    pub message_id: String,
    /// False when an e-mail with the same key was already there (nothing was written).
    pub created: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxState {
    Pending,
    Sending,
    Sent,
    Dead,
    Cancelled,
}

impl OutboxState {
    pub const ALL: [OutboxState; 5] = [
        OutboxState::Pending,
        OutboxState::Sending,
        OutboxState::Sent,
        OutboxState::Dead,
        OutboxState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "PENDING",
            OutboxState::Sending => "SENDING",
            OutboxState::Sent => "SENT",
            OutboxState::Dead => "DEAD",
            OutboxState::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<OutboxState> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl std::fmt::Display for OutboxState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An outbox row: the e-mail and where its delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub domain: String,
    /// The key as stored: `domain:key` (see [`stored_dedup_key`]).
    pub dedup_key: String,
    pub message_id: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// For a deferred message: the composition to run at send time, and its payload.
    /// Until it is composed, `to` is empty and `subject` and `text` only say so.
    pub kind: Option<String>,
    pub payload: Option<serde_json::Value>,
    pub state: OutboxState,
    /// Claims so far, the one under way included.
    pub attempts: i64,
    /// When a PENDING message is due; when the lease of a SENDING one ends.
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl OutboxMessage {
    /// True for the alerts the relay writes about dead messages: they never cause an alert.
    pub fn is_alert(&self) -> bool {
        self.dedup_key
            .strip_prefix(&self.domain)
            .is_some_and(|rest| rest.starts_with(ALERT_MARK))
    }

    /// True for a message composed at send time ([`enqueue_deferred`]).
    pub fn is_deferred(&self) -> bool {
        self.kind.is_some()
    }
}

/// The recipients column: JSON, so that display names may hold commas.
#[derive(Serialize, Deserialize)]
struct Recipients {
    to: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cc: Vec<String>,
}

static CONTROL: LazyLock<SchemaDef> = LazyLock::new(control::schema);

pub(crate) const TABLE: &str = "outbox";

impl Record for OutboxMessage {
    const SCHEMA: SchemaName = SchemaName::Control;
    const ORDER_BY: &'static str = "created_at";

    fn table_def() -> &'static TableDef {
        CONTROL
            .table(TABLE)
            .expect("the control schema has an outbox table")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let recipients = serde_json::to_string(&Recipients {
            to: self.to.clone(),
            cc: self.cc.clone(),
        })
        .unwrap_or_default();
        vec![
            ("domain", (&self.domain).into()),
            ("dedup_key", (&self.dedup_key).into()),
            ("message_id", (&self.message_id).into()),
            ("recipients", recipients.into()),
            ("subject", (&self.subject).into()),
            ("body_text", (&self.text).into()),
            ("body_html", self.html.clone().into()),
            ("kind", self.kind.clone().into()),
            (
                "payload",
                self.payload.as_ref().map(ToString::to_string).into(),
            ),
            ("state", self.state.as_str().into()),
            ("attempts", self.attempts.into()),
            ("next_attempt_at", self.next_attempt_at.into()),
            ("last_error", self.last_error.clone().into()),
            ("sent_at", self.sent_at.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        let recipients: String = row.get("recipients")?;
        let recipients: Recipients = serde_json::from_str(&recipients)
            .map_err(|e| DbError::Decode(format!("outbox.recipients: {e}")))?;
        let state: String = row.get("state")?;
        let payload: Option<String> = row.get("payload")?;
        let payload = payload
            .map(|p| serde_json::from_str(&p))
            .transpose()
            .map_err(|e| DbError::Decode(format!("outbox.payload: {e}")))?;
        Ok(OutboxMessage {
            domain: row.get("domain")?,
            dedup_key: row.get("dedup_key")?,
            message_id: row.get("message_id")?,
            to: recipients.to,
            cc: recipients.cc,
            subject: row.get("subject")?,
            text: row.get("body_text")?,
            html: row.get("body_html")?,
            kind: row.get("kind")?,
            payload,
            state: OutboxState::parse(&state)
                .ok_or_else(|| DbError::Decode(format!("unknown outbox state {state:?}")))?,
            attempts: row.get("attempts")?,
            next_attempt_at: row.get("next_attempt_at")?,
            last_error: row.get("last_error")?,
            sent_at: row.get("sent_at")?,
        })
    }
}

fn table(e: &impl Exec) -> String {
    e.dialect().table(SchemaName::Control, TABLE)
}

fn max_chars(column: &str) -> usize {
    OutboxMessage::table_def()
        .column(column)
        .and_then(|c| c.ty.max_chars())
        .unwrap_or(usize::MAX)
}

/// Cuts `s` to `max` characters, marking the cut with an ellipsis.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

const ALERT_MARK: &str = "#alert:";

/// The key as stored: the domain, a colon, then the domain's key, so that two domains
/// may use the same keys. A key too long for the column is replaced by its SHA-256.
pub fn stored_dedup_key(domain: &str, key: &str) -> String {
    let plain = format!("{domain}:{key}");
    if plain.chars().count() <= max_chars("dedup_key") {
        plain
    } else {
        let digest = Sha256::digest(key.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("{domain}:sha256:{hex}")
    }
}

/// The key of the alert about one death of a message (its revision at that death):
/// `domain#alert:…`, which no [`stored_dedup_key`] can be.
pub(crate) fn alert_dedup_key(domain: &str, dead_id: &str, revision: i64) -> String {
    format!("{domain}{ALERT_MARK}{dead_id}:{revision}")
}

/// The Message-ID of an outbox row: derived from the row alone, so that every attempt
/// to send it, by whichever relay, carries the same one.
pub fn message_id_for(id: &str, domain: &str) -> String {
    format!("<{id}.{domain}@outbox.bascule>")
}

pub(crate) fn check_domain(domain: &str) -> Result<(), MailError> {
    let ok = !domain.is_empty()
        && domain.len() <= max_chars("domain")
        && domain
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(MailError::Invalid(format!(
            "domain {domain:?} must be 1 to 20 lower-case letters, digits, _ or -"
        )))
    }
}

/// An address as the message will carry it; refuses what lettre would refuse later.
pub(crate) fn check_address(address: &str) -> Result<String, MailError> {
    Mailbox::from_str(address.trim())
        .map(|m| m.to_string())
        .map_err(|e| MailError::Invalid(format!("{address:?} is not an e-mail address ({e})")))
}

/// Checks and normalizes an e-mail: every problem is found here, before the database is
/// touched, so that a refused e-mail leaves the caller's transaction usable.
fn prepare(
    domain: &str,
    email: Email,
    stored_key: Option<String>,
) -> Result<(String, OutboxMessage), MailError> {
    check_domain(domain)?;
    if stored_key.is_none() && email.dedup_key.trim().is_empty() {
        return Err(MailError::Invalid("the deduplication key is empty".into()));
    }
    if email.to.is_empty() {
        return Err(MailError::Invalid("no recipient".into()));
    }
    let to = email
        .to
        .iter()
        .map(|a| check_address(a))
        .collect::<Result<Vec<_>, _>>()?;
    let cc = email
        .cc
        .iter()
        .map(|a| check_address(a))
        .collect::<Result<Vec<_>, _>>()?;
    let subject = email
        .subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if subject.is_empty() {
        return Err(MailError::Invalid("the subject is empty".into()));
    }
    if email.text.trim().is_empty() {
        return Err(MailError::Invalid("the text part is empty".into()));
    }
    let html = email.html.filter(|h| !h.trim().is_empty());
    let id = record::new_id();
    let message = OutboxMessage {
        domain: domain.to_owned(),
        dedup_key: stored_key.unwrap_or_else(|| stored_dedup_key(domain, &email.dedup_key)),
        message_id: message_id_for(&id, domain),
        to,
        cc,
        subject: truncate(&subject, max_chars("subject")),
        text: email.text,
        html,
        kind: None,
        payload: None,
        state: OutboxState::Pending,
        attempts: 0,
        next_attempt_at: record::now(),
        last_error: None,
        sent_at: None,
    };
    let recipients = message
        .to_values()
        .into_iter()
        .find(|(n, _)| *n == "recipients")
        .map(|(_, v)| v);
    if let Some(Value::Text(r)) = recipients
        && r.chars().count() > max_chars("recipients")
    {
        return Err(MailError::Invalid(format!(
            "too many recipients: {} characters of addresses, at most {}",
            r.chars().count(),
            max_chars("recipients")
        )));
    }
    Ok((id, message))
}

/// Checks and normalizes what a composer made, as [`enqueue`] checks an e-mail: the
/// reason when it cannot be sent.
pub(crate) fn check_composed(c: Composed) -> Result<Composed, String> {
    let email = Email {
        dedup_key: "composed".into(),
        to: c.to,
        cc: c.cc,
        subject: c.subject,
        text: c.text,
        html: c.html,
    };
    let (_, m) = prepare("composed", email, None).map_err(|e| match e {
        MailError::Invalid(reason) => reason,
        other => other.to_string(),
    })?;
    Ok(Composed {
        to: m.to,
        cc: m.cc,
        subject: m.subject,
        text: m.text,
        html: m.html,
    })
}

/// The INSERT that does nothing when the key is already there: `ON CONFLICT DO NOTHING`
/// on SQLite and PostgreSQL, a `MERGE` without `WHEN MATCHED` on Oracle. Either way no
/// error is raised, so the caller's transaction goes on (PostgreSQL would abort it).
pub(crate) fn insert_statement(
    dialect: Dialect,
    id: &str,
    message: &OutboxMessage,
) -> Result<Statement, DbError> {
    let now = message.next_attempt_at;
    let values = record::check_values(OutboxMessage::table_def(), message.to_values())?;
    let mut columns = vec!["id", "revision", "created_at", "updated_at"];
    columns.extend(values.iter().map(|(n, _)| *n));
    let mut params: Vec<Value> = vec![id.into(), 1_i64.into(), now.into(), now.into()];
    params.extend(values.into_iter().map(|(_, v)| v));

    let table = dialect.table(SchemaName::Control, TABLE);
    let mut b = SqlBuilder::new(dialect);
    match dialect {
        Dialect::Sqlite | Dialect::Postgres => {
            b.push(&format!(
                "INSERT INTO {table} ({}) VALUES (",
                columns.join(", ")
            ));
            for (i, v) in params.into_iter().enumerate() {
                if i > 0 {
                    b.push(", ");
                }
                b.bind(v);
            }
            b.push(") ON CONFLICT (dedup_key) DO NOTHING");
        }
        Dialect::Oracle => {
            b.push(&format!("MERGE INTO {table} t USING (SELECT "))
                .bind(message.dedup_key.clone())
                .push(" AS dedup_key FROM dual) s ON (t.dedup_key = s.dedup_key)");
            b.push(&format!(
                " WHEN NOT MATCHED THEN INSERT ({}) VALUES (",
                columns.join(", ")
            ));
            for (i, v) in params.into_iter().enumerate() {
                if i > 0 {
                    b.push(", ");
                }
                b.bind(v);
            }
            b.push(")");
        }
    }
    Ok(b.statement())
}

/// Writes `email` in the caller's transaction, the one of the business change that
/// causes it: committed with it, or not at all. An e-mail whose key is already in the
/// outbox is not written again: the existing row is returned with `created: false`.
///
/// Errors: [`MailError::Invalid`] leaves the transaction untouched (nothing was run), so
/// a caller that prefers the business change without its e-mail may log and go on.
pub async fn enqueue(tx: &mut Tx, domain: &str, email: Email) -> Result<Enqueued, MailError> {
    enqueue_keyed(tx, domain, email, None).await
}

/// [`enqueue`] with the stored key chosen by the caller (the relay's alerts).
pub(crate) async fn enqueue_keyed(
    tx: &mut Tx,
    domain: &str,
    email: Email,
    stored_key: Option<String>,
) -> Result<Enqueued, MailError> {
    let (id, message) = prepare(domain, email, stored_key)?;
    insert_or_find(tx, id, message).await
}

/// Inserts the row unless its key is there, and says which row holds the key.
async fn insert_or_find(
    tx: &mut Tx,
    id: String,
    message: OutboxMessage,
) -> Result<Enqueued, MailError> {
    let domain = message.domain.as_str();
    let inserted = match tx
        .execute(insert_statement(tx.dialect(), &id, &message)?)
        .await
    {
        Ok(n) => n > 0,
        // Oracle: two MERGEs of the same key at once; the statement alone is undone.
        Err(DbError::Duplicate(_)) if tx.dialect() == Dialect::Oracle => false,
        Err(e) => return Err(e.into()),
    };
    if inserted {
        tracing::debug!(domain, id, dedup_key = message.dedup_key, "e-mail queued");
        return Ok(Enqueued {
            id,
            message_id: message.message_id,
            created: true,
        });
    }
    let existing: Stored<OutboxMessage> =
        record::find_by(tx, "dedup_key", message.dedup_key.clone().into())
            .await?
            .ok_or(DbError::NotFound)?;
    tracing::debug!(
        domain,
        id = existing.id,
        dedup_key = message.dedup_key,
        "e-mail already queued"
    );
    Ok(Enqueued {
        id: existing.id,
        message_id: existing.value.message_id,
        created: false,
    })
}

/// The subject a deferred message has until it is composed.
pub(crate) fn deferred_subject(kind: &str) -> String {
    format!("[à composer à l'envoi] {kind}")
}

/// Checks a deferred e-mail and makes its row, as [`prepare`] does for a whole one.
fn prepare_deferred(
    domain: &str,
    deferred: Deferred,
) -> Result<(String, OutboxMessage), MailError> {
    check_domain(domain)?;
    if deferred.dedup_key.trim().is_empty() {
        return Err(MailError::Invalid("the deduplication key is empty".into()));
    }
    let kind = deferred.kind.trim();
    let kind_ok = !kind.is_empty()
        && kind.chars().count() <= max_chars("kind")
        && kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !kind_ok {
        return Err(MailError::Invalid(format!(
            "kind {kind:?} must be 1 to {} lower-case letters, digits, '.', '_' or '-'",
            max_chars("kind")
        )));
    }
    let id = record::new_id();
    let message = OutboxMessage {
        domain: domain.to_owned(),
        dedup_key: stored_dedup_key(domain, &deferred.dedup_key),
        message_id: message_id_for(&id, domain),
        to: Vec::new(),
        cc: Vec::new(),
        subject: deferred_subject(kind),
        text: format!("Courriel « {kind} » composé au moment de l'envoi à partir de ses données."),
        html: None,
        kind: Some(kind.to_owned()),
        payload: Some(deferred.payload),
        state: OutboxState::Pending,
        attempts: 0,
        next_attempt_at: record::now(),
        last_error: None,
        sent_at: None,
    };
    Ok((id, message))
}

/// Writes an e-mail to compose at send time, in the caller's transaction: for an e-mail
/// whose recipients or content come from another domain's service, which the business
/// request must not wait for. Only the kind and the payload are stored; the relay asks
/// its [`Composer`](crate::relay::Composer) for the message at each attempt until it is
/// sent, with the same Message-ID every time. The same deduplication rules as
/// [`enqueue`]: a second e-mail with the same key (deferred or not) is not written.
pub async fn enqueue_deferred(
    tx: &mut Tx,
    domain: &str,
    deferred: Deferred,
) -> Result<Enqueued, MailError> {
    let (id, message) = prepare_deferred(domain, deferred)?;
    insert_or_find(tx, id, message).await
}

/// The outbox row `id` of `domain`.
pub async fn get(
    e: &mut impl Exec,
    domain: &str,
    id: &str,
) -> Result<Option<Stored<OutboxMessage>>, MailError> {
    Ok(record::get::<OutboxMessage>(e, id)
        .await?
        .filter(|m| m.value.domain == domain))
}

/// One page of the messages of `domain`, in the order they were written; all of them,
/// or those in `state`.
pub async fn list(
    e: &mut impl Exec,
    domain: &str,
    state: Option<OutboxState>,
    page: &PageRequest,
) -> Result<Page<Stored<OutboxMessage>>, MailError> {
    let mut filter = vec![("domain", Value::from(domain))];
    if let Some(state) = state {
        filter.push(("state", state.as_str().into()));
    }
    Ok(record::list(e, &filter, page).await?)
}

/// One page of the messages of `domain` that could not be delivered.
pub async fn list_dead(
    e: &mut impl Exec,
    domain: &str,
    page: &PageRequest,
) -> Result<Page<Stored<OutboxMessage>>, MailError> {
    list(e, domain, Some(OutboxState::Dead), page).await
}

/// How many messages of `domain` are in `state`.
pub async fn count(e: &mut impl Exec, domain: &str, state: OutboxState) -> Result<i64, MailError> {
    Ok(record::count::<OutboxMessage>(
        e,
        &[("domain", domain.into()), ("state", state.as_str().into())],
    )
    .await?)
}

/// Moves message `id` from one of `from` to `to` in one conditional UPDATE, so that a
/// relay working on it at the same moment cannot be overtaken.
async fn change_state(
    e: &mut impl Exec,
    domain: &str,
    id: &str,
    from: &[OutboxState],
    to: OutboxState,
    action: &'static str,
    allowed: &'static str,
) -> Result<Stored<OutboxMessage>, MailError> {
    let now = record::now();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!("UPDATE {} SET state = ", table(e)))
        .bind(to.as_str())
        .push(", revision = revision + 1, updated_at = ")
        .bind(now);
    if to == OutboxState::Pending {
        b.push(", attempts = ")
            .bind(0_i64)
            .push(", next_attempt_at = ")
            .bind(now);
    }
    b.push(" WHERE id = ")
        .bind(id)
        .push(" AND domain = ")
        .bind(domain)
        .push(" AND state IN (");
    for (i, s) in from.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(s.as_str());
    }
    b.push(")");
    let changed = e.execute(b.statement()).await? == 1;
    let current = get(e, domain, id)
        .await?
        .ok_or_else(|| MailError::NotFound {
            domain: domain.to_owned(),
            id: id.to_owned(),
        })?;
    if !changed {
        return Err(MailError::WrongState {
            id: id.to_owned(),
            state: current.value.state.as_str().to_owned(),
            allowed,
            action,
        });
    }
    tracing::info!(domain, id, state = to.as_str(), "outbox message {action}");
    Ok(current)
}

/// Sends a DEAD message again: back to PENDING, due now, with a fresh count of attempts.
pub async fn retry(
    e: &mut impl Exec,
    domain: &str,
    id: &str,
) -> Result<Stored<OutboxMessage>, MailError> {
    change_state(
        e,
        domain,
        id,
        &[OutboxState::Dead],
        OutboxState::Pending,
        "retried",
        "DEAD",
    )
    .await
}

/// Gives up a DEAD message, or a PENDING one before a relay takes it: CANCELLED is final.
pub async fn cancel(
    e: &mut impl Exec,
    domain: &str,
    id: &str,
) -> Result<Stored<OutboxMessage>, MailError> {
    change_state(
        e,
        domain,
        id,
        &[OutboxState::Dead, OutboxState::Pending],
        OutboxState::Cancelled,
        "cancelled",
        "DEAD or PENDING",
    )
    .await
}

/// A message a relay has claimed: `revision` is the row's revision after the claim, the
/// token that the relay's final update must still find.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub message: OutboxMessage,
    /// True once a deferred message's recipients and content were composed for this
    /// attempt (see [`crate::Relay::compose`]); they are then written on the row with
    /// the outcome. Always false for a message written whole.
    pub composed: bool,
}

/// Claims up to `limit` due messages of `domain` in one short transaction: PENDING ones
/// whose time has come and SENDING ones whose lease ran out (their relay died). Each is
/// moved to SENDING until `lease_until` by an UPDATE conditional on the revision read,
/// so that of two relays claiming at once, one gets each row.
pub(crate) async fn claim(
    db: &bascule_platform::db::Db,
    domain: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Claimed>, DbError> {
    let mut tx = db.begin().await?;
    let dialect = tx.dialect();
    let t = table(&tx);
    let columns: Vec<(&str, Kind)> = OutboxMessage::table_def()
        .columns
        .iter()
        .map(|c| (c.name, c.ty.kind()))
        .collect();
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    let mut b = SqlBuilder::new(dialect);
    b.push(&format!(
        "SELECT {} FROM {t} WHERE domain = ",
        names.join(", ")
    ))
    .bind(domain)
    .push(" AND state IN (")
    .bind(OutboxState::Pending.as_str())
    .push(", ")
    .bind(OutboxState::Sending.as_str())
    .push(") AND next_attempt_at <= ")
    .bind(now)
    .push(" ORDER BY next_attempt_at, id ");
    b.push(&dialect.limit(limit.into()));
    let rows = tx.fetch(b.query(&columns)).await?;
    let mut claimed = Vec::new();
    for mut row in rows {
        let id: String = row.get("id")?;
        let revision: i64 = row.get("revision")?;
        let created_at: DateTime<Utc> = row.get("created_at")?;
        let mut message = OutboxMessage::from_row(&mut row)?;
        let mut b = SqlBuilder::new(dialect);
        b.push(&format!("UPDATE {t} SET state = "))
            .bind(OutboxState::Sending.as_str())
            .push(", attempts = attempts + 1, revision = revision + 1, next_attempt_at = ")
            .bind(lease_until)
            .push(", updated_at = ")
            .bind(now)
            .push(" WHERE id = ")
            .bind(id.clone())
            .push(" AND revision = ")
            .bind(revision)
            .push(" AND next_attempt_at <= ")
            .bind(now);
        if tx.execute(b.statement()).await? == 1 {
            message.state = OutboxState::Sending;
            message.attempts += 1;
            message.next_attempt_at = lease_until;
            claimed.push(Claimed {
                id,
                revision: revision + 1,
                created_at,
                message,
                composed: false,
            });
        }
    }
    tx.commit().await?;
    Ok(claimed)
}

/// How a claimed message's delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Settle {
    Sent,
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    /// Back to PENDING like a retry, the claim's attempt given back: the message waits
    /// for another domain, which is no failure of its own.
    Wait {
        at: DateTime<Utc>,
        error: String,
    },
    Dead {
        error: String,
    },
}

/// Records the end of a delivery on the claimed row, if the claim still holds; returns
/// false when another relay took the row over (the lease ran out first).
pub(crate) async fn settle(
    e: &mut impl Exec,
    claimed: &Claimed,
    outcome: &Settle,
) -> Result<bool, DbError> {
    let now = record::now();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!("UPDATE {} SET revision = revision + 1", table(e)));
    b.push(", updated_at = ").bind(now);
    if claimed.composed {
        // What this attempt composed, for the operators: who it went (or was going) to.
        let m = &claimed.message;
        let values = record::check_values(
            OutboxMessage::table_def(),
            m.to_values()
                .into_iter()
                .filter(|(n, _)| matches!(*n, "recipients" | "subject" | "body_text" | "body_html"))
                .collect(),
        )?;
        for (name, value) in values {
            b.push(&format!(", {name} = ")).bind(value);
        }
    }
    match outcome {
        Settle::Sent => {
            b.push(", state = ")
                .bind(OutboxState::Sent.as_str())
                .push(", sent_at = ")
                .bind(now)
                .push(", next_attempt_at = ")
                .bind(now)
                .push(", last_error = ")
                .bind(Value::Null(Kind::Text));
        }
        Settle::Retry { at, error } => {
            b.push(", state = ")
                .bind(OutboxState::Pending.as_str())
                .push(", next_attempt_at = ")
                .bind(*at)
                .push(", last_error = ")
                .bind(truncate(error, max_chars("last_error")));
        }
        Settle::Wait { at, error } => {
            b.push(", state = ")
                .bind(OutboxState::Pending.as_str())
                .push(", attempts = attempts - 1")
                .push(", next_attempt_at = ")
                .bind(*at)
                .push(", last_error = ")
                .bind(truncate(error, max_chars("last_error")));
        }
        Settle::Dead { error } => {
            b.push(", state = ")
                .bind(OutboxState::Dead.as_str())
                .push(", next_attempt_at = ")
                .bind(now)
                .push(", last_error = ")
                .bind(truncate(error, max_chars("last_error")));
        }
    }
    b.push(" WHERE id = ")
        .bind(claimed.id.clone())
        .push(" AND revision = ")
        .bind(claimed.revision)
        .push(" AND state = ")
        .bind(OutboxState::Sending.as_str());
    Ok(e.execute(b.statement()).await? == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email {
            dedup_key: "commande/CF-1/confirmation".into(),
            to: vec!["Élodie Dupré <e.dupre@exemple.fr>".into()],
            cc: vec!["achats@exemple.fr".into()],
            subject: "Commande  CF-1\nconfirmée".into(),
            text: "Bonjour".into(),
            html: Some("<p>Bonjour</p>".into()),
        }
    }

    #[test]
    fn prepare_normalizes_and_derives_the_message_id() {
        let (id, m) = prepare("stock", email(), None).unwrap();
        assert_eq!(m.dedup_key, "stock:commande/CF-1/confirmation");
        assert_eq!(m.message_id, format!("<{id}.stock@outbox.bascule>"));
        assert_eq!(m.subject, "Commande CF-1 confirmée");
        assert_eq!(m.state, OutboxState::Pending);
        assert!(!m.is_alert());
        assert_eq!(m.cc, vec!["achats@exemple.fr".to_owned()]);
    }

    #[test]
    fn prepare_refuses_before_touching_the_database() {
        let cases: Vec<(Email, &str)> = vec![
            (
                Email {
                    to: vec![],
                    ..email()
                },
                "no recipient",
            ),
            (
                Email {
                    to: vec!["pas une adresse".into()],
                    ..email()
                },
                "not an e-mail address",
            ),
            (
                Email {
                    dedup_key: " ".into(),
                    ..email()
                },
                "deduplication key",
            ),
            (
                Email {
                    subject: "".into(),
                    ..email()
                },
                "subject",
            ),
            (
                Email {
                    text: "\n".into(),
                    ..email()
                },
                "text part",
            ),
            (
                Email {
                    to: (0..60)
                        .map(|i| format!("destinataire{i}@exemple.fr"))
                        .collect(),
                    ..email()
                },
                "too many recipients",
            ),
        ];
        for (e, expected) in cases {
            let err = prepare("stock", e, None).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
        }
        assert!(prepare("Stock!", email(), None).is_err());
        assert!(prepare("", email(), None).is_err());
    }

    #[test]
    fn long_keys_are_hashed_and_alerts_are_recognised() {
        let long = "x".repeat(300);
        let key = stored_dedup_key("production", &long);
        assert!(
            key.starts_with("production:sha256:") && key.len() <= 200,
            "{key}"
        );
        assert_eq!(key, stored_dedup_key("production", &long));
        assert_ne!(key, stored_dedup_key("clients", &long));
        let (_, mut m) = prepare("stock", email(), None).unwrap();
        m.dedup_key = alert_dedup_key("stock", "0190-abc", 4);
        assert!(m.is_alert());
        // A domain's own key can never pass for an alert.
        m.dedup_key = stored_dedup_key("stock", "#alert:x");
        assert!(!m.is_alert());
        let subject = prepare(
            "stock",
            Email {
                subject: "é".repeat(500),
                ..email()
            },
            None,
        )
        .unwrap()
        .1
        .subject;
        assert_eq!(subject.chars().count(), 400);
        assert!(subject.ends_with('…'));
    }

    #[test]
    fn the_insert_never_raises_on_a_known_key() {
        let (id, m) = prepare("stock", email(), None).unwrap();
        let pg = insert_statement(Dialect::Postgres, &id, &m).unwrap();
        assert!(
            pg.sql
                .starts_with("INSERT INTO control.outbox (id, revision")
        );
        assert!(
            pg.sql.ends_with(") ON CONFLICT (dedup_key) DO NOTHING"),
            "{}",
            pg.sql
        );
        assert_eq!(pg.params.len(), 18);
        let ora = insert_statement(Dialect::Oracle, &id, &m).unwrap();
        assert!(
            ora.sql.starts_with(
                "MERGE INTO BASCULE_CONTROL.outbox t USING (SELECT :1 AS dedup_key FROM dual) \
                 s ON (t.dedup_key = s.dedup_key) WHEN NOT MATCHED THEN INSERT (id, revision"
            ),
            "{}",
            ora.sql
        );
        assert!(ora.sql.ends_with(":19)"), "{}", ora.sql);
        assert_eq!(ora.params.len(), 19);
        assert_eq!(ora.params[0], Value::Text(m.dedup_key.clone()));
    }
}
