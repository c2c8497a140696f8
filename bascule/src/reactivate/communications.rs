//! Check 3, communications at 100 %: the SMTP relay answers, and the domain's own
//! service and the services it calls report SERVING.

use std::time::Duration;

use bascule_mail::relay::check_relay;
use bascule_mail::settings::MailSettings;
use bascule_platform::db::Db;
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::settings::Settings;
use bascule_rpc::client::{ClientTls, connect};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use super::outcome::Checks;
use crate::serve::service_name;

/// The domains whose services `domain` calls (its own API calls and the e-mails it
/// composes with another domain's data).
pub fn calls(domain: &str) -> &'static [&'static str] {
    match domain {
        "fournisseurs" => &["stock"],
        "stock" => &["fournisseurs"],
        "production" => &["stock", "clients"],
        _ => &[],
    }
}

/// Where `other`'s service is: its setting, or the address the checked service runs on
/// (all domains in one process).
fn address(settings: &Settings, other: &str, own: &str) -> String {
    let given = match other {
        "stock" => &settings.server.stock_url,
        "fournisseurs" => &settings.server.fournisseurs_url,
        "clients" => &settings.server.clients_url,
        _ => &None,
    };
    given.clone().unwrap_or_else(|| own.to_owned())
}

async fn serving(url: &str, tls: &ClientTls, service: &str) -> Result<String, String> {
    let channel = connect(url, tls, Duration::from_secs(5))
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let answer = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .map_err(|s| format!("{url}: {}", s.message()))?
        .into_inner();
    if answer.status == ServingStatus::Serving as i32 {
        Ok(format!("{service} at {url} is SERVING"))
    } else {
        Err(format!(
            "{service} at {url} is {:?}",
            ServingStatus::try_from(answer.status).unwrap_or(ServingStatus::Unknown)
        ))
    }
}

pub async fn run(
    db: &Db,
    settings: &Settings,
    domain: &str,
    own: &str,
    tls: &ClientTls,
    checks: &mut Checks,
) {
    match MailSettings::from_values(&settings.mail) {
        Err(errors) => checks.fail(
            "SMTP relay answers",
            format!("invalid mail settings: {}", errors.join("; ")),
            "correct the mail.* settings (BASCULE_SMTP_URL…)",
        ),
        Ok(mail) => match &mail.smtp {
            None => checks.fail(
                "SMTP relay answers",
                "no SMTP relay is configured: e-mails would wait in the outbox",
                "set BASCULE_SMTP_URL (mail.smtp_url) for the services and for this command",
            ),
            Some(config) => checks.record(
                "SMTP relay answers",
                check_relay(config)
                    .await
                    .map(|()| format!("{} answered", config.redacted()))
                    .map_err(|e| e.to_string()),
                "check the relay's address, port, TLS mode and credentials, and that the network lets this host reach it",
            ),
        },
    }
    checks.record(
        &format!("{domain} service healthy"),
        serving(own, tls, service_name(domain)).await,
        &format!("start `bascule serve --domain {domain}` and check its log"),
    );
    for other in calls(domain) {
        // A domain the plan has not verified yet may have no service running (clients
        // in phase 3): what needs it (production's e-mails to customers) waits for it,
        // and it cannot hold this switch-over back.
        match domain_state::current(&mut db.clone(), other).await {
            Ok(state) if state < DomainState::Verified => {
                checks.pass(
                    &format!("{other} service (called by {domain})"),
                    format!(
                        "{other} is {state}: not required before it is verified; what {domain} needs from it waits until then"
                    ),
                );
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                checks.fail(
                    &format!("{other} service (called by {domain}) healthy"),
                    format!("cannot read {other}'s state: {e}"),
                    "check the target database",
                );
                continue;
            }
        }
        let url = address(settings, other, own);
        checks.record(
            &format!("{other} service (called by {domain}) healthy"),
            serving(&url, tls, service_name(other)).await,
            &format!(
                "start the {other} service, or set server.{other}_url to where it runs; {domain} calls it"
            ),
        );
    }
}
