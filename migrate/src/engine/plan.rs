//! Turns a mapping file into a checked plan: sources resolved, transforms and rules
//! compiled, fields checked against the domain's entities. Every mistake in the file is
//! reported with its line and a hint, all at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use toml::Spanned;

use super::entity::Catalog;
use crate::mapping::rule::Rule;
use crate::mapping::spec::{
    FieldType, MappingSpec, MergeSpec, MergeStrategy, OneOrMany, SourceSpec,
};
use crate::mapping::transform::Transform;
use crate::mapping::val::Val;
use crate::source::{OpenOptions, ReadOptions, SourceKind};

/// One mistake in a mapping file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    pub line: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// All the mistakes of a mapping file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.file, .errors))]
pub struct MappingErrors {
    pub file: String,
    pub errors: Vec<MappingError>,
}

fn render(file: &str, errors: &[MappingError]) -> String {
    let mut out = format!(
        "{file}: {} mistake{} in the mapping",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for e in errors {
        out.push_str(&format!("\n  line {}: {}", e.line, e.message));
        if let Some(h) = &e.hint {
            out.push_str(&format!(" (hint: {h})"));
        }
    }
    out
}

#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Url(String),
}

#[derive(Debug, Clone)]
pub struct PlannedSource {
    pub name: String,
    pub location: Location,
    pub kind: SourceKind,
    pub open: OpenOptions,
}

impl PlannedSource {
    /// The source as named in reports: the file relative to the source directory, or the
    /// URL without password.
    pub fn display(&self) -> String {
        match &self.location {
            Location::File(p) => p.display().to_string(),
            Location::Url(u) => bascule_platform::db::Target::parse(u)
                .map_or_else(|_| "database".to_owned(), |t| t.redacted()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Skip {
    pub column: String,
    pub pattern: Option<Regex>,
    pub blank: bool,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct FieldPlan {
    pub name: String,
    pub columns: Vec<String>,
    pub constant: Option<Val>,
    pub default: Option<Val>,
    pub ty: FieldType,
    pub concat: Option<String>,
    pub transforms: Vec<Transform>,
    pub rules: Vec<Rule>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Feed {
    pub source: String,
    pub table: String,
    pub entity: String,
    pub read: ReadOptions,
    pub skip: Vec<Skip>,
    pub priority: i32,
    pub legacy_key: Vec<String>,
    pub fields: Vec<FieldPlan>,
    pub line: usize,
    /// Every (domain, entity, by, returns) its lookups and `exists` rules read.
    pub lookups: Vec<(String, String, String, String)>,
}

impl Plan {
    /// The priority of every feed, by `entity|source/table`, for `source_priority` merges.
    pub fn priorities(&self) -> std::collections::HashMap<String, i32> {
        self.feeds
            .iter()
            .map(|f| (format!("{}|{}/{}", f.entity, f.source, f.table), f.priority))
            .collect()
    }
}

impl Feed {
    /// The name of this feed in reports and checkpoints: `source/table→entity`.
    pub fn label(&self) -> String {
        format!("{}/{} -> {}", self.source, self.table, self.entity)
    }
}

#[derive(Debug, Clone)]
pub struct EntityPlan {
    pub key: Vec<String>,
    pub merge: MergeSpec,
}

#[derive(Debug)]
pub struct Plan {
    pub domain: String,
    pub file: String,
    pub sources: BTreeMap<String, PlannedSource>,
    pub entities: BTreeMap<String, EntityPlan>,
    pub feeds: Vec<Feed>,
}

struct Checker<'a> {
    text: &'a str,
    errors: Vec<MappingError>,
}

impl Checker<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text
            .get(..offset)
            .map_or(1, |t| t.matches('\n').count() + 1)
    }

    fn error<T>(&mut self, span: &Spanned<T>, message: impl Into<String>, hint: Option<String>) {
        let line = self.line(span.span().start);
        self.errors.push(MappingError {
            line,
            message: message.into(),
            hint,
        });
    }
}

/// The closest name, to suggest when a name is unknown.
fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    known
        .into_iter()
        .map(|k| {
            (
                strsim::normalized_damerau_levenshtein(&name.to_lowercase(), &k.to_lowercase()),
                k,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

pub fn kind_of(path: &Path) -> Option<SourceKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" | "txt" | "tsv" => SourceKind::Csv,
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => SourceKind::Excel,
        "mdb" | "accdb" => SourceKind::Access,
        "sql" => SourceKind::PgDumpPlain,
        "dump" | "backup" => SourceKind::PgDumpCustom,
        _ => return None,
    })
}

fn toml_to_val(v: &toml::Value) -> Val {
    match v {
        toml::Value::String(s) => Val::Text(s.clone()),
        toml::Value::Integer(i) => Val::Int(*i),
        toml::Value::Float(f) => Val::Float(*f),
        toml::Value::Boolean(b) => Val::Bool(*b),
        other => Val::Text(other.to_string()),
    }
}

/// Expands `${VAR}` from the environment, so that passwords stay out of mapping files.
fn expand_env(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or("unclosed ${")? + start;
        let var = &rest[start + 2..end];
        out.push_str(
            &std::env::var(var).map_err(|_| format!("environment variable {var} is not set"))?,
        );
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn plan_source(
    c: &mut Checker<'_>,
    name: &str,
    spec: &Spanned<SourceSpec>,
    source_dir: &Path,
) -> Option<PlannedSource> {
    let s = spec.get_ref();
    let location = match (&s.path, &s.url) {
        (Some(p), None) => Location::File(source_dir.join(p)),
        (None, Some(u)) => match expand_env(u) {
            Ok(u) => Location::Url(u),
            Err(e) => {
                c.error(spec, format!("source {name}: {e}"), None);
                return None;
            }
        },
        _ => {
            c.error(
                spec,
                format!("source {name} needs exactly one of `path` or `url`"),
                None,
            );
            return None;
        }
    };
    let kind = match (&location, s.kind) {
        (_, Some(k)) => k,
        (Location::File(p), None) => match kind_of(p) {
            Some(k) => k,
            None => {
                let hint = Some("set kind = \"csv\", \"excel\", \"access\", \"pg_dump_plain\" or \"pg_dump_custom\"".into());
                c.error(
                    spec,
                    format!("source {name}: cannot tell the kind of {}", p.display()),
                    hint,
                );
                return None;
            }
        },
        (Location::Url(u), None) if u.starts_with("postgres") => SourceKind::Postgres,
        (Location::Url(u), None) if u.starts_with("oracle") => SourceKind::Oracle,
        (Location::Url(_), None) => {
            c.error(
                spec,
                format!("source {name}: the URL must start with postgres:// or oracle://"),
                None,
            );
            return None;
        }
    };
    let delimiter = match s.delimiter.as_deref().map(str::as_bytes) {
        None => None,
        Some([b]) => Some(*b),
        Some(_) => {
            c.error(
                spec,
                format!("source {name}: the delimiter must be one ASCII character"),
                None,
            );
            None
        }
    };
    let password = match s.password.as_deref().map(expand_env).transpose() {
        Ok(p) => p,
        Err(e) => {
            c.error(spec, format!("source {name}: {e}"), None);
            None
        }
    };
    Some(PlannedSource {
        name: name.to_owned(),
        location,
        kind,
        open: OpenOptions {
            password,
            delimiter,
            encoding: s.encoding.clone(),
        },
    })
}

/// Reads and checks a mapping file against the domain's entities.
pub fn load(path: &Path, source_dir: &Path, catalog: &Catalog) -> Result<Plan, MappingErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| MappingErrors {
        file: file.clone(),
        errors: vec![MappingError {
            line: 0,
            message: format!("cannot read the file: {e}"),
            hint: None,
        }],
    })?;
    compile(&file, &text, source_dir, catalog)
}

/// Checks a mapping given as text; `file` names it in messages.
pub fn compile(
    file: &str,
    text: &str,
    source_dir: &Path,
    catalog: &Catalog,
) -> Result<Plan, MappingErrors> {
    let spec: MappingSpec = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            text.get(..s.start)
                .map_or(1, |t| t.matches('\n').count() + 1)
        });
        let message = e.message().to_owned();
        let hint =
            if message.contains("unknown field") || message.contains("did not match any variant") {
                Some("check the spelling against docs/mappings.md".to_owned())
            } else {
                None
            };
        MappingErrors {
            file: file.to_owned(),
            errors: vec![MappingError {
                line,
                message,
                hint,
            }],
        }
    })?;
    let mut c = Checker {
        text,
        errors: Vec::new(),
    };

    let sources: BTreeMap<String, PlannedSource> = spec
        .sources
        .iter()
        .filter_map(|(name, s)| plan_source(&mut c, name, s, source_dir).map(|p| (name.clone(), p)))
        .collect();

    let mut entities = BTreeMap::new();
    for (name, e) in &spec.entities {
        match catalog.get(name) {
            None => c.error(
                e,
                format!("unknown entity {name}"),
                closest(name, catalog.names()),
            ),
            Some(loader) => {
                let fields = loader.fields();
                for k in &e.get_ref().key {
                    if !fields.contains(&k.as_str()) {
                        c.error(
                            e,
                            format!("entity {name}: key field {k} is not a field of {name}"),
                            closest(k, fields.iter().copied()),
                        );
                    }
                }
                if e.get_ref().merge.strategy == MergeStrategy::MostRecent
                    && e.get_ref().merge.recency_field.is_none()
                {
                    c.error(
                        e,
                        format!("entity {name}: most_recent needs a recency_field"),
                        None,
                    );
                }
                entities.insert(
                    name.clone(),
                    EntityPlan {
                        key: e.get_ref().key.clone(),
                        merge: e.get_ref().merge.clone(),
                    },
                );
            }
        }
    }

    let mut feeds = Vec::new();
    for f in &spec.feeds {
        if let Some(feed) = plan_feed(&mut c, f, &sources, &entities, catalog) {
            feeds.push(feed);
        }
    }
    if spec.feeds.is_empty() {
        c.errors.push(MappingError {
            line: 1,
            message: "the mapping has no [[feeds]]".into(),
            hint: None,
        });
    }
    if !c.errors.is_empty() {
        c.errors.sort_by_key(|e| e.line);
        return Err(MappingErrors {
            file: file.to_owned(),
            errors: c.errors,
        });
    }
    Ok(Plan {
        domain: spec.domain.into_inner(),
        file: file.to_owned(),
        sources,
        entities,
        feeds,
    })
}

fn plan_feed(
    c: &mut Checker<'_>,
    f: &Spanned<crate::mapping::spec::FeedSpec>,
    sources: &BTreeMap<String, PlannedSource>,
    entities: &BTreeMap<String, EntityPlan>,
    catalog: &Catalog,
) -> Option<Feed> {
    let spec = f.get_ref();
    let source = spec.source.get_ref();
    if !sources.contains_key(source) {
        c.error(
            &spec.source,
            format!("unknown source {source}"),
            closest(source, sources.keys().map(String::as_str)),
        );
    }
    let entity = spec.entity.get_ref();
    let loader = catalog.get(entity);
    if loader.is_none() {
        c.error(
            &spec.entity,
            format!("unknown entity {entity}"),
            closest(entity, catalog.names()),
        );
    }
    if !entities.contains_key(entity) && loader.is_some() {
        c.error(
            &spec.entity,
            format!("entity {entity} has no [entities.{entity}] section with its key"),
            None,
        );
    }
    let known: Vec<&str> = loader.map(|l| l.fields()).unwrap_or_default();
    let mut fields = Vec::new();
    for (name, field) in &spec.fields {
        if loader.is_some() && !known.contains(&name.as_str()) {
            c.error(
                field,
                format!("{entity} has no field {name}"),
                closest(name, known.iter().copied()),
            );
        }
        if let Some(plan) = plan_field(c, name, field) {
            fields.push(plan);
        }
    }
    if let Some(e) = entities.get(entity) {
        for k in &e.key {
            if !spec.fields.contains_key(k) {
                c.error(
                    f,
                    format!("feed into {entity} does not give its key field {k}"),
                    None,
                );
            }
        }
    }
    let mut skip = Vec::new();
    for s in &spec.skip {
        let sp = s.get_ref();
        let pattern = match sp.pattern.as_deref().map(Regex::new).transpose() {
            Ok(p) => p,
            Err(e) => {
                c.error(s, format!("invalid skip pattern: {e}"), None);
                None
            }
        };
        if pattern.is_none() && !sp.blank {
            c.error(s, "a skip needs a pattern or blank = true", None);
        }
        let reason = sp.reason.clone().unwrap_or_else(|| match &sp.pattern {
            Some(p) => format!("{} matches {p}", sp.column),
            None => format!("{} is empty", sp.column),
        });
        skip.push(Skip {
            column: sp.column.clone(),
            pattern,
            blank: sp.blank,
            reason,
        });
    }
    let line = c.line(f.span().start);
    let mut lookups = Vec::new();
    for field in spec.fields.values() {
        for t in &field.get_ref().transforms {
            if let crate::mapping::spec::TransformSpec::Lookup { lookup: l } = t.get_ref() {
                lookups.push((
                    l.domain.clone(),
                    l.entity.clone(),
                    l.by.clone(),
                    l.returns.clone(),
                ));
            }
        }
        for r in &field.get_ref().rules {
            if let crate::mapping::spec::RuleSpec::Exists { exists: x } = r.get_ref() {
                lookups.push((
                    x.domain.clone(),
                    x.entity.clone(),
                    x.field.clone(),
                    x.field.clone(),
                ));
            }
        }
    }
    lookups.sort();
    lookups.dedup();
    Some(Feed {
        lookups,
        source: source.clone(),
        table: spec.table.get_ref().clone(),
        entity: entity.clone(),
        read: ReadOptions {
            header_row: spec.header_row.map(|r| r.saturating_sub(1)),
        },
        skip,
        priority: spec.priority,
        legacy_key: spec.legacy_key.clone(),
        fields,
        line,
    })
}

fn plan_field(
    c: &mut Checker<'_>,
    name: &str,
    field: &Spanned<crate::mapping::spec::FieldSpec>,
) -> Option<FieldPlan> {
    let spec = field.get_ref();
    let columns: Vec<String> = spec
        .from
        .as_ref()
        .map(OneOrMany::columns)
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if columns.is_empty() && spec.constant.is_none() {
        c.error(
            field,
            format!("field {name} needs `from` (a source column) or `constant`"),
            None,
        );
        return None;
    }
    let mut transforms = Vec::new();
    let mut concat = None;
    for t in &spec.transforms {
        if let crate::mapping::spec::TransformSpec::Concat { concat: cs } = t.get_ref() {
            concat = Some(cs.separator.clone());
            continue;
        }
        match Transform::compile(t.get_ref()) {
            Ok(t) => transforms.push(t),
            Err(e) => c.error(t, format!("field {name}: {e}"), None),
        }
    }
    if columns.len() > 1 && concat.is_none() {
        c.error(
            field,
            format!(
                "field {name} reads {} columns: add a concat transform",
                columns.len()
            ),
            Some("transforms = [{ concat = { separator = \" \" } }]".into()),
        );
    }
    let mut rules = Vec::new();
    for r in &spec.rules {
        match Rule::compile(r.get_ref()) {
            Ok(r) => rules.push(r),
            Err(e) => c.error(r, format!("field {name}: {e}"), None),
        }
    }
    Some(FieldPlan {
        name: name.to_owned(),
        columns,
        constant: spec.constant.as_ref().map(toml_to_val),
        default: spec.default.as_ref().map(toml_to_val),
        ty: spec.ty,
        concat,
        transforms,
        rules,
        line: c.line(field.span().start),
    })
}
