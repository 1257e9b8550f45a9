//! Allocation: reserve stock of a *product* for an order by FEFO, FIFO or LIFO.
//!
//! [`Command::AllocateStock`] (or [`crate::Tracker::allocate`], which also returns what was
//! reserved) picks lots — or serials, for serial-tracked products — in strategy order:
//!
//! * **FEFO**: earliest removal date, else expiry date, first; lots without either last.
//! * **FIFO**: earliest receipt date first. **LIFO**: latest receipt date first.
//! * Ties by lot number (ascending) — the result is deterministic.
//!
//! Candidates are only lots that are released, active, not on hold, not expired at the
//! ship date, with available (on hand − reserved) stock outside quarantine-kind
//! locations, meeting the optional minimum remaining shelf life % (at the ship date) and
//! location filter. A request splits across lots and locations; when not enough is
//! eligible it fails with [`TraceError::InsufficientStock`] stating what is available,
//! or, with `partial`, reserves what there is (possibly nothing) and reports the
//! shortfall.
//!
//! Serials have no dates: FEFO and FIFO take them in receipt order, LIFO the latest
//! receipt first, and serials received together by serial number (ascending), as lots
//! are tied; a serial is a candidate when it is `IN_INVENTORY`, not on hold, outside
//! quarantine-kind locations and in the location filter. The request quantity must then be a whole number.
//!
//! The engine emits one [`EventPayload::AllocationRequested`] (the rules, for the audit
//! trail and for later pick substitution) followed by ordinary
//! [`EventPayload::Allocated`] events, so reservations stay one mechanism.
//!
//! **Index.** [`State`] keeps, per product, ordered sets of the lots that have available
//! stock — one per strategy, keyed by (date key, lot number, lot index) — maintained
//! incrementally as events are applied. Hold, quality, active status, expiry at the ship
//! date, shelf life and location are checked while walking the set in order, never baked
//! into the keys, so an allocation visits only the lots in front of the ones it takes.
//!
//! **Depleted lots.** A lot whose stock reaches zero (nothing on hand or reserved) by a
//! shipment, consumption, scrap or negative adjustment becomes inactive automatically;
//! if stock later comes back (customer return, positive adjustment, production into the
//! lot) a lot deactivated this way becomes active again. A lot set inactive explicitly
//! ([`Command::SetLotActive`], [`Command::SetLotsActive`]) stays as it was set.
//!
//! ```
//! use traceability_core::*;
//! use traceability_core::{AllocationRequest, Strategy};
//! # fn main() -> Result<(), TraceError> {
//! let mut t = Tracker::in_memory();
//! let milk = ProductId::new("MILK")?;
//! t.execute("ana", None, &Command::RegisterProduct(Product::new(milk.clone(), Tracking::Lot)))?;
//! t.execute("ana", None, &Command::RegisterLocation(Location {
//!     id: LocationId::new("A1")?, kind: LocationKind::Internal, description: String::new(), gln: None, party: None }))?;
//! for (lot, expiry) in [("L1", "2030-03-01"), ("L2", "2030-01-01")] {
//!     let mut spec = LotSpec::new(milk.clone(), LotNumber::new(lot)?);
//!     spec.dates.expiry = Some(expiry.parse().unwrap());
//!     t.execute("ana", None, &Command::ReceiveLot(ReceiveLot { spec, quantity: Quantity::from(10),
//!         location: LocationId::new("A1")?, supplier: None, received_on: None, reference: None }))?;
//! }
//! let request = AllocationRequest::new(milk, Quantity::from(12), OrderId::new("SO1")?, Strategy::Fefo);
//! let allocation = t.allocate("ana", None, &request)?;
//! let taken: Vec<_> = allocation.lines.iter().map(|l| (l.item.to_string(), l.quantity)).collect();
//! assert_eq!(taken, vec![("lot MILK/L2".to_string(), Quantity::from(10)),
//!                        ("lot MILK/L1".to_string(), Quantity::from(2))]);
//! # Ok(()) }
//! ```

use std::cmp::Reverse;

use chrono::NaiveDate;
use serde::Serialize;

use crate::capability::context::*;
use crate::command::*;
use crate::event::EventPayload;
use crate::kernel::date::{bounded, not_before};
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LocationId, OrderId, ProductId};
use crate::kernel::vocab::{PartyRole, SerialStatus, Tracking};
use crate::kernel::Quantity;
use crate::model::{Lot, QualityStatus, Serial, StockLine};
use crate::state::{fefo_key, ItemIdx, State};

/// One reservation made by an allocation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllocationLine {
    /// The lot or serial reserved.
    pub item: ItemRef,
    /// Where it is reserved.
    pub location: LocationId,
    /// How much (1 for a serial).
    pub quantity: Quantity,
    /// The lot's expiry date, if any.
    pub expiry: Option<NaiveDate>,
    /// The lot's removal date, if any.
    pub removal: Option<NaiveDate>,
}

/// What an allocation reserved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// Order.
    pub order: OrderId,
    /// Product.
    pub product: ProductId,
    /// Strategy used.
    pub strategy: Strategy,
    /// The ship date the rules were checked at.
    pub ship_date: NaiveDate,
    /// Quantity asked for.
    pub requested: Quantity,
    /// Quantity reserved.
    pub allocated: Quantity,
    /// `requested − allocated` (non-zero only for partial allocations).
    pub shortfall: Quantity,
    /// The reservations, in strategy order.
    pub lines: Vec<AllocationLine>,
}

impl Allocation {
    /// The allocation of `request` before any line is reserved.
    fn nothing_yet(request: &AllocationRequest, ship_date: NaiveDate) -> Self {
        Allocation {
            order: request.order.clone(),
            product: request.product.clone(),
            strategy: request.strategy,
            ship_date,
            requested: request.quantity,
            allocated: Quantity::ZERO,
            shortfall: Quantity::ZERO,
            lines: Vec::new(),
        }
    }

    /// The events that record this allocation: the request, then one `Allocated` per line.
    pub fn events(&self, request: &AllocationRequest) -> Vec<EventPayload> {
        let mut recorded = request.clone();
        recorded.ship_date = Some(self.ship_date);
        let mut events = Vec::with_capacity(self.lines.len() + 1);
        events.push(EventPayload::AllocationRequested(recorded));
        events.extend(self.lines.iter().map(|l| EventPayload::Allocated {
            order: self.order.clone(),
            line: Line {
                item: l.item.clone(),
                location: l.location.clone(),
                quantity: l.quantity,
            },
        }));
        events
    }
}

/// Why a lot is not a candidate for allocation at `ship_date`, or `None` when it is.
/// Stock availability and locations are not checked here.
///
/// ```
/// use traceability_core::capability::orders::ineligibility;
/// use traceability_core::*;
/// let mut lot = Lot::new(ProductId::new("P").unwrap(), LotNumber::new("L").unwrap(),
///     "2026-01-01".parse().unwrap());
/// assert_eq!(ineligibility(&lot, "2026-02-01".parse().unwrap(), None), None);
/// lot.on_hold = true;
/// assert_eq!(ineligibility(&lot, "2026-02-01".parse().unwrap(), None), Some("on recall hold"));
/// ```
pub fn ineligibility(
    lot: &Lot,
    ship_date: NaiveDate,
    min_pct: Option<Quantity>,
) -> Option<&'static str> {
    if lot.on_hold {
        return Some("on recall hold");
    }
    match lot.quality {
        QualityStatus::Quarantine => return Some("in quality quarantine"),
        QualityStatus::Rejected => return Some("rejected by quality"),
        QualityStatus::Released => {}
    }
    if !lot.active {
        return Some("inactive");
    }
    if lot.is_expired_on(ship_date) {
        return Some("expired at the ship date");
    }
    if let Some(min) = min_pct {
        if let Some(pct) = lot.shelf_life_remaining_pct(ship_date) {
            if pct < min {
                return Some("below the minimum remaining shelf life");
            }
        }
    }
    None
}

fn serial_eligible(state: &State, serial: &Serial, locations: Option<&[LocationId]>) -> bool {
    serial.status == SerialStatus::InInventory
        && !serial.on_hold
        && serial
            .location
            .as_ref()
            .is_some_and(|l| location_allowed(locations, l) && state.is_allocatable(l))
}

fn location_allowed(filter: Option<&[LocationId]>, location: &LocationId) -> bool {
    filter.is_none_or(|ls| ls.contains(location))
}

struct Checked<'a> {
    tracking: Tracking,
    ship_date: NaiveDate,
    locations: Option<&'a [LocationId]>,
}

fn check_request<'a>(
    state: &State,
    today: NaiveDate,
    request: &'a AllocationRequest,
) -> Result<Checked<'a>, TraceError> {
    let product = state
        .product(&request.product)
        .ok_or_else(|| TraceError::UnknownProduct(request.product.clone()))?;
    if product.tracking == Tracking::None {
        return Err(TraceError::WrongTracking {
            product: request.product.clone(),
            actual: Tracking::None,
            expected: Tracking::Lot,
        });
    }
    if request.quantity <= Quantity::ZERO {
        return Err(TraceError::InvalidQuantity {
            quantity: request.quantity,
            rule: "must be greater than zero",
        });
    }
    if product.tracking == Tracking::Serial && !request.quantity.is_whole() {
        return Err(TraceError::InvalidQuantity {
            quantity: request.quantity,
            rule: "serials are allocated in whole units",
        });
    }
    if let Some(pct) = request.min_remaining_shelf_life_pct {
        if pct < Quantity::ZERO || pct > Quantity::from(100) {
            return Err(TraceError::invalid(
                "min_remaining_shelf_life_pct",
                format!("{pct} is not between 0 and 100"),
            ));
        }
    }
    if let Some(locations) = &request.locations {
        if locations.is_empty() {
            return Err(TraceError::invalid(
                "locations",
                "an empty location filter matches nothing (omit it for any location)",
            ));
        }
        for l in locations {
            if state.location(l).is_none() {
                return Err(TraceError::UnknownLocation(l.clone()));
            }
        }
    }
    Ok(Checked {
        tracking: product.tracking,
        ship_date: crate::kernel::date::bounded("ship_date", request.ship_date.unwrap_or(today))?,
        locations: request.locations.as_deref(),
    })
}

/// Plans an allocation against `state` without changing it: which lots (or serials),
/// where, and how much. This is what [`Command::AllocateStock`] records.
///
/// ```
/// use traceability_core::*;
/// use traceability_core::capability::orders::plan;
/// use traceability_core::{AllocationRequest, Strategy};
/// let state = State::default();
/// let req = AllocationRequest::new(ProductId::new("NOPE").unwrap(), Quantity::ONE,
///     OrderId::new("SO1").unwrap(), Strategy::Fifo);
/// let today = "2026-01-01".parse().unwrap();
/// assert_eq!(plan(&state, today, &req).unwrap_err().kind(), ErrorKind::UnknownProduct);
/// ```
pub fn plan(
    state: &State,
    today: NaiveDate,
    request: &AllocationRequest,
) -> Result<Allocation, TraceError> {
    let checked = check_request(state, today, request)?;
    let mut out = Allocation::nothing_yet(request, checked.ship_date);
    let index = state.allocation_index();
    if checked.tracking == Tracking::Serial {
        let order = index.serials_in_order(&request.product, request.strategy);
        take_serials(state, &checked, order, &mut out);
    } else {
        let order = index.lots_in_order(&request.product, request.strategy);
        let min = request.min_remaining_shelf_life_pct;
        take_lots(state, &checked, min, order, &mut out);
    }
    finish(request, &checked, out)
}

fn finish(
    request: &AllocationRequest,
    checked: &Checked<'_>,
    mut out: Allocation,
) -> Result<Allocation, TraceError> {
    out.shortfall = out.requested - out.allocated;
    if out.shortfall > Quantity::ZERO && !request.partial {
        return Err(TraceError::InsufficientStock {
            item: None,
            product: request.product.clone(),
            locations: checked.locations.map(<[_]>::to_vec).unwrap_or_default(),
            customer: None,
            requested: out.requested,
            available: out.allocated,
        });
    }
    Ok(out)
}

fn take_lots(
    state: &State,
    checked: &Checked<'_>,
    min_pct: Option<Quantity>,
    order: impl Iterator<Item = u32>,
    out: &mut Allocation,
) {
    let mut remaining = out.requested;
    for i in order {
        let lot = state.lot_at(i);
        if ineligibility(lot, checked.ship_date, min_pct).is_some() {
            continue;
        }
        for line in &lot.stock {
            let available = line.available();
            if available <= Quantity::ZERO
                || !location_allowed(checked.locations, &line.location)
                || !state.is_allocatable(&line.location)
            {
                continue;
            }
            let take = remaining.min(available);
            out.lines.push(AllocationLine {
                item: lot.item(),
                location: line.location.clone(),
                quantity: take,
                expiry: lot.dates.expiry,
                removal: lot.dates.removal,
            });
            out.allocated += take;
            remaining -= take;
            if remaining.is_zero() {
                return;
            }
        }
    }
}

fn take_serials(
    state: &State,
    checked: &Checked<'_>,
    order: impl Iterator<Item = u32>,
    out: &mut Allocation,
) {
    let mut remaining = out.requested;
    for i in order {
        if remaining < Quantity::ONE {
            return;
        }
        let serial = state.serial_at(i);
        if !serial_eligible(state, serial, checked.locations) {
            continue;
        }
        let Some(location) = serial.location.clone() else {
            continue;
        };
        out.lines.push(AllocationLine {
            item: ItemRef::Serial {
                product: serial.product.clone(),
                serial: serial.number.clone(),
            },
            location,
            quantity: Quantity::ONE,
            expiry: None,
            removal: None,
        });
        out.allocated += Quantity::ONE;
        remaining -= Quantity::ONE;
    }
}

/// The same allocation computed the naive way — scan every lot of the product, filter,
/// sort — without the index. A reference for tests and the benchmark; use [`plan`].
///
/// ```
/// use traceability_core::*;
/// use traceability_core::capability::orders::plan_naive;
/// use traceability_core::{AllocationRequest, Strategy};
/// let req = AllocationRequest::new(ProductId::new("NOPE").unwrap(), Quantity::ONE,
///     OrderId::new("SO1").unwrap(), Strategy::Fefo);
/// assert!(plan_naive(&State::default(), "2026-01-01".parse().unwrap(), &req).is_err());
/// ```
pub fn plan_naive(
    state: &State,
    today: NaiveDate,
    request: &AllocationRequest,
) -> Result<Allocation, TraceError> {
    let checked = check_request(state, today, request)?;
    let mut out = Allocation::nothing_yet(request, checked.ship_date);
    if checked.tracking == Tracking::Serial {
        let mut idx: Vec<u32> = state.serials_of(&request.product).collect();
        idx.sort_unstable();
        if request.strategy == Strategy::Lifo {
            idx.reverse();
        }
        take_serials(state, &checked, idx.into_iter(), &mut out);
    } else {
        let mut lots: Vec<u32> = state
            .lots_of(&request.product)
            .filter(|&i| {
                let lot = state.lot_at(i);
                lot.stock.iter().any(|s| s.available() > Quantity::ZERO)
            })
            .collect();
        let lot = |i: &u32| state.lot_at(*i);
        match request.strategy {
            Strategy::Fefo => lots.sort_by(|a, b| {
                (fefo_key(lot(a)), &lot(a).number).cmp(&(fefo_key(lot(b)), &lot(b).number))
            }),
            Strategy::Fifo => lots.sort_by(|a, b| {
                (lot(a).received_on, &lot(a).number).cmp(&(lot(b).received_on, &lot(b).number))
            }),
            Strategy::Lifo => lots.sort_by(|a, b| {
                (Reverse(lot(a).received_on), &lot(a).number)
                    .cmp(&(Reverse(lot(b).received_on), &lot(b).number))
            }),
        }
        take_lots(
            state,
            &checked,
            request.min_remaining_shelf_life_pct,
            lots.into_iter(),
            &mut out,
        );
    }
    finish(request, &checked, out)
}

/// Validates [`Command::AllocateStock`].
pub(crate) fn allocate_stock(
    ctx: &Context<'_>,
    request: &AllocationRequest,
) -> Result<Vec<EventPayload>, TraceError> {
    Ok(plan(ctx.state, ctx.today, request)?.events(request))
}

/// A pick of a lot or serial the order has no reservation for: accepted when it
/// satisfies the rules the order's allocation of that product was made under; the
/// reservation moves from the allocated (unpicked) lots/serials to the scanned one.
pub(crate) fn substitute_pick(
    ctx: &Context<'_>,
    order: &OrderId,
    item: &ItemRef,
    quantity: Quantity,
) -> Result<Vec<EventPayload>, TraceError> {
    let state = ctx.state;
    let product = item.product();
    let movable: Vec<_> = state
        .reservations(order)
        .iter()
        .filter(|r| r.picked.is_zero() && state.item_ref(r.item).product() == product)
        .collect();
    if movable.is_empty() {
        return Err(TraceError::UnknownOrder(order.clone()));
    }
    if quantity <= Quantity::ZERO {
        return Err(TraceError::InvalidQuantity {
            quantity,
            rule: "must be greater than zero",
        });
    }
    let unpicked: Quantity = movable.iter().map(|r| r.reserved).sum();
    if unpicked < quantity {
        return Err(TraceError::InsufficientStock {
            item: None,
            product: product.clone(),
            locations: Vec::new(),
            customer: None,
            requested: quantity,
            available: unpicked,
        });
    }
    let rules = state.allocation_index().rules(order, product);
    let takes = substitute_takes(state, ctx.today, item, quantity, rules)?;

    let mut events = Vec::new();
    let mut remaining = quantity;
    for r in movable {
        if remaining.is_zero() {
            break;
        }
        let take = remaining.min(r.reserved);
        let original = state.item_ref(r.item);
        events.push(EventPayload::AllocationCancelled {
            order: order.clone(),
            line: Line {
                item: original.clone(),
                location: r.location.clone(),
                quantity: r.reserved,
            },
        });
        if r.reserved > take {
            events.push(EventPayload::Allocated {
                order: order.clone(),
                line: Line {
                    item: original,
                    location: r.location.clone(),
                    quantity: r.reserved - take,
                },
            });
        }
        remaining -= take;
    }
    for (location, q) in takes {
        let line = Line {
            item: item.clone(),
            location,
            quantity: q,
        };
        events.push(EventPayload::Allocated {
            order: order.clone(),
            line: line.clone(),
        });
        events.push(EventPayload::Picked {
            order: order.clone(),
            line,
        });
    }
    Ok(events)
}

/// A known location whose stock may be allocated: a quarantine-kind location is
/// [`TraceError::NotUsable`] for the item.
fn allocatable_at(
    ctx: &Context<'_>,
    item: &ItemRef,
    location: &LocationId,
) -> Result<(), TraceError> {
    ctx.location(location)?;
    if ctx.state.is_allocatable(location) {
        return Ok(());
    }
    Err(TraceError::NotUsable {
        item: item.clone(),
        why: "in a quarantine location",
    })
}

/// Validates [`Allocate`].
pub(crate) fn allocate(
    ctx: &Context<'_>,
    command: &Allocate,
) -> Result<Vec<EventPayload>, TraceError> {
    let Allocate {
        order,
        item,
        location,
        quantity,
        ship_date,
    } = command;
    let mut events = Vec::new();
    match ctx.item(item)? {
        Item::Lot(lot) => {
            positive(*quantity)?;
            usable(item, lot)?;
            ctx.check_expiry(lot, ship_date.unwrap_or(ctx.today), false)?;
            let lines: Vec<&StockLine> = match location {
                Some(location) => {
                    allocatable_at(ctx, item, location)?;
                    lot.stock_at(location).into_iter().collect()
                }
                None => lot
                    .stock
                    .iter()
                    .filter(|s| ctx.state.is_allocatable(&s.location))
                    .collect(),
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
            allocatable_at(ctx, item, &at)?;
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

/// Validates [`CancelAllocation`].
pub(crate) fn cancel_allocation(
    ctx: &Context<'_>,
    command: &CancelAllocation,
) -> Result<Vec<EventPayload>, TraceError> {
    let CancelAllocation { order, item } = command;
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

/// Validates [`Pick`].
pub(crate) fn pick(ctx: &Context<'_>, command: &Pick) -> Result<Vec<EventPayload>, TraceError> {
    let Pick {
        order,
        item,
        quantity,
    } = command;
    let idx = ctx.state.require(item)?;
    let open = ctx.state.reservations(order);
    if !open.is_empty() && !open.iter().any(|r| r.item == idx) {
        // A different lot/serial than allocated was scanned.
        ctx.item(item)?;
        return substitute_pick(ctx, order, item, *quantity);
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

/// Validates [`Ship`].
pub(crate) fn ship(ctx: &Context<'_>, command: &Ship) -> Result<Vec<EventPayload>, TraceError> {
    let Ship {
        shipment,
        order,
        customer,
        shipped_on,
        override_expiry,
    } = command;
    if ctx.state.has_shipment(shipment) {
        return Err(duplicate("shipment", shipment));
    }
    ctx.party(Some(customer), PartyRole::Customer)?;
    let shipped_on = bounded("shipped_on", shipped_on.unwrap_or(ctx.today))?;
    // An order with nothing allocated, nothing picked yet or everything shipped already
    // is refused the same way below: nothing of it is picked.
    let reservations = ctx.state.reservations(order);
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
        order: Some(order.clone()),
        customer: customer.clone(),
        shipped_on,
        lines,
        override_expiry: *override_expiry,
    }])
}

/// Where a substitute pick takes the scanned item from, checked against the rules of
/// the order's allocation (`rules`): ship date, minimum shelf life, location filter.
fn substitute_takes(
    state: &State,
    today: NaiveDate,
    item: &ItemRef,
    quantity: Quantity,
    rules: Option<&crate::state::OrderRules>,
) -> Result<Vec<(LocationId, Quantity)>, TraceError> {
    let ship_date = rules
        .map(|r| r.ship_date)
        .filter(|d| *d != NaiveDate::MIN)
        .unwrap_or(today);
    let min_pct = rules.and_then(|r| r.min_remaining_shelf_life_pct);
    let filter = rules.and_then(|r| r.locations.as_deref());
    let not_usable = |why: &'static str| TraceError::NotUsable {
        item: item.clone(),
        why,
    };

    let mut takes: Vec<(LocationId, Quantity)> = Vec::new();
    match state.resolve(item) {
        Some(ItemIdx::Lot(i)) => {
            let lot = state.lot_at(i);
            if let Some(why) = ineligibility(lot, ship_date, min_pct) {
                if let (Some(expiry), true) = (lot.dates.expiry, lot.is_expired_on(ship_date)) {
                    return Err(TraceError::ExpiredLot {
                        product: lot.product.clone(),
                        lot: lot.number.clone(),
                        expiry,
                        date: ship_date,
                    });
                }
                return Err(not_usable(why));
            }
            let mut remaining = quantity;
            for line in lot.stock.iter().filter(|s| {
                location_allowed(filter, &s.location) && state.is_allocatable(&s.location)
            }) {
                let take = remaining.min(line.available());
                if take > Quantity::ZERO {
                    takes.push((line.location.clone(), take));
                    remaining -= take;
                }
            }
            if remaining > Quantity::ZERO {
                return Err(TraceError::InsufficientStock {
                    item: Some(item.clone()),
                    product: item.product().clone(),
                    locations: filter.map(<[_]>::to_vec).unwrap_or_default(),
                    customer: None,
                    requested: quantity,
                    available: quantity - remaining,
                });
            }
        }
        Some(ItemIdx::Serial(i)) => {
            let serial = state.serial_at(i);
            if quantity != Quantity::ONE {
                return Err(TraceError::InvalidQuantity {
                    quantity,
                    rule: "a serial is exactly one unit",
                });
            }
            if serial.on_hold {
                return Err(not_usable("on recall hold"));
            }
            if serial.status != SerialStatus::InInventory {
                return Err(TraceError::InvalidTransition {
                    product: serial.product.clone(),
                    serial: serial.number.clone(),
                    from: serial.status,
                    to: SerialStatus::Allocated,
                });
            }
            if !serial_eligible(state, serial, filter) {
                return Err(not_usable(
                    "outside the order's location filter or in quarantine",
                ));
            }
            let Some(location) = serial.location.clone() else {
                return Err(not_usable("not at a location"));
            };
            takes.push((location, quantity));
        }
        None => return Err(TraceError::unknown_item(item)),
    }
    Ok(takes)
}
