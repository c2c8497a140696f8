//! Excel serial day numbers (with Excel's 1900 leap-year bug) and local times converted to
//! UTC (with daylight-saving gaps and overlaps resolved).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::transform::describe;
use super::val::{Val, Violation, float_to_decimal};

/// The greatest serial Excel shows as a date: 9999-12-31.
const EXCEL_MAX_SERIAL: i64 = 2_958_465;

/// An Excel serial day number → date (or date and time when it has a time fraction).
/// Excel counts 1900-01-01 as day 1 and believes 1900 was a leap year: serial 60 is the
/// fictitious 1900-02-29 (refused) and from 61 on day 0 is 1899-12-30. Date and time cells
/// pass; a text of digits is a serial too.
pub fn excel_serial(val: Val) -> Result<Val, Violation> {
    let refuse = |what: String| Violation::new("excel_serial", what);
    let serial = match &val {
        Val::Null | Val::Date(_) | Val::DateTime(_) => return Ok(val),
        Val::Int(i) => Decimal::from(*i),
        Val::Decimal(d) => *d,
        Val::Float(f) => float_to_decimal(*f)
            .ok_or_else(|| refuse(format!("the number {f} is not a day number")))?,
        Val::Text(s) if s.trim().is_empty() => return Ok(Val::Null),
        Val::Text(s) => {
            let t = s.trim();
            let well_formed = match t.split_once(['.', ',']) {
                Some((days, fraction)) => all_digits(days) && all_digits(fraction),
                None => all_digits(t),
            };
            well_formed
                .then(|| Decimal::from_str_exact(&t.replace(',', ".")).ok())
                .flatten()
                .ok_or_else(|| {
                    refuse(format!(
                        "{s:?} is not an Excel serial day number (such as 45657)"
                    ))
                })?
        }
        other => {
            return Err(refuse(format!(
                "expected an Excel serial day number, found {}",
                describe(other)
            )));
        }
    };
    let days_part = serial.floor();
    let days = i64::try_from(days_part).unwrap_or(i64::MAX);
    // Seconds of the day, rounded to the second; 86 400 carries into the next day.
    let seconds = ((serial - days_part) * Decimal::from(86_400)).round();
    let seconds = u32::try_from(seconds).unwrap_or(0);
    let (days, seconds) = if seconds >= 86_400 {
        (days.saturating_add(1), 0)
    } else {
        (days, seconds)
    };
    let date = match days {
        1..=59 => NaiveDate::from_ymd_opt(1899, 12, 31),
        61..=EXCEL_MAX_SERIAL => NaiveDate::from_ymd_opt(1899, 12, 30),
        60 => return Err(refuse(format!("{serial} is 1900-02-29, a day that does not exist (Excel's 1900 leap-year bug)"))),
        _ => return Err(refuse(format!("{serial} is not an Excel serial day number (1 = 1900-01-01 to {EXCEL_MAX_SERIAL} = 9999-12-31)"))),
    }
    .and_then(|epoch| epoch.checked_add_signed(Duration::days(days)))
    .ok_or_else(|| refuse(format!("{serial} is out of the range of dates")))?;
    if serial.fract().is_zero() {
        return Ok(Val::Date(date));
    }
    let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).unwrap_or(NaiveTime::MIN);
    Ok(Val::DateTime(date.and_time(time)))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// The time zone of a `to_utc`, by its IANA name.
pub fn zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("to_utc: unknown time zone {name:?} (expected an IANA name such as Europe/Paris)")
    })
}

/// A local date and time in `tz` → UTC; a date is taken at local midnight; timestamps
/// pass. In the autumn overlap (2021-10-31 02:30 happens twice in Paris) the EARLIER
/// instant is taken, i.e. the summer offset (+02:00). In the spring gap (2021-03-28 02:30
/// does not exist in Paris) the time is shifted forward by the gap: it is read with the
/// offset in force before the gap (+01:00), i.e. 01:30 UTC = 03:30 summer time.
pub fn to_utc(tz: Tz, val: Val) -> Result<Val, Violation> {
    let local = match val {
        Val::Null | Val::Timestamp(_) => return Ok(val),
        Val::DateTime(t) => t,
        Val::Date(d) => d.and_time(NaiveTime::MIN),
        other => {
            return Err(Violation::new(
                "to_utc",
                format!(
                    "expected a local date and time, found {} (read it with the datetime transform first)",
                    describe(&other)
                ),
            ));
        }
    };
    local_to_utc(tz, local).map(Val::Timestamp).ok_or_else(|| {
        Violation::new(
            "to_utc",
            format!("{local} has no UTC time in {}", tz.name()),
        )
    })
}

/// See [`to_utc`].
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(t) = tz.from_local_datetime(&local).earliest() {
        return Some(t.with_timezone(&Utc));
    }
    // In a gap: the offset in force just before it, found by stepping back by the quarter hour.
    let before = (1..=4 * 48).find_map(|quarters| {
        let earlier = local.checked_sub_signed(Duration::minutes(15 * quarters))?;
        tz.from_local_datetime(&earlier).latest()
    })?;
    let offset = i64::from(before.offset().fix().local_minus_utc());
    let utc = local.checked_sub_signed(Duration::seconds(offset))?;
    Some(Utc.from_utc_datetime(&utc))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn excel_serials_with_the_1900_leap_year_bug() {
        assert_eq!(excel_serial(Val::Int(1)), Ok(Val::Date(ymd(1900, 1, 1))));
        assert_eq!(excel_serial(Val::Int(59)), Ok(Val::Date(ymd(1900, 2, 28))));
        assert!(
            excel_serial(Val::Int(60))
                .unwrap_err()
                .message
                .contains("1900-02-29")
        );
        assert_eq!(excel_serial(Val::Int(61)), Ok(Val::Date(ymd(1900, 3, 1))));
        assert_eq!(
            excel_serial(Val::Int(45657)),
            Ok(Val::Date(ymd(2024, 12, 31)))
        );
        assert_eq!(
            excel_serial(Val::Float(45657.0)),
            Ok(Val::Date(ymd(2024, 12, 31)))
        );
        assert_eq!(
            excel_serial(Val::Float(45657.5)),
            Ok(Val::DateTime(dt(2024, 12, 31, 12, 0, 0)))
        );
        assert_eq!(
            excel_serial(Val::Float(45657.75)),
            Ok(Val::DateTime(dt(2024, 12, 31, 18, 0, 0)))
        );
        // 23:59:59.9 rounds to the next midnight.
        assert_eq!(
            excel_serial(Val::Float(45_657.999_999)),
            Ok(Val::DateTime(dt(2025, 1, 1, 0, 0, 0)))
        );
        assert_eq!(
            excel_serial(Val::Int(EXCEL_MAX_SERIAL)),
            Ok(Val::Date(ymd(9999, 12, 31)))
        );
        assert_eq!(
            excel_serial(text(" 45657 ")),
            Ok(Val::Date(ymd(2024, 12, 31)))
        );
        assert_eq!(
            excel_serial(text("45657,5")),
            Ok(Val::DateTime(dt(2024, 12, 31, 12, 0, 0)))
        );
        assert_eq!(
            excel_serial(Val::Date(ymd(2024, 12, 31))),
            Ok(Val::Date(ymd(2024, 12, 31)))
        );
        assert_eq!(excel_serial(Val::Null), Ok(Val::Null));
        for bad in [
            Val::Int(0),
            Val::Int(-5),
            Val::Int(EXCEL_MAX_SERIAL + 1),
            text("31/12/2024"),
            text("45657.5.1"),
            Val::Bool(true),
        ] {
            let err = excel_serial(bad.clone()).unwrap_err();
            assert_eq!(err.rule, "excel_serial", "{bad:?}");
        }
        assert_eq!(
            excel_serial(text("31/12/2024")).unwrap_err().message,
            "\"31/12/2024\" is not an Excel serial day number (such as 45657)"
        );
    }

    fn paris(val: Val) -> Result<Val, Violation> {
        to_utc(chrono_tz::Europe::Paris, val)
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> Val {
        Val::Timestamp(dt(y, m, d, h, min, 0).and_utc())
    }

    #[test]
    fn paris_local_times_to_utc() {
        // Winter (+01:00) and summer (+02:00).
        assert_eq!(
            paris(Val::DateTime(dt(2024, 1, 15, 10, 0, 0))),
            Ok(utc(2024, 1, 15, 9, 0))
        );
        assert_eq!(
            paris(Val::DateTime(dt(2024, 7, 15, 10, 0, 0))),
            Ok(utc(2024, 7, 15, 8, 0))
        );
        // Spring gap: 02:30 does not exist and is shifted forward by an hour, to 03:30 summer time.
        assert_eq!(
            paris(Val::DateTime(dt(2021, 3, 28, 2, 30, 0))),
            Ok(utc(2021, 3, 28, 1, 30))
        );
        assert_eq!(
            paris(Val::DateTime(dt(2021, 3, 28, 1, 59, 0))),
            Ok(utc(2021, 3, 28, 0, 59))
        );
        assert_eq!(
            paris(Val::DateTime(dt(2021, 3, 28, 3, 0, 0))),
            Ok(utc(2021, 3, 28, 1, 0))
        );
        // Autumn overlap: 02:30 happens twice; the earlier one (+02:00) is taken.
        assert_eq!(
            paris(Val::DateTime(dt(2021, 10, 31, 2, 30, 0))),
            Ok(utc(2021, 10, 31, 0, 30))
        );
        assert_eq!(
            paris(Val::DateTime(dt(2021, 10, 31, 3, 0, 0))),
            Ok(utc(2021, 10, 31, 2, 0))
        );
        // Dates at local midnight; timestamps pass; text is refused.
        assert_eq!(
            paris(Val::Date(ymd(2024, 7, 15))),
            Ok(utc(2024, 7, 14, 22, 0))
        );
        assert_eq!(paris(utc(2024, 7, 15, 8, 0)), Ok(utc(2024, 7, 15, 8, 0)));
        assert_eq!(paris(Val::Null), Ok(Val::Null));
        assert_eq!(paris(text("15/07/2024 10:00")).unwrap_err().rule, "to_utc");
    }
}
