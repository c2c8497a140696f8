//! `bascule rollback DOMAIN`: takes a migrating or verified domain back to its legacy
//! system, removing what was migrated (its tables' rows, crosswalk, checkpoints,
//! quarantine, fingerprints) in one transaction with the transition to LEGACY. The
//! migration runs stay, as history.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use bascule_migrate::engine::fingerprint_store;
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::upgrade::ensure_current;
use bascule_platform::db::{Db, Exec, SqlBuilder};
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::settings::Settings;

use crate::migrate_commands::{load_plan, looked_up_domains, user};
use crate::{domains, schemas};

/// The tables in an order that deletes every row before the rows it refers to.
fn deletion_order(tables: &[TableDef]) -> Vec<&TableDef> {
    let mut left: Vec<&TableDef> = tables.iter().collect();
    let mut out = Vec::new();
    while !left.is_empty() {
        let free = left.iter().position(|t| {
            !left.iter().any(|other| {
                other.name != t.name && other.foreign_keys.iter().any(|fk| fk.references == t.name)
            })
        });
        // A cycle of references cannot be ordered: the rest goes as it is, and the
        // transaction fails with the database's message rather than leave rows behind.
        let next = free.unwrap_or(0);
        out.push(left.remove(next));
    }
    out
}

/// Refuses while a later domain whose mapping looks keys up in `domain` is migrated:
/// its rows refer to what the rollback would remove.
async fn check_dependents(db: &Db, domain: &str) -> anyhow::Result<()> {
    for other in domains::PLAN_ORDER.iter().filter(|d| d.name != domain) {
        // Only the built-in mapping's lookups are known here; its paths are not read.
        let plan = load_plan(other, None, Path::new("."))?;
        if !looked_up_domains(&plan).contains(&domain) {
            continue;
        }
        let state = domain_state::current(&mut db.clone(), other.name).await?;
        match state {
            DomainState::Legacy => {}
            DomainState::Migrating | DomainState::Verified => bail!(
                "{} is {state} and its data refers to {domain}: roll back {} first (bascule rollback {})",
                other.name,
                other.name,
                other.name
            ),
            DomainState::Live | DomainState::Retired => bail!(
                "{} is {state} and its data refers to {domain}: {domain} cannot be rolled back any more",
                other.name
            ),
        }
    }
    Ok(())
}

pub async fn run(
    settings: &Settings,
    name: &str,
    reason: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let domain = domains::find(name)
        .ok_or_else(|| anyhow::anyhow!("unknown domain {name}: one of {}", domains::names()))?;
    let schema_name = SchemaName::parse(domain.name)
        .ok_or_else(|| anyhow::anyhow!("{name} has no schema of its own"))?;
    let db = Db::connect(&settings.target).await?;
    ensure_current(&db, &schemas::all()).await?;
    let state = domain_state::current(&mut db.clone(), name).await?;
    match state {
        DomainState::Legacy => bail!("{name} is on its legacy system: nothing to roll back"),
        DomainState::Live | DomainState::Retired => bail!(
            "{name} is {state}: a live domain is not rolled back; its legacy systems may be out of date"
        ),
        DomainState::Migrating | DomainState::Verified => {}
    }
    check_dependents(&db, name).await?;
    let schema = schemas::all()
        .into_iter()
        .find(|s| s.name == schema_name)
        .ok_or_else(|| anyhow::anyhow!("no schema for {name}"))?;

    let mut tx = db.begin().await?;
    let d = tx.dialect();
    let mut removed: Vec<(String, u64)> = Vec::new();
    for table in deletion_order(schema.tables()) {
        let t = d.table(schema_name, table.name);
        let n = tx
            .execute(bascule_platform::db::Statement::new(
                format!("DELETE FROM {t}"),
                Vec::new(),
            ))
            .await?;
        removed.push((format!("{}.{}", schema_name.as_str(), table.name), n));
    }
    let control = |t: &str| d.table(SchemaName::Control, t);
    let runs = format!(
        "SELECT id FROM {} WHERE domain = ",
        control("migration_run")
    );
    // (what, the statement up to the domain, what follows the domain)
    let steps = [
        (
            "control.checkpoint",
            format!(
                "DELETE FROM {} WHERE run_id IN ({runs}",
                control("checkpoint")
            ),
            ")",
        ),
        (
            "control.quarantine",
            format!("DELETE FROM {} WHERE domain = ", control("quarantine")),
            "",
        ),
        (
            "control.crosswalk",
            format!("DELETE FROM {} WHERE domain = ", control("crosswalk")),
            "",
        ),
    ];
    for (label, sql, tail) in steps {
        let mut b = SqlBuilder::new(d);
        b.push(&sql).bind(name).push(tail);
        let n = tx.execute(b.statement()).await?;
        removed.push((label.to_owned(), n));
    }
    let fingerprints = fingerprint_store::remove(&mut tx, name).await?;
    removed.push(("control.legacy_record".to_owned(), fingerprints));
    domain_state::transition_in(
        &mut tx,
        name,
        DomainState::Legacy,
        &user(),
        Some(reason.unwrap_or("bascule rollback")),
        None,
    )
    .await?;
    tx.commit().await?;
    db.close().await;

    println!("{name} rolled back from {state} to legacy; removed:");
    for (table, n) in &removed {
        println!("  {table:<40} {n:>9} rows");
    }
    println!(
        "the migration runs of {name} stay, as history; to migrate it again: bascule migrate {name}"
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_before_the_rows_they_refer_to() {
        let schema = bascule_fournisseurs::storage::schema();
        let order: Vec<&str> = deletion_order(schema.tables())
            .iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(order.len(), schema.tables().len());
        for table in schema.tables() {
            let at = order.iter().position(|n| *n == table.name);
            for fk in &table.foreign_keys {
                let target = order.iter().position(|n| *n == fk.references);
                assert!(at < target, "{} before {}", table.name, fk.references);
            }
        }
    }
}
