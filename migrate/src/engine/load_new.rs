//! The fast path of a first load: every record of the batch is new, so its rows are
//! prepared on the feed's worker thread (ids, column order, hashes, crosswalk rows) and
//! the engine's task only hands them to the database. The database's unique constraints
//! are the check: when one refuses a row (a duplicate key, a legacy key seen before),
//! everything the attempt wrote is undone and the batch goes the careful way.

use std::collections::HashSet;

use bascule_platform::db::record::{new_id, now};
use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{DbError, Exec, Kind, Tx, Value};

use super::checksum::Checksum;
use super::control;
use super::entity::EntityLoader;
use super::load::{
    FeedCounts, LoadTarget, META, business_columns, key_text, lookups_entries, new_row, stored_hash,
};
use super::record::Ready;
use crate::mapping::lookup::LookupMatch;

/// What the worker needs to prepare new rows, owned.
#[derive(Debug, Clone)]
pub struct NewRowSpec {
    pub domain: String,
    pub entity: String,
    pub run_id: String,
    pub source_display: String,
    pub columns: Vec<(&'static str, Kind)>,
}

impl NewRowSpec {
    pub fn new(t: &LoadTarget<'_>) -> Self {
        Self {
            domain: t.domain.to_owned(),
            entity: t.entity_name.to_owned(),
            run_id: t.run_id.to_owned(),
            source_display: t.source_display.to_owned(),
            columns: business_columns(t.loader.table()),
        }
    }
}

/// What a record keeps besides its row, to become a [`Ready`] again.
#[derive(Debug)]
struct Kept {
    ordinal: u64,
    locator: String,
    legacy_key: String,
    key: Vec<Value>,
    matches: Vec<LookupMatch>,
}

/// A batch of new rows, ready for the database.
#[derive(Debug)]
pub struct PreparedNew {
    rows: Vec<Vec<Value>>,
    crosswalk: Vec<Vec<Value>>,
    hashes: Vec<u128>,
    lookups: Vec<(String, String, String, String, Option<f64>)>,
    kept: Vec<Kept>,
}

impl PreparedNew {
    /// How many rows the batch holds.
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }
}

/// Prepares the batch's rows; the batch comes back unchanged when two of its records
/// share a natural key or a legacy key, which only the careful path can merge.
pub fn prepare_new(spec: &NewRowSpec, batch: Vec<Ready>) -> Result<PreparedNew, Vec<Ready>> {
    {
        let mut keys = HashSet::with_capacity(batch.len());
        let mut legacy = HashSet::with_capacity(batch.len());
        for r in &batch {
            if !keys.insert(key_text(&r.key)) || !legacy.insert(r.legacy_key.as_str()) {
                return Err(batch);
            }
        }
    }
    let now = now();
    let size = batch.len();
    let mut out = PreparedNew {
        rows: Vec::with_capacity(size),
        crosswalk: Vec::with_capacity(size),
        hashes: Vec::with_capacity(size),
        lookups: Vec::new(),
        kept: Vec::with_capacity(size),
    };
    for r in batch {
        let id = new_id();
        let mut named = r.values;
        // Moved, not cloned: the records' values become the rows' values.
        let values: Vec<Value> = spec
            .columns
            .iter()
            .map(|(n, k)| {
                named
                    .iter_mut()
                    .find(|(c, _)| c == n)
                    .map_or(Value::Null(*k), |(_, v)| {
                        std::mem::replace(v, Value::Null(*k))
                    })
            })
            .collect();
        out.hashes.push(stored_hash(&id, &values));
        let source = format!("{} {}", spec.source_display, r.locator);
        for m in &r.matches {
            lookups_entries(
                &mut out.lookups,
                (
                    m.input.clone(),
                    m.key.clone(),
                    source.clone(),
                    format!("{:?}", m.mode).to_lowercase(),
                    Some(m.score),
                ),
            );
        }
        out.crosswalk.push(control::crosswalk_row(
            &spec.domain,
            &spec.entity,
            &spec.run_id,
            &r.legacy_key,
            &id,
            &source,
            "new",
            None,
            now,
        ));
        out.rows.push(new_row(&id, now, values));
        out.kept.push(Kept {
            ordinal: r.ordinal,
            locator: r.locator,
            legacy_key: r.legacy_key,
            key: r.key,
            matches: r.matches,
        });
    }
    Ok(out)
}

/// Writes prepared rows in the caller's transaction; `Some(batch)` when the database
/// refused them, with nothing written, for the careful path.
pub async fn write_new(
    tx: &mut Tx,
    loader: &dyn EntityLoader,
    spec: &NewRowSpec,
    prepared: PreparedNew,
    counts: &mut FeedCounts,
    checksum: &mut Checksum,
) -> Result<Option<Vec<Ready>>, DbError> {
    let dialect = tx.dialect();
    let tname = dialect.table(loader.schema(), loader.table().name);
    let names: Vec<&str> = META
        .iter()
        .copied()
        .chain(spec.columns.iter().map(|(n, _)| *n))
        .collect();
    let cw_table = dialect.table(SchemaName::Control, "crosswalk");
    tx.savepoint("bascule_batch").await?;
    // The rows stay here until the database has taken them, in case the batch must go
    // the careful way.
    let written = async {
        tx.bulk_insert_ref(&tname, &names, &prepared.rows).await?;
        tx.bulk_insert(&cw_table, &control::CROSSWALK_COLUMNS, prepared.crosswalk)
            .await
    }
    .await;
    match written {
        Ok(()) => {
            tx.release("bascule_batch").await?;
            counts.loaded += prepared.rows.len() as u64;
            for h in prepared.hashes {
                checksum.add(h);
            }
            control::crosswalk_put(
                tx,
                &spec.domain,
                &format!("lookup:{}", spec.entity),
                &spec.run_id,
                &prepared.lookups,
            )
            .await?;
            Ok(None)
        }
        Err(DbError::Duplicate(_)) => {
            tx.rollback_to("bascule_batch").await?;
            let batch = prepared
                .kept
                .into_iter()
                .zip(prepared.rows)
                .map(|(k, row)| Ready {
                    ordinal: k.ordinal,
                    locator: k.locator,
                    legacy_key: k.legacy_key,
                    key: k.key,
                    values: spec
                        .columns
                        .iter()
                        .map(|(n, _)| *n)
                        .zip(row.into_iter().skip(META.len()))
                        .collect(),
                    matches: k.matches,
                })
                .collect();
            Ok(Some(batch))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::spec::MatchMode;

    fn spec() -> NewRowSpec {
        NewRowSpec {
            domain: "stock".into(),
            entity: "rule".into(),
            run_id: "run".into(),
            source_display: "rules.csv".into(),
            columns: vec![
                ("code", Kind::Text),
                ("supplier", Kind::Text),
                ("qty", Kind::Int),
            ],
        }
    }

    fn ready(n: u64, code: &str, matches: Vec<LookupMatch>) -> Ready {
        Ready {
            ordinal: n,
            locator: format!("line {n}"),
            legacy_key: format!("csv/rules:line {n}"),
            key: vec![Value::Text(code.into())],
            // Out of table order, and without `qty`: the row puts them in order.
            values: vec![
                ("supplier", Value::Text("F01".into())),
                ("code", Value::Text(code.into())),
            ],
            matches,
        }
    }

    #[test]
    fn rows_come_in_table_order_with_their_hashes_and_lookup_matches() {
        let fuzzy = LookupMatch {
            input: "Acme SA".into(),
            matched: "ACME".into(),
            key: "F01".into(),
            score: 0.91,
            mode: MatchMode::Fuzzy,
        };
        let batch = vec![
            ready(2, "A", vec![fuzzy.clone()]),
            ready(3, "B", vec![fuzzy]),
        ];
        let p = prepare_new(&spec(), batch).expect("no duplicate");
        assert_eq!(p.row_count(), 2);
        for (row, code) in p.rows.iter().zip(["A", "B"]) {
            assert_eq!(
                &row[META.len()..],
                &[
                    Value::Text(code.into()),
                    Value::Text("F01".into()),
                    Value::Null(Kind::Int)
                ]
            );
        }
        for (row, hash) in p.rows.iter().zip(&p.hashes) {
            let Value::Text(id) = &row[0] else {
                panic!("the id comes first: {row:?}")
            };
            assert_eq!(*hash, stored_hash(id, &row[META.len()..]));
        }
        assert_ne!(p.rows[0][0], p.rows[1][0], "each row has its own id");
        // The same input matched twice is recorded once, with its score.
        assert_eq!(p.lookups.len(), 1, "{:?}", p.lookups);
        let (input, key, _, mode, score) = &p.lookups[0];
        assert_eq!(
            (input.as_str(), key.as_str(), mode.as_str()),
            ("Acme SA", "F01", "fuzzy")
        );
        assert_eq!(*score, Some(0.91));
        assert_eq!(p.crosswalk.len(), 2);
    }

    #[test]
    fn a_key_twice_in_the_batch_goes_the_careful_way() {
        let batch = vec![ready(2, "A", vec![]), ready(3, "A", vec![])];
        let back = prepare_new(&spec(), batch.clone()).expect_err("duplicate key");
        assert_eq!(back, batch);
    }
}
