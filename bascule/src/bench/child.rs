//! One measured load, in a process of its own so that its peak memory is its own:
//! `bascule bench-load` prints one JSON line with the figures.

use std::path::Path;
use std::time::Instant;

use bascule_migrate::engine::plan::compile;
use bascule_migrate::engine::run::{RunOptions, run};
use bascule_platform::control;
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, Target};
use serde::{Deserialize, Serialize};

use super::entity::{SCHEMA, catalog};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measured {
    pub read: u64,
    pub loaded: u64,
    pub quarantined: u64,
    pub seconds: f64,
    pub peak_rss_kb: u64,
    pub reconciled: bool,
}

/// The process's peak resident memory (VmHWM), in KiB.
pub fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

pub async fn load(
    target: &Target,
    mapping: &Path,
    source_dir: &Path,
    batch_size: usize,
) -> anyhow::Result<Measured> {
    let db = Db::connect(target).await?;
    upgrade(&db, &[control::schema(), SCHEMA.clone()]).await?;
    let text = std::fs::read_to_string(mapping)?;
    let plan = compile(
        &mapping.display().to_string(),
        &text,
        source_dir,
        &catalog(),
    )?;
    let clock = Instant::now();
    let options = RunOptions {
        batch_size,
        target_display: target.redacted(),
        ..RunOptions::default()
    };
    let report = run(&db, &plan, &catalog(), &options).await?;
    let seconds = clock.elapsed().as_secs_f64();
    db.close().await;
    let t = report
        .tables
        .first()
        .ok_or_else(|| anyhow::anyhow!("the run read no table"))?;
    Ok(Measured {
        read: t.read,
        loaded: t.loaded,
        quarantined: t.quarantined,
        seconds,
        peak_rss_kb: peak_rss_kb(),
        reconciled: report.reconciled,
    })
}
