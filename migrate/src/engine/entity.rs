//! What a domain offers the engine: the entities it can build from mapped legacy
//! fields, through the same constructors and rules as its API.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::pin::Pin;

use bascule_platform::db::record::Record;
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::{DbError, FromValue, Tx, Value};

use crate::mapping::val::Violation;

/// The typed fields a mapping produced for one record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MappedFields {
    fields: BTreeMap<String, Value>,
}

impl MappedFields {
    pub fn new(fields: BTreeMap<String, Value>) -> Self {
        Self { fields }
    }

    pub fn insert(&mut self, name: impl Into<String>, value: Value) {
        self.fields.insert(name.into(), value);
    }

    /// A field's value; a field the mapping does not produce is an error of the mapping.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T, Violation> {
        let value = self.fields.get(name).cloned().ok_or_else(|| {
            Violation::new("mapping", format!("the mapping gives no field {name}"))
        })?;
        T::from_value(value, name).map_err(|e| Violation::new("type", e.to_string()))
    }

    /// A field that may be absent from the mapping or empty.
    pub fn opt<T: FromValue>(&self, name: &str) -> Result<Option<T>, Violation> {
        match self.fields.get(name) {
            None => Ok(None),
            Some(v) => Option::<T>::from_value(v.clone(), name)
                .map_err(|e| Violation::new("type", e.to_string())),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.fields.iter()
    }
}

/// An entity the engine can load: it builds the stored columns from mapped fields.
pub trait EntityLoader: Send + Sync {
    fn name(&self) -> &'static str;
    fn schema(&self) -> SchemaName;
    fn table(&self) -> &'static TableDef;
    /// Runs the domain's constructor and rules; the columns are those of `table`.
    fn build(&self, fields: &MappedFields) -> Result<Vec<(&'static str, Value)>, Violation>;

    /// The field names a mapping may give: by default the table's business columns.
    fn fields(&self) -> Vec<&'static str> {
        const META: [&str; 4] = ["id", "revision", "created_at", "updated_at"];
        self.table()
            .columns
            .iter()
            .map(|c| c.name)
            .filter(|n| !META.contains(n))
            .collect()
    }
}

impl std::fmt::Debug for dyn EntityLoader + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An [`EntityLoader`] for a [`Record`] type and the domain function that builds it.
pub struct RecordLoader<T, F> {
    name: &'static str,
    build: F,
    extra_fields: Vec<&'static str>,
    record: PhantomData<fn() -> T>,
}

impl<T, F> RecordLoader<T, F>
where
    T: Record,
    F: Fn(&MappedFields) -> Result<T, Violation> + Send + Sync,
{
    pub fn new(name: &'static str, build: F) -> Self {
        Self {
            name,
            build,
            extra_fields: Vec::new(),
            record: PhantomData,
        }
    }

    /// Fields the builder reads besides the table's columns (a name to look up, say).
    pub fn with_fields(mut self, fields: &[&'static str]) -> Self {
        self.extra_fields.extend_from_slice(fields);
        self
    }
}

impl<T, F> std::fmt::Debug for RecordLoader<T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordLoader")
            .field("name", &self.name)
            .finish()
    }
}

impl<T, F> EntityLoader for RecordLoader<T, F>
where
    T: Record,
    F: Fn(&MappedFields) -> Result<T, Violation> + Send + Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> SchemaName {
        T::SCHEMA
    }

    fn table(&self) -> &'static TableDef {
        T::table_def()
    }

    fn build(&self, fields: &MappedFields) -> Result<Vec<(&'static str, Value)>, Violation> {
        Ok((self.build)(fields)?.to_values())
    }

    fn fields(&self) -> Vec<&'static str> {
        const META: [&str; 4] = ["id", "revision", "created_at", "updated_at"];
        let mut names: Vec<&'static str> = T::table_def()
            .columns
            .iter()
            .map(|c| c.name)
            .filter(|n| !META.contains(n))
            .collect();
        names.extend(self.extra_fields.iter().copied());
        names
    }
}

/// The future of an [`AfterLoad`] step: a line for the report, or an error.
pub type AfterLoadFuture<'a> = Pin<Box<dyn Future<Output = Result<String, DbError>> + Send + 'a>>;

/// Domain work that follows the load, in the same run: data derived from what was
/// loaded (stock levels from the ledger's opening movements, for instance). It must be
/// idempotent: a resumed or repeated run calls it again.
pub trait AfterLoad: Send + Sync {
    fn run<'a>(&'a self, tx: &'a mut Tx) -> AfterLoadFuture<'a>;
}

impl<F> AfterLoad for F
where
    F: for<'a> Fn(&'a mut Tx) -> AfterLoadFuture<'a> + Send + Sync,
{
    fn run<'a>(&'a self, tx: &'a mut Tx) -> AfterLoadFuture<'a> {
        self(tx)
    }
}

/// The entities of one domain, by name, and what follows their load.
#[derive(Default)]
pub struct Catalog {
    // Shared, so that a feed's records can be processed on a thread of their own.
    entities: Vec<std::sync::Arc<dyn EntityLoader>>,
    after_load: Vec<Box<dyn AfterLoad>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.entities.iter().map(|e| e.name()))
            .finish()
    }
}

impl Catalog {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, loader: impl EntityLoader + 'static) -> Self {
        self.entities.push(std::sync::Arc::new(loader));
        self
    }

    pub fn after_load(mut self, step: impl AfterLoad + 'static) -> Self {
        self.after_load.push(Box::new(step));
        self
    }

    pub fn after_load_steps(&self) -> impl Iterator<Item = &dyn AfterLoad> {
        self.after_load.iter().map(AsRef::as_ref)
    }

    pub fn get(&self, name: &str) -> Option<&dyn EntityLoader> {
        self.entities
            .iter()
            .find(|e| e.name() == name)
            .map(AsRef::as_ref)
    }

    /// The loader of `name`, to hand to another thread.
    pub fn shared(&self, name: &str) -> Option<std::sync::Arc<dyn EntityLoader>> {
        self.entities.iter().find(|e| e.name() == name).cloned()
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.entities.iter().map(|e| e.name()).collect()
    }
}
