//! Neutral description of tables and versioned schema changes, rendered per dialect.

use super::Kind;

/// The schemas bascule owns in the target database: one per domain plus the control schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchemaName {
    Control,
    Fournisseurs,
    Stock,
    Production,
    Clients,
}

impl SchemaName {
    pub const ALL: [SchemaName; 5] = [
        SchemaName::Control,
        SchemaName::Fournisseurs,
        SchemaName::Stock,
        SchemaName::Production,
        SchemaName::Clients,
    ];

    /// The lower-case name used for the PostgreSQL schema and the SQLite file.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaName::Control => "control",
            SchemaName::Fournisseurs => "fournisseurs",
            SchemaName::Stock => "stock",
            SchemaName::Production => "production",
            SchemaName::Clients => "clients",
        }
    }

    pub fn parse(name: &str) -> Option<SchemaName> {
        SchemaName::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Column types, chosen so that each backend stores values exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A UUID in its 36-character text form.
    Id,
    Int,
    Bool,
    Decimal {
        precision: u8,
        scale: u8,
    },
    /// Bounded text, in characters.
    Text(u16),
    /// Unbounded text (notes, e-mail bodies, JSON reports).
    LongText,
    /// One of a closed set of upper-case values, enforced by a CHECK constraint.
    Enum(&'static [&'static str]),
    Date,
    Timestamp,
}

impl ColumnType {
    /// Amounts of money: 22 digits, 6 after the point.
    pub const MONEY: ColumnType = ColumnType::Decimal {
        precision: 22,
        scale: 6,
    };
    /// Quantities and rates: 22 digits, 6 after the point.
    pub const QUANTITY: ColumnType = ColumnType::Decimal {
        precision: 22,
        scale: 6,
    };

    pub fn kind(self) -> Kind {
        match self {
            ColumnType::Id | ColumnType::Text(_) | ColumnType::LongText | ColumnType::Enum(_) => {
                Kind::Text
            }
            ColumnType::Int => Kind::Int,
            ColumnType::Bool => Kind::Bool,
            ColumnType::Decimal { .. } => Kind::Decimal,
            ColumnType::Date => Kind::Date,
            ColumnType::Timestamp => Kind::Timestamp,
        }
    }

    /// The longest text this column accepts, in characters.
    pub fn max_chars(self) -> Option<usize> {
        match self {
            ColumnType::Id => Some(36),
            ColumnType::Text(n) => Some(n.into()),
            ColumnType::Enum(values) => Some(enum_width(values)),
            _ => None,
        }
    }
}

pub(crate) fn enum_width(values: &[&str]) -> usize {
    values.iter().map(|v| v.len()).max().unwrap_or(1).max(1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    pub name: &'static str,
    pub ty: ColumnType,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub columns: Vec<&'static str>,
    pub references: &'static str,
    pub referenced_columns: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    pub name: &'static str,
    pub columns: Vec<ColumnDef>,
    pub primary_key: Vec<&'static str>,
    pub uniques: Vec<Vec<&'static str>>,
    pub foreign_keys: Vec<ForeignKey>,
}

impl TableDef {
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            columns: Vec::new(),
            primary_key: Vec::new(),
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
        }
    }

    /// A table whose rows carry the standard metadata: `id` primary key, `revision`
    /// (the etag of optimistic concurrency), `created_at` and `updated_at`.
    pub fn entity(name: &'static str) -> Self {
        Self::new(name)
            .required("id", ColumnType::Id)
            .required("revision", ColumnType::Int)
            .required("created_at", ColumnType::Timestamp)
            .required("updated_at", ColumnType::Timestamp)
            .primary_key(&["id"])
    }

    pub fn required(mut self, name: &'static str, ty: ColumnType) -> Self {
        self.columns.push(ColumnDef {
            name,
            ty,
            nullable: false,
        });
        self
    }

    pub fn optional(mut self, name: &'static str, ty: ColumnType) -> Self {
        self.columns.push(ColumnDef {
            name,
            ty,
            nullable: true,
        });
        self
    }

    pub fn primary_key(mut self, columns: &[&'static str]) -> Self {
        self.primary_key = columns.to_vec();
        self
    }

    pub fn unique(mut self, columns: &[&'static str]) -> Self {
        self.uniques.push(columns.to_vec());
        self
    }

    pub fn references(
        mut self,
        columns: &[&'static str],
        table: &'static str,
        referenced: &[&'static str],
    ) -> Self {
        self.foreign_keys.push(ForeignKey {
            columns: columns.to_vec(),
            references: table,
            referenced_columns: referenced.to_vec(),
        });
        self
    }

    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: Vec<&'static str>,
    pub unique: bool,
}

/// One step of a schema version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChange {
    CreateTable(TableDef),
    CreateIndex(IndexDef),
    AddColumn {
        table: &'static str,
        column: ColumnDef,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub number: i64,
    pub description: &'static str,
    pub changes: Vec<SchemaChange>,
}

/// A schema: its versions, in order. Released versions are never edited; a change
/// to the model is a new version.
#[derive(Debug, Clone)]
pub struct SchemaDef {
    pub name: SchemaName,
    pub versions: Vec<Version>,
    tables: Vec<TableDef>,
}

impl SchemaDef {
    pub fn new(name: SchemaName, versions: Vec<Version>) -> Self {
        let tables = fold_tables(&versions);
        Self {
            name,
            versions,
            tables,
        }
    }

    pub fn latest_version(&self) -> i64 {
        self.versions.last().map_or(0, |v| v.number)
    }

    /// The shape of a table after every version is applied.
    pub fn table(&self, name: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn tables(&self) -> &[TableDef] {
        &self.tables
    }
}

fn fold_tables(versions: &[Version]) -> Vec<TableDef> {
    let mut tables: Vec<TableDef> = Vec::new();
    for change in versions.iter().flat_map(|v| &v.changes) {
        match change {
            SchemaChange::CreateTable(t) => tables.push(t.clone()),
            SchemaChange::AddColumn { table, column } => {
                if let Some(t) = tables.iter_mut().find(|t| t.name == *table) {
                    t.columns.push(column.clone());
                }
            }
            SchemaChange::CreateIndex(_) => {}
        }
    }
    tables
}

pub fn index(name: &'static str, table: &'static str, columns: &[&'static str]) -> SchemaChange {
    SchemaChange::CreateIndex(IndexDef {
        name,
        table,
        columns: columns.to_vec(),
        unique: false,
    })
}

pub fn unique_index(
    name: &'static str,
    table: &'static str,
    columns: &[&'static str],
) -> SchemaChange {
    SchemaChange::CreateIndex(IndexDef {
        name,
        table,
        columns: columns.to_vec(),
        unique: true,
    })
}
