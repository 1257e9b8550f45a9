//! The in-memory state every decision and query reads: master data, lots, serials,
//! stock, reservations, shipments, the genealogy graph, recall records and per-entity
//! history indexes.
//!
//! The fields are private to this module: the state changes only by [`State::apply`] of
//! an event (the per-concern parts of `apply` live in the files of this folder), and is
//! read through the accessors below. Lots and serials live in vectors addressed
//! internally by an index (never part of the public API); the per-product
//! maps resolve numbers to indexes without allocating.

mod activity;
mod alloc_index;
mod apply;
mod corrections;
pub(crate) mod genealogy;
mod holds;
mod inventory;
mod lot_order;
mod multimap;
pub(crate) mod numbering;
mod orders;
mod packing;
mod position_index;
pub(crate) mod production;
mod quality;
mod service;
mod shared_ids;
mod snapshot;
mod texts;

mod compliance;

use foldhash::HashMap;
use multimap::Multimap;
use position_index::PositionIndex;
use serde::{Deserialize, Serialize};
use texts::Texts;

pub(crate) use alloc_index::fefo_key;
pub use alloc_index::{AllocIndex, OrderRules};
pub use numbering::MAX_ISSUE;
pub use snapshot::{SnapshotPosition, FORMAT as SNAPSHOT_FORMAT};

use crate::kernel::error::TraceError;
use crate::kernel::id::{
    ItemRef, LocationId, LotKey, LotNumber, OrderId, PartyId, ProductId, RecallId, SerialNumber,
    ShipmentId,
};
use crate::kernel::vocab::Tracking;
use crate::kernel::Quantity;
use crate::model::{Location, Lot, LotQuality, Origin, Party, Product, RecallRecord, Serial};

/// Internal index of a lot or serial (position in the lots or serials of the state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) enum ItemIdx {
    /// Index into the lots.
    Lot(u32),
    /// Index into the serials.
    Serial(u32),
}

/// A product with the indexes of its lots and serials by number (left out of snapshots
/// and rebuilt from the lots and serials).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct ProductEntry {
    product: Product,
    #[serde(skip)]
    lots: PositionIndex,
    #[serde(skip)]
    serials: PositionIndex,
}

/// The number of the lot at each position, as a product's lot [`PositionIndex`] reads it.
fn lot_number_at<'a>(lots: &'a [Lot]) -> impl Fn(u32) -> &'a str + Copy + 'a {
    move |at| lots[at as usize].number.as_str()
}

/// The number of the serial at each position, for a product's serial index.
fn serial_number_at<'a>(serials: &'a [Serial]) -> impl Fn(u32) -> &'a str + Copy + 'a {
    move |at| serials[at as usize].number.as_str()
}

/// The id of the shipment at each position, for the shipment index.
fn shipment_id_at<'a>(ids: &'a Texts) -> impl Fn(u32) -> &'a str + Copy + 'a {
    move |at| ids.get(at).unwrap_or_default()
}

/// Stock reserved (and possibly picked) for an order at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Reserved {
    /// Lot or serial.
    pub(crate) item: ItemIdx,
    /// Location.
    pub(crate) location: LocationId,
    /// Reserved quantity, including what is picked.
    pub(crate) reserved: Quantity,
    /// Of which picked.
    pub(crate) picked: Quantity,
}

/// One shipped line: what left, from where, how much.
pub(crate) type ShippedLine = (ItemIdx, LocationId, Quantity);

/// A dispatched shipment as the state keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ShipmentRecord {
    /// Date.
    #[serde(with = "crate::kernel::date::iso")]
    pub(crate) shipped_on: chrono::NaiveDate,
    /// Where its lines start in the state's shipped lines (they end where the next
    /// shipment's start): one array for all shipments, not an allocation each.
    pub(crate) first_line: u32,
    /// Reversed since (the goods came back).
    pub(crate) reversed: bool,
}

/// How big the genealogy graph is (see [`State::genealogy_size`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenealogySize {
    /// Items (lots and serials) that took part in production or a shipment.
    pub nodes: usize,
    /// Consumption edges (consumed item → produced item).
    pub edges: usize,
    /// Estimated heap memory of the graph and its indexes, in bytes.
    pub heap_bytes: usize,
}

/// The whole in-memory state. `PartialEq` compares everything, so a replayed state can
/// be checked against the live one. The serde form exists for snapshots
/// ([`State::to_snapshot`]): it is their main section, without the lots and shipments
/// (sections of their own). It follows the internal layout and is not an interchange
/// format.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    products: HashMap<ProductId, ProductEntry>,
    locations: HashMap<LocationId, Location>,
    /// Parties in registration order; shipments and returns refer to them by position.
    parties: Vec<Party>,
    #[serde(with = "snapshot::exact_map")]
    party_index: HashMap<PartyId, u32>,
    /// A snapshot section of its own (see [`State::to_snapshot`]).
    #[serde(skip)]
    lots: Vec<Lot>,
    serials: Vec<Serial>,
    /// Per lot: made inactive automatically because it ran out (so stock coming back
    /// makes it active again).
    depleted: Vec<bool>,
    /// Per lot and per serial: the party number of the supplier it was received from
    /// (`u32::MAX`: made here, or received without a supplier), so an upstream trace
    /// finds suppliers without reading the lots.
    lot_suppliers: Vec<u32>,
    serial_suppliers: Vec<u32>,
    #[serde(with = "snapshot::exact_map")]
    orders: HashMap<OrderId, Vec<Reserved>>,
    /// A snapshot section of its own (see [`State::to_snapshot`]).
    #[serde(skip)]
    shipments: Vec<ShipmentRecord>,
    /// Every shipment's lines, in shipment order ([`ShipmentRecord::first_line`]).
    #[serde(skip)]
    shipped_lines: Vec<ShippedLine>,
    /// Per shipment: its id, and its order's id (empty: none), in one buffer each.
    #[serde(skip)]
    shipment_ids: Texts,
    #[serde(skip)]
    shipment_orders: Texts,
    /// Per shipment: its customer's party number, a column of its own so a trace finds
    /// customers without reading the records.
    shipment_customers: Vec<u32>,
    /// Shipment id → position (left out of snapshots, rebuilt from the shipments).
    #[serde(skip)]
    shipment_index: PositionIndex,
    genealogy: genealogy::Genealogy,
    /// Returned per (item, customer): what the customer may still return is what its
    /// shipments that were not reversed hold of the item, minus this.
    #[serde(with = "snapshot::exact_map")]
    returned: HashMap<(ItemIdx, u32), Quantity>,
    /// Per lot / serial index: the sequence numbers of the events that touched it.
    lot_history: Multimap<u32>,
    serial_history: Multimap<u32>,
    location_history: HashMap<LocationId, Vec<u32>>,
    /// Ordered allocation candidates per product.
    alloc: AllocIndex,
    /// Test results, certificates and decisions per lot index.
    #[serde(with = "snapshot::exact_map")]
    quality: HashMap<u32, LotQuality>,
    recalls: Vec<RecallRecord>,
    numbering: numbering::Numbering,
    /// Every production, in order (for reversals and unbuilds).
    productions: Vec<production::ProductionRecord>,
    /// Every production's outputs, in production order ([`State::outputs_of`]).
    production_outputs: Vec<production::Posting>,
    /// Per work order: its latest production (earlier ones chain back from it); left
    /// out of snapshots and rebuilt from the productions.
    #[serde(skip)]
    latest_production: PositionIndex,
    /// Warranties, installations, service records, claims, campaigns, returns.
    service: service::ServiceBook,
    /// GTIN (14 digits) → the product it belongs to.
    gtins: HashMap<String, ProductId>,
    /// Batch records, signatures, non-conformances and CAPAs (absent from snapshots
    /// written before they existed).
    #[serde(default)]
    compliance: compliance::Compliance,
    /// Containers (pallets, cases) and what is packed in them.
    #[serde(default)]
    packing: packing::Packing,
}

impl State {
    /// A product by id.
    pub fn product(&self, id: &ProductId) -> Option<&Product> {
        self.products.get(id).map(|e| &e.product)
    }

    /// The product a GTIN (14 digits, as [`crate::kernel::check_digit::gtin14`] gives
    /// it) belongs to.
    pub fn product_by_gtin(&self, gtin: &str) -> Option<&ProductId> {
        self.gtins.get(gtin)
    }

    /// All registered products.
    pub fn products(&self) -> impl Iterator<Item = &Product> {
        self.products.values().map(|e| &e.product)
    }

    /// A location by id.
    pub fn location(&self, id: &LocationId) -> Option<&Location> {
        self.locations.get(id)
    }

    /// Whether stock at a location may be allocated: everywhere but quarantine-kind
    /// locations (and unknown ones).
    pub fn is_allocatable(&self, location: &LocationId) -> bool {
        self.location(location)
            .is_some_and(|l| l.kind != crate::model::LocationKind::Quarantine)
    }

    /// Every party, in registration order.
    pub fn parties(&self) -> impl Iterator<Item = &Party> {
        self.parties.iter()
    }

    /// A party by id.
    pub fn party(&self, id: &PartyId) -> Option<&Party> {
        self.party_number(id).map(|i| self.party_at(i))
    }

    /// The position of a registered party (see [`Self::party_at`]).
    pub(crate) fn party_number(&self, id: &PartyId) -> Option<u32> {
        self.party_index.get(id).copied()
    }

    /// The party at a position taken from [`Self::party_number`] or a shipment record.
    pub(crate) fn party_at(&self, number: u32) -> &Party {
        &self.parties[number as usize]
    }

    /// A lot by product and number.
    pub fn lot(&self, product: &ProductId, lot: &LotNumber) -> Option<&Lot> {
        self.lot_idx(product, lot).map(|i| &self.lots[i as usize])
    }

    /// A serial by product and number.
    pub fn serial(&self, product: &ProductId, serial: &SerialNumber) -> Option<&Serial> {
        self.serial_idx(product, serial)
            .map(|i| &self.serials[i as usize])
    }

    /// Every lot, in creation order.
    pub fn lots(&self) -> &[Lot] {
        &self.lots
    }

    /// Every serial, in creation order.
    pub fn serials(&self) -> &[Serial] {
        &self.serials
    }

    /// The allocation index (ordered candidate lots per product).
    pub fn allocation_index(&self) -> &AllocIndex {
        &self.alloc
    }

    /// Every recall recorded, oldest first.
    pub fn recalls(&self) -> &[RecallRecord] {
        &self.recalls
    }

    /// A recall by number.
    pub fn recall(&self, id: &RecallId) -> Option<&RecallRecord> {
        self.recalls.iter().find(|r| &r.recall == id)
    }

    /// The size of the genealogy graph: items that took part in production or a
    /// shipment, consumption edges, and an estimate of the heap memory it holds.
    ///
    /// ```
    /// let size = traceability_core::State::default().genealogy_size();
    /// assert_eq!((size.nodes, size.edges, size.heap_bytes), (0, 0, 0));
    /// ```
    pub fn genealogy_size(&self) -> GenealogySize {
        GenealogySize {
            nodes: self.genealogy.node_count(),
            edges: self.genealogy.edge_count(),
            heap_bytes: self.genealogy.heap_bytes(),
        }
    }

    /// A lot of a lot-tracked product, or the typed reason why not:
    /// [`TraceError::UnknownProduct`], [`TraceError::WrongTracking`] or
    /// [`TraceError::UnknownLot`].
    ///
    /// ```
    /// use traceability_core::{ErrorKind, LotKey, State};
    /// let err = State::default().find_lot(&LotKey::new("MILK", "L1").unwrap()).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::UnknownProduct);
    /// ```
    pub fn find_lot(&self, key: &LotKey) -> Result<&Lot, TraceError> {
        self.require_lot(&key.product, &key.lot)
            .map(|i| self.lot_at(i))
    }

    /// The internal index of a lot of a lot-tracked product, or the typed reason why not
    /// (as [`Self::find_lot`]).
    pub(crate) fn require_lot(
        &self,
        product: &ProductId,
        lot: &LotNumber,
    ) -> Result<u32, TraceError> {
        self.require_tracking(product, Tracking::Lot)?;
        self.lot_idx(product, lot)
            .ok_or_else(|| TraceError::UnknownLot {
                product: product.clone(),
                lot: lot.clone(),
            })
    }

    /// The product, when it is registered and tracked by `tracking`.
    pub fn require_tracking(
        &self,
        id: &ProductId,
        tracking: Tracking,
    ) -> Result<&Product, TraceError> {
        let product = self
            .product(id)
            .ok_or_else(|| TraceError::UnknownProduct(id.clone()))?;
        if product.tracking != tracking {
            return Err(TraceError::WrongTracking {
                product: id.clone(),
                actual: product.tracking,
                expected: tracking,
            });
        }
        Ok(product)
    }

    /// The next free automatic recall number (`RC-000001`, `RC-000002`, ...).
    pub(crate) fn next_recall_id(&self) -> RecallId {
        let mut n = self.recalls.len() + 1;
        loop {
            let id = RecallId::new(format!("RC-{n:06}")).expect("a valid identifier");
            if self.recall(&id).is_none() {
                return id;
            }
            n += 1;
        }
    }

    pub(crate) fn lot_idx(&self, product: &ProductId, lot: &LotNumber) -> Option<u32> {
        (self.products.get(product)?.lots).get(lot.as_str(), lot_number_at(&self.lots))
    }

    pub(crate) fn serial_idx(&self, product: &ProductId, serial: &SerialNumber) -> Option<u32> {
        (self.products.get(product)?.serials).get(serial.as_str(), serial_number_at(&self.serials))
    }

    /// The lot at an internal index.
    pub(crate) fn lot_at(&self, i: u32) -> &Lot {
        &self.lots[i as usize]
    }

    /// The serial at an internal index.
    pub(crate) fn serial_at(&self, i: u32) -> &Serial {
        &self.serials[i as usize]
    }

    /// Indexes of every lot of a product (in no particular order).
    pub(crate) fn lots_of(&self, product: &ProductId) -> impl Iterator<Item = u32> + '_ {
        self.products
            .get(product)
            .into_iter()
            .flat_map(|e| e.lots.positions())
    }

    /// Indexes of every serial of a product (in no particular order).
    pub(crate) fn serials_of(&self, product: &ProductId) -> impl Iterator<Item = u32> + '_ {
        self.products
            .get(product)
            .into_iter()
            .flat_map(|e| e.serials.positions())
    }

    /// The genealogy graph.
    pub(crate) fn genealogy(&self) -> &genealogy::Genealogy {
        &self.genealogy
    }

    /// Every shipment, in dispatch order.
    pub(crate) fn shipment_records(&self) -> &[ShipmentRecord] {
        &self.shipments
    }

    /// The lines of shipment `n` (none for an unknown one).
    pub(crate) fn shipped_lines(&self, n: u32) -> &[ShippedLine] {
        let start = self.shipments.get(n as usize).map(|s| s.first_line);
        let end = self.shipments.get(n as usize + 1).map(|s| s.first_line);
        let end = end.map_or(self.shipped_lines.len(), |end| end as usize);
        start
            .and_then(|start| self.shipped_lines.get(start as usize..end))
            .unwrap_or(&[])
    }

    /// The id of shipment `n` (empty for an unknown one).
    pub(crate) fn shipment_id(&self, n: u32) -> &str {
        shipment_id_at(&self.shipment_ids)(n)
    }

    /// The order shipment `n` was for (none for a delivery by a move, or an unknown
    /// shipment).
    pub(crate) fn shipment_order(&self, n: u32) -> Option<&str> {
        self.shipment_orders
            .get(n)
            .filter(|order| !order.is_empty())
    }

    /// The customer of shipment `shipment` (an index into [`Self::shipment_records`]),
    /// as a party number ([`Self::party_at`]).
    #[inline]
    pub(crate) fn shipment_customer(&self, shipment: u32) -> u32 {
        self.shipment_customers[shipment as usize]
    }

    /// Whether a shipment id is taken.
    pub(crate) fn has_shipment(&self, id: &ShipmentId) -> bool {
        self.shipment_number(id).is_some()
    }

    /// The index of a shipment in [`Self::shipment_records`].
    pub(crate) fn shipment_number(&self, id: &ShipmentId) -> Option<u32> {
        (self.shipment_index).get(id.as_str(), shipment_id_at(&self.shipment_ids))
    }

    /// The reservations of an order.
    pub(crate) fn reservations(&self, order: &OrderId) -> &[Reserved] {
        self.orders.get(order).map_or(&[], Vec::as_slice)
    }

    /// What `customer` may still return of an item: shipped (by shipments that were not
    /// reversed) minus returned. O(the item's shipment lines).
    pub(crate) fn returnable(&self, item: ItemIdx, customer: &PartyId) -> Quantity {
        let Some(c) = self.party_number(customer) else {
            return Quantity::ZERO;
        };
        let shipped: Quantity = (self.genealogy.shipment_lines(item))
            .filter(|&(s, _)| self.shipment_customers[s as usize] == c)
            .filter(|&(s, _)| !self.shipments[s as usize].reversed)
            .filter_map(|(s, line)| self.shipped_lines(s).get(line as usize))
            .map(|line| line.2)
            .sum();
        shipped - self.returned.get(&(item, c)).copied().unwrap_or_default()
    }

    /// The position of a registered party, or a storage error for an event that names
    /// one never registered (a log this state cannot have come from).
    fn party_or_corrupt(&self, id: &PartyId) -> Result<u32, TraceError> {
        self.party_number(id).ok_or_else(|| corrupt(id))
    }

    /// The quality records of a lot index, if any were recorded.
    pub(crate) fn quality_of(&self, lot: u32) -> Option<&LotQuality> {
        self.quality.get(&lot)
    }

    /// Whether a lot became inactive automatically by running out.
    pub(crate) fn received_from(&self, item: ItemIdx) -> Option<u32> {
        let supplier = match item {
            ItemIdx::Lot(i) => self.lot_suppliers.get(i as usize),
            ItemIdx::Serial(i) => self.serial_suppliers.get(i as usize),
        };
        supplier.copied().filter(|&s| s != u32::MAX)
    }

    /// The party number of the supplier an item with this origin came from.
    fn supplier_number(&self, origin: &Origin, supplier: Option<&PartyId>) -> u32 {
        match (origin, supplier) {
            (Origin::Received, Some(supplier)) => self.party_number(supplier).unwrap_or(u32::MAX),
            _ => u32::MAX,
        }
    }

    pub(crate) fn is_depleted(&self, lot: u32) -> bool {
        self.depleted.get(lot as usize).copied().unwrap_or(false)
    }

    /// The starts and every lot and serial made from them, each once, breadth first.
    pub(crate) fn descendants(&self, starts: &[ItemIdx]) -> Vec<ItemIdx> {
        let mut scratch = genealogy::TraceScratch::default();
        self.genealogy
            .walk(starts, genealogy::Direction::Outgoing, &mut scratch)
            .iter()
            .map(|&(idx, _)| idx)
            .collect()
    }

    /// The internal index of a lot or serial reference.
    pub(crate) fn resolve(&self, item: &ItemRef) -> Option<ItemIdx> {
        match item {
            ItemRef::Lot { product, lot } => self.lot_idx(product, lot).map(ItemIdx::Lot),
            ItemRef::Serial { product, serial } => {
                self.serial_idx(product, serial).map(ItemIdx::Serial)
            }
        }
    }

    /// The internal index of a reference, or [`TraceError::UnknownLot`] /
    /// [`TraceError::UnknownSerial`].
    pub(crate) fn require(&self, item: &ItemRef) -> Result<ItemIdx, TraceError> {
        self.resolve(item)
            .ok_or_else(|| TraceError::unknown_item(item))
    }

    /// The public reference of an internal index.
    pub(crate) fn item_ref(&self, idx: ItemIdx) -> ItemRef {
        match idx {
            ItemIdx::Lot(i) => self.lots[i as usize].item(),
            ItemIdx::Serial(i) => self.serials[i as usize].item(),
        }
    }

    /// Sequence numbers of the events that touched a lot or serial, oldest first.
    pub(crate) fn history_seqs(&self, idx: ItemIdx) -> impl Iterator<Item = u64> + '_ {
        match idx {
            ItemIdx::Lot(i) => self.lot_history.get(i),
            ItemIdx::Serial(i) => self.serial_history.get(i),
        }
        .map(u64::from)
    }

    /// Sequence numbers of the events that touched a location, oldest first.
    pub(crate) fn location_history_seqs(
        &self,
        location: &LocationId,
    ) -> impl Iterator<Item = u64> + '_ {
        let seqs = self
            .location_history
            .get(location)
            .map_or(&[][..], Vec::as_slice);
        seqs.iter().map(|&seq| u64::from(seq))
    }
}

/// The error of an event that does not fit the state it is applied to (a corrupt or
/// foreign log); the engine reports it as [`TraceError::Unreplayable`].
fn corrupt(what: impl std::fmt::Display) -> TraceError {
    TraceError::storage(format!("event log inconsistent with state: {what}"))
}
