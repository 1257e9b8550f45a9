//! Applying corrections: reversed shipments, receipts and productions, lot splits and
//! merges, and unbuilt assemblies. Re-lotting and disassembly add genealogy edges under
//! an operation named after the event (`SPLIT-<seq>`, `MERGE-<seq>`, `UNBUILD-<seq>`),
//! so traces follow the stock through them.

use super::{corrupt, ItemIdx, State};
use crate::command::Line;
use crate::event::EventPayload as E;
use crate::kernel::error::TraceError;
use crate::kernel::id::{
    ItemRef, LocationId, LotNumber, PartyId, ProductId, SerialNumber, ShipmentId, WorkOrderId,
};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::{Lot, LotDates};

/// The genealogy operation of a re-lotting or disassembly event.
fn operation(kind: &str, seq: u64) -> Result<WorkOrderId, TraceError> {
    WorkOrderId::new(format!("{kind}-{seq}")).map_err(|_| corrupt(kind))
}

impl State {
    /// Applies one correction event.
    pub(super) fn apply_correction(&mut self, seq: u64, payload: &E) -> Result<(), TraceError> {
        match payload {
            E::ShipmentReversed {
                shipment,
                customer,
                lines,
            } => self.reverse_shipment(seq, shipment, customer, lines),
            E::ReceiptReversed { lines } => self.reverse_receipt(seq, lines),
            E::ProductionReversed {
                work_order,
                returned,
                removed,
            } => self.reverse_production(seq, work_order, returned, removed),
            E::LotSplit {
                product,
                lot,
                location,
                new_lot,
            } => self.split_lot(seq, product, lot, location, new_lot),
            E::LotsMerged {
                product,
                into,
                location,
                sources,
                dates,
            } => self.merge_lots(seq, product, into, location, sources, dates),
            E::Unbuilt {
                product,
                serial,
                components,
            } => self.unbuild(seq, product, serial, components),
            _ => Err(corrupt("a correction event")),
        }
    }

    fn reverse_shipment(
        &mut self,
        seq: u64,
        shipment: &ShipmentId,
        customer: &PartyId,
        lines: &[Line],
    ) -> Result<(), TraceError> {
        self.party_or_corrupt(customer)?;
        let n = self
            .shipment_number(shipment)
            .ok_or_else(|| corrupt(shipment))?;
        for line in lines {
            self.put_or_take(seq, line, true, SerialStatus::InInventory)?;
        }
        // No longer counts towards what the customer may return.
        self.shipments[n as usize].reversed = true;
        Ok(())
    }

    /// A reversed receipt: lot stock leaves, serials go back to EXPECTED (nowhere).
    fn reverse_receipt(&mut self, seq: u64, lines: &[Line]) -> Result<(), TraceError> {
        for line in lines {
            self.put_or_take(seq, line, false, SerialStatus::Expected)?;
        }
        Ok(())
    }

    fn reverse_production(
        &mut self,
        seq: u64,
        work_order: &WorkOrderId,
        returned: &[Line],
        removed: &[Line],
    ) -> Result<(), TraceError> {
        let production = self
            .latest_unreversed_production(work_order)
            .ok_or_else(|| corrupt(work_order))?;
        for line in returned {
            self.put_or_take(seq, line, true, SerialStatus::InInventory)?;
        }
        for line in removed {
            self.put_or_take(seq, line, false, SerialStatus::Scrapped)?;
        }
        let (first_edge, edges) = Self::edge_range(&self.productions[production as usize]);
        self.genealogy.unlink(first_edge, edges);
        self.productions[production as usize].reversed = true;
        Ok(())
    }

    fn split_lot(
        &mut self,
        seq: u64,
        product: &ProductId,
        lot: &LotNumber,
        location: &LocationId,
        new_lot: &Lot,
    ) -> Result<(), TraceError> {
        let source = self.lot_or_corrupt(product, lot)?;
        let quantity = new_lot.on_hand();
        self.change_lot_stock(source, location, -quantity, Quantity::ZERO);
        self.touch(seq, ItemIdx::Lot(source));
        let target = self.add_lot(seq, new_lot.clone())?;
        self.genealogy.record_production(
            &operation("SPLIT", seq)?,
            &[(ItemIdx::Lot(source), quantity)],
            &[ItemIdx::Lot(target)],
        );
        Ok(())
    }

    fn merge_lots(
        &mut self,
        seq: u64,
        product: &ProductId,
        into: &LotNumber,
        location: &LocationId,
        sources: &[(LotNumber, Quantity)],
        dates: &LotDates,
    ) -> Result<(), TraceError> {
        let target = self.lot_or_corrupt(product, into)?;
        let mut consumed = Vec::with_capacity(sources.len());
        for (lot, quantity) in sources {
            let source = self.lot_or_corrupt(product, lot)?;
            self.change_lot_stock(source, location, -*quantity, Quantity::ZERO);
            self.change_lot_stock(target, location, *quantity, Quantity::ZERO);
            self.touch(seq, ItemIdx::Lot(source));
            consumed.push((ItemIdx::Lot(source), *quantity));
        }
        self.set_lot_dates(seq, product, into, dates)?;
        self.touch_location(seq, location);
        self.genealogy.record_production(
            &operation("MERGE", seq)?,
            &consumed,
            &[ItemIdx::Lot(target)],
        );
        Ok(())
    }

    fn unbuild(
        &mut self,
        seq: u64,
        product: &ProductId,
        serial: &SerialNumber,
        components: &[Line],
    ) -> Result<(), TraceError> {
        let assembly = self.resolve_or_corrupt(&ItemRef::Serial {
            product: product.clone(),
            serial: serial.clone(),
        })?;
        self.set_serial(assembly, SerialStatus::Consumed, Some(None), Some(None))?;
        self.touch(seq, assembly);
        let mut outputs = Vec::with_capacity(components.len());
        for line in components {
            outputs.push(self.put_or_take(seq, line, true, SerialStatus::InInventory)?);
        }
        self.genealogy.record_production(
            &operation("UNBUILD", seq)?,
            &[(assembly, Quantity::ONE)],
            &outputs,
        );
        Ok(())
    }
}
