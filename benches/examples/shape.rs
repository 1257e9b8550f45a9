//! Prints the generator's achieved shape without loading the library (the floor walks
//! the data): over the query mix, as the `trace_mix` bench prints it, and over a wider
//! sample (4,000 raw lots, up to 200 hub lots) whose medians move less with the seed.
//!
//! ```text
//! cargo run --release -p traceability-bench --example shape [LOTS=1000000] [SEED=42]
//! ```

use std::time::Instant;

use traceability_bench::{floor::Floor, generate, shape, Spread};
use traceability_core::ItemRef;

fn main() {
    let mut args = std::env::args().skip(1);
    let lots = args
        .next()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(42);
    let t0 = Instant::now();
    let data = generate(lots, seed);
    let t1 = Instant::now();
    let floor = Floor::build(&data.commands);
    let t2 = Instant::now();
    println!(
        "generated in {:.2?}, floor built in {:.2?}",
        t1 - t0,
        t2 - t1
    );
    println!("over the query mix:\n{}", shape(&data, &floor));
    // `count` forward walks from starts spread over `items`: descendants, shipment lines
    let wide = |items: &[ItemRef], count: usize| {
        let (descendants, lines): (Vec<usize>, Vec<usize>) = (0..count)
            .map(|i| {
                let start = &items[(2 * i + 1) * items.len() / (2 * count)];
                let f = floor.forward(floor.lot(start).expect("a generated lot"));
                (f.lots.len() - 1, f.shipments.len())
            })
            .unzip();
        (Spread::of(descendants), Spread::of(lines))
    };
    let (d, l) = wide(&data.raw, 4_000.min(data.raw.len()));
    println!("wider sample, typical raw lot: descendants {d}; shipment lines {l}");
    let (d, l) = wide(&data.hubs, 200.min(data.hubs.len()));
    println!("wider sample, hub lot: descendants {d}; shipment lines {l}");
}
