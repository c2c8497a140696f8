//! The profile of a source as aligned text tables, one block per table.

use std::fmt::Write as _;

use super::{ColumnProfile, InferredType, SourceProfile, TableProfile};

const HEADINGS: [&str; 7] = [
    "column", "declared", "inferred", "null", "distinct", "max len", "examples",
];

/// The profile for a person: the source, then for each table its row counts and one line
/// per column (mixed columns get a second line with the count of each kind).
pub fn render_text(profile: &SourceProfile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", profile.source, kind_name(profile));
    let mut settings = Vec::new();
    if let Some(row) = profile.options.header_row {
        settings.push(format!("header row {row}"));
    }
    settings.push(match profile.options.sample_rows {
        0 => "every row profiled".to_owned(),
        n => format!("at most {n} rows profiled per table"),
    });
    let _ = writeln!(
        out,
        "{} table(s); {}",
        profile.tables.len(),
        settings.join(", ")
    );
    for table in &profile.tables {
        out.push('\n');
        render_table(&mut out, table);
    }
    out
}

fn kind_name(profile: &SourceProfile) -> String {
    serde_json::to_value(profile.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{:?}", profile.kind))
}

fn render_table(out: &mut String, table: &TableProfile) {
    let hidden = if table.hidden { " [hidden]" } else { "" };
    let rows = match (table.row_count, table.complete) {
        (Some(n), true) if n == table.rows_profiled => format!("{n} rows, all profiled"),
        (Some(n), true) => format!(
            "{n} rows declared, {} read and profiled (whole table)",
            table.rows_profiled
        ),
        (Some(n), false) => format!("{n} rows declared, first {} profiled", table.rows_profiled),
        (None, true) => format!("{} rows, all profiled", table.rows_profiled),
        (None, false) => format!("first {} rows profiled, more follow", table.rows_profiled),
    };
    let _ = writeln!(out, "== {}{hidden} == {rows}", table.name);
    if let Some(first) = &table.first_defect {
        let _ = writeln!(
            out,
            "  {} defective row(s), left out of the profile; the first at {first}",
            table.defective_rows
        );
    }
    if table.columns.is_empty() {
        out.push_str("  (no columns)\n");
        return;
    }
    let lines: Vec<[String; 7]> = table.columns.iter().map(cells).collect();
    let mut widths = HEADINGS.map(|h| h.chars().count());
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    write_line(out, &HEADINGS.map(str::to_owned), &widths);
    for (line, column) in lines.iter().zip(&table.columns) {
        write_line(out, line, &widths);
        if let Some(detail) = detail(column) {
            let indent: usize = widths.iter().take(2).map(|w| w + 2).sum();
            let _ = writeln!(out, "  {:indent$}↳ {detail}", "");
        }
    }
}

fn cells(column: &ColumnProfile) -> [String; 7] {
    let distinct = if column.distinct_capped {
        format!("≥{} (≥{})", column.distinct, percent(column.distinct_ratio))
    } else {
        format!("{} ({})", column.distinct, percent(column.distinct_ratio))
    };
    let examples: Vec<String> = column.examples.iter().map(|e| format!("{e:?}")).collect();
    [
        column.name.clone(),
        column
            .declared_type
            .clone()
            .unwrap_or_else(|| "-".to_owned()),
        column.inferred_type.as_str().to_owned(),
        percent(column.null_ratio),
        distinct,
        column.max_length.to_string(),
        examples.join(", "),
    ]
}

/// The second line of a column: the kinds of a mixed column, the formats of text dates.
fn detail(column: &ColumnProfile) -> Option<String> {
    let mut parts = Vec::new();
    if column.inferred_type == InferredType::Mixed {
        let kinds: Vec<String> = column
            .kinds
            .iter()
            .map(|k| format!("{} {}", k.count, k.kind.as_str()))
            .collect();
        let cells: Vec<String> = column
            .cell_types
            .iter()
            .map(|(cell, n)| format!("{n} {cell}"))
            .collect();
        parts.push(format!(
            "{} (cells: {})",
            kinds.join(", "),
            cells.join(", ")
        ));
    }
    if !column.date_formats.is_empty() {
        parts.push(format!("text formats {}", column.date_formats.join(" ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn write_line(out: &mut String, cells: &[String; 7], widths: &[usize; 7]) {
    let mut line = String::from(" ");
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        line.push(' ');
        let numeric = matches!(i, 3 | 5);
        let pad = width.saturating_sub(cell.chars().count());
        if i + 1 == cells.len() {
            line.push_str(cell);
        } else if numeric {
            line.push_str(&" ".repeat(pad));
            line.push_str(cell);
            line.push(' ');
        } else {
            line.push_str(cell);
            line.push_str(&" ".repeat(pad + 1));
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// A ratio as a percentage that never rounds a few to none or almost all to all.
fn percent(ratio: f64) -> String {
    if ratio <= 0.0 {
        "0%".to_owned()
    } else if ratio >= 1.0 {
        "100%".to_owned()
    } else if ratio < 0.001 {
        "<0.1%".to_owned()
    } else if ratio > 0.999 {
        ">99.9%".to_owned()
    } else {
        format!("{:.1}%", ratio * 100.0)
    }
}
