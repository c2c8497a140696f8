//! Names: finding a table by the name a mapping gives (`schema.name`,
//! `"GESCOM"."FOURNISSEUR"`, or the bare name when only one schema has it), quoting
//! identifiers, and naming a database by its URL without the password.

use super::tokens::{Tok, tokenize};

/// The index in `tables` (pairs of schema and name) of the table `requested` names.
pub(crate) fn resolve(tables: &[(&str, &str)], requested: &str) -> Option<usize> {
    let requested = requested.trim();
    if let Some(i) = tables
        .iter()
        .position(|(s, n)| format!("{s}.{n}") == requested)
    {
        return Some(i);
    }
    let unique = |hits: Vec<usize>| (hits.len() == 1).then(|| hits[0]);
    if let Some((schema, name)) = sql_name(requested) {
        let hits = tables
            .iter()
            .enumerate()
            .filter(|(_, (s, n))| *n == name && schema.as_deref().is_none_or(|schema| *s == schema))
            .map(|(i, _)| i)
            .collect();
        if let Some(i) = unique(hits) {
            return Some(i);
        }
    }
    let lower = requested.to_lowercase();
    let hits = tables
        .iter()
        .enumerate()
        .filter(|(_, (s, n))| {
            format!("{s}.{n}").to_lowercase() == lower || n.to_lowercase() == lower
        })
        .map(|(i, _)| i)
        .collect();
    unique(hits)
}

/// `a.b`, `"A"."B"`, `b` as SQL would read them (schema, name).
fn sql_name(requested: &str) -> Option<(Option<String>, String)> {
    let tokens = tokenize(requested, true).ok()?;
    match tokens.as_slice() {
        [name] => Some((None, name.tok.ident()?.to_owned())),
        [schema, dot, name] if dot.tok == Tok::Sym('.') => Some((
            Some(schema.tok.ident()?.to_owned()),
            name.tok.ident()?.to_owned(),
        )),
        _ => None,
    }
}

/// The names of `tables`, for a "no such table" message.
pub(crate) fn available(tables: &[(&str, &str)]) -> String {
    let names: Vec<String> = tables.iter().map(|(s, n)| format!("{s}.{n}")).collect();
    if names.is_empty() {
        "no table".to_owned()
    } else {
        names.join(", ")
    }
}

/// `name` as a quoted SQL identifier.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The URL without its password, and the password's spellings to scrub from messages.
pub(crate) fn redact(url: &str) -> (String, Vec<String>) {
    let mut secrets = Vec::new();
    let Some((scheme, rest)) = url.split_once("://") else {
        // `host=… password=…`: keep the other settings.
        let kept: Vec<&str> = url
            .split_whitespace()
            .filter(|p| match p.strip_prefix("password=") {
                Some(value) => {
                    secrets.push(value.trim_matches('\'').to_owned());
                    false
                }
                None => true,
            })
            .collect();
        return (kept.join(" "), secrets);
    };
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (mut authority, tail) = (rest[..split].to_owned(), &rest[split..]);
    if let Some((userinfo, host)) = authority.rsplit_once('@')
        && let Some((user, password)) = userinfo.split_once(':')
    {
        secrets.push(password.to_owned());
        authority = format!("{user}@{host}");
    }
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| match p.split_once('=') {
            Some(("password", value)) => {
                secrets.push(value.to_owned());
                false
            }
            _ => true,
        })
        .collect();
    let decoded: Vec<String> = secrets.iter().map(|s| percent_decode(s)).collect();
    secrets.extend(decoded);
    secrets.retain(|s| !s.is_empty());
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    (format!("{scheme}://{authority}{path}{query}"), secrets)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(value)) => {
                out.push(value);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn scrub(message: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .fold(message.to_owned(), |m, s| m.replace(s.as_str(), "***"))
}
