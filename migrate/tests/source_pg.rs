//! PostgreSQL sources: plain and custom pg_dump files and the live database, checked against
//! the real server (restores with psql / pg_restore, dumps made with pg_dump).

// A test crate: helpers unwrap like the tests do, a failure is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::time::Duration;

use bascule_migrate::source::{
    Cell, ColumnInfo, OpenOptions, PgDumpCustomSource, PgDumpPlainSource, Position, PostgresSource,
    ReadOptions, Source, SourceError, SourceRecord,
};
use bascule_platform::db::Target;
use bascule_platform::testing::Scratch;
use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use sqlx::{Connection, Executor, PgConnection};

type Tables = BTreeMap<String, (Vec<String>, Vec<Vec<Cell>>)>;

fn legacy(rel: &str) -> PathBuf {
    Path::new("/work/shared/legacy").join(rel)
}

/// A directory removed at the end of the test.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("bascule-pg-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn scratch() -> (Scratch, String) {
    let scratch = Scratch::postgres().await.unwrap();
    let Target::Postgres { url } = &scratch.target else {
        panic!("not PostgreSQL")
    };
    let url = url.clone();
    (scratch, url)
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn psql_file(url: &str, file: &Path) {
    run(
        "psql",
        &[
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-f",
            file.to_str().unwrap(),
        ],
    );
}

async fn count(url: &str, table: &str) -> u64 {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut conn)
        .await
        .unwrap();
    u64::try_from(n).unwrap()
}

fn read_from(source: &mut dyn Source, table: &str, resume: Option<&Position>) -> Vec<SourceRecord> {
    let mut reader = source.read(table, &ReadOptions::default(), resume).unwrap();
    let mut records = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        records.push(record);
    }
    records
}

/// Reads `k` records, then resumes from the position in a new reader: the two parts make
/// exactly the whole table.
fn check_resume(source: &mut dyn Source, table: &str, k: usize) {
    let all = read_from(source, table, None);
    let position = {
        let mut reader = source.read(table, &ReadOptions::default(), None).unwrap();
        for _ in 0..k {
            reader.next_record().unwrap().unwrap();
        }
        reader.position()
    };
    let rest = read_from(source, table, Some(&position));
    assert_eq!(
        rest.len(),
        all.len() - k,
        "{} {table} after {k}",
        source.name()
    );
    assert_eq!(rest, all[k..], "{} {table} after {k}", source.name());
}

/// Every table: column names and rows (sorted, so that physical and key order compare).
fn all_tables(source: &mut dyn Source) -> Tables {
    let mut out = BTreeMap::new();
    for table in source.tables().unwrap() {
        let mut rows: Vec<Vec<Cell>> = read_from(source, &table.name, None)
            .into_iter()
            .map(|r| r.cells)
            .collect();
        rows.sort_by_key(|r| format!("{r:?}"));
        let names = table
            .columns
            .iter()
            .map(|c: &ColumnInfo| c.name.clone())
            .collect();
        out.insert(table.name, (names, rows));
    }
    out
}

fn plain(path: &Path) -> PgDumpPlainSource {
    PgDumpPlainSource::open(path, &OpenOptions::default()).unwrap()
}

fn custom(path: &Path) -> PgDumpCustomSource {
    PgDumpCustomSource::open(path, &OpenOptions::default()).unwrap()
}

/// Runs `f` on a live source from a blocking thread, as the engine does.
async fn live<T: Send + 'static>(
    url: &str,
    f: impl FnOnce(&mut PostgresSource) -> T + Send + 'static,
) -> T {
    let mut source = PostgresSource::connect(url).await.unwrap();
    tokio::task::spawn_blocking(move || f(&mut source))
        .await
        .unwrap()
}

fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Cell {
    Cell::Timestamp(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap())
}

fn dec(s: &str) -> Cell {
    Cell::Decimal(Decimal::from_str(s).unwrap())
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

const CLIENT_TABLES: [(&str, u64); 4] = [
    ("public.clients", 723),
    ("public.commandes", 3000),
    ("public.consentements_rgpd", 2084),
    ("public.contacts", 1515),
];

#[tokio::test(flavor = "multi_thread")]
async fn legacy_client_dumps_match_their_restores() {
    let (restored, url) = scratch().await;
    let dump = legacy("clients/clients_pg.dump");
    run(
        "pg_restore",
        &[
            "--no-owner",
            "--no-privileges",
            "-d",
            &url,
            dump.to_str().unwrap(),
        ],
    );
    let (psql_restored, psql_url) = scratch().await;
    psql_file(&psql_url, &legacy("clients/clients_pg.sql"));

    let from_custom = all_tables(&mut custom(&dump));
    let mut plain_source = plain(&legacy("clients/clients_pg.sql"));
    let from_plain = all_tables(&mut plain_source);
    let from_live = live(&url, |s| all_tables(s)).await;
    for (table, expected) in CLIENT_TABLES {
        assert_eq!(count(&url, table).await, expected, "pg_restore {table}");
        assert_eq!(count(&psql_url, table).await, expected, "psql {table}");
        assert_eq!(
            from_custom[table].1.len() as u64,
            expected,
            "custom {table}"
        );
        assert_eq!(from_plain[table].1.len() as u64, expected, "plain {table}");
    }
    assert_eq!(from_custom, from_plain);
    assert_eq!(from_live, from_plain);
    let counted: Vec<_> = plain_source
        .tables()
        .unwrap()
        .into_iter()
        .map(|t| (t.name, t.row_count))
        .collect();
    assert!(
        counted.contains(&("public.contacts".to_owned(), Some(1515))),
        "{counted:?}"
    );

    // Exact values, as pg_dump wrote them.
    let clients = read_from(&mut plain_source, "clients", None);
    assert_eq!(clients[0].locator, "line 246 (public.clients)");
    assert_eq!(
        clients[0].cells[..3],
        [
            Cell::Int(1),
            text("C00004"),
            text("Connectique Perrot SARL")
        ]
    );
    assert_eq!(clients[0].cells[6], Cell::Null);
    assert_eq!(clients[0].cells[13], Cell::Bool(true));
    assert_eq!(clients[0].cells[15], ts(2016, 3, 14, 9, 20, 2));
    assert_eq!(clients[0].cells[16], ts(2024, 9, 18, 6, 26, 1));
    assert_eq!(clients[1].cells[2], text("Décolletage Collet SAS"));
    let long = clients
        .iter()
        .find(|r| r.cells[1] == text("C00518"))
        .unwrap();
    let Cell::Text(history) = &long.cells[14] else {
        panic!("{:?}", long.cells[14])
    };
    assert!(
        history.starts_with(
            "Historique commercial (copié depuis les e-mails) :\n09/09/2009 - Relance"
        )
    );
    assert!(history.contains("franco de port à partir de 800 € HT"));
    let mut custom_source = custom(&dump);
    let orders = read_from(&mut custom_source, "public.commandes", None);
    assert_eq!(orders[0].locator, "row 1 (public.commandes)");
    assert_eq!(
        orders[0].cells[3],
        Cell::Date(NaiveDate::from_ymd_opt(2016, 3, 17).unwrap())
    );
    assert_eq!(orders[0].cells[6], dec("88818.53"));
    assert_eq!(orders[1].cells[6], dec("15481.10"));
    assert_eq!(
        orders[0].cells[9],
        text("Urgent – ligne de montage en attente")
    );
    assert_eq!(orders[1].cells[9], Cell::Null);

    check_resume(&mut plain_source, "public.contacts", 700);
    check_resume(&mut custom_source, "public.consentements_rgpd", 1000);
    live(&url, |s| check_resume(s, "public.commandes", 2500)).await;
    restored.remove().await.unwrap();
    psql_restored.remove().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_production_dump_matches_psql_restore() {
    let (restored, url) = scratch().await;
    let path = legacy("production/production_pg.sql");
    psql_file(&url, &path);
    let mut source = plain(&path);
    let from_plain = all_tables(&mut source);
    for (table, expected) in [
        ("public.operateur", 27),
        ("public.ordre_fabrication", 692),
        ("public.suivi_production", 4888),
    ] {
        assert_eq!(count(&url, table).await, expected, "{table}");
        assert_eq!(from_plain[table].1.len() as u64, expected, "{table}");
    }
    assert_eq!(live(&url, |s| all_tables(s)).await, from_plain);
    let first = read_from(&mut source, "suivi_production", None).remove(0);
    assert_eq!(
        first.cells[..5],
        [
            Cell::Int(1),
            Cell::Int(10),
            ts(2021, 7, 1, 14, 11, 0),
            dec("212.000"),
            dec("0.000")
        ]
    );
    restored.remove().await.unwrap();
}

/// Text that trips escapes, types at their edges, quoted upper-case names, a table without
/// primary key, a function body and a view that look like data statements.
const TRICKY: &str = r#"
CREATE SCHEMA "Ventes";
CREATE TABLE public.tricky (
  id integer PRIMARY KEY, label text, note character varying(50), code character(5),
  amount numeric(20,6), big bigint, small smallint, ratio double precision,
  born date, seen timestamp without time zone, at timestamp with time zone,
  ok boolean, blob bytea, doc jsonb, tags text[], uid uuid, span interval
);
INSERT INTO public.tricky VALUES
 (1, E'tab\there', E'line1\nline2\r\nline3', 'ab', 12345678901.123456, 9223372036854775807, -32768, 0.1,
  '1887-03-01', '1887-03-01 08:30:00', '2024-03-31 01:59:59.123456+01', true, '\x00ff5c27'::bytea,
  '{"a": "é\"x"}', ARRAY['x', 'y z', '"q"'], 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 day 02:00:00'),
 (2, E'back\\slash \\N \\. not null', 'it''s "quoted"', NULL, -0.000001, NULL, 0, -1.5e300,
  '0044-03-15 BC', 'infinity', '1970-01-01 00:00:00+00', false, '', 'null', '{}', NULL, NULL),
 (3, '', NULL, 'abcde', 0, 0, 1, NULL, '2024-02-29', '2024-02-29 23:59:59.999999', '2000-06-15 12:00:00-05:30',
  NULL, NULL, NULL, NULL, NULL, NULL),
 (4, '😀 émoji → ✓', 'semi;colon $$ dollar $x$ -- not a comment', '  ', 'NaN', 42, 7, 'Infinity', '9999-12-31',
  '2038-01-19 03:14:07', '1887-03-01 00:00:00+00', true, '\x', '[1, 2]', '{NULL}', NULL, '-3 mons');
CREATE TABLE public.codes (code text COLLATE "C" PRIMARY KEY, n integer);
INSERT INTO public.codes SELECT chr(65 + i % 26) || lower(chr(65 + i % 7)) || i, i FROM generate_series(1, 60) i;
CREATE TABLE public.sans_cle (a text, b integer);
INSERT INTO public.sans_cle VALUES ('x', 1), ('x', 1), (NULL, NULL), (E'\\.', 2), ('', 3);
CREATE TABLE "Ventes"."Ligne Commande" ("ID" integer, "Num" integer, "Libellé" text, "Montant HT" numeric(12,2),
  PRIMARY KEY ("ID", "Num"));
INSERT INTO "Ventes"."Ligne Commande" SELECT i / 10, i % 10, 'ligne ' || i, i * 1.25 FROM generate_series(1, 12345) i;
CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $$ SELECT 'COPY public.tricky FROM stdin;
\. ;' $$;
CREATE FUNCTION public.g() RETURNS text LANGUAGE plpgsql AS $body$ BEGIN RETURN 'INSERT INTO public.tricky VALUES (9);'; END $body$;
CREATE VIEW public.v AS SELECT id, label FROM public.tricky WHERE label <> ';';
"#;

#[tokio::test(flavor = "multi_thread")]
async fn tricky_data_reads_the_same_from_every_source() {
    let (db, url) = scratch().await;
    let dir = TempDir::new("tricky");
    psql_file(&url, &dir.file("tricky.sql", TRICKY.as_bytes()));
    let dumps = [
        ("plain.sql", vec![]),
        ("inserts.sql", vec!["--inserts"]),
        (
            "columns.sql",
            vec!["--column-inserts", "--rows-per-insert=3"],
        ),
        ("custom.dump", vec!["-Fc"]),
        ("custom-inserts.dump", vec!["-Fc", "--inserts"]),
    ];
    for (file, args) in &dumps {
        let out = dir.0.join(file);
        let mut all = vec!["-d", &url, "-f", out.to_str().unwrap()];
        all.extend(args.iter().copied());
        run("pg_dump", &all);
    }
    let expected = live(&url, |s| {
        let tables = s.tables().unwrap();
        let tricky = tables.iter().find(|t| t.name == "public.tricky").unwrap();
        assert_eq!(
            tricky.columns[4].declared_type.as_deref(),
            Some("numeric(20,6)")
        );
        assert_eq!(
            tricky.columns[10].declared_type.as_deref(),
            Some("timestamp with time zone")
        );
        check_resume(s, "Ventes.Ligne Commande", 5000);
        check_resume(s, "\"Ventes\".\"Ligne Commande\"", 7777);
        check_resume(s, "sans_cle", 2);
        check_resume(s, "codes", 31);
        all_tables(s)
    })
    .await;
    let names: Vec<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "Ventes.Ligne Commande",
            "public.codes",
            "public.sans_cle",
            "public.tricky"
        ]
    );
    assert_eq!(expected["Ventes.Ligne Commande"].1.len(), 12345);

    let tricky = &expected["public.tricky"].1;
    let nanos = |s: u32, n: u32| {
        Utc.with_ymd_and_hms(2024, 3, 31, 0, 59, s).unwrap()
            + chrono::Duration::nanoseconds(i64::from(n))
    };
    let row1 = &tricky[0];
    assert_eq!(
        row1[1..5],
        [
            text("tab\there"),
            text("line1\nline2\r\nline3"),
            text("ab   "),
            dec("12345678901.123456")
        ]
    );
    assert_eq!(
        row1[5..8],
        [Cell::Int(i64::MAX), Cell::Int(-32768), Cell::Float(0.1)]
    );
    assert_eq!(
        row1[8],
        Cell::Date(NaiveDate::from_ymd_opt(1887, 3, 1).unwrap())
    );
    assert_eq!(row1[10], Cell::Timestamp(nanos(59, 123_456_000)));
    assert_eq!(
        row1[11..13],
        [Cell::Bool(true), Cell::Bytes(vec![0, 255, 92, 39])]
    );
    assert_eq!(row1[14], text(r#"{x,"y z","\"q\""}"#));
    let row2 = &tricky[1];
    assert_eq!(
        row2[1..4],
        [
            text("back\\slash \\N \\. not null"),
            text("it's \"quoted\""),
            Cell::Null
        ]
    );
    assert_eq!(
        row2[8],
        Cell::Date(NaiveDate::from_ymd_opt(-43, 3, 15).unwrap())
    );
    assert_eq!(
        row2[9..13],
        [
            text("infinity"),
            ts(1970, 1, 1, 0, 0, 0),
            Cell::Bool(false),
            Cell::Bytes(vec![])
        ]
    );
    assert_eq!(tricky[2][1..3], [text(""), Cell::Null]);
    assert_eq!(tricky[3][1], text("😀 émoji → ✓"));
    assert_eq!(
        tricky[3][4],
        Cell::Error("cannot read \"NaN\" as numeric(20,6)".into())
    );
    assert_eq!(tricky[3][7], Cell::Float(f64::INFINITY));
    assert_eq!(tricky[3][10], ts(1887, 3, 1, 0, 0, 0));

    for (file, _) in &dumps {
        let path = dir.0.join(file);
        let mut source: Box<dyn Source> = if file.ends_with(".sql") {
            Box::new(plain(&path))
        } else {
            Box::new(custom(&path))
        };
        assert_eq!(all_tables(source.as_mut()), expected, "{file}");
        check_resume(source.as_mut(), "Ventes.Ligne Commande", 4000);
        check_resume(source.as_mut(), "public.sans_cle", 3);
    }
    check_resume(&mut plain(&dir.0.join("columns.sql")), "tricky", 1);
    db.remove().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn live_source_reads_gescom_in_one_snapshot() {
    let (db, url) = scratch().await;
    let standin = legacy("fournisseurs/pg-standin.sql");
    psql_file(&url, &standin);
    let counts = [
        ("GESCOM.FOURNISSEUR", 149),
        ("GESCOM.BON_COMMANDE", 1200),
        ("GESCOM.LIGNE_COMMANDE", 4007),
        ("GESCOM.PAIEMENT", 1500),
    ];
    for (table, expected) in counts {
        let quoted = table.replace("GESCOM.", "\"GESCOM\".\"") + "\"";
        assert_eq!(count(&url, &quoted).await, expected, "{table}");
    }
    // The password is in no name and no message.
    let with_password = url.replace("postgres@", "postgres:topsecret@");
    let source = PostgresSource::connect(&with_password).await.unwrap();
    assert_eq!(source.name(), url);
    let missing = with_password.rsplit_once('/').unwrap().0.to_owned() + "/no_such_database";
    let err = PostgresSource::connect(&missing).await.unwrap_err();
    assert!(
        !err.to_string().contains("topsecret") && err.to_string().contains("no_such_database"),
        "{err}"
    );

    let mut source = PostgresSource::connect(&url).await.unwrap();
    let mut writer = PgConnection::connect(&url).await.unwrap();
    writer
        .execute(r#"INSERT INTO "GESCOM"."FOURNISSEUR" ("ID_FOURNISSEUR") VALUES (999999)"#)
        .await
        .unwrap();
    let from_plain = all_tables(&mut plain(&standin));
    let (from_live, again) = tokio::task::spawn_blocking(move || {
        let tables = source.tables().unwrap();
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "GESCOM.BON_COMMANDE",
                "GESCOM.FOURNISSEUR",
                "GESCOM.LIGNE_COMMANDE",
                "GESCOM.PAIEMENT"
            ]
        );
        let lines = read_from(&mut source, "\"GESCOM\".\"LIGNE_COMMANDE\"", None);
        assert_eq!(lines[0].locator, "ID_BC=20001, NUM_LIGNE=1");
        check_resume(&mut source, "GESCOM.LIGNE_COMMANDE", 1234);
        check_resume(&mut source, "FOURNISSEUR", 148);
        let from_live = all_tables(&mut source);
        (
            from_live,
            read_from(&mut source, "GESCOM.FOURNISSEUR", None).len(),
        )
    })
    .await
    .unwrap();
    assert_eq!(
        again, 149,
        "the row inserted after the source started is not seen"
    );
    assert_eq!(
        from_live.values().map(|t| t.1.len()).collect::<Vec<_>>(),
        [1200, 149, 4007, 1500]
    );
    assert_eq!(from_live, from_plain);
    assert_eq!(
        live(&url, |s| read_from(s, "GESCOM.FOURNISSEUR", None).len()).await,
        150
    );

    // Used from async code, the source refuses instead of panicking.
    let mut source = PostgresSource::connect(&url).await.unwrap();
    let err = source.tables().unwrap_err();
    assert!(err.to_string().contains("spawn_blocking"), "{err}");
    let err = live(&url, |s| {
        s.read("GESCOM.NOPE", &ReadOptions::default(), None)
            .err()
            .unwrap()
    })
    .await;
    assert!(matches!(err, SourceError::TableNotFound { .. }), "{err}");
    db.remove().await.unwrap();
}

/// Opens and reads everything, in a thread that must finish within 30 s.
fn read_everything(path: PathBuf, custom_format: bool) -> Result<usize, SourceError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = (|| {
            let options = OpenOptions::default();
            let mut source: Box<dyn Source> = if custom_format {
                Box::new(PgDumpCustomSource::open(&path, &options)?)
            } else {
                Box::new(PgDumpPlainSource::open(&path, &options)?)
            };
            let mut rows = 0;
            for table in source.tables()? {
                let mut reader = source.read(&table.name, &ReadOptions::default(), None)?;
                while reader.next_record()?.is_some() {
                    rows += 1;
                }
            }
            Ok(rows)
        })();
        let _ = tx.send(result);
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("no answer within 30 s")
}

#[test]
fn broken_files_give_clear_errors() {
    let dir = TempDir::new("broken");
    let dump = std::fs::read(legacy("clients/clients_pg.dump")).unwrap();
    let sql = std::fs::read(legacy("clients/clients_pg.sql")).unwrap();
    let random: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert_eq!(
        read_everything(legacy("clients/clients_pg.dump"), true).unwrap(),
        7322
    );
    assert_eq!(
        read_everything(legacy("clients/clients_pg.sql"), false).unwrap(),
        7322
    );
    let cases = [
        ("empty.dump", Vec::new(), true, "empty"),
        ("empty.sql", Vec::new(), false, "empty"),
        ("random.dump", random.clone(), true, "PGDMP"),
        ("random.sql", random, false, "binary"),
        ("half.dump", dump[..dump.len() / 2].to_vec(), true, ""),
        ("head.dump", dump[..300].to_vec(), true, ""),
        (
            "half.sql",
            sql[..sql.len() / 2].to_vec(),
            false,
            "end line \\.",
        ),
        ("custom-as-plain.sql", dump.clone(), false, "custom-format"),
        ("plain-as-custom.dump", sql.clone(), true, "plain"),
        (
            "quote.sql",
            b"CREATE TABLE t (a text);\nINSERT INTO t VALUES ('never closed);\n".to_vec(),
            false,
            "quoted",
        ),
        (
            "nothing.sql",
            b"-- just a comment\nSELECT 1;\n".to_vec(),
            false,
            "no table",
        ),
    ];
    for (name, bytes, custom_format, hint) in cases {
        let path = dir.file(name, &bytes);
        let err = read_everything(path.clone(), custom_format).expect_err(name);
        let message = err.to_string();
        println!("{name}: {message}");
        assert!(
            matches!(err, SourceError::Format { .. }),
            "{name}: {message}"
        );
        assert!(
            message.contains(path.to_str().unwrap()) && message.contains(hint),
            "{name}: {message}"
        );
    }
    let err = read_everything(dir.0.join("missing.sql"), false).unwrap_err();
    assert!(matches!(err, SourceError::Io { .. }), "{err}");
}

const EDGES: &str = r#"--
-- hand-written dump
--
\restrict abc
SET standard_conforming_strings = on;
/* a /* nested */ comment ; */
CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO "Sch"."T" VALUES (1);
  RAISE NOTICE 'COPY x FROM stdin;';
END $f$;
CREATE TABLE IF NOT EXISTS "Sch"."T" (
    "Id" integer NOT NULL,
    "x y" text COLLATE pg_catalog."default",
    CONSTRAINT t_pk PRIMARY KEY ("Id"),
    val numeric(5,2) DEFAULT 0.00 NOT NULL CHECK (val >= 0::numeric),
    g integer GENERATED ALWAYS AS ("Id" * 2) STORED,
    at timestamp(3) with time zone
);
INSERT INTO "Sch"."T" VALUES (1, E'a\tb\\', 1.50, DEFAULT, '2020-01-01 10:00:00+02'),
  (2, 'it''s
two lines', -3.5, DEFAULT, NULL);
INSERT INTO "Sch"."T" ("x y", "Id", val) VALUES ('now', 3, 'x'), (now()::text, 4, 0);
COPY "Sch"."T" ("Id", "x y", val, at) FROM stdin;
5	\101\x42\\t\N	7	2021-06-01 12:00:00+02:00
6	\N	abc	infinity
\.
COPY public.data_only (a, b) FROM stdin;
1	\N
\.
\unrestrict abc
"#;

#[test]
fn plain_dump_edge_cases() {
    let dir = TempDir::new("edges");
    let path = dir.file("edges.sql", EDGES.as_bytes());
    let mut source = plain(&path);
    let tables = source.tables().unwrap();
    let t = &tables[0];
    assert_eq!((t.name.as_str(), t.row_count), ("Sch.T", Some(6)));
    let columns: Vec<_> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.declared_type.as_deref()))
        .collect();
    assert_eq!(
        columns,
        [
            ("Id", Some("integer")),
            ("x y", Some("text")),
            ("val", Some("numeric(5,2)")),
            ("at", Some("timestamp(3) with time zone"))
        ]
    );
    assert_eq!(
        tables[1].columns[1],
        ColumnInfo {
            name: "b".into(),
            declared_type: None
        }
    );
    let rows = read_from(&mut source, "T", None);
    let cells: Vec<_> = rows.iter().map(|r| r.cells.clone()).collect();
    let utc = |h| ts(2020, 1, 1, h, 0, 0);
    assert_eq!(
        cells[0],
        [Cell::Int(1), text("a\tb\\"), dec("1.50"), utc(8)]
    );
    assert_eq!(
        cells[1],
        [
            Cell::Int(2),
            text("it's\ntwo lines"),
            dec("-3.5"),
            Cell::Null
        ]
    );
    assert_eq!(cells[2][..2], [Cell::Int(3), text("now")]);
    assert_eq!(
        cells[2][2],
        Cell::Error("cannot read \"x\" as numeric(5,2)".into())
    );
    assert_eq!(
        cells[3][1],
        Cell::Error("cannot read the SQL expression \"now()::text\" as text".into())
    );
    assert_eq!(
        cells[4],
        [
            Cell::Int(5),
            text("AB\\tN"),
            dec("7"),
            ts(2021, 6, 1, 10, 0, 0)
        ]
    );
    assert_eq!(
        cells[5][2..],
        [
            Cell::Error("cannot read \"abc\" as numeric(5,2)".into()),
            text("infinity")
        ]
    );
    let locators: Vec<_> = rows.iter().map(|r| r.locator.as_str()).collect();
    assert_eq!(
        locators[..4],
        [
            "line 20 (Sch.T)",
            "line 21 (Sch.T)",
            "line 23 (Sch.T)",
            "line 23 (Sch.T)"
        ]
    );
    assert_eq!(locators[4..], ["line 25 (Sch.T)", "line 26 (Sch.T)"]);
    for k in 0..=6 {
        check_resume(&mut source, "\"Sch\".\"T\"", k);
    }
    let data_only = read_from(&mut source, "public.data_only", None);
    assert_eq!(data_only[0].cells, [text("1"), Cell::Null]);
    let bad = Position("{\"segment\":0,\"offset\":1,\"line\":1,\"skip\":0,\"ordinal\":0}".into());
    assert!(matches!(
        source
            .read("Sch.T", &ReadOptions::default(), Some(&bad))
            .err(),
        Some(SourceError::BadPosition { .. })
    ));
    let err = source
        .read("nope", &ReadOptions::default(), None)
        .err()
        .unwrap();
    assert!(err.to_string().contains("Sch.T, public.data_only"), "{err}");

    // A LATIN1 dump made with standard_conforming_strings off.
    let latin1 = b"SET client_encoding = 'LATIN1';\nSET standard_conforming_strings = off;\n\
        CREATE TABLE t (a text, b text);\nINSERT INTO t VALUES ('D\xe9colletage', 'a\\\\b\\'c');\n\
        COPY t (a, b) FROM stdin;\n\xc9tampage\t\\351\n\\.\n";
    let mut source = plain(&dir.file("latin1.sql", latin1));
    let cells: Vec<_> = read_from(&mut source, "public.t", None)
        .into_iter()
        .map(|r| r.cells)
        .collect();
    assert_eq!(
        cells,
        [
            [text("Décolletage"), text("a\\b'c")],
            [text("Étampage"), text("é")]
        ]
    );
}
