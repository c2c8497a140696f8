//! mdbtools (Debian's `mdb-tables` and `mdb-export`) as the reference the Access source is
//! compared with; each call has a time limit, and a failure says why.

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bascule_migrate::source::Cell;

/// Runs a command with a time limit of 60 s: its standard output, or why it failed.
pub fn run(program: &str, args: &[&OsStr]) -> Result<Vec<u8>, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{program} cannot run: {e}"))?;
    let mut stdout = child.stdout.take().expect("stdout");
    let reading = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{program} took more than 60 s"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = reading
        .join()
        .expect("reader thread")
        .map_err(|e| e.to_string())?;
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    if !status.success() {
        return Err(format!("{program} failed ({status}): {}", err.trim()));
    }
    Ok(out)
}

/// The user tables `mdb-tables -1` lists, MSys* left out as the Access source does.
pub fn mdb_tables(path: &Path) -> Result<Vec<String>, String> {
    let out = run("mdb-tables", &["-1".as_ref(), path.as_os_str()])?;
    let text = String::from_utf8(out).map_err(|e| format!("mdb-tables output: {e}"))?;
    let user = |l: &&str| !l.is_empty() && !l.to_ascii_lowercase().starts_with("msys");
    Ok(text.lines().filter(user).map(str::to_string).collect())
}

/// The records `mdb-export` writes for a table, parsed as CSV since memos hold line breaks;
/// as bytes, since binary columns are not text.
pub fn mdb_export(path: &Path, table: &str) -> Result<Vec<csv::ByteRecord>, String> {
    let format = "%Y-%m-%d %H:%M:%S";
    let out = run(
        "mdb-export",
        &[
            "-T".as_ref(),
            format.as_ref(),
            path.as_os_str(),
            table.as_ref(),
        ],
    )?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(out.as_slice());
    let records = reader.byte_records().collect::<Result<Vec<_>, _>>();
    records.map_err(|e| format!("mdb-export output of {table} is not CSV: {e}"))
}

/// A cell as mdb-export shows it; `None` for a date, which it cannot show before 1900.
pub fn shown(cell: &Cell) -> Option<String> {
    match cell {
        Cell::DateTime(_) => None,
        Cell::Bool(b) => Some(u8::from(*b).to_string()),
        // mdbtools shows a character out of the BMP as two "?".
        other => Some(
            (other.to_raw_string().unwrap_or_default().chars())
                .map(|c| {
                    if c.len_utf16() == 2 {
                        "??".into()
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        ),
    }
}
