//! Check 1, data integrity and availability: the latest migration run reconciled, its
//! quarantine empty or accepted, and the domain's data answering through its service.

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder};

use super::outcome::Checks;
use crate::plan_command::{last_run, quarantined};

/// The checks on the control schema: the run and its quarantine.
pub async fn run_and_quarantine(
    db: &Db,
    domain: &str,
    checks: &mut Checks,
) -> anyhow::Result<Option<String>> {
    let run = last_run(db, domain).await?;
    match run.as_ref().map(|r| (&r.id, &r.status)) {
        Some((id, status)) if status == "SUCCEEDED" => checks.pass(
            "latest migration run reconciled",
            format!("run {id}: every table balanced and every checksum matched"),
        ),
        Some((id, status)) => checks.fail(
            "latest migration run reconciled",
            format!("run {id} is {status}"),
            format!(
                "read the run's report, fix the cause and run `bascule migrate {domain}` again until it reconciles"
            ),
        ),
        None => checks.fail(
            "latest migration run reconciled",
            "the domain has no migration run",
            format!("run `bascule migrate {domain}`"),
        ),
    }
    let open = quarantined(db, domain, "OPEN").await?;
    let accepted = quarantined(db, domain, "ACCEPTED").await?;
    if open == 0 {
        checks.pass(
            "quarantine empty or accepted",
            format!("no open quarantined record ({accepted} accepted)"),
        );
    } else {
        checks.fail(
            "quarantine empty or accepted",
            format!("{open} quarantined records are neither replayed nor accepted ({accepted} accepted)"),
            format!(
                "correct and replay them (`bascule rejects export --domain {domain} -o F`, then `bascule migrate {domain} --replay-rejects F`), or accept those that may stay out (`bascule rejects accept --domain {domain} --rule RULE --reason …`)"
            ),
        );
    }
    Ok(run.map(|r| r.id))
}

/// Rows of a domain table, for comparing with what the service answers.
pub async fn table_rows(db: &Db, schema: SchemaName, table: &str) -> anyhow::Result<i64> {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT COUNT(*) AS n FROM {}",
        e.dialect().table(schema, table)
    ));
    Ok(
        match e.fetch_optional(b.query(&[("n", Kind::Int)])).await? {
            Some(mut row) => row.get("n")?,
            None => 0,
        },
    )
}
