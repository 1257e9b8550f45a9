//! Allocation: reserve stock of a *product* for an order by FEFO, FIFO or LIFO.
//!
//! [`Command::AllocateStock`] (or [`Tracker::allocate`], which also returns what was
//! reserved) picks lots — or serials, for serial-tracked products — in strategy order:
//!
//! * **FEFO**: earliest removal date, else expiry date, first; lots without either last.
//! * **FIFO**: earliest receipt date first. **LIFO**: latest receipt date first.
//! * Ties by lot number (ascending) — the result is deterministic.
//!
//! Candidates are only lots that are released, active, not on hold, not expired at the
//! ship date, with available (on hand − reserved) stock, meeting the optional minimum
//! remaining shelf life % (at the ship date) and location filter. A request splits across
//! lots and locations; when not enough is eligible it fails with
//! [`TraceError::InsufficientStock`] stating what is available, or, with `partial`,
//! reserves what there is and reports the shortfall.
//!
//! Serials have no dates: FEFO and FIFO take them in receipt (creation) order, LIFO in
//! reverse; a serial is a candidate when it is `IN_INVENTORY`, not on hold, and in the
//! location filter. The request quantity must then be a whole number.
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
//! use traceability_core::allocation::{AllocationRequest, Strategy};
//! # fn main() -> Result<(), TraceError> {
//! let mut t = Tracker::in_memory();
//! let milk = ProductId::new("MILK")?;
//! t.execute("ana", None, &Command::RegisterProduct(Product::new(milk.clone(), Tracking::Lot)))?;
//! t.execute("ana", None, &Command::RegisterLocation(Location {
//!     id: LocationId::new("A1")?, kind: LocationKind::Internal, description: String::new() }))?;
//! for (lot, expiry) in [("L1", "2030-03-01"), ("L2", "2030-01-01")] {
//!     let mut spec = LotSpec::new(milk.clone(), LotNumber::new(lot)?);
//!     spec.dates.expiry = Some(expiry.parse().unwrap());
//!     t.execute("ana", None, &Command::ReceiveLot { spec, quantity: Quantity::from(10),
//!         location: LocationId::new("A1")?, supplier: None, received_on: None, reference: None })?;
//! }
//! let request = AllocationRequest::new(milk, Quantity::from(12), OrderId::new("SO1")?, Strategy::Fefo);
//! let allocation = t.allocate("ana", None, &request)?;
//! let taken: Vec<_> = allocation.lines.iter().map(|l| (l.item.to_string(), l.quantity)).collect();
//! assert_eq!(taken, vec![("lot MILK/L2".to_string(), Quantity::from(10)),
//!                        ("lot MILK/L1".to_string(), Quantity::from(2))]);
//! # Ok(()) }
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::command::{Command, Line};
use crate::decide::Context;
use crate::error::TraceError;
use crate::event::{EventPayload, Produced};
use crate::model::{
    ItemRef, LocationId, Lot, LotNumber, OrderId, ProductId, QualityStatus, Quantity, Serial,
    SerialStatus, Tracking,
};
use crate::state::{ItemIdx, State};
use crate::tracker::Tracker;

/// The order in which candidate lots are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// First expired, first out: earliest removal date, else expiry, first.
    Fefo,
    /// First in, first out: earliest receipt first.
    Fifo,
    /// Last in, first out: latest receipt first.
    Lifo,
}

/// What to allocate, and under which rules.
///
/// ```
/// use traceability_core::{OrderId, ProductId, Quantity};
/// use traceability_core::allocation::{AllocationRequest, Strategy};
/// let r = AllocationRequest::new(ProductId::new("MILK").unwrap(), Quantity::from(5),
///     OrderId::new("SO1").unwrap(), Strategy::Fefo);
/// assert!(!r.partial && r.locations.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationRequest {
    /// Product (lot- or serial-tracked).
    pub product: ProductId,
    /// Quantity wanted (> 0; a whole number for serials).
    pub quantity: Quantity,
    /// Order the stock is reserved for.
    pub order: OrderId,
    /// FEFO, FIFO or LIFO.
    pub strategy: Strategy,
    /// Planned ship date: lots must not be expired then (default: today).
    pub ship_date: Option<NaiveDate>,
    /// Minimum remaining shelf life at the ship date, in percent (0..=100).
    pub min_remaining_shelf_life_pct: Option<Quantity>,
    /// Only take stock from these locations.
    pub locations: Option<Vec<LocationId>>,
    /// Reserve what is eligible when it is not enough, instead of failing.
    pub partial: bool,
}

impl AllocationRequest {
    /// A request with no ship date (today), no shelf-life minimum, any location, not partial.
    pub fn new(product: ProductId, quantity: Quantity, order: OrderId, strategy: Strategy) -> Self {
        Self {
            product,
            quantity,
            order,
            strategy,
            ship_date: None,
            min_remaining_shelf_life_pct: None,
            locations: None,
            partial: false,
        }
    }
}

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

/// The rules an order's allocation of a product was made under (checked again when a
/// different lot or serial is scanned at pick).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderRules {
    /// Ship date.
    pub ship_date: NaiveDate,
    /// Minimum remaining shelf life %.
    pub min_remaining_shelf_life_pct: Option<Quantity>,
    /// Location filter.
    pub locations: Option<Vec<LocationId>>,
}

/// FEFO sort key: (has no date, date) so lots without a date sort last.
type FefoKey = (bool, NaiveDate);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LotKeys {
    fefo: FefoKey,
    received: NaiveDate,
}

/// Per-product ordered candidate sets.
#[derive(Clone, Debug, Default, PartialEq)]
struct ProductIndex {
    fefo: BTreeSet<(FefoKey, LotNumber, u32)>,
    fifo: BTreeSet<(NaiveDate, LotNumber, u32)>,
    lifo: BTreeSet<(Reverse<NaiveDate>, LotNumber, u32)>,
    serials: BTreeSet<u32>,
}

/// The allocation index kept inside [`State`]: ordered candidate lots (with available
/// stock) and serials (`IN_INVENTORY`) per product, the rules of open order allocations,
/// and which lots were deactivated automatically because they ran empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllocIndex {
    products: HashMap<ProductId, ProductIndex>,
    lot_keys: Vec<Option<LotKeys>>,
    serial_in: Vec<bool>,
    depleted: Vec<bool>,
    rules: HashMap<OrderId, Vec<(ProductId, OrderRules)>>,
}

fn fefo_key(lot: &Lot) -> FefoKey {
    match lot.dates.removal.or(lot.dates.expiry) {
        Some(d) => (false, d),
        None => (true, NaiveDate::MAX),
    }
}

fn keys(lot: &Lot) -> LotKeys {
    LotKeys {
        fefo: fefo_key(lot),
        received: lot.received_on,
    }
}

impl AllocIndex {
    /// The number of lots currently indexed as having available stock (all products).
    ///
    /// ```
    /// assert_eq!(traceability_core::State::default().allocation_index().indexed_lots(), 0);
    /// ```
    pub fn indexed_lots(&self) -> usize {
        self.lot_keys.iter().filter(|k| k.is_some()).count()
    }

    /// The rules an order's allocation of a product was made under, if any is open.
    pub fn rules(&self, order: &OrderId, product: &ProductId) -> Option<&OrderRules> {
        self.rules
            .get(order)?
            .iter()
            .find(|(p, _)| p == product)
            .map(|(_, r)| r)
    }
}

/// Re-indexes lot `i` after its stock or dates changed; `stock_event` tells whether the
/// event moved stock in or out (for automatic deactivation of depleted lots).
fn sync_lot(state: &mut State, i: u32, stock_event: StockChange) {
    let lot = &mut state.lots[i as usize];
    let index = &mut state.alloc;
    let at = i as usize;
    if index.lot_keys.len() <= at {
        index.lot_keys.resize(at + 1, None);
        index.depleted.resize(at + 1, false);
    }
    match stock_event {
        StockChange::Out if lot.stock.is_empty() && lot.active => {
            lot.active = false;
            index.depleted[at] = true;
        }
        StockChange::In if index.depleted[at] && !lot.stock.is_empty() => {
            lot.active = true;
            index.depleted[at] = false;
        }
        StockChange::ExplicitStatus => index.depleted[at] = false,
        _ => {}
    }
    let want = lot
        .stock
        .iter()
        .any(|s| s.available() > Quantity::ZERO)
        .then(|| keys(lot));
    if index.lot_keys[at] == want {
        return;
    }
    let entry = index.products.entry(lot.product.clone()).or_default();
    if let Some(old) = index.lot_keys[at].take() {
        let n = lot.number.clone();
        entry.fefo.remove(&(old.fefo, n.clone(), i));
        entry.fifo.remove(&(old.received, n.clone(), i));
        entry.lifo.remove(&(Reverse(old.received), n, i));
    }
    if let Some(new) = want {
        entry.fefo.insert((new.fefo, lot.number.clone(), i));
        entry.fifo.insert((new.received, lot.number.clone(), i));
        entry
            .lifo
            .insert((Reverse(new.received), lot.number.clone(), i));
    }
    index.lot_keys[at] = want;
}

fn sync_serial(state: &mut State, i: u32) {
    let serial = &state.serials[i as usize];
    let index = &mut state.alloc;
    let at = i as usize;
    if index.serial_in.len() <= at {
        index.serial_in.resize(at + 1, false);
    }
    let want = serial.status == SerialStatus::InInventory;
    if index.serial_in[at] == want {
        return;
    }
    let entry = index.products.entry(serial.product.clone()).or_default();
    if want {
        entry.serials.insert(i);
    } else {
        entry.serials.remove(&i);
    }
    index.serial_in[at] = want;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StockChange {
    None,
    In,
    Out,
    ExplicitStatus,
}

/// Keeps the allocation index in step with an event just applied by [`State::apply`].
pub(crate) fn after_apply(state: &mut State, payload: &EventPayload) -> Result<(), TraceError> {
    let mut touched: Vec<(ItemRef, StockChange)> = Vec::new();
    match payload {
        EventPayload::LotReceived { lot, .. } => touched.push((lot_ref(lot), StockChange::In)),
        EventPayload::SerialsExpected {
            product, serials, ..
        }
        | EventPayload::SerialsReceived {
            product, serials, ..
        } => {
            for s in serials {
                touched.push((
                    ItemRef::Serial {
                        product: product.clone(),
                        serial: s.clone(),
                    },
                    StockChange::None,
                ));
            }
        }
        EventPayload::Moved { item, .. }
        | EventPayload::Allocated {
            line: Line { item, .. },
            ..
        }
        | EventPayload::AllocationCancelled {
            line: Line { item, .. },
            ..
        }
        | EventPayload::Picked {
            line: Line { item, .. },
            ..
        } => touched.push((item.clone(), StockChange::None)),
        EventPayload::Shipped { lines, .. } => {
            touched.extend(lines.iter().map(|l| (l.item.clone(), StockChange::Out)))
        }
        EventPayload::Produced {
            consumed, outputs, ..
        } => {
            touched.extend(consumed.iter().map(|l| (l.item.clone(), StockChange::Out)));
            touched.extend(outputs.iter().map(|o| match o {
                Produced::NewLot(lot) => (lot_ref(lot), StockChange::In),
                other => (other.item(), StockChange::In),
            }));
        }
        EventPayload::Adjusted { line } => {
            let change = if line.quantity.is_negative() {
                StockChange::Out
            } else {
                StockChange::In
            };
            touched.push((line.item.clone(), change));
        }
        EventPayload::Scrapped { line } => touched.push((line.item.clone(), StockChange::Out)),
        EventPayload::Returned { line, .. } => touched.push((line.item.clone(), StockChange::In)),
        EventPayload::LotActiveSet { product, lot, .. } => touched.push((
            ItemRef::Lot {
                product: product.clone(),
                lot: lot.clone(),
            },
            StockChange::ExplicitStatus,
        )),
        EventPayload::LotDatesUpdated { product, lot, .. } => touched.push((
            ItemRef::Lot {
                product: product.clone(),
                lot: lot.clone(),
            },
            StockChange::None,
        )),
        _ => {}
    }
    for (item, change) in touched {
        match state.resolve(&item) {
            Some(ItemIdx::Lot(i)) => sync_lot(state, i, change),
            Some(ItemIdx::Serial(i)) => sync_serial(state, i),
            None => {}
        }
    }
    // Forget the rules of orders that have nothing reserved any more.
    if let EventPayload::Shipped { order, .. } | EventPayload::AllocationCancelled { order, .. } =
        payload
    {
        if !state.orders.contains_key(order) {
            state.alloc.rules.remove(order);
        }
    }
    Ok(())
}

/// Applies [`EventPayload::AllocationRequested`]: remembers the order's rules.
pub(crate) fn apply_requested(state: &mut State, request: &AllocationRequest) {
    let rules = OrderRules {
        ship_date: request.ship_date.unwrap_or(NaiveDate::MIN),
        min_remaining_shelf_life_pct: request.min_remaining_shelf_life_pct,
        locations: request.locations.clone(),
    };
    let entry = state.alloc.rules.entry(request.order.clone()).or_default();
    match entry.iter_mut().find(|(p, _)| p == &request.product) {
        Some((_, r)) => *r = rules,
        None => entry.push((request.product.clone(), rules)),
    }
}

fn lot_ref(lot: &Lot) -> ItemRef {
    ItemRef::Lot {
        product: lot.product.clone(),
        lot: lot.number.clone(),
    }
}

/// Why a lot is not a candidate for allocation at `ship_date`, or `None` when it is.
/// Stock availability and locations are not checked here.
///
/// ```
/// use traceability_core::allocation::ineligibility;
/// use traceability_core::*;
/// let mut lot = Lot { product: ProductId::new("P").unwrap(), number: LotNumber::new("L").unwrap(),
///     received_on: "2026-01-01".parse().unwrap(), manufactured_on: None, dates: LotDates::default(),
///     weight: None, description: String::new(), supplier: None, supplier_lot: None,
///     attributes: Default::default(), active: true, quality: QualityStatus::Released,
///     on_hold: false, origin: Origin::Received, stock: vec![] };
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
        if let Some(pct) = crate::expiry::shelf_life_remaining_pct(lot, ship_date) {
            if pct < min {
                return Some("below the minimum remaining shelf life");
            }
        }
    }
    None
}

fn serial_eligible(serial: &Serial, locations: Option<&[LocationId]>) -> bool {
    serial.status == SerialStatus::InInventory
        && !serial.on_hold
        && serial
            .location
            .as_ref()
            .is_some_and(|l| location_allowed(locations, l))
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
/// use traceability_core::allocation::{plan, AllocationRequest, Strategy};
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
    if let Some(index) = state.alloc.products.get(&request.product) {
        if checked.tracking == Tracking::Serial {
            match request.strategy {
                Strategy::Fefo | Strategy::Fifo => {
                    take_serials(state, &checked, index.serials.iter().copied(), &mut out)
                }
                Strategy::Lifo => take_serials(
                    state,
                    &checked,
                    index.serials.iter().rev().copied(),
                    &mut out,
                ),
            }
        } else {
            let min = request.min_remaining_shelf_life_pct;
            match request.strategy {
                Strategy::Fefo => take_lots(
                    state,
                    &checked,
                    min,
                    index.fefo.iter().map(|k| k.2),
                    &mut out,
                ),
                Strategy::Fifo => take_lots(
                    state,
                    &checked,
                    min,
                    index.fifo.iter().map(|k| k.2),
                    &mut out,
                ),
                Strategy::Lifo => take_lots(
                    state,
                    &checked,
                    min,
                    index.lifo.iter().map(|k| k.2),
                    &mut out,
                ),
            }
        }
    }
    finish(request, &checked, out)
}

fn finish(
    request: &AllocationRequest,
    checked: &Checked<'_>,
    mut out: Allocation,
) -> Result<Allocation, TraceError> {
    out.shortfall = out.requested - out.allocated;
    if out.shortfall > Quantity::ZERO && (!request.partial || out.allocated.is_zero()) {
        return Err(TraceError::InsufficientStock {
            item: format!("product {} (eligible lots/serials)", request.product),
            location: match checked.locations {
                None => "any location".to_owned(),
                Some(ls) => ls
                    .iter()
                    .map(LocationId::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            },
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
        let lot = &state.lots[i as usize];
        if ineligibility(lot, checked.ship_date, min_pct).is_some() {
            continue;
        }
        for line in &lot.stock {
            let available = line.available();
            if available <= Quantity::ZERO || !location_allowed(checked.locations, &line.location) {
                continue;
            }
            let take = remaining.min(available);
            out.lines.push(AllocationLine {
                item: lot_ref(lot),
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
        let serial = &state.serials[i as usize];
        if !serial_eligible(serial, checked.locations) {
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
/// use traceability_core::allocation::{plan_naive, AllocationRequest, Strategy};
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
    let Some(entry) = state.products.get(&request.product) else {
        return finish(request, &checked, out);
    };
    if checked.tracking == Tracking::Serial {
        let mut idx: Vec<u32> = entry.serials.values().copied().collect();
        idx.sort_unstable();
        if request.strategy == Strategy::Lifo {
            idx.reverse();
        }
        take_serials(state, &checked, idx.into_iter(), &mut out);
    } else {
        let mut lots: Vec<u32> = entry
            .lots
            .values()
            .copied()
            .filter(|&i| {
                let lot = &state.lots[i as usize];
                lot.stock.iter().any(|s| s.available() > Quantity::ZERO)
            })
            .collect();
        let lot = |i: &u32| &state.lots[*i as usize];
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
pub(crate) fn decide_allocate(
    ctx: &Context<'_>,
    request: &AllocationRequest,
) -> Result<Vec<EventPayload>, TraceError> {
    Ok(plan(ctx.state, ctx.today, request)?.events(request))
}

/// A pick of a lot or serial the order has no reservation for: accepted when it
/// satisfies the rules the order's allocation of that product was made under; the
/// reservation moves from the allocated (unpicked) lots/serials to the scanned one.
pub(crate) fn decide_substitute_pick(
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
            item: format!("product {product} allocated to order {order}"),
            location: "any location".into(),
            requested: quantity,
            available: unpicked,
        });
    }
    let rules = state.alloc.rules(order, product);
    let ship_date = rules
        .map(|r| r.ship_date)
        .filter(|d| *d != NaiveDate::MIN)
        .unwrap_or(ctx.today);
    let min_pct = rules.and_then(|r| r.min_remaining_shelf_life_pct);
    let filter = rules.and_then(|r| r.locations.as_deref());
    let not_usable = |why: &'static str| TraceError::NotUsable {
        item: item.clone(),
        why,
    };

    // Where the scanned item is taken from.
    let mut takes: Vec<(LocationId, Quantity)> = Vec::new();
    match state.resolve(item) {
        Some(ItemIdx::Lot(i)) => {
            let lot = &state.lots[i as usize];
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
            for line in lot
                .stock
                .iter()
                .filter(|s| location_allowed(filter, &s.location))
            {
                let take = remaining.min(line.available());
                if take > Quantity::ZERO {
                    takes.push((line.location.clone(), take));
                    remaining -= take;
                }
            }
            if remaining > Quantity::ZERO {
                return Err(TraceError::InsufficientStock {
                    item: item.to_string(),
                    location: filter.map_or_else(
                        || "any location".to_owned(),
                        |ls| {
                            ls.iter()
                                .map(LocationId::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        },
                    ),
                    requested: quantity,
                    available: quantity - remaining,
                });
            }
        }
        Some(ItemIdx::Serial(i)) => {
            let serial = &state.serials[i as usize];
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
                    from: serial.status.to_string(),
                    to: SerialStatus::Allocated,
                });
            }
            if !serial_eligible(serial, filter) {
                return Err(not_usable("outside the order's location filter"));
            }
            let Some(location) = serial.location.clone() else {
                return Err(not_usable("not at a location"));
            };
            takes.push((location, quantity));
        }
        None => return Err(TraceError::unknown_item(item)),
    }

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

impl Tracker {
    /// Allocates stock by [`Command::AllocateStock`] and returns what was reserved.
    /// On any error nothing changes. See the [module docs](self) for the rules.
    ///
    /// ```
    /// use traceability_core::*;
    /// use traceability_core::allocation::{AllocationRequest, Strategy};
    /// let mut t = Tracker::in_memory();
    /// let req = AllocationRequest::new(ProductId::new("X").unwrap(), Quantity::ONE,
    ///     OrderId::new("SO1").unwrap(), Strategy::Fefo);
    /// assert_eq!(t.allocate("ana", None, &req).unwrap_err().kind(), ErrorKind::UnknownProduct);
    /// ```
    pub fn allocate(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        request: &AllocationRequest,
    ) -> Result<Allocation, TraceError> {
        self.execute_planned(actor, reason, |ctx| {
            let allocation = plan(ctx.state, ctx.today, request)?;
            Ok((allocation.events(request), allocation))
        })
        .map(|(_, allocation)| allocation)
    }
}

impl State {
    /// The allocation index (ordered candidate lots per product).
    pub fn allocation_index(&self) -> &AllocIndex {
        &self.alloc
    }
}

/// Wraps a request as a command (for batches and the bindings).
///
/// ```
/// use traceability_core::*;
/// use traceability_core::allocation::{command, AllocationRequest, Strategy};
/// let req = AllocationRequest::new(ProductId::new("X").unwrap(), Quantity::ONE,
///     OrderId::new("SO1").unwrap(), Strategy::Fefo);
/// assert!(matches!(command(req), Command::AllocateStock(_)));
/// ```
pub fn command(request: AllocationRequest) -> Command {
    Command::AllocateStock(request)
}
