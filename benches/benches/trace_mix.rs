//! The trace query mix, side by side: the library against the [floor] (1,000,000 lots by
//! default; set `TRACE_BENCH_LOTS` to try another scale, `TRACE_MIX_ROUNDS` for the
//! number of timed passes, 5 by default).
//!
//! 1. Generates the data, loads the library (`load_state`: decide + apply, no store)
//!    and builds the floor, timing both; prints the data's shape.
//! 2. Runs every query of the [`query_mix`] (80 forward from ordinary raw lots, 20
//!    forward from hub lots, 100 backward from finished lots) on every contender and
//!    panics unless each answers the same sets of lots, shipments and customers or
//!    suppliers as the floor.
//! 3. Times the whole mix `TRACE_MIX_ROUNDS` times per contender (each query timed on
//!    its own; a query's latency is its median over the rounds) and prints, per class,
//!    p50 and p99 (nearest rank) for every contender, and the total of the mix.
//! 4. Criterion (group `trace_mix_<lots>`): one typical forward, one hub forward and
//!    one backward query (the middle query of each class) per contender, each run hot
//!    (the same query again and again), where the table's passes over the whole mix
//!    leave each query's data colder.
//!
//! A contender is one closure (see [`Contender`]); adding a column is adding one.
//!
//! [floor]: traceability_bench::floor

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use traceability_bench::floor::Floor;
use traceability_bench::{
    generate, load_state, query_mix, shape, thousands, Answer, Query, QueryClass,
};
use traceability_core::{
    trace_backward, trace_backward_ids, trace_forward, trace_forward_ids, BackwardTrace,
    ForwardTrace, ShipmentId,
};

/// Answers a query; with `Some`, also writes the answer as sets (see [`Contender`]).
type Run<'a> = Box<dyn FnMut(&Query, Option<&mut Answer>) + 'a>;

/// One implementation under test: a name and one closure that answers a query. The
/// timed runs pass `None`; the agreement check passes `Some` and the closure writes its
/// answer there as sets of public ids (the conversion is not timed).
struct Contender<'a> {
    name: &'static str,
    /// For the ratio column's header.
    short: &'static str,
    run: Run<'a>,
}

impl<'a> Contender<'a> {
    fn new(
        name: &'static str,
        short: &'static str,
        run: impl FnMut(&Query, Option<&mut Answer>) + 'a,
    ) -> Self {
        Self {
            name,
            short,
            run: Box::new(run),
        }
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// A duration with three significant digits and a fitting unit.
fn fmt(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let digits = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{value:.digits$} {unit}")
}

/// The nearest-rank percentile `p` (0..=100) of sorted values.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let lots = env_usize("TRACE_BENCH_LOTS", 1_000_000);
    let rounds = env_usize("TRACE_MIX_ROUNDS", 5).max(1);

    let t0 = Instant::now();
    let data = generate(lots, 42);
    println!(
        "generated {} lots: {} commands in {}",
        thousands(data.lots),
        thousands(data.commands.len()),
        fmt(t0.elapsed())
    );
    let t0 = Instant::now();
    let (state, events) = load_state(&data.commands).expect("generated data is valid");
    let library_load = t0.elapsed();
    let events = {
        let count = thousands(events.len());
        drop(events); // only the state is queried
        count
    };
    let g = state.genealogy_size();
    println!(
        "library: load_state (decide + apply of {events} events, no store) in {}; \
         genealogy heap {}",
        fmt(library_load),
        mb(g.heap_bytes),
    );
    let t0 = Instant::now();
    let floor = Floor::build(&data.commands);
    let floor_build = t0.elapsed();
    let size = floor.size();
    println!(
        "floor: built from the commands in {}; heap {} walk arrays + {} key maps",
        fmt(floor_build),
        mb(size.walk_bytes),
        mb(size.index_bytes),
    );
    println!("\nshape (over the query mix):\n{}", shape(&data, &floor));

    let mix = query_mix(&data);
    let mut contenders = vec![
        Contender::new("floor", "floor", |q, check| {
            let lot = floor.lot(&q.item).expect("a generated lot");
            if q.class.is_forward() {
                let f = black_box(floor.forward(lot));
                if let Some(a) = check {
                    *a = Answer::of_floor_forward(&floor, &f);
                }
            } else {
                let b = black_box(floor.backward(lot));
                if let Some(a) = check {
                    *a = Answer::of_floor_backward(&floor, &b);
                }
            }
        }),
        Contender::new("library", "lib", |q, check| {
            if q.class.is_forward() {
                let t: ForwardTrace = black_box(trace_forward(&state, &q.item).unwrap());
                if let Some(a) = check {
                    *a = Answer::of_forward(&t);
                }
            } else {
                let t: BackwardTrace = black_box(trace_backward(&state, &q.item).unwrap());
                if let Some(a) = check {
                    *a = Answer::of_backward(&t);
                }
            }
        }),
        Contender::new("library ids-only", "ids", |q, check| {
            if q.class.is_forward() {
                let t = black_box(trace_forward_ids(&state, &q.item).unwrap());
                if let Some(a) = check {
                    *a = Answer {
                        lots: t.items().collect(),
                        shipments: t
                            .shipments()
                            .map(|s| ShipmentId::new(s).expect("a stored id"))
                            .collect(),
                        parties: t.customers().cloned().collect(),
                    };
                }
            } else {
                let t = black_box(trace_backward_ids(&state, &q.item).unwrap());
                if let Some(a) = check {
                    *a = Answer {
                        lots: t.items().collect(),
                        shipments: Default::default(),
                        parties: t.suppliers().cloned().collect(),
                    };
                }
            }
        }),
    ];

    // Agreement: every contender answers every query as the floor (the first) does.
    let t0 = Instant::now();
    for q in &mix.queries {
        let mut expected = Answer::default();
        (contenders[0].run)(q, Some(&mut expected));
        for c in &mut contenders[1..] {
            let mut got = Answer::default();
            (c.run)(q, Some(&mut got));
            if let Some(diff) = expected.diff(&got) {
                panic!(
                    "{} disagrees with the floor on {} from {}: {diff}",
                    c.name,
                    q.class.label(),
                    q.item
                );
            }
        }
    }
    println!(
        "\nall {} queries agree with the floor: {} (checked in {})",
        mix.queries.len(),
        contenders[1..]
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", "),
        fmt(t0.elapsed())
    );

    // Timing: `rounds` passes over the whole mix per contender.
    let n = mix.queries.len();
    let mut latencies = vec![vec![Vec::with_capacity(rounds); n]; contenders.len()];
    let mut totals = vec![Vec::with_capacity(rounds); contenders.len()];
    for _ in 0..rounds {
        for (c, contender) in contenders.iter_mut().enumerate() {
            let pass = Instant::now();
            for (i, q) in mix.queries.iter().enumerate() {
                let t = Instant::now();
                (contender.run)(q, None);
                latencies[c][i].push(t.elapsed());
            }
            totals[c].push(pass.elapsed());
        }
    }
    let per_query: Vec<Vec<Duration>> = latencies
        .into_iter()
        .map(|qs| qs.into_iter().map(median).collect())
        .collect();
    print_table(
        &contenders,
        &mix.queries,
        &per_query,
        &totals,
        rounds,
        data.lots,
    );

    // Criterion: the middle query of each class, per contender.
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    // The scale is in the group's name, so criterion compares a run only with earlier
    // runs at the same scale.
    let mut group = c.benchmark_group(format!("trace_mix_{}", data.lots));
    for (class, name) in [
        (QueryClass::TypicalForward, "forward_typical"),
        (QueryClass::HubForward, "forward_hub"),
        (QueryClass::Backward, "backward_finished"),
    ] {
        let of_class: Vec<&Query> = mix.of(class).collect();
        let q = of_class[of_class.len() / 2];
        for contender in &mut contenders {
            group.bench_function(format!("{name}/{}", contender.name), |b| {
                b.iter(|| (contender.run)(black_box(q), None))
            });
        }
    }
    group.finish();
    c.final_summary();
}

/// The latency table: per class p50 and p99 per contender, each contender's p50 against
/// the floor's (the first contender), and the median total of a pass over the whole mix.
fn print_table(
    contenders: &[Contender<'_>],
    queries: &[Query],
    per_query: &[Vec<Duration>],
    totals: &[Vec<Duration>],
    rounds: usize,
    lots: usize,
) {
    const LABEL: usize = 26;
    println!(
        "\ntrace mix at {} lots: per-query latency = median of {rounds} rounds; \
         p50/p99 by nearest rank over the class's queries",
        thousands(lots)
    );
    let widths: Vec<usize> = contenders
        .iter()
        .map(|c| (c.name.chars().count() + 10).max(21))
        .collect();
    let ratios: Vec<String> = contenders[1..]
        .iter()
        .map(|c| format!("{}÷floor", c.short))
        .collect();
    let ratio_widths: Vec<usize> = ratios.iter().map(|r| r.chars().count().max(7)).collect();
    let mut head = format!("{:<LABEL$} {:>7}", "class", "queries");
    for (c, &w) in contenders.iter().zip(&widths) {
        head += &format!(" | {:>w$}", format!("{} p50 / p99", c.name));
    }
    for (r, &w) in ratios.iter().zip(&ratio_widths) {
        head += &format!(" | {r:>w$}");
    }
    println!("{head}");
    println!("{}", "-".repeat(head.chars().count()));
    for class in QueryClass::ALL {
        let picks: Vec<usize> = (0..queries.len())
            .filter(|&i| queries[i].class == class)
            .collect();
        let mut row = format!("{:<LABEL$} {:>7}", class.label(), picks.len());
        let (mut p50s, mut p99s) = (Vec::new(), Vec::new());
        for lat in per_query {
            let mut sorted: Vec<Duration> = picks.iter().map(|&i| lat[i]).collect();
            sorted.sort_unstable();
            let (p50, p99) = (percentile(&sorted, 50), percentile(&sorted, 99));
            p50s.push(p50);
            p99s.push(p99);
        }
        for ((p50, p99), &w) in p50s.iter().zip(&p99s).zip(&widths) {
            row += &format!(" | {:>w$}", format!("{:>10} {:>10}", fmt(*p50), fmt(*p99)));
        }
        for (p50, &w) in p50s[1..].iter().zip(&ratio_widths) {
            let ratio = p50.as_secs_f64() / p50s[0].as_secs_f64().max(1e-12);
            row += &format!(" | {:>w$}", format!("{ratio:.1}×"));
        }
        println!("{row}");
    }
    let totals: Vec<Duration> = totals.iter().map(|t| median(t.clone())).collect();
    let mut row = format!("{:<LABEL$} {:>7}", "whole mix, total", queries.len());
    for (t, &w) in totals.iter().zip(&widths) {
        row += &format!(" | {:>w$}", fmt(*t));
    }
    for (t, &w) in totals[1..].iter().zip(&ratio_widths) {
        let ratio = t.as_secs_f64() / totals[0].as_secs_f64().max(1e-12);
        row += &format!(" | {:>w$}", format!("{ratio:.1}×"));
    }
    println!("{row}\n");
}
