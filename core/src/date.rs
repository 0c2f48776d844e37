//! Calendar dates (`YYYY-MM-DD`) with the arithmetic the rules need: ages,
//! calendar-month offsets, quarters and day counts.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A proleptic Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub y: i32,
    /// Month, 1–12.
    pub m: u32,
    /// Day, 1–31.
    pub d: u32,
}

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` of year `y`.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    /// A checked date.
    pub fn new(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date { y, m, d })
    }

    /// Days since 1970-01-01.
    pub fn ordinal(self) -> i64 {
        let y = i64::from(self.y) - i64::from(self.m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `n` days after 1970-01-01.
    pub fn from_ordinal(n: i64) -> Date {
        let z = n + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
        Date { y, m, d }
    }

    /// This date plus `n` days.
    pub fn add_days(self, n: i64) -> Date {
        Date::from_ordinal(self.ordinal() + n)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.ordinal() - self.ordinal()
    }

    /// Day of week, 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (4).
        ((self.ordinal() + 3).rem_euclid(7) + 1) as u32
    }

    /// The same day-of-month `n` calendar months later; the month's last day
    /// where that day does not exist (31 Aug + 6 months = 28/29 Feb).
    pub fn add_months(self, n: i32) -> Date {
        // Saturating: a policy may give any number of months, and an absurd
        // one must give a far date, not wrap round to an early one.
        let total = (self.y * 12 + (self.m as i32 - 1)).saturating_add(n);
        let y = total.div_euclid(12);
        let m = (total.rem_euclid(12) + 1) as u32;
        let d = self.d.min(days_in_month(y, m));
        Date { y, m, d }
    }

    /// Whole years from `birth` to `self` (age on this date).
    pub fn years_since(self, birth: Date) -> i32 {
        let mut a = self.y - birth.y;
        if (self.m, self.d) < (birth.m, birth.d) {
            a -= 1;
        }
        a
    }

    /// Whole calendar months from `start` to `self`.
    pub fn months_since(self, start: Date) -> i32 {
        let mut n = (self.y - start.y) * 12 + self.m as i32 - start.m as i32;
        if self.d < start.d {
            n -= 1;
        }
        n
    }

    /// Quarter, 1–4.
    pub fn quarter(self) -> u32 {
        (self.m - 1) / 3 + 1
    }

    /// Last day of this date's quarter.
    pub fn quarter_end(self) -> Date {
        let m = self.quarter() * 3;
        Date { y: self.y, m, d: days_in_month(self.y, m) }
    }

    /// `YYYY-MM`, the month key for monthly quotas.
    pub fn month_key(self) -> String {
        format!("{:04}-{:02}", self.y, self.m)
    }

    /// `YYYY-Qn`, the key of a quarterly counter.
    pub fn quarter_key(self) -> String {
        format!("{:04}-Q{}", self.y, (self.m - 1) / 3 + 1)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let bad = || format!("`{s}` is not a date YYYY-MM-DD");
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, String> {
            let t = &s[r];
            if !t.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            t.parse::<u32>().map_err(|_| bad())
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        Date::new(y as i32, m, d).ok_or_else(|| format!("`{s}` is not a valid calendar date"))
    }
}

/// Reads an optional date given as `YYYY-MM-DD` or as the platform's
/// `YYYY-MM-DD HH:MM:SS` (the time must be well formed and is dropped).
pub fn opt_date_or_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let Some(s) = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)? else {
        return Ok(None);
    };
    date_or_datetime(&s).map(Some).map_err(de::Error::custom)
}

/// A date from `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`.
pub fn date_or_datetime(s: &str) -> Result<Date, String> {
    let Some((day, time)) = s.split_once(' ') else {
        return s.parse();
    };
    let t = time.as_bytes();
    let two = |i: usize, max: u8| {
        t[i].is_ascii_digit() && t[i + 1].is_ascii_digit() && (t[i] - b'0') * 10 + (t[i + 1] - b'0') <= max
    };
    if !(t.len() == 8 && t[2] == b':' && t[5] == b':' && two(0, 23) && two(3, 59) && two(6, 59)) {
        return Err(format!("`{s}` is not a date YYYY-MM-DD or a date-time YYYY-MM-DD HH:MM:SS"));
    }
    day.parse()
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// A day of the year without a year, `MM-DD`: the first day of a benefit
/// year (医保年度) that does not start on 1 January. 29 February is
/// refused, since most years lack it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthDay {
    /// Month, 1–12.
    pub m: u32,
    /// Day, 1–31 (at most 28 in February).
    pub d: u32,
}

impl MonthDay {
    /// The benefit year holding `day`, named by the calendar year in which
    /// it begins: with a year from 1 April, 2025-02-10 lies in 2024.
    pub fn year_of(self, day: Date) -> i32 {
        if (day.m, day.d) >= (self.m, self.d) {
            day.y
        } else {
            day.y - 1
        }
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.m, self.d)
    }
}

impl FromStr for MonthDay {
    type Err = String;
    fn from_str(s: &str) -> Result<MonthDay, String> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r.clone()].iter().all(u8::is_ascii_digit).then(|| &s[r]);
        let parsed = (b.len() == 5 && b[2] == b'-')
            .then(|| Some((digits(0..2)?.parse::<u32>().ok()?, digits(3..5)?.parse::<u32>().ok()?)))
            .flatten();
        match parsed {
            // A non-leap year: 29 February is not in every year.
            Some((m, d)) if (1..=12).contains(&m) && d >= 1 && d <= days_in_month(2001, m) => Ok(MonthDay { m, d }),
            _ => Err(format!("`{s}` is not a day of the year MM-DD (29 February excepted)")),
        }
    }
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MonthDay, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_benefit_year_is_named_by_the_year_it_begins_in() {
        let april: MonthDay = "04-01".parse().unwrap();
        let day = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(april.year_of(day("2025-03-31")), 2024);
        assert_eq!(april.year_of(day("2025-04-01")), 2025);
        assert_eq!(april.year_of(day("2025-12-31")), 2025);
        let jan: MonthDay = "01-01".parse().unwrap();
        assert_eq!(jan.year_of(day("2025-01-01")), 2025);
        assert_eq!(jan.year_of(day("2024-12-31")), 2024);
        for bad in ["02-29", "13-01", "00-10", "04-31", "4-01", "04/01", "04-1x", ""] {
            assert!(bad.parse::<MonthDay>().is_err(), "{bad}");
        }
        assert_eq!("07-01".parse::<MonthDay>().unwrap().to_string(), "07-01");
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn quarter_keys() {
        for (day, q) in
            [("2010-01-01", "2010-Q1"), ("2010-03-31", "2010-Q1"), ("2010-04-01", "2010-Q2"), ("2010-12-31", "2010-Q4")]
        {
            assert_eq!(d(day).quarter_key(), q);
        }
    }

    #[test]
    fn a_platform_date_time_reads_as_its_day() {
        assert_eq!(date_or_datetime("2010-01-01 23:59:59"), Ok(d("2010-01-01")));
        assert_eq!(date_or_datetime("2010-01-01"), Ok(d("2010-01-01")));
        for bad in [
            "2010-01-01 24:00:00",
            "2010-01-01 12:60:00",
            "2010-01-01 12:00",
            "2010-01-01 ",
            "2010-02-30 00:00:00",
            "2010-01-01 12:0a:00",
            "2010-01-01 12:00:5/",
            "2010-01-01 12-00-00",
        ] {
            assert!(date_or_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ordinal_round_trips() {
        for s in ["1970-01-01", "2000-02-29", "2024-12-31", "2025-03-01", "1900-01-01"] {
            assert_eq!(Date::from_ordinal(d(s).ordinal()), d(s));
        }
        assert_eq!(d("1970-01-02").ordinal(), 1);
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(d("2025-08-31").add_months(6), d("2026-02-28"));
        assert_eq!(d("2023-08-31").add_months(6), d("2024-02-29"));
        assert_eq!(d("2025-01-15").add_months(6), d("2025-07-15"));
    }

    /// Every day from 1900 to 2200, counted one by one with the calendar's
    /// own rules written out here: day numbers, weekdays, quarters and
    /// month keys agree with the arithmetic.
    #[test]
    fn every_day_of_three_centuries_counts_one_by_one() {
        let month_len = |y: i32, m: u32| match m {
            2 if y % 400 == 0 => 29,
            2 if y % 100 == 0 => 28,
            2 if y % 4 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let (mut y, mut m, mut dd) = (1900, 1, 1);
        // 1900-01-01 was a Monday, 25 567 days before 1970-01-01.
        let (mut n, mut wd) = (-25_567i64, 1u32);
        let mut days = 0;
        while y <= 2200 {
            let day = Date::new(y, m, dd).unwrap();
            assert_eq!(day.ordinal(), n, "{day}");
            assert_eq!(Date::from_ordinal(n), day);
            assert_eq!(day.weekday(), wd, "{day}");
            assert_eq!(day.add_days(1).ordinal(), n + 1);
            assert_eq!(day.add_days(-1).days_until(day), 1);
            let q = m.div_ceil(3);
            assert_eq!(day.quarter(), q);
            assert_eq!(day.quarter_end(), Date::new(y, q * 3, month_len(y, q * 3)).unwrap());
            assert_eq!(day.month_key(), format!("{y:04}-{m:02}"));
            assert_eq!(day.quarter_key(), format!("{y:04}-Q{q}"));
            assert_eq!(day.to_string().parse::<Date>(), Ok(day));
            assert_eq!(days_in_month(y, m), month_len(y, m));
            assert!(Date::new(y, m, month_len(y, m) + 1).is_none());
            days += 1;
            n += 1;
            wd = wd % 7 + 1;
            dd += 1;
            if dd > month_len(y, m) {
                dd = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
        assert_eq!(days, 301 * 365 + 73, "73 leap days: 1904–2196 less 2100, 2000 kept");
    }

    #[test]
    fn only_real_dates_of_1900_to_2200_are_dates() {
        assert!(Date::new(1900, 1, 1).is_some() && Date::new(2200, 12, 31).is_some());
        for (y, m, dd) in [(1899, 12, 31), (2201, 1, 1), (2025, 0, 1), (2025, 13, 1), (2025, 1, 0), (1900, 2, 29)] {
            assert!(Date::new(y, m, dd).is_none(), "{y}-{m}-{dd}");
        }
        for bad in [
            "2025-01-0a",
            "2025/01/01",
            "2025/01-01",
            "2025-01/01",
            "20250-1-01",
            "2025-01-01x",
            "+025-01-01",
            "2025-00-10",
            "1899-12-31",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ages_and_months_turn_on_the_day() {
        let birth = d("1980-05-15");
        assert_eq!(d("2025-05-14").years_since(birth), 44);
        assert_eq!(d("2025-05-15").years_since(birth), 45);
        assert_eq!(d("2025-04-30").years_since(birth), 44);
        assert_eq!(d("2025-06-01").years_since(birth), 45);
        let start = d("2024-11-15");
        assert_eq!(d("2025-02-14").months_since(start), 2);
        assert_eq!(d("2025-02-15").months_since(start), 3);
        assert_eq!(d("2024-11-15").months_since(start), 0);
        assert_eq!(d("2024-11-14").months_since(start), -1);
    }

    #[test]
    fn months_count_back_and_across_years_and_saturate() {
        assert_eq!(d("2025-03-31").add_months(-1), d("2025-02-28"));
        assert_eq!(d("2025-01-31").add_months(-2), d("2024-11-30"));
        assert_eq!(d("2025-12-15").add_months(1), d("2026-01-15"));
        assert_eq!(d("2025-12-15").add_months(13), d("2027-01-15"));
        assert_eq!(d("2025-01-15").add_months(-12), d("2024-01-15"));
        assert_eq!(d("2025-06-15").add_months(0), d("2025-06-15"));
        let far = d("2025-06-15").add_months(i32::MAX);
        assert!(far > d("2200-12-31"), "{far:?}");
    }

    #[test]
    fn weekdays_and_quarters() {
        assert_eq!(d("2025-10-01").weekday(), 3);
        assert_eq!(d("2025-05-17").quarter_end(), d("2025-06-30"));
        assert_eq!(d("2025-03-01").years_since(d("1980-05-01")), 44);
        assert!("2025-02-29".parse::<Date>().is_err());
        assert!("2025-2-01".parse::<Date>().is_err());
    }
}
