//! The portable layer on every backend: schema upgrades and exact value round trips.

use std::str::FromStr;
use std::sync::LazyLock;

use bascule_platform::control;
use bascule_platform::db::record::{self, PageRequest, Record};
use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version,
};
use bascule_platform::db::upgrade::{SchemaState, ensure_current, status, upgrade};
use bascule_platform::db::{Db, DbError, Exec, Row, Statement, Value};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq)]
struct Probe {
    label: String,
    amount: Option<Decimal>,
    day: Option<NaiveDate>,
    at: Option<DateTime<Utc>>,
    flag: Option<bool>,
    count: Option<i64>,
    notes: Option<String>,
}

static PROBE_SCHEMA: LazyLock<SchemaDef> = LazyLock::new(|| {
    let table = TableDef::entity("probe")
        .required("label", T::Text(100))
        .optional("amount", T::MONEY)
        .optional("day", T::Date)
        .optional("at", T::Timestamp)
        .optional("flag", T::Bool)
        .optional("count", T::Int)
        .optional("notes", T::LongText)
        .unique(&["label"]);
    SchemaDef::new(
        SchemaName::Stock,
        vec![Version {
            number: 1,
            description: "probe",
            changes: vec![SchemaChange::CreateTable(table)],
        }],
    )
});

impl Record for Probe {
    const SCHEMA: SchemaName = SchemaName::Stock;
    const ORDER_BY: &'static str = "label";

    fn table_def() -> &'static TableDef {
        PROBE_SCHEMA.table("probe").expect("probe table")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("label", (&self.label).into()),
            ("amount", self.amount.into()),
            ("day", self.day.into()),
            ("at", self.at.into()),
            ("flag", self.flag.into()),
            ("count", self.count.into()),
            ("notes", self.notes.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Probe {
            label: row.get("label")?,
            amount: row.get("amount")?,
            day: row.get("day")?,
            at: row.get("at")?,
            flag: row.get("flag")?,
            count: row.get("count")?,
            notes: row.get("notes")?,
        })
    }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn probe(label: &str) -> Probe {
    Probe {
        label: label.into(),
        amount: None,
        day: None,
        at: None,
        flag: None,
        count: None,
        notes: None,
    }
}

async fn upgrade_creates_then_changes_nothing(db: Db) {
    let schemas = [control::schema()];
    let before = status(&db, &schemas).await.expect("status");
    assert_eq!(before[0].state, SchemaState::Absent);
    assert!(ensure_current(&db, &schemas).await.is_err());
    let latest = schemas[0].latest_version();
    let first = upgrade(&db, &schemas).await.expect("upgrade");
    assert_eq!((first[0].from, first[0].to), (0, latest));
    let again = upgrade(&db, &schemas).await.expect("upgrade again");
    assert_eq!((again[0].from, again[0].to), (latest, latest));
    let after = status(&db, &schemas).await.expect("status");
    assert_eq!(
        (after[0].state, after[0].version),
        (SchemaState::UpToDate, Some(latest))
    );
    ensure_current(&db, &schemas).await.expect("current");
}

async fn refuses_a_schema_newer_than_this_build(db: Db) {
    let schemas = [control::schema()];
    upgrade(&db, &schemas).await.expect("upgrade");
    let mut e = db.clone();
    let table = e.dialect().table(SchemaName::Control, "schema_version");
    let mut b = bascule_platform::db::SqlBuilder::new(e.dialect());
    b.push(&format!(
        "INSERT INTO {table} (version, description, applied_at) VALUES ("
    ));
    b.bind(99_i64)
        .push(", ")
        .bind("from the future")
        .push(", ")
        .bind(Utc::now())
        .push(")");
    e.execute(b.statement()).await.expect("insert");
    let err = upgrade(&db, &schemas).await.expect_err("must refuse");
    assert!(err.to_string().contains("newer"), "{err}");
    assert!(matches!(
        status(&db, &schemas).await.expect("status")[0].state,
        SchemaState::Newer
    ));
}

async fn values_round_trip_exactly(db: Db) {
    upgrade(&db, std::slice::from_ref(&PROBE_SCHEMA))
        .await
        .expect("upgrade");
    let mut e = db.clone();
    let samples = [
        Probe {
            label: "big".into(),
            amount: Some(dec("12345678901.123456")),
            day: NaiveDate::from_ymd_opt(1887, 3, 1),
            at: Some(
                Utc.with_ymd_and_hms(1899, 12, 30, 23, 59, 59)
                    .single()
                    .expect("t")
                    + chrono::Duration::microseconds(123_456),
            ),
            flag: Some(true),
            count: Some(i64::MAX),
            notes: Some("Désignation « spéciale » — 🎉🏭 ñ 漢字 \u{a0}\u{202f}".repeat(2000)),
        },
        Probe {
            label: "small".into(),
            amount: Some(dec("-0.000001")),
            day: NaiveDate::from_ymd_opt(202, 3, 28),
            at: Some(
                Utc.with_ymd_and_hms(2025, 9, 30, 22, 0, 0)
                    .single()
                    .expect("t"),
            ),
            flag: Some(false),
            count: Some(i64::MIN),
            notes: Some("x".into()),
        },
        Probe {
            label: "nulls 🎉".into(),
            ..probe("")
        },
        Probe {
            label: "zero".into(),
            amount: Some(Decimal::ZERO),
            day: NaiveDate::from_ymd_opt(1879, 7, 1),
            ..probe("")
        },
    ];
    for s in &samples {
        record::insert(&mut e, s.clone()).await.expect("insert");
    }
    for s in &samples {
        let back: record::Stored<Probe> = record::find_by(&mut e, "label", s.label.as_str().into())
            .await
            .expect("find")
            .expect("found");
        assert_eq!(&back.value, s);
    }
    let page = record::list::<Probe>(&mut e, &[], &PageRequest::first(10))
        .await
        .expect("list");
    assert_eq!(page.items.len(), samples.len());

    // The bulk path (binary COPY on PostgreSQL) writes the same values.
    let table = e.dialect().table(SchemaName::Stock, "probe");
    let columns = [
        "id",
        "revision",
        "created_at",
        "updated_at",
        "label",
        "amount",
        "day",
        "at",
        "flag",
        "count",
        "notes",
    ];
    let bulk: Vec<Probe> = samples
        .iter()
        .map(|s| Probe {
            label: format!("{} bulk", s.label),
            ..s.clone()
        })
        .collect();
    let rows = bulk
        .iter()
        .map(|s| {
            let mut row = vec![
                Value::Text(record::new_id()),
                Value::Int(1),
                Utc::now().into(),
                Utc::now().into(),
            ];
            row.extend(s.to_values().into_iter().map(|(_, v)| v));
            row
        })
        .collect();
    let mut tx = db.begin().await.expect("begin");
    tx.bulk_insert(&table, &columns, rows).await.expect("bulk");
    tx.commit().await.expect("commit");
    for s in &bulk {
        let back: record::Stored<Probe> = record::find_by(&mut e, "label", s.label.as_str().into())
            .await
            .expect("find")
            .expect("found");
        assert_eq!(&back.value, s);
    }
}

async fn writes_are_checked_the_same_everywhere(db: Db) {
    upgrade(&db, std::slice::from_ref(&PROBE_SCHEMA))
        .await
        .expect("upgrade");
    let mut e = db.clone();
    let too_long = record::insert(&mut e, probe(&"é".repeat(101))).await;
    assert!(
        matches!(
            too_long,
            Err(DbError::TooLong {
                length: 101,
                max: 100,
                ..
            })
        ),
        "{too_long:?}"
    );
    let too_precise = record::insert(
        &mut e,
        Probe {
            amount: Some(dec("1.0000001")),
            ..probe("p")
        },
    )
    .await;
    assert!(too_precise.is_err());
    assert!(
        record::insert(&mut e, probe("")).await.is_err(),
        "an empty required text is refused"
    );
    let empty_optional = record::insert(
        &mut e,
        Probe {
            notes: Some(String::new()),
            ..probe("e")
        },
    )
    .await
    .expect("insert");
    let back = record::get::<Probe>(&mut e, &empty_optional.id)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(
        back.value.notes, None,
        "an empty optional text is stored as NULL, as Oracle does"
    );
    record::insert(&mut e, probe("dup")).await.expect("insert");
    assert!(matches!(
        record::insert(&mut e, probe("dup")).await,
        Err(DbError::Duplicate(_))
    ));
}

async fn transactions_commit_or_roll_back(db: Db) {
    upgrade(&db, std::slice::from_ref(&PROBE_SCHEMA))
        .await
        .expect("upgrade");
    let mut tx = db.begin().await.expect("begin");
    record::insert(&mut tx, probe("kept"))
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    let mut tx = db.begin().await.expect("begin");
    record::insert(&mut tx, probe("dropped"))
        .await
        .expect("insert");
    tx.rollback().await.expect("rollback");
    {
        let mut tx = db.begin().await.expect("begin");
        record::insert(&mut tx, probe("dropped too"))
            .await
            .expect("insert");
    }
    let mut e = db.clone();
    assert_eq!(record::count::<Probe>(&mut e, &[]).await.expect("count"), 1);
    let updated = {
        let stored = record::find_by::<Probe>(&mut e, "label", "kept".into())
            .await
            .expect("find")
            .expect("found");
        record::update(
            &mut e,
            &stored.id,
            stored.revision,
            Probe {
                count: Some(7),
                ..probe("kept")
            },
        )
        .await
        .expect("update")
    };
    assert_eq!(updated.revision, 2);
    let stale = record::update(&mut e, &updated.id, 1, probe("kept")).await;
    assert!(matches!(stale, Err(DbError::StaleRevision { .. })));
    let missing = record::update(&mut e, "no-such-id", 1, probe("kept")).await;
    assert!(matches!(missing, Err(DbError::NotFound)));
    e.execute(Statement::new("SELECT 1 FROM no_such_table", Vec::new()))
        .await
        .expect_err("bad SQL is an error");
}

bascule_platform::backend_tests!(
    upgrade_creates_then_changes_nothing,
    refuses_a_schema_newer_than_this_build,
    values_round_trip_exactly,
    writes_are_checked_the_same_everywhere,
    transactions_commit_or_roll_back,
);
