//! Logistic units: what was packed into a pallet or case ("pack and create shipment").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::id::{ContainerId, ItemRef, LocationId};
use crate::kernel::Quantity;

/// One item in a container: a lot quantity, or a serial (quantity 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackedItem {
    /// Lot or serial.
    pub item: ItemRef,
    /// How much of it.
    pub quantity: Quantity,
}

/// A container and what was packed into it. Packing records the aggregation (the
/// EPCIS `AggregationEvent`); the goods stay stock of their lots and serials, moved,
/// picked and shipped as before. Unpacking ends the aggregation; a container id is
/// never reused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    /// Its SSCC or licence plate.
    pub id: ContainerId,
    /// Where it was packed.
    pub location: LocationId,
    /// When.
    pub packed_on: NaiveDate,
    /// What, in packing order.
    pub contents: Vec<PackedItem>,
    /// When it was unpacked (`None`: still packed).
    pub unpacked_on: Option<NaiveDate>,
}
