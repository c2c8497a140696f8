//! `INSERT INTO … VALUES` statements (`pg_dump --inserts`, `--column-inserts`, multi-row):
//! constants are read as PostgreSQL would; anything else is kept as an expression, which the
//! reader quarantines rather than evaluates.

use super::sql::{Cursor, QualName};
use super::tokens::{Tok, Token, tokenize};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Text(String),
    /// `DEFAULT`, as pg_dump writes for generated columns.
    Default,
    /// Anything but a constant (`now()`, `ARRAY[…]`…): quarantined, not evaluated.
    Expr(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InsertRow {
    /// Byte offset of the row's `(` in the statement text.
    pub pos: usize,
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Insert {
    pub table: QualName,
    pub columns: Option<Vec<String>>,
    /// The rows, or why they cannot be read (`INSERT … SELECT`, `DEFAULT VALUES`).
    pub rows: Result<Vec<InsertRow>, String>,
}

pub(crate) fn parse_insert(text: &str, std_strings: bool) -> Option<Insert> {
    let tokens = tokenize(text, std_strings).ok()?;
    let mut c = Cursor {
        tokens: &tokens,
        i: 0,
    };
    if !(c.eat_word("insert") && c.eat_word("into")) {
        return None;
    }
    let table = c.qual_name()?;
    if c.eat_word("as") {
        c.next()?;
    }
    let columns = if c.peek().is_some_and(|t| t.is_sym('(')) {
        Some(c.ident_list()?)
    } else {
        None
    };
    if c.eat_word("overriding") {
        c.i += 2;
    }
    if !c.eat_word("values") {
        let rows = Err(format!("only INSERT … VALUES is read: {}", text.trim()));
        return Some(Insert {
            table,
            columns,
            rows,
        });
    }
    let mut rows = Vec::new();
    loop {
        let pos = c.tokens.get(c.i).map_or(0, |t| t.pos);
        if !c.eat_sym('(') {
            break;
        }
        let Some(items) = c.group() else {
            return Some(Insert {
                table,
                columns,
                rows: Err("unbalanced parentheses in VALUES".into()),
            });
        };
        let values = items
            .iter()
            .map(|(item, end)| value(item, text, *end))
            .collect();
        rows.push(InsertRow { pos, values });
        if !c.eat_sym(',') {
            break;
        }
    }
    Some(Insert {
        table,
        columns,
        rows: Ok(rows),
    })
}

/// One VALUES item: `NULL`, `DEFAULT`, `true`, `-12.5`, `'text'`, `'1'::integer`,
/// `DATE '2020-01-01'`; anything else is kept as an expression. `end` is where the item
/// ends in `text`.
fn value(item: &[Token], text: &str, end: usize) -> Value {
    let cast = item
        .iter()
        .position(|t| matches!(&t.tok, Tok::Op(op) if op == "::"))
        .unwrap_or(item.len());
    let parsed = match &item[..cast] {
        [t] => match &t.tok {
            Tok::Word(w) if w == "null" => Some(Value::Null),
            Tok::Word(w) if w == "default" => Some(Value::Default),
            Tok::Word(w) if w == "true" || w == "false" => Some(Value::Text(w.clone())),
            Tok::Num(n) | Tok::Str(n) => Some(Value::Text(n.clone())),
            _ => None,
        },
        [sign, n] => match (&sign.tok, &n.tok) {
            (Tok::Op(op), Tok::Num(n)) if op == "-" || op == "+" => {
                Some(Value::Text(format!("{op}{n}")))
            }
            (Tok::Word(_), Tok::Str(s)) => Some(Value::Text(s.clone())),
            _ => None,
        },
        _ => None,
    };
    parsed.unwrap_or_else(|| {
        let start = item.first().map_or(end, |t| t.pos);
        Value::Expr(text.get(start..end).unwrap_or("").trim().to_owned())
    })
}
