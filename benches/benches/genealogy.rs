//! Genealogy benchmarks on generated data (1,000,000 lots by default; set
//! `TRACE_BENCH_LOTS` to try another scale):
//!
//! * forward trace from a typical raw lot, from a hub lot; backward trace from a
//!   finished lot; a recall report of 10 suspects;
//! * a full replay of the log, and writing and reading a state snapshot.
//!
//! The side-by-side comparison with a plain CSR floor over a fixed query mix is the
//! `trace_mix` bench.
//!
//! Heavy one-shot measurements (generation, load, replay, memory) are printed.

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use traceability_bench::{generate, load, load_state, resident_bytes};
use traceability_core::event::GENESIS_HASH;
use traceability_core::query::trace::recall_report;
use traceability_core::{trace_backward, trace_forward, ItemRef, SnapshotPosition, State};

fn main() {
    let lots: usize = std::env::var("TRACE_BENCH_LOTS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let t0 = Instant::now();
    let data = generate(lots, 42);
    println!(
        "generated {} lots ({} raw, {} work orders, {} edges, {} shipments, {} customers): {} commands in {:.2?}",
        data.lots,
        data.raw_lots,
        data.work_orders,
        data.edges,
        data.shipments,
        data.customers,
        data.commands.len(),
        t0.elapsed()
    );
    let t0 = Instant::now();
    let rss0 = resident_bytes();
    let (state, events) = load_state(&data.commands).expect("generated data is valid");
    let rss1 = resident_bytes();
    println!(
        "validated + applied {} events (decide + State::apply, no store) in {:.2?}; \
         RSS +{:.0} MB = {:.0} bytes/lot (state and the event list)",
        events.len(),
        t0.elapsed(),
        rss1.saturating_sub(rss0) as f64 / 1e6,
        rss1.saturating_sub(rss0) as f64 / data.lots.max(1) as f64,
    );
    let t0 = Instant::now();
    let tracker = load(&data.commands, 10_000).expect("generated data is valid");
    println!(
        "loaded through Tracker::in_memory + bulk_load (batches of 10,000 commands, \
         hash-chained log in memory) in {:.2?}",
        t0.elapsed()
    );
    drop(tracker);
    let g = state.genealogy_size();
    println!(
        "genealogy: {} nodes, {} edges; heap {:.1} MB = {:.1} bytes/edge",
        g.nodes,
        g.edges,
        g.heap_bytes as f64 / 1e6,
        g.heap_bytes as f64 / g.edges.max(1) as f64,
    );

    // Pick the subjects.
    let typical = data.raw[data.raw.len() / 2].clone();
    let hub = data.hubs[0].clone();
    let finished = data.finished[data.finished.len() / 2].clone();
    let suspects: Vec<ItemRef> = (0..10)
        .map(|i| data.raw[(i * 7919 + data.raw.len() / 3) % data.raw.len()].clone())
        .collect();
    let f = trace_forward(&state, &typical).unwrap();
    println!(
        "typical lot {typical}: {} descendants, {} edges, {} shipments, {} customers",
        f.items.len() - 1,
        f.edges.len(),
        f.shipments.len(),
        f.customers.len()
    );
    let f = trace_forward(&state, &hub).unwrap();
    println!(
        "hub lot {hub}: {} descendants, {} edges, {} shipments, {} customers",
        f.items.len() - 1,
        f.edges.len(),
        f.shipments.len(),
        f.customers.len()
    );
    let b = trace_backward(&state, &finished).unwrap();
    println!(
        "finished lot {finished}: {} ancestors, {} receipts, {} suppliers, max depth {}",
        b.items.len() - 1,
        b.receipts.len(),
        b.suppliers.len(),
        b.items.iter().map(|t| t.depth).max().unwrap_or(0)
    );
    let r = recall_report(&state, &suspects).unwrap();
    println!(
        "recall of 10 suspects: {} affected, {} customers, {} locations",
        r.items.len(),
        r.customers.len(),
        r.locations.len()
    );

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    let mut group = c.benchmark_group("genealogy");
    group.bench_function("forward_typical/report", |b| {
        b.iter(|| trace_forward(&state, black_box(&typical)).unwrap())
    });
    group.bench_function("forward_hub/report", |b| {
        b.iter(|| trace_forward(&state, black_box(&hub)).unwrap())
    });
    group.bench_function("backward_finished/report", |b| {
        b.iter(|| trace_backward(&state, black_box(&finished)).unwrap())
    });
    group.bench_function("recall_10_suspects/report", |b| {
        b.iter(|| recall_report(&state, black_box(&suspects)).unwrap())
    });
    group.finish();
    c.final_summary();

    let t0 = Instant::now();
    let mut replay = State::default();
    for (seq, e) in events.iter().enumerate() {
        replay.apply(seq as u64, e).unwrap();
    }
    println!(
        "full replay of {} events into a fresh State: {:.2?}",
        events.len(),
        t0.elapsed()
    );
    drop(replay);
    drop(events);

    let t0 = Instant::now();
    let position = SnapshotPosition {
        seq: 0,
        head: GENESIS_HASH,
    };
    let snapshot = state.to_snapshot(position);
    let written = t0.elapsed();
    let t0 = Instant::now();
    let (_, restored) = State::from_snapshot(&snapshot).expect("a fresh snapshot reads back");
    println!(
        "state snapshot: {:.0} MB ({:.0} bytes/lot), written in {written:.2?}, read back in {:.2?}",
        snapshot.len() as f64 / 1e6,
        snapshot.len() as f64 / data.lots.max(1) as f64,
        t0.elapsed()
    );
    assert!(
        restored == state,
        "the snapshot reads back to the same state"
    );
}
