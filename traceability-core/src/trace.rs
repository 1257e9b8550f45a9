//! Trace and recall queries over the [genealogy graph](crate::genealogy), and their
//! Graphviz DOT and Mermaid renderings.
//!
//! * [`trace_forward`] (downstream): every descendant lot and serial with its depth,
//!   every shipment of the start or a descendant, the distinct customers, and the stock
//!   still on hand by location (to contain it).
//! * [`trace_backward`] (upstream): every ancestor with its depth, their receipts and
//!   the distinct suppliers.
//! * [`recall_report`] / [`Tracker::recall`]: the union of the forward traces of several
//!   suspects, per customer and per location; `Tracker::recall` with `hold = true` puts
//!   every affected lot and in-custody serial on hold in one atomic command.
//!
//! Walks are breadth-first over the graph, O(V + E) of the part reached, each node once
//! even with cycles (rework, blending into an existing lot, self-loops). Visited marks
//! live in a thread-local, generation-stamped scratch, so nothing is allocated per node
//! by the walk itself; the results hold public [`ItemRef`]s (cloned once per item) and
//! derive [`Serialize`] and [`Deserialize`] so the bindings can return them as JSON (and
//! render a returned result later).
//!
//! ```
//! use traceability_core::*;
//! # fn main() -> Result<(), TraceError> {
//! let mut t = Tracker::in_memory();
//! let p = ProductId::new("FLOUR")?;
//! let dock = LocationId::new("DOCK")?;
//! t.execute("ana", None, &Command::RegisterProduct(Product::new(p.clone(), Tracking::Lot)))?;
//! t.execute("ana", None, &Command::RegisterLocation(Location {
//!     id: dock.clone(), kind: LocationKind::Internal, description: String::new() }))?;
//! t.execute("ana", None, &Command::ReceiveLot { spec: LotSpec::new(p.clone(), LotNumber::new("L1")?),
//!     quantity: Quantity::TEN, location: dock.clone(), supplier: None, received_on: None, reference: None })?;
//! t.execute("ana", None, &Command::Produce { work_order: WorkOrderId::new("WO1")?,
//!     consumed: vec![Line { item: ItemRef::lot("FLOUR", "L1")?, location: dock.clone(), quantity: Quantity::ONE }],
//!     outputs: vec![Output::NewLot { spec: LotSpec::new(p.clone(), LotNumber::new("L2")?),
//!         quantity: Quantity::ONE, location: dock.clone() }],
//!     produced_on: None, override_expiry: false })?;
//! let down = trace_forward(t.state(), &ItemRef::lot("FLOUR", "L1")?)?;
//! assert_eq!(down.descendants()[0].item, ItemRef::lot("FLOUR", "L2")?);
//! assert!(down.to_dot().contains("->"));
//! let up = trace_backward(t.state(), &ItemRef::lot("FLOUR", "L2")?)?;
//! assert_eq!(up.ancestors()[0].depth, 1);
//! # Ok(()) }
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::NaiveDate;
use petgraph::Direction;
use serde::{Deserialize, Serialize};

use crate::command::Command;
use crate::error::TraceError;
use crate::genealogy::TraceScratch;
use crate::model::{
    ItemRef, LocationId, OrderId, Origin, PartyId, Quantity, SerialStatus, ShipmentId, StockLine,
    WorkOrderId,
};
use crate::state::{ItemIdx, State};
use crate::tracker::Tracker;

thread_local! {
    static SCRATCH: RefCell<TraceScratch> = RefCell::new(TraceScratch::default());
}

fn with_scratch<R>(f: impl FnOnce(&mut TraceScratch) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut TraceScratch::default()),
    })
}

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
    /// Order shipped.
    pub order: OrderId,
    /// Customer.
    pub customer: PartyId,
    /// Ship date.
    pub shipped_on: NaiveDate,
    /// The lot or serial shipped.
    pub item: ItemRef,
    /// Quantity shipped.
    pub quantity: Quantity,
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
    /// Distinct customers of those shipments, sorted.
    pub customers: Vec<PartyId>,
    /// Stock of the start and descendants still on hand, with totals per item.
    pub stock: Vec<ItemStock>,
}

impl ForwardTrace {
    /// The descendants (every item but the start).
    pub fn descendants(&self) -> &[TracedItem] {
        &self.items[1..]
    }

    /// The trace as a Graphviz DOT digraph (items, work-order edges, shipments to
    /// customers).
    pub fn to_dot(&self) -> String {
        render(&self.items, &self.edges, &self.shipments, Format::Dot)
    }

    /// The trace as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        render(&self.items, &self.edges, &self.shipments, Format::Mermaid)
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

    /// The trace as a Graphviz DOT digraph.
    pub fn to_dot(&self) -> String {
        render(&self.items, &self.edges, &[], Format::Dot)
    }

    /// The trace as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        render(&self.items, &self.edges, &[], Format::Mermaid)
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
    /// Why (as given to [`Tracker::recall`]).
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

    /// The recall as a Graphviz DOT digraph.
    pub fn to_dot(&self) -> String {
        let lines: Vec<ShipmentLine> = self.shipment_lines().cloned().collect();
        render(&self.items, &self.edges, &lines, Format::Dot)
    }

    /// The recall as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        let lines: Vec<ShipmentLine> = self.shipment_lines().cloned().collect();
        render(&self.items, &self.edges, &lines, Format::Mermaid)
    }
}

/// The distinct ids among `ids`, sorted. Deduplicates by hash first, so a hub's
/// hundred thousand shipment lines sort only their few thousand distinct customers.
fn distinct_sorted<'a>(ids: impl Iterator<Item = &'a PartyId>) -> Vec<PartyId> {
    let distinct: std::collections::HashSet<&PartyId> = ids.collect();
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
        let shipment = state.shipments().get(s as usize)?;
        let &(_, quantity) = shipment.lines.get(l as usize)?;
        Some(ShipmentLine {
            shipment: shipment.id.clone(),
            order: shipment.order.clone(),
            customer: shipment.customer.clone(),
            shipped_on: shipment.shipped_on,
            item: walked.items[pos].item.clone(),
            quantity,
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
            match (&s.location, in_custody(s.status)) {
                (Some(location), true) => vec![StockLine {
                    location: location.clone(),
                    on_hand: Quantity::ONE,
                    reserved,
                }],
                _ => Vec::new(),
            }
        }
    }
}

fn in_custody(status: SerialStatus) -> bool {
    matches!(
        status,
        SerialStatus::Received
            | SerialStatus::InInventory
            | SerialStatus::Allocated
            | SerialStatus::Picked
    )
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
    let customers = distinct_sorted(shipments.iter().map(|s| &s.customer));
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
                    supplier_lot: lot.supplier_lot.clone(),
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
/// use traceability_core::{trace::recall_report, ErrorKind, State};
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
    let mut customers: HashMap<PartyId, Vec<ShipmentLine>> = HashMap::new();
    for line in shipments_of(state, &walked) {
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

impl Tracker {
    /// A recall of `suspects`: the union of their forward traces, per customer and per
    /// location. With `hold`, one atomic [`Command::PlaceHold`] (recorded with `reason`)
    /// puts every affected lot and every affected serial still in our custody on hold
    /// (those already held are skipped); held stock can then not be allocated, picked,
    /// shipped or consumed until a [`Command::ReleaseHold`].
    ///
    /// ```
    /// use traceability_core::*;
    /// # fn main() -> Result<(), TraceError> {
    /// let mut t = Tracker::in_memory();
    /// t.execute("ana", None, &Command::RegisterProduct(Product::new(ProductId::new("MILK")?, Tracking::Lot)))?;
    /// t.execute("ana", None, &Command::RegisterLocation(Location {
    ///     id: LocationId::new("WH")?, kind: LocationKind::Internal, description: String::new() }))?;
    /// t.execute("ana", None, &Command::ReceiveLot { spec: LotSpec::new(ProductId::new("MILK")?, LotNumber::new("L1")?),
    ///     quantity: Quantity::TEN, location: LocationId::new("WH")?, supplier: None, received_on: None, reference: None })?;
    /// let report = t.recall("qa", "listeria", &[ItemRef::lot("MILK", "L1")?], true)?;
    /// assert_eq!(report.held.len(), 1);
    /// assert!(t.state().lot(&ProductId::new("MILK")?, &LotNumber::new("L1")?).unwrap().on_hold);
    /// # Ok(()) }
    /// ```
    pub fn recall(
        &mut self,
        actor: &str,
        reason: &str,
        suspects: &[ItemRef],
        hold: bool,
    ) -> Result<RecallReport, TraceError> {
        self.refresh()?;
        if reason.trim().is_empty() {
            return Err(TraceError::invalid("reason", "a recall needs a reason"));
        }
        let mut report = recall_report(self.state(), suspects)?;
        report.reason = Some(reason.trim().to_owned());
        if hold {
            let state = self.state();
            let items: Vec<ItemRef> = report
                .items
                .iter()
                .filter(|t| match state.resolve(&t.item) {
                    Some(ItemIdx::Lot(i)) => !state.lots()[i as usize].on_hold,
                    Some(ItemIdx::Serial(i)) => {
                        let s = &state.serials()[i as usize];
                        !s.on_hold && in_custody(s.status)
                    }
                    None => false,
                })
                .map(|t| t.item.clone())
                .collect();
            if !items.is_empty() {
                let committed = self.execute(
                    actor,
                    Some(reason),
                    &Command::PlaceHold {
                        items: items.clone(),
                    },
                )?;
                report.held = items;
                report.hold_seq = Some(committed.first_seq);
            }
        }
        Ok(report)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Dot,
    Mermaid,
}

fn escape(text: &str, format: Format) -> String {
    match format {
        Format::Dot => text.replace('\\', "\\\\").replace('"', "\\\""),
        Format::Mermaid => text.replace('"', "#quot;"),
    }
}

fn item_label(item: &ItemRef) -> String {
    match item {
        ItemRef::Lot { product, lot } => format!("{product} / lot {lot}"),
        ItemRef::Serial { product, serial } => format!("{product} / SN {serial}"),
    }
}

/// Items as nodes `n<pos>` (starts bold), work-order edges, shipments as dashed edges
/// to customer nodes `c<k>`.
fn render(
    items: &[TracedItem],
    edges: &[TraceEdge],
    shipments: &[ShipmentLine],
    format: Format,
) -> String {
    let mut out = String::new();
    let esc = |t: &str| escape(t, format);
    match format {
        Format::Dot => out.push_str("digraph trace {\n  rankdir=LR;\n  node [shape=box];\n"),
        Format::Mermaid => out.push_str("flowchart LR\n"),
    }
    for (pos, t) in items.iter().enumerate() {
        let label = esc(&item_label(&t.item));
        let _ = match (format, t.depth) {
            (Format::Dot, 0) => writeln!(out, "  n{pos} [label=\"{label}\", style=bold];"),
            (Format::Dot, _) => writeln!(out, "  n{pos} [label=\"{label}\"];"),
            (Format::Mermaid, 0) => writeln!(out, "  n{pos}[[\"{label}\"]]"),
            (Format::Mermaid, _) => writeln!(out, "  n{pos}[\"{label}\"]"),
        };
    }
    for e in edges {
        let label = esc(&format!("{}: {}", e.work_order, e.quantity));
        let _ = match format {
            Format::Dot => writeln!(out, "  n{} -> n{} [label=\"{label}\"];", e.from, e.to),
            Format::Mermaid => writeln!(out, "  n{} -->|\"{label}\"| n{}", e.from, e.to),
        };
    }
    if !shipments.is_empty() {
        let position: HashMap<&ItemRef, usize> = items
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.item, i))
            .collect();
        let mut customers: BTreeMap<&PartyId, usize> = BTreeMap::new();
        for s in shipments {
            let next = customers.len();
            customers.entry(&s.customer).or_insert(next);
        }
        for (customer, k) in &customers {
            let label = esc(customer.as_str());
            let _ = match format {
                Format::Dot => writeln!(out, "  c{k} [label=\"{label}\", shape=house];"),
                Format::Mermaid => writeln!(out, "  c{k}([\"{label}\"])"),
            };
        }
        for s in shipments {
            let (Some(pos), Some(k)) = (position.get(&s.item), customers.get(&s.customer)) else {
                continue;
            };
            let label = esc(&format!("{} {}: {}", s.shipment, s.shipped_on, s.quantity));
            let _ = match format {
                Format::Dot => {
                    writeln!(out, "  n{pos} -> c{k} [label=\"{label}\", style=dashed];")
                }
                Format::Mermaid => writeln!(out, "  n{pos} -.->|\"{label}\"| c{k}"),
            };
        }
    }
    if format == Format::Dot {
        out.push_str("}\n");
    }
    out
}
