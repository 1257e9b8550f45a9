//! Expiry and shelf life reports: remaining shelf life, expiring lots, bucketed expiry
//! reports and lot inventory by expiry.
//!
//! Shelf life remaining % = (expiry − date) / (expiry − manufactured) × 100, clamped to
//! 0..=100 and rounded to two decimals. Without a manufacturing date the receipt date is
//! the start of the shelf life (that is also what lot dates are derived from); a lot
//! without an expiry date has no shelf life figure (`None`) and never fails a minimum.
//!
//! Reports only list lots with stock on hand; all figures are computed as of a date
//! passed in, never the wall clock.
//!
//! ```
//! use traceability_core::query::expiry::shelf_life_remaining_pct;
//! use traceability_core::*;
//! let mut lot = Lot::new(ProductId::new("P")?, LotNumber::new("L")?, "2026-01-01".parse()?);
//! lot.dates.expiry = Some("2026-01-11".parse()?);
//! assert_eq!(shelf_life_remaining_pct(&lot, "2026-01-04".parse().unwrap()), Some(Quantity::from(70)));
//! assert_eq!(shelf_life_remaining_pct(&lot, "2026-02-01".parse().unwrap()), Some(Quantity::ZERO));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::id::{LotKey, LotNumber, ProductId};
use crate::kernel::Quantity;
use crate::model::{Lot, QualityStatus, StockLine};
use crate::state::State;

/// Remaining shelf life of a lot on `date` (see [`Lot::shelf_life_remaining_pct`]).
pub fn shelf_life_remaining_pct(lot: &Lot, date: NaiveDate) -> Option<Quantity> {
    lot.shelf_life_remaining_pct(date)
}

/// Expiry report bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryBucket {
    /// Already expired.
    Expired,
    /// Expires within 30 days.
    Within30,
    /// Within 31–60 days.
    Within60,
    /// Within 61–90 days.
    Within90,
    /// Within 91–180 days.
    Within180,
    /// Within 181–365 days.
    Within365,
    /// Later than 365 days.
    Later,
    /// No expiry date.
    NoExpiry,
}

impl ExpiryBucket {
    /// Every bucket, in report order.
    pub const ALL: [ExpiryBucket; 8] = [
        Self::Expired,
        Self::Within30,
        Self::Within60,
        Self::Within90,
        Self::Within180,
        Self::Within365,
        Self::Later,
        Self::NoExpiry,
    ];

    /// The bucket of an expiry date as of a date (usable through the expiry date).
    ///
    /// ```
    /// use traceability_core::query::expiry::ExpiryBucket;
    /// let d = |s: &str| s.parse().ok();
    /// let today = "2026-01-01".parse().unwrap();
    /// assert_eq!(ExpiryBucket::of(d("2025-12-31"), today), ExpiryBucket::Expired);
    /// assert_eq!(ExpiryBucket::of(d("2026-01-31"), today), ExpiryBucket::Within30);
    /// assert_eq!(ExpiryBucket::of(d("2026-02-01"), today), ExpiryBucket::Within60);
    /// assert_eq!(ExpiryBucket::of(None, today), ExpiryBucket::NoExpiry);
    /// ```
    pub fn of(expiry: Option<NaiveDate>, as_of: NaiveDate) -> Self {
        let Some(expiry) = expiry else {
            return Self::NoExpiry;
        };
        match (expiry - as_of).num_days() {
            d if d < 0 => Self::Expired,
            0..=30 => Self::Within30,
            31..=60 => Self::Within60,
            61..=90 => Self::Within90,
            91..=180 => Self::Within180,
            181..=365 => Self::Within365,
            _ => Self::Later,
        }
    }
}

/// A lot with stock, with its expiry figures as of a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LotExpiry {
    /// Product.
    pub product: ProductId,
    /// Lot number.
    pub lot: LotNumber,
    /// Expiry date.
    pub expiry: Option<NaiveDate>,
    /// Removal date (FEFO key).
    pub removal: Option<NaiveDate>,
    /// Days from the report date to expiry (negative: expired).
    pub days_to_expiry: Option<i64>,
    /// Remaining shelf life %.
    pub shelf_life_remaining_pct: Option<Quantity>,
    /// Expiry bucket.
    pub bucket: ExpiryBucket,
    /// Total on hand.
    pub on_hand: Quantity,
    /// Total reserved.
    pub reserved: Quantity,
    /// Quality status.
    pub quality: QualityStatus,
    /// Active.
    pub active: bool,
    /// On hold.
    pub on_hold: bool,
    /// Stock by location.
    pub stock: Vec<StockLine>,
}

fn lot_expiry(lot: &Lot, as_of: NaiveDate) -> LotExpiry {
    LotExpiry {
        product: lot.product.clone(),
        lot: lot.number.clone(),
        expiry: lot.dates.expiry,
        removal: lot.dates.removal,
        days_to_expiry: lot.dates.expiry.map(|e| (e - as_of).num_days()),
        shelf_life_remaining_pct: shelf_life_remaining_pct(lot, as_of),
        bucket: ExpiryBucket::of(lot.dates.expiry, as_of),
        on_hand: lot.on_hand(),
        reserved: lot.stock.iter().map(|s| s.reserved).sum(),
        quality: lot.quality,
        active: lot.active,
        on_hold: lot.on_hold,
        stock: lot.stock.to_vec(),
    }
}

fn sort_by_expiry(rows: &mut [LotExpiry]) {
    rows.sort_by(|a, b| {
        (a.expiry.is_none(), a.expiry, &a.product, &a.lot).cmp(&(
            b.expiry.is_none(),
            b.expiry,
            &b.product,
            &b.lot,
        ))
    });
}

/// How far ahead the expiring-lots report looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryWindow {
    /// Expiring within this many days.
    Days(u32),
    /// Within each product's `expiry_warning_days` (products without one are skipped).
    ProductWarning,
}

/// Lots with stock on hand that expire within the window as of `as_of` — including
/// those already expired (negative `days_to_expiry`) — earliest expiry first.
///
/// ```
/// use traceability_core::query::expiry::{expiring_lots, ExpiryWindow};
/// let rows = expiring_lots(&traceability_core::State::default(), "2026-01-01".parse().unwrap(),
///     ExpiryWindow::Days(30), None);
/// assert!(rows.is_empty());
/// ```
pub fn expiring_lots(
    state: &State,
    as_of: NaiveDate,
    window: ExpiryWindow,
    product: Option<&ProductId>,
) -> Vec<LotExpiry> {
    let mut rows: Vec<LotExpiry> = state
        .lots()
        .iter()
        .filter(|lot| product.is_none_or(|p| &lot.product == p) && !lot.stock.is_empty())
        .filter(|lot| {
            let Some(expiry) = lot.dates.expiry else {
                return false;
            };
            let days = match window {
                ExpiryWindow::Days(d) => d,
                ExpiryWindow::ProductWarning => {
                    match state
                        .product(&lot.product)
                        .and_then(|p| p.expiry_warning_days)
                    {
                        Some(d) => d,
                        None => return false,
                    }
                }
            };
            (expiry - as_of).num_days() <= i64::from(days)
        })
        .map(|lot| lot_expiry(lot, as_of))
        .collect();
    sort_by_expiry(&mut rows);
    rows
}

/// Every lot with stock (optionally of one product), earliest expiry first, lots
/// without an expiry last.
///
/// ```
/// use traceability_core::query::expiry::lot_inventory_by_expiry;
/// assert!(lot_inventory_by_expiry(&traceability_core::State::default(),
///     "2026-01-01".parse().unwrap(), None).is_empty());
/// ```
pub fn lot_inventory_by_expiry(
    state: &State,
    as_of: NaiveDate,
    product: Option<&ProductId>,
) -> Vec<LotExpiry> {
    let mut rows: Vec<LotExpiry> = state
        .lots()
        .iter()
        .filter(|lot| product.is_none_or(|p| &lot.product == p) && !lot.stock.is_empty())
        .map(|lot| lot_expiry(lot, as_of))
        .collect();
    sort_by_expiry(&mut rows);
    rows
}

/// One bucket of the expiry report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BucketSummary {
    /// The bucket.
    pub bucket: ExpiryBucket,
    /// Number of lots.
    pub lots: usize,
    /// Their total on hand (across products and units: per-product figures are in `items`).
    pub on_hand: Quantity,
    /// The lots, earliest expiry first.
    pub items: Vec<LotExpiry>,
}

/// The expiry report: every lot with stock in its bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpiryReport {
    /// Report date.
    pub as_of: NaiveDate,
    /// All eight buckets, in order (empty ones included).
    pub buckets: Vec<BucketSummary>,
}

/// Builds the expiry report as of a date (optionally for one product).
///
/// ```
/// use traceability_core::query::expiry::expiry_report;
/// let r = expiry_report(&traceability_core::State::default(), "2026-01-01".parse().unwrap(), None);
/// assert_eq!(r.buckets.len(), 8);
/// ```
pub fn expiry_report(state: &State, as_of: NaiveDate, product: Option<&ProductId>) -> ExpiryReport {
    let mut buckets: Vec<BucketSummary> = ExpiryBucket::ALL
        .iter()
        .map(|&bucket| BucketSummary {
            bucket,
            lots: 0,
            on_hand: Quantity::ZERO,
            items: Vec::new(),
        })
        .collect();
    for row in lot_inventory_by_expiry(state, as_of, product) {
        let b = &mut buckets[row.bucket as usize];
        b.lots += 1;
        b.on_hand += row.on_hand;
        b.items.push(row);
    }
    ExpiryReport { as_of, buckets }
}

/// The manual's lot status on a date: Active, or Inactive because the lot expired,
/// ran out (depleted) or was set inactive (retired).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LotStatus {
    /// Usable: not expired, not run out, not set inactive.
    Active,
    /// Expired on the date, run out, or set inactive.
    Inactive,
}

/// Why a lot is inactive (the first that applies: ran out, set inactive, expired).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InactiveReason {
    /// Set inactive by a user.
    Retired,
    /// Everything consumed, shipped or scrapped.
    Depleted,
    /// Past its expiry date on the date asked about.
    Expired,
}

/// One lot's status on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LotStatusRow {
    /// The lot.
    #[serde(flatten)]
    pub lot: LotKey,
    /// Active or inactive.
    pub status: LotStatus,
    /// Why inactive (`None` when active).
    pub reason: Option<InactiveReason>,
    /// On hand over all locations.
    pub on_hand: Quantity,
    /// Expiry date.
    pub expiry: Option<NaiveDate>,
}

/// The lots with `status` on `as_of` (`None`: every lot), optionally of one product, in
/// creation order: the manual's Active / Inactive / All filter, where an expired lot is
/// inactive from the day after its expiry date.
pub fn lots_by_status(
    state: &State,
    status: Option<LotStatus>,
    as_of: NaiveDate,
    product: Option<&ProductId>,
) -> Vec<LotStatusRow> {
    let lots = state.lots().iter().enumerate();
    lots.filter(|(_, lot)| product.is_none_or(|p| &lot.product == p))
        .map(|(i, lot)| {
            let reason = if state.is_depleted(i as u32) {
                Some(InactiveReason::Depleted)
            } else if !lot.active {
                Some(InactiveReason::Retired)
            } else if lot.is_expired_on(as_of) {
                Some(InactiveReason::Expired)
            } else {
                None
            };
            LotStatusRow {
                lot: lot.key(),
                status: match reason {
                    Some(_) => LotStatus::Inactive,
                    None => LotStatus::Active,
                },
                reason,
                on_hand: lot.on_hand(),
                expiry: lot.dates.expiry,
            }
        })
        .filter(|row| status.is_none_or(|s| s == row.status))
        .collect()
}
