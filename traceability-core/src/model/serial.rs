//! Serials: one record per physical item.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::id::{ItemRef, LocationId, OrderId, PartyId, ProductId, SerialNumber};
use crate::kernel::vocab::SerialStatus;
use crate::model::lot::Origin;

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
    /// The day it came into our custody, received or produced (`None` while expected).
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
}

impl Serial {
    /// The serial's reference.
    pub fn item(&self) -> ItemRef {
        ItemRef::Serial {
            product: self.product.clone(),
            serial: self.number.clone(),
        }
    }

    /// Whether the serial is in our custody (received, in inventory, allocated or
    /// picked): what a recall can hold and a forward trace reports as stock.
    pub fn in_custody(&self) -> bool {
        matches!(
            self.status,
            SerialStatus::Received
                | SerialStatus::InInventory
                | SerialStatus::Allocated
                | SerialStatus::Picked
        )
    }
}
