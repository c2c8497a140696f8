//! Channels to a bascule service, for the command-line client and for calls between
//! domains: a deadline on every call, TLS with rustls when the URL is https.

use std::path::PathBuf;
use std::time::Duration;

use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

/// How a client trusts an https server: a CA certificate file (PEM), and the name to
/// check the certificate against when the URL's host is not it.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    pub ca_file: Option<PathBuf>,
    pub domain: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{url:?} is not a server address such as http://127.0.0.1:50051")]
    BadUrl {
        url: String,
        #[source]
        source: tonic::transport::Error,
    },
    #[error("{url} uses https: give the CA certificate that signed the server's (--tls-ca FILE)")]
    MissingCa { url: String },
    #[error("cannot read the CA certificate {path}")]
    CaFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot set up TLS")]
    Tls(#[source] tonic::transport::Error),
    #[error("cannot connect to {url}: is the service running?")]
    Connect {
        url: String,
        #[source]
        source: tonic::transport::Error,
    },
}

/// An endpoint whose every call has `deadline` to complete.
pub fn endpoint(url: &str, tls: &ClientTls, deadline: Duration) -> Result<Endpoint, ClientError> {
    let mut endpoint = Endpoint::from_shared(url.to_owned())
        .map_err(|source| ClientError::BadUrl {
            url: url.to_owned(),
            source,
        })?
        .timeout(deadline)
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true);
    if url.starts_with("https://") {
        let path = tls.ca_file.clone().ok_or_else(|| ClientError::MissingCa {
            url: url.to_owned(),
        })?;
        let pem = std::fs::read(&path).map_err(|source| ClientError::CaFile { path, source })?;
        let mut config = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem));
        if let Some(domain) = &tls.domain {
            config = config.domain_name(domain.clone());
        }
        endpoint = endpoint.tls_config(config).map_err(ClientError::Tls)?;
    }
    Ok(endpoint)
}

/// A channel that connects on first use and reconnects after failures, so that a service
/// can start before the services it calls.
pub fn lazy_channel(
    url: &str,
    tls: &ClientTls,
    deadline: Duration,
) -> Result<Channel, ClientError> {
    Ok(endpoint(url, tls, deadline)?.connect_lazy())
}

/// A channel connected now, so that a wrong address fails at once with a clear message.
pub async fn connect(
    url: &str,
    tls: &ClientTls,
    deadline: Duration,
) -> Result<Channel, ClientError> {
    endpoint(url, tls, deadline)?
        .connect()
        .await
        .map_err(|source| ClientError::Connect {
            url: url.to_owned(),
            source,
        })
}
