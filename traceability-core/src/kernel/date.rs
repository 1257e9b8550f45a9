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
