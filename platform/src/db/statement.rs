//! Statements built once and rendered for the dialect of the connection at hand.

use std::sync::Arc;

use super::{Dialect, Kind, Value};

/// SQL text with its parameters, already rendered for one dialect.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Value>,
}

/// A SELECT with the names and kinds of its result columns, so that every backend
/// decodes rows into the same [`Value`]s.
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: String,
    pub params: Vec<Value>,
    pub columns: Arc<[String]>,
    pub kinds: Arc<[Kind]>,
}

/// Builds SQL text and its bind parameters together, using the dialect's placeholders.
#[derive(Debug)]
pub struct SqlBuilder {
    dialect: Dialect,
    sql: String,
    params: Vec<Value>,
}

impl SqlBuilder {
    pub fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            sql: String::new(),
            params: Vec::new(),
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.params.push(value.into());
        let mark = self.dialect.placeholder(self.params.len());
        self.sql.push_str(&mark);
        self
    }

    pub fn statement(self) -> Statement {
        Statement {
            sql: self.sql,
            params: self.params,
        }
    }

    pub fn query(self, columns: &[(&str, Kind)]) -> Query {
        Query {
            sql: self.sql,
            params: self.params,
            columns: columns.iter().map(|(n, _)| (*n).to_owned()).collect(),
            kinds: columns.iter().map(|(_, k)| *k).collect(),
        }
    }
}

impl Statement {
    pub fn new(sql: impl Into<String>, params: Vec<Value>) -> Self {
        Self {
            sql: sql.into(),
            params,
        }
    }
}
