//! `bascule db upgrade`, `bascule db status` and, for now, the demo.

use std::process::ExitCode;

use bascule_platform::db::upgrade::{self, SchemaState, SchemaStatus};
use bascule_platform::db::{Db, DbError};
use bascule_platform::settings::Settings;

use crate::schemas;

async fn connect(settings: &Settings) -> anyhow::Result<Db> {
    Db::connect(&settings.target).await.map_err(|e| match e {
        // These already name the target.
        DbError::Connect { .. } | DbError::InvalidTarget { .. } => anyhow::Error::new(e),
        other => anyhow::Error::new(other).context(format!("target {}", settings.target_display)),
    })
}

pub async fn upgrade(settings: &Settings) -> anyhow::Result<ExitCode> {
    let db = connect(settings).await?;
    let done = upgrade::upgrade(&db, &schemas::all()).await?;
    for u in &done {
        if u.from == u.to {
            println!("{:<14} version {} (up to date)", u.schema, u.to);
        } else {
            println!("{:<14} version {} -> {}", u.schema, u.from, u.to);
        }
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

fn state_text(state: SchemaState) -> &'static str {
    match state {
        SchemaState::Absent => "absent: run `bascule db upgrade`",
        SchemaState::Outdated => "outdated: run `bascule db upgrade`",
        SchemaState::UpToDate => "up to date",
        SchemaState::Newer => "newer than this bascule: upgrade bascule",
    }
}

pub fn print_table(target: &str, statuses: &[SchemaStatus]) {
    println!("target: {target}");
    println!(
        "{:<14} {:<22} {:>7} {:>7}  state",
        "schema", "database name", "version", "latest"
    );
    for s in statuses {
        let version = s.version.map_or_else(|| "-".to_owned(), |v| v.to_string());
        println!(
            "{:<14} {:<22} {:>7} {:>7}  {}",
            s.schema,
            s.database_name,
            version,
            s.latest,
            state_text(s.state)
        );
    }
}

pub async fn status(settings: &Settings, json: bool) -> anyhow::Result<ExitCode> {
    let db = connect(settings).await?;
    let statuses = upgrade::status(&db, &schemas::all()).await?;
    db.close().await;
    if json {
        let doc = serde_json::json!({ "target": settings.target_display, "schemas": statuses });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print_table(&settings.target_display, &statuses);
    }
    Ok(ExitCode::SUCCESS)
}
