//! The reactivation report as one self-contained HTML page, for the people who sign
//! the switch-over off.

use super::outcome::{Group, ReactivationReport};

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn render(r: &ReactivationReport) -> String {
    let verdict = if r.switched_live {
        format!("{} switched live", r.domain)
    } else if r.passed {
        "all checks passed (not switched: --check-only)".to_owned()
    } else {
        format!("{} stays verified: a check failed", r.domain)
    };
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Reactivation of {domain}</title><style>\
         body{{font-family:sans-serif;margin:2em;max-width:70em}}\
         table{{border-collapse:collapse;width:100%;margin-bottom:1.5em}}\
         td,th{{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}}\
         .ok{{color:#0a6b0a}}.ko{{color:#b00020;font-weight:bold}}</style></head><body>\
         <h1>Reactivation of {domain}</h1><p class=\"{class}\">{verdict}</p>\
         <p>Report {id}, by {by}, {started} → {finished}; service {server}; migration run {run}.</p>",
        domain = escape(&r.domain),
        class = if r.passed { "ok" } else { "ko" },
        verdict = escape(&verdict),
        id = escape(&r.id),
        by = escape(&r.by),
        started = escape(&r.started_at),
        finished = escape(&r.finished_at),
        server = escape(&r.server),
        run = escape(r.run_id.as_deref().unwrap_or("none")),
    );
    for group in [Group::Integrity, Group::Processes, Group::Communications] {
        html.push_str(&format!(
            "<h2>{}</h2><table><tr><th>check</th><th>result</th><th>detail</th><th>what to do</th><th>ms</th></tr>",
            group.title()
        ));
        for c in r.checks.iter().filter(|c| c.group == group) {
            html.push_str(&format!(
                "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{:.0}</td></tr>",
                escape(&c.name),
                if c.passed { "ok" } else { "ko" },
                if c.passed { "passed" } else { "FAILED" },
                escape(&c.detail),
                escape(c.remedy.as_deref().unwrap_or("")),
                c.duration_ms
            ));
        }
        html.push_str("</table>");
    }
    html.push_str("<h2>Records created by the checks, then removed</h2><table><tr><th>table</th><th>rows</th></tr>");
    for removed in &r.cleanup {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(&removed.table),
            removed.rows
        ));
    }
    html.push_str("</table></body></html>\n");
    html
}
