//! Serving: health and reflection beside the domain services, optional TLS with rustls,
//! the access log, and graceful shutdown on Ctrl-C or SIGTERM.

use std::future::Future;
use std::path::PathBuf;

use tokio::net::TcpListener;
use tonic::service::{Routes, RoutesBuilder};
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Identity, Server, ServerTlsConfig};
use tonic_health::server::HealthReporter;

use crate::{AccessLogLayer, CheckPassLayer};

/// The certificate chain and private key a server presents, as PEM files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot read the TLS file {path}")]
    TlsFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot set up reflection")]
    Reflection(#[source] tonic_reflection::server::Error),
    #[error("the gRPC server failed")]
    Transport(#[from] tonic::transport::Error),
}

/// Routes with the standard health and reflection services; domain services are added
/// to the builder, and reported SERVING on the reporter once their database is ready.
pub fn base_routes() -> Result<(RoutesBuilder, HealthReporter), ServeError> {
    let (reporter, health) = tonic_health::server::health_reporter();
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(bascule_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(ServeError::Reflection)?;
    let mut routes = RoutesBuilder::default();
    routes.add_service(health).add_service(reflection);
    Ok((routes, reporter))
}

/// Serves `routes` on `listener` until `shutdown` completes, then lets requests in
/// flight finish.
pub async fn serve(
    listener: TcpListener,
    tls: Option<&TlsFiles>,
    routes: Routes,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let mut server = Server::builder();
    if let Some(files) = tls {
        let read = |path: &PathBuf| {
            std::fs::read(path).map_err(|source| ServeError::TlsFile {
                path: path.clone(),
                source,
            })
        };
        let identity = Identity::from_pem(read(&files.cert)?, read(&files.key)?);
        server = server.tls_config(ServerTlsConfig::new().identity(identity))?;
    }
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        let _ = stopping.send(());
    };
    let serving = server
        .layer(AccessLogLayer)
        .layer(CheckPassLayer)
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, signal);
    // Requests in flight get a grace period; a client that keeps its connection open
    // past it (another service's idle channel) must not hold the process forever.
    let grace = async {
        match stopped.await {
            Ok(()) => tokio::time::sleep(SHUTDOWN_GRACE).await,
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        served = serving => served?,
        () = grace => tracing::warn!(
            seconds = SHUTDOWN_GRACE.as_secs(),
            "connections still open after the grace period: closing them"
        ),
    }
    Ok(())
}

/// How long a stopping server waits for requests in flight.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Completes on Ctrl-C or, on Unix, SIGTERM (what Kubernetes sends before stopping a pod).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
