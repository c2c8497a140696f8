//! Inserting many rows: multi-row INSERT statements, the portable path.

use super::{DbError, Dialect, Exec, SqlBuilder, Value};

/// Inserts rows, as many per statement as the dialect's parameter limit allows.
pub(super) async fn multi_row_insert<E: Exec + ?Sized>(
    e: &mut E,
    table: &str,
    names: &[String],
    rows: Vec<Vec<Value>>,
) -> Result<(), DbError> {
    let per_statement = match e.dialect() {
        // Oracle has no multi-row VALUES; INSERT ALL would work but array binds are faster.
        Dialect::Oracle => 1,
        // SQLite allows 32,766 parameters per statement; PostgreSQL 65,535.
        Dialect::Sqlite | Dialect::Postgres => (30_000 / names.len().max(1)).clamp(1, 500),
    };
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut b = SqlBuilder::new(e.dialect());
        b.push(&format!(
            "INSERT INTO {table} ({}) VALUES ",
            names.join(", ")
        ));
        for (i, row) in rows.by_ref().take(per_statement).enumerate() {
            b.push(if i == 0 { "(" } else { ", (" });
            for (j, v) in row.into_iter().enumerate() {
                b.push(if j == 0 { "" } else { ", " }).bind(v);
            }
            b.push(")");
        }
        e.execute(b.statement()).await?;
    }
    Ok(())
}
