//! The reference tools, timed on the same files in the same run so that the ratios hold
//! on a noisy machine: psql's \copy, pgloader, openpyxl's read-only reader and
//! mdb-export piped into psql.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Seconds taken by a command, or why it could not run.
fn timed(mut cmd: Command) -> Result<f64, String> {
    let clock = Instant::now();
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().last().unwrap_or("failed").to_owned());
    }
    Ok(clock.elapsed().as_secs_f64())
}

fn psql(url: &str, sql: &str) -> Command {
    let mut cmd = Command::new("psql");
    cmd.args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql]);
    cmd
}

fn recreate(url: &str, table: &str, columns: &[&str]) -> Result<(), String> {
    let cols = columns
        .iter()
        .map(|c| format!("\"{c}\" text"))
        .collect::<Vec<_>>()
        .join(", ");
    timed(psql(
        url,
        &format!("DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({cols})"),
    ))
    .map(|_| ())
}

/// `psql \copy` of the CSV into a table of text columns: the floor of any CSV load.
pub fn psql_copy(url: &str, csv: &Path, columns: &[&str]) -> Result<f64, String> {
    recreate(url, "ref_copy", columns)?;
    timed(psql(
        url,
        &format!(
            "\\copy ref_copy FROM '{}' WITH (FORMAT csv, HEADER, DELIMITER ';')",
            csv.display()
        ),
    ))
}

/// pgloader loading the same CSV (Debian package pgloader).
pub fn pgloader(url: &str, csv: &Path, columns: &[&str], work: &Path) -> Result<f64, String> {
    if Command::new("pgloader").arg("--version").output().is_err() {
        return Err("pgloader is not installed (apt-get install pgloader)".into());
    }
    recreate(url, "ref_pgloader", columns)?;
    let load = format!(
        "LOAD CSV FROM '{}' ({}) INTO {url}?ref_pgloader ({}) WITH skip header = 1, fields terminated by ';', fields optionally enclosed by '\"';",
        csv.display(),
        columns.join(", "),
        columns.join(", ")
    );
    let file = work.join("ref.load");
    std::fs::write(&file, load).map_err(|e| e.to_string())?;
    let mut cmd = Command::new("pgloader");
    cmd.arg("--quiet").arg(&file);
    timed(cmd)
}

/// openpyxl's read-only reader merely iterating over the sheet's values.
pub fn openpyxl_read(xlsx: &Path, sheet: &str) -> Result<f64, String> {
    let script = format!(
        "import sys\nfrom openpyxl import load_workbook\nwb = load_workbook(sys.argv[1], read_only=True)\nn = sum(1 for _ in wb[{sheet:?}].iter_rows(values_only=True))\n"
    );
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(script).arg(xlsx);
    timed(cmd)
}

/// `mdb-export | psql \copy` of one Access table (Debian package mdbtools).
pub fn mdb_export_copy(
    url: &str,
    mdb: &Path,
    table: &str,
    columns: &[&str],
) -> Result<f64, String> {
    recreate(url, "ref_mdb", columns)?;
    let pipeline = format!(
        "mdb-export '{}' '{table}' | psql '{url}' -v ON_ERROR_STOP=1 -qc \"\\copy ref_mdb FROM STDIN WITH (FORMAT csv, HEADER)\"",
        mdb.display()
    );
    // bash, for pipefail: a failing mdb-export must fail the measurement.
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &format!("set -o pipefail; {pipeline}")]);
    timed(cmd)
}

/// The floor the database itself sets: `psql \copy` of the rows a load wrote (the entity
/// table and the crosswalk, with their indexes) back into the same tables, emptied. It
/// has no transform, rule, checksum or checkpoint to do: what remains is what the
/// target's tables cost. The tables are left as the load wrote them.
pub fn same_tables_copy(url: &str, tables: &[&str]) -> Result<f64, String> {
    let files: Vec<_> = tables
        .iter()
        .map(|t| {
            std::env::temp_dir().join(format!("bascule-floor-{}-{t}.copy", std::process::id()))
        })
        .collect();
    for (table, file) in tables.iter().zip(&files) {
        timed(psql(
            url,
            &format!(
                "\\copy {table} TO '{}' WITH (FORMAT binary)",
                file.display()
            ),
        ))?;
    }
    timed(psql(url, &format!("TRUNCATE {}", tables.join(", "))))?;
    let copies: Vec<String> = tables
        .iter()
        .zip(&files)
        .map(|(t, f)| format!("\\copy {t} FROM '{}' WITH (FORMAT binary)", f.display()))
        .collect();
    let mut cmd = Command::new("psql");
    cmd.args([url, "-v", "ON_ERROR_STOP=1", "-q"]);
    for c in &copies {
        cmd.args(["-c", c]);
    }
    let seconds = timed(cmd);
    for f in &files {
        let _ = std::fs::remove_file(f);
    }
    seconds
}
