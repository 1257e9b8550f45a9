//! [`State::apply`]: one short dispatch over every event, and the primitive changes
//! (new lot or serial, stock of a lot at a location, a serial's status and place, the
//! history indexes) that the per-concern parts build on. Every primitive keeps the
//! allocation index in step.

use super::shared_ids::shared;
use super::{corrupt, ItemIdx, State};
use crate::event::{EventBody, EventPayload as E, SCHEMA_VERSION};
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LocationId, OrderId};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::{Lot, Serial, StockLine};

impl State {
    /// Applies one recorded event. Events are validated before they are written, so an
    /// error here means the log does not belong to this state (a corrupt or foreign
    /// log).
    ///
    /// An event written under an older schema is upcast to the events it stands for
    /// today: a version 1 event that emptied a lot (or brought stock back to a lot that
    /// had run out) is followed by the [`E::LotDepleted`] / [`E::LotRestocked`] that
    /// version 1 did not record.
    ///
    /// ```
    /// use traceability_core::{event::{EventBody, EventPayload}, Product, ProductId, State, Tracking};
    /// let mut state = State::default();
    /// let milk = Product::new(ProductId::new("MILK").unwrap(), Tracking::Lot);
    /// let body = EventBody::new("ana", None, EventPayload::ProductRegistered(milk.clone()));
    /// state.apply(0, &body).unwrap();
    /// assert_eq!(state.product(&milk.id), Some(&milk));
    /// ```
    pub fn apply(&mut self, seq: u64, body: &EventBody) -> Result<(), TraceError> {
        if seq > u64::from(u32::MAX) {
            return Err(corrupt(format_args!(
                "event {seq}: the state indexes histories by 32-bit event numbers"
            )));
        }
        let implied = if body.schema < SCHEMA_VERSION {
            self.activity_events(std::slice::from_ref(&body.payload))
        } else {
            Vec::new()
        };
        self.apply_payload(seq, &body.payload, body)?;
        implied
            .iter()
            .try_for_each(|event| self.apply_payload(seq, event, body))
    }

    /// Applies one payload; `body` gives who, when and why to the records that keep them.
    fn apply_payload(&mut self, seq: u64, payload: &E, body: &EventBody) -> Result<(), TraceError> {
        match payload {
            E::ProductRegistered(product) | E::ProductUpdated(product) => {
                self.register_product(product)
            }
            E::LocationRegistered(location) => self.register_location(seq, location),
            E::PartyRegistered(party) => self.register_party(party),
            E::SerialsExpected {
                product,
                serials,
                supplier,
                ..
            } => self.expect_serials(seq, product, serials, supplier),
            E::LotReceived { lot, .. } => self.receive_lot(seq, lot),
            E::LotCreated { lot, .. } => self.add_lot(seq, lot.clone()).map(drop),
            E::SerialsReceived { .. } => {
                self.receive_serials(seq, payload, body.recorded_at.date_naive())
            }
            E::Moved {
                item,
                from,
                to,
                quantity,
                ..
            } => self.move_stock(seq, item, from, to, *quantity),
            E::Allocated { order, line } => self.reserve(seq, order, line),
            E::AllocationCancelled { order, line } => self.release(seq, order, line),
            E::Picked { order, line } => self.pick(seq, order, line),
            E::Shipped {
                shipment,
                order,
                customer,
                shipped_on,
                lines,
                ..
            } => self.ship(seq, shipment, order.as_ref(), customer, *shipped_on, lines),
            E::Produced {
                work_order,
                produced_on,
                consumed,
                outputs,
                ..
            } => self.produce(seq, (work_order, *produced_on), consumed, outputs),
            E::Adjusted { line } => self
                .put_or_take(seq, line, true, SerialStatus::InInventory)
                .map(drop),
            E::Scrapped { line } => self
                .put_or_take(seq, line, false, SerialStatus::Scrapped)
                .map(drop),
            E::Returned {
                rma,
                customer,
                line,
                held,
            } => self.take_back(seq, rma, customer, line, *held),
            E::AllocationRequested(request) => {
                self.alloc.record_rules(request);
                Ok(())
            }
            E::LotActiveSet {
                product,
                lot,
                active,
            } => self.set_lot_active(seq, product, lot, *active, false),
            E::LotDepleted { product, lot } => self.set_lot_active(seq, product, lot, false, true),
            E::LotRestocked { product, lot } => self.set_lot_active(seq, product, lot, true, false),
            E::LotDatesUpdated {
                product,
                lot,
                dates,
            } => self.set_lot_dates(seq, product, lot, dates),
            E::LotDetailsUpdated {
                product,
                lot,
                details,
            } => self.set_lot_details(seq, product, lot, details),
            E::TestResultRecorded {
                product,
                lot,
                result,
            } => self.record_test(seq, product, lot, result),
            E::CertificateLinked {
                product,
                lot,
                certificate,
            } => self.link_certificate(seq, product, lot, certificate),
            E::QualityStatusSet {
                product,
                lot,
                status,
                reason,
            } => self.set_quality(seq, product, lot, *status, reason),
            E::HoldPlaced { items } => self.set_hold(seq, items, true),
            E::Packed { .. } | E::Unpacked { .. } => self.apply_packing(seq, payload, body),
            E::HoldReleased { items } => self.set_hold(seq, items, false),
            E::Recalled {
                recall,
                suspects,
                affected,
                held,
            } => self.record_recall(seq, body, recall, suspects, affected, held),
            E::UpstreamLinked { .. } => self.link_upstream(seq, payload),
            E::NumberingSchemeDefined(_) | E::NumbersIssued { .. } => self.apply_numbering(payload),
            E::ShipmentReversed { .. }
            | E::ReceiptReversed { .. }
            | E::ProductionReversed { .. }
            | E::LotSplit { .. }
            | E::LotsMerged { .. }
            | E::Unbuilt { .. } => self.apply_correction(seq, payload),
            E::BatchParameterRecorded { .. }
            | E::BatchStepRecorded { .. }
            | E::RecordSigned { .. }
            | E::NonConformanceOpened { .. }
            | E::CorrectiveActionAdded { .. }
            | E::CorrectiveActionCompleted { .. }
            | E::NonConformanceClosed { .. } => self.apply_compliance(seq, payload, body),
            // Warranty, service, claims, campaigns, returns.
            after_sale => self.apply_service(seq, after_sale, body),
        }
    }

    pub(super) fn resolve_or_corrupt(&self, item: &ItemRef) -> Result<ItemIdx, TraceError> {
        self.resolve(item).ok_or_else(|| corrupt(item))
    }

    pub(super) fn lot_or_corrupt(
        &self,
        product: &crate::kernel::id::ProductId,
        lot: &crate::kernel::id::LotNumber,
    ) -> Result<u32, TraceError> {
        self.lot_idx(product, lot).ok_or_else(|| corrupt(lot))
    }

    /// Records that event `seq` touched an item.
    pub(super) fn touch(&mut self, seq: u64, idx: ItemIdx) {
        let (history, i) = match idx {
            ItemIdx::Lot(i) => (&mut self.lot_history, i),
            ItemIdx::Serial(i) => (&mut self.serial_history, i),
        };
        let seq = history_seq(seq);
        if history.last(i) != Some(seq) {
            history.push(i, seq);
        }
    }

    /// Records that event `seq` touched a location.
    pub(super) fn touch_location(&mut self, seq: u64, location: &LocationId) {
        let seq = history_seq(seq);
        let history = self.location_history.entry(location.clone()).or_default();
        if history.last() != Some(&seq) {
            history.push(seq);
        }
    }

    /// A receipt: a new lot, or the goods of a lot record that awaited them (the record
    /// is replaced by the received one).
    fn receive_lot(&mut self, seq: u64, lot: &Lot) -> Result<(), TraceError> {
        let Some(i) = self.lot_idx(&lot.product, &lot.number) else {
            return self.add_lot(seq, lot.clone()).map(drop);
        };
        for line in &lot.stock {
            self.touch_location(seq, &line.location);
        }
        self.lot_suppliers[i as usize] = self.supplier_number(&lot.origin, lot.supplier.as_ref());
        self.depleted[i as usize] = false;
        self.lots[i as usize] = lot.clone();
        self.alloc.sync_lot(i, &self.lots);
        self.touch(seq, ItemIdx::Lot(i));
        Ok(())
    }

    pub(super) fn add_lot(&mut self, seq: u64, mut lot: Lot) -> Result<u32, TraceError> {
        lot.product = self.shared_product(&lot.product);
        lot.supplier = lot.supplier.map(|p| self.shared_party(&p));
        for line in &mut lot.stock {
            line.location = self.shared_location(&line.location);
        }
        let idx = u32::try_from(self.lots.len()).map_err(|_| corrupt("too many lots"))?;
        (self.products.get_mut(&lot.product))
            .ok_or_else(|| corrupt(&lot.product))?
            .lots
            .insert(lot.number.as_str(), idx, super::lot_number_at(&self.lots));
        for line in &lot.stock {
            self.touch_location(seq, &line.location);
        }
        self.number_used(&lot.product, lot.number.as_str());
        let supplier = self.supplier_number(&lot.origin, lot.supplier.as_ref());
        self.lots.push(lot);
        self.alloc.sync_lot(idx, &self.lots);
        self.depleted.push(false);
        self.lot_suppliers.push(supplier);
        self.lot_history.push(idx, history_seq(seq));
        Ok(idx)
    }

    pub(super) fn add_serial(&mut self, seq: u64, mut serial: Serial) -> Result<u32, TraceError> {
        serial.product = self.shared_product(&serial.product);
        serial.supplier = serial.supplier.map(|p| self.shared_party(&p));
        serial.location = serial.location.map(|l| self.shared_location(&l));
        let idx = u32::try_from(self.serials.len()).map_err(|_| corrupt("too many serials"))?;
        (self.products.get_mut(&serial.product))
            .ok_or_else(|| corrupt(&serial.product))?
            .serials
            .insert(
                serial.number.as_str(),
                idx,
                super::serial_number_at(&self.serials),
            );
        if let Some(location) = &serial.location {
            self.touch_location(seq, location);
        }
        self.alloc.serial_arrived(idx, seq);
        self.alloc.sync_serial(idx, &serial);
        self.number_used(&serial.product, serial.number.as_str());
        let supplier = self.supplier_number(&serial.origin, serial.supplier.as_ref());
        self.serials.push(serial);
        self.serial_history.push(idx, history_seq(seq));
        self.serial_suppliers.push(supplier);
        Ok(idx)
    }

    /// Changes the on-hand (and reserved) quantity of a lot at a location; lines that
    /// become empty are removed.
    pub(super) fn change_lot_stock(
        &mut self,
        lot: u32,
        location: &LocationId,
        on_hand: Quantity,
        reserved: Quantity,
    ) {
        // The boxed slice as a `Vec` while it changes (free both ways when nothing is
        // added or removed); back in its box, it keeps no spare capacity.
        let mut lines = std::mem::take(&mut self.lots[lot as usize].stock).into_vec();
        match lines.iter().position(|s| &s.location == location) {
            Some(i) => {
                let line = &mut lines[i];
                line.on_hand += on_hand;
                line.reserved += reserved;
                if line.on_hand.is_zero() && line.reserved.is_zero() {
                    lines.remove(i);
                }
            }
            None => {
                lines.reserve_exact(1);
                lines.push(StockLine {
                    reserved,
                    ..StockLine::new(shared(&self.locations, location), on_hand)
                });
            }
        }
        self.lots[lot as usize].stock = lines.into_boxed_slice();
        self.alloc.sync_lot(lot, &self.lots);
    }

    /// Holds (positive) or releases (negative, at most what is held) returned stock
    /// of a lot at a location; the line must hold the stock already.
    pub(super) fn change_held_stock(&mut self, lot: u32, location: &LocationId, held: Quantity) {
        let stock = &mut self.lots[lot as usize].stock;
        if let Some(line) = stock.iter_mut().find(|s| &s.location == location) {
            line.held = (line.held + held).max(Quantity::ZERO).min(line.on_hand);
        }
        self.alloc.sync_lot(lot, &self.lots);
    }

    /// Sets a serial's status, place and order (`None` for each when it leaves our
    /// custody or its order).
    pub(super) fn set_serial(
        &mut self,
        idx: ItemIdx,
        status: SerialStatus,
        location: Option<Option<LocationId>>,
        order: Option<Option<OrderId>>,
    ) -> Result<(), TraceError> {
        let ItemIdx::Serial(i) = idx else {
            return Err(corrupt("serial expected"));
        };
        let location = location.map(|l| l.map(|l| self.shared_location(&l)));
        let serial = &mut self.serials[i as usize];
        serial.status = status;
        if let Some(location) = location {
            serial.location = location;
        }
        if let Some(order) = order {
            serial.order = order;
        }
        self.alloc.sync_serial(i, &self.serials[i as usize]);
        Ok(())
    }
}

/// `seq` as the histories keep it (4 bytes, not 8: a million lots' histories hold about
/// 12 million entries); [`State::apply`] refuses an event beyond `u32::MAX` first.
fn history_seq(seq: u64) -> u32 {
    u32::try_from(seq).expect("State::apply refuses seqs beyond u32")
}
