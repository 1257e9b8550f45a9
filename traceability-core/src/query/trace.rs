//! Trace and recall queries over the genealogy graph (rendered as Graphviz DOT and
//! Mermaid by [`crate::io::render`]).
//!
//! * [`trace_forward`] (downstream): every descendant lot and serial with its depth,
//!   every shipment of the start or a descendant, the distinct customers, and the stock
//!   still on hand by location (to contain it).
//! * [`trace_backward`] (upstream): every ancestor with its depth, their receipts and
//!   the distinct suppliers.
//! * [`recall_report`] / [`crate::Tracker::recall`]: the union of the forward traces of several
//!   suspects, per customer and per location; `Tracker::recall` with `hold = true` puts
//!   every affected lot and in-custody serial on hold in one atomic command.
//!
//! Walks are breadth-first over the graph, O(V + E) of the part reached, each node once
//! even with cycles (rework, blending into an existing lot, self-loops). Visited marks
//! live in a thread-local, generation-stamped scratch, so nothing is allocated per node
//! by the walk itself; the results hold public [`ItemRef`]s (cloned once per item) and
//! derive [`Serialize`] and [`Deserialize`] so the bindings can return them as JSON (and
//! render a returned result later). When only the reached ids are wanted,
//! [`super::trace_ids`] answers without building a record per item.
//!
//! ```
//! use traceability_core::*;
//! # fn main() -> Result<(), TraceError> {
//! let mut t = Tracker::in_memory();
//! let p = ProductId::new("FLOUR")?;
//! let dock = LocationId::new("DOCK")?;
//! t.execute("ana", None, &Command::RegisterProduct(Product::new(p.clone(), Tracking::Lot)))?;
//! t.execute("ana", None, &Command::RegisterLocation(Location {
//!     id: dock.clone(), kind: LocationKind::Internal, description: String::new(), gln: None, party: None }))?;
//! t.execute("ana", None, &Command::ReceiveLot(ReceiveLot { spec: LotSpec::new(p.clone(), LotNumber::new("L1")?),
//!     quantity: Quantity::TEN, location: dock.clone(), supplier: None, received_on: None, reference: None }))?;
//! t.execute("ana", None, &Command::Produce(Produce { work_order: WorkOrderId::new("WO1")?,
//!     consumed: vec![Line { item: ItemRef::lot("FLOUR", "L1")?, location: dock.clone(), quantity: Quantity::ONE }],
//!     outputs: vec![Output::NewLot { spec: LotSpec::new(p.clone(), LotNumber::new("L2")?),
//!         quantity: Quantity::ONE, location: dock.clone() }],
//!     produced_on: None, override_expiry: false }))?;
//! let down = trace_forward(t.state(), &ItemRef::lot("FLOUR", "L1")?)?;
//! assert_eq!(down.descendants()[0].item, ItemRef::lot("FLOUR", "L2")?);
//! assert!(down.to_dot().contains("->"));
//! let up = trace_backward(t.state(), &ItemRef::lot("FLOUR", "L2")?)?;
//! assert_eq!(up.ancestors()[0].depth, 1);
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::trace_ids::with_scratch;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LocationId, OrderId, PartyId, RecallId, ShipmentId, WorkOrderId};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::{Origin, StockLine};
use crate::state::genealogy::Direction;
use crate::state::{ItemIdx, State};

/// A lot or serial reached by a trace, with its distance (in work orders) from the
/// start (0 for the start itself, or for a recall's suspects).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracedItem {
    /// The lot or serial.
    pub item: ItemRef,
    /// Shortest number of work orders from the start.
    pub depth: u32,
}

/// A genealogy edge between two traced items: `from` was consumed to produce `to`.
/// `from` and `to` are positions in the trace's `items`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEdge {
    /// Position of the consumed item in `items`.
    pub from: u32,
    /// Position of the produced item in `items`.
    pub to: u32,
    /// Quantity of `from` consumed.
    pub quantity: Quantity,
    /// The work order.
    pub work_order: WorkOrderId,
}

/// One shipment line containing a traced item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentLine {
    /// Shipment.
    pub shipment: ShipmentId,
    /// Order shipped (none for a delivery by a move into a customer location).
    pub order: Option<OrderId>,
    /// Customer.
    pub customer: PartyId,
    /// Ship date.
    pub shipped_on: NaiveDate,
    /// The lot or serial shipped.
    pub item: ItemRef,
    /// Quantity shipped.
    pub quantity: Quantity,
    /// The shipment was reversed (the goods came back): its customer does not hold
    /// them, and recalls and customer lists leave it out.
    pub reversed: bool,
}

/// Stock of one traced item still in our custody, by location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemStock {
    /// The lot or serial.
    pub item: ItemRef,
    /// On hand (and reserved) per location.
    pub locations: Vec<StockLine>,
    /// Total on hand over the locations.
    pub on_hand: Quantity,
}

/// Result of [`trace_forward`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardTrace {
    /// The start.
    pub start: ItemRef,
    /// The start (position 0, depth 0) then every descendant once, breadth first.
    pub items: Vec<TracedItem>,
    /// Genealogy edges between the items.
    pub edges: Vec<TraceEdge>,
    /// Every shipment line of the start or a descendant, in shipment order.
    pub shipments: Vec<ShipmentLine>,
    /// Distinct customers of those shipments that were not reversed, sorted.
    pub customers: Vec<PartyId>,
    /// Stock of the start and descendants still on hand, with totals per item.
    pub stock: Vec<ItemStock>,
}

impl ForwardTrace {
    /// The descendants (every item but the start).
    pub fn descendants(&self) -> &[TracedItem] {
        &self.items[1..]
    }
}

/// How an upstream item came in: its receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The received lot or serial.
    pub item: ItemRef,
    /// Receipt date (lots; serials do not record one).
    pub received_on: Option<NaiveDate>,
    /// Supplier.
    pub supplier: Option<PartyId>,
    /// The supplier's lot number.
    pub supplier_lot: Option<String>,
}

/// Result of [`trace_backward`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackwardTrace {
    /// The start.
    pub start: ItemRef,
    /// The start (position 0, depth 0) then every ancestor once, breadth first.
    pub items: Vec<TracedItem>,
    /// Genealogy edges between the items (consumed → produced).
    pub edges: Vec<TraceEdge>,
    /// Receipts of the start and of every received ancestor, in trace order.
    pub receipts: Vec<Receipt>,
    /// Distinct suppliers of those receipts, sorted.
    pub suppliers: Vec<PartyId>,
}

impl BackwardTrace {
    /// The ancestors (every item but the start).
    pub fn ancestors(&self) -> &[TracedItem] {
        &self.items[1..]
    }
}

/// What one customer received of the affected items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerExposure {
    /// Customer.
    pub customer: PartyId,
    /// Shipment lines of affected items to this customer.
    pub shipments: Vec<ShipmentLine>,
}

/// Affected stock at one location, to contain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationExposure {
    /// Location.
    pub location: LocationId,
    /// Affected items there.
    pub stock: Vec<StockAt>,
}

/// An affected item's stock at a location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAt {
    /// The lot or serial.
    pub item: ItemRef,
    /// On hand.
    pub on_hand: Quantity,
    /// Of which reserved for orders.
    pub reserved: Quantity,
}

/// Result of a recall: the union of the suspects' forward traces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallReport {
    /// The recall number, when the recall was recorded ([`crate::Tracker::recall`]).
    pub recall: Option<RecallId>,
    /// Sequence number of the event that recorded the recall.
    pub seq: Option<u64>,
    /// Why (as given to [`crate::Tracker::recall`]).
    pub reason: Option<String>,
    /// The suspects, as given (duplicates removed).
    pub suspects: Vec<ItemRef>,
    /// Suspects (depth 0) then every affected descendant once.
    pub items: Vec<TracedItem>,
    /// Genealogy edges between the items.
    pub edges: Vec<TraceEdge>,
    /// Per customer (sorted): shipments of affected items.
    pub customers: Vec<CustomerExposure>,
    /// Per location (sorted): affected stock to contain.
    pub locations: Vec<LocationExposure>,
    /// Items this recall put on hold (empty without a hold).
    pub held: Vec<ItemRef>,
    /// Sequence number of the hold event, when one was written.
    pub hold_seq: Option<u64>,
}

impl RecallReport {
    /// Every shipment line of the recall, customer by customer.
    pub fn shipment_lines(&self) -> impl Iterator<Item = &ShipmentLine> {
        self.customers.iter().flat_map(|c| c.shipments.iter())
    }
}

/// The distinct ids among `ids`, sorted. Deduplicates by hash first, so a hub's
/// hundred thousand shipment lines sort only their few thousand distinct customers.
fn distinct_sorted<'a>(ids: impl Iterator<Item = &'a PartyId>) -> Vec<PartyId> {
    let distinct: HashSet<&PartyId> = ids.collect();
    let mut sorted: Vec<PartyId> = distinct.into_iter().cloned().collect();
    sorted.sort_unstable();
    sorted
}

/// What a walk reached, materialised.
struct Walked {
    idxs: Vec<ItemIdx>,
    items: Vec<TracedItem>,
    edges: Vec<TraceEdge>,
}

fn walk(state: &State, starts: &[ItemIdx], direction: Direction) -> Walked {
    let g = state.genealogy();
    with_scratch(|scratch| {
        let reached = g.walk(starts, direction, scratch);
        let mut idxs = Vec::with_capacity(reached.len());
        let mut items = Vec::with_capacity(reached.len());
        for &(idx, depth) in reached {
            idxs.push(idx);
            items.push(TracedItem {
                item: state.item_ref(idx),
                depth,
            });
        }
        let mut edges = Vec::with_capacity(reached.len());
        edges.extend(
            g.walked_edges(scratch, direction)
                .filter_map(|(from, to, c)| {
                    Some(TraceEdge {
                        from,
                        to,
                        quantity: c.quantity,
                        work_order: g.work_order(c.work_order)?.clone(),
                    })
                }),
        );
        Walked { idxs, items, edges }
    })
}

/// Shipment lines of the walked items, in shipment order.
fn shipments_of(state: &State, walked: &Walked) -> Vec<ShipmentLine> {
    let g = state.genealogy();
    let mut refs: Vec<(u32, u32, usize)> = Vec::new();
    for (pos, &idx) in walked.idxs.iter().enumerate() {
        refs.extend(g.shipment_lines(idx).map(|(s, l)| (s, l, pos)));
    }
    refs.sort_unstable();
    let mut lines = Vec::with_capacity(refs.len());
    lines.extend(refs.into_iter().filter_map(|(s, l, pos)| {
        let shipment = state.shipment_records().get(s as usize)?;
        let quantity = state.shipped_lines(s).get(l as usize)?.2;
        Some(ShipmentLine {
            shipment: ShipmentId::stored(state.shipment_id(s)),
            order: state.shipment_order(s).map(OrderId::stored),
            customer: state.party_at(state.shipment_customer(s)).id.clone(),
            shipped_on: shipment.shipped_on,
            item: walked.items[pos].item.clone(),
            quantity,
            reversed: shipment.reversed,
        })
    }));
    lines
}

/// The stock lines of an item still in our custody.
fn stock_lines(state: &State, idx: ItemIdx) -> Vec<StockLine> {
    match idx {
        ItemIdx::Lot(i) => state.lots()[i as usize]
            .stock
            .iter()
            .filter(|s| !s.on_hand.is_zero())
            .cloned()
            .collect(),
        ItemIdx::Serial(i) => {
            let s = &state.serials()[i as usize];
            let reserved = match s.status {
                SerialStatus::Allocated | SerialStatus::Picked => Quantity::ONE,
                _ => Quantity::ZERO,
            };
            match (&s.location, s.in_custody()) {
                (Some(location), true) => vec![StockLine {
                    reserved,
                    ..StockLine::new(location.clone(), Quantity::ONE)
                }],
                _ => Vec::new(),
            }
        }
    }
}

/// Everything downstream of `item`: descendants with depth, their shipments,
/// customers and the stock still on hand. Unknown item → [`TraceError::UnknownLot`] /
/// [`TraceError::UnknownSerial`]. O(V + E) of the descendants plus their shipments.
///
/// ```
/// use traceability_core::{trace_forward, ErrorKind, ItemRef, State};
/// let err = trace_forward(&State::default(), &ItemRef::lot("X", "1").unwrap()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnknownLot);
/// ```
pub fn trace_forward(state: &State, item: &ItemRef) -> Result<ForwardTrace, TraceError> {
    let start = state.require(item)?;
    let walked = walk(state, &[start], Direction::Outgoing);
    let shipments = shipments_of(state, &walked);
    let customers = distinct_sorted(
        shipments
            .iter()
            .filter(|s| !s.reversed)
            .map(|s| &s.customer),
    );
    let mut stock = Vec::new();
    for (pos, &idx) in walked.idxs.iter().enumerate() {
        let locations = stock_lines(state, idx);
        if !locations.is_empty() {
            stock.push(ItemStock {
                item: walked.items[pos].item.clone(),
                on_hand: locations.iter().map(|s| s.on_hand).sum(),
                locations,
            });
        }
    }
    Ok(ForwardTrace {
        start: item.clone(),
        items: walked.items,
        edges: walked.edges,
        shipments,
        customers,
        stock,
    })
}

/// Everything upstream of `item`: ancestors with depth, their receipts and suppliers.
/// Unknown item → [`TraceError::UnknownLot`] / [`TraceError::UnknownSerial`].
///
/// ```
/// use traceability_core::{trace_backward, ErrorKind, ItemRef, State};
/// let err = trace_backward(&State::default(), &ItemRef::serial("X", "1").unwrap()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnknownSerial);
/// ```
pub fn trace_backward(state: &State, item: &ItemRef) -> Result<BackwardTrace, TraceError> {
    let start = state.require(item)?;
    let walked = walk(state, &[start], Direction::Incoming);
    let mut receipts = Vec::new();
    for (pos, &idx) in walked.idxs.iter().enumerate() {
        let receipt = match idx {
            ItemIdx::Lot(i) => {
                let lot = &state.lots()[i as usize];
                matches!(lot.origin, Origin::Received).then(|| Receipt {
                    item: walked.items[pos].item.clone(),
                    received_on: Some(lot.received_on),
                    supplier: lot.supplier.clone(),
                    supplier_lot: lot.supplier_lot().map(str::to_owned),
                })
            }
            ItemIdx::Serial(i) => {
                let s = &state.serials()[i as usize];
                matches!(s.origin, Origin::Received).then(|| Receipt {
                    item: walked.items[pos].item.clone(),
                    received_on: None,
                    supplier: s.supplier.clone(),
                    supplier_lot: None,
                })
            }
        };
        receipts.extend(receipt);
    }
    let suppliers = distinct_sorted(receipts.iter().filter_map(|r| r.supplier.as_ref()));
    Ok(BackwardTrace {
        start: item.clone(),
        items: walked.items,
        edges: walked.edges,
        receipts,
        suppliers,
    })
}

/// The recall report of `suspects` (no hold, nothing written): every affected item
/// once, per customer the shipments, per location the stock to contain.
///
/// ```
/// use traceability_core::{query::trace::recall_report, ErrorKind, State};
/// let err = recall_report(&State::default(), &[]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// ```
pub fn recall_report(state: &State, suspects: &[ItemRef]) -> Result<RecallReport, TraceError> {
    if suspects.is_empty() {
        return Err(TraceError::invalid(
            "suspects",
            "at least one suspect is needed",
        ));
    }
    let mut starts = Vec::with_capacity(suspects.len());
    let mut distinct = Vec::with_capacity(suspects.len());
    for s in suspects {
        let idx = state.require(s)?;
        if !starts.contains(&idx) {
            starts.push(idx);
            distinct.push(s.clone());
        }
    }
    let walked = walk(state, &starts, Direction::Outgoing);
    let mut customers: HashMap<PartyId, Vec<ShipmentLine>> = HashMap::default();
    for line in shipments_of(state, &walked) {
        if line.reversed {
            continue;
        }
        customers
            .entry(line.customer.clone())
            .or_default()
            .push(line);
    }
    let mut customers: Vec<CustomerExposure> = customers
        .into_iter()
        .map(|(customer, shipments)| CustomerExposure {
            customer,
            shipments,
        })
        .collect();
    customers.sort_unstable_by(|a, b| a.customer.cmp(&b.customer));
    let mut locations: BTreeMap<LocationId, Vec<StockAt>> = BTreeMap::new();
    for (pos, &idx) in walked.idxs.iter().enumerate() {
        for line in stock_lines(state, idx) {
            locations.entry(line.location).or_default().push(StockAt {
                item: walked.items[pos].item.clone(),
                on_hand: line.on_hand,
                reserved: line.reserved,
            });
        }
    }
    Ok(RecallReport {
        recall: None,
        seq: None,
        reason: None,
        suspects: distinct,
        items: walked.items,
        edges: walked.edges,
        customers,
        locations: locations
            .into_iter()
            .map(|(location, stock)| LocationExposure { location, stock })
            .collect(),
        held: Vec::new(),
        hold_seq: None,
    })
}
