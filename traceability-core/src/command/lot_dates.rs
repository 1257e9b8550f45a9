//! New dates for one lot, as [`crate::command::UpdateLotDates`] carries them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::id::LotKey;
use crate::model::LotDates;

/// New dates for one lot in [`crate::command::UpdateLotDates`]: each date given
/// (`Some`) replaces the lot's; `None` keeps it.
///
/// ```
/// use traceability_core::{LotDatesChange, LotKey};
/// let c = LotDatesChange::expiry(LotKey::new("MILK", "L1").unwrap(), "2027-01-01".parse().unwrap());
/// assert!(c.dates.removal.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotDatesChange {
    /// The lot.
    pub lot: LotKey,
    /// The dates to set.
    pub dates: LotDates,
}

impl LotDatesChange {
    /// A change of the expiry date only.
    pub fn expiry(lot: LotKey, expiry: NaiveDate) -> Self {
        Self {
            lot,
            dates: LotDates {
                expiry: Some(expiry),
                ..LotDates::default()
            },
        }
    }
}
