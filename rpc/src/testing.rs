//! For the services' tests: a server on a real loopback socket, a channel to it, the
//! switch-over states a test needs its domain in, and the ErrorInfo of a refusal.

use bascule_platform::db::Db;
use bascule_platform::domain_state::{self, DomainState};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::service::Routes;
use tonic::transport::{Channel, Endpoint};
use tonic_types::StatusExt;

/// A server running in this process on 127.0.0.1; stops when dropped.
#[derive(Debug)]
pub struct TestServer {
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// Serves `routes` (with health, reflection and the access log) on a free port.
    pub async fn start(routes: Routes) -> TestServer {
        #[allow(clippy::expect_used)]
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port");
        #[allow(clippy::expect_used)]
        let addr = listener.local_addr().expect("bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = crate::server::serve(listener, None, routes, shutdown).await {
                tracing::error!(error = %e, "test server failed");
            }
        });
        TestServer {
            url: format!("http://{addr}"),
            stop: Some(stop),
            handle: Some(handle),
        }
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            let _ = handle.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Walks `domain` through the plan up to `to` (legacy → migrating → verified → live).
pub async fn put_domain_in(db: &Db, domain: &str, to: DomainState) {
    for step in [
        DomainState::Migrating,
        DomainState::Verified,
        DomainState::Live,
    ] {
        if step > to {
            break;
        }
        #[allow(clippy::expect_used)]
        domain_state::transition(db, domain, step, "test", Some("test setup"), None)
            .await
            .expect("a legal transition");
    }
}

/// A channel to the test server at `url`.
#[allow(clippy::expect_used)]
pub async fn connect(url: &str) -> Channel {
    Endpoint::from_shared(url.to_owned())
        .expect("a server URL")
        .connect()
        .await
        .expect("connect")
}

/// The ErrorInfo reason of a refusal; empty when it has none.
pub fn reason(status: &tonic::Status) -> String {
    status
        .get_error_details()
        .error_info()
        .map(|i| i.reason.clone())
        .unwrap_or_default()
}

/// One ErrorInfo metadata value of a refusal; empty when it has none.
pub fn metadata(status: &tonic::Status, key: &str) -> String {
    status
        .get_error_details()
        .error_info()
        .and_then(|i| i.metadata.get(key).cloned())
        .unwrap_or_default()
}
