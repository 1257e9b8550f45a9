//! The automatic lot status changes that events imply: a lot whose stock runs out
//! (nothing on hand or reserved) through a shipment, consumption, scrap or negative
//! adjustment becomes inactive ([`E::LotDepleted`]); when stock comes back (a return, a
//! positive adjustment, production into it) a lot that went inactive that way becomes
//! active again ([`E::LotRestocked`]). A lot set inactive explicitly stays as it was set.
//!
//! Decide appends these events to every command's own, so the log records them; the
//! upcast of version 1 logs, which did not, derives them the same way.

use foldhash::HashMap;

use super::State;
use crate::event::{EventPayload as E, Produced};
use crate::kernel::id::ItemRef;
use crate::kernel::Quantity;
use crate::model::Disposition;

/// The net effect of a command's events on one existing lot.
#[derive(Clone, Copy, Default)]
struct NetChange {
    on_hand: Quantity,
    reserved: Quantity,
    /// Stock left the lot (shipment, consumption, scrap, negative adjustment).
    out: bool,
    /// Stock came into the lot (return, positive adjustment, production into it).
    came_in: bool,
}

impl State {
    /// The [`E::LotDepleted`] and [`E::LotRestocked`] events that `events` (the events
    /// of one command, not yet applied) imply, in the order the lots were first touched.
    pub(crate) fn activity_events(&self, events: &[E]) -> Vec<E> {
        // Reservations alone never empty or refill a lot (nothing is reserved beyond
        // what is on hand), so an allocation command looks nothing up.
        let reserves_only = |e: &E| {
            matches!(
                e,
                E::AllocationRequested(_) | E::Allocated { .. } | E::AllocationCancelled { .. }
            )
        };
        if events.iter().all(reserves_only) {
            return Vec::new();
        }
        let mut changes: Vec<(u32, NetChange)> = Vec::new();
        let mut position: HashMap<u32, usize> = HashMap::default();
        let mut change = |item: &ItemRef, on_hand: Quantity, reserved: Quantity| {
            let ItemRef::Lot { product, lot } = item else {
                return;
            };
            let Some(i) = self.lot_idx(product, lot) else {
                return;
            };
            let at = *position.entry(i).or_insert_with(|| {
                changes.push((i, NetChange::default()));
                changes.len() - 1
            });
            let c = &mut changes[at].1;
            c.on_hand += on_hand;
            c.reserved += reserved;
            c.out |= on_hand.is_negative();
            c.came_in |= on_hand > Quantity::ZERO;
        };
        let zero = Quantity::ZERO;
        for event in events {
            match event {
                E::Allocated { line, .. } => change(&line.item, zero, line.quantity),
                E::AllocationCancelled { line, .. } => change(&line.item, zero, -line.quantity),
                // A delivery by a move (no order) had nothing reserved.
                E::Shipped { lines, order, .. } => lines.iter().for_each(|l| {
                    let reserved = if order.is_some() { l.quantity } else { zero };
                    change(&l.item, -l.quantity, -reserved)
                }),
                E::Produced {
                    consumed, outputs, ..
                } => {
                    consumed
                        .iter()
                        .for_each(|l| change(&l.item, -l.quantity, zero));
                    for output in outputs {
                        if let Produced::IntoLot(l) = output {
                            change(&l.item, l.quantity, zero);
                        }
                    }
                }
                E::Adjusted { line } | E::Returned { line, .. } => {
                    change(&line.item, line.quantity, zero)
                }
                E::Scrapped { line } => change(&line.item, -line.quantity, zero),
                E::ShipmentReversed { .. }
                | E::ReceiptReversed { .. }
                | E::ProductionReversed { .. }
                | E::LotSplit { .. }
                | E::LotsMerged { .. }
                | E::Unbuilt { .. }
                | E::Serviced { .. }
                | E::ReturnDisposed { .. } => correction_changes(event, &mut change),
                E::ProductRegistered(_)
                | E::ProductUpdated(_)
                | E::LocationRegistered(_)
                | E::PartyRegistered(_)
                | E::SerialsExpected { .. }
                | E::LotReceived { .. }
                | E::LotCreated { .. }
                | E::SerialsReceived { .. }
                | E::Moved { .. }
                | E::Picked { .. }
                | E::LotActiveSet { .. }
                | E::AllocationRequested(_)
                | E::LotDatesUpdated { .. }
                | E::LotDetailsUpdated { .. }
                | E::TestResultRecorded { .. }
                | E::CertificateLinked { .. }
                | E::QualityStatusSet { .. }
                | E::HoldPlaced { .. }
                | E::HoldReleased { .. }
                | E::Packed { .. }
                | E::Unpacked { .. }
                | E::LotDepleted { .. }
                | E::LotRestocked { .. }
                | E::Recalled { .. }
                | E::NumberingSchemeDefined(_)
                | E::NumbersIssued { .. }
                | E::WarrantyDefined(_)
                | E::Installed { .. }
                | E::ClaimOpened(_)
                | E::ClaimDecided { .. }
                | E::ClaimClosed { .. }
                | E::CampaignStarted(_)
                | E::CampaignUpdated { .. }
                | E::ReturnReasonDefined(_)
                | E::ReturnAuthorized(_)
                | E::ReturnInspected { .. }
                | E::UpstreamLinked { .. }
                | E::BatchParameterRecorded { .. }
                | E::BatchStepRecorded { .. }
                | E::RecordSigned { .. }
                | E::NonConformanceOpened { .. }
                | E::CorrectiveActionAdded { .. }
                | E::CorrectiveActionCompleted { .. }
                | E::NonConformanceClosed { .. } => {}
            }
        }
        changes
            .into_iter()
            .filter_map(|(i, c)| self.activity_of(i, c))
            .collect()
    }

    fn activity_of(&self, i: u32, change: NetChange) -> Option<E> {
        let lot = self.lot_at(i);
        let reserved: Quantity = lot.stock.iter().map(|s| s.reserved).sum();
        let empty =
            (lot.on_hand() + change.on_hand).is_zero() && (reserved + change.reserved).is_zero();
        let ids = || (lot.product.clone(), lot.number.clone());
        if change.out && empty && lot.active {
            let (product, lot) = ids();
            Some(E::LotDepleted { product, lot })
        } else if change.came_in && !empty && self.is_depleted(i) {
            let (product, lot) = ids();
            Some(E::LotRestocked { product, lot })
        } else {
            None
        }
    }
}

/// The stock changes of a correction or an after-sale event (reversals, re-lotting,
/// unbuilds, fitted service parts, disposed returns).
fn correction_changes(event: &E, change: &mut impl FnMut(&ItemRef, Quantity, Quantity)) {
    let zero = Quantity::ZERO;
    match event {
        E::ShipmentReversed { lines, .. } => {
            lines.iter().for_each(|l| change(&l.item, l.quantity, zero))
        }
        E::ReceiptReversed { lines } => lines
            .iter()
            .for_each(|l| change(&l.item, -l.quantity, zero)),
        E::ProductionReversed {
            returned, removed, ..
        } => {
            returned
                .iter()
                .for_each(|l| change(&l.item, l.quantity, zero));
            removed
                .iter()
                .for_each(|l| change(&l.item, -l.quantity, zero));
        }
        E::LotSplit {
            product,
            lot,
            new_lot,
            ..
        } => change(&ItemRef::lot_of(product, lot), -new_lot.on_hand(), zero),
        E::LotsMerged {
            product,
            into,
            sources,
            ..
        } => {
            for (lot, quantity) in sources {
                change(&ItemRef::lot_of(product, lot), -*quantity, zero);
                change(&ItemRef::lot_of(product, into), *quantity, zero);
            }
        }
        E::Serviced { record, .. } => {
            if let Some(fitted) = &record.fitted {
                change(&fitted.item, -fitted.quantity, zero);
            }
        }
        E::ReturnDisposed {
            line, disposition, ..
        } => {
            if matches!(
                disposition,
                Disposition::Scrap | Disposition::ReturnToSupplier
            ) {
                change(&line.item, -line.quantity, zero);
            }
        }
        E::Unbuilt { components, .. } => components
            .iter()
            .for_each(|l| change(&l.item, l.quantity, zero)),
        _ => {}
    }
}
