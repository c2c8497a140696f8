//! Removes chosen rows of a schema and every row that refers to them through its
//! foreign keys, children first: how a reactivation run takes away the records its
//! functional checks created, leaving the real data as it was.

use std::collections::{BTreeMap, BTreeSet};

use super::schema::{SchemaDef, TableDef};
use super::{DbError, Exec, Kind, SqlBuilder, Value};

/// A row to remove, found by one of its columns (an id, a code).
#[derive(Debug, Clone, PartialEq)]
pub struct Seed {
    pub table: &'static str,
    pub column: &'static str,
    pub value: Value,
}

impl Seed {
    pub fn new(table: &'static str, column: &'static str, value: impl Into<Value>) -> Self {
        Seed {
            table,
            column,
            value: value.into(),
        }
    }
}

fn table<'a>(schema: &'a SchemaDef, name: &str) -> Result<&'a TableDef, DbError> {
    schema.table(name).ok_or_else(|| {
        DbError::Decode(format!(
            "schema {} has no table {name}",
            schema.name.as_str()
        ))
    })
}

async fn ids_where(
    e: &mut impl Exec,
    schema: &SchemaDef,
    table: &TableDef,
    column: &str,
    value: &Value,
) -> Result<Vec<String>, DbError> {
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT id FROM {} WHERE {column} = ",
        e.dialect().table(schema.name, table.name)
    ))
    .bind(value.clone());
    let mut ids = Vec::new();
    for mut row in e.fetch(b.query(&[("id", Kind::Text)])).await? {
        ids.push(row.get("id")?);
    }
    Ok(ids)
}

async fn column_value(
    e: &mut impl Exec,
    schema: &SchemaDef,
    table: &TableDef,
    column: &str,
    id: &str,
) -> Result<Option<Value>, DbError> {
    let kind = table.column(column).map_or(Kind::Text, |c| c.ty.kind());
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT {column} FROM {} WHERE id = ",
        e.dialect().table(schema.name, table.name)
    ))
    .bind(id);
    Ok(e.fetch_optional(b.query(&[(column, kind)]))
        .await?
        .and_then(|row| row.values().first().cloned())
        .filter(|v| !v.is_null()))
}

/// Removes the `seeds` rows and, following the schema's single-column foreign keys, the
/// rows that refer to them (and to those, and so on). Returns the rows removed per table.
pub async fn purge(
    e: &mut impl Exec,
    schema: &SchemaDef,
    seeds: &[Seed],
) -> Result<Vec<(&'static str, u64)>, DbError> {
    let mut selected: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for seed in seeds {
        let t = table(schema, seed.table)?;
        let ids = ids_where(e, schema, t, seed.column, &seed.value).await?;
        selected.entry(t.name).or_default().extend(ids);
    }
    // Every parent row is expanded once: its referring rows are looked up through
    // each foreign key that points at its table.
    let mut expanded: BTreeSet<(&'static str, String)> = BTreeSet::new();
    loop {
        let pending: Vec<(&'static str, String)> = selected
            .iter()
            .flat_map(|(t, ids)| ids.iter().map(move |id| (*t, id.clone())))
            .filter(|key| !expanded.contains(key))
            .collect();
        if pending.is_empty() {
            break;
        }
        for (parent_name, parent_id) in pending {
            expanded.insert((parent_name, parent_id.clone()));
            let parent = table(schema, parent_name)?;
            for child in schema.tables() {
                for fk in child
                    .foreign_keys
                    .iter()
                    .filter(|fk| fk.references == parent_name && fk.columns.len() == 1)
                {
                    let Some(value) =
                        column_value(e, schema, parent, fk.referenced_columns[0], &parent_id)
                            .await?
                    else {
                        continue;
                    };
                    let ids = ids_where(e, schema, child, fk.columns[0], &value).await?;
                    selected.entry(child.name).or_default().extend(ids);
                }
            }
        }
    }
    // Tables are defined parents first; removing in reverse order removes children first.
    let mut removed = Vec::new();
    for t in schema.tables().iter().rev() {
        let Some(ids) = selected.get(t.name) else {
            continue;
        };
        // One statement per table, so that rows of a table referring to each other
        // (a movement and its reversal) go together.
        let ids: Vec<&String> = ids.iter().collect();
        let mut n = 0;
        for chunk in ids.chunks(500) {
            let mut b = SqlBuilder::new(e.dialect());
            b.push(&format!(
                "DELETE FROM {} WHERE id IN (",
                e.dialect().table(schema.name, t.name)
            ));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    b.push(", ");
                }
                b.bind(id.as_str());
            }
            b.push(")");
            n += e.execute(b.statement()).await?;
        }
        if n > 0 {
            removed.push((t.name, n));
        }
    }
    Ok(removed)
}
