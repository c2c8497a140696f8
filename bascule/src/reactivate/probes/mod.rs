//! What each domain's service is asked during a reactivation: its data listed and read
//! back (check 1), and its main operations carried out on records made for the purpose
//! and removed afterwards (check 2).

pub mod clients;
pub mod fournisseurs;
pub mod production;
pub mod stock;

use bascule_platform::check_token::CHECK_TOKEN_HEADER;
use bascule_platform::db::purge::Seed;
use tonic::metadata::MetadataValue;
use tonic::{Request, Status};

use super::outcome::Checks;

/// Adds the reactivation pass to every request, so that the gate of the verified
/// domain lets the check's writes through.
#[derive(Debug, Clone)]
pub struct Pass(MetadataValue<tonic::metadata::Ascii>);

impl Pass {
    pub fn new(token: &str) -> anyhow::Result<Self> {
        Ok(Pass(token.parse().map_err(|_| {
            anyhow::anyhow!("the reactivation pass is not valid metadata")
        })?))
    }
}

impl tonic::service::Interceptor for Pass {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request
            .metadata_mut()
            .insert(CHECK_TOKEN_HEADER, self.0.clone());
        Ok(request)
    }
}

/// A failed call as a person reads it: the status code and message.
pub fn said(status: &Status) -> String {
    format!("{:?}: {}", status.code(), status.message())
}

/// Check 1's part on the service: the first page of a list answers, holds rows when the
/// table has rows, and its first item can be read back by its key.
pub fn listed(
    checks: &mut Checks,
    what: &str,
    rows_in_db: i64,
    page: Result<Vec<String>, Status>,
    read_back: Option<Result<(), Status>>,
) {
    let name = format!("{what} answer through the service");
    let remedy =
        "start the service (`bascule serve --domain …`) against this target and check its log";
    match page {
        Err(status) => checks.fail(&name, format!("listing failed: {}", said(&status)), remedy),
        Ok(keys) if keys.is_empty() && rows_in_db > 0 => checks.fail(
            &name,
            format!("the target holds {rows_in_db} rows but the service lists none"),
            "check that the service and this command use the same target database",
        ),
        Ok(keys) => match (keys.first(), read_back) {
            (Some(key), Some(Err(status))) => checks.fail(
                &name,
                format!("{key} is listed but cannot be read: {}", said(&status)),
                remedy,
            ),
            (Some(key), _) => checks.pass(
                &name,
                format!("{rows_in_db} in the target; first page listed, {key} read back"),
            ),
            (None, _) => checks.pass(&name, "none in the target, none listed"),
        },
    }
}

/// What a domain's functional checks leave to remove: rows found by a column's value,
/// whether or not the step that creates them was reached.
pub type Created = Vec<Seed>;
