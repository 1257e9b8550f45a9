//! Applying reservations, picks and shipments.

use chrono::NaiveDate;

use super::shared_ids::shared;
use super::{corrupt, ItemIdx, Reserved, ShipmentRecord, State};
use crate::command::Line;
use crate::kernel::error::TraceError;
use crate::kernel::id::{OrderId, PartyId, ShipmentId};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;

impl State {
    pub(super) fn reserve(
        &mut self,
        seq: u64,
        order: &OrderId,
        line: &Line,
    ) -> Result<(), TraceError> {
        let idx = self.resolve_or_corrupt(&line.item)?;
        match idx {
            ItemIdx::Lot(i) => {
                self.change_lot_stock(i, &line.location, Quantity::ZERO, line.quantity)
            }
            ItemIdx::Serial(_) => self.set_serial(
                idx,
                SerialStatus::Allocated,
                None,
                Some(Some(order.clone())),
            )?,
        }
        let reservations = self.orders.entry(order.clone()).or_default();
        match reservations
            .iter_mut()
            .find(|r| r.item == idx && r.location == line.location)
        {
            Some(r) => r.reserved += line.quantity,
            None => reservations.push(Reserved {
                item: idx,
                location: shared(&self.locations, &line.location),
                reserved: line.quantity,
                picked: Quantity::ZERO,
            }),
        }
        self.touch(seq, idx);
        Ok(())
    }

    pub(super) fn release(
        &mut self,
        seq: u64,
        order: &OrderId,
        line: &Line,
    ) -> Result<(), TraceError> {
        let idx = self.resolve_or_corrupt(&line.item)?;
        let reservations = self.orders.get_mut(order).ok_or_else(|| corrupt(order))?;
        reservations.retain(|r| !(r.item == idx && r.location == line.location));
        self.forget_order_if_done(order);
        match idx {
            ItemIdx::Lot(i) => {
                self.change_lot_stock(i, &line.location, Quantity::ZERO, -line.quantity)
            }
            ItemIdx::Serial(_) => {
                self.set_serial(idx, SerialStatus::InInventory, None, Some(None))?
            }
        }
        self.touch(seq, idx);
        Ok(())
    }

    pub(super) fn pick(
        &mut self,
        seq: u64,
        order: &OrderId,
        line: &Line,
    ) -> Result<(), TraceError> {
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
            self.set_serial(idx, SerialStatus::Picked, None, None)?;
        }
        self.touch(seq, idx);
        Ok(())
    }

    /// A shipment of an order's picked stock, or (no order) a delivery of unreserved
    /// stock moved into a customer's location.
    pub(super) fn ship(
        &mut self,
        seq: u64,
        shipment: &ShipmentId,
        order: Option<&OrderId>,
        customer: &PartyId,
        shipped_on: NaiveDate,
        lines: &[Line],
    ) -> Result<(), TraceError> {
        let customer = self.party_or_corrupt(customer)?;
        let n = u32::try_from(self.shipments.len()).map_err(|_| corrupt("too many shipments"))?;
        let first_line = u32::try_from(self.shipped_lines.len())
            .map_err(|_| corrupt("too many shipped lines"))?;
        let order_text = order.map_or("", OrderId::as_str);
        if !self.shipment_ids.has_room_for(shipment.as_str())
            || !self.shipment_orders.has_room_for(order_text)
        {
            return Err(corrupt("too many shipment or order ids"));
        }
        let mut items = Vec::with_capacity(lines.len());
        for line in lines {
            let idx = self.resolve_or_corrupt(&line.item)?;
            let reserved = match order {
                Some(order) => {
                    self.unreserve_shipped(order, idx, line)?;
                    line.quantity
                }
                None => Quantity::ZERO,
            };
            match idx {
                ItemIdx::Lot(i) => {
                    self.change_lot_stock(i, &line.location, -line.quantity, -reserved)
                }
                ItemIdx::Serial(_) => {
                    self.set_serial(idx, SerialStatus::Shipped, Some(None), Some(None))?
                }
            }
            self.touch(seq, idx);
            self.touch_location(seq, &line.location);
            items.push(idx);
        }
        for (line, &idx) in lines.iter().zip(&items) {
            let location = self.shared_location(&line.location);
            self.shipped_lines.push((idx, location, line.quantity));
        }
        self.genealogy.record_shipment(n, &items);
        self.shipment_ids.push(shipment.as_str());
        self.shipment_orders.push(order_text);
        let by_id = super::shipment_id_at(&self.shipment_ids);
        (self.shipment_index).insert(shipment.as_str(), n, by_id);
        self.shipments.push(ShipmentRecord {
            shipped_on,
            first_line,
            reversed: false,
        });
        self.shipment_customers.push(customer);
        Ok(())
    }

    /// Takes a shipped line off the order's reservation (picked and reserved).
    fn unreserve_shipped(
        &mut self,
        order: &OrderId,
        idx: ItemIdx,
        line: &Line,
    ) -> Result<(), TraceError> {
        let reservations = self.orders.get_mut(order).ok_or_else(|| corrupt(order))?;
        let r = reservations
            .iter_mut()
            .find(|r| r.item == idx && r.location == line.location)
            .ok_or_else(|| corrupt(order))?;
        r.picked -= line.quantity;
        r.reserved -= line.quantity;
        reservations.retain(|r| !r.reserved.is_zero());
        self.forget_order_if_done(order);
        Ok(())
    }

    /// Drops an order (and its allocation rules) once nothing is reserved for it.
    fn forget_order_if_done(&mut self, order: &OrderId) {
        if self.orders.get(order).is_some_and(Vec::is_empty) {
            self.orders.remove(order);
            self.alloc.forget_rules(order);
        }
    }
}
