//! The run report rendered for people: a plain-text summary for the terminal, a Markdown
//! report, a self-contained HTML page (in `render_html`), and the three files written
//! beside the JSON document (docs/report.md describes the JSON).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use super::report::{QuarantinedRecord, RunReport, TableReport};

pub use super::render_html::html;

/// The most records listed per table and list (quarantined, merged, skipped) in the
/// Markdown and HTML reports; the JSON report has them all.
pub const LIST_CAP: usize = 1000;
/// The terminal summary fits in this many columns.
pub const SUMMARY_WIDTH: usize = 120;
/// The hexadecimal digits of a checksum shown in summaries.
const CHECKSUM_PREFIX: usize = 12;
/// The quarantine rules listed in the terminal summary.
const TOP_RULES: usize = 10;
/// The longest raw value shown in a compact `col=value` list.
const RAW_VALUE_MAX: usize = 200;

/// The three files of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    pub json: PathBuf,
    pub markdown: PathBuf,
    pub html: PathBuf,
}

/// Writes the JSON report (pretty) at `json_path` and its Markdown and HTML renderings
/// beside it, with the same stem (`run.json`, `run.md`, `run.html`); creates the directory.
/// Each file is written under a temporary name, then renamed, so that no reader ever sees
/// half a report.
pub fn write_reports(report: &RunReport, json_path: &Path) -> io::Result<ReportFiles> {
    let files = ReportFiles {
        json: json_path.to_path_buf(),
        markdown: json_path.with_extension("md"),
        html: json_path.with_extension("html"),
    };
    if files.markdown == files.json || files.html == files.json {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{}: the JSON report needs its own extension (.json)",
                json_path.display()
            ),
        ));
    }
    if let Some(dir) = json_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut json = serde_json::to_string_pretty(report).map_err(io::Error::other)?;
    json.push('\n');
    write_file(&files.json, &json)?;
    write_file(&files.markdown, &markdown(report))?;
    write_file(&files.html, &html(report))?;
    Ok(files)
}

fn write_file(path: &Path, text: &str) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The terminal summary: a status line, one line per table and a totals line, one line
/// per entity, then the most frequent quarantine rules. Plain text, aligned, at most
/// [`SUMMARY_WIDTH`] columns (long source paths are cut on the left with "…").
pub fn summary_table(report: &RunReport) -> String {
    let mut out = String::new();
    let status = format!(
        "run {} · {} · {} · {} · {}{}",
        report.run_id,
        report.domain,
        report.status.to_uppercase(),
        if report.reconciled {
            "reconciled ✓"
        } else {
            "NOT reconciled ✗"
        },
        duration(report.duration_seconds),
        if report.dry_run {
            " · dry run, nothing kept"
        } else {
            ""
        }
    );
    out.push_str(&cut_right(&one_line(&status), SUMMARY_WIDTH));
    out.push_str("\n\n");

    let header = [
        "source",
        "table",
        "→ entity",
        "read",
        "loaded",
        "merged",
        "quarantined",
        "skipped",
        "rows/s",
        "balanced",
    ]
    .map(str::to_owned);
    let mut rows: Vec<[String; 10]> = report
        .tables
        .iter()
        .map(|t| {
            [
                one_line(&t.source),
                one_line(&t.table),
                format!("→ {}", one_line(&t.entity)),
                group(t.read),
                group(t.loaded),
                group(t.merged),
                group(t.quarantined),
                group(t.skipped),
                rate(t.rows_per_second),
                mark(t.balanced).to_owned(),
            ]
        })
        .collect();
    let totals = Totals::of(report);
    rows.push([
        "total".to_owned(),
        plural(report.tables.len() as u64, "table"),
        String::new(),
        group(totals.read),
        group(totals.loaded),
        group(totals.merged),
        group(totals.quarantined),
        group(totals.skipped),
        rate(totals.rows_per_second),
        mark(totals.balanced).to_owned(),
    ]);
    let mut widths = [0usize; 10];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    // Columns are two spaces apart, one when the numbers are too wide for two; a line
    // still too wide (counts in the trillions) is cut.
    let numbers: usize = widths[3..].iter().sum();
    let gap = if numbers + 2 * (widths.len() - 1) + FIT_MIN.iter().sum::<usize>() <= SUMMARY_WIDTH {
        2
    } else {
        1
    };
    let fixed = numbers + gap * (widths.len() - 1);
    let [source, table, entity] = fit(
        [widths[0], widths[1], widths[2]],
        SUMMARY_WIDTH.saturating_sub(fixed),
    );
    widths[..3].copy_from_slice(&[source, table, entity]);
    let total_at = rows.len() - 1;
    for (i, row) in std::iter::once(&header).chain(&rows).enumerate() {
        if i == total_at + 1 {
            let rule: usize = widths.iter().sum::<usize>() + gap * (widths.len() - 1);
            out.push_str(&"─".repeat(rule.min(SUMMARY_WIDTH)));
            out.push('\n');
        }
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(c, (cell, w))| match c {
                0 => pad_right(&cut_left(cell, w), w),
                1 | 2 => pad_right(&cut_right(cell, w), w),
                3..=8 => pad_left(cell, w),
                _ => pad_right(cell, w),
            })
            .collect();
        out.push_str(&cut_right(
            cells.join(&" ".repeat(gap)).trim_end(),
            SUMMARY_WIDTH,
        ));
        out.push('\n');
    }

    out.push('\n');
    entity_lines(report, &mut out);
    if !report.notes.is_empty() {
        out.push_str("\nafter the load\n");
        for note in &report.notes {
            out.push_str(&cut_right(&format!("  {}", one_line(note)), SUMMARY_WIDTH));
            out.push('\n');
        }
    }
    out.push('\n');
    rule_lines(report, &mut out);
    out
}

/// The text on one line: line breaks and tabs become spaces.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n', '\t'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn entity_lines(report: &RunReport, out: &mut String) {
    if report.entities.is_empty() {
        out.push_str("no entity\n");
        return;
    }
    let rows: Vec<[String; 4]> = report
        .entities
        .iter()
        .map(|e| {
            let rows = if e.source_rows == e.target_rows {
                group(e.target_rows)
            } else {
                format!("{} → {}", group(e.source_rows), group(e.target_rows))
            };
            let checksum = if e.source_checksum == e.target_checksum {
                prefix(&e.target_checksum)
            } else {
                format!(
                    "{} ≠ {} (source ≠ target)",
                    prefix(&e.source_checksum),
                    prefix(&e.target_checksum)
                )
            };
            [
                cut_right(&one_line(&e.entity), 40),
                rows,
                mark(e.reconciled).to_owned(),
                checksum,
            ]
        })
        .collect();
    let header = ["entity", "rows", "reconciled", "checksum"].map(str::to_owned);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{}  {}  {}  {}",
            pad_right(&row[0], widths[0]),
            pad_left(&row[1], widths[1]),
            pad_right(&row[2], widths[2]),
            row[3]
        );
        out.push_str(&cut_right(line.trim_end(), SUMMARY_WIDTH));
        out.push('\n');
    }
    for e in report.entities.iter().filter(|e| !e.reconciled) {
        for d in &e.differences {
            out.push_str(&cut_right(
                &one_line(&format!("  ✗ {}: {d}", e.entity)),
                SUMMARY_WIDTH,
            ));
            out.push('\n');
        }
    }
}

fn rule_lines(report: &RunReport, out: &mut String) {
    let rules = rule_totals(report);
    if rules.is_empty() {
        out.push_str("no record quarantined\n");
        return;
    }
    let shown = &rules[..rules.len().min(TOP_RULES)];
    let _ = writeln!(
        out,
        "quarantined by rule{}",
        if rules.len() > TOP_RULES {
            format!(" (top {TOP_RULES} of {})", rules.len())
        } else {
            String::new()
        }
    );
    let name_width = shown
        .iter()
        .map(|(r, _)| width(&one_line(r)).min(60))
        .max()
        .unwrap_or(0);
    let count_width = shown
        .iter()
        .map(|(_, n)| group(*n).len())
        .max()
        .unwrap_or(0);
    for (rule, n) in shown {
        let _ = writeln!(
            out,
            "  {}  {}",
            pad_right(&cut_right(&one_line(rule), 60), name_width),
            pad_left(&group(*n), count_width)
        );
    }
    if rules.len() > TOP_RULES {
        let rest = rules[TOP_RULES..]
            .iter()
            .fold(0_u64, |sum, (_, n)| sum.saturating_add(*n));
        let _ = writeln!(
            out,
            "  … {} more {}, {}",
            group((rules.len() - TOP_RULES) as u64),
            if rules.len() - TOP_RULES == 1 {
                "rule"
            } else {
                "rules"
            },
            plural(rest, "record")
        );
    }
}

/// The Markdown report: the run's facts, the tables and entities, the quarantine rules,
/// then per table its quarantined records by rule, its merged and its skipped records
/// (at most [`LIST_CAP`] of each per table).
pub fn markdown(report: &RunReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Migration report: {}\n", md(&report.domain));
    let _ = writeln!(
        out,
        "**{} {}**\n",
        mark(report.reconciled),
        md(&status_sentence(report))
    );
    if report.dry_run {
        out.push_str("> Dry run: everything was done, then rolled back; nothing was kept.\n\n");
    }
    out.push_str("| | |\n|---|---|\n");
    for (name, value) in facts(report) {
        let _ = writeln!(out, "| {name} | {} |", md(&value));
    }

    out.push_str("\n## Tables\n\n");
    out.push_str("| Source | Table | Entity | Read | Loaded | Merged | Quarantined | Skipped | Rows/s | Balanced |\n");
    out.push_str("|---|---|---|--:|--:|--:|--:|--:|--:|:-:|\n");
    for t in &report.tables {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&t.source),
            md(&t.table),
            md(&t.entity),
            group(t.read),
            group(t.loaded),
            group(t.merged),
            group(t.quarantined),
            group(t.skipped),
            rate(t.rows_per_second),
            mark(t.balanced)
        );
    }
    let totals = Totals::of(report);
    let _ = writeln!(
        out,
        "| **Total** | {} | | **{}** | **{}** | **{}** | **{}** | **{}** | {} | {} |",
        plural(report.tables.len() as u64, "table"),
        group(totals.read),
        group(totals.loaded),
        group(totals.merged),
        group(totals.quarantined),
        group(totals.skipped),
        rate(totals.rows_per_second),
        mark(totals.balanced)
    );

    out.push_str("\n## Entities\n\n");
    if report.entities.is_empty() {
        out.push_str("No entity.\n");
    } else {
        out.push_str("| Entity | Source rows | Target rows | Source checksum | Target checksum | Reconciled |\n");
        out.push_str("|---|--:|--:|---|---|:-:|\n");
        for e in &report.entities {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                md(&e.entity),
                group(e.source_rows),
                group(e.target_rows),
                code(&e.source_checksum),
                code(&e.target_checksum),
                mark(e.reconciled)
            );
        }
        let differences: Vec<String> = report
            .entities
            .iter()
            .flat_map(|e| {
                e.differences
                    .iter()
                    .map(move |d| format!("- ✗ **{}**: {}", md(&e.entity), md(d)))
            })
            .collect();
        if !differences.is_empty() {
            out.push('\n');
            out.push_str(&differences.join("\n"));
            out.push('\n');
        }
    }

    if !report.notes.is_empty() {
        out.push_str("\n## After the load\n\n");
        for note in &report.notes {
            let _ = writeln!(out, "- {}", md(note));
        }
    }

    out.push_str("\n## Quarantine rules\n\n");
    let rules = rule_totals(report);
    if rules.is_empty() {
        out.push_str("No record quarantined.\n");
    } else {
        out.push_str("| Rule | Records |\n|---|--:|\n");
        for (rule, n) in &rules {
            let _ = writeln!(out, "| {} | {} |", md(rule), group(*n));
        }
    }

    for (i, t) in report.tables.iter().enumerate() {
        markdown_table(&mut out, i + 1, t);
    }
    out
}

fn markdown_table(out: &mut String, number: usize, t: &TableReport) {
    let _ = writeln!(out, "\n## {number}. {}\n", md(&table_title(t)));
    let _ = writeln!(
        out,
        "Read {} · loaded {} · merged {} · quarantined {} · skipped {} · balanced {} · {}\n",
        group(t.read),
        group(t.loaded),
        group(t.merged),
        group(t.quarantined),
        group(t.skipped),
        mark(t.balanced),
        duration(t.duration_seconds)
    );

    let _ = writeln!(
        out,
        "### Quarantined records ({})\n",
        group(t.quarantined_records.len() as u64)
    );
    if t.quarantined_records.is_empty() {
        out.push_str("None.\n");
    }
    for g in quarantine_groups(t, LIST_CAP) {
        let _ = writeln!(
            out,
            "**{}**: {}\n",
            md(g.rule),
            plural(g.records.len() as u64, "record")
        );
        if g.shown > 0 {
            out.push_str("| Locator | Message | Raw values |\n|---|---|---|\n");
            for q in &g.records[..g.shown] {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    md(&q.locator),
                    md(&q.message),
                    md(&raw_list(&q.raw))
                );
            }
            out.push('\n');
        }
        if g.shown < g.records.len() {
            let _ = writeln!(out, "_{}_\n", more_in_json(g.records.len() - g.shown));
        }
    }

    let _ = writeln!(
        out,
        "\n### Merged records ({})\n",
        group(t.merged_records.len() as u64)
    );
    if t.merged_records.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| Locator | Legacy key | Merged into |\n|---|---|---|\n");
        for m in t.merged_records.iter().take(LIST_CAP) {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(&m.locator),
                md(&m.legacy_key),
                md(&m.into)
            );
        }
        if t.merged_records.len() > LIST_CAP {
            let _ = writeln!(
                out,
                "\n_{}_",
                more_in_json(t.merged_records.len() - LIST_CAP)
            );
        }
    }

    let _ = writeln!(out, "\n### Skipped records ({})\n", group(t.skipped));
    if t.skipped_records.is_empty() {
        out.push_str("None listed.\n");
    } else {
        out.push_str("| Locator | Reason |\n|---|---|\n");
        for s in t.skipped_records.iter().take(LIST_CAP) {
            let _ = writeln!(out, "| {} | {} |", md(&s.locator), md(&s.reason));
        }
        if t.skipped_records.len() > LIST_CAP {
            let _ = writeln!(
                out,
                "\n_{}_",
                more_in_json(t.skipped_records.len() - LIST_CAP)
            );
        }
    }
    if let Some(note) = unlisted_skips(t) {
        let _ = writeln!(out, "\n_{note}_");
    }
}

// ---- Shared by the Markdown and HTML renderings -------------------------------------

/// The run's facts, in reading order.
pub(super) fn facts(report: &RunReport) -> Vec<(&'static str, String)> {
    vec![
        ("Domain", report.domain.clone()),
        ("Run", report.run_id.clone()),
        ("Target", report.target.clone()),
        ("Mapping", report.mapping.clone()),
        ("Started", when(&report.started_at)),
        ("Finished", when(&report.finished_at)),
        ("Duration", duration(report.duration_seconds)),
        ("Status", report.status.clone()),
        ("Reconciled", yes_no(report.reconciled).to_owned()),
        ("Dry run", yes_no(report.dry_run).to_owned()),
        (
            "Report schema",
            format!("version {}", report.schema_version),
        ),
    ]
}

/// One sentence saying whether the run proved its migration.
pub(super) fn status_sentence(report: &RunReport) -> String {
    if report.reconciled {
        format!(
            "{}: every table balances and every entity reconciles.",
            capitalised(&report.status)
        )
    } else {
        let unbalanced = report.tables.iter().filter(|t| !t.balanced).count() as u64;
        let unreconciled = report.entities.iter().filter(|e| !e.reconciled).count() as u64;
        let mut why = Vec::new();
        if unbalanced > 0 {
            why.push(format!("{} not balanced", plural(unbalanced, "table")));
        }
        if unreconciled > 0 {
            why.push(format!("{} not reconciled", plural(unreconciled, "entity")));
        }
        if why.is_empty() {
            why.push("not reconciled".to_owned());
        }
        format!("{}: {}.", capitalised(&report.status), why.join(", "))
    }
}

/// The sums over the tables of a report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Totals {
    pub read: u64,
    pub loaded: u64,
    pub merged: u64,
    pub quarantined: u64,
    pub skipped: u64,
    pub rows_per_second: f64,
    pub balanced: bool,
}

impl Totals {
    pub(super) fn of(report: &RunReport) -> Totals {
        let sum = |f: fn(&TableReport) -> u64| {
            report.tables.iter().map(f).fold(0_u64, u64::saturating_add)
        };
        let (read, skipped) = (sum(|t| t.read), sum(|t| t.skipped));
        let seconds: f64 = report.tables.iter().map(|t| t.duration_seconds).sum();
        #[allow(clippy::cast_precision_loss)]
        let rows_per_second = if seconds > 0.0 {
            read.saturating_add(skipped) as f64 / seconds
        } else {
            0.0
        };
        Totals {
            read,
            loaded: sum(|t| t.loaded),
            merged: sum(|t| t.merged),
            quarantined: sum(|t| t.quarantined),
            skipped,
            rows_per_second,
            balanced: report.tables.iter().all(|t| t.balanced),
        }
    }
}

/// Quarantine counts by rule over every table, the most frequent first.
pub(super) fn rule_totals(report: &RunReport) -> Vec<(String, u64)> {
    let mut by_rule: BTreeMap<&str, u64> = BTreeMap::new();
    for t in &report.tables {
        for (rule, n) in &t.quarantined_by_rule {
            let total = by_rule.entry(rule.as_str()).or_default();
            *total = total.saturating_add(*n);
        }
    }
    let mut rules: Vec<(String, u64)> = by_rule
        .into_iter()
        .map(|(r, n)| (r.to_owned(), n))
        .collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rules
}

/// The quarantined records of one rule, of which the first `shown` are listed.
#[derive(Debug)]
pub(super) struct RuleGroup<'a> {
    pub rule: &'a str,
    pub records: Vec<&'a QuarantinedRecord>,
    pub shown: usize,
}

/// A table's quarantined records by rule (the largest group first), at most `cap` listed.
pub(super) fn quarantine_groups(t: &TableReport, cap: usize) -> Vec<RuleGroup<'_>> {
    let mut by_rule: BTreeMap<&str, Vec<&QuarantinedRecord>> = BTreeMap::new();
    for q in &t.quarantined_records {
        by_rule.entry(q.rule.as_str()).or_default().push(q);
    }
    let mut groups: Vec<RuleGroup<'_>> = by_rule
        .into_iter()
        .map(|(rule, records)| RuleGroup {
            rule,
            records,
            shown: 0,
        })
        .collect();
    // The budget is shared so that rare rules are listed whole and the frequent ones
    // share the rest: the smallest groups are served first, each up to an equal share.
    groups.sort_by_key(|g| g.records.len());
    let (mut budget, mut left) = (cap, groups.len());
    for g in &mut groups {
        g.shown = g.records.len().min(budget / left.max(1));
        budget -= g.shown;
        left -= 1;
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.records.len()));
    groups
}

/// The line standing for records not listed.
pub(super) fn more_in_json(n: usize) -> String {
    format!(
        "… and {} more {}, listed in the JSON report.",
        group(n as u64),
        if n == 1 { "record" } else { "records" }
    )
}

/// A note when the engine counted more skipped records than it listed.
pub(super) fn unlisted_skips(t: &TableReport) -> Option<String> {
    let listed = t.skipped_records.len() as u64;
    (t.skipped > listed).then(|| {
        format!(
            "{} were counted but not listed, in the JSON report either.",
            plural(t.skipped - listed, "skipped record")
        )
    })
}

/// `source · table → entity`.
pub(super) fn table_title(t: &TableReport) -> String {
    format!("{} · {} → {}", t.source, t.table, t.entity)
}

/// The raw values of a quarantined record as `col=value, col=value`; values with commas,
/// equal signs, quotes, line breaks or surrounding spaces are quoted, nulls left empty.
pub(super) fn raw_list(raw: &serde_json::Value) -> String {
    use serde_json::Value as J;
    let value = |v: &J| -> String {
        let text = match v {
            J::Null => return String::new(),
            J::String(s) => s.clone(),
            other => other.to_string(),
        };
        let text = cut_right(&text, RAW_VALUE_MAX);
        let plain = !text.is_empty()
            && !text.contains([',', '=', '"', '\n', '\r', '\t'])
            && text.trim() == text;
        if plain { text } else { format!("{text:?}") }
    };
    match raw {
        J::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}={}", value(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => value(other),
    }
}

/// Escapes text for Markdown, in or out of tables: the characters that make links,
/// emphasis, code, HTML or cells are backslash-escaped and line breaks become `<br>`.
pub(super) fn md(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let before = i.checked_sub(1).and_then(|j| chars.get(j));
        let after = chars.get(i + 1);
        match c {
            '\r' if after == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            '\\' | '|' | '<' | '>' | '*' | '`' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' if after.is_some_and(|a| a.is_alphanumeric() || *a == '#') => out.push_str("\\&"),
            '_' if !(before.is_some_and(|b| b.is_alphanumeric())
                && after.is_some_and(|a| a.is_alphanumeric())) =>
            {
                out.push_str("\\_");
            }
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// A code span for hexadecimal and other plain identifiers (escapes do not work inside
/// one), escaped text otherwise.
fn code(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        format!("`{s}`")
    } else {
        md(s)
    }
}

/// "✓" or "✗".
pub(super) fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `1 record`, `2 records`, `3 entities`.
pub(super) fn plural(n: u64, word: &str) -> String {
    let word = match (n, word.strip_suffix('y')) {
        (1, _) => word.to_owned(),
        (_, Some(stem)) => format!("{stem}ies"),
        _ => format!("{word}s"),
    };
    format!("{} {word}", group(n))
}

/// A count with its thousands separated by spaces: `1 234 567`.
pub(super) fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Rows per second: whole above 10, one decimal below, `—` when not measured.
pub(super) fn rate(r: f64) -> String {
    if !r.is_finite() || r <= 0.0 {
        "—".to_owned()
    } else if r < 10.0 {
        format!("{r:.1}")
    } else {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        group(r.round() as u64)
    }
}

/// `0.4 s`, `12 min 05 s`, `2 h 03 min 09 s`.
pub(super) fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "—".to_owned();
    }
    if seconds < 60.0 {
        return format!("{seconds:.1} s");
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = seconds.round() as u64;
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    if h > 0 {
        format!("{h} h {m:02} min {s:02} s")
    } else {
        format!("{m} min {s:02} s")
    }
}

/// An RFC 3339 time as `2025-01-15 10:32:05 UTC` (or its own offset); other text as is.
pub(super) fn when(text: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(t) if t.offset().local_minus_utc() == 0 => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        Ok(t) => t.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        Err(_) if text.is_empty() => "—".to_owned(),
        Err(_) => text.to_owned(),
    }
}

/// The first hexadecimal digits of a checksum.
pub(super) fn prefix(checksum: &str) -> String {
    checksum.chars().take(CHECKSUM_PREFIX).collect()
}

/// The columns a character takes in a terminal: 0 for combining marks and zero-width
/// characters, 2 for East Asian wide characters and emoji, else 1.
fn char_width(c: char) -> usize {
    let u = u32::from(c);
    if unicode_normalization::char::is_combining_mark(c)
        || matches!(u, 0x200B..=0x200F | 0x2060 | 0xFE00..=0xFE0F | 0xFEFF)
        || c.is_control()
    {
        0
    } else if matches!(u,
        0x1100..=0x115F
        | 0x231A..=0x231B
        | 0x23E9..=0x23EC
        | 0x25FD..=0x25FE
        | 0x2614..=0x2615
        | 0x2648..=0x2653
        | 0x26A1
        | 0x26AA..=0x26AB
        | 0x26BD..=0x26BE
        | 0x26C4..=0x26C5
        | 0x26D4
        | 0x26EA
        | 0x26F2..=0x26F5
        | 0x26FA
        | 0x26FD
        | 0x2705
        | 0x270A..=0x270B
        | 0x2728
        | 0x274C
        | 0x2753..=0x2755
        | 0x2757
        | 0x2795..=0x2797
        | 0x27B0
        | 0x27BF
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F680..=0x1F6FF
        | 0x1F900..=0x1F9FF
        | 0x1FA70..=0x1FAFF
        | 0x20000..=0x3FFFD)
    {
        2
    } else {
        1
    }
}

/// The columns a text takes in a terminal.
pub(super) fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// The text cut to `max` columns on the right, ending with "…" when cut.
pub(super) fn cut_right(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// The text cut to `max` columns on the left, starting with "…" when cut: the end of a
/// path is the part that names it.
pub(super) fn cut_left(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = char_width(c);
        if used + w + 1 > max {
            break;
        }
        kept.push(c);
        used += w;
    }
    let mut out = String::new();
    if max > 0 {
        out.push('…');
    }
    out.extend(kept.into_iter().rev());
    out
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The narrowest the source, table and entity columns get.
const FIT_MIN: [usize; 3] = [10, 6, 8];

/// The widths of the source, table and entity columns within `available` columns: the
/// source gives way first (down to 24), then the widest of the three, down to minimums.
fn fit(natural: [usize; 3], available: usize) -> [usize; 3] {
    const MIN: [usize; 3] = FIT_MIN;
    let mut w = natural;
    while w.iter().sum::<usize>() > available {
        let shrink = if w[0] > 24 {
            Some(0)
        } else {
            (0..3).filter(|&i| w[i] > MIN[i]).max_by_key(|&i| w[i])
        };
        let Some(i) = shrink else { break };
        w[i] -= 1;
    }
    w
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::report::{EntityReport, MergedRecord, REPORT_SCHEMA_VERSION, SkippedRecord};
    use serde_json::json;

    const LONG_SOURCE: &str = "/srv/legacy/exports/2024/magasin-central/inventaires annuels définitifs/inventaire-annuel-définitif-v3 (copie).csv";

    /// A report with the usual defects: accents, emoji, markup and `|` in values,
    /// multi-line messages, and more records than the lists show.
    pub(crate) fn sample() -> RunReport {
        let mut quarantined_records: Vec<QuarantinedRecord> = (0..1203)
            .map(|i| QuarantinedRecord {
                locator: format!("line {}", i + 10),
                rule: "french_number".to_owned(),
                message: "qty: \"1.388.5\" is not a number in French or plain format (such as 1 234,50 or 1234.50)".to_owned(),
                raw: json!({
                    "code": format!("P{i:04}"),
                    "name": "Écrou 🔩 <script>alert('x')</script>",
                    "qty": "1.388.5",
                    "note": "a|b\nc",
                    "counted": null,
                }),
            })
            .collect();
        quarantined_records.push(QuarantinedRecord {
            locator: "line 8".to_owned(),
            rule: "date".to_owned(),
            message: "counted_on: \"32/01/2024\" is not a real date\n(it has the format %d/%m/%Y but no such day exists)".to_owned(),
            raw: json!({"code": "P004", "name": "Joint \"torique\"", "counted": "32/01/2024"}),
        });
        quarantined_records.push(QuarantinedRecord {
            locator: "line 5".to_owned(),
            rule: "required".to_owned(),
            message: "code: a value is required".to_owned(),
            raw: json!({"code": null, "name": "Sans code | Ø", "qty": "5"}),
        });
        let merged_records: Vec<MergedRecord> = (0..1002)
            .map(|i| MergedRecord {
                locator: format!("line {}", 2000 + i),
                legacy_key: format!("csv/inventaire:line {}", 2000 + i),
                into: format!("P{:04}", i % 7),
            })
            .collect();
        let big = TableReport {
            source: LONG_SOURCE.to_owned(),
            table: "inventaire".to_owned(),
            entity: "article".to_owned(),
            read: 2212,
            loaded: 5,
            merged: 1002,
            quarantined: 1205,
            skipped: 5,
            balanced: true,
            duration_seconds: 2.5,
            rows_per_second: 886.8,
            quarantined_by_rule: [("french_number", 1203), ("date", 1), ("required", 1)]
                .map(|(r, n)| (r.to_owned(), n))
                .into_iter()
                .collect(),
            quarantined_records,
            merged_records,
            skipped_records: (0..3)
                .map(|i| SkippedRecord {
                    locator: format!("line {}", 4000 + i),
                    reason: "total row".to_owned(),
                })
                .collect(),
        };
        let small = TableReport {
            source: "Articles été.xlsx".to_owned(),
            table: "Feuil1 | « stock »".to_owned(),
            entity: "article".to_owned(),
            read: 10,
            loaded: 10,
            merged: 0,
            quarantined: 0,
            skipped: 0,
            balanced: true,
            duration_seconds: 0.25,
            rows_per_second: 40.0,
            quarantined_by_rule: BTreeMap::new(),
            quarantined_records: Vec::new(),
            merged_records: Vec::new(),
            skipped_records: Vec::new(),
        };
        RunReport {
            schema_version: REPORT_SCHEMA_VERSION,
            run_id: "0194a3c2-7f1e-7b2a-9c3d-5e6f7a8b9c0d".to_owned(),
            domain: "stock".to_owned(),
            mapping: "mappings/stock.toml".to_owned(),
            target: "postgres://bascule:***@db:5432/bascule".to_owned(),
            dry_run: false,
            started_at: "2025-01-15T10:32:05.123456+00:00".to_owned(),
            finished_at: "2025-01-15T10:32:08.375+00:00".to_owned(),
            duration_seconds: 3.25,
            status: "succeeded".to_owned(),
            reconciled: true,
            tables: vec![big, small],
            entities: vec![EntityReport {
                entity: "article".to_owned(),
                source_rows: 15,
                source_checksum: "3fa2b1c09d4e5f60718293a4b5c6d7e8".to_owned(),
                target_rows: 15,
                target_checksum: "3fa2b1c09d4e5f60718293a4b5c6d7e8".to_owned(),
                reconciled: true,
                differences: Vec::new(),
            }],
            notes: vec![
                "stock levels: 15 <articles> derived from the opening movements".to_owned(),
            ],
        }
    }

    /// The same run, failed: one entity does not reconcile.
    pub(crate) fn failed() -> RunReport {
        let mut report = sample();
        report.status = "failed".to_owned();
        report.reconciled = false;
        report.dry_run = true;
        let e = &mut report.entities[0];
        e.target_rows = 16;
        e.target_checksum = "9b1c0000000000000000000000000001".to_owned();
        e.reconciled = false;
        e.differences = vec![
            "15 rows expected from the sources, 16 in the target".to_owned(),
            "the values read back differ from the values loaded".to_owned(),
        ];
        report
    }

    #[test]
    fn the_summary_is_aligned_counted_and_fits_120_columns() {
        let text = summary_table(&sample());
        for line in text.lines() {
            assert!(
                width(line) <= SUMMARY_WIDTH,
                "{} columns: {line}",
                width(line)
            );
        }
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("SUCCEEDED") && lines[0].contains("reconciled ✓"));
        let table = lines.iter().find(|l| l.contains("inventaire")).unwrap();
        assert!(table.starts_with('…'), "{table}");
        assert!(table.contains("(copie).csv"), "{table}");
        for count in ["2 212", "1 002", "1 205", "887", "→ article", "✓"] {
            assert!(table.contains(count), "{count}: {table}");
        }
        let total = lines.iter().find(|l| l.starts_with("total")).unwrap();
        assert!(
            total.contains("2 222") && total.contains("2 tables"),
            "{total}"
        );
        // The numbers of every table line end in the same column.
        let header = lines.iter().find(|l| l.starts_with("source")).unwrap();
        let end = |l: &str, what: &str| width(&l[..l.find(what).unwrap() + what.len()]);
        assert_eq!(end(header, "quarantined"), end(table, "1 205"));
        assert_eq!(end(header, "quarantined"), end(total, "1 205"));
        let entity = lines.iter().find(|l| l.starts_with("article")).unwrap();
        assert!(entity.contains("15") && entity.contains("3fa2b1c09d4e") && entity.contains('✓'));
        assert!(!entity.contains("3fa2b1c09d4e5"), "a prefix only: {entity}");
        let rules = text.split("quarantined by rule").nth(1).unwrap();
        assert!(rules.contains("french_number  1 203"), "{rules}");
        assert!(rules.find("french_number") < rules.find("date"));
        assert!(text.contains("after the load\n  stock levels: 15 <articles> derived"));

        let text = summary_table(&failed());
        assert!(text.contains("NOT reconciled ✗") && text.contains("dry run"));
        assert!(text.contains("15 → 16") && text.contains("3fa2b1c09d4e ≠ 9b1c00000000"));
        assert!(text.contains("✗ article: 15 rows expected from the sources, 16 in the target"));
    }

    #[test]
    fn the_markdown_is_escaped_counted_and_capped() {
        let text = markdown(&sample());
        assert!(text.starts_with("# Migration report: stock\n"));
        assert!(text.contains("Succeeded: every table balances"));
        assert!(text.contains("| Run | 0194a3c2-7f1e-7b2a-9c3d-5e6f7a8b9c0d |"));
        assert!(text.contains("| Started | 2025-01-15 10:32:05 UTC |"));
        assert!(text.contains("| Duration | 3.2 s |") || text.contains("| Duration | 3.3 s |"));
        assert!(text.contains("**2 222** | **15** | **1 002** | **1 205** | **5**"));
        // Markup and pipes cannot escape their cell; line breaks stay in it.
        assert!(
            !text.replace("\\<", "").contains("<script"),
            "raw markup in the Markdown"
        );
        assert!(text.contains("Écrou 🔩 \\<script\\>alert('x')\\</script\\>"));
        assert!(
            text.contains(r#"note="a\|b\\nc""#),
            "quoted, escaped newline"
        );
        assert!(text.contains("is not a real date<br>(it has the format"));
        assert!(text.contains("| Feuil1 \\| « stock » |"));
        assert!(text.contains("name=Sans code \\| Ø"));
        assert!(text.contains("code=P0000, counted=, name="));
        // Every table row has the same number of unescaped pipes as its header.
        for line in text.lines().filter(|l| l.starts_with("| line ")) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert!(cells == 4 || cells == 3, "{line}");
        }
        // Rare rules are listed whole; the frequent one shares the rest of the 1000 lines.
        let quarantined = text
            .split("### Merged records")
            .next()
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("| line "))
            .count();
        assert_eq!(quarantined, LIST_CAP);
        assert!(text.contains("**french_number**: 1 203 records"));
        assert!(text.contains("_… and 205 more records, listed in the JSON report._"));
        assert!(text.contains("| line 8 | counted_on: \"32/01/2024\" is not a real date<br>"));
        assert!(text.contains("| line 5 | code: a value is required |"));
        assert!(text.contains("### Merged records (1 002)"));
        assert!(text.contains("| line 2000 | csv/inventaire:line 2000 | P0000 |"));
        assert!(!text.contains("| line 3000 |"));
        assert!(text.contains("_… and 2 more records, listed in the JSON report._"));
        assert!(text.contains("### Skipped records (5)"));
        assert!(text.contains("| line 4002 | total row |"));
        assert!(text.contains("2 skipped records were counted but not listed"));
        assert!(text.contains("## After the load\n\n- stock levels: 15 \\<articles\\> derived"));
        assert!(text.contains("## 2. Articles été.xlsx · Feuil1 \\| « stock » → article"));

        let text = markdown(&failed());
        assert!(text.contains("**✗ Failed: 1 entity not reconciled.**"));
        assert!(text.contains("> Dry run"));
        assert!(
            text.contains("- ✗ **article**: 15 rows expected from the sources, 16 in the target")
        );
    }

    #[test]
    fn empty_and_outsized_reports_render() {
        let mut report = sample();
        report.tables.clear();
        report.entities.clear();
        report.notes.clear();
        let text = summary_table(&report);
        assert!(text.contains("0 tables") && text.contains("no entity"));
        assert!(text.contains("no record quarantined"));
        assert!(markdown(&report).contains("No record quarantined."));
        assert!(html(&report).contains("<p>No entity.</p>"));

        let mut report = sample();
        let t = &mut report.tables[1];
        t.table = format!("{} 🔩", "Feuille de l'inventaire tournant ".repeat(3));
        t.entity = "e".repeat(70);
        t.read = u64::MAX / 2;
        t.quarantined_by_rule = (0..15).map(|i| (format!("rule_{i:02}"), i)).collect();
        for line in summary_table(&report).lines() {
            assert!(
                width(line) <= SUMMARY_WIDTH,
                "{} columns: {line}",
                width(line)
            );
        }
        let text = summary_table(&report);
        assert!(
            text.contains("quarantined by rule (top 10 of 18)"),
            "{text}"
        );
        assert!(text.contains("… 8 more rules, 17 records"), "{text}");
    }

    #[test]
    fn markdown_escaping() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("x\r\ny\nz\r"), "x<br>y<br>z<br>");
        assert_eq!(md("french_number"), "french_number");
        assert_eq!(
            md("_x_ *y* `z` [l](u) ~~s~~"),
            "\\_x\\_ \\*y\\* \\`z\\` \\[l\\](u) \\~\\~s\\~\\~"
        );
        assert_eq!(md("&amp; & BLANC & FILS"), "\\&amp; & BLANC & FILS");
        assert_eq!(md("<b>\\</b>"), "\\<b\\>\\\\\\</b\\>");
        assert_eq!(md("été 🔩\u{7}"), "été 🔩\u{fffd}");
        assert_eq!(code("3fa2b1c0"), "`3fa2b1c0`");
        assert_eq!(code("a`b|c"), "a\\`b\\|c");
    }

    #[test]
    fn raw_values_are_a_compact_list() {
        let raw = json!({"code": "P001", "qty": "1 234,50", "name": " Vis ", "empty": "", "none": null, "n": 3, "text": "a\nb", "eq": "x=y"});
        assert_eq!(
            raw_list(&raw),
            r#"code=P001, empty="", eq="x=y", n=3, name=" Vis ", none=, qty="1 234,50", text="a\nb""#
        );
        assert_eq!(raw_list(&json!("not an object")), "not an object");
        let long = "é".repeat(500);
        assert_eq!(width(&raw_list(&json!({ "c": long }))), 2 + RAW_VALUE_MAX);
    }

    #[test]
    fn numbers_durations_and_cuts() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_234_567), "1 234 567");
        assert_eq!(plural(1, "entity"), "1 entity");
        assert_eq!(plural(1500, "entity"), "1 500 entities");
        assert_eq!(rate(0.0), "—");
        assert_eq!(rate(4.26), "4.3");
        assert_eq!(rate(12_345.6), "12 346");
        assert_eq!(duration(0.42), "0.4 s");
        assert_eq!(duration(725.0), "12 min 05 s");
        assert_eq!(duration(3725.2), "1 h 02 min 05 s");
        assert_eq!(
            when("2025-01-15T10:32:05.9+01:00"),
            "2025-01-15 10:32:05 +01:00"
        );
        assert_eq!(when(""), "—");
        assert_eq!(when("yesterday"), "yesterday");
        assert_eq!(cut_left("/a/b/parts.csv", 10), "…parts.csv");
        assert_eq!(cut_right("inventaire", 6), "inven…");
        assert_eq!(cut_right("🔩🔩🔩", 4), "🔩…");
        assert_eq!(width("Écrou 🔩"), 8);
        assert_eq!(fit([80, 30, 20], 50).iter().sum::<usize>(), 50);
        assert_eq!(fit([10, 5, 9], 50), [10, 5, 9]);
    }

    #[test]
    fn write_reports_writes_three_files_and_the_json_reads_back() {
        let dir = std::env::temp_dir().join(format!("bascule-render-{}", uuid::Uuid::now_v7()));
        let report = sample();
        let files = write_reports(&report, &dir.join("runs").join("stock-run.json")).unwrap();
        assert_eq!(files.markdown, dir.join("runs").join("stock-run.md"));
        assert_eq!(files.html, dir.join("runs").join("stock-run.html"));
        let json = std::fs::read_to_string(&files.json).unwrap();
        assert!(
            json.starts_with("{\n  \"schema_version\": 1,"),
            "pretty: {}",
            &json[..40]
        );
        assert_eq!(serde_json::from_str::<RunReport>(&json).unwrap(), report);
        assert_eq!(
            std::fs::read_to_string(&files.markdown).unwrap(),
            markdown(&report)
        );
        assert_eq!(std::fs::read_to_string(&files.html).unwrap(), html(&report));
        let names: Vec<String> = std::fs::read_dir(dir.join("runs"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 3, "no temporary file left: {names:?}");
        // Written again, the files are replaced.
        let failed = failed();
        write_reports(&failed, &files.json).unwrap();
        let json = std::fs::read_to_string(&files.json).unwrap();
        assert_eq!(serde_json::from_str::<RunReport>(&json).unwrap(), failed);
        let err = write_reports(&report, &dir.join("report.md")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The fenced block of `lang` that follows `after` in a document.
    fn fenced<'a>(doc: &'a str, after: &str, lang: &str) -> &'a str {
        let from = doc.find(after).unwrap();
        let open = format!("```{lang}\n");
        let start = from + doc[from..].find(&open).unwrap() + open.len();
        let end = start + doc[start..].find("\n```").unwrap();
        &doc[start..=end]
    }

    #[test]
    fn the_documented_example_reads_and_renders_as_documented() {
        let doc = include_str!("../../../docs/report.md");
        let json = fenced(doc, "## Example", "json");
        let report: RunReport = serde_json::from_str(json).unwrap();
        assert!(report.reconciled && report.tables[0].balanced);
        let text = fenced(doc, "Its terminal summary:", "text");
        assert_eq!(summary_table(&report), text);
        let rendered = serde_json::to_string_pretty(&report).unwrap();
        let again: RunReport = serde_json::from_str(&rendered).unwrap();
        assert_eq!(again, report);
    }

    /// Every fenced block of `lang` in a document.
    fn blocks<'a>(doc: &'a str, lang: &str) -> Vec<&'a str> {
        let open = format!("```{lang}\n");
        let mut found = Vec::new();
        let mut rest = doc;
        while let Some(at) = rest.find(&open) {
            let start = at + open.len();
            let end = start + rest[start..].find("\n```").unwrap();
            found.push(&rest[start..=end]);
            rest = &rest[end + 4..];
        }
        found
    }

    /// The `part` entity of the worked example in docs/mappings.md.
    struct Part;

    static PART: std::sync::LazyLock<bascule_platform::db::schema::TableDef> =
        std::sync::LazyLock::new(|| {
            use bascule_platform::db::schema::{ColumnType as T, TableDef};
            TableDef::entity("part")
                .required("code", T::Text(20))
                .required("name", T::Text(100))
                .optional("qty", T::QUANTITY)
                .optional("counted_on", T::Date)
                .unique(&["code"])
        });

    impl crate::engine::entity::EntityLoader for Part {
        fn name(&self) -> &'static str {
            "part"
        }
        fn schema(&self) -> bascule_platform::db::schema::SchemaName {
            bascule_platform::db::schema::SchemaName::Stock
        }
        fn table(&self) -> &'static bascule_platform::db::schema::TableDef {
            &PART
        }
        fn build(
            &self,
            _: &crate::engine::entity::MappedFields,
        ) -> Result<Vec<(&'static str, bascule_platform::db::Value)>, crate::mapping::val::Violation>
        {
            Ok(Vec::new())
        }
    }

    #[test]
    fn the_documented_mappings_are_valid() {
        use crate::mapping::rule::Rule;
        use crate::mapping::spec::{FieldSpec, MappingSpec};
        use crate::mapping::transform::Transform;
        let doc = include_str!("../../../docs/mappings.md");
        let mut fields: Vec<FieldSpec> = Vec::new();
        let toml_blocks = blocks(doc, "toml");
        assert!(toml_blocks.len() >= 8, "{}", toml_blocks.len());
        for block in toml_blocks {
            if block.contains("[sources.")
                || block.contains("[entities.")
                || block.contains("[[feeds]]")
            {
                let text = if block.starts_with("domain") {
                    block.to_owned()
                } else {
                    format!("domain = \"stock\"\n{block}")
                };
                let spec: MappingSpec =
                    toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{block}"));
                for feed in spec.feeds {
                    fields.extend(
                        feed.into_inner()
                            .fields
                            .into_values()
                            .map(|f| f.into_inner()),
                    );
                }
            } else {
                let map: BTreeMap<String, FieldSpec> =
                    toml::from_str(block).unwrap_or_else(|e| panic!("{e}\n{block}"));
                fields.extend(map.into_values());
            }
        }
        assert!(fields.len() >= 20, "{}", fields.len());
        for field in &fields {
            for t in &field.transforms {
                Transform::compile(t.get_ref()).unwrap_or_else(|e| panic!("{e}: {t:?}"));
            }
            for r in &field.rules {
                Rule::compile(r.get_ref()).unwrap_or_else(|e| panic!("{e}: {r:?}"));
            }
        }

        // The worked example is the mapping of the engine's end-to-end test, and compiles.
        let example = fenced(doc, "## Worked example", "toml");
        let test = include_str!("../../tests/engine_run.rs");
        assert!(
            test.contains(example.trim_end()),
            "the worked example differs from the test"
        );
        let catalog = crate::engine::entity::Catalog::new().with(Part);
        let plan = crate::engine::plan::compile("parts.toml", example, Path::new("."), &catalog)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.feeds.len(), 1);
    }
}
