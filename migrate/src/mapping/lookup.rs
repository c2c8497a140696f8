//! Lookup matching: finds the key of a record already migrated from a value typed by hand
//! (a supplier's name in a stock workbook), exactly, after normalization, or fuzzily.
//!
//! Fuzzy matching uses the normalized Levenshtein similarity of `strsim` (1 − edits / length
//! of the longer text) on the normalized texts. Jaro-Winkler was not chosen: it rewards
//! common prefixes so much that distinct suppliers such as "DUPUIS VISSERIE" and
//! "DUPUY VISSERIE" score 0.97, where Levenshtein gives 0.87.

use std::collections::HashMap;

use serde::Serialize;

pub use super::lookup_normalize::normalize;
use super::spec::MatchMode;

/// Two similarities closer than this are a tie.
const TIE: f64 = 1e-9;

/// Gives the lookup indexes of the entities already migrated.
pub trait LookupSource: Send + Sync {
    /// The index of `domain`'s `entity` comparing values with its field `by` and returning
    /// its field `returns`; `None` when that entity has not been migrated (yet).
    fn index(&self, domain: &str, entity: &str, by: &str, returns: &str) -> Option<&LookupIndex>;
}

/// No entity migrated: every lookup fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLookups;

impl LookupSource for NoLookups {
    fn index(&self, _: &str, _: &str, _: &str, _: &str) -> Option<&LookupIndex> {
        None
    }
}

/// Lookup indexes held in memory, by domain, entity, `by` field and `returns` field.
#[derive(Debug, Clone, Default)]
pub struct LookupTables {
    tables: HashMap<(String, String, String, String), LookupIndex>,
}

impl LookupTables {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(
        &mut self,
        domain: &str,
        entity: &str,
        by: &str,
        returns: &str,
        index: LookupIndex,
    ) {
        self.tables.insert(
            (
                domain.to_owned(),
                entity.to_owned(),
                by.to_owned(),
                returns.to_owned(),
            ),
            index,
        );
    }
}

impl LookupSource for LookupTables {
    fn index(&self, domain: &str, entity: &str, by: &str, returns: &str) -> Option<&LookupIndex> {
        self.tables.get(&(
            domain.to_owned(),
            entity.to_owned(),
            by.to_owned(),
            returns.to_owned(),
        ))
    }
}

/// A value found in a lookup index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LookupMatch {
    /// The value looked up, as given.
    pub input: String,
    /// The `by` value matched.
    pub matched: String,
    /// The returned key.
    pub key: String,
    /// 1 for exact and normalized matches, the similarity for fuzzy ones.
    pub score: f64,
    pub mode: MatchMode,
}

/// The result of a lookup, with what a person needs to fix a failed one.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupOutcome {
    Found(LookupMatch),
    /// Several keys match equally well (one candidate per key).
    Ambiguous(Vec<LookupMatch>),
    /// Nothing matches; for fuzzy lookups, the closest candidate below the threshold.
    NotFound {
        closest: Option<LookupMatch>,
    },
}

#[derive(Debug, Clone)]
struct Entry {
    by: String,
    key: String,
}

/// The `(by value, returned key)` pairs of a migrated entity, indexed for the three modes.
#[derive(Debug, Clone, Default)]
pub struct LookupIndex {
    entries: Vec<Entry>,
    /// Trimmed `by` value → entries.
    exact: HashMap<String, Vec<usize>>,
    /// Normalized `by` value → entries.
    normalized: HashMap<String, Vec<usize>>,
    /// The distinct normalized values in insertion order, for fuzzy scans.
    forms: Vec<String>,
}

impl LookupIndex {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut index = Self::default();
        for (by, key) in pairs {
            let i = index.entries.len();
            index.exact.entry(by.trim().to_owned()).or_default().push(i);
            let form = normalize(&by);
            if !form.is_empty() {
                let slot = index.normalized.entry(form.clone()).or_default();
                if slot.is_empty() {
                    index.forms.push(form);
                }
                slot.push(i);
            }
            index.entries.push(Entry { by, key });
        }
        index
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Exact: equal text (both trimmed); normalized: equal after [`normalize`]; fuzzy: a
    /// normalized match, else the best normalized Levenshtein similarity, if at least
    /// `threshold`. Several keys matching equally well are ambiguous: no match.
    pub fn find(&self, value: &str, mode: MatchMode, threshold: f64) -> Option<LookupMatch> {
        match self.lookup(value, mode, threshold) {
            LookupOutcome::Found(m) => Some(m),
            LookupOutcome::Ambiguous(_) | LookupOutcome::NotFound { .. } => None,
        }
    }

    /// Like [`LookupIndex::find`], telling ambiguous from missing values.
    pub fn lookup(&self, value: &str, mode: MatchMode, threshold: f64) -> LookupOutcome {
        let not_found = LookupOutcome::NotFound { closest: None };
        if mode == MatchMode::Exact {
            return match self.exact.get(value.trim()) {
                Some(hits) => self.outcome(value, hits, 1.0, mode),
                None => not_found,
            };
        }
        let form = normalize(value);
        if form.is_empty() {
            return not_found;
        }
        if let Some(hits) = self.normalized.get(&form) {
            return self.outcome(value, hits, 1.0, mode);
        }
        if mode == MatchMode::Normalized {
            return not_found;
        }
        let mut best = f64::NEG_INFINITY;
        let mut hits: Vec<usize> = Vec::new();
        for candidate in &self.forms {
            let score = strsim::normalized_levenshtein(&form, candidate);
            if score > best + TIE {
                best = score;
                hits.clear();
            }
            if (score - best).abs() <= TIE {
                hits.extend(self.normalized.get(candidate).into_iter().flatten());
            }
        }
        if hits.is_empty() {
            return not_found;
        }
        hits.sort_unstable();
        match self.outcome(value, &hits, best, mode) {
            LookupOutcome::Found(m) if best < threshold => {
                LookupOutcome::NotFound { closest: Some(m) }
            }
            LookupOutcome::Ambiguous(_) if best < threshold => not_found,
            outcome => outcome,
        }
    }

    /// One match per distinct key among the entries `hits` (in insertion order).
    fn outcome(&self, input: &str, hits: &[usize], score: f64, mode: MatchMode) -> LookupOutcome {
        let mut matches: Vec<LookupMatch> = Vec::new();
        for entry in hits.iter().filter_map(|&i| self.entries.get(i)) {
            if !matches.iter().any(|m| m.key == entry.key) {
                matches.push(LookupMatch {
                    input: input.to_owned(),
                    matched: entry.by.clone(),
                    key: entry.key.clone(),
                    score,
                    mode,
                });
            }
        }
        match matches.len() {
            0 => LookupOutcome::NotFound { closest: None },
            1 => matches.pop().map_or(
                LookupOutcome::NotFound { closest: None },
                LookupOutcome::Found,
            ),
            _ => LookupOutcome::Ambiguous(matches),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suppliers() -> LookupIndex {
        LookupIndex::new(
            [
                ("ACIERS LEMAÎTRE", "F00011"),
                ("JOLY-HUBERT SAS", "F00014"),
                ("DUPUIS VISSERIE EURL", "F00101"),
                ("DUPUY VISSERIE EURL", "F00102"),
                ("ÉTABLISSEMENTS BLANC & FILS EURL", "F00120"),
                ("BIANCHI POLIMERI S.R.L.", "F00130"),
                ("KRÜGER KUNSTSTOFFTECHNIK GMBH", "F00140"),
                ("Girard Résines SARL", "F00150"),
                ("GIRARD RÉSINES SARL", "F00150"),
                ("COMPOUNDS PERRIER SAS", "F00160"),
                ("Compounds Perrier SAS", "F00161"),
                ("MÉTAUX MULLER SARL", "F00170"),
                ("Métaux Miller SA", "F00171"),
            ]
            .map(|(by, key)| (by.to_owned(), key.to_owned())),
        )
    }

    #[test]
    fn exact_mode_compares_trimmed_text() {
        let index = suppliers();
        let m = index
            .find(" ACIERS LEMAÎTRE ", MatchMode::Exact, 0.9)
            .unwrap();
        assert_eq!(
            (m.key.as_str(), m.matched.as_str(), m.score),
            ("F00011", "ACIERS LEMAÎTRE", 1.0)
        );
        assert_eq!(m.input, " ACIERS LEMAÎTRE ");
        assert_eq!(m.mode, MatchMode::Exact);
        assert!(
            index
                .find("Aciers Lemaitre SA", MatchMode::Exact, 0.9)
                .is_none()
        );
        assert_eq!(index.len(), 13);
        assert!(!index.is_empty());
        assert!(LookupIndex::new([]).is_empty());
    }

    #[test]
    fn normalized_mode_ignores_case_accents_and_legal_forms() {
        let index = suppliers();
        let m = index
            .find("Aciers Lemaitre SA", MatchMode::Normalized, 0.9)
            .unwrap();
        assert_eq!(
            (m.key.as_str(), m.matched.as_str()),
            ("F00011", "ACIERS LEMAÎTRE")
        );
        assert!(
            index
                .find("Acier Lemaitre", MatchMode::Normalized, 0.9)
                .is_none()
        );
        assert_eq!(
            index
                .find("Ets Blanc et Fils", MatchMode::Normalized, 0.9)
                .unwrap()
                .key,
            "F00120"
        );
        // Two spellings of one supplier with the same key are no ambiguity.
        assert_eq!(
            index
                .find("girard resines", MatchMode::Normalized, 0.9)
                .unwrap()
                .key,
            "F00150"
        );
    }

    #[test]
    fn fuzzy_mode_takes_the_most_similar_above_the_threshold() {
        let index = suppliers();
        let m = index.find("Acier Lemaitre", MatchMode::Fuzzy, 0.9).unwrap();
        assert_eq!(
            (m.key.as_str(), m.matched.as_str(), m.mode),
            ("F00011", "ACIERS LEMAÎTRE", MatchMode::Fuzzy)
        );
        // "ACIER LEMAITRE" vs "ACIERS LEMAITRE": one insertion in 15 characters.
        assert!((m.score - 14.0 / 15.0).abs() < 1e-9, "{}", m.score);
        // A normalized match scores 1 in fuzzy mode too.
        assert_eq!(
            index
                .find("Aciers Lemaitre SA", MatchMode::Fuzzy, 0.9)
                .unwrap()
                .score,
            1.0
        );
        // The threshold: the same value is refused when more similarity is required.
        assert!(
            index
                .find("Acier Lemaitre", MatchMode::Fuzzy, 0.95)
                .is_none()
        );
        // Levenshtein keeps close but distinct names apart.
        let m = index
            .find("DUPUIS VISSERIES", MatchMode::Fuzzy, 0.9)
            .unwrap();
        assert_eq!(m.key, "F00101");
        let m = index.find("Dupuis Vis", MatchMode::Fuzzy, 0.5).unwrap();
        assert_eq!(m.key, "F00101");
        assert!((m.score - 10.0 / 15.0).abs() < 1e-9, "{}", m.score);
        assert!(index.find("Dupuis Vis", MatchMode::Fuzzy, 0.9).is_none());
        assert!(
            index
                .find("Plastiques Oyonnax", MatchMode::Fuzzy, 0.9)
                .is_none()
        );
    }

    #[test]
    fn ties_are_ambiguous() {
        let index = suppliers();
        // One substitution away from both MULLER and MILLER.
        assert!(matches!(
            index.lookup("Metaux Maller", MatchMode::Fuzzy, 0.9),
            LookupOutcome::Ambiguous(ms) if ms.len() == 2
        ));
        assert!(index.find("Metaux Maller", MatchMode::Fuzzy, 0.9).is_none());
        // Two records normalizing alike with different keys.
        match index.lookup("Compounds Perrier", MatchMode::Normalized, 0.9) {
            LookupOutcome::Ambiguous(ms) => {
                let keys: Vec<&str> = ms.iter().map(|m| m.key.as_str()).collect();
                assert_eq!(keys, ["F00160", "F00161"]);
            }
            other => panic!("{other:?}"),
        }
        // Exact duplicates with different keys too.
        let index = LookupIndex::new([
            ("A".to_owned(), "1".to_owned()),
            ("A".to_owned(), "2".to_owned()),
        ]);
        assert!(index.find("A", MatchMode::Exact, 0.9).is_none());
    }

    #[test]
    fn a_failed_fuzzy_lookup_tells_the_closest_candidate() {
        let index = suppliers();
        match index.lookup("Acier Lemaitre", MatchMode::Fuzzy, 0.95) {
            LookupOutcome::NotFound { closest: Some(m) } => assert_eq!(m.key, "F00011"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            index.lookup("SARL", MatchMode::Fuzzy, 0.1),
            LookupOutcome::NotFound { closest: None }
        );
        assert_eq!(
            LookupIndex::new([]).lookup("X", MatchMode::Fuzzy, 0.0),
            LookupOutcome::NotFound { closest: None }
        );
    }

    #[test]
    fn lookup_tables_give_indexes_by_domain_entity_and_fields() {
        let mut tables = LookupTables::new();
        tables.insert(
            "fournisseurs",
            "fournisseur",
            "raison_sociale",
            "code",
            suppliers(),
        );
        assert!(
            tables
                .index("fournisseurs", "fournisseur", "raison_sociale", "code")
                .is_some()
        );
        assert!(
            tables
                .index("fournisseurs", "fournisseur", "siret", "code")
                .is_none()
        );
        assert!(
            NoLookups
                .index("fournisseurs", "fournisseur", "raison_sociale", "code")
                .is_none()
        );
    }
}
