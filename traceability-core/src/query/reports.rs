//! Lookups and reports: serial lookup by full or partial number, serial history
//! (receipt → shipment, with locations), lot movement history, and lot and serial
//! inventory by location. Every row carries public ids, never internal indexes, and
//! serialises to JSON for the bindings.
//!
//! ```
//! use traceability_core::query::reports::{find_serials, SerialQuery};
//! let rows = find_serials(&traceability_core::State::default(), &SerialQuery::text("SN"));
//! assert!(rows.is_empty());
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::command::Line;
use crate::event::{Event, EventPayload, Produced};
use crate::kernel::id::{
    ItemRef, LocationId, LotNumber, OrderId, PartyId, ProductId, SerialNumber,
};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::QualityStatus;
use crate::state::State;

/// A serial search: a full or partial number (case-insensitive), optionally filtered
/// by product and status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SerialQuery {
    /// Full or partial serial number (`None`: any).
    pub number: Option<String>,
    /// Only this product.
    pub product: Option<ProductId>,
    /// Only this status.
    pub status: Option<SerialStatus>,
}

impl SerialQuery {
    /// Every serial whose number contains `text`.
    ///
    /// ```
    /// assert_eq!(traceability_core::query::reports::SerialQuery::text("A1").number.as_deref(), Some("A1"));
    /// ```
    pub fn text(text: &str) -> Self {
        Self {
            number: Some(text.to_owned()),
            ..Self::default()
        }
    }
}

/// A serial found by [`find_serials`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SerialInfo {
    /// Product.
    pub product: ProductId,
    /// Serial number.
    pub serial: SerialNumber,
    /// Status.
    pub status: SerialStatus,
    /// Where it is (in our custody).
    pub location: Option<LocationId>,
    /// Order it is allocated or picked for.
    pub order: Option<OrderId>,
    /// Supplier.
    pub supplier: Option<PartyId>,
    /// On hold.
    pub on_hold: bool,
    /// Whether the number matched exactly (exact matches come first).
    pub exact: bool,
}

/// Finds serials: exact number matches first, then partial ones, each by product and
/// number. See the module docs for an example.
pub fn find_serials(state: &State, query: &SerialQuery) -> Vec<SerialInfo> {
    let needle = query
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_lowercase);
    let mut rows: Vec<SerialInfo> = state
        .serials()
        .iter()
        .filter(|s| query.product.as_ref().is_none_or(|p| &s.product == p))
        .filter(|s| query.status.is_none_or(|st| s.status == st))
        .filter_map(|s| {
            let number = s.number.as_str().to_lowercase();
            let exact = match &needle {
                None => false,
                Some(n) if number == *n => true,
                Some(n) if number.contains(n.as_str()) => false,
                Some(_) => return None,
            };
            Some(SerialInfo {
                product: s.product.clone(),
                serial: s.number.clone(),
                status: s.status,
                location: s.location.clone(),
                order: s.order.clone(),
                supplier: s.supplier.clone(),
                on_hold: s.on_hold,
                exact,
            })
        })
        .collect();
    rows.sort_by(|a, b| (!a.exact, &a.product, &a.serial).cmp(&(!b.exact, &b.product, &b.serial)));
    rows
}

/// One step in the history of a lot or serial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Movement {
    /// Event sequence number.
    pub seq: u64,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// Why, if given.
    pub reason: Option<String>,
    /// What happened: `expected`, `received`, `moved`, `allocated`, `allocation_cancelled`,
    /// `picked`, `shipped`, `consumed`, `produced`, `adjusted`, `scrapped`, `active_set`,
    /// `returned`, `dates_updated`, `test_recorded`, `certificate_linked`, `quality_set`,
    /// `hold_placed`, `hold_released`, `depleted`, `restocked`, `recalled` or
    /// `nonconformance_opened`.
    pub action: &'static str,
    /// Location stock left.
    pub from: Option<LocationId>,
    /// Location stock arrived at.
    pub to: Option<LocationId>,
    /// Quantity moved, never negative (a negative adjustment is a quantity taken
    /// `from` its location).
    pub quantity: Option<Quantity>,
    /// Order, for allocations, picks and shipments.
    pub order: Option<OrderId>,
    /// Shipment, work order, RMA or receipt reference.
    pub reference: Option<String>,
    /// Customer or supplier.
    pub party: Option<PartyId>,
    /// Date of the business fact (ship, production date), when the event has one.
    pub date: Option<NaiveDate>,
}

pub(crate) fn movements_of(item: &ItemRef, event: &Event) -> Vec<Movement> {
    let base = |action| Movement::of(event, action);
    let from_line = |action, line: &Line| Movement::of(event, action).taken_from(line);
    let to_line = |action, line: &Line| Movement::of(event, action).put_into(line);
    let reservation = |action, order: &OrderId, line: &Line| Movement {
        order: Some(order.clone()),
        ..from_line(action, line)
    };
    let mut out = Vec::new();
    match &event.body.payload {
        EventPayload::SerialsExpected { .. }
        | EventPayload::LotReceived { .. }
        | EventPayload::LotCreated { .. }
        | EventPayload::SerialsReceived { .. } => out.extend(arrival_movement(event)),
        EventPayload::Moved {
            from, to, quantity, ..
        } => out.push(Movement {
            from: Some(from.clone()),
            to: Some(to.clone()),
            quantity: Some(*quantity),
            ..base("moved")
        }),
        EventPayload::Allocated { order, line } => out.push(reservation("allocated", order, line)),
        EventPayload::AllocationCancelled { order, line } => {
            out.push(reservation("allocation_cancelled", order, line))
        }
        EventPayload::Picked { order, line } => out.push(reservation("picked", order, line)),
        EventPayload::Shipped { lines, .. } => out.extend(
            lines
                .iter()
                .filter(|l| &l.item == item)
                .map(|l| shipped_movement(event, l)),
        ),
        EventPayload::Produced { .. } => produced_movements(item, event, &mut out),
        EventPayload::Packed { .. } | EventPayload::Unpacked { .. } => {
            out.extend(packing_movement(item, event))
        }
        // A negative adjustment takes stock out of its location.
        EventPayload::Adjusted { line } if line.quantity.is_negative() => {
            out.push(from_line("adjusted", line).with_quantity(-line.quantity))
        }
        EventPayload::Adjusted { line } => out.push(to_line("adjusted", line)),
        EventPayload::Scrapped { line } => out.push(from_line("scrapped", line)),
        EventPayload::Returned {
            rma,
            customer,
            line,
            ..
        } => out.push(Movement {
            reference: Some(rma.to_string()),
            party: Some(customer.clone()),
            ..to_line("returned", line)
        }),
        EventPayload::ShipmentReversed { .. }
        | EventPayload::ReceiptReversed { .. }
        | EventPayload::ProductionReversed { .. }
        | EventPayload::LotSplit { .. }
        | EventPayload::LotsMerged { .. }
        | EventPayload::Unbuilt { .. } => correction_movements(item, event, &mut out),
        EventPayload::Serviced { .. } | EventPayload::ReturnDisposed { .. } => {
            out.extend(after_sale_movement(item, event))
        }
        EventPayload::Installed { .. }
        | EventPayload::ClaimOpened(_)
        | EventPayload::ClaimDecided { .. }
        | EventPayload::ClaimClosed { .. }
        | EventPayload::ReturnInspected { .. }
        | EventPayload::UpstreamLinked { .. } => out.push(base(event.body.payload.action())),
        // The serial lists of campaigns and authorisations are read from their records.
        EventPayload::WarrantyDefined(_)
        | EventPayload::CampaignStarted(_)
        | EventPayload::CampaignUpdated { .. }
        | EventPayload::ReturnReasonDefined(_)
        | EventPayload::ReturnAuthorized(_) => {}
        // Events without quantities or places: recorded by name.
        EventPayload::LotActiveSet { .. }
        | EventPayload::LotDatesUpdated { .. }
        | EventPayload::LotDetailsUpdated { .. }
        | EventPayload::TestResultRecorded { .. }
        | EventPayload::CertificateLinked { .. }
        | EventPayload::QualityStatusSet { .. }
        | EventPayload::HoldPlaced { .. }
        | EventPayload::HoldReleased { .. }
        | EventPayload::LotDepleted { .. }
        | EventPayload::LotRestocked { .. }
        | EventPayload::Recalled { .. } => out.push(base(event.body.payload.action())),
        // Master data, allocation rules and numbering are not part of any lot's or
        // serial's history (the receipt or production that uses a number is).
        EventPayload::ProductRegistered(_)
        | EventPayload::ProductUpdated(_)
        | EventPayload::LocationRegistered(_)
        | EventPayload::PartyRegistered(_)
        | EventPayload::AllocationRequested(_)
        | EventPayload::NumberingSchemeDefined(_)
        | EventPayload::NumbersIssued { .. } => {}
        // A non-conformance names the lots and serials it concerns; batch records,
        // signatures and CAPAs touch none.
        EventPayload::NonConformanceOpened { .. } => out.push(base(event.body.payload.action())),
        EventPayload::BatchParameterRecorded { .. }
        | EventPayload::BatchStepRecorded { .. }
        | EventPayload::RecordSigned { .. }
        | EventPayload::CorrectiveActionAdded { .. }
        | EventPayload::CorrectiveActionCompleted { .. }
        | EventPayload::NonConformanceClosed { .. } => {}
    }
    out
}

/// A line of a shipment event as a movement.
/// What packing `item` into a container (at its location, with its quantity), or
/// unpacking one, reads as.
fn packing_movement(item: &ItemRef, event: &Event) -> Option<Movement> {
    match &event.body.payload {
        EventPayload::Packed {
            container,
            location,
            contents,
        } => contents.iter().find(|c| &c.item == item).map(|c| Movement {
            to: Some(location.clone()),
            quantity: Some(c.quantity),
            reference: Some(container.to_string()),
            ..Movement::of(event, "packed")
        }),
        EventPayload::Unpacked { container } => Some(Movement {
            reference: Some(container.to_string()),
            ..Movement::of(event, "unpacked")
        }),
        _ => None,
    }
}

fn shipped_movement(event: &Event, line: &Line) -> Movement {
    let mut movement = Movement {
        from: Some(line.location.clone()),
        quantity: Some(line.quantity),
        ..Movement::of(event, "shipped")
    };
    if let EventPayload::Shipped {
        shipment,
        order,
        customer,
        shipped_on,
        ..
    } = &event.body.payload
    {
        movement.order = order.clone();
        movement.reference = Some(shipment.to_string());
        movement.party = Some(customer.clone());
        movement.date = Some(*shipped_on);
    }
    movement
}

impl Movement {
    /// A movement of `event` with no place, quantity or party yet.
    fn of(event: &Event, action: &'static str) -> Self {
        Self {
            seq: event.seq,
            recorded_at: event.body.recorded_at,
            actor: event.body.actor.to_string(),
            reason: event.body.reason.as_deref().map(str::to_owned),
            action,
            from: None,
            to: None,
            quantity: None,
            order: None,
            reference: None,
            party: None,
            date: None,
        }
    }

    /// Taken out of the line's location.
    fn taken_from(self, line: &Line) -> Self {
        Self {
            from: Some(line.location.clone()),
            quantity: Some(line.quantity),
            ..self
        }
    }

    /// The same movement of another quantity.
    fn with_quantity(self, quantity: Quantity) -> Self {
        Self {
            quantity: Some(quantity),
            ..self
        }
    }

    /// Put into the line's location.
    fn put_into(self, line: &Line) -> Self {
        Self {
            to: Some(line.location.clone()),
            quantity: Some(line.quantity),
            ..self
        }
    }
}

/// The movements of a correction (reversal, split, merge, unbuild) for `item`.
fn correction_movements(item: &ItemRef, event: &Event, out: &mut Vec<Movement>) {
    let action = event.body.payload.action();
    let base = || Movement::of(event, action);
    match &event.body.payload {
        EventPayload::ShipmentReversed {
            shipment,
            customer,
            lines,
        } => out.extend(lines_of(lines, item).map(|l| Movement {
            reference: Some(shipment.to_string()),
            party: Some(customer.clone()),
            ..base().put_into(l)
        })),
        EventPayload::ReceiptReversed { lines } => {
            out.extend(lines_of(lines, item).map(|l| base().taken_from(l)))
        }
        EventPayload::ProductionReversed {
            work_order,
            returned,
            removed,
        } => {
            let reference = || Some(work_order.to_string());
            out.extend(lines_of(returned, item).map(|l| Movement {
                reference: reference(),
                ..base().put_into(l)
            }));
            out.extend(lines_of(removed, item).map(|l| Movement {
                reference: reference(),
                ..base().taken_from(l)
            }));
        }
        EventPayload::LotSplit {
            product,
            lot,
            location,
            new_lot,
        } => {
            let line = Line {
                item: item.clone(),
                location: location.clone(),
                quantity: new_lot.on_hand(),
            };
            if *item == ItemRef::lot_of(product, lot) {
                out.push(Movement {
                    reference: Some(new_lot.number.to_string()),
                    ..base().taken_from(&line)
                });
            } else if *item == new_lot.item() {
                out.push(Movement {
                    reference: Some(lot.to_string()),
                    ..base().put_into(&line)
                });
            }
        }
        EventPayload::LotsMerged {
            product,
            into,
            location,
            sources,
            ..
        } => {
            for (lot, quantity) in sources {
                let line = |item: &ItemRef| Line {
                    item: item.clone(),
                    location: location.clone(),
                    quantity: *quantity,
                };
                if *item == ItemRef::lot_of(product, lot) {
                    out.push(Movement {
                        reference: Some(into.to_string()),
                        ..base().taken_from(&line(item))
                    });
                } else if *item == ItemRef::lot_of(product, into) {
                    out.push(Movement {
                        reference: Some(lot.to_string()),
                        ..base().put_into(&line(item))
                    });
                }
            }
        }
        EventPayload::Unbuilt {
            product,
            serial,
            components,
        } => {
            let assembly = ItemRef::Serial {
                product: product.clone(),
                serial: serial.clone(),
            };
            if *item == assembly {
                out.push(base());
            }
            out.extend(lines_of(components, item).map(|l| Movement {
                reference: Some(serial.to_string()),
                ..base().put_into(l)
            }));
        }
        _ => {}
    }
}

/// The movement of an arrival: serials announced, a lot received or created, serials
/// received.
fn arrival_movement(event: &Event) -> Option<Movement> {
    let base = |action| Movement::of(event, action);
    match &event.body.payload {
        EventPayload::SerialsExpected {
            supplier,
            reference,
            ..
        } => Some(Movement {
            party: supplier.clone(),
            reference: reference.clone(),
            ..base("expected")
        }),
        EventPayload::LotReceived { lot, reference }
        | EventPayload::LotCreated { lot, reference } => Some(Movement {
            to: lot.stock.first().map(|s| s.location.clone()),
            quantity: (!lot.stock.is_empty()).then(|| lot.on_hand()),
            party: lot.supplier.clone(),
            reference: reference.clone(),
            date: Some(lot.received_on),
            ..base(event.body.payload.action())
        }),
        EventPayload::SerialsReceived {
            location,
            supplier,
            reference,
            ..
        } => Some(Movement {
            to: Some(location.clone()),
            quantity: Some(Quantity::ONE),
            party: supplier.clone(),
            reference: reference.clone(),
            ..base("received")
        }),
        _ => None,
    }
}

/// The movement of a service visit (a fitted part leaves its location) or a disposed
/// return for `item`, if it is about it.
fn after_sale_movement(item: &ItemRef, event: &Event) -> Option<Movement> {
    let base = |action| Movement::of(event, action);
    match &event.body.payload {
        EventPayload::Serviced { record, .. } => {
            let fitted = record.fitted.as_ref().filter(|f| &f.item == item);
            Some(match fitted {
                Some(f) => Movement {
                    from: Some(f.location.clone()),
                    quantity: Some(f.quantity),
                    ..base("serviced")
                },
                None => base("serviced"),
            })
        }
        EventPayload::ReturnDisposed { rma, line, to, .. } if &line.item == item => {
            Some(Movement {
                to: to.clone(),
                reference: Some(rma.to_string()),
                ..base("return_disposed").taken_from(line)
            })
        }
        _ => None,
    }
}

/// The lines of `lines` about `item`.
fn lines_of<'a>(lines: &'a [Line], item: &'a ItemRef) -> impl Iterator<Item = &'a Line> {
    lines.iter().filter(move |l| &l.item == item)
}

/// The consumption and output movements of a production event for `item`.
fn produced_movements(item: &ItemRef, event: &Event, out: &mut Vec<Movement>) {
    let EventPayload::Produced {
        work_order,
        produced_on,
        consumed,
        outputs,
        ..
    } = &event.body.payload
    else {
        return;
    };
    let produced_on = *produced_on;
    let base = |action| Movement::of(event, action);
    out.extend(
        consumed
            .iter()
            .filter(|l| &l.item == item)
            .map(|l| Movement {
                from: Some(l.location.clone()),
                quantity: Some(l.quantity),
                reference: Some(work_order.to_string()),
                date: Some(produced_on),
                ..base("consumed")
            }),
    );
    for o in outputs.iter().filter(|o| &o.item() == item) {
        let (to, quantity) = match o {
            Produced::NewLot(lot) => (lot.stock.first().map(|s| s.location.clone()), lot.on_hand()),
            Produced::IntoLot(l) => (Some(l.location.clone()), l.quantity),
            Produced::NewSerial { location, .. } => (Some(location.clone()), Quantity::ONE),
        };
        out.push(Movement {
            to,
            quantity: Some(quantity),
            reference: Some(work_order.to_string()),
            date: Some(produced_on),
            ..base("produced")
        });
    }
}

/// One lot's stock at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LotStockRow {
    /// Location.
    pub location: LocationId,
    /// Product.
    pub product: ProductId,
    /// Lot.
    pub lot: LotNumber,
    /// On hand.
    pub on_hand: Quantity,
    /// Reserved.
    pub reserved: Quantity,
    /// Available (on hand − reserved).
    pub available: Quantity,
    /// Expiry date.
    pub expiry: Option<NaiveDate>,
    /// Quality status.
    pub quality: QualityStatus,
    /// On hold.
    pub on_hold: bool,
    /// Active.
    pub active: bool,
}

/// Lot stock by location (optionally one location and/or product), ordered by
/// location, product, lot.
///
/// ```
/// use traceability_core::query::reports::lot_inventory_by_location;
/// assert!(lot_inventory_by_location(&traceability_core::State::default(), None, None).is_empty());
/// ```
pub fn lot_inventory_by_location(
    state: &State,
    location: Option<&LocationId>,
    product: Option<&ProductId>,
) -> Vec<LotStockRow> {
    let mut rows: Vec<LotStockRow> = state
        .lots()
        .iter()
        .filter(|l| product.is_none_or(|p| &l.product == p))
        .flat_map(|l| {
            l.stock
                .iter()
                .filter(move |s| location.is_none_or(|loc| &s.location == loc))
                .map(move |s| LotStockRow {
                    location: s.location.clone(),
                    product: l.product.clone(),
                    lot: l.number.clone(),
                    on_hand: s.on_hand,
                    reserved: s.reserved,
                    available: s.available(),
                    expiry: l.dates.expiry,
                    quality: l.quality,
                    on_hold: l.on_hold,
                    active: l.active,
                })
        })
        .collect();
    rows.sort_by(|a, b| (&a.location, &a.product, &a.lot).cmp(&(&b.location, &b.product, &b.lot)));
    rows
}

/// One serial in our custody at a location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SerialStockRow {
    /// Location.
    pub location: LocationId,
    /// Product.
    pub product: ProductId,
    /// Serial.
    pub serial: SerialNumber,
    /// Status (RECEIVED, IN_INVENTORY, ALLOCATED, PICKED).
    pub status: SerialStatus,
    /// On hold.
    pub on_hold: bool,
}

/// Serials at locations (optionally one location and/or product), ordered by location,
/// product, serial.
///
/// ```
/// use traceability_core::query::reports::serial_inventory_by_location;
/// assert!(serial_inventory_by_location(&traceability_core::State::default(), None, None).is_empty());
/// ```
pub fn serial_inventory_by_location(
    state: &State,
    location: Option<&LocationId>,
    product: Option<&ProductId>,
) -> Vec<SerialStockRow> {
    let mut rows: Vec<SerialStockRow> = state
        .serials()
        .iter()
        .filter(|s| product.is_none_or(|p| &s.product == p))
        .filter_map(|s| {
            let at = s.location.as_ref()?;
            if location.is_some_and(|l| l != at) {
                return None;
            }
            Some(SerialStockRow {
                location: at.clone(),
                product: s.product.clone(),
                serial: s.number.clone(),
                status: s.status,
                on_hold: s.on_hold,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.location, &a.product, &a.serial).cmp(&(&b.location, &b.product, &b.serial))
    });
    rows
}
