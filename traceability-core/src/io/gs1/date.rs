//! Dates in GS1 data: the century of a two-digit year, and day `00`.

use chrono::{Datelike, Months, NaiveDate};

use crate::io::gs1::ai::DateFormat;

/// The year ending in `yy` that lies from 49 years before to 50 years after the
/// reference year (GS1 General Specifications, "determination of century in dates").
pub(crate) fn full_year(yy: i32, reference: i32) -> i32 {
    let year = reference - reference.rem_euclid(100) + yy;
    if year > reference + 50 {
        year - 100
    } else if year < reference - 49 {
        year + 100
    } else {
        year
    }
}

/// The date `digits` (ASCII digits) stand for, two-digit years resolved around
/// `today`'s year; day `00`, where allowed, is the last day of the month.
pub(crate) fn resolve(digits: &str, format: DateFormat, today: NaiveDate) -> Option<NaiveDate> {
    let number =
        |from: usize, len: usize| -> Option<i32> { digits.get(from..from + len)?.parse().ok() };
    let (year, at) = match format {
        DateFormat::Yyyymmdd => (number(0, 4)?, 4),
        DateFormat::Yymmdd | DateFormat::Yymmd0 => (full_year(number(0, 2)?, today.year()), 2),
    };
    let month = u32::try_from(number(at, 2)?).ok()?;
    let day = u32::try_from(number(at + 2, 2)?).ok()?;
    if day == 0 && format == DateFormat::Yymmd0 {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        return first.checked_add_months(Months::new(1))?.pred_opt();
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn gs1_century_rule_at_its_boundaries() {
        // Reference 2025: 2075 is 50 years ahead (kept), 2076 would be 51 (→ 1976).
        assert_eq!(full_year(75, 2025), 2075);
        assert_eq!(full_year(76, 2025), 1976);
        assert_eq!(full_year(25, 2025), 2025);
        // Reference 2080: 2031 is 49 years back (kept), 2030 would be 50 (→ 2130).
        assert_eq!(full_year(31, 2080), 2031);
        assert_eq!(full_year(30, 2080), 2130);
        assert_eq!(full_year(0, 1999), 2000);
        assert_eq!(full_year(49, 1999), 2049);
        assert_eq!(full_year(50, 1999), 1950);
        let today = date(2025, 6, 15);
        assert_eq!(
            resolve("751231", DateFormat::Yymmdd, today),
            Some(date(2075, 12, 31))
        );
        assert_eq!(
            resolve("760101", DateFormat::Yymmdd, today),
            Some(date(1976, 1, 1))
        );
    }

    #[test]
    fn gs1_day_00_is_the_last_day_of_the_month() {
        let today = date(2025, 6, 15);
        assert_eq!(
            resolve("240200", DateFormat::Yymmd0, today),
            Some(date(2024, 2, 29))
        );
        assert_eq!(
            resolve("250200", DateFormat::Yymmd0, today),
            Some(date(2025, 2, 28))
        );
        assert_eq!(
            resolve("241200", DateFormat::Yymmd0, today),
            Some(date(2024, 12, 31))
        );
        assert_eq!(
            resolve("250400", DateFormat::Yymmd0, today),
            Some(date(2025, 4, 30))
        );
        // 2000 was a leap year (divisible by 400); with reference 2080, "00" is 2100,
        // which is not.
        assert_eq!(
            resolve("000229", DateFormat::Yymmdd, today),
            Some(date(2000, 2, 29))
        );
        assert_eq!(
            resolve("000229", DateFormat::Yymmdd, date(2080, 1, 1)),
            None
        );
        assert_eq!(resolve("250200", DateFormat::Yymmdd, today), None);
        assert_eq!(resolve("250229", DateFormat::Yymmd0, today), None);
        assert_eq!(resolve("251301", DateFormat::Yymmd0, today), None);
        assert_eq!(resolve("250001", DateFormat::Yymmd0, today), None);
        assert_eq!(
            resolve("20240229", DateFormat::Yyyymmdd, today),
            Some(date(2024, 2, 29))
        );
    }
}
