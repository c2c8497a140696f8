//! List queries as the services ask them: conditions (an AND of ORs of comparisons),
//! an order on one column in either direction, and keyset pages whose token is bound to
//! the query that produced it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::record::{
    Filter, Page, PageRequest, Record, Stored, decode, select_columns, select_head,
};
use super::{DbError, SqlBuilder, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Text matching with `*` as wildcard, ignoring case.
    Matches,
}

impl Op {
    fn sql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Matches => "LIKE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub column: &'static str,
    pub op: Op,
    pub value: Value,
}

/// Conditions: every inner list is an OR of comparisons, and the lists are ANDed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Criteria {
    pub all_of: Vec<Vec<Comparison>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub column: &'static str,
    pub descending: bool,
}

#[derive(Debug)]
pub struct ListQuery<'a> {
    /// Equality conditions fixed by the caller (a parent resource, say).
    pub fixed: Filter<'a>,
    pub criteria: Criteria,
    /// `None`: the entity's own order.
    pub order: Option<Order>,
    pub page: &'a PageRequest,
}

#[derive(Serialize, Deserialize)]
struct Position {
    /// The order column's value of the last row returned.
    o: Value,
    i: String,
    /// A digest of the query, so that a token is refused with another filter or order.
    q: String,
}

fn fingerprint(q: &ListQuery<'_>, order: Order) -> String {
    let text = format!("{:?}|{:?}|{:?}", q.fixed, q.criteria, order);
    let digest = Sha256::digest(text.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..12])
}

/// `*` becomes `%`; the characters LIKE treats specially are escaped with `\`.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' => out.push('%'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.to_lowercase()
}

/// The expression that compares and orders a column by its value: SQLite keeps
/// decimals as text (to keep every digit), which would order "19.6" after "100".
fn sortable<T: Record>(dialect: super::Dialect, column: &str) -> String {
    let decimal = T::table_def()
        .column(column)
        .is_some_and(|c| c.ty.kind() == super::Kind::Decimal);
    if decimal && dialect == super::Dialect::Sqlite {
        format!("CAST({column} AS REAL)")
    } else {
        column.to_owned()
    }
}

fn push_comparison<T: Record>(b: &mut SqlBuilder, c: &Comparison) -> Result<(), DbError> {
    let column = &sortable::<T>(b.dialect(), c.column);
    match (&c.value, c.op) {
        (Value::Null(_), Op::Eq) => {
            b.push(&format!("{column} IS NULL"));
        }
        (Value::Null(_), Op::Ne) => {
            b.push(&format!("{column} IS NOT NULL"));
        }
        (Value::Null(_), _) => {
            return Err(DbError::Decode(format!(
                "{column}: only = and != compare with null"
            )));
        }
        (Value::Text(t), Op::Matches) => {
            b.push(&format!("LOWER({column}) LIKE "))
                .bind(like_pattern(t))
                .push(" ESCAPE '\\'");
        }
        (_, Op::Matches) => {
            return Err(DbError::Decode(format!(
                "{column}: only text matches a pattern"
            )));
        }
        (value, op) => {
            b.push(&format!("{column} {} ", op.sql()))
                .bind(value.clone());
        }
    }
    Ok(())
}

/// One page of the records matching `q`, ordered by its order column then id.
pub async fn search<T: Record>(
    e: &mut impl super::Exec,
    q: &ListQuery<'_>,
) -> Result<Page<Stored<T>>, DbError> {
    let order = q.order.unwrap_or(Order {
        column: T::ORDER_BY,
        descending: false,
    });
    let order_def = T::table_def()
        .column(order.column)
        .ok_or_else(|| DbError::Decode(format!("no column {} to order by", order.column)))?;
    if order_def.nullable {
        return Err(DbError::Decode(format!(
            "cannot page in the order of {}, which may be empty",
            order.column
        )));
    }
    let size = q.page.effective_size();
    let digest = fingerprint(q, order);
    let mut b = SqlBuilder::new(e.dialect());
    select_head::<T>(&mut b);
    let mut first = true;
    let mut and = |b: &mut SqlBuilder| {
        b.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    for (column, value) in q.fixed {
        and(&mut b);
        if value.is_null() {
            b.push(&format!("{column} IS NULL"));
        } else {
            b.push(&format!("{column} = ")).bind(value.clone());
        }
    }
    for any_of in &q.criteria.all_of {
        if any_of.is_empty() {
            continue;
        }
        and(&mut b);
        b.push("(");
        for (i, c) in any_of.iter().enumerate() {
            if i > 0 {
                b.push(" OR ");
            }
            push_comparison::<T>(&mut b, c)?;
        }
        b.push(")");
    }
    if let Some(token) = q.page.token.as_deref().filter(|t| !t.is_empty()) {
        let position: Position = URL_SAFE_NO_PAD
            .decode(token)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(DbError::InvalidPageToken)?;
        if position.q != digest || position.o.kind() != order_def.ty.kind() {
            return Err(DbError::InvalidPageToken);
        }
        let cmp = if order.descending { "<" } else { ">" };
        let column = &sortable::<T>(b.dialect(), order.column);
        and(&mut b);
        b.push(&format!("({column} {cmp} "))
            .bind(position.o.clone())
            .push(&format!(" OR ({column} = "))
            .bind(position.o)
            .push(&format!(" AND id {cmp} "))
            .bind(position.i)
            .push("))");
    }
    let direction = if order.descending { " DESC" } else { "" };
    b.push(&format!(
        " ORDER BY {}{direction}, id{direction} ",
        sortable::<T>(b.dialect(), order.column)
    ));
    b.push(&e.dialect().limit(size + 1));
    let mut rows = e.fetch(b.query(&select_columns::<T>())).await?;
    let more = rows.len() as u64 > size;
    rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    let columns = &T::table_def().columns;
    let order_index = columns.iter().position(|c| c.name == order.column);
    let id_index = columns.iter().position(|c| c.name == "id");
    let next_token = match (more, rows.last(), order_index, id_index) {
        (true, Some(last), Some(o), Some(i)) => match &last.values()[i] {
            Value::Text(id) => {
                let json = serde_json::to_vec(&Position {
                    o: last.values()[o].clone(),
                    i: id.clone(),
                    q: digest,
                })
                .map_err(|e| DbError::Decode(e.to_string()))?;
                Some(URL_SAFE_NO_PAD.encode(json))
            }
            _ => None,
        },
        _ => None,
    };
    let items = rows
        .into_iter()
        .map(decode)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page { items, next_token })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_what_like_treats_specially() {
        assert_eq!(like_pattern("*Vis_10%*"), "%vis\\_10\\%%");
        assert_eq!(like_pattern("a\\b"), "a\\\\b");
    }
}
