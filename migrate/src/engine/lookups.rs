//! The keys other domains already migrated, loaded once per run for the mapping's lookups.

use std::collections::HashMap;

use bascule_platform::db::schema::SchemaName;
use bascule_platform::db::{Exec, Kind, SqlBuilder};

use super::EngineError;
use super::plan::{Feed, Plan};
use crate::mapping::lookup::{LookupIndex, LookupSource};

/// The `by` of a lookup that matches legacy keys recorded in the crosswalk (the source
/// columns a feed declared as `legacy_key`, joined by `|`) instead of a target field.
pub const LEGACY_KEY: &str = "legacy_key";

#[derive(Debug, Default)]
pub struct LookupTables {
    indexes: HashMap<(String, String, String, String), LookupIndex>,
}

impl LookupTables {
    /// Reads every (by, returns) pair a feed's lookups need, just before the feed runs,
    /// so that it sees what the feeds before it loaded. A lookup into an empty entity
    /// stops the run: what it refers to has not been migrated yet.
    pub async fn load(e: &mut impl Exec, plan: &Plan, feed: &Feed) -> Result<Self, EngineError> {
        let mut indexes = HashMap::new();
        for key in &feed.lookups {
            let (domain, entity, by, returns) = key;
            let schema = SchemaName::parse(domain)
                .ok_or_else(|| EngineError::Plan(format!("unknown domain {domain} in a lookup")))?;
            let mut b = SqlBuilder::new(e.dialect());
            let table = e.dialect().table(schema, entity);
            if by == LEGACY_KEY {
                // The legacy record's own key, as the crosswalk recorded it when the
                // entity was migrated (`source/table:KEY`): legacy ids become new keys.
                let crosswalk = e.dialect().table(SchemaName::Control, "crosswalk");
                b.push(&format!(
                    "SELECT c.legacy_key AS k, t.{returns} AS v FROM {crosswalk} c JOIN {table} t ON t.id = c.new_id WHERE c.domain = "
                ));
                b.bind(domain.as_str())
                    .push(" AND c.entity = ")
                    .bind(entity.as_str());
            } else {
                b.push(&format!("SELECT {by} AS k, {returns} AS v FROM {table}"));
            }
            let rows = e
                .fetch(b.query(&[("k", Kind::Text), ("v", Kind::Text)]))
                .await?;
            if rows.is_empty() {
                return Err(EngineError::Plan(format!(
                    "the {} mapping looks up {domain}.{entity}, which is empty: migrate {domain} first",
                    plan.domain
                )));
            }
            let mut pairs = Vec::with_capacity(rows.len());
            for mut row in rows {
                let k: Option<String> = row.get("k")?;
                let v: Option<String> = row.get("v")?;
                if let (Some(k), Some(v)) = (k, v) {
                    let k = if by == LEGACY_KEY {
                        k.split_once(':')
                            .map_or(k.clone(), |(_, key)| key.to_owned())
                    } else {
                        k
                    };
                    pairs.push((k, v));
                }
            }
            indexes.insert(key.clone(), LookupIndex::new(pairs));
        }
        Ok(Self { indexes })
    }
}

impl LookupSource for LookupTables {
    fn index(&self, domain: &str, entity: &str, by: &str, returns: &str) -> Option<&LookupIndex> {
        self.indexes.get(&(
            domain.to_owned(),
            entity.to_owned(),
            by.to_owned(),
            returns.to_owned(),
        ))
    }
}
