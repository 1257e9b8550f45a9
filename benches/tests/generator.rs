//! The generator is deterministic, sized as asked, and its data passes validation.

use traceability_bench::{generate, load, load_state, HUBS, MAX_LEVEL};
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
    assert_eq!(data.hubs.len(), HUBS);
    // 2..6 inputs per work order (+ an occasional hub)
    let per_wo = data.edges as f64 / data.work_orders as f64;
    assert!(
        (2.5..5.5).contains(&per_wo),
        "inputs per work order {per_wo}"
    );
    assert_eq!(data.customers, n / 100);
    assert!(data.shipments >= data.finished.len());
    assert!(data.shipments <= 5 * data.finished.len());

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
