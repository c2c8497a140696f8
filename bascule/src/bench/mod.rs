//! `bascule bench`: loads generated and real files through the whole engine (transforms,
//! rules, domain constructor, quarantine, checkpoints, reconciliation) into PostgreSQL and
//! SQLite, times the reference tools on the same files, and prints the figures.

mod child;
mod data;
pub mod entity;
mod reference;

use std::path::{Path, PathBuf};
use std::process::Command;

use bascule_platform::db::Target;
use bascule_platform::testing::Scratch;

pub use child::{Measured, load as child_load};

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub csv_rows: u64,
    pub xlsx_rows: u64,
    /// Also load a CSV this large into PostgreSQL to check that memory stays flat.
    pub memory_rows: Option<u64>,
    pub access_file: PathBuf,
    pub batch_size: usize,
    pub work_dir: Option<PathBuf>,
}

struct Line {
    case: String,
    measured: Option<Measured>,
    bytes: u64,
    reference: Option<(String, Result<f64, String>)>,
    /// The least acceptable ratio of our rows/s to the reference's.
    target: Option<f64>,
    error: Option<String>,
}

fn mapping_file(work: &Path, name: &str, text: &str) -> std::io::Result<PathBuf> {
    let path = work.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Runs one load in a child process against a fresh database.
async fn measured_load(
    target_kind: &str,
    mapping: &Path,
    source_dir: &Path,
    batch: usize,
) -> Result<Measured, String> {
    measured_load_with_floor(
        target_kind,
        mapping,
        source_dir,
        batch,
        None,
        &mut Vec::new(),
    )
    .await
}

/// [`measured_load`], then on PostgreSQL the database's own floor for the same rows:
/// [`reference::same_tables_copy`] of `floor_tables`, which the load filled, added to
/// `floors` as a line named `label`.
async fn measured_load_with_floor(
    target_kind: &str,
    mapping: &Path,
    source_dir: &Path,
    batch: usize,
    floor: Option<(&'static [&'static str], &str, u64)>,
    floors: &mut Vec<Line>,
) -> Result<Measured, String> {
    let scratch = match target_kind {
        "postgres" => Scratch::postgres().await.map_err(|e| e.to_string())?,
        _ => Scratch::sqlite(),
    };
    let url = match &scratch.target {
        Target::Postgres { url } => url.clone(),
        Target::Sqlite { dir } => format!("sqlite://{}", dir.display()),
        Target::Oracle { .. } => return Err("not a benchmark target".into()),
    };
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = tokio::task::spawn_blocking({
        let (mapping, source_dir, url) =
            (mapping.to_path_buf(), source_dir.to_path_buf(), url.clone());
        move || {
            Command::new(exe)
                .args([
                    "--log-level",
                    "warn",
                    "bench-load",
                    "--target",
                    &url,
                    "--batch-size",
                    &batch.to_string(),
                ])
                .arg("--mapping")
                .arg(&mapping)
                .arg("--source-dir")
                .arg(&source_dir)
                .output()
        }
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let floor_seconds = match (floor, out.status.success(), target_kind) {
        (Some((tables, ..)), true, "postgres") => {
            let url = url.clone();
            tokio::task::spawn_blocking(move || reference::same_tables_copy(&url, tables))
                .await
                .ok()
        }
        _ => None,
    };
    let _ = scratch.remove().await;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    let measured: Measured = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stdout)))?;
    if let (Some((_, label, bytes)), Some(seconds)) = (floor, floor_seconds) {
        floors.push(floor_line(label, &measured, bytes, seconds));
    }
    Ok(measured)
}

/// The tables a benchmark load into PostgreSQL fills, for the floor reference: from the
/// generated CSV and workbook, and from the Access file.
const FLOOR_TABLES: [&str; 2] = ["stock.bench_item", "control.crosswalk"];
const ACCESS_FLOOR_TABLES: [&str; 2] = ["stock.bench_progress", "control.crosswalk"];

/// A line comparing a load with the database's floor for the same rows: informative,
/// no target (the targets are against the tools above).
fn floor_line(label: &str, m: &Measured, bytes: u64, floor: Result<f64, String>) -> Line {
    Line {
        case: label.into(),
        measured: Some(m.clone()),
        bytes,
        reference: Some(("same tables \\copy".into(), floor)),
        target: None,
        error: None,
    }
}

fn rate(rows: u64, seconds: f64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    if seconds > 0.0 {
        rows as f64 / seconds
    } else {
        0.0
    }
}

fn print(lines: &[Line]) -> bool {
    let mut ok = true;
    println!(
        "{:<26} {:>10} {:>8} {:>11} {:>7} {:>8}  {:<22} {:>11} {:>7}  verdict",
        "case", "rows", "seconds", "rows/s", "MB/s", "peak MB", "reference", "ref rows/s", "ratio"
    );
    for l in lines {
        let Some(m) = &l.measured else {
            println!(
                "{:<26} not measured: {}",
                l.case,
                l.error.clone().unwrap_or_default()
            );
            continue;
        };
        let rows = m.read;
        let ours = rate(rows, m.seconds);
        #[allow(clippy::cast_precision_loss)]
        let mbps = l.bytes as f64 / 1e6 / m.seconds.max(1e-9);
        #[allow(clippy::cast_precision_loss)]
        let peak = m.peak_rss_kb as f64 / 1024.0;
        let (name, ref_rate, ratio) = match &l.reference {
            Some((name, Ok(secs))) => {
                let r = rate(rows, *secs);
                (
                    format!("{name} {secs:.2} s"),
                    format!("{r:.0}"),
                    Some(ours / r.max(1e-9)),
                )
            }
            Some((name, Err(e))) => (format!("{name}: {e}"), "-".into(), None),
            None => ("-".into(), "-".into(), None),
        };
        let verdict = match (ratio, l.target) {
            (Some(r), Some(t)) if r >= t => format!("PASS (>= {t})"),
            (Some(_), Some(t)) => {
                ok = false;
                format!("FAIL (< {t})")
            }
            _ => {
                if m.reconciled {
                    "reconciled".into()
                } else {
                    "NOT RECONCILED".into()
                }
            }
        };
        if !m.reconciled {
            ok = false;
        }
        let ratio = ratio.map_or("-".into(), |r| format!("{r:.2}"));
        println!(
            "{:<26} {:>10} {:>8.2} {:>11.0} {:>7.1} {:>8.1}  {:<22} {:>11} {:>7}  {verdict}",
            l.case, rows, m.seconds, ours, mbps, peak, name, ref_rate, ratio
        );
    }
    ok
}

/// Runs the whole benchmark; false when a target was missed.
pub async fn run(options: &BenchOptions) -> anyhow::Result<bool> {
    let work = match &options.work_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("bascule-bench-{}", std::process::id())),
    };
    std::fs::create_dir_all(&work)?;
    let reference_db = Scratch::postgres().await?;
    let Target::Postgres { url: ref_url } = &reference_db.target else {
        anyhow::bail!("reference database is not PostgreSQL")
    };
    let ref_url = ref_url.clone();
    let mut lines = Vec::new();
    let batch = options.batch_size;

    eprintln!("generating {} CSV rows…", options.csv_rows);
    let csv = work.join("items.csv");
    let bytes = data::write_csv(&csv, options.csv_rows)?;
    let mapping = mapping_file(
        &work,
        "items-csv.toml",
        &entity::item_mapping("items.csv", "items"),
    )?;
    let mut floors = Vec::new();
    for (kind, label) in [
        ("postgres", "CSV -> PostgreSQL"),
        ("sqlite", "CSV -> SQLite"),
    ] {
        eprintln!("{label}…");
        let measured = measured_load_with_floor(
            kind,
            &mapping,
            &work,
            batch,
            Some((&FLOOR_TABLES, label, bytes)),
            &mut floors,
        )
        .await;
        let reference = (kind == "postgres").then(|| {
            (
                "psql \\copy".to_owned(),
                reference::psql_copy(&ref_url, &csv, &data::HEADER),
            )
        });
        lines.push(Line {
            case: label.into(),
            bytes,
            error: measured.as_ref().err().cloned(),
            measured: measured.ok(),
            reference,
            target: (kind == "postgres").then_some(0.6),
        });
    }
    lines.append(&mut floors);
    if let Some(Line {
        measured: Some(m), ..
    }) = lines.first()
    {
        let m = m.clone();
        eprintln!("pgloader…");
        lines.push(Line {
            case: "CSV -> PostgreSQL".into(),
            bytes,
            measured: Some(m),
            reference: Some((
                "pgloader".into(),
                reference::pgloader(&ref_url, &csv, &data::HEADER, &work),
            )),
            target: Some(10.0),
            error: None,
        });
    }

    eprintln!(
        "generating {} workbook rows with openpyxl…",
        options.xlsx_rows
    );
    let xlsx = work.join("items.xlsx");
    match data::write_xlsx(&xlsx, options.xlsx_rows) {
        Ok(xbytes) => {
            let mapping = mapping_file(
                &work,
                "items-xlsx.toml",
                &entity::item_mapping("items.xlsx", "Articles"),
            )?;
            for (kind, label) in [
                ("postgres", "xlsx -> PostgreSQL"),
                ("sqlite", "xlsx -> SQLite"),
            ] {
                eprintln!("{label}…");
                let measured = measured_load(kind, &mapping, &work, batch).await;
                let reference = (kind == "postgres").then(|| {
                    (
                        "openpyxl read-only".to_owned(),
                        reference::openpyxl_read(&xlsx, "Articles"),
                    )
                });
                lines.push(Line {
                    case: label.into(),
                    bytes: xbytes,
                    error: measured.as_ref().err().cloned(),
                    measured: measured.ok(),
                    reference,
                    target: (kind == "postgres").then_some(5.0),
                });
            }
        }
        Err(e) => lines.push(Line {
            case: "xlsx".into(),
            bytes: 0,
            measured: None,
            reference: None,
            target: None,
            error: Some(e),
        }),
    }

    if options.access_file.exists() {
        let dir = options.access_file.parent().unwrap_or(Path::new("."));
        let file = options
            .access_file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let abytes = std::fs::metadata(&options.access_file)?.len();
        let mapping = mapping_file(&work, "progress-mdb.toml", &entity::progress_mapping(&file))?;
        let columns = [
            "n", "of", "date", "good", "scrap", "operator", "station", "note",
        ];
        for (kind, label) in [
            ("postgres", "Access -> PostgreSQL"),
            ("sqlite", "Access -> SQLite"),
        ] {
            eprintln!("{label}…");
            let measured = measured_load_with_floor(
                kind,
                &mapping,
                dir,
                batch,
                Some((&ACCESS_FLOOR_TABLES, label, abytes)),
                &mut floors,
            )
            .await;
            let reference = (kind == "postgres").then(|| {
                (
                    "mdb-export | psql".to_owned(),
                    reference::mdb_export_copy(
                        &ref_url,
                        &options.access_file,
                        "SuiviProduction",
                        &columns,
                    ),
                )
            });
            lines.push(Line {
                case: label.into(),
                bytes: abytes,
                error: measured.as_ref().err().cloned(),
                measured: measured.ok(),
                reference,
                target: (kind == "postgres").then_some(5.0),
            });
        }
    } else {
        lines.push(Line {
            case: "Access".into(),
            bytes: 0,
            measured: None,
            reference: None,
            target: None,
            error: Some(format!("{} not found", options.access_file.display())),
        });
    }

    if let Some(rows) = options.memory_rows {
        eprintln!("generating {rows} CSV rows for the memory check…");
        let big = work.join("big.csv");
        let bytes = data::write_csv(&big, rows)?;
        let mapping = mapping_file(
            &work,
            "big-csv.toml",
            &entity::item_mapping("big.csv", "big"),
        )?;
        eprintln!("big CSV -> PostgreSQL…");
        let measured = measured_load("postgres", &mapping, &work, batch).await;
        if let Ok(m) = &measured {
            #[allow(clippy::cast_precision_loss)]
            let peak = m.peak_rss_kb as f64 / 1024.0;
            eprintln!("peak memory at {rows} rows: {peak:.1} MB (target < 150 MB)");
        }
        lines.push(Line {
            case: format!("{rows} CSV rows -> PG"),
            bytes,
            error: measured.as_ref().err().cloned(),
            measured: measured.ok(),
            reference: None,
            target: None,
        });
    }
    lines.append(&mut floors);
    let _ = reference_db.remove().await;
    // A directory the user named keeps the generated files, to load them again.
    if options.work_dir.is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    println!();
    Ok(print(&lines))
}
