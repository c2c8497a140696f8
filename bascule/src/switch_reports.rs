//! The reports of the switch-over's steps (reactivation, retirement): kept in the
//! control schema, where a domain transition names them, and written as files.

use std::path::Path;

use anyhow::Context as _;
use bascule_platform::db::record::now;
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Exec, SqlBuilder};
use serde::Serialize;

/// Keeps report `id` of `domain` (its `kind` and JSON `content`) in `control.report`.
pub async fn store(
    e: &mut impl Exec,
    id: &str,
    domain: &str,
    kind: &str,
    run_id: Option<&str>,
    content: &str,
) -> anyhow::Result<()> {
    let at = now();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "INSERT INTO {} (id, revision, created_at, updated_at, domain, kind, run_id, content) VALUES (",
        e.dialect().table(SchemaName::Control, "report")
    ))
    .bind(id)
    .push(", ")
    .bind(1_i64)
    .push(", ")
    .bind(at)
    .push(", ")
    .bind(at)
    .push(", ")
    .bind(domain)
    .push(", ")
    .bind(kind)
    .push(", ")
    .bind(run_id.map(str::to_owned))
    .push(", ")
    .bind(content)
    .push(")");
    e.execute(b.statement()).await?;
    Ok(())
}

/// Writes `report` as pretty JSON at `path`, creating its folder.
pub fn write_json(path: &Path, report: &impl Serialize) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, serde_json::to_string_pretty(report)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))
}
