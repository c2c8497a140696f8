//! Reads with conditions that the equality filters of `record` cannot express (a date
//! before another, a state other than one), decoded like `record` decodes.

use bascule_platform::db::record::{Record, Stored};
use bascule_platform::db::{DbError, Exec, Kind, SqlBuilder};

/// The rows of `T` for which the SQL `condition` pushes after `WHERE` holds.
pub(crate) async fn select_where<T: Record>(
    e: &mut impl Exec,
    condition: impl FnOnce(&mut SqlBuilder),
) -> Result<Vec<Stored<T>>, DbError> {
    let def = T::table_def();
    let columns: Vec<(&str, Kind)> = def.columns.iter().map(|c| (c.name, c.ty.kind())).collect();
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT {} FROM {} WHERE ",
        names.join(", "),
        e.dialect().table(T::SCHEMA, def.name)
    ));
    condition(&mut b);
    let rows = e.fetch(b.query(&columns)).await?;
    rows.into_iter()
        .map(|mut row| {
            Ok(Stored {
                id: row.get("id")?,
                revision: row.get("revision")?,
                created_at: row.get("created_at")?,
                updated_at: row.get("updated_at")?,
                value: T::from_row(&mut row)?,
            })
        })
        .collect()
}
