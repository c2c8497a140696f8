//! The statements of a dump that matter to a migration: `CREATE TABLE` (columns and
//! declared types), `COPY … FROM stdin` and `SET` (INSERT is in [`super::insert`]).

use super::tokens::{Tok, Token, tokenize};

/// A schema-qualified name; unqualified names are in `public`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QualName {
    pub schema: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnDef {
    pub name: String,
    pub declared_type: Option<String>,
    /// `GENERATED ALWAYS AS (…) STORED`: computed, never in the data.
    pub generated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreateTable {
    pub table: QualName,
    /// `None` for `CREATE TABLE … OF type` or `PARTITION OF`, which list no columns.
    pub columns: Option<Vec<ColumnDef>>,
    /// `PARTITION BY`: the rows are in the partitions.
    pub partitioned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Copy {
    pub table: QualName,
    pub columns: Option<Vec<String>>,
    pub from_stdin: bool,
    /// Options after `FROM stdin` (CSV, another delimiter…), which this reader does not take.
    pub options: Option<String>,
}

/// A cursor over the tokens of one statement.
pub(super) struct Cursor<'t> {
    pub tokens: &'t [Token],
    pub i: usize,
}

impl<'t> Cursor<'t> {
    pub(super) fn peek(&self) -> Option<&'t Tok> {
        self.tokens.get(self.i).map(|t| &t.tok)
    }

    pub(super) fn next(&mut self) -> Option<&'t Token> {
        let t = self.tokens.get(self.i);
        self.i += 1;
        t
    }

    pub(super) fn eat_word(&mut self, word: &str) -> bool {
        let hit = self.peek().is_some_and(|t| t.is_word(word));
        if hit {
            self.i += 1;
        }
        hit
    }

    pub(super) fn eat_sym(&mut self, c: char) -> bool {
        let hit = self.peek().is_some_and(|t| t.is_sym(c));
        if hit {
            self.i += 1;
        }
        hit
    }

    pub(super) fn qual_name(&mut self) -> Option<QualName> {
        let first = self.next()?.tok.ident()?.to_owned();
        if self.eat_sym('.') {
            let second = self.next()?.tok.ident()?.to_owned();
            return Some(QualName {
                schema: first,
                name: second,
            });
        }
        Some(QualName {
            schema: "public".into(),
            name: first,
        })
    }

    /// `(a, "B", c)` → names.
    pub(super) fn ident_list(&mut self) -> Option<Vec<String>> {
        if !self.eat_sym('(') {
            return None;
        }
        let mut names = Vec::new();
        loop {
            names.push(self.next()?.tok.ident()?.to_owned());
            if self.eat_sym(')') {
                return Some(names);
            }
            if !self.eat_sym(',') {
                return None;
            }
        }
    }

    /// The tokens up to the `)` closing the group that starts at the cursor (after its `(`),
    /// split at top-level commas, each with the text offset of the `,` or `)` ending it; the
    /// cursor ends after that `)`.
    pub(super) fn group(&mut self) -> Option<Vec<(&'t [Token], usize)>> {
        let mut items = Vec::new();
        let mut depth = 0usize;
        let mut start = self.i;
        while let Some(t) = self.tokens.get(self.i) {
            match &t.tok {
                Tok::Sym('(' | '[') => depth += 1,
                Tok::Sym(')') if depth == 0 => {
                    items.push((&self.tokens[start..self.i], t.pos));
                    self.i += 1;
                    return Some(items);
                }
                Tok::Sym(')' | ']') => depth = depth.saturating_sub(1),
                Tok::Sym(',') if depth == 0 => {
                    items.push((&self.tokens[start..self.i], t.pos));
                    start = self.i + 1;
                }
                _ => {}
            }
            self.i += 1;
        }
        None
    }
}

/// The first keywords of a statement, upper-cased, for classification.
pub(crate) fn words(head: &[u8], n: usize) -> Vec<String> {
    head.split(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .filter(|w| !w.is_empty())
        .take(n)
        .map(|w| String::from_utf8_lossy(w).to_ascii_uppercase())
        .collect()
}

pub(crate) fn parse_create_table(text: &str) -> Option<CreateTable> {
    let tokens = tokenize(text, true).ok()?;
    let mut c = Cursor {
        tokens: &tokens,
        i: 0,
    };
    if !c.eat_word("create") {
        return None;
    }
    let _ = c.eat_word("global") || c.eat_word("local");
    let _ = c.eat_word("temporary") || c.eat_word("temp") || c.eat_word("unlogged");
    if !c.eat_word("table") {
        return None;
    }
    if c.eat_word("if") && !(c.eat_word("not") && c.eat_word("exists")) {
        return None;
    }
    let table = c.qual_name()?;
    if !c.eat_sym('(') {
        return Some(CreateTable {
            table,
            columns: None,
            partitioned: false,
        });
    }
    let mut columns = Vec::new();
    for (element, _) in c.group()? {
        if let Some(column) = column_def(element) {
            columns.push(column);
        }
    }
    let partitioned = tokens[c.i..]
        .windows(2)
        .any(|w| w[0].tok.is_word("partition") && w[1].tok.is_word("by"));
    Some(CreateTable {
        table,
        columns: Some(columns),
        partitioned,
    })
}

const CONSTRAINT_WORDS: &[&str] = &[
    "collate",
    "default",
    "not",
    "null",
    "constraint",
    "check",
    "unique",
    "primary",
    "references",
    "generated",
    "compression",
    "storage",
];

const TABLE_CONSTRAINTS: &[&str] = &[
    "constraint",
    "primary",
    "unique",
    "check",
    "foreign",
    "exclude",
    "like",
];

fn column_def(element: &[Token]) -> Option<ColumnDef> {
    let first = element.first()?;
    if let Tok::Word(w) = &first.tok
        && TABLE_CONSTRAINTS.contains(&w.as_str())
    {
        return None;
    }
    let name = first.tok.ident()?.to_owned();
    let rest = &element[1..];
    let mut depth = 0usize;
    let end = rest
        .iter()
        .position(|t| {
            match &t.tok {
                Tok::Sym('(' | '[') => depth += 1,
                Tok::Sym(')' | ']') => depth = depth.saturating_sub(1),
                Tok::Word(w) if depth == 0 => return CONSTRAINT_WORDS.contains(&w.as_str()),
                _ => {}
            }
            false
        })
        .unwrap_or(rest.len());
    let declared_type = type_text(&rest[..end]);
    let generated = rest[end..].windows(4).any(|w| {
        w[0].tok.is_word("generated")
            && w[1].tok.is_word("always")
            && w[2].tok.is_word("as")
            && w[3].tok.is_sym('(')
    });
    Some(ColumnDef {
        name,
        declared_type: (!declared_type.is_empty()).then_some(declared_type),
        generated,
    })
}

/// Type tokens as `format_type` spells them: `character varying(10)`, `numeric(12,2)`,
/// `timestamp(0) without time zone`, `integer[]`, `"GESCOM".montant`.
fn type_text(tokens: &[Token]) -> String {
    let mut out = String::new();
    let mut glue = true;
    for t in tokens {
        let piece = match &t.tok {
            Tok::Word(w) | Tok::Num(w) | Tok::Op(w) => w.clone(),
            Tok::Quoted(q) => format!("\"{}\"", q.replace('"', "\"\"")),
            Tok::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Tok::Sym(c) => c.to_string(),
        };
        let tight = matches!(t.tok, Tok::Sym('(' | ')' | ',' | '.' | '[' | ']'));
        if !glue && !tight {
            out.push(' ');
        }
        out.push_str(&piece);
        glue = matches!(t.tok, Tok::Sym('(' | '.' | '[' | ','));
    }
    out
}

pub(crate) fn parse_copy(text: &str) -> Option<Copy> {
    let tokens = tokenize(text, true).ok()?;
    let mut c = Cursor {
        tokens: &tokens,
        i: 0,
    };
    if !c.eat_word("copy") {
        return None;
    }
    let table = c.qual_name()?;
    let columns = if c.peek().is_some_and(|t| t.is_sym('(')) {
        Some(c.ident_list()?)
    } else {
        None
    };
    let from_stdin = c.eat_word("from") && c.eat_word("stdin");
    let rest: Vec<&Token> = tokens[c.i..]
        .iter()
        .filter(|t| !t.tok.is_sym(';'))
        .collect();
    let options =
        (!rest.is_empty()).then(|| text[rest[0].pos..].trim().trim_end_matches(';').to_owned());
    Some(Copy {
        table,
        columns,
        from_stdin,
        options,
    })
}

/// `SET name = value` / `SET name TO value` → (lower-case name, value as written).
pub(crate) fn parse_set(text: &str) -> Option<(String, String)> {
    let tokens = tokenize(text, true).ok()?;
    let mut c = Cursor {
        tokens: &tokens,
        i: 0,
    };
    if !c.eat_word("set") {
        return None;
    }
    let _ = c.eat_word("session") || c.eat_word("local");
    let name = c.next()?.tok.ident()?.to_owned();
    if !(c.eat_word("to") || c.peek().is_some_and(|t| *t == Tok::Op("=".into()))) {
        return None;
    }
    if c.peek().is_some_and(|t| matches!(t, Tok::Op(_))) {
        c.i += 1;
    }
    let value = match &c.next()?.tok {
        Tok::Word(w) | Tok::Quoted(w) | Tok::Str(w) | Tok::Num(w) => w.clone(),
        _ => return None,
    };
    Some((name.to_ascii_lowercase(), value))
}
