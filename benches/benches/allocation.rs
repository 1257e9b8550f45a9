//! Allocation throughput: FEFO over an index vs. a naive scan-and-sort, in one run.
//!
//! Scale (environment): `TRACE_BENCH_LOTS` (100 000), `TRACE_BENCH_PRODUCTS` (1 000),
//! `TRACE_BENCH_CYCLES` (1 000 000 allocate-and-ship cycles), `TRACE_BENCH_TRACKER_CYCLES`
//! (100 000 cycles through the full tracker: validation, hash-chained JSON log, apply).
//!
//! The one-shot report prints:
//! * `state cycles`: plan an FEFO allocation with the index, apply its events, then the
//!   pick and ship events, directly on the in-memory `State` (no event log);
//! * `plan only (indexed|naive)`: the allocation decision alone, on a fixed state;
//! * `tracker cycles`: `Tracker::allocate` + `Pick` + `Ship` commands on an in-memory
//!   store (each event encoded and SHA-256 chained), and the allocations alone.
//!
//! Then criterion measures single FEFO plans, indexed and naive.

use std::hint::black_box;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, Criterion};
use traceability_core::capability::orders::{plan, plan_naive, Allocation};
use traceability_core::*;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 10).unwrap_or_default()
}

/// Deterministic pseudo-random numbers (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn product_id(p: usize) -> ProductId {
    ProductId::new(format!("P{p:05}")).unwrap()
}

/// Master data and lots as events: `lots` spread over `products`, two locations, 4 %
/// quarantined, 2 % held, 3 % expired, 5 % without dates.
fn dataset(lots: usize, products: usize) -> Vec<EventPayload> {
    let mut events = Vec::with_capacity(lots + products + 4);
    for p in 0..products {
        events.push(EventPayload::ProductRegistered(Product::new(
            product_id(p),
            Tracking::Lot,
        )));
    }
    for l in ["A1", "A2"] {
        events.push(EventPayload::LocationRegistered(Location {
            id: LocationId::new(l).unwrap(),
            kind: LocationKind::Internal,
            description: String::new(),
            gln: None,
            party: None,
        }));
    }
    events.push(EventPayload::PartyRegistered(Party {
        id: PartyId::new("C1").unwrap(),
        role: PartyRole::Customer,
        name: "customer".into(),
        gln: None,
    }));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let base = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default();
    for i in 0..lots {
        let r = rng.next();
        let received = base + Days::new(r % 200);
        let pct = (r >> 16) % 100;
        let expiry = match pct {
            0..=2 => Some(today() - Days::new(1 + (r >> 24) % 30)),
            3..=7 => None,
            _ => Some(today() + Days::new(10 + (r >> 24) % 700)),
        };
        let location = if (r >> 40) % 2 == 0 { "A1" } else { "A2" };
        let mut lot = Lot::new(
            product_id(i % products),
            LotNumber::new(format!("L{i:07}")).unwrap(),
            received,
        );
        lot.manufactured_on = Some(received - Days::new(5));
        lot.dates.expiry = expiry;
        if (8..12).contains(&pct) {
            lot.quality = QualityStatus::Quarantine;
        }
        lot.on_hold = (12..14).contains(&pct);
        let location = LocationId::new(location).unwrap();
        lot.stock = Box::new([StockLine::new(location, Quantity::from(1_000_000))]);
        events.push(EventPayload::LotReceived {
            lot,
            reference: None,
        });
    }
    events
}

fn state_of(events: &[EventPayload]) -> State {
    let mut state = State::default();
    for (seq, payload) in events.iter().enumerate() {
        let body = EventBody::new("bench", None, payload.clone());
        state
            .apply(seq as u64, &body)
            .expect("generated data is valid");
    }
    state
}

fn request(products: usize, i: usize) -> AllocationRequest {
    AllocationRequest::new(
        product_id(i % products),
        Quantity::from(1 + (i % 5) as u32),
        OrderId::new(format!("SO{}", i % 64)).unwrap(),
        Strategy::Fefo,
    )
}

/// Picks and ships everything an allocation reserved (the events the commands make).
fn ship_events(a: &Allocation, shipment: ShipmentId) -> Vec<EventPayload> {
    let lines: Vec<Line> = a
        .lines
        .iter()
        .map(|l| Line {
            item: l.item.clone(),
            location: l.location.clone(),
            quantity: l.quantity,
        })
        .collect();
    let mut events: Vec<EventPayload> = lines
        .iter()
        .map(|line| EventPayload::Picked {
            order: a.order.clone(),
            line: line.clone(),
        })
        .collect();
    events.push(EventPayload::Shipped {
        shipment,
        order: Some(a.order.clone()),
        customer: PartyId::new("C1").unwrap(),
        shipped_on: today(),
        lines,
        override_expiry: false,
    });
    events
}

fn report() {
    let lots = env("TRACE_BENCH_LOTS", 100_000);
    let products = env("TRACE_BENCH_PRODUCTS", 1_000).max(1);
    let cycles = env("TRACE_BENCH_CYCLES", 1_000_000);
    let tracker_cycles = env("TRACE_BENCH_TRACKER_CYCLES", 100_000);
    let events = dataset(lots, products);
    let started = Instant::now();
    let mut state = state_of(&events);
    println!(
        "allocation bench: {lots} lots, {products} products; state built in {:.2?}",
        started.elapsed()
    );

    // Plan only, fixed state: indexed vs naive.
    let n = cycles.min(200_000);
    let t = Instant::now();
    for i in 0..n {
        black_box(plan(&state, today(), &request(products, i)).ok());
    }
    let indexed = n as f64 / t.elapsed().as_secs_f64();
    let n_naive = (cycles / 20).clamp(1, 50_000);
    let t = Instant::now();
    for i in 0..n_naive {
        black_box(plan_naive(&state, today(), &request(products, i)).ok());
    }
    let naive = n_naive as f64 / t.elapsed().as_secs_f64();
    println!("plan only, indexed FEFO : {indexed:>12.0} allocations/s ({n} plans)");
    println!("plan only, naive scan+sort: {naive:>10.0} allocations/s ({n_naive} plans)");

    // Full allocate-and-ship cycles on the state.
    let mut seq = events.len() as u64;
    let t = Instant::now();
    let mut failed = 0usize;
    for i in 0..cycles {
        let r = request(products, i);
        match plan(&state, today(), &r) {
            Ok(a) => {
                let shipment = ShipmentId::new(format!("SH{i}")).unwrap();
                for e in a.events(&r).iter().chain(ship_events(&a, shipment).iter()) {
                    let body = EventBody::new("bench", None, e.clone());
                    state.apply(seq, &body).expect("valid");
                    seq += 1;
                }
            }
            Err(_) => failed += 1,
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "state cycles (plan + apply allocate/pick/ship): {:>10.0} cycles/s ({cycles} cycles in {secs:.2}s, {failed} failed)",
        cycles as f64 / secs
    );

    // The same cycles through the tracker (validation, encoded and hashed log, apply).
    if tracker_cycles > 0 {
        let recorded_at = today().and_hms_opt(8, 0, 0).unwrap_or_default().and_utc();
        // Seed the log with the generated data in batches of events via commands is
        // slow to express; replay it instead through a store of sealed records.
        let mut prev = event::GENESIS_HASH;
        let records: Vec<_> = events
            .iter()
            .enumerate()
            .map(|(seq, payload)| {
                let body = EventBody {
                    recorded_at,
                    ..EventBody::new("bench", None, payload.clone())
                };
                let r = event::StoredEvent::seal(seq as u64, &body, prev);
                prev = r.hash;
                r
            })
            .collect();
        // Snapshots off, as on `Tracker::in_memory()`: a memory store's snapshot would
        // only be a second copy of the state in the same process.
        let mut tracker = Tracker::with_store_options(
            Box::new(store::MemoryStore::from_records(records)),
            std::sync::Arc::new(FixedClock::new(recorded_at)),
            OpenOptions {
                snapshot_every: 0,
                ..OpenOptions::default()
            },
        )
        .expect("replay");
        let t = Instant::now();
        let (mut allocating, mut allocated_lines) = (std::time::Duration::ZERO, 0usize);
        for i in 0..tracker_cycles {
            let r = request(products, i);
            let started = Instant::now();
            let a = tracker.allocate("bench", None, &r).expect("allocate");
            allocating += started.elapsed();
            allocated_lines += a.lines.len();
            for l in &a.lines {
                tracker
                    .execute(
                        "bench",
                        None,
                        &Command::Pick(Pick {
                            order: r.order.clone(),
                            item: l.item.clone(),
                            quantity: l.quantity,
                        }),
                    )
                    .expect("pick");
            }
            tracker
                .execute(
                    "bench",
                    None,
                    &Command::Ship(Ship {
                        shipment: ShipmentId::new(format!("SH{i}")).unwrap(),
                        order: r.order.clone(),
                        customer: PartyId::new("C1").unwrap(),
                        shipped_on: None,
                        override_expiry: false,
                    }),
                )
                .expect("ship");
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "tracker cycles (allocate + pick + ship commands, hashed log): {:>8.0} cycles/s ({tracker_cycles} in {secs:.2}s)",
            tracker_cycles as f64 / secs
        );
        println!(
            "of which the allocations (Tracker::allocate: plan + event): {:>8.0} allocations/s, {:.0} lines/s",
            tracker_cycles as f64 / allocating.as_secs_f64(),
            allocated_lines as f64 / allocating.as_secs_f64()
        );
    }
}

fn criterion_plans(c: &mut Criterion) {
    let lots = env("TRACE_BENCH_LOTS", 100_000);
    let products = env("TRACE_BENCH_PRODUCTS", 1_000).max(1);
    let state = state_of(&dataset(lots, products));
    let mut group = c.benchmark_group("fefo_plan");
    let mut i = 0usize;
    group.bench_function("indexed", |b| {
        b.iter(|| {
            i += 1;
            black_box(plan(&state, today(), &request(products, i)).ok())
        })
    });
    group.bench_function("naive_scan_sort", |b| {
        b.iter(|| {
            i += 1;
            black_box(plan_naive(&state, today(), &request(products, i)).ok())
        })
    });
    group.finish();
}

criterion_group!(benches, criterion_plans);

fn main() {
    report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
