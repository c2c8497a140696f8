//! The run report as one self-contained HTML page: inline CSS, no external resource and no
//! script, long lists folded in `<details>`, readable on a phone and printed on A4.

use std::fmt::Write as _;

use super::render::{
    LIST_CAP, Totals, duration, facts, group, mark, more_in_json, plural, quarantine_groups, rate,
    raw_list, rule_totals, status_sentence, table_title, unlisted_skips,
};
use super::report::{RunReport, TableReport};

/// Lists of at most this many rows are unfolded when the page opens.
const OPEN_UP_TO: usize = 50;

const STYLE: &str = r#"
:root{--ok:#1a7f37;--ok-bg:#e9f6ec;--ko:#b42318;--ko-bg:#fdecea;--line:#d0d7de;--muted:#57606a;--head:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#fff}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.45rem;margin:0}
h2{font-size:1.2rem;margin:1.8rem 0 .5rem;padding-bottom:.2rem;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
h3{font-size:1.02rem;margin:1.1rem 0 .4rem}
.status{border:2px solid;border-radius:.5rem;padding:.8rem 1rem;margin:.4rem 0 1rem}
.status.ok{color:var(--ok);background:var(--ok-bg);border-color:var(--ok)}
.status.ko{color:var(--ko);background:var(--ko-bg);border-color:var(--ko)}
.status p{margin:.3rem 0 0;font-weight:600}
.dry{border-left:4px solid #9a6700;background:#fff8c5;padding:.4rem .8rem;margin:0 0 1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}
.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.c{text-align:center}
.yes{color:var(--ok);font-weight:700}
.no{color:var(--ko);font-weight:700}
tr.total td{font-weight:700;border-top:2px solid #8c959f}
td.msg{white-space:pre-line;overflow-wrap:anywhere;min-width:12rem}
td.raw,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
td.raw{min-width:14rem}
details{margin:.4rem 0;border:1px solid var(--line);border-radius:.4rem;padding:.2rem .6rem}
summary{cursor:pointer;font-weight:600;padding:.3rem 0}
.note{color:var(--muted);font-style:italic}
ul.differences{color:var(--ko)}
@media (max-width:40rem){body{font-size:15px}main{padding:.6rem}th,td{padding:.25rem .35rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.3rem}}
@page{size:A4;margin:14mm 12mm}
@media print{body{font-size:9pt}main{max-width:none;padding:0}.scroll{overflow:visible}table{font-size:8pt}tr{break-inside:avoid}h2,h3{break-after:avoid}details{border:0;padding:0}.status,.dry,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
@media print{details::details-content{display:contents;content-visibility:visible}}
"#;

/// Escapes text for HTML content and attribute values: `& < > " '`; control characters
/// other than tab and line breaks, which HTML does not allow, become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn yes_no(ok: bool, yes: &str, no: &str) -> String {
    let (class, title) = if ok { ("yes", yes) } else { ("no", no) };
    format!(
        r#"<span class="{class}" title="{title}">{}</span>"#,
        mark(ok)
    )
}

/// `<details>`, unfolded when the list is short.
fn details_open(rows: usize) -> &'static str {
    if rows <= OPEN_UP_TO {
        "<details open>"
    } else {
        "<details>"
    }
}

/// The report as a self-contained HTML page, with the content of the Markdown report.
pub fn html(report: &RunReport) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let title = format!(
        "Migration report: {} ({})",
        report.domain,
        if report.reconciled {
            "reconciled"
        } else {
            "NOT reconciled"
        }
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&title)
    );
    let (class, headline) = if report.reconciled {
        ("ok", "reconciled")
    } else {
        ("ko", "NOT reconciled")
    };
    let _ = write!(
        out,
        "<header class=\"status {class}\">\n<h1>{} Migration {}: {headline}</h1>\n<p>{}</p>\n</header>\n",
        mark(report.reconciled),
        escape(&report.domain),
        escape(&status_sentence(report))
    );
    if report.dry_run {
        out.push_str("<p class=\"dry\">Dry run: everything was done, then rolled back; nothing was kept.</p>\n");
    }
    out.push_str("<dl class=\"facts\">\n");
    for (name, value) in facts(report) {
        let _ = writeln!(out, "<dt>{name}</dt><dd>{}</dd>", escape(&value));
    }
    out.push_str("</dl>\n");

    tables_summary(&mut out, report);
    entities(&mut out, report);

    if !report.notes.is_empty() {
        out.push_str("<h2>After the load</h2>\n<ul>\n");
        for note in &report.notes {
            let _ = writeln!(out, "<li>{}</li>", escape(note));
        }
        out.push_str("</ul>\n");
    }

    out.push_str("<h2>Quarantine rules</h2>\n");
    let rules = rule_totals(report);
    if rules.is_empty() {
        out.push_str("<p>No record quarantined.</p>\n");
    } else {
        out.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Rule</th><th class=\"n\">Records</th></tr></thead>\n<tbody>\n");
        for (rule, n) in &rules {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td class=\"n\">{}</td></tr>",
                escape(rule),
                group(*n)
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    for (i, t) in report.tables.iter().enumerate() {
        table_section(&mut out, i + 1, t);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn tables_summary(out: &mut String, report: &RunReport) {
    out.push_str("<h2>Tables</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>Source</th><th>Table</th><th>Entity</th><th class=\"n\">Read</th><th class=\"n\">Loaded</th><th class=\"n\">Merged</th><th class=\"n\">Quarantined</th><th class=\"n\">Skipped</th><th class=\"n\">Rows/s</th><th class=\"c\">Balanced</th></tr></thead>\n<tbody>\n");
    for t in &report.tables {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"c\">{}</td></tr>",
            escape(&t.source),
            escape(&t.table),
            escape(&t.entity),
            group(t.read),
            group(t.loaded),
            group(t.merged),
            group(t.quarantined),
            group(t.skipped),
            rate(t.rows_per_second),
            yes_no(t.balanced, "balanced", "not balanced")
        );
    }
    let totals = Totals::of(report);
    let _ = writeln!(
        out,
        "<tr class=\"total\"><td>Total</td><td>{}</td><td></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"c\">{}</td></tr>",
        plural(report.tables.len() as u64, "table"),
        group(totals.read),
        group(totals.loaded),
        group(totals.merged),
        group(totals.quarantined),
        group(totals.skipped),
        rate(totals.rows_per_second),
        yes_no(totals.balanced, "balanced", "not balanced")
    );
    out.push_str("</tbody></table></div>\n");
}

fn entities(out: &mut String, report: &RunReport) {
    out.push_str("<h2>Entities</h2>\n");
    if report.entities.is_empty() {
        out.push_str("<p>No entity.</p>\n");
        return;
    }
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Entity</th><th class=\"n\">Source rows</th><th class=\"n\">Target rows</th><th>Source checksum</th><th>Target checksum</th><th class=\"c\">Reconciled</th></tr></thead>\n<tbody>\n");
    for e in &report.entities {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td class=\"c\">{}</td></tr>",
            escape(&e.entity),
            group(e.source_rows),
            group(e.target_rows),
            escape(&e.source_checksum),
            escape(&e.target_checksum),
            yes_no(e.reconciled, "reconciled", "not reconciled")
        );
    }
    out.push_str("</tbody></table></div>\n");
    let differences: Vec<String> = report
        .entities
        .iter()
        .flat_map(|e| {
            e.differences
                .iter()
                .map(move |d| format!("<li><b>{}</b>: {}</li>", escape(&e.entity), escape(d)))
        })
        .collect();
    if !differences.is_empty() {
        let _ = writeln!(
            out,
            "<ul class=\"differences\">\n{}\n</ul>",
            differences.join("\n")
        );
    }
}

fn table_section(out: &mut String, number: usize, t: &TableReport) {
    let _ = write!(
        out,
        "<section>\n<h2>{number}. {}</h2>\n<p>Read {} · loaded {} · merged {} · quarantined {} · skipped {} · balanced {} · {}</p>\n",
        escape(&table_title(t)),
        group(t.read),
        group(t.loaded),
        group(t.merged),
        group(t.quarantined),
        group(t.skipped),
        yes_no(t.balanced, "balanced", "not balanced"),
        duration(t.duration_seconds)
    );

    let _ = writeln!(
        out,
        "<h3>Quarantined records ({})</h3>",
        group(t.quarantined_records.len() as u64)
    );
    if t.quarantined_records.is_empty() {
        out.push_str("<p>None.</p>\n");
    }
    for g in quarantine_groups(t, LIST_CAP) {
        let _ = writeln!(
            out,
            "{}<summary><code>{}</code>: {}</summary>",
            details_open(g.shown),
            escape(g.rule),
            plural(g.records.len() as u64, "record")
        );
        if g.shown > 0 {
            out.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Locator</th><th>Message</th><th>Raw values</th></tr></thead>\n<tbody>\n");
            for q in &g.records[..g.shown] {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td class=\"msg\">{}</td><td class=\"raw\">{}</td></tr>",
                    escape(&q.locator),
                    escape(&q.message),
                    escape(&raw_list(&q.raw))
                );
            }
            out.push_str("</tbody></table></div>\n");
        }
        if g.shown < g.records.len() {
            let _ = writeln!(
                out,
                "<p class=\"note\">{}</p>",
                escape(&more_in_json(g.records.len() - g.shown))
            );
        }
        out.push_str("</details>\n");
    }

    let _ = writeln!(
        out,
        "<h3>Merged records ({})</h3>",
        group(t.merged_records.len() as u64)
    );
    if t.merged_records.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        let shown = t.merged_records.len().min(LIST_CAP);
        let _ = writeln!(
            out,
            "{}<summary>{} merged into records already loaded</summary>",
            details_open(shown),
            plural(t.merged_records.len() as u64, "record")
        );
        out.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Locator</th><th>Legacy key</th><th>Merged into</th></tr></thead>\n<tbody>\n");
        for m in &t.merged_records[..shown] {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                escape(&m.locator),
                escape(&m.legacy_key),
                escape(&m.into)
            );
        }
        out.push_str("</tbody></table></div>\n");
        if shown < t.merged_records.len() {
            let _ = writeln!(
                out,
                "<p class=\"note\">{}</p>",
                escape(&more_in_json(t.merged_records.len() - shown))
            );
        }
        out.push_str("</details>\n");
    }

    let _ = writeln!(out, "<h3>Skipped records ({})</h3>", group(t.skipped));
    if t.skipped_records.is_empty() {
        out.push_str("<p>None listed.</p>\n");
    } else {
        let shown = t.skipped_records.len().min(LIST_CAP);
        let _ = writeln!(
            out,
            "{}<summary>{} excluded by the mapping's skip rules</summary>",
            details_open(shown),
            plural(t.skipped_records.len() as u64, "record")
        );
        out.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Locator</th><th>Reason</th></tr></thead>\n<tbody>\n");
        for s in &t.skipped_records[..shown] {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(&s.locator),
                escape(&s.reason)
            );
        }
        out.push_str("</tbody></table></div>\n");
        if shown < t.skipped_records.len() {
            let _ = writeln!(
                out,
                "<p class=\"note\">{}</p>",
                escape(&more_in_json(t.skipped_records.len() - shown))
            );
        }
        out.push_str("</details>\n");
    }
    if let Some(note) = unlisted_skips(t) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&note));
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::render::tests::{failed, sample};

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">'Tom' & Jerry</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;Tom&#39; &amp; Jerry&lt;/a&gt;"
        );
        assert_eq!(escape("été 🔩\nligne\u{0}"), "été 🔩\nligne\u{fffd}");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn the_page_is_escaped_self_contained_and_capped() {
        let page = html(&sample());
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains("name=\"viewport\""));
        let lower = page.to_lowercase();
        assert!(
            !lower.contains("<script"),
            "markup from the data in the page"
        );
        for external in ["http://", "https://", " src=", "<link", "@import", "url("] {
            assert!(!lower.contains(external), "{external}");
        }
        assert!(page.contains("Écrou 🔩 &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(page.contains("name=&quot;Joint \\&quot;torique\\&quot;&quot;"));
        assert!(page.contains("is not a real date\n(it has the format"));
        assert!(page.contains("<td>Feuil1 | « stock »</td>"));
        assert!(page.contains(
            "<li>stock levels: 15 &lt;articles&gt; derived from the opening movements</li>"
        ));
        assert!(page.contains("<header class=\"status ok\">"));
        assert!(page.contains("✓ Migration stock: reconciled"));
        assert!(!page.contains("Dry run:"));
        for count in ["2 212", "1 205", "1 002", "2 222"] {
            assert!(page.contains(&format!(">{count}<")), "{count}");
        }
        let rows = page.matches("<tr><td>line ").count();
        assert_eq!(
            rows,
            LIST_CAP + LIST_CAP + 3,
            "quarantined, merged, skipped"
        );
        assert!(page.contains("… and 205 more records, listed in the JSON report."));
        assert!(page.contains("… and 2 more records, listed in the JSON report."));
        assert!(page.contains("2 skipped records were counted but not listed"));
        // Long lists are folded, short ones open.
        assert!(
            page.contains("<details><summary><code>french_number</code>: 1 203 records</summary>")
        );
        assert!(page.contains("<details open><summary><code>date</code>: 1 record</summary>"));
        assert_eq!(
            page.matches("<details").count(),
            page.matches("</details>").count()
        );
        assert_eq!(page.matches("<tr").count(), page.matches("</tr>").count());

        let page = html(&failed());
        assert!(page.contains("<header class=\"status ko\">"));
        assert!(page.contains("✗ Migration stock: NOT reconciled"));
        assert!(page.contains("Failed: 1 entity not reconciled."));
        assert!(page.contains("Dry run: everything was done"));
        assert!(page.contains(
            "<li><b>article</b>: 15 rows expected from the sources, 16 in the target</li>"
        ));
    }
}
