//! The generator is deterministic, sized as asked, and its data passes validation.

use traceability_bench::floor::Floor;
use traceability_bench::{generate, hub_count, load, load_state, HUB_CONSUMERS, MAX_LEVEL};
use traceability_core::{query, trace_backward, trace_forward};

#[test]
fn deterministic_from_the_seed() {
    let a = generate(3_000, 11);
    let b = generate(3_000, 11);
    let c = generate(3_000, 12);
    assert_eq!(a.commands, b.commands);
    assert_ne!(a.commands, c.commands);
}

#[test]
fn sizes_and_shape() {
    let n = 20_000;
    let data = generate(n, 5);
    assert_eq!(data.lots, n);
    // ~30% raw
    let raw = data.raw_lots as f64 / n as f64;
    assert!((0.25..0.40).contains(&raw), "raw share {raw}");
    assert_eq!(data.hubs.len(), hub_count(n));
    assert_eq!(data.raw.len() + data.hubs.len(), data.raw_lots);
    // 2..6 inputs per work order (+ often a hub)
    let per_wo = data.edges as f64 / data.work_orders as f64;
    assert!(
        (2.5..5.5).contains(&per_wo),
        "inputs per work order {per_wo}"
    );
    assert_eq!(data.customers, n / 100);
    assert!(data.shipments >= data.finished.len());
    assert!(data.shipments <= 5 * data.finished.len());
    // about a third of the lots are finished, shipped ~3 times each
    let lines = data.shipments as f64 / n as f64;
    assert!(
        (0.8..1.2).contains(&lines),
        "shipment lines per lot {lines}"
    );

    // the floor sees the same data
    let floor = Floor::build(&data.commands);
    let size = floor.size();
    assert_eq!(size.lots, n);
    assert_eq!(size.edges, data.edges);
    assert_eq!(size.shipment_lines, data.shipments);
    assert_eq!(size.receipts, data.raw_lots);
    // each hub is consumed by at most HUB_CONSUMERS.end() work orders, most by at
    // least HUB_CONSUMERS.start() (the last ones may be cut short by the end of the data)
    let mut consumers: Vec<usize> = data
        .hubs
        .iter()
        .map(|h| floor.consumers(floor.lot(h).unwrap()))
        .collect();
    consumers.sort_unstable();
    assert!(
        consumers[consumers.len() - 1] <= *HUB_CONSUMERS.end(),
        "{consumers:?}"
    );
    assert!(
        consumers[consumers.len() / 2] >= *HUB_CONSUMERS.start(),
        "{consumers:?}"
    );

    let (state, events) = load_state(&data.commands).unwrap();
    assert!(events.len() >= data.commands.len());
    assert_eq!(state.lots().len(), n);
    assert_eq!(state.genealogy_size().edges, data.edges);
    assert_eq!(query::orders::shipments(&state).len(), data.shipments);
    // chains run 3..=8 levels deep
    let deepest = data
        .finished
        .iter()
        .take(200)
        .map(|f| {
            trace_backward(&state, f)
                .unwrap()
                .items
                .iter()
                .map(|t| t.depth)
                .max()
                .unwrap()
        })
        .max()
        .unwrap();
    assert!((3..=MAX_LEVEL as u32).contains(&deepest), "depth {deepest}");
    // hubs reach many lots
    let hub = trace_forward(&state, &data.hubs[0]).unwrap();
    assert!(hub.items.len() > 100, "hub reaches {}", hub.items.len());
}

#[test]
fn loads_through_the_tracker_in_chunks() {
    let data = generate(1_000, 9);
    let t = load(&data.commands, 400).unwrap();
    let (state, _) = load_state(&data.commands).unwrap();
    assert_eq!(t.state().lots().len(), 1_000);
    assert_eq!(
        t.state().genealogy_size().edges,
        state.genealogy_size().edges
    );
    assert!(t.verify().unwrap() > 1_000);
}
