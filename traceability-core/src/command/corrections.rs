//! Corrections: compensating commands for postings made by mistake (a shipment, a
//! receipt, a production), re-lotting (split, merge) and disassembly. Each becomes
//! events that undo or restructure stock while the original events stay in the log;
//! each needs a reason.

use serde::{Deserialize, Serialize};

use crate::kernel::id::{
    ItemRef, LocationId, LotNumber, ProductId, SerialNumber, ShipmentId, WorkOrderId,
};
use crate::kernel::Quantity;

/// Reverse a shipment posted by mistake: its lots and serials come back to the
/// locations they left, the order's reservations are not restored, and traces mark the
/// shipment reversed (its customer no longer counts as holding the goods). Refused once
/// any of it was returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseShipment {
    /// The shipment.
    pub shipment: ShipmentId,
}

/// Reverse the receipt of lots or serials: a lot's stock leaves wherever it now is (the
/// lot stays on record, inactive); serials go back to EXPECTED with no location, so
/// they can be received again. Refused once anything of them was reserved, consumed,
/// shipped or scrapped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseReceipt {
    /// The received lots and serials.
    pub items: Vec<ItemRef>,
}

/// Reverse the latest production of a work order: what it consumed goes back to the
/// locations it came from, and its outputs leave stock (new lots stay on record,
/// inactive; new serials become SCRAPPED, their numbers never reused). Refused unless
/// every output is still where it was made, unreserved and unused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseProduction {
    /// The work order.
    pub work_order: WorkOrderId,
}

/// Split part of a lot at one location into a new lot of the same product, which
/// inherits the dates, details, supplier and quality status; the genealogy links the
/// two.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitLot {
    /// Product.
    pub product: ProductId,
    /// The lot split.
    pub lot: LotNumber,
    /// Where the quantity is.
    pub location: LocationId,
    /// How much goes to the new lot (> 0, at most what is available there).
    pub quantity: Quantity,
    /// The new lot's number; `None` issues one from the product's numbering scheme.
    #[serde(default)]
    pub new_lot: Option<LotNumber>,
}

/// Merge the available stock of lots at one location into another lot of the same
/// product. The target's dates become the earliest of the merged lots' (a merge never
/// extends shelf life); lots on hold or of different quality status are refused; the
/// genealogy links each source to the target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeLots {
    /// Product.
    pub product: ProductId,
    /// The lots merged (their available stock at `location`).
    pub lots: Vec<LotNumber>,
    /// The lot they are merged into (it may be one with no stock there yet).
    pub into: LotNumber,
    /// Where.
    pub location: LocationId,
}

/// Disassemble a serialized assembly made by a work order: the components it consumed
/// come back into stock at `location` (default: the assembly's), and the assembly's
/// serial is CONSUMED for good. Only an assembly that was the single output of its
/// production can be unbuilt (otherwise which component went where is not recorded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unbuild {
    /// Product of the assembly.
    pub product: ProductId,
    /// Its serial.
    pub serial: SerialNumber,
    /// Where the components go (default: where the assembly is).
    #[serde(default)]
    pub location: Option<LocationId>,
}
