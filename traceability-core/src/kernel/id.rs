//! Identifiers: validated, trimmed, shared text ids, and [`ItemRef`] / [`LotKey`], the
//! public references to one lot or serial.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::kernel::invalid::InvalidInput;

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
