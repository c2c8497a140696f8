//! Generated input files: a CSV of any size written in a stream, and a workbook written
//! by Python's openpyxl (the reference reader comes from the same package).

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;

const CATEGORIES: [&str; 6] = ["MP", "CO", "CS", "EM", "SF", "PF"];
const NAMES: [&str; 5] = [
    "Granulés PP noir",
    "Vis CHC M6×20",
    "Étiquette « fragile »",
    "Carton 60×40",
    "Ressort Ø12",
];

/// One generated record: the same values for the CSV and the workbook. One record in
/// 1,000 carries a defect (a French number typed with two decimal points) so that the
/// run quarantines as it would on real data.
fn record(i: u64) -> [String; 7] {
    let qty = if i % 1000 == 999 {
        "1.388.5".to_owned()
    } else {
        format!("{} {:03},{:02}", i % 97, i % 1000, i % 100)
    };
    [
        format!("P{i:07}"),
        format!("{} n°{i}", NAMES[(i % 5) as usize]),
        qty,
        format!("{},{:04}", i % 500, i % 10_000),
        format!("{:02}/{:02}/{}", 1 + i % 28, 1 + i % 12, 2015 + i % 10),
        CATEGORIES[(i % 6) as usize].to_owned(),
        if i.is_multiple_of(7) { "N" } else { "O" }.to_owned(),
    ]
}

pub const HEADER: [&str; 7] = [
    "code",
    "name",
    "qty",
    "price",
    "counted_on",
    "category",
    "active",
];

/// Writes `rows` records as a `;`-separated UTF-8 CSV, as the legacy exports are.
pub fn write_csv(path: &Path, rows: u64) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(out, "{}", HEADER.join(";"))?;
    for i in 0..rows {
        let r = record(i);
        writeln!(
            out,
            "{};\"{}\";\"{}\";{};{};{};{}",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6]
        )?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// Writes the same records as a workbook with openpyxl (its write-only mode streams).
pub fn write_xlsx(path: &Path, rows: u64) -> Result<u64, String> {
    let script = format!(
        r#"
import sys
from openpyxl import Workbook
wb = Workbook(write_only=True)
ws = wb.create_sheet("Articles")
ws.append({header:?})
names = {names:?}
cats = {cats:?}
for i in range({rows}):
    qty = "1.388.5" if i % 1000 == 999 else "%d %03d,%02d" % (i % 97, i % 1000, i % 100)
    ws.append(["P%07d" % i, "%s n°%d" % (names[i % 5], i), qty, "%d,%04d" % (i % 500, i % 10000),
               "%02d/%02d/%d" % (1 + i % 28, 1 + i % 12, 2015 + i % 10), cats[i % 6], "N" if i % 7 == 0 else "O"])
wb.save(sys.argv[1])
"#,
        header = HEADER,
        names = NAMES,
        cats = CATEGORIES,
    );
    let status = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .status()
        .map_err(|e| format!("python3: {e}"))?;
    if !status.success() {
        return Err("openpyxl could not write the workbook (pip install openpyxl)".into());
    }
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_deterministic_and_mostly_clean() {
        assert_eq!(record(0)[0], "P0000000");
        assert_eq!(record(999)[2], "1.388.5");
        assert_eq!(record(1)[2], "1 001,01");
        let dir = std::env::temp_dir().join(format!("bascule-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let size = write_csv(&dir.join("items.csv"), 10).unwrap();
        assert!(size > 100);
        let text = std::fs::read_to_string(dir.join("items.csv")).unwrap();
        assert_eq!(text.lines().count(), 11);
        let _ = std::fs::remove_dir_all(dir);
    }
}
