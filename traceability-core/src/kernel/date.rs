//! Bounded dates: every date the engine accepts or derives lies in years 1..=9999, and
//! every offset is added with checked arithmetic.

use chrono::{Datelike, Days, NaiveDate};

use crate::kernel::invalid::InvalidInput;

/// The most days a product's date offset may be: the span of years 1..=9999.
pub const MAX_OFFSET_DAYS: u32 = 3_652_059;

/// `date` itself when its year is within 1..=9999, else [`InvalidInput`]
/// naming `field`.
///
/// ```
/// use chrono::NaiveDate;
/// use traceability_core::kernel::date::bounded;
/// assert!(bounded("expiry", NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()).is_ok());
/// assert!(bounded("expiry", NaiveDate::from_ymd_opt(10000, 1, 1).unwrap()).is_err());
/// assert!(bounded("expiry", NaiveDate::from_ymd_opt(0, 1, 1).unwrap()).is_err());
/// ```
pub fn bounded(field: &'static str, date: NaiveDate) -> Result<NaiveDate, InvalidInput> {
    if (1..=9999).contains(&date.year()) {
        Ok(date)
    } else {
        Err(InvalidInput::new(
            field,
            format!("{date} is outside years 1..9999"),
        ))
    }
}

/// Checks an optional date; see [`bounded`].
pub fn bounded_opt(
    field: &'static str,
    date: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, InvalidInput> {
    date.map(|d| bounded(field, d)).transpose()
}

/// `base + days`, refused when the result leaves years 1..=9999.
///
/// ```
/// use chrono::NaiveDate;
/// use traceability_core::kernel::date::plus_days;
/// let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// assert_eq!(plus_days("expiry", base, 31).unwrap(), NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
/// assert!(plus_days("expiry", base, u32::MAX).is_err());
/// ```
pub fn plus_days(
    field: &'static str,
    base: NaiveDate,
    days: u32,
) -> Result<NaiveDate, InvalidInput> {
    let date = base
        .checked_add_days(Days::new(u64::from(days)))
        .ok_or_else(|| InvalidInput::new(field, format!("{base} + {days} days is out of range")))?;
    bounded(field, date)
}

/// Checks a product's day offset against [`MAX_OFFSET_DAYS`].
pub fn offset(field: &'static str, days: Option<u32>) -> Result<(), InvalidInput> {
    match days {
        Some(d) if d > MAX_OFFSET_DAYS => Err(InvalidInput::new(
            field,
            format!("{d} days is more than {MAX_OFFSET_DAYS}"),
        )),
        _ => Ok(()),
    }
}

/// Refuses `later` when it is before `earlier` (e.g. received before manufactured).
pub fn not_before(
    field: &'static str,
    later: NaiveDate,
    earlier_what: &str,
    earlier: NaiveDate,
) -> Result<(), InvalidInput> {
    if later < earlier {
        return Err(InvalidInput::new(
            field,
            format!("{later} is before the {earlier_what} {earlier}"),
        ));
    }
    Ok(())
}

/// `text` as a date, as chrono reads it (`NaiveDate::from_str`), without chrono's general
/// parser when it is exactly `YYYY-MM-DD`.
pub(crate) fn parse_iso(text: &str) -> Result<NaiveDate, chrono::ParseError> {
    let b = text.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let number = |digits: &[u8]| {
            digits.iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        if let (Some(year), Some(month), Some(day)) =
            (number(&b[..4]), number(&b[5..7]), number(&b[8..]))
        {
            if let Some(date) = NaiveDate::from_ymd_opt(year as i32, month, day) {
                return Ok(date);
            }
        }
    }
    text.parse()
}

/// Serde for the dates read and written in bulk (lots, shipments, productions;
/// `#[serde(with = ...)]`): chrono's form, read through [`parse_iso`] and written
/// through [`date_text`].
pub(crate) mod iso {
    use std::borrow::Cow;

    use chrono::NaiveDate;
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    /// A date that serialises as chrono's serde does, through [`super::date_text`].
    pub(crate) struct Iso(pub(crate) NaiveDate);

    impl Serialize for Iso {
        fn serialize<S: Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
            match super::date_text(self.0, &mut [0; super::DATE_TEXT_LEN]) {
                Some(text) => to.serialize_str(text),
                None => self.0.serialize(to),
            }
        }
    }

    pub(crate) fn serialize<S: Serializer>(date: &NaiveDate, to: S) -> Result<S::Ok, S::Error> {
        Iso(*date).serialize(to)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<NaiveDate, D::Error> {
        let text = <Cow<'de, str>>::deserialize(from)?;
        super::parse_iso(&text).map_err(D::Error::custom)
    }

    /// The same for an optional date (with `#[serde(default)]`, so that a missing one
    /// is `None` as without `with`).
    pub(crate) mod option {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(
            date: &Option<NaiveDate>,
            to: S,
        ) -> Result<S::Ok, S::Error> {
            match date {
                Some(date) => to.serialize_some(&Iso(*date)),
                None => to.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            from: D,
        ) -> Result<Option<NaiveDate>, D::Error> {
            let text = <Option<Cow<'de, str>>>::deserialize(from)?;
            text.map(|text| super::super::parse_iso(&text).map_err(D::Error::custom))
                .transpose()
        }
    }
}

/// The length of a date as [`date_text`] writes it (`YYYY-MM-DD`).
pub(crate) const DATE_TEXT_LEN: usize = 10;

/// The longest text [`utc_text`] writes on its fast path
/// (`YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ`).
pub(crate) const UTC_TEXT_LEN: usize = 30;

/// Writes `value` as `width` decimal digits (zero-padded) at `buf[at..]`; returns the
/// position after them.
fn put_digits(buf: &mut [u8], at: usize, value: u32, width: usize) -> usize {
    for i in 0..width {
        buf[at + i] = b'0' + (value / 10u32.pow((width - 1 - i) as u32) % 10) as u8;
    }
    at + width
}

/// Writes `date` (its year in 0..=9999) as `YYYY-MM-DD` at the start of `buf`; returns
/// [`DATE_TEXT_LEN`].
fn put_date(buf: &mut [u8], date: NaiveDate) -> usize {
    let at = put_digits(buf, 0, date.year() as u32, 4);
    buf[at] = b'-';
    let at = put_digits(buf, at + 1, date.month(), 2);
    buf[at] = b'-';
    put_digits(buf, at + 1, date.day(), 2)
}

/// `date` as chrono's serde writes it (`YYYY-MM-DD`), formatted into `buf` without
/// chrono's formatter (about 1,000 instructions and an allocation per date through
/// serde's `collect_str`) for years 0..=9999; `None` for other years.
pub(crate) fn date_text(date: NaiveDate, buf: &mut [u8; DATE_TEXT_LEN]) -> Option<&str> {
    if !(0..=9999).contains(&date.year()) {
        return None;
    }
    let len = put_date(buf, date);
    Some(std::str::from_utf8(&buf[..len]).expect("digits and ASCII punctuation"))
}

/// `time` as chrono's serde writes it (RFC 3339, `Z`, the fraction in 0, 3, 6 or 9
/// digits, whichever is exact), formatted into `buf` without allocating for years
/// 0..=9999; other years (and leap seconds) go through chrono.
pub(crate) fn utc_text<'b>(
    time: &chrono::DateTime<chrono::Utc>,
    buf: &'b mut [u8; UTC_TEXT_LEN],
) -> std::borrow::Cow<'b, str> {
    use chrono::Timelike;
    let nanos = time.nanosecond();
    if !(0..=9999).contains(&time.year()) || nanos >= 1_000_000_000 {
        return time
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            .into();
    }
    let mut at = put_date(buf, time.date_naive());
    let mut put = |separator: u8, value: u32, width: usize| {
        buf[at] = separator;
        at = put_digits(buf, at + 1, value, width);
    };
    put(b'T', time.hour(), 2);
    put(b':', time.minute(), 2);
    put(b':', time.second(), 2);
    match nanos {
        0 => {}
        n if n % 1_000_000 == 0 => put(b'.', n / 1_000_000, 3),
        n if n % 1_000 == 0 => put(b'.', n / 1_000, 6),
        n => put(b'.', n, 9),
    }
    buf[at] = b'Z';
    std::str::from_utf8(&buf[..at + 1])
        .expect("digits and ASCII punctuation")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn dates_read_as_chrono_reads_them(text in "[0-9]{4}-[0-1][0-9]-[0-3][0-9]|[+0-9 -]{8,12}|[0-9]{4}-[0-9]-[0-9]{2}") {
            proptest::prop_assert_eq!(parse_iso(&text).ok(), text.parse::<NaiveDate>().ok());
        }

        /// Years -9999..=19999, so both sides of the fast path's range are covered.
        #[test]
        fn dates_write_as_chrono_writes_them(days in -3_652_000i32..7_304_000) {
            let date = NaiveDate::from_num_days_from_ce_opt(days).expect("in chrono's range");
            let ours = serde_json::to_string(&iso::Iso(date)).expect("a date serialises");
            proptest::prop_assert_eq!(ours, serde_json::to_string(&date).expect("a date serialises"));
            let fast = date_text(date, &mut [0; DATE_TEXT_LEN]).is_some();
            proptest::prop_assert_eq!(fast, (0..=9999).contains(&date.year()));
        }
    }
}
