//! Inventory: advance shipping notices, receipts, moves and putaway, count
//! adjustments, scrap, lot status and customer returns.

use crate::capability::context::*;
use crate::command::*;
use crate::event::EventPayload;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LocationId, PartyId, SerialNumber, ShipmentId};
use crate::kernel::vocab::{PartyRole, SerialStatus, Tracking};
use crate::kernel::Quantity;
use crate::model::{LocationKind, Lot, LotDates, Origin, StockLine};
use crate::state::numbering::Issuer;
use crate::state::ItemIdx;

/// Validates [`ExpectSerials`].
pub(crate) fn expect_serials(
    ctx: &Context<'_>,
    command: &ExpectSerials,
) -> Result<Vec<EventPayload>, TraceError> {
    let ExpectSerials {
        product,
        serials,
        supplier,
        reference,
    } = command;
    ctx.product(product, Tracking::Serial)?;
    ctx.party(supplier.as_ref(), PartyRole::Supplier)?;
    distinct_serials(serials)?;
    for number in serials {
        if ctx.state.serial_idx(product, number).is_some() {
            return Err(duplicate("serial", format!("{product}/{number}")));
        }
    }
    Ok(vec![EventPayload::SerialsExpected {
        product: product.clone(),
        serials: serials.clone(),
        supplier: supplier.clone(),
        reference: reference_text(reference)?,
    }])
}

/// Validates [`ReceiveLot`].
pub(crate) fn receive_lot(
    ctx: &Context<'_>,
    command: &ReceiveLot,
) -> Result<Vec<EventPayload>, TraceError> {
    let ReceiveLot {
        spec,
        quantity,
        location,
        supplier,
        received_on,
        reference,
    } = command;
    let record = NewRecord {
        stock: Some((location, *quantity)),
        supplier: supplier.as_ref(),
        received_on: *received_on,
        reference,
        active: true,
    };
    match spec
        .lot
        .as_ref()
        .and_then(|n| ctx.state.lot(&spec.product, n))
    {
        Some(existing) if awaits_receipt(ctx, existing) => {
            receipt_into_record(ctx, existing, command)
        }
        _ => lot_record(ctx, spec, record),
    }
}

/// Whether a lot is a record still waiting for its goods: created without stock (or
/// emptied by a reversed receipt), never consumed or shipped.
fn awaits_receipt(ctx: &Context<'_>, lot: &Lot) -> bool {
    let unused = ctx
        .state
        .resolve(&lot.item())
        .is_some_and(|idx| !ctx.state.genealogy().is_used(idx));
    lot.origin == Origin::Received && lot.stock.is_empty() && unused
}

/// The receipt of goods into an existing lot record: the record as it is, with the
/// receipt's stock, date and supplier, and the dates and details the receipt gives.
fn receipt_into_record(
    ctx: &Context<'_>,
    existing: &Lot,
    receipt: &ReceiveLot,
) -> Result<Vec<EventPayload>, TraceError> {
    let ReceiveLot {
        spec,
        quantity,
        location,
        supplier,
        received_on,
        reference,
    } = receipt;
    ctx.party(supplier.as_ref(), PartyRole::Supplier)?;
    ctx.location(location)?;
    positive(*quantity)?;
    let received_on =
        crate::kernel::date::bounded("received_on", received_on.unwrap_or(ctx.today))?;
    let given = &spec.dates;
    let mut details = existing.details();
    details.manufactured_on = spec.manufactured_on.or(details.manufactured_on);
    details.weight = spec.weight.or(details.weight);
    if !spec.description.is_empty() {
        details.description = spec.description.clone();
    }
    details.supplier_lot = spec.supplier_lot.clone().or(details.supplier_lot);
    details.attributes.extend(spec.attributes.clone());
    check_details(&details, received_on)?;
    let dates = LotDates {
        expiry: given.expiry.or(existing.dates.expiry),
        best_before: given.best_before.or(existing.dates.best_before),
        removal: given.removal.or(existing.dates.removal),
        alert: given.alert.or(existing.dates.alert),
    };
    dates.check()?;
    let mut lot = Lot {
        received_on,
        dates,
        supplier: supplier.clone().or_else(|| existing.supplier.clone()),
        // A record emptied by running out (or a reversed receipt) is active again; one
        // set inactive on purpose stays so.
        active: existing.active
            || ctx
                .state
                .lot_idx(&existing.product, &existing.number)
                .is_some_and(|i| ctx.state.is_depleted(i)),
        stock: Box::new([StockLine::new(location.clone(), *quantity)]),
        ..existing.clone()
    };
    lot.set_details(details);
    Ok(vec![EventPayload::LotReceived {
        lot,
        reference: reference_text(reference)?,
    }])
}

/// Validates [`CreateLot`].
pub(crate) fn create_lot(
    ctx: &Context<'_>,
    command: &CreateLot,
) -> Result<Vec<EventPayload>, TraceError> {
    let CreateLot {
        spec,
        supplier,
        received_on,
        quantity,
        location,
        active,
        reference,
    } = command;
    let stock = match (location, quantity) {
        (Some(location), Some(quantity)) => Some((location, *quantity)),
        (None, None) => None,
        _ => {
            return Err(TraceError::invalid(
                "quantity",
                "give both a quantity and a location for initial stock, or neither",
            ))
        }
    };
    let record = NewRecord {
        stock,
        supplier: supplier.as_ref(),
        received_on: *received_on,
        reference,
        active: *active,
    };
    lot_record(ctx, spec, record)
}

/// What a new lot record starts with besides its spec.
struct NewRecord<'a> {
    stock: Option<(&'a LocationId, Quantity)>,
    supplier: Option<&'a PartyId>,
    received_on: Option<chrono::NaiveDate>,
    reference: &'a Option<String>,
    active: bool,
}

/// The events of a new lot: the numbers it drew, its receipt (with stock) or record
/// (without), and its deactivation when created inactive.
fn lot_record(
    ctx: &Context<'_>,
    spec: &LotSpec,
    record: NewRecord<'_>,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.party(record.supplier, PartyRole::Supplier)?;
    let received_on = record.received_on.unwrap_or(ctx.today);
    let reference = reference_text(record.reference)?;
    let mut issuer = Issuer::new(ctx.state);
    let mut lot = ctx.new_lot(
        spec,
        record.stock,
        received_on,
        Origin::Received,
        &mut issuer,
    )?;
    lot.supplier = record.supplier.cloned();
    let (product, number) = (lot.product.clone(), lot.number.clone());
    let mut events = issuer.events();
    events.push(match record.stock {
        Some(_) => EventPayload::LotReceived { lot, reference },
        None => EventPayload::LotCreated { lot, reference },
    });
    if !record.active {
        events.push(EventPayload::LotActiveSet {
            product,
            lot: number,
            active: false,
        });
    }
    Ok(events)
}

/// Validates [`ReceiveSerials`].
pub(crate) fn receive_serials(
    ctx: &Context<'_>,
    command: &ReceiveSerials,
) -> Result<Vec<EventPayload>, TraceError> {
    let ReceiveSerials {
        product,
        serials,
        location,
        supplier,
        reference,
        generate,
        put_away,
        received_on,
    } = command;
    let found = ctx.product(product, Tracking::Serial)?;
    let received_on =
        crate::kernel::date::bounded("received_on", received_on.unwrap_or(ctx.today))?;
    ctx.location(location)?;
    ctx.party(supplier.as_ref(), PartyRole::Supplier)?;
    for number in serials {
        if let Some(serial) = ctx.state.serial(product, number) {
            if serial.status != SerialStatus::Expected {
                return Err(duplicate("serial", format!("{product}/{number}")));
            }
        }
    }
    let mut issuer = Issuer::new(ctx.state);
    let mut received = serials.clone();
    if *generate > 0 {
        let numbers = issuer.issue_many(found, received_on, Some(location), *generate)?;
        for number in numbers {
            received.push(SerialNumber::new(number)?);
        }
    }
    distinct_serials(&received)?;
    let mut events = issuer.events();
    let putaway = |serial: &SerialNumber| EventPayload::Moved {
        item: ItemRef::Serial {
            product: product.clone(),
            serial: serial.clone(),
        },
        from: location.clone(),
        to: location.clone(),
        quantity: Quantity::ONE,
        override_expiry: false,
    };
    let putaways: Vec<_> = if *put_away {
        received.iter().map(putaway).collect()
    } else {
        Vec::new()
    };
    events.push(EventPayload::SerialsReceived {
        product: product.clone(),
        serials: received,
        location: location.clone(),
        supplier: supplier.clone(),
        reference: reference_text(reference)?,
        received_on: Some(received_on),
    });
    events.extend(putaways);
    Ok(events)
}

/// Validates [`Move`]. A move into a customer-kind location is a delivery to the
/// location's party: a [`EventPayload::Shipped`] without an order (see [`deliver`]).
pub(crate) fn move_stock(
    ctx: &Context<'_>,
    command: &Move,
) -> Result<Vec<EventPayload>, TraceError> {
    let Move {
        item,
        from,
        to,
        quantity,
        override_expiry,
    } = command;
    ctx.location(from)?;
    let destination = ctx.location(to)?;
    let same_place = || {
        TraceError::invalid(
            "to",
            "must differ from the source location (except to put a received serial away where it is)",
        )
    };
    let leaves_custody = matches!(
        destination.kind,
        LocationKind::Customer | LocationKind::Production
    );
    let to_customer = destination.kind == LocationKind::Customer;
    match ctx.item(item)? {
        Item::Lot(lot) => {
            if from == to {
                return Err(same_place());
            }
            positive(*quantity)?;
            ctx.available(item, lot, from, *quantity)?;
            if leaves_custody {
                not_held(item, lot.on_hold)?;
                ctx.check_expiry(lot, ctx.today, *override_expiry)?;
            }
        }
        Item::Serial(serial) => {
            one(*quantity)?;
            // A move is a putaway (RECEIVED; possibly where it already is, e.g. a
            // serial produced at its location) or a relocation (IN_INVENTORY); reserved
            // serials go back to stock only by cancelling their allocation.
            if from == to && serial.status != SerialStatus::Received {
                return Err(same_place());
            }
            // A serial leaves for a customer only picked on an order (the lifecycle).
            if to_customer {
                return Err(invalid_transition(serial, SerialStatus::Shipped));
            }
            if !matches!(
                serial.status,
                SerialStatus::Received | SerialStatus::InInventory
            ) {
                return Err(invalid_transition(serial, SerialStatus::InInventory));
            }
            serial_at(item, serial, from)?;
            if leaves_custody {
                not_held(item, serial.on_hold)?;
            }
        }
    }
    if to_customer {
        let customer = destination.party.as_ref().ok_or_else(|| {
            TraceError::invalid(
                "to",
                format!(
                    "customer location {to} names no customer: register it with its party, \
                     or ship the goods to the customer"
                ),
            )
        })?;
        return Ok(vec![deliver(ctx, command, customer)?]);
    }
    Ok(vec![EventPayload::Moved {
        item: item.clone(),
        from: from.clone(),
        to: to.clone(),
        quantity: *quantity,
        override_expiry: *override_expiry,
    }])
}

/// A lot quantity moved into a customer's location, as the shipment it is: numbered
/// `<location>-<n>` (the first n ≥ number of shipments + 1 not taken), dated today.
fn deliver(
    ctx: &Context<'_>,
    command: &Move,
    customer: &PartyId,
) -> Result<EventPayload, TraceError> {
    let mut n = ctx.state.shipment_records().len() + 1;
    let shipment = loop {
        let id = ShipmentId::new(format!("{}-{n}", command.to))
            .map_err(|_| TraceError::invalid("to", "too long a code to number a delivery"))?;
        if !ctx.state.has_shipment(&id) {
            break id;
        }
        n += 1;
    };
    Ok(EventPayload::Shipped {
        shipment,
        order: None,
        customer: customer.clone(),
        shipped_on: ctx.today,
        lines: vec![Line {
            item: command.item.clone(),
            location: command.from.clone(),
            quantity: command.quantity,
        }],
        override_expiry: command.override_expiry,
    })
}

/// Validates [`Adjust`].
pub(crate) fn adjust(ctx: &Context<'_>, command: &Adjust) -> Result<Vec<EventPayload>, TraceError> {
    let Adjust {
        product,
        lot,
        location,
        delta,
    } = command;
    ctx.require_reason("an adjustment")?;
    let item = ItemRef::Lot {
        product: product.clone(),
        lot: lot.clone(),
    };
    let found = ctx.lot(product, lot)?;
    ctx.location(location)?;
    if delta.is_zero() {
        return Err(TraceError::InvalidQuantity {
            quantity: *delta,
            rule: "an adjustment must not be zero",
        });
    }
    if delta.is_negative() {
        ctx.available(&item, found, location, -*delta)?;
    } else {
        room_for(found, *delta)?;
    }
    Ok(vec![EventPayload::Adjusted {
        line: Line {
            item,
            location: location.clone(),
            quantity: *delta,
        },
    }])
}

/// Validates [`Scrap`].
pub(crate) fn scrap(ctx: &Context<'_>, command: &Scrap) -> Result<Vec<EventPayload>, TraceError> {
    let Scrap {
        item,
        location,
        quantity,
    } = command;
    ctx.require_reason("scrapping")?;
    ctx.location(location)?;
    match ctx.item(item)? {
        Item::Lot(lot) => {
            positive(*quantity)?;
            ctx.available(item, lot, location, *quantity)?;
        }
        Item::Serial(serial) => {
            one(*quantity)?;
            transition(serial, SerialStatus::Scrapped)?;
            serial_at(item, serial, location)?;
        }
    }
    Ok(vec![EventPayload::Scrapped {
        line: Line {
            item: item.clone(),
            location: location.clone(),
            quantity: *quantity,
        },
    }])
}

/// Validates [`SetLotActive`].
pub(crate) fn set_lot_active(
    ctx: &Context<'_>,
    command: &SetLotActive,
) -> Result<Vec<EventPayload>, TraceError> {
    let SetLotActive {
        product,
        lot,
        active,
    } = command;
    ctx.require_reason("a lot status change")?;
    ctx.item(&ItemRef::Lot {
        product: product.clone(),
        lot: lot.clone(),
    })?;
    Ok(vec![EventPayload::LotActiveSet {
        product: product.clone(),
        lot: lot.clone(),
        active: *active,
    }])
}

/// Validates [`Return`].
pub(crate) fn customer_return(
    ctx: &Context<'_>,
    command: &Return,
) -> Result<Vec<EventPayload>, TraceError> {
    let Return {
        rma,
        customer,
        item,
        location,
        quantity,
        release,
    } = command;
    ctx.party(Some(customer), PartyRole::Customer)?;
    ctx.location(location)?;
    check_authorized_return(ctx, command)?;
    let idx = ctx.state.require(item)?;
    match ctx.item(item)? {
        Item::Lot(lot) => {
            positive(*quantity)?;
            room_for(lot, *quantity)?;
        }
        Item::Serial(serial) => {
            one(*quantity)?;
            transition(serial, SerialStatus::Received)?;
        }
    }
    let returnable = ctx.state.returnable(idx, customer);
    if returnable < *quantity {
        return Err(TraceError::InsufficientStock {
            item: Some(item.clone()),
            product: item.product().clone(),
            locations: Vec::new(),
            customer: Some(customer.clone()),
            requested: *quantity,
            available: returnable,
        });
    }
    Ok(vec![EventPayload::Returned {
        rma: rma.clone(),
        customer: customer.clone(),
        line: Line {
            item: item.clone(),
            location: location.clone(),
            quantity: *quantity,
        },
        held: matches!(idx, ItemIdx::Lot(_)) && !release,
    }])
}
