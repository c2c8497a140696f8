//! The relay: a task in each service that claims the due messages of its domain, sends
//! them with lettre over a pooled SMTP transport, and records how each delivery ended.
//!
//! Delivery is at least once: a relay that dies after the SMTP server accepted a message
//! but before the row says SENT leaves the row SENDING; once the lease runs out another
//! relay sends it again, with the same Message-ID, so that the receiving side can tell.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use bascule_platform::db::Db;
use bascule_platform::db::record;
use chrono::{DateTime, Utc};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::Notify;

use crate::MailError;
use crate::outbox::{self, Claimed, Email, OutboxMessage, Settle};
use crate::settings::{MailSettings, RelayOptions, SmtpConfig, SmtpSecurity};
use crate::template::{Rendered, Template};

/// A deferred e-mail as its composer made it: who receives it, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

impl Composed {
    /// A rendered template sent to `to`.
    pub fn new(rendered: Rendered, to: Vec<String>) -> Composed {
        Composed {
            to,
            cc: Vec::new(),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        }
    }

    pub fn with_cc(mut self, cc: Vec<String>) -> Composed {
        self.cc = cc;
        self
    }
}

/// Why a deferred e-mail could not be composed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// Worth trying again later (the other domain's service is unreachable, busy, or
    /// answered late): retried with the same backoff as an SMTP 4xx answer.
    #[error("{0}")]
    Temporary(String),
    /// Trying again would not help (no such supplier, no e-mail address, an unknown
    /// kind, a payload that does not fit): the message is DEAD and the administrator
    /// told, with this reason.
    #[error("{0}")]
    Permanent(String),
    /// The other domain's data is not served yet: it has not switched over (see
    /// [`crate::refusal::sort_refusal`]). The message waits for it, tried again every
    /// `RelayOptions::wait_for_domain`, without using up its attempts: it never goes
    /// DEAD for this.
    #[error("{0}")]
    Waiting(String),
}

/// What [`Composer::compose`] returns.
pub type ComposeFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Composed, ComposeError>> + Send + 'a>>;

/// Makes a domain's deferred e-mails (see [`outbox::enqueue_deferred`]) at send time,
/// from their kind and payload, typically by asking another domain's service for the
/// recipients. Called at each attempt until the message is sent, so it must give the
/// same message for the same payload (derive dates from the payload, not the clock).
///
/// ```
/// use bascule_mail::relay::{ComposeError, ComposeFuture, Composed, Composer};
///
/// struct Fixed;
///
/// impl Composer for Fixed {
///     fn compose<'a>(&'a self, kind: &'a str, payload: &'a serde_json::Value) -> ComposeFuture<'a> {
///         Box::pin(async move {
///             match (kind, payload["to"].as_str()) {
///                 ("demo.hello", Some(to)) => Ok(Composed {
///                     to: vec![to.to_owned()],
///                     cc: Vec::new(),
///                     subject: "Bonjour".into(),
///                     text: "Bonjour !".into(),
///                     html: None,
///                 }),
///                 _ => Err(ComposeError::Permanent(format!("nothing to compose for {kind}"))),
///             }
///         })
///     }
/// }
/// ```
pub trait Composer: Send + Sync {
    fn compose<'a>(&'a self, kind: &'a str, payload: &'a serde_json::Value) -> ComposeFuture<'a>;
}

/// Builds the pooled lettre transport an [`SmtpConfig`] describes.
pub fn transport(config: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let tls = || -> Result<TlsParameters, MailError> {
        let mut params = TlsParameters::builder(config.host.clone());
        if let Some(path) = &config.tls_ca {
            let pem = std::fs::read(path).map_err(|e| {
                MailError::Config(format!("cannot read the CA file {}: {e}", path.display()))
            })?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| MailError::Config(format!("the CA file {}: {e}", path.display())))?;
            params = params.add_root_certificate(cert);
        }
        params
            .build_rustls()
            .map_err(|e| MailError::Config(format!("TLS for {}: {e}", config.host)))
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
        .port(config.port)
        .timeout(Some(config.timeout))
        .pool_config(
            PoolConfig::new()
                .max_size(config.pool_size.max(1))
                .idle_timeout(Duration::from_secs(60)),
        );
    builder = match config.security {
        SmtpSecurity::Plain => builder.tls(Tls::None),
        SmtpSecurity::StartTls => builder.tls(Tls::Required(tls()?)),
        SmtpSecurity::ImplicitTls => builder.tls(Tls::Wrapper(tls()?)),
    };
    if let Some((user, password)) = &config.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// Whether the relay an [`SmtpConfig`] names answers: connects, greets, negotiates TLS
/// and authenticates as a delivery would, and sends nothing.
pub async fn check_relay(config: &SmtpConfig) -> Result<(), MailError> {
    match transport(config)?.test_connection().await {
        Ok(true) => Ok(()),
        Ok(false) => Err(MailError::Unreachable(format!(
            "{} accepted the connection but did not answer NOOP",
            config.redacted()
        ))),
        Err(e) => Err(MailError::Unreachable(format!(
            "{}: {e}",
            config.redacted()
        ))),
    }
}

/// What the relay has done since it started; the figures also go to the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayStats {
    pub sent: u64,
    /// Temporary failures, each to be tried again later.
    pub retried: u64,
    /// Messages given up (permanent failure or attempts exhausted).
    pub dead: u64,
    /// Alerts queued for the administrator about dead messages.
    pub alerts: u64,
    /// Deliveries whose row had been taken over by another relay meanwhile.
    pub leases_lost: u64,
}

#[derive(Debug, Default)]
struct Counters {
    sent: AtomicU64,
    retried: AtomicU64,
    dead: AtomicU64,
    alerts: AtomicU64,
    leases_lost: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// What one [`Relay::tick`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    pub leases_lost: usize,
}

/// How one attempt to hand a message to the SMTP server ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server accepted the message.
    Sent,
    /// Worth trying again later: a 4xx answer, a refused or broken connection, a
    /// timeout, a TLS failure. `connection` says the server could not be talked to at
    /// all, so the rest of the batch is not tried now.
    Temporary { error: String, connection: bool },
    /// A 5xx answer, or a message that cannot be built: trying again would not help.
    Permanent { error: String },
    /// Its composition needs another domain not switched over yet: tried again later,
    /// the attempt not counted.
    Waiting { error: String },
}

/// How a delivery was recorded on its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Sent,
    /// Back to PENDING, due at this time.
    Retry(DateTime<Utc>),
    Dead,
    /// Another relay took the row over after the lease ran out: nothing recorded.
    LeaseLost,
}

/// Wakes a relay at once, e.g. after the commit of a transaction that queued an e-mail,
/// instead of letting it find the message at its next poll.
#[derive(Debug, Clone)]
pub struct RelayWaker(Arc<Notify>);

impl RelayWaker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

struct Inner {
    db: Db,
    domain: String,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    smtp: SmtpConfig,
    sender: Mailbox,
    admin: Option<Mailbox>,
    options: RelayOptions,
    composer: Option<Arc<dyn Composer>>,
    counters: Counters,
    wake: Arc<Notify>,
}

/// The relay of one domain's outbox. Cheap to clone: clones share the transport, the
/// counters and the waker.
#[derive(Clone)]
pub struct Relay {
    inner: Arc<Inner>,
}

impl fmt::Debug for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Relay")
            .field("domain", &self.inner.domain)
            .field("smtp", &self.inner.smtp)
            .field("sender", &self.inner.sender.to_string())
            .field("admin", &self.inner.admin.as_ref().map(ToString::to_string))
            .field("options", &self.inner.options)
            .field("composer", &self.inner.composer.is_some())
            .finish_non_exhaustive()
    }
}

fn mailbox(what: &str, address: &str) -> Result<Mailbox, MailError> {
    Mailbox::from_str(address.trim())
        .map_err(|e| MailError::Config(format!("the {what} {address:?} is not an address: {e}")))
}

impl Relay {
    /// A relay for `domain`'s messages, sending from `sender` and alerting `admin` about
    /// the messages it gives up, with the default [`RelayOptions`].
    pub fn new(
        db: Db,
        domain: &str,
        smtp: &SmtpConfig,
        sender: &str,
        admin: Option<&str>,
    ) -> Result<Relay, MailError> {
        outbox::check_domain(domain)?;
        Ok(Relay {
            inner: Arc::new(Inner {
                db,
                domain: domain.to_owned(),
                transport: transport(smtp)?,
                smtp: smtp.clone(),
                sender: mailbox("sender", sender)?,
                admin: admin
                    .map(|a| mailbox("administrator address", a))
                    .transpose()?,
                options: RelayOptions::default(),
                composer: None,
                counters: Counters::default(),
                wake: Arc::new(Notify::new()),
            }),
        })
    }

    /// The relay the settings describe, or `None` when no SMTP URL is set (the e-mails
    /// then wait in the outbox).
    pub fn from_settings(
        db: Db,
        domain: &str,
        settings: &MailSettings,
    ) -> Result<Option<Relay>, MailError> {
        let Some(smtp) = &settings.smtp else {
            return Ok(None);
        };
        let sender = settings
            .sender
            .as_deref()
            .ok_or_else(|| MailError::Config("no sender (BASCULE_MAIL_FROM)".into()))?;
        let relay = Relay::new(db, domain, smtp, sender, settings.admin.as_deref())?;
        Ok(Some(relay.with_options(settings.relay.clone())))
    }

    /// The same relay with other options (before it is cloned or run).
    pub fn with_options(self, options: RelayOptions) -> Relay {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                inner.options = options;
                Relay {
                    inner: Arc::new(inner),
                }
            }
            Err(shared) => {
                tracing::warn!("relay options not changed: the relay is already shared");
                Relay { inner: shared }
            }
        }
    }

    /// The same relay composing the domain's deferred e-mails with `composer` (before
    /// it is cloned or run). Without one, a deferred e-mail waits (a temporary failure)
    /// until it is given up after the relay's attempts.
    pub fn with_composer(self, composer: Arc<dyn Composer>) -> Relay {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                inner.composer = Some(composer);
                Relay {
                    inner: Arc::new(inner),
                }
            }
            Err(shared) => {
                tracing::warn!("relay composer not set: the relay is already shared");
                Relay { inner: shared }
            }
        }
    }

    pub fn domain(&self) -> &str {
        &self.inner.domain
    }

    pub fn options(&self) -> &RelayOptions {
        &self.inner.options
    }

    pub fn waker(&self) -> RelayWaker {
        RelayWaker(Arc::clone(&self.inner.wake))
    }

    pub fn stats(&self) -> RelayStats {
        let c = &self.inner.counters;
        RelayStats {
            sent: c.sent.load(Ordering::Relaxed),
            retried: c.retried.load(Ordering::Relaxed),
            dead: c.dead.load(Ordering::Relaxed),
            alerts: c.alerts.load(Ordering::Relaxed),
            leases_lost: c.leases_lost.load(Ordering::Relaxed),
        }
    }

    /// Runs until `shutdown` completes: a tick, then a pause of the poll interval (none
    /// while a full batch was claimed, shortened by the waker). A failing database is
    /// logged and tried again at the next poll; the tick under way when `shutdown` comes
    /// is finished first, so that no claimed message waits for its lease.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let inner = &self.inner;
        tracing::info!(
            domain = inner.domain,
            smtp = inner.smtp.redacted(),
            sender = inner.sender.to_string(),
            "e-mail relay started"
        );
        if inner.smtp.cleartext_to_network() {
            tracing::warn!(
                domain = inner.domain,
                smtp = inner.smtp.redacted(),
                "e-mails go to the SMTP relay unencrypted: use smtps:// or ?tls=starttls"
            );
        }
        if inner.admin.is_none() {
            tracing::warn!(
                domain = inner.domain,
                "no administrator address (BASCULE_MAIL_ADMIN): undeliverable e-mails are only logged"
            );
        }
        loop {
            let pause = match self.tick().await {
                Ok(r) if r.claimed >= inner.options.batch_size as usize => Duration::ZERO,
                Ok(_) => inner.options.poll_interval,
                Err(e) => {
                    tracing::error!(domain = inner.domain, error = %e, "e-mail relay: outbox unavailable");
                    inner.options.poll_interval
                }
            };
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = tokio::time::sleep(pause) => {}
                () = inner.wake.notified() => {}
            }
        }
        inner.transport.shutdown().await;
        let s = self.stats();
        tracing::info!(
            domain = inner.domain,
            sent = s.sent,
            retried = s.retried,
            dead = s.dead,
            "e-mail relay stopped"
        );
    }

    /// One round: claims a batch of due messages, sends each, records each outcome.
    pub async fn tick(&self) -> Result<TickReport, MailError> {
        let claimed = self.claim().await?;
        let mut report = TickReport {
            claimed: claimed.len(),
            ..TickReport::default()
        };
        let mut unreachable: Option<String> = None;
        let mut first_error = None;
        for mut c in claimed {
            let delivery = match &unreachable {
                Some(error) => Delivery::Temporary {
                    error: format!("not tried, the server was unreachable: {error}"),
                    connection: true,
                },
                None => match self.compose(&mut c).await {
                    Ok(()) => self.send(&c).await,
                    Err(failed) => failed,
                },
            };
            let c = &c;
            if let Delivery::Temporary {
                error,
                connection: true,
            } = &delivery
                && unreachable.is_none()
            {
                unreachable = Some(error.clone());
            }
            match self.record(c, &delivery).await {
                Ok(Recorded::Sent) => report.sent += 1,
                Ok(Recorded::Retry(_)) => report.retried += 1,
                Ok(Recorded::Dead) => report.dead += 1,
                Ok(Recorded::LeaseLost) => report.leases_lost += 1,
                Err(e) => {
                    tracing::error!(
                        domain = self.inner.domain,
                        id = c.id,
                        error = %e,
                        "cannot record an e-mail delivery: the message will be sent again after its lease"
                    );
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// The first step of a tick: claims the due messages (see [`outbox`]'s states),
    /// holding each until the lease ends.
    pub async fn claim(&self) -> Result<Vec<Claimed>, MailError> {
        let now = record::now();
        let lease =
            chrono::Duration::from_std(self.inner.options.lease).unwrap_or(chrono::Duration::MAX);
        let until = now
            .checked_add_signed(lease)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        Ok(outbox::claim(
            &self.inner.db,
            &self.inner.domain,
            now,
            until,
            self.inner.options.batch_size.max(1),
        )
        .await?)
    }

    /// For a deferred message, the step before sending: asks the composer for its
    /// recipients and content and puts them in the claimed message (`composed`); a
    /// message written whole is left as it is. A failure is the delivery to record:
    /// [`ComposeError::Temporary`] is retried like an SMTP 4xx answer,
    /// [`ComposeError::Permanent`] and a composition that cannot be sent (no recipient,
    /// a bad address) give the message up.
    pub async fn compose(&self, claimed: &mut Claimed) -> Result<(), Delivery> {
        let m = &claimed.message;
        let (Some(kind), false) = (m.kind.clone(), claimed.composed) else {
            return Ok(());
        };
        let payload = m.payload.clone().unwrap_or(serde_json::Value::Null);
        let Some(composer) = &self.inner.composer else {
            return Err(Delivery::Temporary {
                error: format!(
                    "no composer for the deferred e-mails of {} (kind {kind}): the service \
                     runs its relay without one",
                    self.inner.domain
                ),
                connection: false,
            });
        };
        let composed = match composer.compose(&kind, &payload).await {
            Ok(c) => c,
            Err(ComposeError::Temporary(reason)) => {
                return Err(Delivery::Temporary {
                    error: format!("composing {kind}: {reason}"),
                    connection: false,
                });
            }
            Err(ComposeError::Permanent(reason)) => {
                return Err(Delivery::Permanent {
                    error: format!("cannot compose {kind}: {reason} (payload {payload})"),
                });
            }
            Err(ComposeError::Waiting(reason)) => {
                return Err(Delivery::Waiting {
                    error: format!("composing {kind} waits: {reason}"),
                });
            }
        };
        let checked = outbox::check_composed(composed).map_err(|reason| Delivery::Permanent {
            error: format!("cannot compose {kind}: {reason} (payload {payload})"),
        })?;
        let m = &mut claimed.message;
        m.to = checked.to;
        m.cc = checked.cc;
        m.subject = checked.subject;
        m.text = checked.text;
        m.html = checked.html;
        claimed.composed = true;
        Ok(())
    }

    /// The second step: hands a claimed message to the SMTP server, touching nothing in
    /// the database. A deferred message not composed yet is composed first.
    pub async fn send(&self, claimed: &Claimed) -> Delivery {
        let composed;
        let claimed = if claimed.message.is_deferred() && !claimed.composed {
            let mut c = claimed.clone();
            if let Err(failed) = self.compose(&mut c).await {
                return failed;
            }
            composed = c;
            &composed
        } else {
            claimed
        };
        let message = match self.build(claimed) {
            Ok(m) => m,
            Err(error) => return Delivery::Permanent { error },
        };
        match self.inner.transport.send(message).await {
            Ok(_) => Delivery::Sent,
            Err(e) => classify(&e),
        }
    }

    /// The last step: records the delivery on the row, if this relay's claim still
    /// holds. A message given up is logged, counted, and (unless it is itself an alert)
    /// reported to the administrator by an alert queued in the same transaction.
    pub async fn record(
        &self,
        claimed: &Claimed,
        delivery: &Delivery,
    ) -> Result<Recorded, MailError> {
        let inner = &self.inner;
        let m = &claimed.message;
        let max = i64::from(inner.options.max_attempts.max(1));
        let (outcome, recorded) = match delivery {
            Delivery::Sent => (Settle::Sent, Recorded::Sent),
            Delivery::Temporary { error, .. } if m.attempts < max => {
                let at = record::now()
                    + chrono::Duration::from_std(backoff(&inner.options, m.attempts))
                        .unwrap_or(chrono::Duration::hours(1));
                (
                    Settle::Retry {
                        at,
                        error: error.clone(),
                    },
                    Recorded::Retry(at),
                )
            }
            Delivery::Temporary { error, .. } => (
                Settle::Dead {
                    error: format!("gave up after {} attempts: {error}", m.attempts),
                },
                Recorded::Dead,
            ),
            Delivery::Permanent { error } => (
                Settle::Dead {
                    error: error.clone(),
                },
                Recorded::Dead,
            ),
            Delivery::Waiting { error } => {
                let at = record::now()
                    + chrono::Duration::from_std(inner.options.wait_for_domain)
                        .unwrap_or(chrono::Duration::minutes(15));
                (
                    Settle::Wait {
                        at,
                        error: error.clone(),
                    },
                    Recorded::Retry(at),
                )
            }
        };
        let mut tx = inner.db.begin().await?;
        if !outbox::settle(&mut tx, claimed, &outcome).await? {
            tx.rollback().await?;
            bump(&inner.counters.leases_lost);
            tracing::warn!(
                domain = inner.domain,
                id = claimed.id,
                message_id = m.message_id,
                "e-mail outcome not recorded: another relay took the message over after the lease ran out"
            );
            return Ok(Recorded::LeaseLost);
        }
        let mut alerted = false;
        if let Settle::Dead { error } = &outcome
            && !m.is_alert()
            && let Some(admin) = &inner.admin
        {
            let alert = self.alert(claimed, error, admin);
            let key = outbox::alert_dedup_key(&inner.domain, &claimed.id, claimed.revision + 1);
            outbox::enqueue_keyed(&mut tx, &inner.domain, alert, Some(key)).await?;
            alerted = true;
        }
        tx.commit().await?;
        match &outcome {
            Settle::Sent => {
                bump(&inner.counters.sent);
                tracing::info!(
                    domain = inner.domain,
                    id = claimed.id,
                    message_id = m.message_id,
                    attempts = m.attempts,
                    "e-mail sent"
                );
            }
            Settle::Retry { at, error } => {
                bump(&inner.counters.retried);
                tracing::warn!(
                    domain = inner.domain,
                    id = claimed.id,
                    attempts = m.attempts,
                    next_attempt_at = %at,
                    error,
                    "e-mail not sent, will try again"
                );
            }
            Settle::Wait { at, error } => {
                bump(&inner.counters.retried);
                tracing::info!(
                    domain = inner.domain,
                    id = claimed.id,
                    next_attempt_at = %at,
                    error,
                    "e-mail waits for another domain's switch-over"
                );
            }
            Settle::Dead { error } => {
                bump(&inner.counters.dead);
                if alerted {
                    bump(&inner.counters.alerts);
                    inner.wake.notify_one();
                }
                tracing::error!(
                    domain = inner.domain,
                    id = claimed.id,
                    message_id = m.message_id,
                    to = m.to.join(", "),
                    attempts = m.attempts,
                    alert = alerted,
                    is_alert = m.is_alert(),
                    error,
                    "e-mail undeliverable: marked DEAD"
                );
            }
        }
        Ok(recorded)
    }

    fn build(&self, claimed: &Claimed) -> Result<Message, String> {
        build_message(&self.inner.sender, claimed.created_at, &claimed.message)
    }

    fn alert(&self, claimed: &Claimed, error: &str, admin: &Mailbox) -> Email {
        let m = &claimed.message;
        let vars = HashMap::from([
            ("domaine", self.inner.domain.clone()),
            ("id", claimed.id.clone()),
            ("message_id", m.message_id.clone()),
            ("objet", m.subject.clone()),
            (
                "destinataires",
                m.to.iter()
                    .chain(&m.cc)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("tentatives", m.attempts.to_string()),
            ("erreur", error.to_owned()),
            (
                "cree_le",
                claimed
                    .created_at
                    .format("%d/%m/%Y à %H:%M:%S UTC")
                    .to_string(),
            ),
        ]);
        let rendered = ALERT.render(&vars).unwrap_or_else(|e| Rendered {
            subject: format!("[bascule] Courriel non distribué ({})", self.inner.domain),
            text: format!("{e}\n{vars:?}"),
            html: None,
        });
        rendered.into_email(String::new(), vec![admin.to_string()])
    }
}

static ALERT: std::sync::LazyLock<Template> = std::sync::LazyLock::new(|| {
    Template::new(
        "[bascule] Courriel non distribué ({{domaine}}) : {{objet}}",
        "Bonjour,\n\n\
         Le service {{domaine}} n'a pas pu remettre un courriel ; il ne sera plus envoyé \
         sans intervention.\n\n\
         Objet : {{objet}}\n\
         Destinataires : {{destinataires}}\n\
         Écrit le : {{cree_le}}\n\
         Tentatives : {{tentatives}}\n\
         Erreur : {{erreur}}\n\n\
         Message-ID : {{message_id}}\n\
         Identifiant dans la file d'envoi : {{id}}\n\n\
         Après correction (adresse, serveur SMTP…), ce courriel peut être renvoyé ou \
         annulé avec son identifiant.\n\n\
         -- \nbascule, service {{domaine}}\n",
    )
    .with_html(
        "<p>Bonjour,</p>\
         <p>Le service <strong>{{domaine}}</strong> n'a pas pu remettre un courriel ; il ne \
         sera plus envoyé sans intervention.</p>\
         <table>\
         <tr><th align=\"left\">Objet</th><td>{{objet}}</td></tr>\
         <tr><th align=\"left\">Destinataires</th><td>{{destinataires}}</td></tr>\
         <tr><th align=\"left\">Écrit le</th><td>{{cree_le}}</td></tr>\
         <tr><th align=\"left\">Tentatives</th><td>{{tentatives}}</td></tr>\
         <tr><th align=\"left\">Erreur</th><td><code>{{erreur}}</code></td></tr>\
         <tr><th align=\"left\">Message-ID</th><td><code>{{message_id}}</code></td></tr>\
         <tr><th align=\"left\">Identifiant</th><td><code>{{id}}</code></td></tr>\
         </table>\
         <p>Après correction (adresse, serveur SMTP…), ce courriel peut être renvoyé ou \
         annulé avec son identifiant.</p>",
    )
});

/// The message a row becomes: From the relay's sender, the row's Message-ID, the time
/// it was written as its Date (so that every attempt sends the same message), marked
/// `Auto-Submitted: auto-generated` (RFC 3834) so that auto-responders keep quiet.
pub fn build_message(
    sender: &Mailbox,
    created_at: DateTime<Utc>,
    m: &OutboxMessage,
) -> Result<Message, String> {
    let mut b = Message::builder()
        .from(sender.clone())
        .message_id(Some(m.message_id.clone()))
        .date(SystemTime::from(created_at))
        .subject(m.subject.clone())
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        ));
    for to in &m.to {
        b = b.to(to
            .parse()
            .map_err(|e| format!("recipient {to:?} is not an address: {e}"))?);
    }
    for cc in &m.cc {
        b = b.cc(cc
            .parse()
            .map_err(|e| format!("recipient {cc:?} is not an address: {e}"))?);
    }
    let built = match &m.html {
        Some(html) => b.multipart(MultiPart::alternative_plain_html(
            m.text.clone(),
            html.clone(),
        )),
        None => b.singlepart(SinglePart::plain(m.text.clone())),
    };
    built.map_err(|e| format!("the message cannot be built: {e}"))
}

/// Sorts an SMTP error. A 5xx answer about the message is permanent; a 4xx answer is
/// temporary. Whatever says the relay itself cannot talk to the server (a refused or
/// broken connection, a timeout, TLS, STARTTLS not offered, authentication refused with
/// 530/534/535/538) is temporary for the whole batch: the messages are not at fault, and
/// wait for the server or the settings to be fixed.
fn classify(e: &lettre::transport::smtp::Error) -> Delivery {
    let error = e.to_string();
    let code = e.status().map(|c| c.to_string());
    let auth_refused = matches!(code.as_deref(), Some("530" | "534" | "535" | "538"));
    if e.is_permanent() && !auth_refused {
        Delivery::Permanent { error }
    } else if e.is_transient() && !auth_refused {
        Delivery::Temporary {
            error,
            connection: false,
        }
    } else {
        Delivery::Temporary {
            error,
            connection: true,
        }
    }
}

/// The wait before the attempt after `attempts` failed ones: the base doubled after each
/// failure, capped, then jittered between half and all of it so that messages that failed
/// together do not all come back together.
pub fn backoff(options: &RelayOptions, attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 32)).unwrap_or(32);
    let full = options
        .backoff_base
        .saturating_mul(2_u32.saturating_pow(doublings))
        .min(options.backoff_max);
    let half = full / 2;
    let spread = u64::try_from((full - half).as_millis()).unwrap_or(u64::MAX);
    half + Duration::from_millis(fastrand::u64(0..=spread))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let o = RelayOptions {
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            ..RelayOptions::default()
        };
        for _ in 0..200 {
            let first = backoff(&o, 1);
            assert!(first >= Duration::from_secs(15) && first <= Duration::from_secs(30));
            let third = backoff(&o, 3);
            assert!(third >= Duration::from_secs(60) && third <= Duration::from_secs(120));
            let late = backoff(&o, 40);
            assert!(late >= Duration::from_secs(1800) && late <= Duration::from_secs(3600));
        }
        let spread: std::collections::HashSet<Duration> = (0..50).map(|_| backoff(&o, 5)).collect();
        assert!(spread.len() > 10, "jitter spreads the retries");
        let zero = RelayOptions {
            backoff_base: Duration::ZERO,
            ..o
        };
        assert_eq!(backoff(&zero, 7), Duration::ZERO);
    }

    #[test]
    fn a_message_carries_its_row_s_identity() {
        let m = OutboxMessage {
            domain: "stock".into(),
            dedup_key: "stock:k".into(),
            message_id: outbox::message_id_for("0190a-1", "stock"),
            to: vec!["Élodie Dupré <e.dupre@exemple.fr>".into()],
            cc: vec!["achats@exemple.fr".into()],
            subject: "Réception de la commande n° 42".into(),
            text: "Bonjour,\nla commande est reçue.".into(),
            html: Some("<p>Bonjour,</p>".into()),
            kind: None,
            payload: None,
            state: outbox::OutboxState::Sending,
            attempts: 1,
            next_attempt_at: Utc::now(),
            last_error: None,
            sent_at: None,
        };
        let sender: Mailbox = "Bascule <bascule@exemple.fr>".parse().unwrap();
        let created = DateTime::parse_from_rfc3339("2025-03-12T08:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let a = build_message(&sender, created, &m).unwrap().formatted();
        let b = build_message(&sender, created, &m).unwrap().formatted();
        let text = String::from_utf8_lossy(&a);
        assert!(
            text.contains("Message-ID: <0190a-1.stock@outbox.bascule>"),
            "{text}"
        );
        assert!(
            text.contains("Date: Wed, 12 Mar 2025 08:30:00 +0000"),
            "{text}"
        );
        assert!(text.contains("Auto-Submitted: auto-generated"), "{text}");
        assert!(text.contains("multipart/alternative"), "{text}");
        // Only the MIME boundaries differ between two builds of the same row.
        let headers = |raw: &[u8]| {
            String::from_utf8_lossy(raw)
                .lines()
                .take_while(|l| !l.is_empty())
                .filter(|l| !l.contains("boundary"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(headers(&a), headers(&b));
    }
}
