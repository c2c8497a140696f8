//! The command-line client staff use: connection options shared by every domain's
//! commands, readable errors, and exit codes scripts can rely on.

pub mod clients;
mod clients_views;
pub mod fournisseurs;
mod fournisseurs_bills;
mod fournisseurs_orders;
mod fournisseurs_suppliers;
mod fournisseurs_views;
pub mod input;
pub mod outbox;
pub mod output;
pub mod production;
mod production_views;
pub mod stock;
mod stock_commands;
mod stock_moves;
mod stock_views;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use bascule_platform::settings::Settings;
use bascule_rpc::client::{ClientTls, connect};
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;

/// Exit codes (also in docs/api.md): 0 done; 2 bad command line; 3 not found; 4 bad
/// input; 5 refused by a business rule or the switch-over state; 6 conflict (changed
/// meanwhile, already exists); 64 invalid settings; 69 service unreachable; 1 other.
pub const EXIT_NOT_FOUND: u8 = 3;
pub const EXIT_INVALID: u8 = 4;
pub const EXIT_REFUSED: u8 = 5;
pub const EXIT_CONFLICT: u8 = 6;
pub const EXIT_UNAVAILABLE: u8 = 69;

/// Options every client command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct ClientArgs {
    /// The service address (default: setting client.server, http://127.0.0.1:50051).
    #[arg(long, global = true, value_name = "URL")]
    pub server: Option<String>,
    /// CA certificate (PEM) that signed an https server's certificate.
    #[arg(long, global = true, value_name = "FILE")]
    pub tls_ca: Option<PathBuf>,
    /// The name in the server's certificate, when it is not the URL's host.
    #[arg(long, global = true, value_name = "NAME")]
    pub tls_domain: Option<String>,
    /// Seconds a call may take.
    #[arg(long, global = true, default_value_t = 10)]
    pub timeout: u64,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
}

impl ClientArgs {
    pub async fn channel(&self, settings: &Settings) -> Result<Channel, Failure> {
        let url = self
            .server
            .clone()
            .unwrap_or_else(|| settings.client.server.clone());
        let tls = ClientTls {
            ca_file: self
                .tls_ca
                .clone()
                .or_else(|| settings.client.tls_ca.clone()),
            domain: self.tls_domain.clone(),
        };
        connect(&url, &tls, Duration::from_secs(self.timeout))
            .await
            .map_err(|e| Failure::Connect(format!("{e}")))
    }
}

/// Runs a domain's command (its `execute`) on a channel to the service: success, or
/// the failure reported with the exit code scripts rely on.
pub async fn run<F, Fut>(settings: &Settings, args: &ClientArgs, execute: F) -> ExitCode
where
    F: FnOnce(Channel, bool) -> Fut,
    Fut: Future<Output = Result<(), Failure>>,
{
    let result = match args.channel(settings).await {
        Ok(channel) => execute(channel, args.json).await,
        Err(failure) => Err(failure),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

/// Why a client command failed.
#[derive(Debug)]
pub enum Failure {
    Connect(String),
    Status(Status),
    Input(String),
}

impl From<Status> for Failure {
    fn from(s: Status) -> Self {
        Failure::Status(s)
    }
}

/// Bad input found before any call.
pub fn input_error(message: impl Into<String>) -> Failure {
    Failure::Input(message.into())
}

/// Prints the failure for a person and returns the exit code for scripts.
pub fn report(failure: &Failure) -> ExitCode {
    match failure {
        Failure::Connect(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_UNAVAILABLE)
        }
        Failure::Input(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_INVALID)
        }
        Failure::Status(status) => {
            eprintln!("error: {}", describe(status));
            let code = if speaks_no_grpc(status) {
                EXIT_UNAVAILABLE
            } else {
                exit_code(status.code())
            };
            ExitCode::from(code)
        }
    }
}

fn exit_code(code: Code) -> u8 {
    match code {
        Code::NotFound => EXIT_NOT_FOUND,
        Code::InvalidArgument | Code::OutOfRange => EXIT_INVALID,
        Code::FailedPrecondition | Code::PermissionDenied => EXIT_REFUSED,
        Code::Aborted | Code::AlreadyExists => EXIT_CONFLICT,
        Code::Unavailable | Code::DeadlineExceeded => EXIT_UNAVAILABLE,
        _ => 1,
    }
}

/// The server answered, but not in gRPC over plain HTTP/2: a TLS server reached with
/// http://, or another program on that port.
fn speaks_no_grpc(status: &Status) -> bool {
    let message = status.message();
    message.contains("h2 protocol error")
        || (status.code() == Code::Unknown && message.contains("transport error"))
        || (status.code() == Code::Cancelled && message.contains("operation was canceled"))
}

/// The message, the reason and its details, and one line per bad field.
pub fn describe(status: &Status) -> String {
    let mut text = match status.code() {
        _ if speaks_no_grpc(status) => format!(
            "the server at this address does not answer plain gRPC ({}): if it uses TLS, \
             use an https:// address and --tls-ca",
            status.message()
        ),
        Code::Unavailable if status.message().contains("connect") => format!(
            "the service cannot be reached ({}): is `bascule serve` running?",
            status.message()
        ),
        Code::DeadlineExceeded => {
            "the service did not answer in time (--timeout to wait longer)".to_owned()
        }
        _ => status.message().to_owned(),
    };
    let details = status.get_error_details();
    if let Some(info) = details.error_info() {
        let mut metadata: Vec<String> = info
            .metadata
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        metadata.sort();
        text.push_str(&format!("\n  reason: {}", info.reason));
        if !metadata.is_empty() {
            text.push_str(&format!(" ({})", metadata.join(", ")));
        }
    }
    if let Some(bad) = details.bad_request() {
        for v in bad
            .field_violations
            .iter()
            .filter(|v| !status.message().contains(&v.description))
        {
            text.push_str(&format!("\n  {}: {}", v.field, v.description));
        }
    }
    text
}

/// Who is acting, for the records that keep a user name: --user, else $BASCULE_USER,
/// else the login name.
pub fn user_name(given: Option<&str>) -> String {
    given
        .map(str::to_owned)
        .or_else(|| std::env::var("BASCULE_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A fresh request id, so that a create retried by hand with `--request-id` is applied once.
pub fn request_id(given: Option<&str>) -> String {
    given
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// Paging options of every `list` command.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// AIP-160 filter, for example 'kind = RAW_MATERIAL AND name:"acier"' (docs/api.md).
    #[arg(long)]
    pub filter: Option<String>,
    /// A field, optionally followed by desc: 'create_time desc'.
    #[arg(long)]
    pub order_by: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub page_size: i32,
    /// Continue from a previous page.
    #[arg(long)]
    pub page_token: Option<String>,
    /// Fetch every page.
    #[arg(long)]
    pub all: bool,
}

impl ListArgs {
    pub fn filter(&self) -> String {
        self.filter.clone().unwrap_or_default()
    }

    pub fn order_by(&self) -> String {
        self.order_by.clone().unwrap_or_default()
    }

    /// One page, or every page with `--all`; returns the items and the next token.
    pub async fn fetch<T>(
        &self,
        mut page: impl AsyncFnMut(String) -> Result<(Vec<T>, String), Status>,
    ) -> Result<(Vec<T>, String), Failure> {
        let mut items = Vec::new();
        let mut token = self.page_token.clone().unwrap_or_default();
        loop {
            let (mut got, next) = page(token).await?;
            items.append(&mut got);
            if !self.all || next.is_empty() {
                return Ok((items, next));
            }
            token = next;
        }
    }
}
