//! # traceability-bench
//!
//! A deterministic generator of realistic traceability data, shared by the benchmarks
//! and tests. [`generate`] emits a `Vec<Command>` (so the data goes through the real
//! validation) scaled by the number of lots:
//!
//! * ~30% raw lots received from suppliers (large quantities), among them one **hub**
//!   ingredient lot per [`HUB_EVERY`] lots, each consumed by 100–800 work orders
//!   ([`HUB_CONSUMERS`]) of production level 3 and up, soon after it arrives;
//! * work orders each consuming 2–6 inputs with locality (inputs come from windows of
//!   recently made lots), so chains run up to [`MAX_LEVEL`] levels deep;
//! * finished lots (every top-level lot and about half of those from level 3 up)
//!   shipped 1–5 times (Allocate → Pick → Ship) to ~N/100 customers.
//!
//! At 1,000,000 lots that is ~3.07 M genealogy edges, ~0.99 M shipment lines and
//! ~0.30 M supplier receipts; a forward trace from an ordinary raw lot reaches a median
//! of ~80 descendants and ~170 shipment lines, one from a hub lot ~2,200–2,800
//! descendants and ~4,800–5,800 lines (the spread is the seed's and the sample's).
//! [`shape`] measures these figures with the [`floor`] over the [`query_mix`], the fixed
//! 200 queries the trace benchmarks run; `cargo run --release -p traceability-bench
//! --example shape` prints them without loading the library.
//!
//! [`load`] runs the commands through a real in-memory [`Tracker`] with
//! [`Tracker::bulk_load`] in chunks; [`load_state`] validates and applies them the same way (the same
//! [`decide`](traceability_core::decide::decide) and [`State::apply`]) without the
//! event store, and returns the events for replay benchmarks.
//!
//! ```
//! let data = traceability_bench::generate(2_000, 7);
//! assert_eq!(data.lots, 2_000);
//! let (state, _events) = traceability_bench::load_state(&data.commands).unwrap();
//! assert_eq!(state.lots().len(), 2_000);
//! ```

pub mod floor;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use traceability_core::decide::{decide, Context};
use traceability_core::{
    trace_backward, trace_forward, Allocate, BackwardTrace, Command, EventBody, FixedClock,
    ForwardTrace, ItemRef, Line, Location, LocationId, LocationKind, LotNumber, LotSpec, OrderId,
    Output, Party, PartyId, PartyRole, Pick, Produce, Product, ProductId, Quantity, ReceiveLot,
    Ship, ShipmentId, State, TraceError, Tracker, Tracking,
};

/// Deepest production level (raw lots are level 0).
pub const MAX_LEVEL: usize = 8;

/// Lots kept per level as candidate inputs (the locality window).
const WINDOW: usize = 256;
/// Share of the lots received from suppliers.
const RAW_SHARE: f64 = 0.3;
/// Fewest inputs of a work order (hub aside).
const MIN_INPUTS: usize = 2;
/// Inputs per work order are uniform in `MIN_INPUTS..MIN_INPUTS + INPUTS_SPAN`.
const INPUTS_SPAN: usize = 5;
/// Share of a work order's extra inputs drawn from the raw lots.
const RAW_INPUT_SHARE: f64 = 0.6;
/// Lots produced from this level up may be finished goods...
const FINISHED_LEVEL: usize = 3;
/// ... with this probability (every top-level lot is).
const FINISHED_SHARE: f64 = 0.55;
/// A finished lot is shipped 1..=MAX_SHIPMENTS times.
const MAX_SHIPMENTS: usize = 5;
/// One hub lot arrives every HUB_EVERY lots.
pub const HUB_EVERY: usize = 1_600;
/// Work orders from this level up may consume a hub lot...
const HUB_LEVEL: usize = 3;
/// ... with this probability, while a hub is in use.
const HUB_SHARE: f64 = 0.9;

/// Number of hub ingredient lots in a data set of `lots` lots: one per [`HUB_EVERY`]
/// lots, at least 2.
///
/// ```
/// assert_eq!(traceability_bench::hub_count(1_000_000), 625);
/// assert_eq!(traceability_bench::hub_count(1_000), 2);
/// ```
pub fn hub_count(lots: usize) -> usize {
    (lots / HUB_EVERY).max(2)
}

/// Fewest and most work orders consuming one hub lot (when the data set is large
/// enough for it).
pub const HUB_CONSUMERS: std::ops::RangeInclusive<usize> = 100..=800;

/// A small deterministic PRNG (SplitMix64).
///
/// ```
/// let mut a = traceability_bench::Rng::new(1);
/// let mut b = traceability_bench::Rng::new(1);
/// assert_eq!(a.below(100), b.below(100));
/// ```
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
}

/// The generated data set and what the benchmarks need to know about it.
#[derive(Clone, Debug)]
pub struct Generated {
    /// Every command, in order.
    pub commands: Vec<Command>,
    /// Number of lots created.
    pub lots: usize,
    /// Of which received from suppliers.
    pub raw_lots: usize,
    /// Number of work orders.
    pub work_orders: usize,
    /// Number of genealogy edges (consumptions).
    pub edges: usize,
    /// Number of shipments.
    pub shipments: usize,
    /// Number of customers.
    pub customers: usize,
    /// The hub ingredient lots.
    pub hubs: Vec<ItemRef>,
    /// Ordinary raw lots (not hubs), in creation order.
    pub raw: Vec<ItemRef>,
    /// Finished lots, in creation order.
    pub finished: Vec<ItemRef>,
}

fn id<T: std::str::FromStr>(s: impl AsRef<str>) -> T
where
    T::Err: std::fmt::Debug,
{
    s.as_ref().parse().expect("generated ids are valid")
}

fn lot_ref(product: &ProductId, n: usize) -> ItemRef {
    ItemRef::Lot {
        product: product.clone(),
        lot: id(format!("L{n:07}")),
    }
}

/// Generates a data set of `lots` lots (at least 10) deterministically from `seed`.
/// O(lots); ~1M lots in a few seconds.
///
/// ```
/// let a = traceability_bench::generate(500, 1);
/// let b = traceability_bench::generate(500, 1);
/// assert_eq!(a.commands, b.commands);
/// assert!(a.raw_lots * 10 >= 500 * 2);
/// ```
pub fn generate(lots: usize, seed: u64) -> Generated {
    let lots = lots.max(10);
    let mut rng = Rng::new(seed);
    let mut commands = Vec::with_capacity(lots * 3);
    let wh: LocationId = id("WH");
    let raw_p: ProductId = id("RAW");
    let mid_p: ProductId = id("INT");
    let fg_p: ProductId = id("FG");
    commands.push(Command::RegisterLocation(Location {
        id: wh.clone(),
        kind: LocationKind::Internal,
        description: "warehouse".into(),
        gln: None,
        party: None,
    }));
    for p in [&raw_p, &mid_p, &fg_p] {
        commands.push(Command::RegisterProduct(Product::new(
            p.clone(),
            Tracking::Lot,
        )));
    }
    let suppliers = 10 + lots / 10_000;
    let customers = (lots / 100).max(1);
    for s in 0..suppliers {
        commands.push(Command::RegisterParty(Party {
            id: id(format!("S{s:05}")),
            role: PartyRole::Supplier,
            name: format!("Supplier {s}"),
            gln: None,
        }));
    }
    for c in 0..customers {
        commands.push(Command::RegisterParty(Party {
            id: id(format!("C{c:06}")),
            role: PartyRole::Customer,
            name: format!("Customer {c}"),
            gln: None,
        }));
    }
    let base = NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date");
    // Hub lots arrive evenly over the first 4/5 of the data; each is consumed by a
    // number of work orders drawn from HUB_CONSUMERS, picked among the hubs in use.
    let hubs = hub_count(lots);
    let hub_every = (lots * 4 / 5) / hubs;
    let mut in_use: Vec<(usize, usize)> = Vec::new(); // (hub, consumptions left)
    let mut windows: Vec<Vec<(usize, ItemRef)>> =
        (0..MAX_LEVEL).map(|_| Vec::with_capacity(WINDOW)).collect();
    let mut window_pos = [0usize; MAX_LEVEL];
    let mut out = Generated {
        commands: Vec::new(),
        lots,
        raw_lots: 0,
        work_orders: 0,
        edges: 0,
        shipments: 0,
        customers,
        hubs: Vec::new(),
        raw: Vec::new(),
        finished: Vec::new(),
    };
    let one = Quantity::ONE;
    for n in 0..lots {
        let date = base + Days::new((n / 1000) as u64);
        let hub = n % hub_every == 0 && out.hubs.len() < hubs;
        let raw = hub || n < 2 || windows[0].is_empty() || rng.chance(RAW_SHARE);
        if raw {
            let item = lot_ref(&raw_p, n);
            let mut spec = LotSpec::new(raw_p.clone(), id(format!("L{n:07}")));
            spec.supplier_lot = Some(format!("SL{}", rng.next_u64() % 1_000_000));
            commands.push(Command::ReceiveLot(ReceiveLot {
                spec,
                quantity: Quantity::from(10_000_000),
                location: wh.clone(),
                supplier: Some(id(format!("S{:05}", rng.below(suppliers)))),
                received_on: Some(date),
                reference: None,
            }));
            out.raw_lots += 1;
            if hub {
                let span = HUB_CONSUMERS.end() - HUB_CONSUMERS.start() + 1;
                in_use.push((out.hubs.len(), HUB_CONSUMERS.start() + rng.below(span)));
                out.hubs.push(item);
            } else {
                out.raw.push(item.clone());
                push_window(&mut windows[0], &mut window_pos[0], n, item);
            }
            continue;
        }
        // a produced lot at `level`, fed by one lot of the level below
        let mut level = 1 + rng.below(MAX_LEVEL);
        while windows[level - 1].is_empty() {
            level -= 1;
        }
        let mut inputs: Vec<(usize, ItemRef)> = Vec::with_capacity(MIN_INPUTS + INPUTS_SPAN + 1);
        let w = &windows[level - 1];
        inputs.push(w[rng.below(w.len())].clone());
        let want = MIN_INPUTS + rng.below(INPUTS_SPAN);
        while inputs.len() < want {
            let from = if rng.chance(RAW_INPUT_SHARE) {
                0
            } else {
                rng.below(level)
            };
            let w = &windows[from];
            if w.is_empty() {
                continue;
            }
            let pick = &w[rng.below(w.len())];
            if !inputs.iter().any(|(i, _)| *i == pick.0) {
                inputs.push(pick.clone());
            } else if w.len() < want {
                break;
            }
        }
        if level >= HUB_LEVEL && !in_use.is_empty() && rng.chance(HUB_SHARE) {
            let slot = rng.below(in_use.len());
            let (h, left) = &mut in_use[slot];
            inputs.push((usize::MAX - *h, out.hubs[*h].clone()));
            *left -= 1;
            if *left == 0 {
                in_use.swap_remove(slot);
            }
        }
        let finished =
            level == MAX_LEVEL || (level >= FINISHED_LEVEL && rng.chance(FINISHED_SHARE));
        let product = if finished { &fg_p } else { &mid_p };
        let item = lot_ref(product, n);
        out.edges += inputs.len();
        out.work_orders += 1;
        commands.push(Command::Produce(Produce {
            work_order: id(format!("WO{n:07}")),
            consumed: inputs
                .iter()
                .map(|(_, item)| Line {
                    item: item.clone(),
                    location: wh.clone(),
                    quantity: one,
                })
                .collect(),
            outputs: vec![Output::NewLot {
                spec: LotSpec::new(product.clone(), id(format!("L{n:07}"))),
                quantity: Quantity::from(1_000),
                location: wh.clone(),
            }],
            produced_on: Some(date),
            override_expiry: false,
        }));
        if finished {
            for s in 0..1 + rng.below(MAX_SHIPMENTS) {
                let order: OrderId = id(format!("SO{n:07}-{s}"));
                let quantity = Quantity::from(1 + rng.below(3) as u32);
                commands.push(Command::Allocate(Allocate {
                    order: order.clone(),
                    item: item.clone(),
                    location: Some(wh.clone()),
                    quantity,
                    ship_date: None,
                }));
                commands.push(Command::Pick(Pick {
                    order: order.clone(),
                    item: item.clone(),
                    quantity,
                }));
                commands.push(Command::Ship(Ship {
                    shipment: id::<ShipmentId>(format!("SH{n:07}-{s}")),
                    order,
                    customer: id::<PartyId>(format!("C{:06}", rng.below(customers))),
                    shipped_on: Some(date),
                    override_expiry: false,
                }));
                out.shipments += 1;
            }
            out.finished.push(item);
        } else {
            push_window(&mut windows[level], &mut window_pos[level], n, item);
        }
    }
    out.commands = commands;
    out
}

fn push_window(w: &mut Vec<(usize, ItemRef)>, pos: &mut usize, n: usize, item: ItemRef) {
    if w.len() < WINDOW {
        w.push((n, item));
    } else {
        w[*pos] = (n, item);
        *pos = (*pos + 1) % WINDOW;
    }
}

/// The fixed "today" the loaders validate against (after every generated date).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 1, 1).expect("valid date")
}

/// Loads commands into a fresh in-memory [`Tracker`] (fixed clock) with
/// [`Tracker::bulk_load`], `chunk` commands per atomic batch.
///
/// ```
/// let data = traceability_bench::generate(300, 3);
/// let t = traceability_bench::load(&data.commands, 1000).unwrap();
/// assert_eq!(t.state().lots().len(), 300);
/// ```
pub fn load(commands: &[Command], chunk: usize) -> Result<Tracker, TraceError> {
    let mut tracker = Tracker::in_memory();
    load_into(&mut tracker, commands, chunk)?;
    Ok(tracker)
}

/// Loads commands into `tracker` (its clock set to the generator's day) with
/// [`Tracker::bulk_load`], `chunk` commands per atomic batch.
pub fn load_into(
    tracker: &mut Tracker,
    commands: &[Command],
    chunk: usize,
) -> Result<(), TraceError> {
    load_batches(tracker, commands.chunks(chunk.max(1)))
}

/// [`load_into`] with each batch a deep copy of its commands (through JSON), dropped
/// once loaded: the state then owns every id text, as it does when an ERP loads its
/// history, rather than sharing the generated commands' text (which was allocated
/// before a measurement starts, so would hide from it). For measuring memory.
pub fn load_copies_into(
    tracker: &mut Tracker,
    commands: &[Command],
    chunk: usize,
) -> Result<(), TraceError> {
    let copy = |batch: &[Command]| -> Vec<Command> {
        let json = serde_json::to_vec(batch).expect("commands serialise");
        serde_json::from_slice(&json).expect("serialised commands read back")
    };
    load_batches(tracker, commands.chunks(chunk.max(1)).map(copy))
}

/// Loads `batches` through [`Tracker::bulk_load`] on the generator's fixed clock.
fn load_batches<B>(tracker: &mut Tracker, batches: B) -> Result<(), TraceError>
where
    B: IntoIterator,
    B::Item: AsRef<[Command]>,
{
    tracker.set_clock(Arc::new(FixedClock::new(
        today().and_hms_opt(0, 0, 0).expect("valid time").and_utc(),
    )));
    tracker
        .bulk_load("generator", Some("generated"), batches, |_| {
            std::ops::ControlFlow::Continue(())
        })
        .map(drop)
        .map_err(|e| *e.error)
}

/// Validates and applies commands exactly as `execute_batch` does (the same
/// [`decide`] then [`State::apply`]) but without the event store (no JSON, no hash
/// chain), returning the state and the events, e.g. to benchmark a replay.
pub fn load_state(commands: &[Command]) -> Result<(State, Vec<EventBody>), TraceError> {
    let mut state = State::default();
    let mut events = Vec::with_capacity(commands.len());
    for command in commands {
        let payloads = decide(
            &Context {
                state: &state,
                today: today(),
                reason: Some("generated"),
            },
            command,
        )?;
        for payload in payloads {
            let body = EventBody::new("generator", Some("generated"), payload);
            state.apply(events.len() as u64, &body)?;
            events.push(body);
        }
    }
    Ok((state, events))
}

/// The resident set size of this process in bytes (Linux; 0 where unknown): benches
/// print its growth while loading as memory per lot.
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Lot numbers are `L` + 7 digits: the lot created `n`-th.
pub fn lot_number(n: usize) -> LotNumber {
    id(format!("L{n:07}"))
}

/// The kind of a query of the [`QueryMix`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueryClass {
    /// Forward trace from an ordinary raw lot.
    TypicalForward,
    /// Forward trace from a hub ingredient lot.
    HubForward,
    /// Backward trace from a finished lot.
    Backward,
}

impl QueryClass {
    /// Every class, in table order.
    pub const ALL: [QueryClass; 3] = [
        QueryClass::TypicalForward,
        QueryClass::HubForward,
        QueryClass::Backward,
    ];

    /// True for the forward classes.
    pub fn is_forward(self) -> bool {
        !matches!(self, QueryClass::Backward)
    }

    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            QueryClass::TypicalForward => "forward, typical raw lot",
            QueryClass::HubForward => "forward, hub lot",
            QueryClass::Backward => "backward, finished lot",
        }
    }
}

/// One query of the mix: a class and its start lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// What kind of trace.
    pub class: QueryClass,
    /// From where.
    pub item: ItemRef,
}

/// A fixed, deterministic mix of trace queries (see [`query_mix`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryMix {
    /// The queries, class by class.
    pub queries: Vec<Query>,
}

impl QueryMix {
    /// The queries of one class.
    pub fn of(&self, class: QueryClass) -> impl Iterator<Item = &Query> {
        self.queries.iter().filter(move |q| q.class == class)
    }
}

/// Forward queries from ordinary raw lots in the [`query_mix`].
pub const TYPICAL_QUERIES: usize = 80;
/// Forward queries from hub lots in the [`query_mix`].
pub const HUB_QUERIES: usize = 20;
/// Backward queries from finished lots in the [`query_mix`].
pub const BACKWARD_QUERIES: usize = 100;

/// `count` picks spread evenly over `items` (the middle of each of `count` equal
/// slices; an item repeats when there are fewer than `count`).
fn spread(items: &[ItemRef], count: usize) -> Vec<ItemRef> {
    if items.is_empty() {
        return Vec::new();
    }
    (0..count)
        .map(|i| items[(2 * i + 1) * items.len() / (2 * count)].clone())
        .collect()
}

/// The fixed query mix of a data set: [`TYPICAL_QUERIES`] forward traces from ordinary
/// raw lots, [`HUB_QUERIES`] forward from hub lots and [`BACKWARD_QUERIES`] backward from
/// finished lots, each class's start lots spread evenly over the data (in creation
/// order).
///
/// ```
/// use traceability_bench::{generate, query_mix, QueryClass};
/// let data = generate(3_000, 1);
/// let mix = query_mix(&data);
/// assert_eq!(mix.queries.len(), 200);
/// assert_eq!(mix.of(QueryClass::HubForward).count(), 20);
/// assert!(mix.of(QueryClass::Backward).all(|q| data.finished.contains(&q.item)));
/// ```
pub fn query_mix(data: &Generated) -> QueryMix {
    let mut queries = Vec::with_capacity(TYPICAL_QUERIES + HUB_QUERIES + BACKWARD_QUERIES);
    for (class, items, count) in [
        (QueryClass::TypicalForward, &data.raw, TYPICAL_QUERIES),
        (QueryClass::HubForward, &data.hubs, HUB_QUERIES),
        (QueryClass::Backward, &data.finished, BACKWARD_QUERIES),
    ] {
        queries.extend(
            spread(items, count)
                .into_iter()
                .map(|item| Query { class, item }),
        );
    }
    QueryMix { queries }
}

/// `n` with thousands separators.
///
/// ```
/// assert_eq!(traceability_bench::thousands(3_074_355), "3,074,355");
/// assert_eq!(traceability_bench::thousands(999), "999");
/// ```
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Median and mean of some counts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    /// Smallest.
    pub min: usize,
    /// Median (upper for an even count).
    pub median: usize,
    /// Mean.
    pub mean: f64,
    /// Largest.
    pub max: usize,
}

impl Spread {
    /// Of `values` (all zero when empty).
    pub fn of(mut values: Vec<usize>) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        values.sort_unstable();
        Self {
            min: values[0],
            median: values[values.len() / 2],
            mean: values.iter().sum::<usize>() as f64 / values.len() as f64,
            max: values[values.len() - 1],
        }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "median {} (mean {}, {}..{})",
            thousands(self.median),
            thousands(self.mean.round() as usize),
            thousands(self.min),
            thousands(self.max)
        )
    }
}

/// The achieved shape of a data set, measured with the [`floor::Floor`] over the
/// [`query_mix`].
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// Lots.
    pub lots: usize,
    /// Genealogy edges.
    pub edges: usize,
    /// Shipment lines.
    pub shipment_lines: usize,
    /// Lots received from suppliers.
    pub receipts: usize,
    /// Hub lots.
    pub hubs: usize,
    /// Work orders consuming each hub lot.
    pub hub_consumers: Spread,
    /// Typical forward queries: descendants (the start excluded).
    pub typical_descendants: Spread,
    /// Typical forward queries: shipment lines.
    pub typical_lines: Spread,
    /// Hub forward queries: descendants.
    pub hub_descendants: Spread,
    /// Hub forward queries: shipment lines.
    pub hub_lines: Spread,
    /// Backward queries: ancestors.
    pub ancestors: Spread,
}

/// Measures the [`Shape`] of `data` with its floor.
pub fn shape(data: &Generated, floor: &floor::Floor) -> Shape {
    let mix = query_mix(data);
    let size = floor.size();
    let lot = |item: &ItemRef| floor.lot(item).expect("a generated lot");
    let forward = |class| -> (Vec<usize>, Vec<usize>) {
        mix.of(class)
            .map(|q| {
                let f = floor.forward(lot(&q.item));
                (f.lots.len() - 1, f.shipments.len())
            })
            .unzip()
    };
    let (typical_descendants, typical_lines) = forward(QueryClass::TypicalForward);
    let (hub_descendants, hub_lines) = forward(QueryClass::HubForward);
    Shape {
        lots: size.lots,
        edges: size.edges,
        shipment_lines: size.shipment_lines,
        receipts: size.receipts,
        hubs: data.hubs.len(),
        hub_consumers: Spread::of(data.hubs.iter().map(|h| floor.consumers(lot(h))).collect()),
        typical_descendants: Spread::of(typical_descendants),
        typical_lines: Spread::of(typical_lines),
        hub_descendants: Spread::of(hub_descendants),
        hub_lines: Spread::of(hub_lines),
        ancestors: Spread::of(
            mix.of(QueryClass::Backward)
                .map(|q| floor.backward(lot(&q.item)).lots.len() - 1)
                .collect(),
        ),
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per_lot = |n: usize| n as f64 / self.lots.max(1) as f64;
        writeln!(
            f,
            "{} lots: {} genealogy edges ({:.2}/lot), {} shipment lines ({:.2}/lot), \
             {} supplier receipts ({:.2}/lot)",
            thousands(self.lots),
            thousands(self.edges),
            per_lot(self.edges),
            thousands(self.shipment_lines),
            per_lot(self.shipment_lines),
            thousands(self.receipts),
            per_lot(self.receipts),
        )?;
        writeln!(
            f,
            "{} hub lots, consumed by work orders: {}",
            thousands(self.hubs),
            self.hub_consumers
        )?;
        writeln!(
            f,
            "forward from a typical raw lot: descendants {}; shipment lines {}",
            self.typical_descendants, self.typical_lines
        )?;
        writeln!(
            f,
            "forward from a hub lot: descendants {}; shipment lines {}",
            self.hub_descendants, self.hub_lines
        )?;
        write!(
            f,
            "backward from a finished lot: ancestors {}",
            self.ancestors
        )
    }
}

/// A trace's answer as sets of public ids, to check that implementations agree: the
/// reached lots (the start included), the shipments (forward) and the customers
/// (forward) or suppliers (backward).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// The start and every lot reached.
    pub lots: BTreeSet<ItemRef>,
    /// The shipments of the lots reached (forward; empty backward).
    pub shipments: BTreeSet<ShipmentId>,
    /// Customers (forward) or suppliers (backward).
    pub parties: BTreeSet<PartyId>,
}

impl Answer {
    /// Of the floor's forward walk.
    pub fn of_floor_forward(floor: &floor::Floor, f: &floor::Forward) -> Self {
        Self {
            lots: f.lots.iter().map(|&l| floor.lot_ref(l).clone()).collect(),
            shipments: f
                .shipments
                .iter()
                .map(|&s| floor.shipment_ref(s).clone())
                .collect(),
            parties: f
                .customers
                .iter()
                .map(|&c| floor.customer_ref(c).clone())
                .collect(),
        }
    }

    /// Of the floor's backward walk.
    pub fn of_floor_backward(floor: &floor::Floor, b: &floor::Backward) -> Self {
        Self {
            lots: b.lots.iter().map(|&l| floor.lot_ref(l).clone()).collect(),
            shipments: BTreeSet::new(),
            parties: b
                .suppliers
                .iter()
                .map(|&s| floor.supplier_ref(s).clone())
                .collect(),
        }
    }

    /// Of the library's forward trace.
    pub fn of_forward(t: &ForwardTrace) -> Self {
        Self {
            lots: t.items.iter().map(|i| i.item.clone()).collect(),
            shipments: t.shipments.iter().map(|s| s.shipment.clone()).collect(),
            parties: t.customers.iter().cloned().collect(),
        }
    }

    /// Of the library's backward trace.
    pub fn of_backward(t: &BackwardTrace) -> Self {
        Self {
            lots: t.items.iter().map(|i| i.item.clone()).collect(),
            shipments: BTreeSet::new(),
            parties: t.suppliers.iter().cloned().collect(),
        }
    }

    /// The floor's answer to `query`.
    pub fn floor(floor: &floor::Floor, query: &Query) -> Self {
        let lot = floor.lot(&query.item).expect("a generated lot");
        if query.class.is_forward() {
            Self::of_floor_forward(floor, &floor.forward(lot))
        } else {
            Self::of_floor_backward(floor, &floor.backward(lot))
        }
    }

    /// The library's answer to `query` (`trace_forward` / `trace_backward`).
    pub fn library(state: &State, query: &Query) -> Self {
        if query.class.is_forward() {
            Self::of_forward(&trace_forward(state, &query.item).expect("a generated lot"))
        } else {
            Self::of_backward(&trace_backward(state, &query.item).expect("a generated lot"))
        }
    }

    /// What differs between `self` (expected) and `other`, or `None` when they agree.
    pub fn diff(&self, other: &Self) -> Option<String> {
        fn part<T: Ord + std::fmt::Display>(
            what: &str,
            expected: &BTreeSet<T>,
            got: &BTreeSet<T>,
        ) -> Option<String> {
            if expected == got {
                return None;
            }
            let show = |set: std::collections::btree_set::Difference<'_, T>| {
                set.take(5)
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Some(format!(
                "{what}: expected {}, got {}; missing [{}], extra [{}]",
                expected.len(),
                got.len(),
                show(expected.difference(got)),
                show(got.difference(expected)),
            ))
        }
        let parts: Vec<String> = [
            part("lots", &self.lots, &other.lots),
            part("shipments", &self.shipments, &other.shipments),
            part("parties", &self.parties, &other.parties),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}
