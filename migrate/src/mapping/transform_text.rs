//! Text transforms that need more than a line: title case, space collapsing, padding,
//! and `map` (a table of legacy codes to new ones).

use std::collections::HashMap;

use super::spec::{MapSpec, Otherwise};
use super::transform::describe;
use super::val::{Val, Violation};

/// Each word capitalised and the rest lower-case, accents included ("ÉCOLE" → "École").
/// A word starts after any character but a letter or a digit: white space, a hyphen
/// ("Saint-Étienne"), a parenthesis; after an apostrophe only in a one-letter elision
/// ("L'Isère", "D'Artagnan", but "Aujourd'hui").
pub fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Letters of the current word so far, to recognise one-letter elisions.
    let mut word_len = 0usize;
    let mut start = true;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
            word_len += 1;
        } else {
            start = !(c == '\'' || c == '’') || word_len == 1;
            if start {
                word_len = 0;
            }
            out.push(c);
        }
    }
    out
}

/// Each run of white space (no-break spaces, tabs and line breaks included) becomes one
/// space; the ends are collapsed too, not removed.
pub fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// Pads on the left to `width` characters; a longer text is unchanged.
pub fn pad_left(s: &str, width: usize, with: char) -> String {
    let len = s.chars().count();
    let mut out: String = std::iter::repeat_n(with, width.saturating_sub(len)).collect();
    out.push_str(s);
    out
}

/// A compiled `map`: keys compared trimmed and case-insensitively.
#[derive(Debug, Clone)]
pub struct ValueMap {
    values: HashMap<String, String>,
    otherwise: Otherwise,
    /// The listed keys, for messages.
    listed: String,
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

impl ValueMap {
    pub fn compile(spec: &MapSpec) -> Result<ValueMap, String> {
        if spec.values.is_empty() {
            return Err("map: no values are listed".to_owned());
        }
        let mut values: HashMap<String, String> = HashMap::new();
        for (key, value) in &spec.values {
            if let Some(previous) = values.insert(fold(key), value.clone())
                && previous != *value
            {
                return Err(format!(
                    "map: {key:?} is listed twice (keys are compared trimmed and ignoring case) with different results"
                ));
            }
        }
        let mut keys: Vec<String> = spec.values.keys().map(|k| format!("{k:?}")).collect();
        if keys.len() > 12 {
            keys.truncate(12);
            keys.push("…".to_owned());
        }
        Ok(ValueMap {
            values,
            otherwise: spec.otherwise,
            listed: keys.join(", "),
        })
    }

    /// A listed value → its result as text; a null or blank value without an entry for ""
    /// → null; another value as `otherwise` says (`keep` leaves it unchanged).
    pub fn apply(&self, val: Val) -> Result<Val, Violation> {
        let text = val.to_text().unwrap_or_default();
        if let Some(result) = self.values.get(&fold(&text)) {
            return Ok(Val::Text(result.clone()));
        }
        if val.is_blank() {
            return Ok(Val::Null);
        }
        match self.otherwise {
            Otherwise::Keep => Ok(val),
            Otherwise::Null => Ok(Val::Null),
            Otherwise::Error => Err(Violation::new(
                "map",
                format!(
                    "{} is not one of the mapped values {}",
                    describe(&val),
                    self.listed
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::lookup::NoLookups;
    use crate::mapping::spec::{
        ConcatSpec, NamedTransform, PadSpec, ReplaceSpec, SplitSpec, TransformSpec,
    };
    use crate::mapping::transform::tests::{ctx, named, run};
    use crate::mapping::transform::{Transform, concat};
    use chrono::NaiveDate;
    use std::collections::BTreeMap;

    fn text(s: &str) -> Val {
        Val::Text(s.to_owned())
    }

    fn map(pairs: &[(&str, &str)], otherwise: Otherwise) -> Result<ValueMap, String> {
        let values: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ValueMap::compile(&MapSpec { values, otherwise })
    }

    #[test]
    fn title_capitalises_words_and_hyphenated_parts() {
        assert_eq!(title("ÉCOLE"), "École");
        assert_eq!(title("saint-étienne"), "Saint-Étienne");
        assert_eq!(title("BOURG-EN-BRESSE"), "Bourg-En-Bresse");
        assert_eq!(title("  jean   DUPONT "), "  Jean   Dupont ");
        assert_eq!(title("L'ISÈRE et aujourd'hui"), "L'Isère Et Aujourd'hui");
        assert_eq!(title("d’artagnan"), "D’Artagnan");
        assert_eq!(title("œuvre 2b (AIN)"), "Œuvre 2b (Ain)");
        assert_eq!(title(""), "");
    }

    #[test]
    fn collapse_spaces_of_every_kind() {
        assert_eq!(collapse_spaces("a \u{a0}\u{202f}b\t\r\nc"), "a b c");
        assert_eq!(collapse_spaces("  a  "), " a ");
        assert_eq!(collapse_spaces("abc"), "abc");
    }

    #[test]
    fn pad_counts_characters() {
        assert_eq!(pad_left("42", 5, '0'), "00042");
        assert_eq!(pad_left("é", 3, '_'), "__é");
        assert_eq!(pad_left("123456", 5, '0'), "123456");
    }

    #[test]
    fn map_compares_trimmed_and_ignoring_case() {
        let statuses = map(
            &[
                ("O", "actif"),
                ("N", "inactif"),
                ("En service", "en_service"),
            ],
            Otherwise::Error,
        )
        .unwrap();
        assert_eq!(statuses.apply(text(" o ")), Ok(text("actif")));
        assert_eq!(statuses.apply(text("EN SERVICE")), Ok(text("en_service")));
        assert_eq!(statuses.apply(Val::Null), Ok(Val::Null));
        assert_eq!(statuses.apply(text("  ")), Ok(Val::Null));
        let err = statuses.apply(text("Réformé")).unwrap_err();
        assert_eq!(
            err,
            Violation::new(
                "map",
                "\"Réformé\" is not one of the mapped values \"En service\", \"N\", \"O\""
            )
        );
        // Numbers are compared as their text.
        let codes = map(&[("1", "oui"), ("0", "non")], Otherwise::Error).unwrap();
        assert_eq!(codes.apply(Val::Int(1)), Ok(text("oui")));
        assert_eq!(codes.apply(Val::Float(0.0)), Ok(text("non")));
    }

    #[test]
    fn map_otherwise_and_empty_entry() {
        let keep = map(&[("VIR", "virement")], Otherwise::Keep).unwrap();
        assert_eq!(keep.apply(text("CHQ")), Ok(text("CHQ")));
        let null = map(&[("VIR", "virement")], Otherwise::Null).unwrap();
        assert_eq!(null.apply(text("CHQ")), Ok(Val::Null));
        let with_empty = map(&[("", "inconnu"), ("VIR", "virement")], Otherwise::Error).unwrap();
        assert_eq!(with_empty.apply(Val::Null), Ok(text("inconnu")));
        assert_eq!(with_empty.apply(text(" ")), Ok(text("inconnu")));
    }

    #[test]
    fn map_refuses_conflicting_keys() {
        assert!(
            map(&[("o", "actif"), ("O", "inactif")], Otherwise::Error)
                .unwrap_err()
                .contains("listed twice")
        );
        assert!(map(&[("o", "actif"), ("O", "actif")], Otherwise::Error).is_ok());
        assert!(map(&[], Otherwise::Error).is_err());
    }

    #[test]
    fn text_transforms() {
        use NamedTransform::*;
        assert_eq!(
            named(Trim, text("\u{a0} Bouvard-Morel \u{202f}\t")),
            Ok(text("Bouvard-Morel"))
        );
        assert_eq!(
            named(Upper, text("Résines Weber")),
            Ok(text("RÉSINES WEBER"))
        );
        assert_eq!(named(Lower, text("RÉSINES")), Ok(text("résines")));
        assert_eq!(
            named(Title, text("ÉCOLE de saint-étienne")),
            Ok(text("École De Saint-Étienne"))
        );
        assert_eq!(
            named(CollapseSpaces, text("LUBRIFIANTS\u{a0}\u{a0} MOREAU\nSARL")),
            Ok(text("LUBRIFIANTS MOREAU SARL"))
        );
        assert_eq!(
            named(RemoveSpaces, text("FR76 1780\u{a0}6578\u{202f}8417")),
            Ok(text("FR76178065788417"))
        );
        assert_eq!(
            named(DigitsOnly, text("02.61.91.30.96")),
            Ok(text("0261913096"))
        );
        assert_eq!(
            named(Normalize, text("Aciers Lemaître S.A.")),
            Ok(text("ACIERS LEMAITRE"))
        );
        // Numbers become text; an Excel SIRET read as a float keeps all its digits.
        assert_eq!(named(Trim, Val::Int(42)), Ok(text("42")));
        assert_eq!(
            named(DigitsOnly, Val::Float(53906829600034.0)),
            Ok(text("53906829600034"))
        );
        // Dates are no text.
        let err = named(
            Upper,
            Val::Date(NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()),
        )
        .unwrap_err();
        assert_eq!(
            err,
            Violation::new("upper", "upper expects a text, found the date 2024-12-31")
        );
    }

    #[test]
    fn replace_split_prefix_pad_and_concat() {
        let replace = |pattern: &str, with: &str| TransformSpec::Replace {
            replace: ReplaceSpec {
                pattern: pattern.to_owned(),
                with: with.to_owned(),
            },
        };
        assert_eq!(
            run(
                replace(r"^BC(\d{2})-(\d+)$", "PO-20$1-$2"),
                text("BC24-0153")
            ),
            Ok(text("PO-2024-0153"))
        );
        assert_eq!(run(replace(r"\s+", " "), text("a \n b")), Ok(text("a b")));
        assert!(
            Transform::compile(&replace("(", ""))
                .unwrap_err()
                .contains("invalid regular expression")
        );

        let split = |index| TransformSpec::Split {
            split: SplitSpec {
                separator: "\n".to_owned(),
                index,
            },
        };
        let address = text("12 rue des Lilas\nZI Nord\r");
        assert_eq!(run(split(0), address.clone()), Ok(text("12 rue des Lilas")));
        assert_eq!(run(split(1), address.clone()), Ok(text("ZI Nord\r")));
        assert_eq!(run(split(2), address), Ok(Val::Null));
        assert!(
            Transform::compile(&TransformSpec::Split {
                split: SplitSpec {
                    separator: String::new(),
                    index: 0
                }
            })
            .is_err()
        );

        let prefix = TransformSpec::Prefix {
            prefix: "F".to_owned(),
        };
        assert_eq!(run(prefix.clone(), text("00011")), Ok(text("F00011")));
        assert_eq!(run(prefix.clone(), text("F00011")), Ok(text("F00011")));
        assert_eq!(run(prefix.clone(), text("")), Ok(text("")));
        assert!(
            Transform::compile(&TransformSpec::Prefix {
                prefix: String::new()
            })
            .is_err()
        );

        let pad = |width| TransformSpec::PadLeft {
            pad_left: PadSpec { width, with: '0' },
        };
        assert_eq!(run(pad(5), Val::Int(42)), Ok(text("00042")));
        assert_eq!(run(pad(5), text("123456")), Ok(text("123456")));
        assert_eq!(run(pad(5), text("")), Ok(text("")));
        assert_eq!(
            Transform::compile(&pad(0)).unwrap_err(),
            "pad_left: the width must be at least 1"
        );

        let concat_spec = TransformSpec::Concat {
            concat: ConcatSpec {
                separator: "\n".to_owned(),
            },
        };
        let compiled = Transform::compile(&concat_spec).unwrap();
        assert_eq!(compiled.concat_separator(), Some("\n"));
        assert_eq!(
            compiled.apply(text("a\nb"), &mut ctx(&NoLookups)),
            Ok(text("a\nb"))
        );
        assert_eq!(
            concat(
                &[
                    text("12 rue des Lilas"),
                    Val::Null,
                    text(" "),
                    text("ZI Nord")
                ],
                "\n"
            ),
            text("12 rue des Lilas\nZI Nord")
        );
        assert_eq!(concat(&[Val::Int(1), text("A")], "-"), text("1-A"));
        assert_eq!(concat(&[Val::Null, text("\u{a0}")], " "), Val::Null);
        assert_eq!(concat(&[], " "), Val::Null);
    }
}
