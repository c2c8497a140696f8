//! Part of check 1: the references one domain holds into another by code resolve once
//! both are migrated. Production's orders name stock's articles and clients' customers;
//! production migrates before clients, so its customer references are checked when
//! clients switches over (and its article references when production does).

use std::collections::BTreeSet;

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder};
use bascule_platform::domain_state::{self, DomainState};

use super::outcome::Checks;

/// A column of one domain's table holding the code of another domain's record.
struct Reference {
    from: &'static str,
    table: &'static str,
    column: &'static str,
    records: &'static str,
    to: &'static str,
    to_table: &'static str,
    to_column: &'static str,
    targets: &'static str,
}

const REFERENCES: [Reference; 2] = [
    Reference {
        from: "production",
        table: "manufacturing_order",
        column: "article_code",
        records: "manufacturing orders",
        to: "stock",
        to_table: "article",
        to_column: "code",
        targets: "articles",
    },
    Reference {
        from: "production",
        table: "manufacturing_order",
        column: "customer_code",
        records: "manufacturing orders",
        to: "clients",
        to_table: "customer",
        to_column: "code",
        targets: "customers",
    },
];

/// The distinct values of `domain`'s `table`.`column` (its schema has the domain's name).
async fn distinct(
    db: &Db,
    domain: &str,
    table: &str,
    column: &str,
) -> anyhow::Result<BTreeSet<String>> {
    let schema = SchemaName::parse(domain)
        .ok_or_else(|| anyhow::anyhow!("no schema for domain {domain}"))?;
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT DISTINCT {column} FROM {} WHERE {column} IS NOT NULL",
        e.dialect().table(schema, table)
    ));
    let mut out = BTreeSet::new();
    for mut row in e.fetch(b.query(&[(column, Kind::Text)])).await? {
        out.insert(row.get(column)?);
    }
    Ok(out)
}

/// Checks the references between `domain` and the domains already migrated.
pub async fn check(db: &Db, domain: &str, checks: &mut Checks) -> anyhow::Result<()> {
    for r in REFERENCES
        .iter()
        .filter(|r| r.from == domain || r.to == domain)
    {
        let name = format!("{} of {} resolve in {}", r.column, r.records, r.to);
        let other = if r.from == domain { r.to } else { r.from };
        let state = domain_state::current(&mut db.clone(), other).await?;
        if state < DomainState::Verified {
            checks.pass(
                &name,
                format!("{other} is {state}: checked when {} switches over", r.to),
            );
            continue;
        }
        let referred = distinct(db, r.from, r.table, r.column).await?;
        let known = distinct(db, r.to, r.to_table, r.to_column).await?;
        let missing: Vec<&String> = referred.difference(&known).collect();
        if missing.is_empty() {
            checks.pass(
                &name,
                format!(
                    "the {} {} the {} name are all in {}",
                    referred.len(),
                    r.targets,
                    r.records,
                    r.to
                ),
            );
        } else {
            let shown: Vec<&str> = missing.iter().take(10).map(|s| s.as_str()).collect();
            checks.fail(
                &name,
                format!(
                    "{} {} named by {} are not in {}: {}{}",
                    missing.len(),
                    r.targets,
                    r.records,
                    r.to,
                    shown.join(", "),
                    if missing.len() > shown.len() { ", …" } else { "" }
                ),
                format!(
                    "add them to {}'s legacy source and migrate it again (or replay them), or correct the {} in {}",
                    r.to, r.records, r.from
                ),
            );
        }
    }
    Ok(())
}
