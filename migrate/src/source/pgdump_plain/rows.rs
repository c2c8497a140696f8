//! Data rows (COPY fields or INSERT values) to cells in the table's column order.

use encoding_rs::Encoding;

use super::convert::{ColumnType, cell_from_bytes, cell_from_text};
use super::index::DumpTable;
use super::insert::{Value, parse_insert};
use crate::source::Cell;

/// How the fields of a data row land in the table's visible columns.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    pub types: Vec<ColumnType>,
    /// For each field of a data row, its visible column (`None`: a generated column).
    pub mapping: Vec<Option<usize>>,
}

impl Shape {
    /// `names`: the column list of the COPY or INSERT, if it has one. Without one, COPY data
    /// has the non-generated columns and INSERT values have them all (`positional_all`).
    pub(crate) fn new(table: &DumpTable, names: Option<&[String]>, positional_all: bool) -> Shape {
        let visible: Vec<&str> = table
            .columns
            .iter()
            .filter(|c| !c.generated)
            .map(|c| c.name.as_str())
            .collect();
        let types = table
            .columns
            .iter()
            .filter(|c| !c.generated)
            .map(|c| ColumnType::of(c.declared_type.as_deref()))
            .collect();
        let mapping = match names {
            Some(names) => names
                .iter()
                .map(|n| visible.iter().position(|v| v == n))
                .collect(),
            None if positional_all => table
                .columns
                .iter()
                .map(|c| {
                    visible
                        .iter()
                        .position(|v| *v == c.name)
                        .filter(|_| !c.generated)
                })
                .collect(),
            None => (0..visible.len()).map(Some).collect(),
        };
        Shape { types, mapping }
    }

    fn assemble<T>(&self, fields: Vec<T>, convert: impl Fn(T, &ColumnType) -> Cell) -> Vec<Cell> {
        if fields.len() != self.mapping.len() {
            let message = format!(
                "the row has {} values where the data has {} columns",
                fields.len(),
                self.mapping.len()
            );
            return vec![Cell::Error(message); self.types.len()];
        }
        let mut cells = vec![Cell::Null; self.types.len()];
        for (field, target) in fields.into_iter().zip(&self.mapping) {
            if let Some(&column) = target.as_ref() {
                cells[column] = convert(field, &self.types[column]);
            }
        }
        cells
    }

    /// A COPY text line to cells.
    pub(crate) fn copy_line(&self, line: &[u8], encoding: &'static Encoding) -> Vec<Cell> {
        let fields = super::convert::split_copy_line(line);
        self.assemble(fields, |field, ty| {
            cell_from_bytes(field.as_deref(), ty, encoding)
        })
    }

    /// Fields already unescaped (the custom format) to cells.
    pub(crate) fn fields(
        &self,
        fields: Vec<Option<&[u8]>>,
        encoding: &'static Encoding,
    ) -> Vec<Cell> {
        self.assemble(fields, |field, ty| cell_from_bytes(field, ty, encoding))
    }

    fn values(&self, values: Vec<Value>) -> Vec<Cell> {
        self.assemble(values, |value, ty| match value {
            Value::Null => Cell::Null,
            Value::Text(text) => cell_from_text(&text, ty),
            Value::Default => Cell::Error(format!(
                "cannot read DEFAULT as {}: the value is computed",
                ty.name
            )),
            Value::Expr(expr) => Cell::Error(format!(
                "cannot read the SQL expression {expr:?} as {}",
                ty.name
            )),
        })
    }
}

/// Rows of an INSERT, each with the number of line breaks before it in the statement.
pub(crate) type InsertRows = Vec<(u64, Vec<Cell>)>;

/// The rows of an INSERT statement into `table`, or why they cannot be read; `None` when the
/// statement inserts into another table.
pub(crate) fn insert_rows(
    text: &str,
    std_strings: bool,
    table: &DumpTable,
) -> Option<Result<InsertRows, String>> {
    let insert = parse_insert(text, std_strings)?;
    if insert.table.schema != table.schema || insert.table.name != table.name {
        return None;
    }
    let rows = match insert.rows {
        Ok(rows) => rows,
        Err(message) => return Some(Err(message)),
    };
    let shape = Shape::new(table, insert.columns.as_deref(), true);
    let mut breaks = 0u64;
    let mut counted = 0usize;
    let out = rows
        .into_iter()
        .map(|row| {
            let pos = row.pos.min(text.len());
            breaks += text.as_bytes()[counted.min(pos)..pos]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted = counted.max(pos);
            (breaks, shape.values(row.values))
        })
        .collect();
    Some(Ok(out))
}
