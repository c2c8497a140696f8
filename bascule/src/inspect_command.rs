//! `bascule inspect SOURCE`: what a legacy file or database holds, and a draft mapping.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use bascule_migrate::engine::plan::{Location, PlannedSource, kind_of};
use bascule_migrate::engine::source_thread::open;
use bascule_migrate::inspect::{InspectOptions, draft_mapping, inspect, render_text};
use bascule_migrate::source::{OpenOptions, SourceKind};

#[derive(Debug, Clone)]
pub struct InspectArgs {
    pub source: String,
    pub header_row: Option<u32>,
    pub password: Option<String>,
    pub rows: usize,
    pub json: bool,
    pub draft_mapping: Option<PathBuf>,
    pub domain: String,
}

fn planned(args: &InspectArgs) -> anyhow::Result<PlannedSource> {
    let open = OpenOptions {
        password: args.password.clone(),
        ..OpenOptions::default()
    };
    let (location, kind) = if args.source.starts_with("postgres://")
        || args.source.starts_with("postgresql://")
    {
        (Location::Url(args.source.clone()), SourceKind::Postgres)
    } else if args.source.starts_with("oracle://") {
        (Location::Url(args.source.clone()), SourceKind::Oracle)
    } else {
        let path = PathBuf::from(&args.source);
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
        let kind = kind_of(&path).with_context(|| {
            format!("cannot tell what {} is from its extension (csv, xlsx, xls, xlsb, ods, mdb, accdb, sql, dump)", path.display())
        })?;
        (Location::File(path), kind)
    };
    Ok(PlannedSource {
        name: "legacy".into(),
        location,
        kind,
        open,
    })
}

pub async fn run(args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let source = planned(args)?;
    let options = InspectOptions {
        sample_rows: args.rows,
        header_row: args.header_row,
        ..InspectOptions::default()
    };
    let profile = tokio::task::spawn_blocking(move || {
        let mut opened = open(&source)?;
        inspect(opened.as_mut(), &options)
    })
    .await??;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&profile)?);
    } else {
        print!("{}", render_text(&profile));
    }
    if let Some(file) = &args.draft_mapping {
        let path = Path::new(&args.source);
        let shown = path
            .file_name()
            .map_or_else(|| args.source.clone(), |f| f.to_string_lossy().into_owned());
        std::fs::write(
            file,
            draft_mapping(&profile, "legacy", &shown, &args.domain),
        )
        .with_context(|| format!("cannot write {}", file.display()))?;
        eprintln!(
            "draft mapping written to {}: set each feed's entity, then check it with `bascule migrate --dry-run`",
            file.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
