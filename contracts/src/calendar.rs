//! Calendar dates (no time, no zone) for the rules that change on a date: GST slabs in force,
//! financial years of invoice numbers.
//!
//! A tiny type instead of a date library: the contract crate depends on serde alone (widgets
//! carry it in every wasm), and these rules only need to compare dates and read a year.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A day of the proleptic Gregorian calendar, ordered by time. On the wire: `"2025-09-22"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order matters: the derived `Ord` compares year, then month, then day.
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it exists (`2025-02-29` does not). Years 1 to 9999.
    pub const fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if year == 0 || year > 9999 || month == 0 || month > 12 || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    pub const fn year(self) -> u16 {
        self.year
    }

    pub const fn month(self) -> u8 {
        self.month
    }

    pub const fn day(self) -> u8 {
        self.day
    }

    /// The date `days` days after 1970-01-01 (a unix timestamp divided by 86 400, in UTC).
    /// `None` outside years 1 to 9999.
    pub fn from_unix_days(days: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days: exact for every day of the proleptic calendar.
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// Days from 1970-01-01 to this date (negative before it): the inverse of
    /// [`Date::from_unix_days`].
    pub fn unix_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let shifted_month = if month > 2 { month - 3 } else { month + 9 };
        let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The same day `months` calendar months later, or the month's last day when it is
    /// shorter (2026-01-31 plus one month is 2026-02-28). `None` past year 9999.
    pub fn plus_months(self, months: u32) -> Option<Date> {
        let index = u32::from(self.year) * 12 + u32::from(self.month) - 1 + months;
        let year = u16::try_from(index / 12).ok()?;
        let month = (index % 12) as u8 + 1;
        if year > 9999 {
            return None;
        }
        Date::new(year, month, self.day.min(days_in_month(year, month)))
    }
}

const fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateParseError;

impl fmt::Display for DateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected a date as YYYY-MM-DD")
    }
}

impl std::error::Error for DateParseError {}

impl FromStr for Date {
    type Err = DateParseError;

    /// Exactly `YYYY-MM-DD`, digits only, a date that exists.
    fn from_str(text: &str) -> Result<Date, DateParseError> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(DateParseError);
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, DateParseError> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DateParseError);
            }
            part.parse().map_err(|_| DateParseError)
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        Date::new(year, month as u8, day as u8).ok_or(DateParseError)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dates_that_exist_are_made() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2025, 4, 31).is_none());
        assert!(Date::new(2025, 13, 1).is_none());
        assert!(Date::new(2025, 1, 0).is_none());
        assert!(Date::new(0, 1, 1).is_none());
    }

    #[test]
    fn dates_order_by_time() {
        let d = |text: &str| text.parse::<Date>().unwrap();
        assert!(d("2025-09-21") < d("2025-09-22"));
        assert!(d("2025-09-30") < d("2025-10-01"));
        assert!(d("2024-12-31") < d("2025-01-01"));
    }

    #[test]
    fn parsing_wants_exactly_yyyy_mm_dd() {
        assert_eq!("2025-09-22".parse(), Ok(Date::new(2025, 9, 22).unwrap()));
        for bad in [
            "2025-9-22",
            "2025/09/22",
            "2025-09-22T00:00",
            "+025-09-22",
            "2025-02-30",
            "",
            "２０２５-09-22",
        ] {
            assert_eq!(bad.parse::<Date>(), Err(DateParseError), "{bad}");
        }
    }

    #[test]
    fn unix_days_map_to_the_civil_date() {
        assert_eq!(Date::from_unix_days(0), Date::new(1970, 1, 1));
        assert_eq!(Date::from_unix_days(-1), Date::new(1969, 12, 31));
        // 2025-09-22T00:00:00Z is 1 758 499 200 s.
        assert_eq!(
            Date::from_unix_days(1_758_499_200 / 86_400),
            Date::new(2025, 9, 22)
        );
        assert_eq!(Date::from_unix_days(11_016), Date::new(2000, 2, 29));
        assert_eq!(Date::from_unix_days(i64::MAX), None);
    }

    #[test]
    fn unix_days_and_dates_round_trip() {
        for days in [-719_162, -1, 0, 11_016, 20_353, 2_932_896] {
            let date = Date::from_unix_days(days).unwrap();
            assert_eq!(date.unix_days(), days, "{date}");
        }
        assert_eq!(
            Date::new(2026, 12, 4).unwrap().unix_days(),
            1_796_342_400 / 86_400
        );
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        let d = |text: &str| text.parse::<Date>().unwrap();
        assert_eq!(d("2026-12-04").plus_months(24), Some(d("2028-12-04")));
        assert_eq!(d("2026-08-31").plus_months(6), Some(d("2027-02-28")));
        assert_eq!(d("2027-08-31").plus_months(6), Some(d("2028-02-29")));
        assert_eq!(d("2026-11-30").plus_months(1), Some(d("2026-12-30")));
        assert_eq!(d("2026-11-30").plus_months(0), Some(d("2026-11-30")));
        assert_eq!(d("9999-12-01").plus_months(1), None);
    }

    #[test]
    fn dates_travel_as_iso_strings() {
        let date = Date::new(2026, 3, 31).unwrap();
        assert_eq!(serde_json::to_string(&date).unwrap(), r#""2026-03-31""#);
        assert_eq!(
            serde_json::from_str::<Date>(r#""2026-03-31""#).unwrap(),
            date
        );
        assert!(serde_json::from_str::<Date>(r#""2026-02-31""#).is_err());
    }
}
