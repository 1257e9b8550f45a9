//! Order and shipment queries: an order's open reservations, every shipment with its
//! lines, and the genealogy links — all with public [`ItemRef`]s.

use chrono::NaiveDate;
use serde::Serialize;

use crate::kernel::id::{ItemRef, LocationId, OrderId, PartyId, ShipmentId, WorkOrderId};
use crate::kernel::Quantity;
use crate::state::State;

/// Stock reserved (and possibly picked) for an order at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reservation {
    /// Lot or serial.
    pub item: ItemRef,
    /// Location.
    pub location: LocationId,
    /// Reserved quantity, including what is picked.
    pub reserved: Quantity,
    /// Of which picked.
    pub picked: Quantity,
}

/// One line of a shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShippedLine {
    /// Lot or serial.
    pub item: ItemRef,
    /// Where it left from.
    pub location: LocationId,
    /// Quantity.
    pub quantity: Quantity,
}

/// A dispatched shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shipment {
    /// Id.
    pub id: ShipmentId,
    /// Order (none for a delivery by a move into a customer location).
    pub order: Option<OrderId>,
    /// Customer.
    pub customer: PartyId,
    /// Date.
    pub shipped_on: NaiveDate,
    /// What left.
    pub lines: Vec<ShippedLine>,
    /// Reversed since (the goods came back).
    pub reversed: bool,
}

/// A consumption → production pair of a work order: a genealogy edge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// Consumed lot or serial.
    pub from: ItemRef,
    /// Produced lot or serial.
    pub to: ItemRef,
    /// Quantity of `from` consumed by the work order.
    pub quantity: Quantity,
    /// The work order.
    pub work_order: WorkOrderId,
}

/// The open reservations of an order (empty for an unknown or fully shipped order).
///
/// ```
/// use traceability_core::{query::orders::reservations, OrderId, State};
/// assert!(reservations(&State::default(), &OrderId::new("SO1").unwrap()).is_empty());
/// ```
pub fn reservations(state: &State, order: &OrderId) -> Vec<Reservation> {
    state
        .reservations(order)
        .iter()
        .map(|r| Reservation {
            item: state.item_ref(r.item),
            location: r.location.clone(),
            reserved: r.reserved,
            picked: r.picked,
        })
        .collect()
}

/// Every shipment, in dispatch order.
///
/// ```
/// assert!(traceability_core::query::orders::shipments(&traceability_core::State::default()).is_empty());
/// ```
pub fn shipments(state: &State) -> Vec<Shipment> {
    state
        .shipment_records()
        .iter()
        .zip(0..)
        .map(|(s, i)| Shipment {
            id: ShipmentId::stored(state.shipment_id(i)),
            order: state.shipment_order(i).map(OrderId::stored),
            customer: state.party_at(state.shipment_customer(i)).id.clone(),
            shipped_on: s.shipped_on,
            lines: state
                .shipped_lines(i)
                .iter()
                .map(|(item, location, quantity)| ShippedLine {
                    item: state.item_ref(*item),
                    location: location.clone(),
                    quantity: *quantity,
                })
                .collect(),
            reversed: s.reversed,
        })
        .collect()
}

/// Every genealogy link, in recording order.
///
/// ```
/// assert!(traceability_core::query::orders::links(&traceability_core::State::default()).is_empty());
/// ```
pub fn links(state: &State) -> Vec<Link> {
    let genealogy = state.genealogy();
    genealogy
        .edges()
        .filter_map(|(from, to, c)| {
            Some(Link {
                from: state.item_ref(from),
                to: state.item_ref(to),
                quantity: c.quantity,
                work_order: genealogy.work_order(c.work_order)?.clone(),
            })
        })
        .collect()
}
