//! Corrections as compensating events, never deletions: reversing a shipment, a receipt
//! or a production posted by mistake; splitting and merging lots; unbuilding a
//! serialized assembly. Each needs a reason, checks that what it undoes is still
//! untouched, and leaves the original events in the log.

use foldhash::{HashMap, HashSet};

use crate::capability::context::*;
use crate::command::*;
use crate::event::EventPayload;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LotNumber};
use crate::kernel::vocab::{SerialStatus, Tracking};
use crate::kernel::Quantity;
use crate::model::{Lot, LotDates, Origin, StockLine};
use crate::state::numbering::Issuer;
use crate::state::ItemIdx;

/// Validates [`ReverseShipment`].
pub(crate) fn reverse_shipment(
    ctx: &Context<'_>,
    command: &ReverseShipment,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("reversing a shipment")?;
    let state = ctx.state;
    let shipment = &command.shipment;
    let n = state
        .shipment_number(shipment)
        .ok_or_else(|| TraceError::invalid("shipment", format!("unknown shipment {shipment}")))?;
    let record = &state.shipment_records()[n as usize];
    if record.reversed {
        return Err(TraceError::invalid(
            "shipment",
            format!("shipment {shipment} is already reversed"),
        ));
    }
    let customer = state.party_at(state.shipment_customer(n)).id.clone();
    let shipped = state.shipped_lines(n);
    let mut lines = Vec::with_capacity(shipped.len());
    // A lot on several lines comes back in total: each line adds to what it takes.
    let mut taken: HashMap<ItemIdx, Quantity> = HashMap::default();
    for (idx, location, quantity) in shipped {
        let item = state.item_ref(*idx);
        let last_shipment = state.genealogy().shipment_lines(*idx).last();
        let total = taken.entry(*idx).or_default();
        *total += *quantity;
        let still_out = match idx {
            ItemIdx::Serial(i) => {
                state.serials()[*i as usize].status == SerialStatus::Shipped
                    && last_shipment.is_some_and(|(s, _)| s == n)
            }
            ItemIdx::Lot(_) => state.returnable(*idx, &customer) >= *total,
        };
        if !still_out {
            return Err(TraceError::invalid(
                "shipment",
                format!("{item} of shipment {shipment} came back since; reverse only a shipment nothing was returned from"),
            ));
        }
        lines.push(Line {
            item,
            location: location.clone(),
            quantity: *quantity,
        });
    }
    Ok(vec![EventPayload::ShipmentReversed {
        shipment: shipment.clone(),
        customer,
        lines,
    }])
}

/// Validates [`ReverseReceipt`].
pub(crate) fn reverse_receipt(
    ctx: &Context<'_>,
    command: &ReverseReceipt,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("reversing a receipt")?;
    if command.items.is_empty() {
        return Err(TraceError::invalid(
            "items",
            "name at least one lot or serial",
        ));
    }
    let mut seen = HashSet::default();
    let mut lines = Vec::new();
    for item in &command.items {
        if !seen.insert(item) {
            return Err(duplicate("item", item));
        }
        let idx = ctx.state.require(item)?;
        let untouched = |what: &str| {
            TraceError::invalid("items", format!("{item} was {what} since it was received"))
        };
        match ctx.item(item)? {
            Item::Lot(lot) => {
                if lot.origin != Origin::Received {
                    return Err(TraceError::invalid(
                        "items",
                        format!("{item} was not received"),
                    ));
                }
                if ctx.state.genealogy().is_used(idx) {
                    return Err(untouched("consumed or shipped"));
                }
                if lot.stock.iter().any(|s| !s.reserved.is_zero()) {
                    return Err(untouched("reserved for an order"));
                }
                let before = lines.len();
                lines.extend(lot.stock.iter().map(|s| Line {
                    item: item.clone(),
                    location: s.location.clone(),
                    quantity: s.on_hand,
                }));
                if lines.len() == before {
                    return Err(TraceError::invalid(
                        "items",
                        format!("{item} has no stock left"),
                    ));
                }
            }
            Item::Serial(serial) => {
                if serial.origin != Origin::Received {
                    return Err(TraceError::invalid(
                        "items",
                        format!("{item} was not received"),
                    ));
                }
                let (SerialStatus::Received | SerialStatus::InInventory, Some(location)) =
                    (serial.status, &serial.location)
                else {
                    return Err(invalid_transition(serial, SerialStatus::Expected));
                };
                lines.push(Line {
                    item: item.clone(),
                    location: location.clone(),
                    quantity: Quantity::ONE,
                });
            }
        }
    }
    Ok(vec![EventPayload::ReceiptReversed { lines }])
}

/// Validates [`ReverseProduction`].
pub(crate) fn reverse_production(
    ctx: &Context<'_>,
    command: &ReverseProduction,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("reversing a production")?;
    let state = ctx.state;
    let work_order = &command.work_order;
    let at = state
        .latest_unreversed_production(work_order)
        .ok_or_else(|| {
            TraceError::invalid(
                "work_order",
                format!("{work_order} has no production to reverse"),
            )
        })?;
    let record = state.production(at);
    let outputs = state.outputs_of(record);
    let mut removed = Vec::with_capacity(outputs.len());
    let mut taken: HashMap<(ItemIdx, _), Quantity> = HashMap::default();
    for (idx, location, quantity) in outputs {
        let item = state.item_ref(*idx);
        let total = taken.entry((*idx, location)).or_default();
        *total += *quantity;
        let untouched = !state.genealogy().is_used(*idx)
            && match idx {
                ItemIdx::Lot(i) => state.lots()[*i as usize]
                    .stock_at(location)
                    .is_some_and(|s| s.available() >= *total),
                ItemIdx::Serial(i) => {
                    let serial = &state.serials()[*i as usize];
                    matches!(
                        serial.status,
                        SerialStatus::Received | SerialStatus::InInventory
                    ) && serial.location.as_ref() == Some(location)
                }
            };
        if !untouched {
            return Err(TraceError::invalid(
                "work_order",
                format!("{item}, made by {work_order}, was moved, reserved or used since"),
            ));
        }
        removed.push(Line {
            item,
            location: location.clone(),
            quantity: *quantity,
        });
    }
    let returned = components_back(ctx, &state.consumed_by(record), None)?;
    Ok(vec![EventPayload::ProductionReversed {
        work_order: work_order.clone(),
        returned,
        removed,
    }])
}

/// The lines that put consumed components back (where they came from, or all at
/// `to`), checking consumed serials are still CONSUMED and lots have room.
fn components_back(
    ctx: &Context<'_>,
    consumed: &[crate::state::production::Posting],
    to: Option<&crate::kernel::id::LocationId>,
) -> Result<Vec<Line>, TraceError> {
    let mut added: HashMap<ItemIdx, Quantity> = HashMap::default();
    let mut lines = Vec::with_capacity(consumed.len());
    for (idx, location, quantity) in consumed {
        let item = ctx.state.item_ref(*idx);
        match ctx.item(&item)? {
            Item::Lot(lot) => {
                let total = added.entry(*idx).or_default();
                *total += *quantity;
                room_for(lot, *total)?;
            }
            Item::Serial(serial) if serial.status != SerialStatus::Consumed => {
                return Err(invalid_transition(serial, SerialStatus::InInventory));
            }
            Item::Serial(_) => {}
        }
        lines.push(Line {
            item,
            location: to.unwrap_or(location).clone(),
            quantity: *quantity,
        });
    }
    Ok(lines)
}

/// Validates [`SplitLot`].
pub(crate) fn split_lot(
    ctx: &Context<'_>,
    command: &SplitLot,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("splitting a lot")?;
    let SplitLot {
        product,
        lot,
        location,
        quantity,
        new_lot,
    } = command;
    let source = ctx.lot(product, lot)?;
    let item = ItemRef::lot_of(product, lot);
    positive(*quantity)?;
    ctx.available(&item, source, location, *quantity)?;
    let mut issuer = Issuer::new(ctx.state);
    let number = match new_lot {
        Some(number) if ctx.state.lot_idx(product, number).is_some() => {
            return Err(duplicate("lot", format!("{product}/{number}")));
        }
        Some(number) => number.clone(),
        None => {
            let found = ctx.product(product, Tracking::Lot)?;
            LotNumber::new(issuer.issue(found, ctx.today, Some(location))?)?
        }
    };
    let new_lot = Lot {
        number,
        active: true,
        stock: Box::new([StockLine::new(location.clone(), *quantity)]),
        ..source.clone()
    };
    let mut events = issuer.events();
    events.push(EventPayload::LotSplit {
        product: product.clone(),
        lot: lot.clone(),
        location: location.clone(),
        new_lot,
    });
    Ok(events)
}

/// Validates [`MergeLots`].
pub(crate) fn merge_lots(
    ctx: &Context<'_>,
    command: &MergeLots,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("merging lots")?;
    let MergeLots {
        product,
        lots,
        into,
        location,
    } = command;
    if lots.is_empty() {
        return Err(TraceError::invalid(
            "lots",
            "name at least one lot to merge",
        ));
    }
    ctx.location(location)?;
    let target = ctx.lot(product, into)?;
    not_held(&target.item(), target.on_hold)?;
    let mut dates = target.dates;
    let mut total = Quantity::ZERO;
    let mut seen = HashSet::default();
    let mut sources = Vec::with_capacity(lots.len());
    for number in lots {
        if number == into || !seen.insert(number) {
            return Err(duplicate("lot", format!("{product}/{number}")));
        }
        let lot = ctx.lot(product, number)?;
        let item = lot.item();
        not_held(&item, lot.on_hold)?;
        if lot.quality != target.quality {
            return Err(TraceError::invalid(
                "lots",
                format!(
                    "{item} is {}, {into} is {}: merge lots of one quality status",
                    lot.quality, target.quality
                ),
            ));
        }
        let available = lot
            .stock_at(location)
            .map_or(Quantity::ZERO, StockLine::available);
        positive(available)
            .map_err(|_| insufficient(&item, Some(location), Quantity::ONE, available))?;
        total += available;
        room_for(target, total)?;
        dates = earliest(dates, lot.dates);
        sources.push((number.clone(), available));
    }
    Ok(vec![EventPayload::LotsMerged {
        product: product.clone(),
        into: into.clone(),
        location: location.clone(),
        sources,
        dates,
    }])
}

/// Each date the earlier of the two (a date beats none): a merged lot never outlives
/// any of its sources.
fn earliest(a: LotDates, b: LotDates) -> LotDates {
    let min = |x: Option<_>, y: Option<_>| match (x, y) {
        (Some(x), Some(y)) => Some(std::cmp::min(x, y)),
        (x, y) => x.or(y),
    };
    LotDates {
        expiry: min(a.expiry, b.expiry),
        best_before: min(a.best_before, b.best_before),
        removal: min(a.removal, b.removal),
        alert: min(a.alert, b.alert),
    }
}

/// Validates [`Unbuild`].
pub(crate) fn unbuild(
    ctx: &Context<'_>,
    command: &Unbuild,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("unbuilding an assembly")?;
    let Unbuild {
        product,
        serial,
        location,
    } = command;
    let item = ItemRef::Serial {
        product: product.clone(),
        serial: serial.clone(),
    };
    let Item::Serial(assembly) = ctx.item(&item)? else {
        return Err(TraceError::unknown_item(&item));
    };
    if !matches!(
        assembly.status,
        SerialStatus::Received | SerialStatus::InInventory
    ) {
        return Err(invalid_transition(assembly, SerialStatus::Consumed));
    }
    not_held(&item, assembly.on_hold)?;
    let (Origin::Produced { work_order }, Some(here)) = (&assembly.origin, &assembly.location)
    else {
        return Err(TraceError::invalid(
            "serial",
            format!("{item} was not assembled here"),
        ));
    };
    let idx = ctx.state.require(&item)?;
    let at = ctx
        .state
        .production_of(work_order, idx)
        .ok_or_else(|| TraceError::invalid("serial", format!("{item} was not assembled here")))?;
    let record = ctx.state.production(at);
    let outputs = ctx.state.outputs_of(record).len();
    if outputs != 1 {
        return Err(TraceError::invalid(
            "serial",
            format!(
                "{work_order} made {outputs} outputs: which components went into {item} is not recorded",
            ),
        ));
    }
    let to = location.as_ref().unwrap_or(here);
    ctx.location(to)?;
    let components = components_back(ctx, &ctx.state.consumed_by(record), Some(to))?;
    Ok(vec![EventPayload::Unbuilt {
        product: product.clone(),
        serial: serial.clone(),
        components,
    }])
}
