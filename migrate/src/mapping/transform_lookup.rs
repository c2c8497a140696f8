//! The `lookup` transform: a value typed by hand becomes the key of a record already
//! migrated by another domain, and the match is recorded for the report.

use super::lookup::LookupOutcome;
use super::spec::{LookupSpec, MatchMode};
use super::transform::{TransformContext, text_of};
use super::val::{Val, Violation};

fn mode_name(mode: MatchMode) -> &'static str {
    match mode {
        MatchMode::Exact => "exact",
        MatchMode::Normalized => "normalized",
        MatchMode::Fuzzy => "fuzzy",
    }
}

/// A `lookup` as written, checked: a threshold from 0 to 1 and no empty name.
pub fn check_lookup(spec: &LookupSpec) -> Result<LookupSpec, String> {
    if !(0.0..=1.0).contains(&spec.threshold) {
        return Err(format!(
            "lookup: the threshold must be between 0 and 1, not {}",
            spec.threshold
        ));
    }
    for (name, value) in [
        ("domain", &spec.domain),
        ("entity", &spec.entity),
        ("by", &spec.by),
        ("returns", &spec.returns),
    ] {
        if value.trim().is_empty() {
            return Err(format!("lookup: `{name}` is empty"));
        }
    }
    Ok(spec.clone())
}

/// The key of the record whose `by` field matches the value; the match is pushed to
/// `ctx.matches`. A blank value gives null.
pub fn lookup(
    spec: &LookupSpec,
    val: &Val,
    ctx: &mut TransformContext<'_>,
) -> Result<Val, Violation> {
    let text = text_of(val, "lookup")?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(Val::Null);
    }
    let LookupSpec {
        domain,
        entity,
        by,
        returns,
        mode,
        threshold,
    } = spec;
    let index = ctx.lookups.index(domain, entity, by, returns).ok_or_else(|| {
        Violation::new(
            "lookup",
            format!("cannot look up {text:?}: the {domain} domain's {entity} has not been migrated yet (migrate {domain} first)"),
        )
    })?;
    let failure = match index.lookup(text, *mode, *threshold) {
        LookupOutcome::Found(found) => {
            let key = found.key.clone();
            ctx.matches.push(found);
            return Ok(Val::Text(key));
        }
        LookupOutcome::Ambiguous(candidates) => {
            let listed: Vec<String> = candidates
                .iter()
                .map(|c| format!("{:?} ({})", c.matched, c.key))
                .collect();
            format!(
                "{text:?} matches several {domain}.{entity} equally ({} match on {by}): {}",
                mode_name(*mode),
                listed.join(", ")
            )
        }
        LookupOutcome::NotFound { closest } => {
            let hint = closest.map_or(String::new(), |c| {
                format!(
                    "; the closest is {:?} ({}) at {:.2}, below the threshold {threshold}",
                    c.matched, c.key, c.score
                )
            });
            format!(
                "no {domain}.{entity} has the {by} {text:?} ({} match){hint}",
                mode_name(*mode)
            )
        }
    };
    Err(Violation::new("lookup", failure))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::lookup::{LookupIndex, LookupTables, NoLookups};
    use crate::mapping::spec::TransformSpec;
    use crate::mapping::transform::Transform;
    use crate::mapping::transform::tests::{ctx, text};

    fn supplier_lookup(mode: MatchMode, threshold: f64) -> Transform {
        Transform::compile(&TransformSpec::Lookup {
            lookup: LookupSpec {
                domain: "fournisseurs".to_owned(),
                entity: "fournisseur".to_owned(),
                by: "raison_sociale".to_owned(),
                returns: "code".to_owned(),
                mode,
                threshold,
            },
        })
        .unwrap()
    }

    fn supplier_tables() -> LookupTables {
        let mut tables = LookupTables::new();
        let pairs = [
            ("ACIERS LEMAÎTRE", "F00011"),
            ("COMPOUNDS PERRIER SAS", "F00160"),
            ("Compounds Perrier SAS", "F00161"),
        ];
        let index = LookupIndex::new(pairs.map(|(by, key)| (by.to_owned(), key.to_owned())));
        tables.insert(
            "fournisseurs",
            "fournisseur",
            "raison_sociale",
            "code",
            index,
        );
        tables
    }

    #[test]
    fn lookup_returns_the_key_and_records_the_match() {
        let tables = supplier_tables();
        let mut ctx = ctx(&tables);
        let fuzzy = supplier_lookup(MatchMode::Fuzzy, 0.9);
        assert_eq!(
            fuzzy.apply(text("Acier Lemaitre"), &mut ctx),
            Ok(text("F00011"))
        );
        assert_eq!(
            supplier_lookup(MatchMode::Normalized, 0.9)
                .apply(text(" Aciers Lemaitre SA "), &mut ctx),
            Ok(text("F00011"))
        );
        assert_eq!(fuzzy.apply(Val::Null, &mut ctx), Ok(Val::Null));
        assert_eq!(fuzzy.apply(text("  "), &mut ctx), Ok(Val::Null));
        assert_eq!(ctx.matches.len(), 2);
        assert_eq!(ctx.matches[0].input, "Acier Lemaitre");
        assert_eq!(ctx.matches[0].matched, "ACIERS LEMAÎTRE");
        assert_eq!(ctx.matches[1].mode, MatchMode::Normalized);
    }

    #[test]
    fn failed_lookups_say_why() {
        let tables = supplier_tables();
        let mut ctx = ctx(&tables);
        let err = supplier_lookup(MatchMode::Exact, 0.9)
            .apply(text("Acier Lemaitre"), &mut ctx)
            .unwrap_err();
        assert_eq!(err.rule, "lookup");
        assert_eq!(
            err.message,
            "no fournisseurs.fournisseur has the raison_sociale \"Acier Lemaitre\" (exact match)"
        );
        let err = supplier_lookup(MatchMode::Fuzzy, 0.95)
            .apply(text("Acier Lemaitre"), &mut ctx)
            .unwrap_err();
        assert!(
            err.message.contains(
                "the closest is \"ACIERS LEMAÎTRE\" (F00011) at 0.93, below the threshold 0.95"
            ),
            "{}",
            err.message
        );
        let err = supplier_lookup(MatchMode::Normalized, 0.9)
            .apply(text("Compounds Perrier"), &mut ctx)
            .unwrap_err();
        assert!(
            err.message
                .contains("matches several fournisseurs.fournisseur equally"),
            "{}",
            err.message
        );
        assert!(
            err.message
                .contains("\"COMPOUNDS PERRIER SAS\" (F00160), \"Compounds Perrier SAS\" (F00161)"),
            "{}",
            err.message
        );
        assert!(ctx.matches.is_empty());

        let err = supplier_lookup(MatchMode::Exact, 0.9)
            .apply(text("ACIERS LEMAÎTRE"), &mut self::ctx(&NoLookups))
            .unwrap_err();
        assert_eq!(err.rule, "lookup");
        assert!(
            err.message
                .contains("has not been migrated yet (migrate fournisseurs first)"),
            "{}",
            err.message
        );

        let bad = TransformSpec::Lookup {
            lookup: LookupSpec {
                domain: "fournisseurs".to_owned(),
                entity: "fournisseur".to_owned(),
                by: "raison_sociale".to_owned(),
                returns: "code".to_owned(),
                mode: MatchMode::Fuzzy,
                threshold: 1.5,
            },
        };
        assert!(Transform::compile(&bad).unwrap_err().contains("threshold"));
    }
}
