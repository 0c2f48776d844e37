//! Working days (工作日) from a holiday calendar shipped as data: official
//! holidays and make-up working days (调休上班) per year. Weekends are not
//! working days unless the calendar says so. A year the calendar does not
//! cover is refused (`POLICY_PARAMETER_MISSING`), never guessed; users extend
//! the calendar with their own file.

use crate::date::Date;
use crate::error::{Error, ErrorCode, Result};
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The embedded official calendar (2024–2026).
pub const OFFICIAL: &str = include_str!("../../calendar/cn-holidays.json");

#[derive(Deserialize)]
struct YearFile {
    #[serde(default)]
    holidays: Vec<Vec<Date>>,
    #[serde(default)]
    workdays: Vec<Date>,
}

#[derive(Deserialize)]
struct CalendarFile {
    years: BTreeMap<String, YearFile>,
}

/// Holidays and make-up working days by year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeSet<i32>,
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

static DEFAULT: Lazy<Calendar> = Lazy::new(|| Calendar::from_json(OFFICIAL).unwrap_or_default());

impl Calendar {
    /// The embedded official calendar.
    pub fn official() -> &'static Calendar {
        &DEFAULT
    }

    /// Reads a calendar file: `{"years": {"2027": {"holidays": [["from", "to"], ["day"]], "workdays": ["day"]}}}`.
    pub fn from_json(text: &str) -> Result<Calendar> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let f: CalendarFile = serde_path_to_error::deserialize(de).map_err(|e| {
            Error::at(ErrorCode::InvalidPolicy, format!("calendar.{}", e.path()), e.inner().to_string())
        })?;
        let mut c = Calendar::default();
        for (y, yf) in f.years {
            let year: i32 = y
                .parse()
                .map_err(|_| Error::at(ErrorCode::InvalidPolicy, "calendar.years", format!("`{y}` is not a year")))?;
            c.years.insert(year);
            for (i, span) in yf.holidays.iter().enumerate() {
                let (a, b) = match span.as_slice() {
                    [a] => (*a, *a),
                    [a, b] if a <= b => (*a, *b),
                    _ => {
                        return Err(Error::at(
                            ErrorCode::InvalidPolicy,
                            format!("calendar.years.{y}.holidays[{i}]"),
                            "give [day] or [from, to]",
                        ))
                    }
                };
                let mut d = a;
                while d <= b {
                    c.holidays.insert(d);
                    d = d.add_days(1);
                }
            }
            c.workdays.extend(yf.workdays);
        }
        Ok(c)
    }

    /// This calendar with another's years added (the other wins where both speak).
    pub fn extended(&self, other: &Calendar) -> Calendar {
        let mut c = self.clone();
        for y in &other.years {
            c.holidays.retain(|d| d.y != *y);
            c.workdays.retain(|d| d.y != *y);
        }
        c.years.extend(other.years.iter().copied());
        c.holidays.extend(other.holidays.iter().copied());
        c.workdays.extend(other.workdays.iter().copied());
        c
    }

    fn covered(&self, d: Date) -> Result<()> {
        if self.years.contains(&d.y) {
            return Ok(());
        }
        let mut e = Error::new(
            ErrorCode::PolicyParameterMissing,
            format!("the holiday calendar does not cover {}; extend it with that year's official holidays and make-up working days", d.y),
        );
        e.parameter = Some(format!("calendar.{}", d.y));
        e.path = Some("calendar".into());
        Err(e)
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: Date) -> Result<bool> {
        self.covered(d)?;
        Ok(self.workdays.contains(&d) || (d.weekday() <= 5 && !self.holidays.contains(&d)))
    }

    /// The `n`-th working day after `start` (the start day itself is not counted).
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date> {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.add_days(1);
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn national_day_and_make_up_saturday() {
        let c = Calendar::official();
        assert!(!c.is_working_day(d("2025-10-01")).unwrap());
        assert!(!c.is_working_day(d("2025-10-08")).unwrap());
        assert!(c.is_working_day(d("2025-10-11")).unwrap(), "make-up Saturday");
        assert!(c.is_working_day(d("2025-09-28")).unwrap(), "make-up Sunday");
        assert!(!c.is_working_day(d("2025-10-12")).unwrap());
        // 2025-09-26 (Fri) + 3 working days: 28 (Sun, make-up), 29, 30.
        assert_eq!(c.add_working_days(d("2025-09-26"), 3).unwrap(), d("2025-09-30"));
        // + 4: the holiday runs to 8 October; the next working day is the 9th.
        assert_eq!(c.add_working_days(d("2025-09-26"), 4).unwrap(), d("2025-10-09"));
    }

    #[test]
    fn uncovered_years_are_refused() {
        let e = Calendar::official().is_working_day(d("2031-03-03")).unwrap_err();
        assert_eq!(e.code, ErrorCode::PolicyParameterMissing);
        let ext = Calendar::from_json(r#"{"years": {"2031": {"holidays": [["2031-01-01"]]}}}"#).unwrap();
        let c = Calendar::official().extended(&ext);
        assert!(c.is_working_day(d("2031-03-03")).unwrap());
        assert!(!c.is_working_day(d("2031-01-01")).unwrap());
    }

    /// A file that gives a year replaces what the calendar had for it,
    /// holidays and make-up working days alike; other years stay.
    #[test]
    fn an_extension_replaces_the_years_it_gives() {
        let fix = r#"{"years": {"2025": {"holidays": [["2025-03-03"]], "workdays": ["2025-03-08"]}}}"#;
        let c = Calendar::official().extended(&Calendar::from_json(fix).unwrap());
        assert!(!c.is_working_day(d("2025-03-03")).unwrap(), "the file's holiday");
        assert!(c.is_working_day(d("2025-03-08")).unwrap(), "the file's make-up Saturday");
        assert!(c.is_working_day(d("2025-10-01")).unwrap(), "the official 2025 holiday is gone");
        assert!(!c.is_working_day(d("2025-09-28")).unwrap(), "the official make-up Sunday is gone");
        assert!(!c.is_working_day(d("2024-10-01")).unwrap(), "2024 stays");
    }

    /// A span is `[day]` or `[from, to]` in order; one day long is fine.
    #[test]
    fn a_span_runs_forwards() {
        let one = Calendar::from_json(r#"{"years": {"2031": {"holidays": [["2031-01-01", "2031-01-01"]]}}}"#);
        assert!(!one.unwrap().is_working_day(d("2031-01-01")).unwrap());
        let e =
            Calendar::from_json(r#"{"years": {"2031": {"holidays": [["2031-01-03", "2031-01-01"]]}}}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidPolicy);
        assert_eq!(e.path.as_deref(), Some("calendar.years.2031.holidays[0]"));
    }
}
