//! The domain model: identifiers, master data (products, locations, parties) and the
//! tracked things themselves (lots, serials) with their stock.
//!
//! Quantities are [`Quantity`] (an exact decimal, never a binary float); dates are
//! [`chrono::NaiveDate`]; instants are UTC.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::TraceError;

pub use crate::kernel::Quantity;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// Deserialising goes through the same validation as `new` (JSON commands from
        /// the bindings are trimmed and checked like typed ones). The text is shared
        /// (`Arc<str>`), so copying an id into events, state and reports never allocates.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::new(raw).map_err(serde::de::Error::custom)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl $name {
            /// Builds the identifier, trimming surrounding white space; an empty or
            /// over-long one (more than 128 characters), or one with control characters,
            /// is an [`TraceError::InvalidInput`].
            pub fn new(raw: impl AsRef<str>) -> Result<Self, TraceError> {
                crate::kernel::text::identifier($what, raw.as_ref()).map(|id| Self(id.into()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = TraceError;
            fn from_str(s: &str) -> Result<Self, TraceError> {
                Self::new(s)
            }
        }
    };
}

string_id!(
    /// A product (item, SKU) code.
    ///
    /// ```
    /// use traceability_core::ProductId;
    /// assert_eq!(ProductId::new("  FLOUR ").unwrap().as_str(), "FLOUR");
    /// assert!(ProductId::new("  ").is_err());
    /// let parsed: ProductId = serde_json::from_str("\" FLOUR\"").unwrap();
    /// assert_eq!(parsed.as_str(), "FLOUR");
    /// assert!(serde_json::from_str::<ProductId>("\"\"").is_err());
    /// ```
    ProductId,
    "product"
);
string_id!(
    /// A lot (batch) number, unique within its product.
    LotNumber,
    "lot"
);
string_id!(
    /// A serial number, unique within its product and never reused.
    SerialNumber,
    "serial"
);
string_id!(
    /// A location (warehouse bin, production line, quarantine area, ...).
    LocationId,
    "location"
);
string_id!(
    /// A party: a supplier or a customer.
    PartyId,
    "party"
);
string_id!(
    /// A customer order to which stock is allocated, picked and shipped.
    OrderId,
    "order"
);
string_id!(
    /// A shipment (dispatch) to a customer.
    ShipmentId,
    "shipment"
);
string_id!(
    /// A production work order.
    WorkOrderId,
    "work_order"
);
string_id!(
    /// A customer return authorisation (RMA) number.
    ReturnId,
    "return"
);

/// How a product is tracked: by lot, by serial, or not at all — never both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tracking {
    /// Not tracked by this engine (no lots, no serials).
    None,
    /// Tracked by lot (batch) with quantities.
    Lot,
    /// Tracked by serial: one record per physical item.
    Serial,
}

/// A product and the rules its lots and serials follow.
///
/// The day offsets derive a lot's dates from its manufacturing date (or, without one,
/// its receipt date) when the dates are not given on receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Product code.
    pub id: ProductId,
    /// Free description.
    pub description: String,
    /// Lot, serial or none.
    pub tracking: Tracking,
    /// Unit of measure, e.g. `kg`, `ea`.
    pub unit: String,
    /// Days from manufacture to expiry.
    pub shelf_life_days: Option<u32>,
    /// Days from manufacture to best-before.
    pub best_before_days: Option<u32>,
    /// Days from manufacture to the removal date (the date FEFO sorts on).
    pub removal_days: Option<u32>,
    /// Days from manufacture to the alert date.
    pub alert_days: Option<u32>,
    /// Warn this many days before expiry.
    pub expiry_warning_days: Option<u32>,
    /// Lots of this product are received into quality quarantine.
    pub requires_inspection: bool,
    /// Pattern for generated lot/serial numbers (informative), e.g. `LOT-{yyyy}-{seq:5}`.
    pub numbering_pattern: Option<String>,
}

impl Product {
    /// A product with the given code and tracking, unit `ea`, and no dates rules.
    ///
    /// ```
    /// use traceability_core::{Product, ProductId, Tracking};
    /// let p = Product::new(ProductId::new("MILK").unwrap(), Tracking::Lot);
    /// assert_eq!(p.unit, "ea");
    /// ```
    pub fn new(id: ProductId, tracking: Tracking) -> Self {
        Self {
            id,
            description: String::new(),
            tracking,
            unit: "ea".into(),
            shelf_life_days: None,
            best_before_days: None,
            removal_days: None,
            alert_days: None,
            expiry_warning_days: None,
            requires_inspection: false,
            numbering_pattern: None,
        }
    }
}

/// What a location is for; customer and production locations are where expired stock
/// may not go without an override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocationKind {
    /// Ordinary storage.
    Internal,
    /// Goods-in dock.
    Receiving,
    /// Packing / dispatch staging.
    Staging,
    /// Production line or work centre.
    Production,
    /// Quarantine area.
    Quarantine,
    /// A supplier's premises (virtual).
    Supplier,
    /// A customer's premises (virtual).
    Customer,
}

/// A place where stock can be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Location code.
    pub id: LocationId,
    /// What it is for.
    pub kind: LocationKind,
    /// Free description.
    pub description: String,
}

/// Whether a party supplies us, buys from us, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyRole {
    /// Supplies lots and serials.
    Supplier,
    /// Receives shipments.
    Customer,
    /// Both.
    Both,
}

impl PartyRole {
    /// Whether a party with this role may act as `wanted` (`Both` acts as either).
    pub fn acts_as(self, wanted: PartyRole) -> bool {
        self == PartyRole::Both || self == wanted
    }
}

/// A supplier or customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Party code.
    pub id: PartyId,
    /// Supplier, customer or both.
    pub role: PartyRole,
    /// Display name.
    pub name: String,
}

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

/// The four dates mature ERPs keep on a lot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotDates {
    /// Must not be used after this date.
    pub expiry: Option<NaiveDate>,
    /// Best quality before this date.
    pub best_before: Option<NaiveDate>,
    /// Stock should leave before this date; FEFO sorts on it.
    pub removal: Option<NaiveDate>,
    /// Warn from this date.
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
}

impl StockLine {
    /// On hand minus reserved.
    pub fn available(&self) -> Quantity {
        self.on_hand - self.reserved
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

/// A lot (batch) of a lot-tracked product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Total on hand over all locations.
    pub fn on_hand(&self) -> Quantity {
        self.stock.iter().map(|s| s.on_hand).sum()
    }

    /// The stock line at a location, if any.
    pub fn stock_at(&self, location: &LocationId) -> Option<&StockLine> {
        self.stock.iter().find(|s| &s.location == location)
    }

    /// Whether the lot is expired on `date` (usable through its expiry date).
    pub fn is_expired_on(&self, date: NaiveDate) -> bool {
        self.dates.expiry.is_some_and(|e| date > e)
    }
}

/// The lifecycle status of a serial; transitions are enforced by
/// [`SerialStatus::can_become`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SerialStatus {
    /// Announced by an advance shipping notice.
    Expected,
    /// Physically received (may be in staging).
    Received,
    /// Stored, available for orders.
    InInventory,
    /// Reserved for an order.
    Allocated,
    /// Picked and staged for packing.
    Picked,
    /// Dispatched to a customer.
    Shipped,
    /// Assembled into another item.
    Consumed,
    /// Scrapped.
    Scrapped,
}

impl SerialStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [SerialStatus; 8] = [
        Self::Expected,
        Self::Received,
        Self::InInventory,
        Self::Allocated,
        Self::Picked,
        Self::Shipped,
        Self::Consumed,
        Self::Scrapped,
    ];

    /// The lifecycle table of DESIGN.md: may a serial in `from` (`None`: not yet known)
    /// become `to`?
    ///
    /// ```
    /// use traceability_core::SerialStatus::*;
    /// assert!(InInventory.can_become_from(Some(Received)));
    /// assert!(!Shipped.can_become_from(Some(InInventory)));
    /// ```
    pub fn can_become_from(self, from: Option<SerialStatus>) -> bool {
        use SerialStatus::*;
        matches!(
            (from, self),
            (None, Expected)
                | (None | Some(Expected), Received)
                | (Some(Received), InInventory)
                | (Some(InInventory), Allocated)
                | (Some(Allocated), InInventory)
                | (Some(Allocated), Picked)
                | (Some(Picked), InInventory)
                | (Some(Picked), Shipped)
                | (Some(InInventory), Consumed)
                | (Some(InInventory | Received), Scrapped)
                | (Some(Shipped), Received)
        )
    }

    /// The upper-case name used in messages and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expected => "EXPECTED",
            Self::Received => "RECEIVED",
            Self::InInventory => "IN_INVENTORY",
            Self::Allocated => "ALLOCATED",
            Self::Picked => "PICKED",
            Self::Shipped => "SHIPPED",
            Self::Consumed => "CONSUMED",
            Self::Scrapped => "SCRAPPED",
        }
    }
}

impl fmt::Display for SerialStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One serialised physical item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Serial {
    /// Product.
    pub product: ProductId,
    /// Serial number.
    pub number: SerialNumber,
    /// Lifecycle status.
    pub status: SerialStatus,
    /// Where it is while in our custody (`None` when expected, shipped, consumed or scrapped).
    pub location: Option<LocationId>,
    /// The supplier it came from, if received from one.
    pub supplier: Option<PartyId>,
    /// The order it is allocated or picked for.
    pub order: Option<OrderId>,
    /// On recall hold.
    pub on_hold: bool,
    /// Produced by this work order, if made here.
    pub origin: Origin,
}

/// A reference to one tracked thing: a lot or a serial.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemRef {
    /// A lot of a lot-tracked product.
    Lot {
        /// Product.
        product: ProductId,
        /// Lot number.
        lot: LotNumber,
    },
    /// A serial of a serial-tracked product.
    Serial {
        /// Product.
        product: ProductId,
        /// Serial number.
        serial: SerialNumber,
    },
}

impl ItemRef {
    /// A lot reference from text, trimming and validating both parts.
    ///
    /// ```
    /// use traceability_core::ItemRef;
    /// let lot = ItemRef::lot("FLOUR", "L1").unwrap();
    /// assert_eq!(lot.to_string(), "lot FLOUR/L1");
    /// ```
    pub fn lot(product: &str, lot: &str) -> Result<Self, TraceError> {
        Ok(Self::Lot {
            product: ProductId::new(product)?,
            lot: LotNumber::new(lot)?,
        })
    }

    /// A serial reference from text, trimming and validating both parts.
    pub fn serial(product: &str, serial: &str) -> Result<Self, TraceError> {
        Ok(Self::Serial {
            product: ProductId::new(product)?,
            serial: SerialNumber::new(serial)?,
        })
    }

    /// The product of the lot or serial.
    pub fn product(&self) -> &ProductId {
        match self {
            Self::Lot { product, .. } | Self::Serial { product, .. } => product,
        }
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Lot { product, lot } => write!(f, "lot {product}/{lot}"),
            Self::Serial { product, serial } => write!(f, "serial {product}/{serial}"),
        }
    }
}
