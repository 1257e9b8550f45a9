//! Applying master data, receipts, moves, adjustments, scrap, returns and lot status
//! and date changes.

use super::{corrupt, ItemIdx, ProductEntry, State};
use crate::command::Line;
use crate::event::EventPayload;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LocationId, LotNumber, PartyId, ProductId, SerialNumber};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::{Location, LotDates, LotDetails, Origin, Party, Product, Serial};
use chrono::NaiveDate;

impl State {
    /// Registers a product or replaces its record (an update: its old GTINs are
    /// released first).
    pub(super) fn register_product(&mut self, product: &Product) -> Result<(), TraceError> {
        if let Some(entry) = self.products.get(&product.id) {
            for gtin in &entry.product.gtins {
                self.gtins.remove(gtin);
            }
        }
        for gtin in &product.gtins {
            self.gtins.insert(gtin.clone(), product.id.clone());
        }
        match self.products.get_mut(&product.id) {
            Some(entry) => entry.product = product.clone(),
            None => {
                self.products.insert(
                    product.id.clone(),
                    ProductEntry {
                        product: product.clone(),
                        lots: Default::default(),
                        serials: Default::default(),
                    },
                );
            }
        }
        Ok(())
    }

    pub(super) fn register_location(
        &mut self,
        seq: u64,
        location: &Location,
    ) -> Result<(), TraceError> {
        self.locations.insert(location.id.clone(), location.clone());
        self.touch_location(seq, &location.id);
        Ok(())
    }

    pub(super) fn register_party(&mut self, party: &Party) -> Result<(), TraceError> {
        match self.party_index.get(&party.id) {
            Some(&i) => self.parties[i as usize] = party.clone(),
            None => {
                let i =
                    u32::try_from(self.parties.len()).map_err(|_| corrupt("too many parties"))?;
                self.party_index.insert(party.id.clone(), i);
                self.parties.push(party.clone());
            }
        }
        Ok(())
    }

    pub(super) fn expect_serials(
        &mut self,
        seq: u64,
        product: &ProductId,
        serials: &[SerialNumber],
        supplier: &Option<PartyId>,
    ) -> Result<(), TraceError> {
        for number in serials {
            self.add_serial(
                seq,
                new_serial(product, number, SerialStatus::Expected, None, supplier),
            )?;
        }
        Ok(())
    }

    /// Applies `SerialsReceived`; `recorded_on` is the receipt date of logs written
    /// before the event carried one.
    pub(super) fn receive_serials(
        &mut self,
        seq: u64,
        payload: &EventPayload,
        recorded_on: NaiveDate,
    ) -> Result<(), TraceError> {
        let EventPayload::SerialsReceived {
            product,
            serials,
            location,
            supplier,
            received_on,
            ..
        } = payload
        else {
            return Err(corrupt("a serial receipt expected"));
        };
        let received_on = received_on.unwrap_or(recorded_on);
        self.touch_location(seq, location);
        for number in serials {
            let Some(i) = self.serial_idx(product, number) else {
                let serial = Serial {
                    received_on: Some(received_on),
                    ..new_serial(
                        product,
                        number,
                        SerialStatus::Received,
                        Some(location),
                        supplier,
                    )
                };
                self.add_serial(seq, serial)?;
                continue;
            };
            self.serials[i as usize].received_on = Some(received_on);
            if supplier.is_some() {
                let serial = &mut self.serials[i as usize];
                serial.supplier = supplier.clone();
                let origin = serial.origin.clone();
                self.serial_suppliers[i as usize] =
                    self.supplier_number(&origin, supplier.as_ref());
            }
            self.alloc.serial_arrived(i, seq);
            let idx = ItemIdx::Serial(i);
            self.set_serial(
                idx,
                SerialStatus::Received,
                Some(Some(location.clone())),
                None,
            )?;
            self.touch(seq, idx);
        }
        Ok(())
    }

    pub(super) fn move_stock(
        &mut self,
        seq: u64,
        item: &ItemRef,
        from: &LocationId,
        to: &LocationId,
        quantity: Quantity,
    ) -> Result<(), TraceError> {
        let idx = self.resolve_or_corrupt(item)?;
        match idx {
            ItemIdx::Lot(i) => {
                self.change_lot_stock(i, from, -quantity, Quantity::ZERO);
                self.change_lot_stock(i, to, quantity, Quantity::ZERO);
            }
            ItemIdx::Serial(_) => {
                self.set_serial(idx, SerialStatus::InInventory, Some(Some(to.clone())), None)?
            }
        }
        self.touch(seq, idx);
        self.touch_location(seq, from);
        if to != from {
            self.touch_location(seq, to);
        }
        Ok(())
    }

    /// Puts a line's quantity into (`put`) or takes it out of its location, on hand
    /// only; a serial gets `status` and is placed there (put) or leaves custody (take).
    /// Returns the item's index.
    pub(super) fn put_or_take(
        &mut self,
        seq: u64,
        line: &Line,
        put: bool,
        status: SerialStatus,
    ) -> Result<ItemIdx, TraceError> {
        let idx = self.resolve_or_corrupt(&line.item)?;
        match idx {
            ItemIdx::Lot(i) => {
                let q = if put { line.quantity } else { -line.quantity };
                self.change_lot_stock(i, &line.location, q, Quantity::ZERO);
            }
            ItemIdx::Serial(_) => {
                let place = put.then(|| line.location.clone());
                self.set_serial(idx, status, Some(place), Some(None))?;
            }
        }
        self.touch(seq, idx);
        self.touch_location(seq, &line.location);
        Ok(idx)
    }

    /// A customer return: the stock comes back (a serial as RECEIVED, a lot quantity
    /// held when `held`), the customer's returnable quantity shrinks, and its
    /// authorisation (if any) counts it received.
    pub(super) fn take_back(
        &mut self,
        seq: u64,
        rma: &crate::kernel::id::ReturnId,
        customer: &PartyId,
        line: &Line,
        held: bool,
    ) -> Result<(), TraceError> {
        self.return_received(rma, line);
        let customer = self.party_or_corrupt(customer)?;
        let idx = self.put_or_take(seq, line, true, SerialStatus::Received)?;
        if let (ItemIdx::Lot(lot), true) = (idx, held) {
            self.change_held_stock(lot, &line.location, line.quantity);
        }
        *self.returned.entry((idx, customer)).or_default() += line.quantity;
        Ok(())
    }

    /// Sets a lot active or inactive; `depleted` marks an automatic deactivation of a
    /// lot that ran out (an explicit status clears the mark).
    pub(super) fn set_lot_active(
        &mut self,
        seq: u64,
        product: &ProductId,
        lot: &LotNumber,
        active: bool,
        depleted: bool,
    ) -> Result<(), TraceError> {
        let i = self.lot_or_corrupt(product, lot)?;
        self.lots[i as usize].active = active;
        self.depleted[i as usize] = depleted;
        self.touch(seq, ItemIdx::Lot(i));
        Ok(())
    }

    pub(super) fn set_lot_dates(
        &mut self,
        seq: u64,
        product: &ProductId,
        lot: &LotNumber,
        dates: &LotDates,
    ) -> Result<(), TraceError> {
        let i = self.lot_or_corrupt(product, lot)?;
        self.lots[i as usize].dates = *dates;
        self.alloc.sync_lot(i, &self.lots);
        self.touch(seq, ItemIdx::Lot(i));
        Ok(())
    }

    pub(super) fn set_lot_details(
        &mut self,
        seq: u64,
        product: &ProductId,
        lot: &LotNumber,
        details: &LotDetails,
    ) -> Result<(), TraceError> {
        let i = self.lot_or_corrupt(product, lot)?;
        self.lots[i as usize].set_details(details.clone());
        self.touch(seq, ItemIdx::Lot(i));
        Ok(())
    }
}

/// A serial received or announced from a supplier.
fn new_serial(
    product: &ProductId,
    number: &SerialNumber,
    status: SerialStatus,
    location: Option<&LocationId>,
    supplier: &Option<PartyId>,
) -> Serial {
    Serial {
        product: product.clone(),
        number: number.clone(),
        status,
        location: location.cloned(),
        supplier: supplier.clone(),
        order: None,
        on_hold: false,
        origin: Origin::Received,
        received_on: None,
    }
}
