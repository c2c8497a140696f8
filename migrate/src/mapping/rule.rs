//! Compiled validation rules: a mapping's `rules` list, checked once when the mapping is
//! loaded (patterns compiled, bounds parsed), then applied to the transformed value.
//! A null or blank value passes every rule but `required`, so optional fields can carry rules.
//! The bounds of `range`, `length`, `date_range` and `plausible_date` are in `rule_bounds`.

use chrono::NaiveDate;
use regex::Regex;
use rust_decimal::Decimal;

use bascule_platform::ident;

use super::rule_bounds::{
    check_date, check_length, check_plausible, check_range, date_bounds, decimal_bounds,
    length_bounds,
};
use super::spec::{ExistsSpec, MatchMode, NamedRule, RuleSpec};
use super::transform::{TransformContext, describe};
use super::val::{Val, Violation};

/// A rule ready to check.
#[derive(Debug, Clone)]
pub enum Rule {
    /// Not null and not blank.
    Required,
    Email,
    Siret,
    Iban,
    /// From 1800-01-01 to ten years after today.
    PlausibleDate,
    /// The whole text matches.
    Pattern {
        pattern: String,
        regex: Regex,
    },
    /// Inclusive bounds on a number.
    Range {
        min: Option<Decimal>,
        max: Option<Decimal>,
    },
    /// Inclusive bounds on the number of characters.
    Length {
        min: Option<usize>,
        max: Option<usize>,
    },
    /// The trimmed text is one of these.
    OneOf(Vec<String>),
    /// Inclusive bounds on a date.
    DateRange {
        min: Option<NaiveDate>,
        max: Option<NaiveDate>,
    },
    /// The value is a `field` of a record already migrated (exact match).
    Exists(ExistsSpec),
}

impl Rule {
    /// Err = a message for the mapping author.
    pub fn compile(spec: &RuleSpec) -> Result<Rule, String> {
        Ok(match spec {
            RuleSpec::Named(NamedRule::Required) => Rule::Required,
            RuleSpec::Named(NamedRule::Email) => Rule::Email,
            RuleSpec::Named(NamedRule::Siret) => Rule::Siret,
            RuleSpec::Named(NamedRule::Iban) => Rule::Iban,
            RuleSpec::Named(NamedRule::PlausibleDate) => Rule::PlausibleDate,
            RuleSpec::Pattern { pattern } => Rule::Pattern {
                regex: Regex::new(&format!("^(?:{pattern})$"))
                    .map_err(|e| format!("pattern: invalid regular expression {pattern:?}: {e}"))?,
                pattern: pattern.clone(),
            },
            RuleSpec::Range { range } => {
                let (min, max) = decimal_bounds(range)?;
                Rule::Range { min, max }
            }
            RuleSpec::Length { length } => {
                let (min, max) = length_bounds(length)?;
                Rule::Length { min, max }
            }
            RuleSpec::OneOf { one_of } => {
                if one_of.is_empty() {
                    return Err("one_of: no values are listed".to_owned());
                }
                Rule::OneOf(one_of.iter().map(|v| v.trim().to_owned()).collect())
            }
            RuleSpec::DateRange { date_range } => {
                let (min, max) = date_bounds(date_range)?;
                Rule::DateRange { min, max }
            }
            RuleSpec::Exists { exists } => {
                for (name, value) in [
                    ("domain", &exists.domain),
                    ("entity", &exists.entity),
                    ("field", &exists.field),
                ] {
                    if value.trim().is_empty() {
                        return Err(format!("exists: `{name}` is empty"));
                    }
                }
                Rule::Exists(exists.clone())
            }
        })
    }

    /// The rule's name, as written in mappings and reported in violations.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::Email => "email",
            Rule::Siret => "siret",
            Rule::Iban => "iban",
            Rule::PlausibleDate => "plausible_date",
            Rule::Pattern { .. } => "pattern",
            Rule::Range { .. } => "range",
            Rule::Length { .. } => "length",
            Rule::OneOf(_) => "one_of",
            Rule::DateRange { .. } => "date_range",
            Rule::Exists(_) => "exists",
        }
    }

    /// Null and blank values pass every rule except `required`.
    pub fn check(&self, val: &Val, ctx: &TransformContext<'_>) -> Result<(), Violation> {
        let name = self.name();
        if val.is_blank() {
            return match self {
                Rule::Required => Err(Violation::new(name, "a value is required")),
                _ => Ok(()),
            };
        }
        let fail = |message: String| Err(Violation::new(name, message));
        let identifier = |check: fn(&str) -> Result<String, String>| {
            check(&text(val, name)?)
                .map(drop)
                .map_err(|m| Violation::new(name, m))
        };
        match self {
            Rule::Required => Ok(()),
            Rule::Email => identifier(ident::email),
            Rule::Siret => identifier(ident::siret),
            Rule::Iban => identifier(ident::iban),
            Rule::Pattern { pattern, regex } => {
                let text = text(val, name)?;
                if regex.is_match(&text) {
                    Ok(())
                } else {
                    fail(format!("{text:?} does not match the pattern {pattern}"))
                }
            }
            Rule::Range { min, max } => check_range(val, *min, *max),
            Rule::Length { min, max } => check_length(&text(val, name)?, *min, *max),
            Rule::OneOf(values) => {
                let text = text(val, name)?;
                if values.iter().any(|v| v == text.trim()) {
                    Ok(())
                } else {
                    let listed: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                    fail(format!("{text:?} is not one of {}", listed.join(", ")))
                }
            }
            Rule::DateRange { min, max } => check_date(val, *min, *max, name),
            Rule::PlausibleDate => check_plausible(val, ctx.today),
            Rule::Exists(ExistsSpec {
                domain,
                entity,
                field,
            }) => {
                let text = text(val, name)?;
                let text = text.trim();
                let Some(index) = ctx.lookups.index(domain, entity, field, field) else {
                    return fail(format!(
                        "cannot check {text:?}: the {domain} domain's {entity} has not been migrated yet (migrate {domain} first)"
                    ));
                };
                match index.find(text, MatchMode::Exact, 1.0) {
                    Some(_) => Ok(()),
                    None => fail(format!("no {domain}.{entity} has the {field} {text:?}")),
                }
            }
        }
    }
}

/// The text of a text or number value; other kinds are a violation of `rule`.
fn text(val: &Val, rule: &str) -> Result<String, Violation> {
    match val {
        Val::Text(s) => Ok(s.clone()),
        Val::Int(_) | Val::Decimal(_) | Val::Float(_) => Ok(val.to_text().unwrap_or_default()),
        other => Err(Violation::new(
            rule,
            format!("expected a text, found {}", describe(other)),
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::mapping::lookup::{LookupIndex, LookupSource, LookupTables, NoLookups};
    use crate::mapping::spec::{DateRangeSpec, LengthSpec, RangeSpec};

    fn ctx(lookups: &dyn LookupSource) -> TransformContext<'_> {
        TransformContext::new(lookups, NaiveDate::from_ymd_opt(2025, 9, 30).unwrap())
    }

    /// Compiles and checks one rule, with today = 2025-09-30 and no lookups.
    pub(crate) fn check(spec: RuleSpec, val: Val) -> Result<(), Violation> {
        Rule::compile(&spec).unwrap().check(&val, &ctx(&NoLookups))
    }

    fn named(rule: NamedRule, val: Val) -> Result<(), Violation> {
        check(RuleSpec::Named(rule), val)
    }

    fn text(s: &str) -> Val {
        Val::Text(s.to_owned())
    }

    fn pattern(p: &str) -> RuleSpec {
        RuleSpec::Pattern {
            pattern: p.to_owned(),
        }
    }

    #[test]
    fn required_refuses_blank_only() {
        assert_eq!(
            named(NamedRule::Required, Val::Null),
            Err(Violation::new("required", "a value is required"))
        );
        assert!(named(NamedRule::Required, text(" \u{a0}")).is_err());
        assert!(named(NamedRule::Required, text("x")).is_ok());
        assert!(named(NamedRule::Required, Val::Int(0)).is_ok());
    }

    #[test]
    fn blank_values_pass_every_other_rule() {
        let exists = ExistsSpec {
            domain: "d".to_owned(),
            entity: "e".to_owned(),
            field: "f".to_owned(),
        };
        let specs = [
            RuleSpec::Named(NamedRule::Email),
            RuleSpec::Named(NamedRule::Siret),
            RuleSpec::Named(NamedRule::Iban),
            RuleSpec::Named(NamedRule::PlausibleDate),
            pattern("F\\d{5}"),
            RuleSpec::Range {
                range: RangeSpec {
                    min: Some(toml::Value::Integer(1)),
                    max: None,
                },
            },
            RuleSpec::Length {
                length: LengthSpec {
                    min: Some(3),
                    max: None,
                },
            },
            RuleSpec::OneOf {
                one_of: vec!["A".to_owned()],
            },
            RuleSpec::DateRange {
                date_range: DateRangeSpec {
                    min: Some("2000-01-01".to_owned()),
                    max: None,
                },
            },
            RuleSpec::Exists { exists },
        ];
        for spec in specs {
            assert!(check(spec.clone(), Val::Null).is_ok(), "{spec:?}");
            assert!(check(spec.clone(), text("  ")).is_ok(), "{spec:?}");
        }
    }

    #[test]
    fn identifiers_use_the_platform_checks() {
        assert!(named(NamedRule::Siret, text("539 068 296 00034")).is_ok());
        assert!(named(NamedRule::Siret, Val::Float(53_906_829_600_034.0)).is_ok());
        let err = named(NamedRule::Siret, text("53906829600035")).unwrap_err();
        assert_eq!(
            err,
            Violation::new("siret", "\"53906829600035\" fails the SIRET check digit")
        );
        assert!(named(NamedRule::Iban, text("FR76 1780 6578 8417 9506 3866 762")).is_ok());
        let err = named(NamedRule::Iban, text("FR76 1780 6578 8417 9506 3866 763")).unwrap_err();
        assert_eq!(err.rule, "iban");
        assert!(named(NamedRule::Email, text("compta@aciers-lemaitre.fr")).is_ok());
        let err = named(NamedRule::Email, text("compta@aciers-lemaitre")).unwrap_err();
        assert_eq!(
            err.message,
            "\"compta@aciers-lemaitre\" is not an e-mail address"
        );
        let err = named(NamedRule::Email, Val::Bool(true)).unwrap_err();
        assert_eq!(err.message, "expected a text, found the boolean true");
    }

    #[test]
    fn pattern_matches_the_whole_text() {
        let code = || pattern(r"F\d{5}|C\d{5}");
        assert!(check(code(), text("F00011")).is_ok());
        assert!(check(code(), text("C00011")).is_ok());
        let err = check(code(), text("XF00011")).unwrap_err();
        assert_eq!(
            err,
            Violation::new(
                "pattern",
                "\"XF00011\" does not match the pattern F\\d{5}|C\\d{5}"
            )
        );
        assert!(check(code(), text("F000112")).is_err());
        assert!(check(pattern(r"\d+"), Val::Int(42)).is_ok());
        let err = Rule::compile(&pattern("[")).unwrap_err();
        assert!(err.contains("invalid regular expression"), "{err}");
    }

    #[test]
    fn one_of_compares_trimmed_text_exactly() {
        let modes = || RuleSpec::OneOf {
            one_of: ["VIR", "LCR", "CHQ", "PRLV", "CB"]
                .map(str::to_owned)
                .to_vec(),
        };
        assert!(check(modes(), text(" VIR ")).is_ok());
        let err = check(modes(), text("vir")).unwrap_err();
        assert_eq!(
            err.message,
            "\"vir\" is not one of \"VIR\", \"LCR\", \"CHQ\", \"PRLV\", \"CB\""
        );
        assert!(Rule::compile(&RuleSpec::OneOf { one_of: vec![] }).is_err());
    }

    #[test]
    fn exists_looks_in_the_migrated_entity() {
        let mut tables = LookupTables::new();
        let refs = ["MP-00012", "CO-00007"].map(|r| (r.to_owned(), r.to_owned()));
        tables.insert(
            "stock",
            "article",
            "reference",
            "reference",
            LookupIndex::new(refs),
        );
        let exists = ExistsSpec {
            domain: "stock".to_owned(),
            entity: "article".to_owned(),
            field: "reference".to_owned(),
        };
        let rule = Rule::compile(&RuleSpec::Exists { exists }).unwrap();
        assert!(rule.check(&text(" MP-00012 "), &ctx(&tables)).is_ok());
        let err = rule.check(&text("mp-00012"), &ctx(&tables)).unwrap_err();
        assert_eq!(
            err,
            Violation::new("exists", "no stock.article has the reference \"mp-00012\"")
        );
        let err = rule.check(&text("MP-00012"), &ctx(&NoLookups)).unwrap_err();
        assert!(
            err.message.contains("has not been migrated yet"),
            "{}",
            err.message
        );
        let empty = ExistsSpec {
            domain: "stock".to_owned(),
            entity: String::new(),
            field: "reference".to_owned(),
        };
        assert_eq!(
            Rule::compile(&RuleSpec::Exists { exists: empty }).unwrap_err(),
            "exists: `entity` is empty"
        );
    }
}
