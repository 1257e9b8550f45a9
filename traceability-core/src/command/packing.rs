//! Commands of packing: goods into a container and out again.

use serde::{Deserialize, Serialize};

use crate::kernel::id::{ContainerId, LocationId};
use crate::model::PackedItem;

/// Pack lot quantities and serials at `location` into a new container: the lots' stock
/// there (reserved and picked included) covers what is packed, counting what other
/// packed containers there already hold; a serial is in at most one packed container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pack {
    /// The new container's SSCC or licence plate (never used before).
    pub container: ContainerId,
    /// Where the goods are.
    pub location: LocationId,
    /// What goes in (each lot or serial once).
    pub contents: Vec<PackedItem>,
}

/// Unpack a packed container (its goods stay where they are).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unpack {
    /// The container.
    pub container: ContainerId,
}
