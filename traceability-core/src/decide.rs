//! Validation: a command checked against the current state becomes events, or a typed
//! error. Nothing here mutates the state; [`crate::State::apply`] does that once the
//! events are stored.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::command::{Command, Line, LotSpec, Output};
use crate::error::TraceError;
use crate::event::{EventPayload, Produced};
use crate::kernel::date::{bounded, bounded_opt, not_before, offset};
use crate::kernel::text::{free_text, identifier};
use crate::model::{
    ItemRef, Location, LocationId, LocationKind, Lot, Origin, PartyId, PartyRole, Product,
    ProductId, QualityStatus, Quantity, Serial, SerialNumber, SerialStatus, StockLine, Tracking,
};
use crate::state::{ItemIdx, State};

/// What a command is validated against: the state, today's date and the reason given.
pub struct Context<'a> {
    /// The current state.
    pub state: &'a State,
    /// Today, from the tracker's clock.
    pub today: NaiveDate,
    /// The reason given with the command.
    pub reason: Option<&'a str>,
}

/// Validates `command` and returns the events it becomes.
///
/// ```
/// use traceability_core::{decide::{decide, Context}, Command, Product, ProductId, State, Tracking};
/// let state = State::default();
/// let ctx = Context { state: &state, today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), reason: None };
/// let cmd = Command::RegisterProduct(Product::new(ProductId::new("MILK").unwrap(), Tracking::Lot));
/// assert_eq!(decide(&ctx, &cmd).unwrap().len(), 1);
/// ```
pub fn decide(ctx: &Context<'_>, command: &Command) -> Result<Vec<EventPayload>, TraceError> {
    match command {
        Command::RegisterProduct(product) => {
            if ctx.state.product(&product.id).is_some() {
                return Err(duplicate("product", &product.id));
            }
            identifier("unit", &product.unit)?;
            free_text("description", &product.description)?;
            free_text(
                "numbering_pattern",
                product.numbering_pattern.as_deref().unwrap_or_default(),
            )?;
            for (field, days) in [
                ("shelf_life_days", product.shelf_life_days),
                ("best_before_days", product.best_before_days),
                ("removal_days", product.removal_days),
                ("alert_days", product.alert_days),
                ("expiry_warning_days", product.expiry_warning_days),
            ] {
                offset(field, days)?;
            }
            Ok(vec![EventPayload::ProductRegistered(product.clone())])
        }
        Command::RegisterLocation(location) => {
            if ctx.state.location(&location.id).is_some() {
                return Err(duplicate("location", &location.id));
            }
            free_text("description", &location.description)?;
            Ok(vec![EventPayload::LocationRegistered(location.clone())])
        }
        Command::RegisterParty(party) => {
            if ctx.state.party(&party.id).is_some() {
                return Err(duplicate("party", &party.id));
            }
            free_text("name", &party.name)?;
            Ok(vec![EventPayload::PartyRegistered(party.clone())])
        }
        Command::ExpectSerials {
            product,
            serials,
            supplier,
            reference,
        } => {
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
        Command::ReceiveLot {
            spec,
            quantity,
            location,
            supplier,
            received_on,
            reference,
        } => {
            ctx.party(supplier.as_ref(), PartyRole::Supplier)?;
            let received_on = received_on.unwrap_or(ctx.today);
            let mut lot = ctx.new_lot(spec, *quantity, location, received_on, Origin::Received)?;
            lot.supplier = supplier.clone();
            Ok(vec![EventPayload::LotReceived {
                lot,
                reference: reference_text(reference)?,
            }])
        }
        Command::ReceiveSerials {
            product,
            serials,
            location,
            supplier,
            reference,
        } => {
            ctx.product(product, Tracking::Serial)?;
            ctx.location(location)?;
            ctx.party(supplier.as_ref(), PartyRole::Supplier)?;
            distinct_serials(serials)?;
            for number in serials {
                if let Some(serial) = ctx.state.serial(product, number) {
                    if serial.status != SerialStatus::Expected {
                        return Err(duplicate("serial", format!("{product}/{number}")));
                    }
                }
            }
            Ok(vec![EventPayload::SerialsReceived {
                product: product.clone(),
                serials: serials.clone(),
                location: location.clone(),
                supplier: supplier.clone(),
                reference: reference_text(reference)?,
            }])
        }
        Command::Move {
            item,
            from,
            to,
            quantity,
            override_expiry,
        } => {
            ctx.location(from)?;
            let destination = ctx.location(to)?;
            if from == to {
                return Err(TraceError::invalid(
                    "to",
                    "must differ from the source location",
                ));
            }
            let leaves_custody = matches!(
                destination.kind,
                LocationKind::Customer | LocationKind::Production
            );
            match ctx.item(item)? {
                Item::Lot(lot) => {
                    positive(*quantity)?;
                    ctx.available(item, lot, from, *quantity)?;
                    if leaves_custody {
                        not_held(item, lot.on_hold)?;
                        ctx.check_expiry(lot, ctx.today, *override_expiry)?;
                    }
                }
                Item::Serial(serial) => {
                    one(*quantity)?;
                    // A move is a putaway (RECEIVED) or a relocation (IN_INVENTORY); reserved
                    // serials go back to stock only by cancelling their allocation.
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
            Ok(vec![EventPayload::Moved {
                item: item.clone(),
                from: from.clone(),
                to: to.clone(),
                quantity: *quantity,
                override_expiry: *override_expiry,
            }])
        }
        Command::Allocate {
            order,
            item,
            location,
            quantity,
        } => {
            let mut events = Vec::new();
            match ctx.item(item)? {
                Item::Lot(lot) => {
                    positive(*quantity)?;
                    usable(item, lot)?;
                    ctx.check_expiry(lot, ctx.today, false)?;
                    let lines: Vec<&StockLine> = match location {
                        Some(location) => {
                            ctx.location(location)?;
                            lot.stock_at(location).into_iter().collect()
                        }
                        None => lot.stock.iter().collect(),
                    };
                    let available: Quantity = lines.iter().map(|s| s.available()).sum();
                    if available < *quantity {
                        return Err(insufficient(item, location.as_ref(), *quantity, available));
                    }
                    let mut remaining = *quantity;
                    for line in lines.into_iter().filter(|s| s.available() > Quantity::ZERO) {
                        let take = remaining.min(line.available());
                        events.push(EventPayload::Allocated {
                            order: order.clone(),
                            line: Line {
                                item: item.clone(),
                                location: line.location.clone(),
                                quantity: take,
                            },
                        });
                        remaining -= take;
                        if remaining.is_zero() {
                            break;
                        }
                    }
                }
                Item::Serial(serial) => {
                    one(*quantity)?;
                    transition(serial, SerialStatus::Allocated)?;
                    not_held(item, serial.on_hold)?;
                    let at = serial
                        .location
                        .clone()
                        .ok_or_else(|| insufficient(item, None, Quantity::ONE, Quantity::ZERO))?;
                    if location.as_ref().is_some_and(|l| l != &at) {
                        return Err(insufficient(
                            item,
                            location.as_ref(),
                            Quantity::ONE,
                            Quantity::ZERO,
                        ));
                    }
                    events.push(EventPayload::Allocated {
                        order: order.clone(),
                        line: Line {
                            item: item.clone(),
                            location: at,
                            quantity: Quantity::ONE,
                        },
                    });
                }
            }
            Ok(events)
        }
        Command::CancelAllocation { order, item } => {
            let only = item.as_ref().map(|i| ctx.state.require(i)).transpose()?;
            let events: Vec<EventPayload> = ctx
                .state
                .reservations(order)
                .iter()
                .filter(|r| only.is_none_or(|idx| r.item == idx))
                .map(|r| EventPayload::AllocationCancelled {
                    order: order.clone(),
                    line: Line {
                        item: ctx.state.item_ref(r.item),
                        location: r.location.clone(),
                        quantity: r.reserved,
                    },
                })
                .collect();
            if events.is_empty() {
                return Err(TraceError::UnknownOrder(order.clone()));
            }
            Ok(events)
        }
        Command::Pick {
            order,
            item,
            quantity,
        } => {
            let idx = ctx.state.require(item)?;
            let open = ctx.state.reservations(order);
            if !open.is_empty() && !open.iter().any(|r| r.item == idx) {
                // A different lot/serial than allocated was scanned.
                ctx.item(item)?;
                return crate::allocation::decide_substitute_pick(ctx, order, item, *quantity);
            }
            match ctx.item(item)? {
                Item::Lot(lot) => {
                    positive(*quantity)?;
                    not_held(item, lot.on_hold)?;
                }
                Item::Serial(serial) => {
                    one(*quantity)?;
                    transition(serial, SerialStatus::Picked)?;
                    not_held(item, serial.on_hold)?;
                }
            }
            let open: Vec<_> = ctx
                .state
                .reservations(order)
                .iter()
                .filter(|r| r.item == idx)
                .collect();
            if open.is_empty() {
                return Err(TraceError::UnknownOrder(order.clone()));
            }
            let unpicked: Quantity = open.iter().map(|r| r.reserved - r.picked).sum();
            if unpicked < *quantity {
                return Err(insufficient(item, None, *quantity, unpicked));
            }
            let mut remaining = *quantity;
            let mut events = Vec::new();
            for r in open {
                let take = remaining.min(r.reserved - r.picked);
                if take > Quantity::ZERO {
                    events.push(EventPayload::Picked {
                        order: order.clone(),
                        line: Line {
                            item: item.clone(),
                            location: r.location.clone(),
                            quantity: take,
                        },
                    });
                    remaining -= take;
                }
            }
            Ok(events)
        }
        Command::Ship {
            shipment,
            order,
            customer,
            shipped_on,
            override_expiry,
        } => {
            if ctx.state.shipment_index.contains_key(shipment) {
                return Err(duplicate("shipment", shipment));
            }
            ctx.party(Some(customer), PartyRole::Customer)?;
            let shipped_on = bounded("shipped_on", shipped_on.unwrap_or(ctx.today))?;
            let reservations = ctx.state.reservations(order);
            if reservations.is_empty() {
                return Err(TraceError::UnknownOrder(order.clone()));
            }
            let mut lines = Vec::new();
            for r in reservations.iter().filter(|r| r.picked > Quantity::ZERO) {
                let item = ctx.state.item_ref(r.item);
                match ctx.item(&item)? {
                    Item::Lot(lot) => {
                        not_held(&item, lot.on_hold)?;
                        ctx.check_expiry(lot, shipped_on, *override_expiry)?;
                        not_before(
                            "shipped_on",
                            shipped_on,
                            "receipt of its lot",
                            lot.received_on,
                        )?;
                    }
                    Item::Serial(serial) => {
                        transition(serial, SerialStatus::Shipped)?;
                        not_held(&item, serial.on_hold)?;
                    }
                }
                lines.push(Line {
                    item,
                    location: r.location.clone(),
                    quantity: r.picked,
                });
            }
            if lines.is_empty() {
                return Err(TraceError::invalid(
                    "order",
                    format!("nothing of order {order} is picked"),
                ));
            }
            Ok(vec![EventPayload::Shipped {
                shipment: shipment.clone(),
                order: order.clone(),
                customer: customer.clone(),
                shipped_on,
                lines,
                override_expiry: *override_expiry,
            }])
        }
        Command::Produce {
            work_order,
            consumed,
            outputs,
            produced_on,
            override_expiry,
        } => {
            let produced_on = bounded("produced_on", produced_on.unwrap_or(ctx.today))?;
            if consumed.is_empty() || outputs.is_empty() {
                return Err(TraceError::invalid(
                    "work_order",
                    "needs at least one consumption and one output",
                ));
            }
            ctx.check_consumption(consumed, produced_on, *override_expiry)?;
            let mut new_items = HashSet::new();
            let mut added: HashMap<ItemRef, Quantity> = HashMap::new();
            let mut produced = Vec::with_capacity(outputs.len());
            for output in outputs {
                let record = match output {
                    Output::NewLot {
                        spec,
                        quantity,
                        location,
                    } => {
                        let origin = Origin::Produced {
                            work_order: work_order.clone(),
                        };
                        Produced::NewLot(ctx.new_lot(
                            spec,
                            *quantity,
                            location,
                            produced_on,
                            origin,
                        )?)
                    }
                    Output::IntoLot {
                        product,
                        lot,
                        quantity,
                        location,
                    } => {
                        let item = ItemRef::Lot {
                            product: product.clone(),
                            lot: lot.clone(),
                        };
                        let found = ctx.lot(product, lot)?;
                        ctx.location(location)?;
                        positive(*quantity)?;
                        let total = added.entry(item.clone()).or_default();
                        *total += *quantity;
                        room_for(found, *total)?;
                        Produced::IntoLot(Line {
                            item,
                            location: location.clone(),
                            quantity: *quantity,
                        })
                    }
                    Output::NewSerial {
                        product,
                        serial,
                        location,
                    } => {
                        ctx.product(product, Tracking::Serial)?;
                        ctx.location(location)?;
                        if ctx.state.serial_idx(product, serial).is_some() {
                            return Err(duplicate("serial", format!("{product}/{serial}")));
                        }
                        Produced::NewSerial {
                            product: product.clone(),
                            serial: serial.clone(),
                            location: location.clone(),
                        }
                    }
                };
                let item = record.item();
                let is_new = !matches!(record, Produced::IntoLot(_));
                if is_new && !new_items.insert(item.clone()) {
                    return Err(duplicate("output", item));
                }
                produced.push(record);
            }
            Ok(vec![EventPayload::Produced {
                work_order: work_order.clone(),
                produced_on,
                consumed: consumed.clone(),
                outputs: produced,
                override_expiry: *override_expiry,
            }])
        }
        Command::Adjust {
            product,
            lot,
            location,
            delta,
        } => {
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
        Command::Scrap {
            item,
            location,
            quantity,
        } => {
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
        Command::SetLotActive {
            product,
            lot,
            active,
        } => {
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
        Command::Return {
            rma,
            customer,
            item,
            location,
            quantity,
        } => {
            ctx.party(Some(customer), PartyRole::Customer)?;
            ctx.location(location)?;
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
            let returnable = ctx
                .state
                .returnable
                .get(&(idx, customer.clone()))
                .copied()
                .unwrap_or_default();
            if returnable < *quantity {
                return Err(TraceError::InsufficientStock {
                    item: item.to_string(),
                    location: format!("customer {customer} (shipped, not yet returned)"),
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
            }])
        }
        Command::AllocateStock(request) => crate::allocation::decide_allocate(ctx, request),
        Command::UpdateLotDates { changes } => crate::expiry::decide_update_dates(ctx, changes),
        Command::SetLotsActive { lots, active } => {
            crate::expiry::decide_set_active(ctx, lots, *active)
        }
        Command::RecordTestResult {
            lot,
            test,
            value,
            unit,
            spec_min,
            spec_max,
            tested_on,
        } => crate::quality::decide_test(
            ctx, lot, test, *value, unit, *spec_min, *spec_max, *tested_on,
        ),
        Command::LinkCertificate {
            lot,
            document,
            sha256,
        } => crate::quality::decide_certificate(ctx, lot, document, sha256),
        Command::SetQualityStatus { lot, status } => {
            crate::quality::decide_status(ctx, lot, *status)
        }
        Command::PlaceHold { items } => {
            ctx.require_reason("a recall hold")?;
            ctx.hold_items(items, true)?;
            Ok(vec![EventPayload::HoldPlaced {
                items: items.clone(),
            }])
        }
        Command::ReleaseHold { items } => {
            ctx.require_reason("releasing a hold")?;
            ctx.hold_items(items, false)?;
            Ok(vec![EventPayload::HoldReleased {
                items: items.clone(),
            }])
        }
    }
}

/// A resolved lot or serial.
enum Item<'a> {
    Lot(&'a Lot),
    Serial(&'a Serial),
}

impl<'a> Context<'a> {
    fn product(&self, id: &ProductId, tracking: Tracking) -> Result<&'a Product, TraceError> {
        let product = self
            .state
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

    fn location(&self, id: &LocationId) -> Result<&'a Location, TraceError> {
        self.state
            .location(id)
            .ok_or_else(|| TraceError::UnknownLocation(id.clone()))
    }

    fn party(&self, id: Option<&PartyId>, role: PartyRole) -> Result<(), TraceError> {
        let Some(id) = id else { return Ok(()) };
        let party = self
            .state
            .party(id)
            .ok_or_else(|| TraceError::UnknownParty(id.clone()))?;
        if !party.role.acts_as(role) {
            return Err(TraceError::WrongRole {
                party: id.clone(),
                expected: role,
            });
        }
        Ok(())
    }

    fn lot(
        &self,
        product: &ProductId,
        lot: &crate::model::LotNumber,
    ) -> Result<&'a Lot, TraceError> {
        self.product(product, Tracking::Lot)?;
        self.state
            .lot(product, lot)
            .ok_or_else(|| TraceError::UnknownLot {
                product: product.clone(),
                lot: lot.clone(),
            })
    }

    fn item(&self, item: &ItemRef) -> Result<Item<'a>, TraceError> {
        match item {
            ItemRef::Lot { product, lot } => self.lot(product, lot).map(Item::Lot),
            ItemRef::Serial { product, serial } => {
                self.product(product, Tracking::Serial)?;
                self.state
                    .serial(product, serial)
                    .map(Item::Serial)
                    .ok_or_else(|| TraceError::unknown_item(item))
            }
        }
    }

    fn require_reason(&self, what: &str) -> Result<(), TraceError> {
        match self.reason {
            Some(r) if !r.trim().is_empty() => Ok(()),
            _ => Err(TraceError::invalid(
                "reason",
                format!("{what} needs a reason"),
            )),
        }
    }

    fn available(
        &self,
        item: &ItemRef,
        lot: &Lot,
        location: &LocationId,
        wanted: Quantity,
    ) -> Result<(), TraceError> {
        self.location(location)?;
        let available = lot
            .stock_at(location)
            .map_or(Quantity::ZERO, StockLine::available);
        if available < wanted {
            return Err(insufficient(item, Some(location), wanted, available));
        }
        Ok(())
    }

    /// Refuses an expired lot unless overridden with a reason.
    fn check_expiry(
        &self,
        lot: &Lot,
        date: NaiveDate,
        override_expiry: bool,
    ) -> Result<(), TraceError> {
        match lot.dates.expiry {
            Some(expiry) if lot.is_expired_on(date) => {
                if override_expiry {
                    self.require_reason("an expiry override")
                } else {
                    Err(TraceError::ExpiredLot {
                        product: lot.product.clone(),
                        lot: lot.number.clone(),
                        expiry,
                        date,
                    })
                }
            }
            _ => Ok(()),
        }
    }

    fn check_consumption(
        &self,
        consumed: &[Line],
        date: NaiveDate,
        override_expiry: bool,
    ) -> Result<(), TraceError> {
        let mut totals: HashMap<(ItemIdx, &LocationId), Quantity> = HashMap::new();
        for line in consumed {
            let idx = self.state.require(&line.item)?;
            let total = totals.entry((idx, &line.location)).or_default();
            *total += line.quantity;
            match self.item(&line.item)? {
                Item::Lot(lot) => {
                    positive(line.quantity)?;
                    usable(&line.item, lot)?;
                    self.check_expiry(lot, date, override_expiry)?;
                    not_before("produced_on", date, "receipt of input lot", lot.received_on)?;
                    self.available(&line.item, lot, &line.location, *total)?;
                }
                Item::Serial(serial) => {
                    one(*total)?;
                    transition(serial, SerialStatus::Consumed)?;
                    not_held(&line.item, serial.on_hold)?;
                    serial_at(&line.item, serial, &line.location)?;
                }
            }
        }
        Ok(())
    }

    fn new_lot(
        &self,
        spec: &LotSpec,
        quantity: Quantity,
        location: &LocationId,
        received_on: NaiveDate,
        origin: Origin,
    ) -> Result<Lot, TraceError> {
        let product = self.product(&spec.product, Tracking::Lot)?;
        self.location(location)?;
        positive(quantity)?;
        if self.state.lot_idx(&spec.product, &spec.lot).is_some() {
            return Err(duplicate("lot", format!("{}/{}", spec.product, spec.lot)));
        }
        bounded("received_on", received_on)?;
        let made = bounded_opt("manufactured_on", spec.manufactured_on)?;
        if let Some(made) = made {
            not_before("received_on", received_on, "manufacturing date", made)?;
        }
        if spec.weight.is_some_and(Quantity::is_negative) {
            return Err(TraceError::invalid("weight", "must not be negative"));
        }
        free_text("description", &spec.description)?;
        free_text(
            "supplier_lot",
            spec.supplier_lot.as_deref().unwrap_or_default(),
        )?;
        for (key, value) in &spec.attributes {
            identifier("attribute", key)?;
            free_text("attribute", value)?;
        }
        spec.dates.check()?;
        let dates = spec.dates.derived(product, made.unwrap_or(received_on))?;
        dates.check()?;
        if let (Some(made), Some(expiry)) = (made, dates.expiry) {
            not_before("expiry", expiry, "manufacturing date", made)?;
        }
        Ok(Lot {
            product: spec.product.clone(),
            number: spec.lot.clone(),
            received_on,
            manufactured_on: spec.manufactured_on,
            dates,
            weight: spec.weight,
            description: spec.description.clone(),
            supplier: None,
            supplier_lot: spec.supplier_lot.clone(),
            attributes: spec.attributes.clone(),
            active: true,
            quality: if product.requires_inspection {
                QualityStatus::Quarantine
            } else {
                QualityStatus::Released
            },
            on_hold: false,
            origin,
            stock: vec![StockLine {
                location: location.clone(),
                on_hand: quantity,
                reserved: Quantity::ZERO,
            }],
        })
    }
}

fn duplicate(kind: &'static str, key: impl std::fmt::Display) -> TraceError {
    TraceError::DuplicateNumber {
        kind,
        key: key.to_string(),
    }
}

fn insufficient(
    item: &ItemRef,
    location: Option<&LocationId>,
    requested: Quantity,
    available: Quantity,
) -> TraceError {
    TraceError::InsufficientStock {
        item: item.to_string(),
        location: location.map_or_else(|| "any location".to_owned(), ToString::to_string),
        requested,
        available,
    }
}

/// Refuses adding `more` to a lot whose total stock would then leave the quantity
/// limits (below 10^15).
fn room_for(lot: &Lot, more: Quantity) -> Result<(), TraceError> {
    if lot.on_hand().checked_add(more).is_none() {
        return Err(TraceError::InvalidQuantity {
            quantity: more,
            rule: "would take the lot's stock to 10^15 or more",
        });
    }
    Ok(())
}

/// A document reference, checked as free text.
fn reference_text(reference: &Option<String>) -> Result<Option<String>, TraceError> {
    if let Some(text) = reference {
        free_text("reference", text)?;
    }
    Ok(reference.clone())
}

fn positive(quantity: Quantity) -> Result<(), TraceError> {
    if quantity <= Quantity::ZERO {
        return Err(TraceError::InvalidQuantity {
            quantity,
            rule: "must be greater than zero",
        });
    }
    Ok(())
}

fn one(quantity: Quantity) -> Result<(), TraceError> {
    if quantity != Quantity::ONE {
        return Err(TraceError::InvalidQuantity {
            quantity,
            rule: "a serial is exactly one unit",
        });
    }
    Ok(())
}

fn distinct_serials(serials: &[SerialNumber]) -> Result<(), TraceError> {
    if serials.is_empty() {
        return Err(TraceError::invalid(
            "serials",
            "at least one serial is needed",
        ));
    }
    let mut seen = HashSet::with_capacity(serials.len());
    for s in serials {
        if !seen.insert(s) {
            return Err(duplicate("serial", s));
        }
    }
    Ok(())
}

fn transition(serial: &Serial, to: SerialStatus) -> Result<(), TraceError> {
    if to.can_become_from(Some(serial.status)) {
        Ok(())
    } else {
        Err(invalid_transition(serial, to))
    }
}

fn invalid_transition(serial: &Serial, to: SerialStatus) -> TraceError {
    TraceError::InvalidTransition {
        product: serial.product.clone(),
        serial: serial.number.clone(),
        from: serial.status.to_string(),
        to,
    }
}

fn serial_at(item: &ItemRef, serial: &Serial, location: &LocationId) -> Result<(), TraceError> {
    if serial.location.as_ref() != Some(location) {
        return Err(insufficient(
            item,
            Some(location),
            Quantity::ONE,
            Quantity::ZERO,
        ));
    }
    Ok(())
}

fn not_held(item: &ItemRef, on_hold: bool) -> Result<(), TraceError> {
    if on_hold {
        return Err(TraceError::NotUsable {
            item: item.clone(),
            why: "on recall hold",
        });
    }
    Ok(())
}

/// Released, active and not held: usable for orders and production.
fn usable(item: &ItemRef, lot: &Lot) -> Result<(), TraceError> {
    not_held(item, lot.on_hold)?;
    let why = match (lot.quality, lot.active) {
        (QualityStatus::Quarantine, _) => "in quality quarantine",
        (QualityStatus::Rejected, _) => "rejected by quality",
        (QualityStatus::Released, false) => "inactive",
        (QualityStatus::Released, true) => return Ok(()),
    };
    Err(TraceError::NotUsable {
        item: item.clone(),
        why,
    })
}

impl Context<'_> {
    /// Checks a hold (`hold`) or release: at least one item, no duplicates, every item
    /// known and currently not held (hold) or held (release).
    fn hold_items(&self, items: &[ItemRef], hold: bool) -> Result<(), TraceError> {
        if items.is_empty() {
            return Err(TraceError::invalid("items", "at least one item is needed"));
        }
        let mut seen = HashSet::with_capacity(items.len());
        for item in items {
            if !seen.insert(item) {
                return Err(duplicate("item", item));
            }
            let on_hold = match self.item(item)? {
                Item::Lot(lot) => lot.on_hold,
                Item::Serial(serial) => serial.on_hold,
            };
            if on_hold == hold {
                return Err(TraceError::invalid(
                    "items",
                    format!(
                        "{item} is {}",
                        if hold {
                            "already on hold"
                        } else {
                            "not on hold"
                        }
                    ),
                ));
            }
        }
        Ok(())
    }
}
