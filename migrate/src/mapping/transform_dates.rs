//! Text dates and times in listed formats, with two-digit years read with a pivot as
//! Oracle's RR. Excel serials and UTC conversion are in `transform_time`.

use std::fmt::Write as _;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::spec::DateFormats;
use super::transform::describe;
use super::val::{Val, Violation};

/// Compiled `date` / `datetime` formats.
#[derive(Debug, Clone)]
pub struct DateParser {
    formats: Vec<Format>,
    pivot: u8,
}

#[derive(Debug, Clone)]
struct Format {
    text: String,
    items: Vec<Item<'static>>,
    /// A date written in this format with each run of digits replaced by `9`
    /// ("9/9/9"), to tell an impossible date (32/01/2024) from another shape (45657).
    skeleton: String,
}

fn skeleton(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('9') {
            out.push('9');
        }
    }
    out
}

/// Why a text is no date in a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// The text has another shape (or a year of fewer than four digits for `%Y`).
    Shape,
    /// The shape matches but there is no such day or time (31/02, 32/01, 25:00).
    Impossible,
}

impl DateParser {
    /// Checks that every format is valid strftime that reads back what it writes.
    /// `name` is the transform's name, for messages.
    pub fn compile(spec: &DateFormats, name: &str) -> Result<DateParser, String> {
        if spec.formats.is_empty() {
            return Err(format!("{name}: no formats are listed"));
        }
        if spec.pivot > 99 {
            return Err(format!(
                "{name}: the pivot must be between 0 and 99, not {}",
                spec.pivot
            ));
        }
        let sample = NaiveDate::from_ymd_opt(1999, 12, 31)
            .and_then(|d| d.and_hms_opt(13, 45, 56))
            .ok_or_else(|| format!("{name}: no sample date"))?;
        let mut formats = Vec::with_capacity(spec.formats.len());
        for format in &spec.formats {
            let bad = |why: &str| format!("{name}: the format {format:?} {why}");
            let items = StrftimeItems::new(format)
                .parse_to_owned()
                .map_err(|_| bad("is not valid (strftime syntax: %d/%m/%Y)"))?;
            let mut written = String::new();
            write!(written, "{}", sample.format_with_items(items.iter()))
                .map_err(|_| bad("cannot be used for dates"))?;
            let read = parse_with(&items, &written, spec.pivot)
                .map_err(|_| bad("does not give a whole date (day, month and year)"))?;
            let mut rewritten = String::new();
            write!(rewritten, "{}", read.format_with_items(items.iter()))
                .map_err(|_| bad("cannot be used for dates"))?;
            if rewritten != written {
                return Err(bad(
                    "does not read back what it writes (a time needs hours and minutes)",
                ));
            }
            formats.push(Format {
                text: format.clone(),
                items,
                skeleton: skeleton(&written),
            });
        }
        Ok(DateParser {
            formats,
            pivot: spec.pivot,
        })
    }

    fn parse(&self, text: &str, rule: &str) -> Result<NaiveDateTime, Violation> {
        let trimmed = text.trim();
        let shape = skeleton(trimmed);
        let mut impossible = None;
        for format in &self.formats {
            match parse_with(&format.items, trimmed, self.pivot) {
                Ok(value) => return Ok(value),
                // Out of range for this format only if the text has its shape.
                Err(Failure::Impossible) if shape == format.skeleton => {
                    impossible = impossible.or(Some(&format.text));
                }
                Err(_) => {}
            }
        }
        let message = match impossible {
            Some(format) => format!(
                "{text:?} is not a real date (it has the format {format} but no such day or time exists)"
            ),
            None => {
                let listed: Vec<&str> = self.formats.iter().map(|f| f.text.as_str()).collect();
                format!(
                    "{text:?} matches none of the date formats {}",
                    listed.join(", ")
                )
            }
        };
        Err(Violation::new(rule, message))
    }

    /// A text date → date; date cells pass (a date and time gives its date).
    pub fn date(&self, val: Val) -> Result<Val, Violation> {
        match val {
            Val::Null | Val::Date(_) => Ok(val),
            Val::DateTime(t) => Ok(Val::Date(t.date())),
            Val::Text(ref s) if s.trim().is_empty() => Ok(Val::Null),
            Val::Text(s) => Ok(Val::Date(self.parse(&s, "date")?.date())),
            other => Err(not_a_date_text(&other, "date")),
        }
    }

    /// A text date and time → local date and time (a date-only format gives midnight);
    /// date and time cells pass, a date cell gives its midnight.
    pub fn datetime(&self, val: Val) -> Result<Val, Violation> {
        match val {
            Val::Null | Val::DateTime(_) => Ok(val),
            Val::Date(d) => Ok(Val::DateTime(d.and_time(NaiveTime::MIN))),
            Val::Text(ref s) if s.trim().is_empty() => Ok(Val::Null),
            Val::Text(s) => Ok(Val::DateTime(self.parse(&s, "datetime")?)),
            other => Err(not_a_date_text(&other, "datetime")),
        }
    }
}

fn not_a_date_text(val: &Val, rule: &str) -> Violation {
    let hint = match val {
        Val::Int(_) | Val::Float(_) | Val::Decimal(_) => {
            ": use the excel_serial transform for Excel day numbers"
        }
        Val::Timestamp(_) => ": a timestamp is an instant, not a local date",
        _ => "",
    };
    Violation::new(
        rule,
        format!("expected a date text, found {}{hint}", describe(val)),
    )
}

/// Parses `text` entirely with the format's items. `%y` years follow the pivot (below it
/// 20yy, from it 19yy); `%Y` years need four digits, so that "27/02/23" is not year 23.
fn parse_with(items: &[Item<'static>], text: &str, pivot: u8) -> Result<NaiveDateTime, Failure> {
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, text, items.iter()).map_err(|e| match e.kind() {
        chrono::format::ParseErrorKind::OutOfRange | chrono::format::ParseErrorKind::Impossible => {
            Failure::Impossible
        }
        _ => Failure::Shape,
    })?;
    match (parsed.year(), parsed.year_mod_100()) {
        (Some(year), _) if !(1000..=9999).contains(&year) => return Err(Failure::Shape),
        (None, Some(yy)) if parsed.year_div_100().is_none() => {
            let century = if yy < i32::from(pivot) { 20 } else { 19 };
            parsed
                .set_year_div_100(century)
                .map_err(|_| Failure::Shape)?;
        }
        _ => {}
    }
    let date = parsed.to_naive_date().map_err(|e| match e.kind() {
        chrono::format::ParseErrorKind::NotEnough => Failure::Shape,
        _ => Failure::Impossible,
    })?;
    let has_time =
        parsed.hour_mod_12().is_some() || parsed.minute().is_some() || parsed.second().is_some();
    let time = if has_time {
        parsed.to_naive_time().map_err(|e| match e.kind() {
            chrono::format::ParseErrorKind::NotEnough => Failure::Shape,
            _ => Failure::Impossible,
        })?
    } else {
        NaiveTime::MIN
    };
    Ok(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser(formats: &[&str], pivot: u8) -> Result<DateParser, String> {
        DateParser::compile(
            &DateFormats {
                formats: formats.iter().map(|f| (*f).to_owned()).collect(),
                pivot,
            },
            "date",
        )
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dt(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        ymd(y, m, d).and_hms_opt(h, min, s).unwrap()
    }

    fn text(s: &str) -> Val {
        Val::Text(s.to_owned())
    }

    #[test]
    fn dates_in_the_listed_formats() {
        let p = parser(&["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"], 50).unwrap();
        assert_eq!(p.date(text("31/12/2024")), Ok(Val::Date(ymd(2024, 12, 31))));
        assert_eq!(p.date(text("27/02/23")), Ok(Val::Date(ymd(2023, 2, 27))));
        assert_eq!(p.date(text("17/09/94")), Ok(Val::Date(ymd(1994, 9, 17))));
        assert_eq!(p.date(text("31-12-2024")), Ok(Val::Date(ymd(2024, 12, 31))));
        assert_eq!(p.date(text("12.03.2024")), Ok(Val::Date(ymd(2024, 3, 12))));
        assert_eq!(p.date(text(" 1/2/2024 ")), Ok(Val::Date(ymd(2024, 2, 1))));
        assert_eq!(p.date(text("")), Ok(Val::Null));
        assert_eq!(p.date(Val::Null), Ok(Val::Null));
        assert_eq!(
            p.date(Val::Date(ymd(2024, 12, 31))),
            Ok(Val::Date(ymd(2024, 12, 31)))
        );
        assert_eq!(
            p.date(Val::DateTime(dt(2024, 12, 31, 8, 0, 0))),
            Ok(Val::Date(ymd(2024, 12, 31)))
        );
    }

    #[test]
    fn two_digit_years_follow_the_pivot() {
        let rr = parser(&["%d/%m/%y"], 50).unwrap();
        assert_eq!(rr.date(text("01/01/49")), Ok(Val::Date(ymd(2049, 1, 1))));
        assert_eq!(rr.date(text("01/01/50")), Ok(Val::Date(ymd(1950, 1, 1))));
        assert_eq!(rr.date(text("01/01/00")), Ok(Val::Date(ymd(2000, 1, 1))));
        let low = parser(&["%d/%m/%y"], 30).unwrap();
        assert_eq!(low.date(text("01/01/35")), Ok(Val::Date(ymd(1935, 1, 1))));
        assert_eq!(
            parser(&["%d/%m/%y"], 0).unwrap().date(text("01/01/05")),
            Ok(Val::Date(ymd(1905, 1, 1)))
        );
    }

    #[test]
    fn wrong_and_impossible_dates_are_refused() {
        let p = parser(&["%d/%m/%Y", "%d/%m/%y"], 50).unwrap();
        let err = p.date(text("27/02/23x")).unwrap_err();
        assert_eq!(
            err,
            Violation::new(
                "date",
                "\"27/02/23x\" matches none of the date formats %d/%m/%Y, %d/%m/%y"
            )
        );
        let err = p.date(text("31/02/2024")).unwrap_err();
        assert!(
            err.message.starts_with("\"31/02/2024\" is not a real date"),
            "{}",
            err.message
        );
        assert!(p.date(text("29/02/2023")).is_err());
        assert_eq!(p.date(text("29/02/2024")), Ok(Val::Date(ymd(2024, 2, 29))));
        let err = p.date(text("32/01/2024")).unwrap_err();
        assert!(err.message.contains("not a real date"), "{}", err.message);
        let err = p.date(text("45657")).unwrap_err();
        assert!(
            err.message.contains("matches none of the date formats"),
            "{}",
            err.message
        );
        assert!(p.date(text("2024-12-31")).is_err());
        // A four-digit-year format does not read "23" as year 23, nor "0023".
        let four = parser(&["%d/%m/%Y"], 50).unwrap();
        assert!(four.date(text("27/02/0023")).is_err());
        assert!(
            parser(&["%d/%m/%Y"], 50)
                .unwrap()
                .date(text("27/02/23"))
                .is_err()
        );
        let err = p.date(Val::Float(45657.0)).unwrap_err();
        assert_eq!(
            err.message,
            "expected a date text, found the number 45657: use the excel_serial transform for Excel day numbers"
        );
        assert!(p.date(Val::Bool(true)).is_err());
    }

    #[test]
    fn formats_are_checked_when_compiled() {
        assert_eq!(parser(&[], 50).unwrap_err(), "date: no formats are listed");
        assert!(parser(&["%d/%m/%y"], 100).unwrap_err().contains("pivot"));
        assert!(
            parser(&["%d/%m/%Q"], 50)
                .unwrap_err()
                .contains("is not valid")
        );
        assert!(parser(&["%m/%Y"], 50).unwrap_err().contains("whole date"));
        assert!(parser(&["%d/%m/%Y %H"], 50).is_err());
        assert!(parser(&["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%e %B %Y"], 50).is_ok());
    }

    #[test]
    fn datetimes_with_or_without_time() {
        let p = parser(&["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"], 50).unwrap();
        assert_eq!(
            p.datetime(text("14/03/2016 08:05:09")),
            Ok(Val::DateTime(dt(2016, 3, 14, 8, 5, 9)))
        );
        assert_eq!(
            p.datetime(text("14/03/2016 08:05")),
            Ok(Val::DateTime(dt(2016, 3, 14, 8, 5, 0)))
        );
        assert_eq!(
            p.datetime(text("14/03/2016")),
            Ok(Val::DateTime(dt(2016, 3, 14, 0, 0, 0)))
        );
        assert_eq!(
            p.datetime(Val::Date(ymd(2016, 3, 14))),
            Ok(Val::DateTime(dt(2016, 3, 14, 0, 0, 0)))
        );
        assert!(
            p.datetime(text("14/03/2016 25:00"))
                .unwrap_err()
                .message
                .contains("not a real date")
        );
        assert_eq!(
            p.datetime(text("14/03/2016 8h05")).unwrap_err().rule,
            "datetime"
        );
        // A `date` reads a date-and-time format too, keeping the date.
        assert_eq!(
            p.date(text("14/03/2016 23:59")),
            Ok(Val::Date(ymd(2016, 3, 14)))
        );
    }
}
