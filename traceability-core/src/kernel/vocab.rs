//! The closed vocabularies that commands, events and errors name: how a product is
//! tracked, which role a party plays, and the serial lifecycle with its transition table.

use std::fmt;

use serde::{Deserialize, Serialize};

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

impl fmt::Display for Tracking {
    /// The domain word: "lot", "serial", or "no tracking".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "no tracking",
            Self::Lot => "lot",
            Self::Serial => "serial",
        })
    }
}

impl fmt::Display for PartyRole {
    /// The domain word: "supplier", "customer", or "supplier and customer".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Supplier => "supplier",
            Self::Customer => "customer",
            Self::Both => "supplier and customer",
        })
    }
}

impl PartyRole {
    /// Whether a party with this role may act as `wanted` (`Both` acts as either).
    pub fn acts_as(self, wanted: PartyRole) -> bool {
        self == PartyRole::Both || self == wanted
    }
}

/// The lifecycle status of a serial; transitions are enforced by
/// [`SerialStatus::can_become_from`].
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
