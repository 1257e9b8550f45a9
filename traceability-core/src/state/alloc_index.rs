//! The allocation index: per product, the lots that have available stock in FEFO order
//! (by the date key, then lot number) and in FIFO order (by receipt date, then lot
//! number; LIFO walks it latest date first), as [`LotOrder`]s, and an ordered set of
//! the serials `IN_INVENTORY`, keyed by (arrival, serial number, serial index), the
//! arrival being the sequence number of the event that received or made the serial;
//! plus the rules of open order allocations. Ties are broken by number for lots and
//! serials alike (under LIFO too: latest arrival first, then by number). Kept in step by
//! [`super::State::apply`], so an allocation visits only the lots in front of the ones
//! it takes. Hold, quality, active status, expiry, shelf life and location are checked
//! while walking an order, never baked into the keys.

use std::collections::BTreeSet;

use foldhash::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::lot_number_at;
use super::lot_order::LotOrder;
use crate::command::{AllocationRequest, Strategy};
use crate::kernel::id::{LocationId, OrderId, ProductId, SerialNumber};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::{Lot, Serial};

/// The rules an order's allocation of a product was made under (checked again when a
/// different lot or serial is scanned at pick).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// The days a lot is indexed under (see [`day_key`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LotKeys {
    fefo: u32,
    received: u32,
}

impl LotKeys {
    fn of(lot: &Lot) -> Self {
        let fefo = match fefo_key(lot) {
            (false, date) => day_key(date),
            (true, _) => u32::MAX,
        };
        Self {
            fefo,
            received: day_key(lot.received_on),
        }
    }
}

/// A date as a `u32` in the same order (days from the common era, sign bit flipped);
/// `u32::MAX` is left for "no date", after every real one.
fn day_key(date: NaiveDate) -> u32 {
    (date.num_days_from_ce() as u32) ^ (1 << 31)
}

/// Per-product ordered candidate sets.
#[derive(Clone, Debug, Default, PartialEq)]
struct ProductIndex {
    fefo: LotOrder,
    fifo: LotOrder,
    serials_fifo: BTreeSet<(u64, SerialNumber, u32)>,
}

/// The allocation index kept inside the state: ordered candidate lots (with available
/// stock) and serials per product, and the rules of open order allocations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AllocIndex {
    /// The ordered sets, and beside them which lots and serials they hold: derived from
    /// the lots and serials, so left out of snapshots and rebuilt ([`Self::rebuild`]).
    #[serde(skip)]
    products: HashMap<ProductId, ProductIndex>,
    #[serde(skip)]
    lot_keys: Vec<Option<LotKeys>>,
    #[serde(skip)]
    serial_in: Vec<bool>,
    /// Per serial: the sequence number of the event that received or made it.
    serial_arrival: Vec<u64>,
    rules: HashMap<OrderId, Vec<(ProductId, OrderRules)>>,
}

/// The LIFO order of a FIFO-ordered sequence of (arrival, index): the latest arrival
/// first, and those that arrived together by number as in FIFO. Walks the sequence
/// backwards one arrival at a time, so a walk that stops early reads little more than
/// it takes.
fn latest_first<'a, A: Copy + Eq + 'a>(
    fifo: impl DoubleEndedIterator<Item = (A, u32)> + 'a,
) -> impl Iterator<Item = u32> + 'a {
    let mut backwards = fifo.rev().peekable();
    std::iter::from_fn(move || {
        let (arrival, index) = backwards.next()?;
        let mut together = vec![index];
        while let Some((_, index)) = backwards.next_if(|(a, _)| *a == arrival) {
            together.push(index);
        }
        Some(together.into_iter().rev())
    })
    .flatten()
}

/// The FEFO sort key of a lot: its removal date, else its expiry; lots without either
/// sort last.
pub(crate) fn fefo_key(lot: &Lot) -> FefoKey {
    match lot.dates.removal.or(lot.dates.expiry) {
        Some(d) => (false, d),
        None => (true, NaiveDate::MAX),
    }
}

/// The lot half of a rebuilt [`AllocIndex`]: derived from the lots alone, so that a
/// snapshot read builds it on the thread that decoded them.
pub(super) struct LotOrders {
    keys: Vec<Option<LotKeys>>,
    products: HashMap<ProductId, ProductIndex>,
}

impl LotOrders {
    /// Each product's FEFO and FIFO orders of its lots with available stock. O(n log n).
    pub(super) fn of(lots: &[Lot]) -> Self {
        // Keys gathered per product, then each order built at once from its sorted
        // keys (much faster than inserting one by one).
        #[derive(Default)]
        struct Pairs {
            fefo: Vec<(u32, u32)>,
            fifo: Vec<(u32, u32)>,
        }
        let mut pairs: HashMap<&ProductId, Pairs> = HashMap::default();
        let keys = (0..)
            .zip(lots)
            .map(|(i, lot)| {
                let want = AllocIndex::keys_of(lot)?;
                let product = pairs.entry(&lot.product).or_default();
                product.fefo.push((want.fefo, i));
                product.fifo.push((want.received, i));
                Some(want)
            })
            .collect();
        let number = lot_number_at(lots);
        let products = pairs
            .into_iter()
            .map(|(product, pairs)| {
                let index = ProductIndex {
                    fefo: LotOrder::from_unsorted(pairs.fefo, number),
                    fifo: LotOrder::from_unsorted(pairs.fifo, number),
                    serials_fifo: BTreeSet::new(),
                };
                (product.clone(), index)
            })
            .collect();
        Self { keys, products }
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

    /// The indexes of `product`'s lots with available stock, in `strategy` order.
    pub(crate) fn lots_in_order(
        &self,
        product: &ProductId,
        strategy: Strategy,
    ) -> Box<dyn Iterator<Item = u32> + '_> {
        let Some(index) = self.products.get(product) else {
            return Box::new(std::iter::empty());
        };
        match strategy {
            Strategy::Fefo => Box::new(index.fefo.iter().map(|(_, lot)| lot)),
            Strategy::Fifo => Box::new(index.fifo.iter().map(|(_, lot)| lot)),
            Strategy::Lifo => Box::new(latest_first(index.fifo.iter())),
        }
    }

    /// The indexes of `product`'s serials `IN_INVENTORY`, in receipt order (latest
    /// receipt first for LIFO), serials received together by number.
    pub(crate) fn serials_in_order(
        &self,
        product: &ProductId,
        strategy: Strategy,
    ) -> Box<dyn Iterator<Item = u32> + '_> {
        let Some(index) = self.products.get(product) else {
            return Box::new(std::iter::empty());
        };
        match strategy {
            Strategy::Fefo | Strategy::Fifo => Box::new(index.serials_fifo.iter().map(|k| k.2)),
            Strategy::Lifo => Box::new(latest_first(
                index
                    .serials_fifo
                    .iter()
                    .map(|&(arrival, _, serial)| (arrival, serial)),
            )),
        }
    }

    /// After a snapshot read, which leaves the derived sets out: takes in the lots'
    /// orders ([`LotOrders::of`]) and indexes every serial again. O(n log n) in the
    /// serials.
    pub(super) fn rebuild(&mut self, lot_orders: LotOrders, serials: &[Serial]) {
        let mut serials_fifo: HashMap<&ProductId, Vec<_>> = HashMap::default();
        self.serial_in = (0..)
            .zip(serials)
            .map(|(i, serial)| {
                let want = serial.status == SerialStatus::InInventory;
                if want {
                    let key = self.serial_key(i, serial);
                    serials_fifo.entry(&serial.product).or_default().push(key);
                }
                want
            })
            .collect();
        self.lot_keys = lot_orders.keys;
        self.products = lot_orders.products;
        for (product, keys) in serials_fifo {
            let index = self.products.entry(product.clone()).or_default();
            index.serials_fifo = keys.into_iter().collect();
        }
    }

    /// The key serial `i` is indexed under: (arrival, number, index).
    fn serial_key(&self, i: u32, serial: &Serial) -> (u64, SerialNumber, u32) {
        let arrival = self.serial_arrival.get(i as usize).copied();
        (arrival.unwrap_or_default(), serial.number.clone(), i)
    }

    /// The keys lot `lot` is indexed under: `None` when it has no available stock.
    fn keys_of(lot: &Lot) -> Option<LotKeys> {
        lot.stock
            .iter()
            .any(|s| s.available() > Quantity::ZERO)
            .then(|| LotKeys::of(lot))
    }

    /// Re-indexes lot `i` (of `lots`) after its stock or dates changed.
    pub(super) fn sync_lot(&mut self, i: u32, lots: &[Lot]) {
        let at = i as usize;
        let lot = &lots[at];
        if self.lot_keys.len() <= at {
            self.lot_keys.resize(at + 1, None);
        }
        let want = Self::keys_of(lot);
        if self.lot_keys[at] == want {
            return;
        }
        let number = lot_number_at(lots);
        let entry = self.products.entry(lot.product.clone()).or_default();
        if let Some(old) = self.lot_keys[at].take() {
            entry.fefo.remove((old.fefo, i), number);
            entry.fifo.remove((old.received, i), number);
        }
        if let Some(new) = want {
            entry.fefo.insert((new.fefo, i), number);
            entry.fifo.insert((new.received, i), number);
        }
        self.forget_if_empty(&lot.product);
        self.lot_keys[at] = want;
    }

    /// Re-indexes serial `i` after its status changed.
    pub(super) fn sync_serial(&mut self, i: u32, serial: &Serial) {
        let at = i as usize;
        if self.serial_in.len() <= at {
            self.serial_in.resize(at + 1, false);
        }
        let want = serial.status == SerialStatus::InInventory;
        if self.serial_in[at] == want {
            return;
        }
        let key = self.serial_key(i, serial);
        let entry = self.products.entry(serial.product.clone()).or_default();
        if want {
            entry.serials_fifo.insert(key);
        } else {
            entry.serials_fifo.remove(&key);
        }
        self.forget_if_empty(&serial.product);
        self.serial_in[at] = want;
    }

    /// Drops a product's sets once they are all empty, so the index holds exactly the
    /// products with candidates (as one rebuilt from the lots and serials does).
    fn forget_if_empty(&mut self, product: &ProductId) {
        if self
            .products
            .get(product)
            .is_some_and(|index| index.fefo.is_empty() && index.serials_fifo.is_empty())
        {
            self.products.remove(product);
        }
    }

    /// Records that serial `i` was received (or made) by event `seq`; call before the
    /// serial is re-indexed.
    pub(super) fn serial_arrived(&mut self, i: u32, seq: u64) {
        let at = i as usize;
        if self.serial_arrival.len() <= at {
            self.serial_arrival.resize(at + 1, 0);
        }
        self.serial_arrival[at] = seq;
    }

    /// Remembers the rules of an order's allocation request.
    pub(super) fn record_rules(&mut self, request: &AllocationRequest) {
        let rules = OrderRules {
            ship_date: request.ship_date.unwrap_or(NaiveDate::MIN),
            min_remaining_shelf_life_pct: request.min_remaining_shelf_life_pct,
            locations: request.locations.clone(),
        };
        let entry = self.rules.entry(request.order.clone()).or_default();
        match entry.iter_mut().find(|(p, _)| p == &request.product) {
            Some((_, r)) => *r = rules,
            None => entry.push((request.product.clone(), rules)),
        }
    }

    /// Forgets the rules of an order that has nothing reserved any more.
    pub(super) fn forget_rules(&mut self, order: &OrderId) {
        self.rules.remove(order);
    }
}
