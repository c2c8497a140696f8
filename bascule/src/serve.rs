//! `bascule serve`: the domain services over gRPC, one domain or all four in one process,
//! with health (SERVING once the database is reachable and upgraded), reflection, TLS,
//! the access log and graceful shutdown.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use bascule_mail::{Composer, MailSettings, Relay, RelayWaker};
use bascule_platform::db::Db;
use bascule_platform::db::upgrade::{self, SchemaState};
use bascule_platform::settings::Settings;
use bascule_proto::clients::v1::clients_service_client::ClientsServiceClient;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use bascule_rpc::client::{ClientTls, lazy_channel};
use bascule_rpc::server::{TlsFiles, base_routes, serve, shutdown_signal};
use tokio::net::TcpListener;
use tonic::transport::Channel;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::{domains, schemas};

/// The gRPC service name each domain answers health checks under.
pub(crate) fn service_name(domain: &str) -> &'static str {
    match domain {
        "fournisseurs" => "bascule.fournisseurs.v1.FournisseursService",
        "stock" => "bascule.stock.v1.StockService",
        "production" => "bascule.production.v1.ProductionService",
        _ => "bascule.clients.v1.ClientsService",
    }
}

#[derive(Debug, Clone)]
pub struct ServeArgs {
    /// A domain name or "all".
    pub domain: String,
    pub listen: Option<String>,
}

fn chosen(domain: &str) -> anyhow::Result<Vec<&'static str>> {
    if domain == "all" {
        return Ok(domains::PLAN_ORDER.iter().map(|d| d.name).collect());
    }
    domains::find(domain).map(|d| vec![d.name]).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown domain {domain:?}: one of {} or all",
            domains::names()
        )
    })
}

/// The address other domains of this process call it on.
fn own_url(addr: SocketAddr, tls: bool) -> String {
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        addr.ip().to_string()
    };
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{host}:{}", addr.port())
}

/// Connects to the target, retrying while it is unreachable (a database restarting,
/// a pod started before its database), until Ctrl-C.
async fn connect_when_reachable(settings: &Settings) -> anyhow::Result<Db> {
    let mut delay = Duration::from_millis(500);
    loop {
        match Db::connect(&settings.target).await {
            Ok(db) => return Ok(db),
            Err(e) => {
                tracing::warn!(target = %settings.target_display, error = %e, "database unreachable; retrying");
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = shutdown_signal() => anyhow::bail!("stopped while waiting for the database"),
                }
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

/// Keeps each domain's health in step with its database: SERVING while the database
/// answers and every schema is at this build's version.
async fn watch_health(db: Db, served: Vec<&'static str>, reporter: HealthReporter) {
    let all = schemas::all();
    let mut last = None;
    loop {
        let ready = match upgrade::status(&db, &all).await {
            Ok(statuses) => statuses.iter().all(|s| s.state == SchemaState::UpToDate),
            Err(e) => {
                tracing::warn!(error = %e, "health check: database unreachable");
                false
            }
        };
        if last != Some(ready) {
            let status = if ready {
                ServingStatus::Serving
            } else {
                ServingStatus::NotServing
            };
            for d in &served {
                reporter.set_service_status(service_name(d), status).await;
            }
            reporter.set_service_status("", status).await;
            if !ready {
                tracing::warn!(
                    "not serving: the database is unreachable or not upgraded (run `bascule db upgrade`)"
                );
            }
            last = Some(ready);
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// One e-mail relay per served domain, sending what its outbox holds; without an SMTP
/// URL the e-mails wait in the outbox until one is set. Returns each relay's waker, by
/// domain, so that a commit that queued an e-mail sends it at once.
fn start_relays(
    db: &Db,
    served: &[&'static str],
    mail: &MailSettings,
    composers: &HashMap<&'static str, Arc<dyn Composer>>,
) -> anyhow::Result<HashMap<&'static str, RelayWaker>> {
    let mut wakers = HashMap::new();
    for domain in served {
        match Relay::from_settings(db.clone(), domain, mail)? {
            Some(mut relay) => {
                // E-mails whose recipients another domain knows are composed when sent.
                if let Some(composer) = composers.get(domain) {
                    relay = relay.with_composer(Arc::clone(composer));
                }
                wakers.insert(*domain, relay.waker());
                tokio::spawn(async move { relay.run(shutdown_signal()).await });
            }
            None => tracing::info!(domain, "no mail.smtp_url: e-mails wait in the outbox"),
        }
    }
    Ok(wakers)
}

pub async fn run(settings: &Settings, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let served = chosen(&args.domain)?;
    let listen = args
        .listen
        .clone()
        .unwrap_or_else(|| settings.server.listen.clone());
    let addr: SocketAddr = listen
        .parse()
        .with_context(|| format!("{listen:?} is not an address such as 127.0.0.1:50051"))?;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (is another bascule running there?)"))?;
    let addr = listener.local_addr()?;
    let tls = match (&settings.server.tls_cert, &settings.server.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        }),
        _ => None,
    };
    let mail = MailSettings::from_values(&settings.mail)
        .map_err(|errors| anyhow::anyhow!("invalid mail settings: {}", errors.join("; ")))?;
    let db = connect_when_reachable(settings).await?;

    let deadline = Duration::from_secs(settings.server.call_timeout_secs);
    let stock_url = settings
        .server
        .stock_url
        .clone()
        .unwrap_or_else(|| own_url(addr, tls.is_some()));
    let client_tls = ClientTls {
        ca_file: settings
            .client
            .tls_ca
            .clone()
            .or_else(|| settings.server.tls_cert.clone()),
        domain: None,
    };
    let stock_client = || -> anyhow::Result<StockServiceClient<Channel>> {
        Ok(StockServiceClient::new(lazy_channel(
            &stock_url,
            &client_tls,
            deadline,
        )?))
    };

    let url_of = |given: &Option<String>| {
        given
            .clone()
            .unwrap_or_else(|| own_url(addr, tls.is_some()))
    };
    let mut composers: HashMap<&'static str, Arc<dyn Composer>> = HashMap::new();
    composers.insert(
        "stock",
        Arc::new(bascule_stock::notify::StockComposer::new(
            FournisseursServiceClient::new(lazy_channel(
                &url_of(&settings.server.fournisseurs_url),
                &client_tls,
                deadline,
            )?),
        )),
    );
    composers.insert(
        "production",
        Arc::new(bascule_production::notify::ProductionComposer::new(
            ClientsServiceClient::new(lazy_channel(
                &url_of(&settings.server.clients_url),
                &client_tls,
                deadline,
            )?),
        )),
    );
    let wakers = start_relays(&db, &served, &mail, &composers)?;

    let (mut routes, reporter) = base_routes()?;
    for domain in &served {
        match *domain {
            "fournisseurs" => {
                let mut addresses =
                    bascule_fournisseurs::notify::MailAddresses::from_settings(&mail);
                if let Some(waker) = wakers.get("fournisseurs") {
                    addresses = addresses.with_waker(waker.clone());
                }
                routes.add_service(
                    bascule_fournisseurs::api::FournisseursApi::new(db.clone(), stock_client()?)
                        .with_mail(addresses)
                        .into_server(),
                );
            }
            "stock" => {
                routes.add_service(
                    bascule_stock::api::StockApi::new(db.clone())
                        .with_mail(bascule_stock::notify::MailAddresses::from_settings(&mail))
                        .into_server(),
                );
            }
            "production" => {
                routes.add_service(
                    bascule_production::api::ProductionApi::new(db.clone(), stock_client()?)
                        .into_server(),
                );
            }
            _ => {
                let mut addresses = bascule_clients::notify::MailAddresses::from_settings(&mail);
                if let Some(waker) = wakers.get("clients") {
                    addresses = addresses.with_waker(waker.clone());
                }
                routes.add_service(
                    bascule_clients::api::ClientsApi::new(db.clone())
                        .with_mail(addresses)
                        .into_server(),
                );
            }
        }
        reporter
            .set_service_status(service_name(domain), ServingStatus::NotServing)
            .await;
    }
    routes.add_service(bascule_mail::OutboxApi::new(db.clone(), &served).into_server());
    tokio::spawn(watch_health(db.clone(), served.clone(), reporter));

    let scheme = if tls.is_some() { "https" } else { "http" };
    println!(
        "bascule serving {} on {scheme}://{addr} (health and reflection on; Ctrl-C stops)",
        served.join(", ")
    );
    serve(listener, tls.as_ref(), routes.routes(), shutdown_signal()).await?;
    db.close().await;
    // Standard output may be gone by now (a closed pipe): the log says it instead.
    tracing::info!("bascule stopped");
    Ok(ExitCode::SUCCESS)
}
