//! Every difference between SQLite, PostgreSQL and Oracle SQL lives here: types,
//! placeholders, qualified names, idempotent DDL, upsert / MERGE and row limits.

use super::schema::{ColumnDef, ColumnType, IndexDef, SchemaName, TableDef, enum_width};

/// The SQL flavour of a target database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Sqlite,
    Postgres,
    Oracle,
}

/// Oracle error codes that mean "this DDL was already applied" (ORA-00955 name in use,
/// ORA-01430 column exists, ORA-01408 column list already indexed, ORA-02260/02261/02275
/// constraint exists). Oracle DDL commits implicitly, so a crashed upgrade is re-run
/// step by step and these are the expected answers for the steps that had completed.
const ORACLE_ALREADY_DONE: &str = "-955, -1430, -1408, -2260, -2261, -2275";

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::Oracle => "oracle",
        }
    }

    /// The bind marker for the `n`-th parameter (1-based).
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => "?".to_owned(),
            Dialect::Postgres => format!("${n}"),
            Dialect::Oracle => format!(":{n}"),
        }
    }

    /// The schema as the database names it: a PostgreSQL schema, an attached SQLite
    /// file, or an Oracle user (prefixed, so that it cannot clash with other users).
    pub fn schema(self, schema: SchemaName) -> String {
        match self {
            Dialect::Sqlite | Dialect::Postgres => schema.as_str().to_owned(),
            Dialect::Oracle => format!("BASCULE_{}", schema.as_str().to_uppercase()),
        }
    }

    pub fn table(self, schema: SchemaName, table: &str) -> String {
        format!("{}.{}", self.schema(schema), table)
    }

    pub fn column_type(self, ty: ColumnType) -> String {
        match (self, ty) {
            (Dialect::Sqlite, ColumnType::Int | ColumnType::Bool) => "INTEGER".into(),
            (Dialect::Sqlite, _) => "TEXT".into(),
            (Dialect::Postgres, ColumnType::Id) => "VARCHAR(36)".into(),
            (Dialect::Postgres, ColumnType::Int) => "BIGINT".into(),
            (Dialect::Postgres, ColumnType::Bool) => "BOOLEAN".into(),
            (Dialect::Postgres, ColumnType::Decimal { precision, scale }) => {
                format!("NUMERIC({precision},{scale})")
            }
            (Dialect::Postgres, ColumnType::Text(n)) => format!("VARCHAR({n})"),
            (Dialect::Postgres, ColumnType::LongText) => "TEXT".into(),
            (Dialect::Postgres, ColumnType::Enum(v)) => format!("VARCHAR({})", enum_width(v)),
            (Dialect::Postgres, ColumnType::Date) => "DATE".into(),
            (Dialect::Postgres, ColumnType::Timestamp) => "TIMESTAMPTZ".into(),
            (Dialect::Oracle, ColumnType::Id) => "VARCHAR2(36 CHAR)".into(),
            (Dialect::Oracle, ColumnType::Int) => "NUMBER(19)".into(),
            (Dialect::Oracle, ColumnType::Bool) => "NUMBER(1)".into(),
            (Dialect::Oracle, ColumnType::Decimal { precision, scale }) => {
                format!("NUMBER({precision},{scale})")
            }
            (Dialect::Oracle, ColumnType::Text(n)) => format!("VARCHAR2({n} CHAR)"),
            (Dialect::Oracle, ColumnType::LongText) => "CLOB".into(),
            (Dialect::Oracle, ColumnType::Enum(v)) => format!("VARCHAR2({} CHAR)", enum_width(v)),
            (Dialect::Oracle, ColumnType::Date) => "DATE".into(),
            (Dialect::Oracle, ColumnType::Timestamp) => "TIMESTAMP(6) WITH TIME ZONE".into(),
        }
    }

    fn column_sql(self, table: &str, c: &ColumnDef) -> String {
        let mut sql = format!("{} {}", c.name, self.column_type(c.ty));
        if !c.nullable {
            sql.push_str(" NOT NULL");
        }
        match c.ty {
            ColumnType::Enum(values) => {
                let list = values
                    .iter()
                    .map(|v| format!("'{v}'"))
                    .collect::<Vec<_>>()
                    .join(", ");
                sql.push_str(&format!(
                    " CONSTRAINT {table}_{}_ck CHECK ({} IN ({list}))",
                    c.name, c.name
                ));
            }
            ColumnType::Bool if self != Dialect::Postgres => {
                sql.push_str(&format!(
                    " CONSTRAINT {table}_{}_ck CHECK ({} IN (0, 1))",
                    c.name, c.name
                ));
            }
            _ => {}
        }
        sql
    }

    /// Statements that create the schema itself, when the database has such a thing.
    pub fn create_schema(self, schema: SchemaName) -> Option<String> {
        let name = self.schema(schema);
        match self {
            Dialect::Sqlite => None,
            Dialect::Postgres => Some(format!("CREATE SCHEMA IF NOT EXISTS {name}")),
            Dialect::Oracle => Some(format!(
                "DECLARE\n  n NUMBER;\nBEGIN\n  SELECT COUNT(*) INTO n FROM all_users WHERE username = '{name}';\n  \
                 IF n = 0 THEN\n    EXECUTE IMMEDIATE 'CREATE USER {name} NO AUTHENTICATION DEFAULT TABLESPACE USERS QUOTA UNLIMITED ON USERS';\n  \
                 END IF;\nEND;"
            )),
        }
    }

    pub fn create_table(self, schema: SchemaName, t: &TableDef) -> String {
        let mut parts: Vec<String> = t
            .columns
            .iter()
            .map(|c| self.column_sql(t.name, c))
            .collect();
        if !t.primary_key.is_empty() {
            parts.push(format!(
                "CONSTRAINT {}_pk PRIMARY KEY ({})",
                t.name,
                t.primary_key.join(", ")
            ));
        }
        for u in &t.uniques {
            parts.push(format!(
                "CONSTRAINT {}_{}_uq UNIQUE ({})",
                t.name,
                u.join("_"),
                u.join(", ")
            ));
        }
        for fk in &t.foreign_keys {
            parts.push(format!(
                "CONSTRAINT {}_{}_fk FOREIGN KEY ({}) REFERENCES {} ({})",
                t.name,
                fk.columns.join("_"),
                fk.columns.join(", "),
                self.referenced_table(schema, fk.references),
                fk.referenced_columns.join(", ")
            ));
        }
        let body = parts.join(",\n  ");
        let if_not_exists = if self == Dialect::Oracle {
            ""
        } else {
            "IF NOT EXISTS "
        };
        let ddl = format!(
            "CREATE TABLE {if_not_exists}{} (\n  {body}\n)",
            self.table(schema, t.name)
        );
        self.idempotent(ddl)
    }

    /// SQLite resolves a foreign key inside the schema of the table that declares it
    /// and refuses a qualified name there.
    fn referenced_table(self, schema: SchemaName, table: &str) -> String {
        match self {
            Dialect::Sqlite => table.to_owned(),
            _ => self.table(schema, table),
        }
    }

    pub fn create_index(self, schema: SchemaName, i: &IndexDef) -> String {
        let unique = if i.unique { "UNIQUE " } else { "" };
        let cols = i.columns.join(", ");
        let ddl = match self {
            Dialect::Sqlite => format!(
                "CREATE {unique}INDEX IF NOT EXISTS {}.{} ON {} ({cols})",
                self.schema(schema),
                i.name,
                i.table
            ),
            Dialect::Postgres => format!(
                "CREATE {unique}INDEX IF NOT EXISTS {} ON {} ({cols})",
                i.name,
                self.table(schema, i.table)
            ),
            Dialect::Oracle => format!(
                "CREATE {unique}INDEX {}.{} ON {} ({cols})",
                self.schema(schema),
                i.name,
                self.table(schema, i.table)
            ),
        };
        self.idempotent(ddl)
    }

    pub fn add_column(self, schema: SchemaName, table: &str, c: &ColumnDef) -> String {
        let col = self.column_sql(table, c);
        let ddl = match self {
            Dialect::Sqlite => {
                format!("ALTER TABLE {} ADD COLUMN {col}", self.table(schema, table))
            }
            Dialect::Postgres => {
                format!(
                    "ALTER TABLE {} ADD COLUMN IF NOT EXISTS {col}",
                    self.table(schema, table)
                )
            }
            Dialect::Oracle => format!("ALTER TABLE {} ADD ({col})", self.table(schema, table)),
        };
        self.idempotent(ddl)
    }

    /// Oracle has no `IF NOT EXISTS` before 23ai: wrap the DDL so that re-running it is harmless.
    fn idempotent(self, ddl: String) -> String {
        match self {
            Dialect::Oracle => format!(
                "BEGIN\n  EXECUTE IMMEDIATE '{}';\nEXCEPTION\n  WHEN OTHERS THEN\n    IF SQLCODE NOT IN ({ORACLE_ALREADY_DONE}) THEN RAISE; END IF;\nEND;",
                ddl.replace('\'', "''")
            ),
            _ => ddl,
        }
    }

    /// The clause that locks the selected rows until the transaction ends. SQLite has
    /// none: its write transactions (BEGIN IMMEDIATE) already exclude each other.
    pub fn for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres | Dialect::Oracle => " FOR UPDATE",
        }
    }

    /// Refreshes the planner's statistics of a table after a bulk load, where the
    /// database does not do it soon enough by itself.
    pub fn analyze(self, table: &str) -> Option<String> {
        match self {
            Dialect::Postgres => Some(format!("ANALYZE {table}")),
            Dialect::Sqlite => Some(format!("ANALYZE {table}")),
            // Oracle gathers statistics with its own scheduled job (DBMS_STATS).
            Dialect::Oracle => None,
        }
    }

    /// The statement that lets the current transaction commit without waiting for its
    /// log to reach the disk, where the backend has one: for work that is checkpointed
    /// in the same transaction, so a server crash loses only whole transactions at the
    /// end, which are done again.
    pub fn relaxed_commit(self) -> Option<&'static str> {
        match self {
            Dialect::Postgres => Some("SET LOCAL synchronous_commit = off"),
            // SQLite's commit is in-process; Oracle's COMMIT WRITE NOWAIT is per statement.
            Dialect::Sqlite | Dialect::Oracle => None,
        }
    }

    /// A clause that keeps the first `n` rows, placed at the end of a SELECT.
    pub fn limit(self, n: u64) -> String {
        match self {
            Dialect::Oracle => format!("FETCH FIRST {n} ROWS ONLY"),
            _ => format!("LIMIT {n}"),
        }
    }

    /// An insert-or-update by key, with placeholders for `columns` in order.
    pub fn upsert(self, table: &str, columns: &[&str], key: &[&str]) -> String {
        let marks: Vec<String> = (1..=columns.len()).map(|n| self.placeholder(n)).collect();
        let updates: Vec<&&str> = columns.iter().filter(|c| !key.contains(c)).collect();
        match self {
            Dialect::Sqlite | Dialect::Postgres => {
                let set = updates
                    .iter()
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect::<Vec<_>>();
                let action = if set.is_empty() {
                    "DO NOTHING".to_owned()
                } else {
                    format!("DO UPDATE SET {}", set.join(", "))
                };
                format!(
                    "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT ({}) {action}",
                    columns.join(", "),
                    marks.join(", "),
                    key.join(", ")
                )
            }
            Dialect::Oracle => {
                let source = columns
                    .iter()
                    .zip(&marks)
                    .map(|(c, m)| format!("{m} AS {c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let on = key
                    .iter()
                    .map(|c| format!("t.{c} = s.{c}"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let mut sql =
                    format!("MERGE INTO {table} t USING (SELECT {source} FROM dual) s ON ({on})");
                if !updates.is_empty() {
                    let set = updates
                        .iter()
                        .map(|c| format!("t.{c} = s.{c}"))
                        .collect::<Vec<_>>();
                    sql.push_str(&format!(" WHEN MATCHED THEN UPDATE SET {}", set.join(", ")));
                }
                let values = columns.iter().map(|c| format!("s.{c}")).collect::<Vec<_>>();
                sql.push_str(&format!(
                    " WHEN NOT MATCHED THEN INSERT ({}) VALUES ({})",
                    columns.join(", "),
                    values.join(", ")
                ));
                sql
            }
        }
    }
}

/// The table, in every schema, that records which versions of that schema were applied.
pub fn version_table() -> TableDef {
    TableDef::new("schema_version")
        .required("version", ColumnType::Int)
        .required("description", ColumnType::Text(200))
        .required("applied_at", ColumnType::Timestamp)
        .primary_key(&["version"])
}

impl Dialect {
    /// A query returning 1 when `table` exists in `schema`, 0 otherwise.
    pub fn table_exists(self, schema: SchemaName, table: &str) -> super::Query {
        let mut b = super::SqlBuilder::new(self);
        match self {
            Dialect::Sqlite => {
                b.push(&format!(
                    "SELECT COUNT(*) AS n FROM {}.sqlite_master WHERE type = 'table' AND name = ",
                    self.schema(schema)
                ));
                b.bind(table);
            }
            Dialect::Postgres => {
                b.push("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ");
                b.bind(self.schema(schema));
                b.push(" AND table_name = ");
                b.bind(table);
            }
            Dialect::Oracle => {
                b.push("SELECT COUNT(*) AS n FROM all_tables WHERE owner = ");
                b.bind(self.schema(schema));
                b.push(" AND table_name = ");
                b.bind(table.to_uppercase());
            }
        }
        b.query(&[("n", super::Kind::Int)])
    }

    /// Serialises concurrent upgrades of one schema, where the database offers a lock
    /// held until the end of the transaction.
    pub fn upgrade_lock(self, schema: SchemaName) -> Option<super::Statement> {
        match self {
            Dialect::Postgres => Some(super::Statement::new(
                format!(
                    "SELECT pg_advisory_xact_lock(hashtext('bascule.upgrade.{}'))",
                    schema.as_str()
                ),
                Vec::new(),
            )),
            // SQLite takes a file lock on the first write; Oracle DDL commits at once,
            // and every step is idempotent there.
            Dialect::Sqlite | Dialect::Oracle => None,
        }
    }
}
