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

/// Serde for the dates read in bulk (lots, shipments; `#[serde(with = ...)]`): chrono's
/// form, read through [`parse_iso`].
pub(crate) mod iso {
    use std::borrow::Cow;

    use chrono::NaiveDate;
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(date: &NaiveDate, to: S) -> Result<S::Ok, S::Error> {
        date.serialize(to)
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
            date.serialize(to)
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

/// The longest text [`utc_text`] writes on its fast path
/// (`YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ`).
pub(crate) const UTC_TEXT_LEN: usize = 30;

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
    let mut at = 0;
    let mut put = |value: u32, width: usize, after: u8| {
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (value / 10u32.pow((width - 1 - i) as u32) % 10) as u8;
        }
        buf[at + width] = after;
        at += width + 1;
    };
    put(time.year() as u32, 4, b'-');
    put(time.month(), 2, b'-');
    put(time.day(), 2, b'T');
    put(time.hour(), 2, b':');
    put(time.minute(), 2, b':');
    let (fraction, digits) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    if digits == 0 {
        put(time.second(), 2, b'Z');
    } else {
        put(time.second(), 2, b'.');
        put(fraction, digits, b'Z');
    }
    std::str::from_utf8(&buf[..at])
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
    }
}
