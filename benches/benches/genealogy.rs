//! Genealogy benchmarks on generated data (1,000,000 lots by default; set
//! `TRACE_BENCH_LOTS` to try another scale):
//!
//! * forward trace from a typical raw lot, from a hub lot; backward trace from a
//!   finished lot; a recall report of 10 suspects;
//! * the same walks as bare BFS (ids only) on the petgraph graph, and on a CSR
//!   adjacency array built from the same edges (the floor);
//! * building the graph from the production events, and a full replay of the log.
//!
//! Heavy one-shot measurements (generation, load, replay, memory) are printed.

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use petgraph::Direction;
use traceability_bench::{generate, load_state};
use traceability_core::genealogy::{Genealogy, TraceScratch};
use traceability_core::trace::recall_report;
use traceability_core::{trace_backward, trace_forward, EventPayload, ItemIdx, ItemRef, State};

/// Compressed sparse rows over node indices: the floor a BFS can reach.
struct Csr {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Csr {
    fn build(g: &Genealogy) -> Self {
        let n = g.node_count();
        let mut offsets = vec![0u32; n + 1];
        for e in g.graph().raw_edges() {
            offsets[e.source().index() + 1] += 1;
        }
        let mut sum = 0;
        for o in offsets.iter_mut() {
            sum += *o;
            *o = sum;
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; g.edge_count()];
        for e in g.graph().raw_edges() {
            let s = e.source().index();
            targets[fill[s] as usize] = e.target().index() as u32;
            fill[s] += 1;
        }
        Self { offsets, targets }
    }

    fn bfs(&self, start: u32, stamp: &mut [u32], generation: u32, queue: &mut Vec<u32>) -> usize {
        queue.clear();
        queue.push(start);
        stamp[start as usize] = generation;
        let mut head = 0;
        while head < queue.len() {
            let n = queue[head] as usize;
            head += 1;
            for &t in &self.targets[self.offsets[n] as usize..self.offsets[n + 1] as usize] {
                if stamp[t as usize] != generation {
                    stamp[t as usize] = generation;
                    queue.push(t);
                }
            }
        }
        queue.len()
    }
}

/// One production event resolved to item indexes.
type Production = (
    traceability_core::WorkOrderId,
    Vec<(ItemIdx, traceability_core::Quantity)>,
    Vec<ItemIdx>,
);

fn rss_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

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
    let (state, events) = load_state(&data.commands).expect("generated data is valid");
    println!(
        "validated + applied {} events (decide + State::apply, no store) in {:.2?}",
        events.len(),
        t0.elapsed()
    );
    let g = state.genealogy();
    let (nodes, edges) = (g.node_count(), g.edge_count());
    println!(
        "genealogy: {nodes} nodes, {edges} edges; heap {:.1} MB = {:.1} bytes/edge (petgraph edge {} B, node {} B)",
        g.heap_bytes() as f64 / 1e6,
        g.heap_bytes() as f64 / edges.max(1) as f64,
        std::mem::size_of::<petgraph::graph::Edge<traceability_core::genealogy::Consumption, u32>>(),
        std::mem::size_of::<petgraph::graph::Node<ItemIdx, u32>>(),
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

    let csr = Csr::build(g);
    let mut stamp = vec![0u32; nodes];
    let mut generation = 0u32;
    let mut queue = Vec::new();
    let node_of = |item: &ItemRef| g.node(state.resolve(item).unwrap()).unwrap().index() as u32;
    let mut scratch = TraceScratch::default();

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
    for (name, item) in [("forward_typical", &typical), ("forward_hub", &hub)] {
        let idx = state.resolve(item).unwrap();
        group.bench_function(format!("{name}/petgraph_bfs"), |b| {
            b.iter(|| g.walk(&[idx], Direction::Outgoing, &mut scratch).len())
        });
        let start = node_of(item);
        group.bench_function(format!("{name}/csr_bfs"), |b| {
            b.iter(|| {
                generation += 1;
                csr.bfs(start, &mut stamp, generation, &mut queue)
            })
        });
    }
    group.finish();
    c.final_summary();

    // Graph build alone: record every production and shipment into a fresh genealogy.
    let productions: Vec<Production> = events
        .iter()
        .filter_map(|e| match e {
            EventPayload::Produced {
                work_order,
                consumed,
                outputs,
                ..
            } => Some((
                work_order.clone(),
                consumed
                    .iter()
                    .map(|l| (state.resolve(&l.item).unwrap(), l.quantity))
                    .collect(),
                outputs
                    .iter()
                    .map(|o| state.resolve(&o.item()).unwrap())
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let rss0 = rss_bytes();
    let t0 = Instant::now();
    let mut fresh = Genealogy::default();
    for (wo, consumed, outputs) in &productions {
        fresh.record_production(wo, consumed, outputs);
    }
    let build = t0.elapsed();
    let rss1 = rss_bytes();
    println!(
        "graph build from {} production events: {:.2?} (RSS +{:.1} MB = {:.1} bytes/edge)",
        productions.len(),
        build,
        rss1.zip(rss0)
            .map_or(0.0, |(a, b)| a.saturating_sub(b) as f64 / 1e6),
        rss1.zip(rss0)
            .map_or(0.0, |(a, b)| a.saturating_sub(b) as f64
                / edges.max(1) as f64),
    );
    drop(fresh);
    drop(productions);

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
    drop(state);
}
