//! The in-memory state every query reads: master data, lots, serials, stock,
//! reservations, shipments, genealogy links and per-entity history indexes.
//!
//! State changes only by [`State::apply`] of an event. Lots and serials live in vectors
//! and are addressed internally by [`ItemIdx`]; the per-product maps resolve numbers to
//! indexes without allocating.

use std::collections::HashMap;

use serde::Serialize;

use crate::command::Line;
use crate::error::TraceError;
use crate::event::{EventPayload, Produced};
use crate::model::{
    ItemRef, Location, LocationId, Lot, LotNumber, OrderId, Origin, Party, PartyId, Product,
    ProductId, Quantity, Serial, SerialNumber, SerialStatus, ShipmentId, StockLine, WorkOrderId,
};

/// Internal index of a lot or serial (position in [`State::lots`] / [`State::serials`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ItemIdx {
    /// Index into the lots.
    Lot(u32),
    /// Index into the serials.
    Serial(u32),
}

/// A product with the indexes of its lots and serials.
#[derive(Clone, Debug, Default)]
pub struct ProductEntry {
    /// The product (`None` only transiently; always set once registered).
    pub product: Option<Product>,
    /// Lot number → lot index.
    pub lots: HashMap<LotNumber, u32>,
    /// Serial number → serial index.
    pub serials: HashMap<SerialNumber, u32>,
}

/// Stock reserved (and possibly picked) for an order at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reservation {
    /// Lot or serial.
    pub item: ItemIdx,
    /// Location.
    pub location: LocationId,
    /// Reserved quantity, including what is picked.
    pub reserved: Quantity,
    /// Of which picked.
    pub picked: Quantity,
}

/// A dispatched shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shipment {
    /// Id.
    pub id: ShipmentId,
    /// Order.
    pub order: OrderId,
    /// Customer.
    pub customer: PartyId,
    /// Date.
    pub shipped_on: chrono::NaiveDate,
    /// What left.
    pub lines: Vec<(ItemIdx, Quantity)>,
}

/// A consumption → production pair of a work order: a genealogy edge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// Consumed lot or serial.
    pub from: ItemIdx,
    /// Produced lot or serial.
    pub to: ItemIdx,
    /// Quantity of `from` consumed by the work order.
    pub quantity: Quantity,
    /// The work order.
    pub work_order: WorkOrderId,
}

/// The whole in-memory state. `PartialEq` compares everything, so a replayed state can
/// be checked against the live one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    pub(crate) products: HashMap<ProductId, ProductEntry>,
    pub(crate) locations: HashMap<LocationId, Location>,
    pub(crate) parties: HashMap<PartyId, Party>,
    pub(crate) lots: Vec<Lot>,
    pub(crate) serials: Vec<Serial>,
    pub(crate) orders: HashMap<OrderId, Vec<Reservation>>,
    pub(crate) shipments: Vec<Shipment>,
    pub(crate) shipment_index: HashMap<ShipmentId, u32>,
    pub(crate) genealogy: crate::genealogy::Genealogy,
    /// Shipped minus returned, per (item, customer): what the customer may return.
    pub(crate) returnable: HashMap<(ItemIdx, PartyId), Quantity>,
    pub(crate) lot_history: Vec<Vec<u64>>,
    pub(crate) serial_history: Vec<Vec<u64>>,
    pub(crate) location_history: HashMap<LocationId, Vec<u64>>,
    /// Ordered allocation candidates per product (see [`crate::allocation`]).
    pub(crate) alloc: crate::allocation::AllocIndex,
    /// Test results, certificates and decisions per lot (see [`crate::quality`]).
    pub(crate) quality: crate::quality::QualityBook,
}

impl PartialEq for ProductEntry {
    fn eq(&self, other: &Self) -> bool {
        self.product == other.product && self.lots == other.lots && self.serials == other.serials
    }
}

fn corrupt(what: impl std::fmt::Display) -> TraceError {
    TraceError::Storage(format!("event log inconsistent with state: {what}"))
}

impl State {
    /// A product by id.
    pub fn product(&self, id: &ProductId) -> Option<&Product> {
        self.products.get(id).and_then(|e| e.product.as_ref())
    }

    /// All registered products.
    pub fn products(&self) -> impl Iterator<Item = &Product> {
        self.products.values().filter_map(|e| e.product.as_ref())
    }

    /// A location by id.
    pub fn location(&self, id: &LocationId) -> Option<&Location> {
        self.locations.get(id)
    }

    /// A party by id.
    pub fn party(&self, id: &PartyId) -> Option<&Party> {
        self.parties.get(id)
    }

    /// The index of a lot.
    pub fn lot_idx(&self, product: &ProductId, lot: &LotNumber) -> Option<u32> {
        self.products.get(product)?.lots.get(lot).copied()
    }

    /// The index of a serial.
    pub fn serial_idx(&self, product: &ProductId, serial: &SerialNumber) -> Option<u32> {
        self.products.get(product)?.serials.get(serial).copied()
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

    /// Every genealogy link, in recording order (materialised from the genealogy graph).
    pub fn links(&self) -> Vec<Link> {
        self.genealogy
            .edges()
            .filter_map(|(from, to, c)| {
                Some(Link {
                    from,
                    to,
                    quantity: c.quantity,
                    work_order: self.genealogy.work_order(c.work_order)?.clone(),
                })
            })
            .collect()
    }

    /// The genealogy graph (see [`crate::genealogy`]).
    pub fn genealogy(&self) -> &crate::genealogy::Genealogy {
        &self.genealogy
    }

    /// Every shipment, in dispatch order.
    pub fn shipments(&self) -> &[Shipment] {
        &self.shipments
    }

    /// The reservations of an order.
    pub fn reservations(&self, order: &OrderId) -> &[Reservation] {
        self.orders.get(order).map_or(&[], Vec::as_slice)
    }

    /// The internal index of a lot or serial reference.
    pub fn resolve(&self, item: &ItemRef) -> Option<ItemIdx> {
        match item {
            ItemRef::Lot { product, lot } => self.lot_idx(product, lot).map(ItemIdx::Lot),
            ItemRef::Serial { product, serial } => {
                self.serial_idx(product, serial).map(ItemIdx::Serial)
            }
        }
    }

    /// The internal index of a reference, or [`TraceError::UnknownLot`] /
    /// [`TraceError::UnknownSerial`].
    pub fn require(&self, item: &ItemRef) -> Result<ItemIdx, TraceError> {
        self.resolve(item)
            .ok_or_else(|| TraceError::unknown_item(item))
    }

    /// The public reference of an internal index.
    pub fn item_ref(&self, idx: ItemIdx) -> ItemRef {
        match idx {
            ItemIdx::Lot(i) => {
                let lot = &self.lots[i as usize];
                ItemRef::Lot {
                    product: lot.product.clone(),
                    lot: lot.number.clone(),
                }
            }
            ItemIdx::Serial(i) => {
                let s = &self.serials[i as usize];
                ItemRef::Serial {
                    product: s.product.clone(),
                    serial: s.number.clone(),
                }
            }
        }
    }

    /// Sequence numbers of the events that touched a lot or serial, oldest first.
    pub fn history_seqs(&self, idx: ItemIdx) -> &[u64] {
        match idx {
            ItemIdx::Lot(i) => &self.lot_history[i as usize],
            ItemIdx::Serial(i) => &self.serial_history[i as usize],
        }
    }

    /// Sequence numbers of the events that touched a location, oldest first.
    pub fn location_history_seqs(&self, location: &LocationId) -> &[u64] {
        self.location_history
            .get(location)
            .map_or(&[], Vec::as_slice)
    }

    fn resolve_or_corrupt(&self, item: &ItemRef) -> Result<ItemIdx, TraceError> {
        self.resolve(item).ok_or_else(|| corrupt(item))
    }

    fn touch(&mut self, seq: u64, idx: ItemIdx) {
        let history = match idx {
            ItemIdx::Lot(i) => &mut self.lot_history[i as usize],
            ItemIdx::Serial(i) => &mut self.serial_history[i as usize],
        };
        if history.last() != Some(&seq) {
            history.push(seq);
        }
    }

    fn touch_location(&mut self, seq: u64, location: &LocationId) {
        let history = self.location_history.entry(location.clone()).or_default();
        if history.last() != Some(&seq) {
            history.push(seq);
        }
    }

    fn product_entry(&mut self, product: &ProductId) -> Result<&mut ProductEntry, TraceError> {
        self.products
            .get_mut(product)
            .ok_or_else(|| corrupt(product))
    }

    fn add_lot(&mut self, seq: u64, lot: Lot) -> Result<u32, TraceError> {
        let idx = u32::try_from(self.lots.len()).map_err(|_| corrupt("too many lots"))?;
        self.product_entry(&lot.product)?
            .lots
            .insert(lot.number.clone(), idx);
        for line in &lot.stock {
            self.touch_location(seq, &line.location);
        }
        self.lots.push(lot);
        self.lot_history.push(vec![seq]);
        Ok(idx)
    }

    fn add_serial(&mut self, seq: u64, serial: Serial) -> Result<u32, TraceError> {
        let idx = u32::try_from(self.serials.len()).map_err(|_| corrupt("too many serials"))?;
        self.product_entry(&serial.product)?
            .serials
            .insert(serial.number.clone(), idx);
        if let Some(location) = &serial.location {
            self.touch_location(seq, location);
        }
        self.serials.push(serial);
        self.serial_history.push(vec![seq]);
        Ok(idx)
    }

    /// Changes the on-hand (and reserved) quantity of a lot at a location; lines that
    /// become empty are removed.
    fn change_lot_stock(
        &mut self,
        lot: u32,
        location: &LocationId,
        on_hand: Quantity,
        reserved: Quantity,
    ) {
        let stock = &mut self.lots[lot as usize].stock;
        match stock.iter().position(|s| &s.location == location) {
            Some(i) => {
                stock[i].on_hand += on_hand;
                stock[i].reserved += reserved;
                if stock[i].on_hand.is_zero() && stock[i].reserved.is_zero() {
                    stock.remove(i);
                }
            }
            None => stock.push(StockLine {
                location: location.clone(),
                on_hand,
                reserved,
            }),
        }
    }

    fn serial_mut(&mut self, idx: ItemIdx) -> Result<&mut Serial, TraceError> {
        match idx {
            ItemIdx::Serial(i) => Ok(&mut self.serials[i as usize]),
            ItemIdx::Lot(_) => Err(corrupt("serial expected")),
        }
    }

    /// Moves a line's stock by `sign × quantity` (on hand only).
    fn take_or_put(
        &mut self,
        idx: ItemIdx,
        line: &Line,
        put: bool,
        status: SerialStatus,
    ) -> Result<(), TraceError> {
        match idx {
            ItemIdx::Lot(i) => {
                let q = if put { line.quantity } else { -line.quantity };
                self.change_lot_stock(i, &line.location, q, Quantity::ZERO);
            }
            ItemIdx::Serial(_) => {
                let serial = self.serial_mut(idx)?;
                serial.status = status;
                serial.location = put.then(|| line.location.clone());
                serial.order = None;
            }
        }
        Ok(())
    }

    /// Applies one event. Events were validated before they were written, so an error
    /// here means the log does not belong to this state (a corrupt or foreign log).
    pub fn apply(&mut self, seq: u64, payload: &EventPayload) -> Result<(), TraceError> {
        match payload {
            EventPayload::ProductRegistered(product) => {
                self.products.entry(product.id.clone()).or_default().product =
                    Some(product.clone());
            }
            EventPayload::LocationRegistered(location) => {
                self.locations.insert(location.id.clone(), location.clone());
                self.touch_location(seq, &location.id);
            }
            EventPayload::PartyRegistered(party) => {
                self.parties.insert(party.id.clone(), party.clone());
            }
            EventPayload::SerialsExpected {
                product,
                serials,
                supplier,
                ..
            } => {
                for number in serials {
                    self.add_serial(
                        seq,
                        Serial {
                            product: product.clone(),
                            number: number.clone(),
                            status: SerialStatus::Expected,
                            location: None,
                            supplier: supplier.clone(),
                            order: None,
                            on_hold: false,
                            origin: Origin::Received,
                        },
                    )?;
                }
            }
            EventPayload::LotReceived { lot, .. } => {
                self.add_lot(seq, lot.clone())?;
            }
            EventPayload::SerialsReceived {
                product,
                serials,
                location,
                supplier,
                ..
            } => {
                self.touch_location(seq, location);
                for number in serials {
                    match self.serial_idx(product, number) {
                        Some(i) => {
                            let serial = &mut self.serials[i as usize];
                            serial.status = SerialStatus::Received;
                            serial.location = Some(location.clone());
                            if supplier.is_some() {
                                serial.supplier = supplier.clone();
                            }
                            self.touch(seq, ItemIdx::Serial(i));
                        }
                        None => {
                            self.add_serial(
                                seq,
                                Serial {
                                    product: product.clone(),
                                    number: number.clone(),
                                    status: SerialStatus::Received,
                                    location: Some(location.clone()),
                                    supplier: supplier.clone(),
                                    order: None,
                                    on_hold: false,
                                    origin: Origin::Received,
                                },
                            )?;
                        }
                    }
                }
            }
            EventPayload::Moved {
                item,
                from,
                to,
                quantity,
                ..
            } => {
                let idx = self.resolve_or_corrupt(item)?;
                match idx {
                    ItemIdx::Lot(i) => {
                        self.change_lot_stock(i, from, -*quantity, Quantity::ZERO);
                        self.change_lot_stock(i, to, *quantity, Quantity::ZERO);
                    }
                    ItemIdx::Serial(_) => {
                        let serial = self.serial_mut(idx)?;
                        serial.status = SerialStatus::InInventory;
                        serial.location = Some(to.clone());
                    }
                }
                self.touch(seq, idx);
                self.touch_location(seq, from);
                self.touch_location(seq, to);
            }
            EventPayload::Allocated { order, line } => {
                let idx = self.resolve_or_corrupt(&line.item)?;
                match idx {
                    ItemIdx::Lot(i) => {
                        self.change_lot_stock(i, &line.location, Quantity::ZERO, line.quantity)
                    }
                    ItemIdx::Serial(_) => {
                        let serial = self.serial_mut(idx)?;
                        serial.status = SerialStatus::Allocated;
                        serial.order = Some(order.clone());
                    }
                }
                let reservations = self.orders.entry(order.clone()).or_default();
                match reservations
                    .iter_mut()
                    .find(|r| r.item == idx && r.location == line.location)
                {
                    Some(r) => r.reserved += line.quantity,
                    None => reservations.push(Reservation {
                        item: idx,
                        location: line.location.clone(),
                        reserved: line.quantity,
                        picked: Quantity::ZERO,
                    }),
                }
                self.touch(seq, idx);
            }
            EventPayload::AllocationCancelled { order, line } => {
                let idx = self.resolve_or_corrupt(&line.item)?;
                let reservations = self.orders.get_mut(order).ok_or_else(|| corrupt(order))?;
                reservations.retain(|r| !(r.item == idx && r.location == line.location));
                if reservations.is_empty() {
                    self.orders.remove(order);
                }
                match idx {
                    ItemIdx::Lot(i) => {
                        self.change_lot_stock(i, &line.location, Quantity::ZERO, -line.quantity)
                    }
                    ItemIdx::Serial(_) => {
                        let serial = self.serial_mut(idx)?;
                        serial.status = SerialStatus::InInventory;
                        serial.order = None;
                    }
                }
                self.touch(seq, idx);
            }
            EventPayload::Picked { order, line } => {
                let idx = self.resolve_or_corrupt(&line.item)?;
                let reservation = self
                    .orders
                    .get_mut(order)
                    .and_then(|rs| {
                        rs.iter_mut()
                            .find(|r| r.item == idx && r.location == line.location)
                    })
                    .ok_or_else(|| corrupt(order))?;
                reservation.picked += line.quantity;
                if let ItemIdx::Serial(_) = idx {
                    self.serial_mut(idx)?.status = SerialStatus::Picked;
                }
                self.touch(seq, idx);
            }
            EventPayload::Shipped {
                shipment,
                order,
                customer,
                shipped_on,
                lines,
                ..
            } => {
                let mut shipped = Vec::with_capacity(lines.len());
                for line in lines {
                    let idx = self.resolve_or_corrupt(&line.item)?;
                    let reservations = self.orders.get_mut(order).ok_or_else(|| corrupt(order))?;
                    let r = reservations
                        .iter_mut()
                        .find(|r| r.item == idx && r.location == line.location)
                        .ok_or_else(|| corrupt(order))?;
                    r.picked -= line.quantity;
                    r.reserved -= line.quantity;
                    if r.reserved.is_zero() {
                        reservations.retain(|r| !r.reserved.is_zero());
                    }
                    if reservations.is_empty() {
                        self.orders.remove(order);
                    }
                    match idx {
                        ItemIdx::Lot(i) => {
                            self.change_lot_stock(i, &line.location, -line.quantity, -line.quantity)
                        }
                        ItemIdx::Serial(_) => {
                            let serial = self.serial_mut(idx)?;
                            serial.status = SerialStatus::Shipped;
                            serial.location = None;
                            serial.order = None;
                        }
                    }
                    *self.returnable.entry((idx, customer.clone())).or_default() += line.quantity;
                    self.touch(seq, idx);
                    self.touch_location(seq, &line.location);
                    shipped.push((idx, line.quantity));
                }
                let n = u32::try_from(self.shipments.len())
                    .map_err(|_| corrupt("too many shipments"))?;
                let items: Vec<ItemIdx> = shipped.iter().map(|&(idx, _)| idx).collect();
                self.genealogy.record_shipment(n, &items);
                self.shipment_index.insert(shipment.clone(), n);
                self.shipments.push(Shipment {
                    id: shipment.clone(),
                    order: order.clone(),
                    customer: customer.clone(),
                    shipped_on: *shipped_on,
                    lines: shipped,
                });
            }
            EventPayload::Produced {
                work_order,
                consumed,
                outputs,
                ..
            } => {
                let mut inputs = Vec::with_capacity(consumed.len());
                for line in consumed {
                    let idx = self.resolve_or_corrupt(&line.item)?;
                    self.take_or_put(idx, line, false, SerialStatus::Consumed)?;
                    self.touch(seq, idx);
                    self.touch_location(seq, &line.location);
                    inputs.push((idx, line.quantity));
                }
                let mut produced = Vec::with_capacity(outputs.len());
                for output in outputs {
                    let out = match output {
                        Produced::NewLot(lot) => ItemIdx::Lot(self.add_lot(seq, lot.clone())?),
                        Produced::IntoLot(line) => {
                            let idx = self.resolve_or_corrupt(&line.item)?;
                            self.take_or_put(idx, line, true, SerialStatus::Received)?;
                            self.touch(seq, idx);
                            self.touch_location(seq, &line.location);
                            idx
                        }
                        Produced::NewSerial {
                            product,
                            serial,
                            location,
                        } => ItemIdx::Serial(self.add_serial(
                            seq,
                            Serial {
                                product: product.clone(),
                                number: serial.clone(),
                                status: SerialStatus::Received,
                                location: Some(location.clone()),
                                supplier: None,
                                order: None,
                                on_hold: false,
                                origin: Origin::Produced {
                                    work_order: work_order.clone(),
                                },
                            },
                        )?),
                    };
                    produced.push(out);
                }
                self.genealogy
                    .record_production(work_order, &inputs, &produced);
            }
            EventPayload::Adjusted { line } => {
                let idx = self.resolve_or_corrupt(&line.item)?;
                self.take_or_put(idx, line, true, SerialStatus::InInventory)?;
                self.touch(seq, idx);
                self.touch_location(seq, &line.location);
            }
            EventPayload::Scrapped { line } => {
                let idx = self.resolve_or_corrupt(&line.item)?;
                self.take_or_put(idx, line, false, SerialStatus::Scrapped)?;
                self.touch(seq, idx);
                self.touch_location(seq, &line.location);
            }
            EventPayload::LotActiveSet {
                product,
                lot,
                active,
            } => {
                let i = self.lot_idx(product, lot).ok_or_else(|| corrupt(lot))?;
                self.lots[i as usize].active = *active;
                self.touch(seq, ItemIdx::Lot(i));
            }
            EventPayload::Returned { customer, line, .. } => {
                let idx = self.resolve_or_corrupt(&line.item)?;
                self.take_or_put(idx, line, true, SerialStatus::Received)?;
                *self.returnable.entry((idx, customer.clone())).or_default() -= line.quantity;
                self.touch(seq, idx);
                self.touch_location(seq, &line.location);
            }
            EventPayload::AllocationRequested(request) => {
                crate::allocation::apply_requested(self, request);
            }
            EventPayload::LotDatesUpdated {
                product,
                lot,
                dates,
            } => {
                let i = crate::expiry::apply_dates(self, product, lot, dates)?;
                self.touch(seq, ItemIdx::Lot(i));
            }
            EventPayload::TestResultRecorded { .. }
            | EventPayload::CertificateLinked { .. }
            | EventPayload::QualityStatusSet { .. } => crate::quality::apply(self, seq, payload)?,
            EventPayload::HoldPlaced { items } | EventPayload::HoldReleased { items } => {
                let hold = matches!(payload, EventPayload::HoldPlaced { .. });
                for item in items {
                    let idx = self.resolve_or_corrupt(item)?;
                    match idx {
                        ItemIdx::Lot(i) => self.lots[i as usize].on_hold = hold,
                        ItemIdx::Serial(i) => self.serials[i as usize].on_hold = hold,
                    }
                    self.touch(seq, idx);
                }
            }
        }
        crate::allocation::after_apply(self, payload)
    }
}
