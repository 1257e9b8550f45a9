//! Ingest and reopen: commands per second into the memory store (one command at a time)
//! and into SQLite (batched), the time to reopen a SQLite store of a million events, and
//! resident memory per lot. Scale: `INGEST_BENCH_EVENTS` (default 1,000,000) for the
//! reopen store and the memory measurement.
//!
//! Run: `cargo bench -p traceability-bench --bench ingest`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use traceability_bench::resident_bytes;
use traceability_core::*;

fn id<T: std::str::FromStr<Err = InvalidInput>>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| panic!("bench id {s}"))
}

fn master_data() -> Vec<Command> {
    let mut flour = Product::new(id("FLOUR"), Tracking::Lot);
    flour.shelf_life_days = Some(365);
    vec![
        Command::RegisterProduct(flour),
        Command::RegisterLocation(Location {
            id: id("DOCK"),
            kind: LocationKind::Receiving,
            description: String::new(),
            gln: None,
            party: None,
        }),
        Command::RegisterLocation(Location {
            id: id("STOCK"),
            kind: LocationKind::Internal,
            description: String::new(),
            gln: None,
            party: None,
        }),
        Command::RegisterParty(Party {
            id: id("SHOP"),
            role: PartyRole::Customer,
            name: "shop".into(),
            gln: None,
        }),
    ]
}

/// Five commands (and six events: allocation and pick are one each) per lot: receive,
/// putaway, allocate, pick, ship of part of it.
fn lot_cycle(i: usize) -> [Command; 5] {
    let item = ItemRef::Lot {
        product: id("FLOUR"),
        lot: id(&format!("L{i:07}")),
    };
    let order: OrderId = id(&format!("SO{i:07}"));
    [
        Command::ReceiveLot(ReceiveLot {
            spec: LotSpec::new(id("FLOUR"), id(&format!("L{i:07}"))),
            quantity: Quantity::from(100),
            location: id("DOCK"),
            supplier: None,
            received_on: None,
            reference: None,
        }),
        Command::Move(Move {
            item: item.clone(),
            from: id("DOCK"),
            to: id("STOCK"),
            quantity: Quantity::from(100),
            override_expiry: false,
        }),
        Command::Allocate(Allocate {
            order: order.clone(),
            item: item.clone(),
            location: None,
            quantity: Quantity::from(40),
            ship_date: None,
        }),
        Command::Pick(Pick {
            order: order.clone(),
            item,
            quantity: Quantity::from(40),
        }),
        Command::Ship(Ship {
            shipment: id(&format!("SH{i:07}")),
            order,
            customer: id("SHOP"),
            shipped_on: None,
            override_expiry: false,
        }),
    ]
}

fn commands(lots: usize) -> Vec<Command> {
    (0..lots).flat_map(lot_cycle).collect()
}

fn fresh(tracker: Tracker) -> Tracker {
    let mut tracker = tracker;
    tracker.set_clock(std::sync::Arc::new(FixedClock::new(
        "2026-03-01T08:00:00Z".parse().unwrap(),
    )));
    tracker
        .execute_batch("bench", None, &master_data())
        .unwrap();
    tracker
}

fn temp_path(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "traceability-bench-{}-{name}.sqlite",
        std::process::id()
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn ingest(c: &mut Criterion) {
    const LOTS: usize = 20_000;
    let batch = commands(LOTS);
    let mut group = c.benchmark_group("ingest");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("memory, one command at a time (commands/s)", |b| {
        b.iter_batched(
            || fresh(Tracker::in_memory()),
            |mut tracker| {
                for command in &batch {
                    tracker.execute("bench", None, command).unwrap();
                }
                tracker
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("memory, batches of 10,000 (commands/s)", |b| {
        b.iter_batched(
            || fresh(Tracker::in_memory()),
            |mut tracker| {
                for chunk in batch.chunks(10_000) {
                    tracker.execute_batch("bench", None, chunk).unwrap();
                }
                tracker
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("sqlite, batches of 10,000 (commands/s)", |b| {
        b.iter_batched(
            || fresh(Tracker::open(temp_path("ingest")).unwrap()),
            |mut tracker| {
                for chunk in batch.chunks(10_000) {
                    tracker.execute_batch("bench", None, chunk).unwrap();
                }
                tracker
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn reopen(c: &mut Criterion) {
    let events: usize = std::env::var("INGEST_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let lots = events / 6;
    let path = temp_path("reopen");
    let rss_before = resident_bytes();
    let started = Instant::now();
    let mut tracker = fresh(Tracker::open(&path).unwrap());
    for chunk in commands(lots).chunks(60_000) {
        tracker.execute_batch("bench", None, chunk).unwrap();
    }
    let (count, _) = tracker.head();
    println!(
        "built a SQLite store of {count} events ({lots} lots) in {:.2?}: {:.0} events/s; resident memory {:.0} bytes per lot (state and the command list)",
        started.elapsed(),
        count as f64 / started.elapsed().as_secs_f64(),
        resident_bytes().saturating_sub(rss_before) as f64 / lots as f64,
    );
    drop(tracker);
    let mut group = c.benchmark_group("reopen");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(count));
    let full_replay = OpenOptions {
        snapshot_every: 0,
        ..OpenOptions::default()
    };
    group.bench_function(
        format!("sqlite store of {count} events, snapshot + verified tail"),
        |b| b.iter(|| black_box(Tracker::open(&path).unwrap())),
    );
    group.bench_function(
        format!("sqlite store of {count} events, full verified replay"),
        |b| b.iter(|| black_box(Tracker::open_with(&path, full_replay).unwrap())),
    );
    let trusted = OpenOptions {
        verify: false,
        salvage: false,
        ..OpenOptions::default()
    };
    group.bench_function(
        format!("sqlite store of {count} events, snapshot + trusted tail"),
        |b| b.iter(|| black_box(Tracker::open_with(&path, trusted).unwrap())),
    );
    group.bench_function(format!("verify {count} events"), |b| {
        let tracker = Tracker::open(&path).unwrap();
        b.iter(|| black_box(tracker.verify().unwrap()))
    });
    group.finish();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

criterion_group!(benches, ingest, reopen);
criterion_main!(benches);
