//! Identifiers: validated, trimmed text ids (shared, or inline when short and mostly
//! distinct), and [`ItemRef`] / [`LotKey`], the public references to one lot or serial.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use crate::kernel::invalid::InvalidInput;

pub(crate) use interning::interning;

/// Id interning while a large state is read: within [`interning`], every product,
/// location and party id deserialised on the thread shares the text of an equal one
/// deserialised before it, so a state read from a snapshot or replayed from the log holds
/// each such id's text once rather than in every lot, stock line, shipment line and
/// reservation, and decoding allocates once per distinct id. Ids of which most are
/// distinct (lot and serial numbers, orders, shipments) are not looked up: at a million
/// lots that costs more time than it saves memory.
mod interning {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::sync::Arc;

    thread_local! {
        static SEEN: RefCell<Option<HashSet<Arc<str>, foldhash::fast::RandomState>>> =
            const { RefCell::new(None) };
    }

    /// Runs `f` with interning on for this thread (nested calls share the outer set).
    pub(crate) fn interning<T>(f: impl FnOnce() -> T) -> T {
        /// Turns interning off again when `f` returns or unwinds.
        struct Off;
        impl Drop for Off {
            fn drop(&mut self) {
                SEEN.with(|seen| seen.borrow_mut().take());
            }
        }
        let started = SEEN.with(|seen| {
            let mut seen = seen.borrow_mut();
            let start = seen.is_none();
            if start {
                *seen = Some(HashSet::default());
            }
            start
        });
        let _off = started.then_some(Off);
        f()
    }

    /// The text as a shared allocation: the one already seen while interning, else new.
    pub(super) fn shared_text(text: &str) -> Arc<str> {
        SEEN.with(|seen| match seen.borrow_mut().as_mut() {
            Some(seen) => match seen.get(text) {
                Some(known) => known.clone(),
                None => {
                    let new: Arc<str> = text.into();
                    seen.insert(new.clone());
                    new
                }
            },
            None => text.into(),
        })
    }
}

/// Defines an id type over `Arc<str>` (shared text: copying an id never allocates), or
/// with `inline` over [`SmolStr`], for ids of which nearly every one is distinct and
/// held once (lot and serial numbers), or rebuilt from the state's text for reports
/// (shipment and order ids): up to 23 bytes sit in the id itself, so a state
/// of a million lots holds no allocation per number; longer ones are shared as an
/// `Arc<str>` would be.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        string_id!(@define $(#[$doc])* $name, $what, Arc<str>, |text: &str| -> Arc<str> { text.into() });
    };
    ($(#[$doc:meta])* $name:ident, $what:literal, interned) => {
        string_id!(@define $(#[$doc])* $name, $what, Arc<str>, interning::shared_text);
    };
    ($(#[$doc:meta])* $name:ident, $what:literal, inline) => {
        string_id!(@define $(#[$doc])* $name, $what, SmolStr, SmolStr::new);
    };
    (@define $(#[$doc:meta])* $name:ident, $what:literal, $text:ty, $decoded_text:expr) => {
        $(#[$doc])*
        ///
        /// Deserialising goes through the same validation as `new` (JSON commands from
        /// the bindings are trimmed and checked like typed ones). Copying an id into
        /// events, state and reports never allocates.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($text);

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                crate::kernel::text::identifier($what, &raw)
                    .map(|id| Self($decoded_text(id)))
                    .map_err(serde::de::Error::custom)
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
            /// is an [`InvalidInput`].
            pub fn new(raw: impl AsRef<str>) -> Result<Self, InvalidInput> {
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
            type Err = InvalidInput;
            fn from_str(s: &str) -> Result<Self, InvalidInput> {
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
    "product",
    interned
);
string_id!(
    /// A lot (batch) number, unique within its product.
    LotNumber,
    "lot",
    inline
);
string_id!(
    /// A serial number, unique within its product and never reused.
    SerialNumber,
    "serial",
    inline
);
string_id!(
    /// A location (warehouse bin, production line, quarantine area, ...).
    LocationId,
    "location",
    interned
);
string_id!(
    /// A party: a supplier or a customer.
    PartyId,
    "party",
    interned
);
string_id!(
    /// A customer order to which stock is allocated, picked and shipped.
    OrderId,
    "order",
    inline
);
string_id!(
    /// A shipment (dispatch) to a customer.
    ShipmentId,
    "shipment",
    inline
);
/// The ids the state keeps as text in a shared buffer rather than as ids (see
/// `state::texts`), rebuilt from that text when a report needs one (held inline, so
/// rebuilding a short one allocates nothing).
macro_rules! stored_as_text {
    ($($name:ident),*) => {$(
        impl $name {
            /// The id of text the state stored, which was checked when it was stored.
            pub(crate) fn stored(text: &str) -> Self {
                Self(text.into())
            }
        }
    )*};
}
stored_as_text!(OrderId, ShipmentId);

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
string_id!(
    /// A warranty claim number.
    ClaimId,
    "claim"
);
string_id!(
    /// A field service campaign number.
    CampaignId,
    "campaign"
);
string_id!(
    /// A return reason code (from the configurable list of reasons).
    ReasonCode,
    "reason_code"
);

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
    pub fn lot(product: &str, lot: &str) -> Result<Self, InvalidInput> {
        Ok(Self::Lot {
            product: ProductId::new(product)?,
            lot: LotNumber::new(lot)?,
        })
    }

    /// The reference to a lot of a product (ids already validated).
    pub fn lot_of(product: &ProductId, lot: &LotNumber) -> Self {
        Self::Lot {
            product: product.clone(),
            lot: lot.clone(),
        }
    }

    /// A serial reference from text, trimming and validating both parts.
    pub fn serial(product: &str, serial: &str) -> Result<Self, InvalidInput> {
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

/// A lot identified by product and lot number.
///
/// ```
/// use traceability_core::LotKey;
/// let k = LotKey::new("MILK", "L1").unwrap();
/// assert_eq!(k.lot.as_str(), "L1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LotKey {
    /// Product.
    pub product: ProductId,
    /// Lot number.
    pub lot: LotNumber,
}

impl LotKey {
    /// A key from text, trimming and validating both parts.
    pub fn new(product: &str, lot: &str) -> Result<Self, InvalidInput> {
        Ok(Self {
            product: ProductId::new(product)?,
            lot: LotNumber::new(lot)?,
        })
    }

    /// The key as an item reference.
    pub fn item(&self) -> ItemRef {
        ItemRef::Lot {
            product: self.product.clone(),
            lot: self.lot.clone(),
        }
    }
}

string_id!(
    /// A recall number.
    RecallId,
    "recall"
);
string_id!(
    /// A logistic unit (pallet, case, tote): its SSCC (18 digits) or licence plate.
    ContainerId,
    "container"
);
string_id!(
    /// A named numbering scheme (see [`crate::kernel::numbering`]).
    SchemeId,
    "scheme"
);
string_id!(
    /// A non-conformance (deviation) report number.
    ///
    /// ```
    /// use traceability_core::NonConformanceId;
    /// assert_eq!(NonConformanceId::new(" NC-7 ").unwrap().as_str(), "NC-7");
    /// ```
    NonConformanceId,
    "nonconformance"
);
string_id!(
    /// A corrective or preventive action (CAPA) number.
    ///
    /// ```
    /// use traceability_core::CapaId;
    /// assert!(CapaId::new("").is_err());
    /// ```
    CapaId,
    "capa"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn two_decoded() -> (LocationId, LocationId, LotNumber, LotNumber) {
        let json = r#"["A1", " A1", "L1", "L1"]"#;
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn decoded_product_location_and_party_ids_share_their_text_while_interning() {
        let (a, b, lot_a, lot_b) = interning(two_decoded);
        assert!(Arc::ptr_eq(&a.0, &b.0));
        // Lot numbers are mostly distinct: they are held inline, not looked up.
        assert_eq!(lot_a, lot_b);
        assert!(!lot_a.0.is_heap_allocated() && !lot_b.0.is_heap_allocated());
        let (c, d, ..) = two_decoded();
        assert_eq!((&a, &c), (&b, &d));
        assert!(!Arc::ptr_eq(&c.0, &d.0) && !Arc::ptr_eq(&a.0, &c.0));
    }

    #[test]
    fn inline_ids_of_any_length_compare_hash_and_read_back_as_their_text() {
        use std::collections::HashSet;
        let long = "L".repeat(24) + "-OVERFLOWS-THE-INLINE-BYTES";
        let ids = ["L1", &"M".repeat(23), &long].map(|t| LotNumber::new(t).unwrap());
        assert!(!ids[1].0.is_heap_allocated() && ids[2].0.is_heap_allocated());
        let set: HashSet<LotNumber> = ids.iter().cloned().collect();
        for id in &ids {
            assert!(set.contains(id.as_str()));
            let json = serde_json::to_string(id).unwrap();
            assert_eq!(&serde_json::from_str::<LotNumber>(&json).unwrap(), id);
        }
        assert_eq!(ids[2].as_str(), long);
        assert!(ids[0] < ids[2] && ids[2] < ids[1]);
    }
}
