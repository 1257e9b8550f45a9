//! Lots: their dates, quality status, origin and stock per location.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LocationId, LotKey, LotNumber, PartyId, ProductId, WorkOrderId};
use crate::kernel::Quantity;
use crate::model::master::Product;

/// Quality disposition of a lot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QualityStatus {
    /// Awaiting inspection; cannot be allocated or shipped.
    Quarantine,
    /// Usable.
    Released,
    /// Failed; cannot be used.
    Rejected,
}

impl std::fmt::Display for QualityStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Quarantine => "in quarantine",
            Self::Released => "released",
            Self::Rejected => "rejected",
        })
    }
}

/// The four dates mature ERPs keep on a lot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotDates {
    /// Must not be used after this date.
    #[serde(default, with = "crate::kernel::date::iso::option")]
    pub expiry: Option<NaiveDate>,
    /// Best quality before this date.
    #[serde(default, with = "crate::kernel::date::iso::option")]
    pub best_before: Option<NaiveDate>,
    /// Stock should leave before this date; FEFO sorts on it.
    #[serde(default, with = "crate::kernel::date::iso::option")]
    pub removal: Option<NaiveDate>,
    /// Warn from this date.
    #[serde(default, with = "crate::kernel::date::iso::option")]
    pub alert: Option<NaiveDate>,
}

impl LotDates {
    /// Fills each missing date from `base` plus the product's offset in days; a date
    /// that would leave years 1..=9999 is an [`TraceError::InvalidInput`].
    pub fn derived(self, product: &Product, base: NaiveDate) -> Result<Self, TraceError> {
        let fill = |field, given: Option<NaiveDate>, days: Option<u32>| match (given, days) {
            (Some(date), _) => Ok(Some(date)),
            (None, Some(days)) => crate::kernel::date::plus_days(field, base, days).map(Some),
            (None, None) => Ok(None),
        };
        Ok(Self {
            expiry: fill("expiry", self.expiry, product.shelf_life_days)?,
            best_before: fill("best_before", self.best_before, product.best_before_days)?,
            removal: fill("removal", self.removal, product.removal_days)?,
            alert: fill("alert", self.alert, product.alert_days)?,
        })
    }

    /// Checks each date is within years 1..=9999 and that best-before, removal and alert
    /// dates are not after the expiry date.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use traceability_core::LotDates;
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let dates = LotDates { expiry: Some(d(6)), alert: Some(d(7)), ..LotDates::default() };
    /// assert!(dates.check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), TraceError> {
        use crate::kernel::date::bounded_opt;
        bounded_opt("expiry", self.expiry)?;
        for (field, date) in [
            ("best_before", self.best_before),
            ("removal", self.removal),
            ("alert", self.alert),
        ] {
            if let (Some(date), Some(expiry)) = (bounded_opt(field, date)?, self.expiry) {
                if date > expiry {
                    return Err(TraceError::invalid(
                        field,
                        format!("{date} is after the expiry date {expiry}"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The quantity of one lot at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLine {
    /// Where.
    pub location: LocationId,
    /// Physically there.
    pub on_hand: Quantity,
    /// Of which reserved for orders (allocated or picked, not yet shipped).
    pub reserved: Quantity,
    /// Of which returned by a customer and held until the return is disposed of
    /// (restocked, reworked, scrapped or sent back to the supplier).
    #[serde(default)]
    pub held: Quantity,
}

impl StockLine {
    /// A line of `on_hand` at `location`, nothing reserved or held.
    pub fn new(location: LocationId, on_hand: Quantity) -> Self {
        Self {
            location,
            on_hand,
            reserved: Quantity::ZERO,
            held: Quantity::ZERO,
        }
    }

    /// On hand minus reserved and held: what may be allocated, moved or consumed.
    pub fn available(&self) -> Quantity {
        self.on_hand - self.reserved - self.held
    }
}

/// How a lot came to exist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Received from a supplier.
    Received,
    /// Produced by a work order.
    Produced {
        /// The work order that produced it.
        work_order: WorkOrderId,
    },
}

/// The descriptive fields of a lot record that [`crate::Command::UpdateLot`] changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotDetails {
    /// Manufacturing date.
    pub manufactured_on: Option<NaiveDate>,
    /// Weight.
    pub weight: Option<Quantity>,
    /// Free description.
    pub description: String,
    /// The supplier's own lot number.
    pub supplier_lot: Option<String>,
    /// Free attributes.
    pub attributes: BTreeMap<String, String>,
}

/// A lot (batch) of a lot-tracked product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    /// Product.
    pub product: ProductId,
    /// Lot number, unique within the product.
    pub number: LotNumber,
    /// Receipt (or production) date.
    #[serde(with = "crate::kernel::date::iso")]
    pub received_on: NaiveDate,
    /// Manufacturing date, when known.
    #[serde(default, with = "crate::kernel::date::iso::option")]
    pub manufactured_on: Option<NaiveDate>,
    /// Expiry, best-before, removal and alert dates.
    pub dates: LotDates,
    /// Weight, when recorded.
    pub weight: Option<Quantity>,
    /// Free description.
    pub description: String,
    /// Supplier it came from.
    pub supplier: Option<PartyId>,
    /// The supplier's own lot number.
    pub supplier_lot: Option<String>,
    /// Free attributes.
    pub attributes: BTreeMap<String, String>,
    /// `false` once set inactive.
    pub active: bool,
    /// Quality disposition.
    pub quality: QualityStatus,
    /// On recall hold: cannot be allocated, picked or shipped.
    pub on_hold: bool,
    /// Received or produced.
    pub origin: Origin,
    /// Stock by location (locations with nothing left are removed).
    pub stock: Vec<StockLine>,
}

impl Lot {
    /// Remaining shelf life on `date`, in percent (0..=100, two decimals, half up):
    /// (expiry − date) / (expiry − manufactured) × 100, the receipt date standing in for
    /// a missing manufacturing date. `None` without an expiry date.
    ///
    /// ```
    /// use traceability_core::*;
    /// let lot = Lot { product: ProductId::new("P").unwrap(), number: LotNumber::new("L").unwrap(),
    ///     received_on: "2026-01-01".parse().unwrap(), manufactured_on: Some("2026-01-01".parse().unwrap()),
    ///     dates: LotDates { expiry: Some("2026-01-11".parse().unwrap()), ..Default::default() },
    ///     weight: None, description: String::new(), supplier: None, supplier_lot: None,
    ///     attributes: Default::default(), active: true, quality: QualityStatus::Released,
    ///     on_hold: false, origin: Origin::Received, stock: vec![] };
    /// assert_eq!(lot.shelf_life_remaining_pct("2026-01-04".parse().unwrap()), Some(Quantity::from(70)));
    /// assert_eq!(lot.shelf_life_remaining_pct("2026-02-01".parse().unwrap()), Some(Quantity::ZERO));
    /// ```
    pub fn shelf_life_remaining_pct(&self, date: NaiveDate) -> Option<Quantity> {
        let expiry = self.dates.expiry?;
        let start = self.manufactured_on.unwrap_or(self.received_on);
        let total = i128::from((expiry - start).num_days());
        if total <= 0 {
            return Some(if date < expiry {
                Quantity::from(100)
            } else {
                Quantity::ZERO
            });
        }
        let left = i128::from((expiry - date).num_days()).clamp(0, total);
        // Hundredths of a percent, rounded half up; at most 10,000, so the cast is exact.
        let hundredths = (left * 10_000 * 2 + total) / (2 * total);
        Quantity::from_scaled(hundredths as i64, 2).ok()
    }

    /// The lot's reference.
    pub fn item(&self) -> ItemRef {
        ItemRef::Lot {
            product: self.product.clone(),
            lot: self.number.clone(),
        }
    }

    /// The lot's key.
    pub fn key(&self) -> LotKey {
        LotKey {
            product: self.product.clone(),
            lot: self.number.clone(),
        }
    }

    /// Total on hand over all locations.
    pub fn on_hand(&self) -> Quantity {
        self.stock.iter().map(|s| s.on_hand).sum()
    }

    /// The stock line at a location, if any.
    pub fn stock_at(&self, location: &LocationId) -> Option<&StockLine> {
        self.stock.iter().find(|s| &s.location == location)
    }

    /// The record's descriptive fields.
    pub fn details(&self) -> LotDetails {
        LotDetails {
            manufactured_on: self.manufactured_on,
            weight: self.weight,
            description: self.description.clone(),
            supplier_lot: self.supplier_lot.clone(),
            attributes: self.attributes.clone(),
        }
    }

    /// Whether the lot is expired on `date` (usable through its expiry date).
    pub fn is_expired_on(&self, date: NaiveDate) -> bool {
        self.dates.expiry.is_some_and(|e| date > e)
    }
}
