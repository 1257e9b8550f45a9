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
///
/// The rarely filled descriptive fields (weight, description, supplier lot number,
/// attributes) sit behind accessors in one box that most lots leave empty, so a lot
/// record costs 128 bytes rather than 208 (a million lots: 80 MB). The serde form is
/// unchanged: every field, flat, in this order.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "LotRecord")]
pub struct Lot {
    /// Product.
    pub product: ProductId,
    /// Lot number, unique within the product.
    pub number: LotNumber,
    /// Receipt (or production) date.
    pub received_on: NaiveDate,
    /// Manufacturing date, when known.
    pub manufactured_on: Option<NaiveDate>,
    /// Expiry, best-before, removal and alert dates.
    pub dates: LotDates,
    /// Supplier it came from.
    pub supplier: Option<PartyId>,
    /// `false` once set inactive.
    pub active: bool,
    /// Quality disposition.
    pub quality: QualityStatus,
    /// On recall hold: cannot be allocated, picked or shipped.
    pub on_hold: bool,
    /// Received or produced.
    pub origin: Origin,
    /// Stock by location (locations with nothing left are removed). A boxed slice, not
    /// a `Vec`: no spare capacity, and 8 bytes less in every lot.
    pub stock: Box<[StockLine]>,
    /// Weight, description, supplier lot and attributes; `None` when all are empty.
    pub(crate) extras: Option<Box<LotExtras>>,
}

// A million lots are a million of these: keep the record from growing by accident.
const _: () = assert!(size_of::<Lot>() <= 128);

/// The descriptive fields of a lot that most lots leave empty (boxed in the lot only
/// when one is filled; a received lot usually has a supplier lot number). Texts are
/// boxed `str`s: no spare capacity, 8 bytes less each than a `String`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LotExtras {
    weight: Option<Quantity>,
    /// `None` when empty.
    description: Option<Box<str>>,
    supplier_lot: Option<Box<str>>,
    attributes: BTreeMap<String, String>,
}

impl LotExtras {
    fn new(
        weight: Option<Quantity>,
        description: String,
        supplier_lot: Option<String>,
        attributes: BTreeMap<String, String>,
    ) -> Self {
        Self {
            weight,
            description: (!description.is_empty()).then(|| description.into_boxed_str()),
            supplier_lot: supplier_lot.map(String::into_boxed_str),
            attributes,
        }
    }

    /// The fields in a box, or `None` when they are all empty.
    fn boxed(self) -> Option<Box<Self>> {
        (self != NO_EXTRAS).then(|| Box::new(self))
    }
}

/// A lot's serde form: what [`Lot`] reads, all fields flat.
#[derive(Deserialize)]
struct LotRecord {
    product: ProductId,
    number: LotNumber,
    #[serde(with = "crate::kernel::date::iso")]
    received_on: NaiveDate,
    #[serde(default, with = "crate::kernel::date::iso::option")]
    manufactured_on: Option<NaiveDate>,
    dates: LotDates,
    weight: Option<Quantity>,
    description: String,
    supplier: Option<PartyId>,
    supplier_lot: Option<String>,
    attributes: BTreeMap<String, String>,
    active: bool,
    quality: QualityStatus,
    on_hold: bool,
    origin: Origin,
    stock: Vec<StockLine>,
}

impl From<LotRecord> for Lot {
    fn from(record: LotRecord) -> Self {
        let extras = LotExtras::new(
            record.weight,
            record.description,
            record.supplier_lot,
            record.attributes,
        );
        Self {
            product: record.product,
            number: record.number,
            received_on: record.received_on,
            manufactured_on: record.manufactured_on,
            dates: record.dates,
            supplier: record.supplier,
            active: record.active,
            quality: record.quality,
            on_hold: record.on_hold,
            origin: record.origin,
            stock: record.stock.into_boxed_slice(),
            extras: extras.boxed(),
        }
    }
}

/// Written field by field, in `LotRecord`'s order, so events and snapshots encode a lot
/// exactly as before the extras were boxed (the hash chain covers those bytes).
impl Serialize for Lot {
    fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
        use crate::kernel::date::iso::Iso;
        use serde::ser::SerializeStruct;
        let mut lot = to.serialize_struct("Lot", 15)?;
        lot.serialize_field("product", &self.product)?;
        lot.serialize_field("number", &self.number)?;
        lot.serialize_field("received_on", &Iso(self.received_on))?;
        lot.serialize_field("manufactured_on", &self.manufactured_on.map(Iso))?;
        lot.serialize_field("dates", &self.dates)?;
        lot.serialize_field("weight", &self.weight())?;
        lot.serialize_field("description", self.description())?;
        lot.serialize_field("supplier", &self.supplier)?;
        lot.serialize_field("supplier_lot", &self.supplier_lot())?;
        lot.serialize_field("attributes", self.attributes())?;
        lot.serialize_field("active", &self.active)?;
        lot.serialize_field("quality", &self.quality)?;
        lot.serialize_field("on_hold", &self.on_hold)?;
        lot.serialize_field("origin", &self.origin)?;
        lot.serialize_field("stock", &self.stock)?;
        lot.end()
    }
}

/// What a lot without extras shows: no weight, no text, no attributes.
static NO_EXTRAS: LotExtras = LotExtras {
    weight: None,
    description: None,
    supplier_lot: None,
    attributes: BTreeMap::new(),
};

impl Lot {
    /// A received lot of `product` numbered `number` on `received_on`: released, active,
    /// not on hold, without dates, supplier, stock or extras.
    pub fn new(product: ProductId, number: LotNumber, received_on: NaiveDate) -> Self {
        Self {
            product,
            number,
            received_on,
            manufactured_on: None,
            dates: LotDates::default(),
            supplier: None,
            active: true,
            quality: QualityStatus::Released,
            on_hold: false,
            origin: Origin::Received,
            stock: Box::default(),
            extras: None,
        }
    }

    fn extras(&self) -> &LotExtras {
        self.extras.as_deref().unwrap_or(&NO_EXTRAS)
    }

    /// Weight, when recorded.
    pub fn weight(&self) -> Option<Quantity> {
        self.extras().weight
    }

    /// Free description (empty when none).
    pub fn description(&self) -> &str {
        self.extras().description.as_deref().unwrap_or_default()
    }

    /// The supplier's own lot number.
    pub fn supplier_lot(&self) -> Option<&str> {
        self.extras().supplier_lot.as_deref()
    }

    /// Free attributes.
    pub fn attributes(&self) -> &BTreeMap<String, String> {
        &self.extras().attributes
    }

    /// Replaces the record's descriptive fields (the manufacturing date included).
    pub fn set_details(&mut self, details: LotDetails) {
        self.manufactured_on = details.manufactured_on;
        self.extras = LotExtras::new(
            details.weight,
            details.description,
            details.supplier_lot,
            details.attributes,
        )
        .boxed();
    }

    /// Remaining shelf life on `date`, in percent (0..=100, two decimals, half up):
    /// (expiry − date) / (expiry − manufactured) × 100, the receipt date standing in for
    /// a missing manufacturing date. `None` without an expiry date.
    ///
    /// ```
    /// use traceability_core::*;
    /// let mut lot = Lot::new(ProductId::new("P").unwrap(), LotNumber::new("L").unwrap(),
    ///     "2026-01-01".parse().unwrap());
    /// lot.dates.expiry = Some("2026-01-11".parse().unwrap());
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
        let extras = self.extras();
        LotDetails {
            manufactured_on: self.manufactured_on,
            weight: extras.weight,
            description: self.description().to_owned(),
            supplier_lot: self.supplier_lot().map(str::to_owned),
            attributes: extras.attributes.clone(),
        }
    }

    /// Whether the lot is expired on `date` (usable through its expiry date).
    pub fn is_expired_on(&self, date: NaiveDate) -> bool {
        self.dates.expiry.is_some_and(|e| date > e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    fn lot_with(details: LotDetails) -> Lot {
        let id = |text| ProductId::new(text).unwrap();
        let mut lot = Lot::new(id("P"), LotNumber::new("L1").unwrap(), day());
        lot.set_details(details);
        lot
    }

    #[test]
    fn extras_are_boxed_only_when_given_and_serialise_flat_in_declaration_order() {
        let made = LotDetails {
            manufactured_on: Some(day()),
            weight: None,
            description: String::new(),
            supplier_lot: None,
            attributes: BTreeMap::new(),
        };
        let plain = lot_with(made.clone());
        assert!(plain.extras.is_none());
        assert_eq!(plain.details(), made);
        let detailed = lot_with(LotDetails {
            weight: Some(Quantity::from(3)),
            description: "rye".into(),
            supplier_lot: Some("S-9".into()),
            attributes: [("origin".into(), "Beauce".into())].into(),
            ..made
        });
        assert!(detailed.extras.is_some());
        assert_eq!(detailed.supplier_lot(), Some("S-9"));

        assert_eq!(
            serde_json::to_string(&detailed).unwrap(),
            r#"{"product":"P","number":"L1","received_on":"2026-01-01","manufactured_on":"2026-01-01","#
                .to_owned()
                + r#""dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"#
                + r#""weight":"3","description":"rye","supplier":null,"supplier_lot":"S-9","#
                + r#""attributes":{"origin":"Beauce"},"active":true,"quality":"released","#
                + r#""on_hold":false,"origin":"received","stock":[]}"#
        );
        for lot in [plain, detailed] {
            let back: Lot = serde_json::from_value(serde_json::to_value(&lot).unwrap()).unwrap();
            assert_eq!(back, lot);
            let packed = rmp_serde::to_vec(&lot).unwrap();
            assert_eq!(rmp_serde::from_slice::<Lot>(&packed).unwrap(), lot);
        }
    }
}
