//! List requests: the documented subset of AIP-160 filters, `order_by` and paging,
//! turned into a [`ListQuery`] whose values are bound parameters, never SQL text.
//!
//! Filter grammar (keywords upper-case, as in AIP-160):
//! ```text
//! filter     := group { [AND] group }        -- juxtaposition means AND
//! group      := term { OR term }             -- OR binds tighter than AND
//! term       := [NOT | -] comparison | "(" group ")"
//! comparison := field op value
//! op         := = | != | < | <= | > | >= | :  -- ":" means "contains" for text
//! value      := "quoted" | 'quoted' | word   -- word: number, true, false, null,
//!                                            -- an enum name, a date 2025-01-31
//! ```
//! `*` in a text value compared with `=` is a wildcard (`name = "Vis*"`); text matches
//! ignore case.

use bascule_platform::db::record::PageRequest;
use bascule_platform::db::search::{Comparison, Criteria, Op, Order};
use bascule_platform::db::{Kind, Value};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::ApiError;

/// How a field of the API is stored and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// Text restricted to these names.
    Enum(&'static [&'static str]),
    Decimal,
    Int,
    Bool,
    Timestamp,
    Date,
}

/// A field a List accepts in `filter` and, when `orderable`, in `order_by`.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The name in the API.
    pub name: &'static str,
    /// The column that holds it.
    pub column: &'static str,
    pub kind: FieldKind,
    /// Only required columns can order a paged list.
    pub orderable: bool,
}

impl Field {
    pub const fn new(name: &'static str, column: &'static str, kind: FieldKind) -> Self {
        Field {
            name,
            column,
            kind,
            orderable: false,
        }
    }

    pub const fn orderable(self) -> Self {
        Field {
            orderable: true,
            ..self
        }
    }
}

/// A List request once checked: what the store needs to run it.
#[derive(Debug, Clone)]
pub struct ListParams {
    pub criteria: Criteria,
    pub order: Option<Order>,
    pub page: PageRequest,
}

/// Checks a List request's paging, filter and order against the fields it allows.
pub fn list_params(
    fields: &[Field],
    page_size: i32,
    page_token: &str,
    filter: &str,
    order_by: &str,
) -> Result<ListParams, ApiError> {
    let size = u32::try_from(page_size)
        .map_err(|_| ApiError::invalid("page_size", "must not be negative"))?;
    Ok(ListParams {
        criteria: parse_filter(fields, filter)?,
        order: parse_order(fields, order_by)?,
        page: PageRequest {
            size,
            token: Some(page_token.to_owned()).filter(|t| !t.is_empty()),
        },
    })
}

fn names(fields: &[Field], only_orderable: bool) -> String {
    fields
        .iter()
        .filter(|f| f.orderable || !only_orderable)
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `field` or `field desc` (or `asc`); one field, as lists page on one column.
pub fn parse_order(fields: &[Field], order_by: &str) -> Result<Option<Order>, ApiError> {
    let words: Vec<&str> = order_by.split_whitespace().collect();
    let (name, descending) = match words.as_slice() {
        [] => return Ok(None),
        [name] => (*name, false),
        [name, dir] if dir.eq_ignore_ascii_case("asc") => (*name, false),
        [name, dir] if dir.eq_ignore_ascii_case("desc") => (*name, true),
        _ => {
            return Err(ApiError::invalid(
                "order_by",
                "expected one field, optionally followed by asc or desc",
            ));
        }
    };
    let field = fields
        .iter()
        .find(|f| f.name == name && f.orderable)
        .ok_or_else(|| {
            ApiError::invalid(
                "order_by",
                format!(
                    "cannot order by {name:?}; possible: {}",
                    names(fields, true)
                ),
            )
        })?;
    Ok(Some(Order {
        column: field.column,
        descending,
    }))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Op(&'static str),
    Open,
    Close,
}

fn tokens(filter: &str) -> Result<Vec<Token>, ApiError> {
    let mut out = Vec::new();
    let chars: Vec<char> = filter.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '"' | '\'' => {
                let quote = c;
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(ApiError::invalid(
                                "filter",
                                format!("unterminated string: add the closing {quote}"),
                            ));
                        }
                        Some('\\') => {
                            if let Some(next) = chars.get(i + 1) {
                                text.push(*next);
                            }
                            i += 2;
                        }
                        Some(ch) if *ch == quote => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            text.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Token::Quoted(text));
            }
            '<' | '>' | '!' | '=' | ':' => {
                let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
                let op = match two.as_str() {
                    "<=" => "<=",
                    ">=" => ">=",
                    "!=" => "!=",
                    _ => match c {
                        '<' => "<",
                        '>' => ">",
                        '=' => "=",
                        ':' => ":",
                        _ => {
                            return Err(ApiError::invalid(
                                "filter",
                                "'!' must be followed by '=' (use NOT to negate)",
                            ));
                        }
                    },
                };
                i += op.len();
                out.push(Token::Op(op));
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !"()<>!=:\"'".contains(chars[i])
                {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    fields: &'a [Field],
    tokens: Vec<Token>,
    at: usize,
}

/// Parses a filter into conditions on columns; an empty filter matches everything.
pub fn parse_filter(fields: &[Field], filter: &str) -> Result<Criteria, ApiError> {
    let mut p = Parser {
        fields,
        tokens: tokens(filter)?,
        at: 0,
    };
    let mut all_of = Vec::new();
    while p.at < p.tokens.len() {
        if p.peek_word("AND") {
            if all_of.is_empty() {
                return Err(ApiError::invalid(
                    "filter",
                    "AND needs a condition before it",
                ));
            }
            p.at += 1;
        }
        all_of.push(p.group()?);
    }
    Ok(Criteria { all_of })
}

impl Parser<'_> {
    fn peek_word(&self, keyword: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w == keyword)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn group(&mut self) -> Result<Vec<Comparison>, ApiError> {
        let mut any_of = self.term()?;
        while self.peek_word("OR") {
            self.at += 1;
            any_of.extend(self.term()?);
        }
        Ok(any_of)
    }

    fn term(&mut self) -> Result<Vec<Comparison>, ApiError> {
        match self.tokens.get(self.at) {
            Some(Token::Open) => {
                self.at += 1;
                let inner = self.group()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(ApiError::invalid(
                        "filter",
                        "expected ')': parentheses may only group conditions joined by OR",
                    )),
                }
            }
            Some(Token::Word(w)) if w == "NOT" => {
                self.at += 1;
                Ok(vec![negate(self.comparison()?)?])
            }
            Some(Token::Word(w)) if w.starts_with('-') && w.len() > 1 => {
                let field = w[1..].to_owned();
                self.tokens[self.at] = Token::Word(field);
                Ok(vec![negate(self.comparison()?)?])
            }
            _ => Ok(vec![self.comparison()?]),
        }
    }

    fn comparison(&mut self) -> Result<Comparison, ApiError> {
        let name = match self.next() {
            Some(Token::Word(w)) if !matches!(w.as_str(), "AND" | "OR" | "NOT") => w,
            Some(other) => {
                return Err(ApiError::invalid(
                    "filter",
                    format!("expected a field name, found {}", describe(&other)),
                ));
            }
            None => {
                return Err(ApiError::invalid(
                    "filter",
                    "expected a condition at the end",
                ));
            }
        };
        let field = *self.fields.iter().find(|f| f.name == name).ok_or_else(|| {
            ApiError::invalid(
                "filter",
                format!(
                    "unknown field {name:?}; possible: {}",
                    names(self.fields, false)
                ),
            )
        })?;
        let op = match self.next() {
            Some(Token::Op(op)) => op,
            _ => {
                return Err(ApiError::invalid(
                    "filter",
                    format!("expected an operator (=, !=, <, <=, >, >=, :) after {name}"),
                ));
            }
        };
        let (literal, quoted) = match self.next() {
            Some(Token::Word(w)) => (w, false),
            Some(Token::Quoted(q)) => (q, true),
            _ => {
                return Err(ApiError::invalid(
                    "filter",
                    format!("expected a value after {name} {op}"),
                ));
            }
        };
        compare(field, op, &literal, quoted)
    }
}

fn describe(t: &Token) -> String {
    match t {
        Token::Word(w) => format!("{w:?}"),
        Token::Quoted(q) => format!("\"{q}\""),
        Token::Op(op) => format!("'{op}'"),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
    }
}

fn negate(c: Comparison) -> Result<Comparison, ApiError> {
    let op = match c.op {
        Op::Eq => Op::Ne,
        Op::Ne => Op::Eq,
        Op::Lt => Op::Ge,
        Op::Le => Op::Gt,
        Op::Gt => Op::Le,
        Op::Ge => Op::Lt,
        Op::Matches => {
            return Err(ApiError::invalid(
                "filter",
                "NOT cannot negate a text pattern",
            ));
        }
    };
    Ok(Comparison { op, ..c })
}

fn compare(field: Field, op: &str, literal: &str, quoted: bool) -> Result<Comparison, ApiError> {
    let bad = |why: String| ApiError::invalid("filter", format!("{}: {why}", field.name));
    let kind = kind_of(field.kind);
    if !quoted && literal == "null" {
        let op = match op {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            _ => return Err(bad("only = and != compare with null".into())),
        };
        return Ok(Comparison {
            column: field.column,
            op,
            value: Value::Null(kind),
        });
    }
    let value = match field.kind {
        FieldKind::Text => Value::Text(literal.to_owned()),
        FieldKind::Enum(allowed) => {
            if !allowed.contains(&literal) {
                return Err(bad(format!(
                    "{literal:?} is not one of {}",
                    allowed.join(", ")
                )));
            }
            Value::Text(literal.to_owned())
        }
        FieldKind::Decimal => Value::Decimal(
            literal
                .parse::<Decimal>()
                .map_err(|_| bad(format!("{literal:?} is not a number")))?,
        ),
        FieldKind::Int => Value::Int(
            literal
                .parse::<i64>()
                .map_err(|_| bad(format!("{literal:?} is not a whole number")))?,
        ),
        FieldKind::Bool => match literal {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad(format!("{literal:?} is not true or false"))),
        },
        FieldKind::Timestamp => Value::Timestamp(parse_time(literal).ok_or_else(|| {
            bad(format!(
                "{literal:?} is not a date (2025-01-31) or a time (2025-01-31T08:00:00Z)"
            ))
        })?),
        FieldKind::Date => Value::Date(
            NaiveDate::parse_from_str(literal, "%Y-%m-%d")
                .map_err(|_| bad(format!("{literal:?} is not a date such as 2025-01-31")))?,
        ),
    };
    let text = matches!(field.kind, FieldKind::Text);
    let op = match op {
        ":" if text => Op::Matches,
        ":" => return Err(bad("':' (contains) applies to text fields only".into())),
        "=" if text && literal.contains('*') => Op::Matches,
        "=" => Op::Eq,
        "!=" => Op::Ne,
        "<" => Op::Lt,
        "<=" => Op::Le,
        ">" => Op::Gt,
        ">=" => Op::Ge,
        other => return Err(bad(format!("unknown operator {other}"))),
    };
    let value = match (op, value) {
        (Op::Matches, Value::Text(t)) if !t.contains('*') => Value::Text(format!("*{t}*")),
        (_, v) => v,
    };
    Ok(Comparison {
        column: field.column,
        op,
        value,
    })
}

fn kind_of(kind: FieldKind) -> Kind {
    match kind {
        FieldKind::Text | FieldKind::Enum(_) => Kind::Text,
        FieldKind::Decimal => Kind::Decimal,
        FieldKind::Int => Kind::Int,
        FieldKind::Bool => Kind::Bool,
        FieldKind::Timestamp => Kind::Timestamp,
        FieldKind::Date => Kind::Date,
    }
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] = &[
        Field::new("code", "code", FieldKind::Text).orderable(),
        Field::new("name", "name", FieldKind::Text).orderable(),
        Field::new(
            "kind",
            "kind",
            FieldKind::Enum(&["RAW_MATERIAL", "COMPONENT"]),
        ),
        Field::new("active", "active", FieldKind::Bool),
        Field::new("unit_cost", "unit_cost", FieldKind::Decimal),
        Field::new("create_time", "created_at", FieldKind::Timestamp).orderable(),
    ];

    fn parse(f: &str) -> Result<Criteria, ApiError> {
        parse_filter(FIELDS, f)
    }

    #[test]
    fn ands_of_ors_with_typed_values() {
        let c = parse(r#"kind = RAW_MATERIAL active=true (unit_cost > 2.5 OR unit_cost = null)"#)
            .unwrap();
        assert_eq!(c.all_of.len(), 3);
        assert_eq!(c.all_of[0][0].value, Value::Text("RAW_MATERIAL".into()));
        assert_eq!(c.all_of[1][0].value, Value::Bool(true));
        assert_eq!(c.all_of[2].len(), 2);
        assert_eq!(c.all_of[2][0].op, Op::Gt);
        assert!(c.all_of[2][1].value.is_null());
        let c = parse("code = A OR code = B AND NOT active = true").unwrap();
        assert_eq!(c.all_of.len(), 2);
        assert_eq!(c.all_of[0].len(), 2);
        assert_eq!(c.all_of[1][0].op, Op::Ne);
        assert_eq!(parse("").unwrap().all_of.len(), 0);
    }

    #[test]
    fn text_patterns_and_times() {
        let c = parse(r#"name:"vis" code = "MP-*" create_time >= 2025-01-31"#).unwrap();
        assert_eq!(c.all_of[0][0].op, Op::Matches);
        assert_eq!(c.all_of[0][0].value, Value::Text("*vis*".into()));
        assert_eq!(c.all_of[1][0].op, Op::Matches);
        assert_eq!(c.all_of[2][0].column, "created_at");
        assert!(matches!(c.all_of[2][0].value, Value::Timestamp(_)));
    }

    #[test]
    fn refuses_unknown_fields_bad_values_and_injection() {
        for bad in [
            "password = x",
            "kind = BANANA",
            "active = yes",
            "unit_cost > cheap",
            "code = 'x' OR 1=1",
            "code = 'x'; DROP TABLE article",
            "code = \"unterminated",
            "(code = A AND name = B)",
            "code =",
            "AND code = A",
            "unit_cost : 3",
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.violations[0].0, "filter", "{bad}");
        }
        // A quote inside a value stays a value: bound, never spliced into SQL.
        let c = parse(r#"name = "O'Brien; DROP TABLE x""#).unwrap();
        assert_eq!(
            c.all_of[0][0].value,
            Value::Text("O'Brien; DROP TABLE x".into())
        );
    }

    #[test]
    fn order_by_one_orderable_field() {
        let o = parse_order(FIELDS, "create_time desc").unwrap().unwrap();
        assert_eq!((o.column, o.descending), ("created_at", true));
        assert!(parse_order(FIELDS, "").unwrap().is_none());
        assert!(parse_order(FIELDS, "kind").is_err());
        assert!(parse_order(FIELDS, "code, name").is_err());
        assert!(list_params(FIELDS, -1, "", "", "").is_err());
    }
}
