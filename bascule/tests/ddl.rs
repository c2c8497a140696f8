//! The DDL of every schema for every dialect, checked against golden files (Oracle's is
//! never run here, so its text is the test), and the identifiers against each
//! database's reserved words and length limits. BASCULE_UPDATE_GOLDEN=1 rewrites the files.

use bascule_platform::db::schema::{SchemaChange, SchemaDef};
use bascule_platform::db::upgrade::render_changes;
use bascule_platform::db::{Dialect, version_table};

#[path = "../src/schemas.rs"]
mod schemas;

fn render(dialect: Dialect, all: &[SchemaDef]) -> String {
    let mut out = String::new();
    for def in all {
        out.push_str(&format!(
            "-- schema {} ({})\n",
            def.name.as_str(),
            dialect.schema(def.name)
        ));
        let mut statements: Vec<String> = dialect.create_schema(def.name).into_iter().collect();
        statements.push(dialect.create_table(def.name, &version_table()));
        for v in &def.versions {
            statements.push(format!("-- version {}: {}", v.number, v.description));
            statements.extend(render_changes(dialect, def.name, &v.changes));
        }
        for s in statements {
            out.push_str(&s);
            out.push_str(if s.starts_with("--") { "\n" } else { "\n/\n" });
        }
        out.push('\n');
    }
    out
}

#[test]
fn ddl_matches_the_golden_files() {
    let all = schemas::all();
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Oracle] {
        let actual = render(dialect, &all);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/golden/ddl_{}.sql", dialect.name()));
        if std::env::var_os("BASCULE_UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &actual).expect("write golden");
        }
        let expected = std::fs::read_to_string(&path)
            .expect("golden file (BASCULE_UPDATE_GOLDEN=1 creates it)");
        assert_eq!(
            actual,
            expected,
            "{} DDL changed: a released version must not change; add a new version",
            dialect.name()
        );
    }
}

/// Oracle's reserved words (V$RESERVED_WORDS, RESERVED = 'Y') and PostgreSQL's reserved key words.
const RESERVED: &[&str] = &[
    "access",
    "add",
    "all",
    "alter",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "audit",
    "between",
    "both",
    "by",
    "case",
    "cast",
    "char",
    "check",
    "cluster",
    "collate",
    "column",
    "comment",
    "compress",
    "connect",
    "constraint",
    "create",
    "current",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "date",
    "decimal",
    "default",
    "deferrable",
    "delete",
    "desc",
    "distinct",
    "do",
    "drop",
    "else",
    "end",
    "except",
    "exclusive",
    "exists",
    "false",
    "fetch",
    "file",
    "float",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "identified",
    "immediate",
    "in",
    "increment",
    "index",
    "initial",
    "initially",
    "insert",
    "integer",
    "intersect",
    "into",
    "is",
    "lateral",
    "leading",
    "level",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "lock",
    "long",
    "maxextents",
    "minus",
    "mlslabel",
    "mode",
    "modify",
    "noaudit",
    "nocompress",
    "not",
    "nowait",
    "null",
    "number",
    "of",
    "offline",
    "offset",
    "on",
    "online",
    "only",
    "option",
    "or",
    "order",
    "pctfree",
    "placing",
    "primary",
    "prior",
    "privileges",
    "public",
    "raw",
    "references",
    "rename",
    "resource",
    "returning",
    "revoke",
    "row",
    "rowid",
    "rownum",
    "rows",
    "select",
    "session",
    "session_user",
    "set",
    "share",
    "size",
    "smallint",
    "some",
    "start",
    "successful",
    "symmetric",
    "synonym",
    "sysdate",
    "table",
    "then",
    "to",
    "trailing",
    "trigger",
    "true",
    "uid",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "validate",
    "values",
    "varchar",
    "varchar2",
    "variadic",
    "view",
    "when",
    "whenever",
    "where",
    "window",
    "with",
];

#[test]
fn identifiers_are_portable() {
    let mut problems = Vec::new();
    for def in schemas::all() {
        for change in def.versions.iter().flat_map(|v| &v.changes) {
            let mut names: Vec<String> = Vec::new();
            match change {
                SchemaChange::CreateTable(t) => {
                    names.push(t.name.to_owned());
                    names.extend(t.columns.iter().map(|c| c.name.to_owned()));
                    names.push(format!("{}_pk", t.name));
                    names.extend(
                        t.uniques
                            .iter()
                            .map(|u| format!("{}_{}_uq", t.name, u.join("_"))),
                    );
                    names.extend(
                        t.foreign_keys
                            .iter()
                            .map(|f| format!("{}_{}_fk", t.name, f.columns.join("_"))),
                    );
                    names.extend(
                        t.columns
                            .iter()
                            .map(|c| format!("{}_{}_ck", t.name, c.name)),
                    );
                }
                SchemaChange::CreateIndex(i) => names.push(i.name.to_owned()),
                SchemaChange::AddColumn { column, .. } => names.push(column.name.to_owned()),
            }
            for n in names {
                if RESERVED.contains(&n.as_str()) {
                    problems.push(format!("{}: `{n}` is a reserved word", def.name.as_str()));
                }
                // PostgreSQL truncates identifiers beyond 63 bytes; Oracle allows 128.
                if n.len() > 63 {
                    problems.push(format!(
                        "{}: `{n}` is longer than 63 characters",
                        def.name.as_str()
                    ));
                }
                if !n
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    problems.push(format!(
                        "{}: `{n}` must be lower-case ASCII",
                        def.name.as_str()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
