//! Templates for the domains' e-mails: a subject, a plain-text part and an optional HTML
//! part, with `{{name}}` placeholders. Values are HTML-escaped in the HTML part and
//! inserted as they are elsewhere; `{{{name}}}` inserts a value the caller built as HTML
//! (escape what it holds with [`escape_html`]). A missing value is an error, never a blank.
//!
//! ```
//! use std::collections::HashMap;
//! use bascule_mail::Template;
//!
//! let t = Template::new(
//!     "Commande {{numero}} confirmée",
//!     "Bonjour {{nom}},\n\nvotre commande {{numero}} est confirmée.",
//! )
//! .with_html("<p>Bonjour {{nom}},</p><p>votre commande <b>{{numero}}</b> est confirmée.</p>");
//! let r = t
//!     .render(&HashMap::from([("nom", "Dupont & fils"), ("numero", "CF-42")]))
//!     .unwrap();
//! assert_eq!(r.subject, "Commande CF-42 confirmée");
//! assert!(r.text.starts_with("Bonjour Dupont & fils,"));
//! assert!(r.html.unwrap().contains("<p>Bonjour Dupont &amp; fils,</p>"));
//! ```

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use crate::outbox::Email;

/// Values looked up by placeholder name.
pub trait Vars {
    fn value(&self, name: &str) -> Option<&str>;
}

impl<K, V, S> Vars for HashMap<K, V, S>
where
    K: Borrow<str> + Hash + Eq,
    V: AsRef<str>,
    S: BuildHasher,
{
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(AsRef::as_ref)
    }
}

impl<K: Borrow<str> + Ord, V: AsRef<str>> Vars for BTreeMap<K, V> {
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(AsRef::as_ref)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Vars for [(K, V)] {
    fn value(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Vars for [(K, V); N] {
    fn value(&self, name: &str) -> Option<&str> {
        self.as_slice().value(name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("template {part}: no value for {{{{{name}}}}}")]
    Missing { part: &'static str, name: String },
    #[error("template {part}: {reason} at character {at}")]
    Syntax {
        part: &'static str,
        reason: String,
        at: usize,
    },
}

/// A French e-mail template (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    subject: String,
    text: String,
    html: Option<String>,
}

/// A rendered template, ready to become an [`Email`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    /// A whole HTML document (`lang="fr"`, UTF-8) around the template's HTML part.
    pub html: Option<String>,
}

impl Rendered {
    pub fn into_email(self, dedup_key: impl Into<String>, to: Vec<String>) -> Email {
        Email {
            dedup_key: dedup_key.into(),
            to,
            cc: Vec::new(),
            subject: self.subject,
            text: self.text,
            html: self.html,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Literal(&'a str),
    Value(&'a str),
    RawHtml(&'a str),
}

fn parse<'a>(part: &'static str, source: &'a str) -> Result<Vec<Piece<'a>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = source;
    let syntax = |rest: &str, reason: &str| TemplateError::Syntax {
        part,
        reason: reason.to_owned(),
        at: source[..source.len() - rest.len()].chars().count(),
    };
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            pieces.push(Piece::Literal(&rest[..start]));
        }
        rest = &rest[start..];
        let (raw, open, close) = if rest.starts_with("{{{") {
            (true, 3, "}}}")
        } else {
            (false, 2, "}}")
        };
        let end = rest[open..]
            .find(close)
            .ok_or_else(|| syntax(rest, &format!("{} without its {close}", &rest[..open])))?;
        let name = rest[open..open + end].trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            return Err(syntax(rest, &format!("{name:?} is not a placeholder name")));
        }
        pieces.push(if raw {
            Piece::RawHtml(name)
        } else {
            Piece::Value(name)
        });
        rest = &rest[open + end + close.len()..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest));
    }
    Ok(pieces)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Subject,
    Text,
    Html,
}

fn fill(
    part: &'static str,
    source: &str,
    vars: &(impl Vars + ?Sized),
    mode: Mode,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(source.len());
    for piece in parse(part, source)? {
        match piece {
            Piece::Literal(s) => out.push_str(s),
            Piece::Value(name) | Piece::RawHtml(name) => {
                let value = vars.value(name).ok_or_else(|| TemplateError::Missing {
                    part,
                    name: name.to_owned(),
                })?;
                match (mode, piece) {
                    (Mode::Html, Piece::Value(_)) => out.push_str(&escape_html(value)),
                    (Mode::Subject, _) => {
                        out.push_str(&value.split_whitespace().collect::<Vec<_>>().join(" "));
                    }
                    _ => out.push_str(value),
                }
            }
        }
    }
    Ok(out)
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Template {
    pub fn new(subject: impl Into<String>, text: impl Into<String>) -> Template {
        Template {
            subject: subject.into(),
            text: text.into(),
            html: None,
        }
    }

    /// Adds an HTML part: the inside of `<body>`, which [`Template::render`] puts in a
    /// French HTML document.
    pub fn with_html(mut self, body: impl Into<String>) -> Template {
        self.html = Some(body.into());
        self
    }

    /// Every placeholder name the template uses, sorted, without repeats.
    pub fn variables(&self) -> Result<Vec<String>, TemplateError> {
        let mut names = Vec::new();
        let parts = [
            ("subject", Some(&self.subject)),
            ("text", Some(&self.text)),
            ("html", self.html.as_ref()),
        ];
        for (part, source) in parts {
            if let Some(source) = source {
                for piece in parse(part, source)? {
                    if let Piece::Value(n) | Piece::RawHtml(n) = piece {
                        names.push(n.to_owned());
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    pub fn render(&self, vars: &(impl Vars + ?Sized)) -> Result<Rendered, TemplateError> {
        let subject = fill("subject", &self.subject, vars, Mode::Subject)?;
        let text = fill("text", &self.text, vars, Mode::Text)?;
        let html = match &self.html {
            Some(body) => {
                let body = fill("html", body, vars, Mode::Html)?;
                Some(format!(
                    "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
                     <title>{}</title>\n</head>\n\
                     <body style=\"font-family: Arial, Helvetica, sans-serif; font-size: 14px; color: #222;\">\n\
                     {body}\n</body>\n</html>\n",
                    escape_html(&subject)
                ))
            }
            None => None,
        };
        Ok(Rendered {
            subject,
            text,
            html,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_part_and_escapes_only_html() {
        let t = Template::new(
            "Livraison {{ numero }} : {{client}}",
            "Bonjour,\n{{client}} recevra {{quantite}} pièces.\n",
        )
        .with_html("<p>{{client}} recevra <b>{{quantite}}</b> pièces.</p>{{{lignes}}}");
        let vars = [
            ("numero", "BL-7"),
            ("client", "Durand <Père & Fils>\n"),
            ("quantite", "1 250,5"),
            ("lignes", "<ul><li>Vis M6</li></ul>"),
        ];
        let r = t.render(&vars).unwrap();
        assert_eq!(r.subject, "Livraison BL-7 : Durand <Père & Fils>");
        assert_eq!(
            r.text,
            "Bonjour,\nDurand <Père & Fils>\n recevra 1 250,5 pièces.\n"
        );
        let html = r.html.unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"),
            "{html}"
        );
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(
            html.contains("<title>Livraison BL-7 : Durand &lt;Père &amp; Fils&gt;</title>"),
            "{html}"
        );
        assert!(
            html.contains("<p>Durand &lt;Père &amp; Fils&gt;\n recevra <b>1 250,5</b> pièces.</p><ul><li>Vis M6</li></ul>"),
            "{html}"
        );
        assert_eq!(
            t.variables().unwrap(),
            vec!["client", "lignes", "numero", "quantite"]
        );
    }

    #[test]
    fn a_missing_value_or_a_broken_placeholder_is_an_error() {
        let t = Template::new("Objet {{a}}", "Texte {{b}}");
        let err = t.render(&HashMap::from([("a", "1")])).unwrap_err();
        assert_eq!(
            err,
            TemplateError::Missing {
                part: "text",
                name: "b".into()
            }
        );
        assert_eq!(err.to_string(), "template text: no value for {{b}}");
        let err = Template::new("Objet {{a", "x")
            .render(&[("a", "1")])
            .unwrap_err();
        assert!(err.to_string().contains("at character 6"), "{err}");
        assert!(Template::new("{{}}", "x").render(&[("a", "1")]).is_err());
        assert!(Template::new("{{a b}}", "x").render(&[("a", "1")]).is_err());
        // Single braces are text.
        let r = Template::new("{a} }}", "{ {{a}} }")
            .render(&BTreeMap::from([("a".to_owned(), "1".to_owned())]))
            .unwrap();
        assert_eq!((r.subject.as_str(), r.text.as_str()), ("{a} }}", "{ 1 }"));
        assert_eq!(r.html, None);
    }

    #[test]
    fn escapes_the_five_html_specials() {
        assert_eq!(
            escape_html(r#"<a href="x">l'été & co</a>"#),
            "&lt;a href=&quot;x&quot;&gt;l&#39;été &amp; co&lt;/a&gt;"
        );
    }

    #[test]
    fn a_rendered_template_becomes_an_email() {
        let e = Template::new("S", "T")
            .render(&[("x", "y")])
            .unwrap()
            .into_email("k", vec!["a@exemple.fr".into()]);
        assert_eq!(e.dedup_key, "k");
        assert_eq!(e.to, vec!["a@exemple.fr".to_owned()]);
        assert_eq!((e.subject.as_str(), e.text.as_str()), ("S", "T"));
    }
}
