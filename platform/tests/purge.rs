//! Purging rows with what refers to them, on each backend: rows found by a seed, their
//! children through a code and through an id, grandchildren, rows of one table referring
//! to each other; other rows untouched.

use bascule_platform::db::purge::{Seed, purge};
use bascule_platform::db::record::{new_id, now};
use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version,
};
use bascule_platform::db::upgrade::upgrade;
use bascule_platform::db::{Db, Exec, Kind, SqlBuilder};

fn schema() -> SchemaDef {
    let tables = [
        TableDef::entity("article")
            .required("code", T::Text(20))
            .unique(&["code"]),
        TableDef::entity("movement")
            .required("article_code", T::Text(20))
            .optional("reverses", T::Id)
            .references(&["article_code"], "article", &["code"])
            .references(&["reverses"], "movement", &["id"]),
        TableDef::entity("movement_note")
            .required("movement_id", T::Id)
            .references(&["movement_id"], "movement", &["id"]),
    ];
    SchemaDef::new(
        SchemaName::Stock,
        vec![Version {
            number: 1,
            description: "purge test",
            changes: tables.into_iter().map(SchemaChange::CreateTable).collect(),
        }],
    )
}

async fn insert(db: &Db, table: &str, columns: &[(&str, Option<&str>)]) -> String {
    let id = new_id();
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    b.push(&format!(
        "INSERT INTO {} (id, revision, created_at, updated_at, {}) VALUES (",
        e.dialect().table(SchemaName::Stock, table),
        names.join(", ")
    ))
    .bind(id.as_str())
    .push(", ")
    .bind(1_i64)
    .push(", ")
    .bind(now())
    .push(", ")
    .bind(now());
    for (_, v) in columns {
        b.push(", ").bind(v.map(str::to_owned));
    }
    b.push(")");
    e.execute(b.statement()).await.expect("insert");
    id
}

async fn count(db: &Db, table: &str) -> i64 {
    let mut e = db.clone();
    let mut b = SqlBuilder::new(e.dialect());
    b.push(&format!(
        "SELECT COUNT(*) AS n FROM {}",
        e.dialect().table(SchemaName::Stock, table)
    ));
    let mut row = e
        .fetch_optional(b.query(&[("n", Kind::Int)]))
        .await
        .expect("count")
        .expect("a row");
    row.get("n").expect("n")
}

async fn removes_a_row_and_everything_that_refers_to_it(db: Db) {
    let schema = schema();
    upgrade(&db, std::slice::from_ref(&schema))
        .await
        .expect("upgrade");
    insert(&db, "article", &[("code", Some("ZZ-CHECK"))]).await;
    insert(&db, "article", &[("code", Some("REAL"))]).await;
    let issue = insert(
        &db,
        "movement",
        &[("article_code", Some("ZZ-CHECK")), ("reverses", None)],
    )
    .await;
    let reversal = insert(
        &db,
        "movement",
        &[
            ("article_code", Some("ZZ-CHECK")),
            ("reverses", Some(issue.as_str())),
        ],
    )
    .await;
    insert(
        &db,
        "movement_note",
        &[("movement_id", Some(reversal.as_str()))],
    )
    .await;
    let real = insert(
        &db,
        "movement",
        &[("article_code", Some("REAL")), ("reverses", None)],
    )
    .await;
    insert(
        &db,
        "movement_note",
        &[("movement_id", Some(real.as_str()))],
    )
    .await;

    let mut tx = db.begin().await.expect("begin");
    let removed = purge(
        &mut tx,
        &schema,
        &[Seed::new("article", "code", "ZZ-CHECK")],
    )
    .await
    .expect("purge");
    tx.commit().await.expect("commit");
    assert_eq!(
        removed,
        [("movement_note", 1), ("movement", 2), ("article", 1)]
    );
    assert_eq!(count(&db, "article").await, 1);
    assert_eq!(count(&db, "movement").await, 1);
    assert_eq!(count(&db, "movement_note").await, 1);

    let mut tx = db.begin().await.expect("begin");
    let removed = purge(&mut tx, &schema, &[Seed::new("article", "code", "ABSENT")])
        .await
        .expect("purge nothing");
    tx.commit().await.expect("commit");
    assert!(removed.is_empty());
}

bascule_platform::backend_tests!(removes_a_row_and_everything_that_refers_to_it);
