//! Golden test of the SQL sent to Oracle, which cannot run on the build machines: every
//! statement the repository layer and the upgrader generate is recorded and compared
//! with `golden/oracle_statements.sql`. Set BASCULE_UPDATE_GOLDEN=1 to rewrite the file
//! after a deliberate change, and review the diff.

use std::fmt::Write as _;

use bascule_platform::control;
use bascule_platform::db::record::{self, PageRequest, Record};
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::upgrade::render_changes;
use bascule_platform::db::{DbError, Dialect, Exec, Query, Row, Statement, Value, version_table};

/// Records statements instead of running them; every write touches one row, every read finds nothing.
struct Recorder {
    log: String,
}

impl Recorder {
    fn note(&mut self, sql: &str, params: &[Value]) {
        let _ = writeln!(self.log, "{sql}\n/");
        if !params.is_empty() {
            let kinds: Vec<String> = params.iter().map(|p| format!("{:?}", p.kind())).collect();
            let _ = writeln!(self.log, "-- binds: {}", kinds.join(", "));
        }
        self.log.push('\n');
    }
}

impl Exec for Recorder {
    fn dialect(&self) -> Dialect {
        Dialect::Oracle
    }

    async fn execute(&mut self, stmt: Statement) -> Result<u64, DbError> {
        self.note(&stmt.sql, &stmt.params);
        Ok(1)
    }

    async fn fetch(&mut self, query: Query) -> Result<Vec<Row>, DbError> {
        self.note(&query.sql, &query.params);
        Ok(Vec::new())
    }
}

#[derive(Debug)]
struct Outbox;

impl Record for Outbox {
    const SCHEMA: SchemaName = SchemaName::Control;
    const ORDER_BY: &'static str = "created_at";

    fn table_def() -> &'static TableDef {
        static SCHEMA: std::sync::LazyLock<bascule_platform::db::schema::SchemaDef> =
            std::sync::LazyLock::new(control::schema);
        SCHEMA.table("outbox").expect("outbox")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("domain", "stock".into()),
            ("dedup_key", "k".into()),
            ("message_id", "<m@bascule>".into()),
            ("recipients", "a@b.fr".into()),
            ("subject", "s".into()),
            ("body_text", "t".into()),
            ("body_html", Option::<String>::None.into()),
            ("state", "PENDING".into()),
            ("attempts", 0_i64.into()),
            ("next_attempt_at", chrono::Utc::now().into()),
            ("last_error", Option::<String>::None.into()),
            (
                "sent_at",
                Option::<chrono::DateTime<chrono::Utc>>::None.into(),
            ),
        ]
    }

    fn from_row(_row: &mut Row) -> Result<Self, DbError> {
        Ok(Outbox)
    }
}

async fn record_everything() -> String {
    let mut r = Recorder { log: String::new() };
    let d = Dialect::Oracle;
    let mut sql = Vec::new();
    sql.extend(d.create_schema(SchemaName::Control));
    sql.push(d.create_table(SchemaName::Control, &version_table()));
    sql.extend(render_changes(
        d,
        SchemaName::Control,
        &control::schema().versions[0].changes,
    ));
    for s in sql {
        r.note(&s, &[]);
    }
    let q = d.table_exists(SchemaName::Control, "schema_version");
    r.note(&q.sql, &q.params);
    r.note(
        &d.upsert(
            "BASCULE_CONTROL.crosswalk",
            &["domain", "entity", "legacy_key", "new_id"],
            &["domain", "entity", "legacy_key"],
        ),
        &[],
    );

    let _ = record::insert(&mut r, Outbox).await;
    let _ = record::get::<Outbox>(&mut r, "0190-id").await;
    let _ = record::list::<Outbox>(
        &mut r,
        &[("state", "PENDING".into())],
        &PageRequest::first(20),
    )
    .await;
    let _ = record::lock_all::<Outbox>(
        &mut r,
        &[
            ("dedup_key", "k".into()),
            (
                "sent_at",
                Value::Null(bascule_platform::db::Kind::Timestamp),
            ),
        ],
    )
    .await;
    let _ = record::count::<Outbox>(&mut r, &[]).await;
    let _ = record::update(&mut r, "0190-id", 3, Outbox).await;
    r.log
}

#[tokio::test]
async fn oracle_statements_match_the_golden_file() {
    let actual = record_everything().await;
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/oracle_statements.sql");
    if std::env::var_os("BASCULE_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).expect("write golden");
    }
    let expected = std::fs::read_to_string(&path)
        .expect("golden file (run with BASCULE_UPDATE_GOLDEN=1 to create it)");
    assert_eq!(
        actual, expected,
        "Oracle SQL changed: review, then rerun with BASCULE_UPDATE_GOLDEN=1"
    );
}

#[test]
fn oracle_pagination_uses_fetch_first() {
    assert_eq!(Dialect::Oracle.limit(51), "FETCH FIRST 51 ROWS ONLY");
    assert_eq!(Dialect::Oracle.placeholder(3), ":3");
}
