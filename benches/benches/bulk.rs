//! The bulk load path at scale (1,000,000 lots by default; `TRACE_BENCH_LOTS` sets
//! another): the generated history loaded with `Tracker::bulk_load` in batches of 10,000
//! commands into the memory store and into a SQLite file (durable, one snapshot written
//! at the end), then that file reopened from its snapshot and by a full verified replay.
//! With `TRACEABILITY_TEST_PG_URL` set, the same load into PostgreSQL (a scratch schema,
//! dropped afterwards) and a reopen from its snapshot. One-shot measurements, printed;
//! memory is the growth of the resident set while a memory store loads deep copies of
//! the commands batch by batch ([`load_copies_into`]), in a process of its own: the state
//! then owns its ids as after a real load instead of sharing the generated commands'
//! text, and no earlier load left freed memory to reuse.

use std::time::Instant;

use traceability_bench::{generate, load_copies_into, load_into, resident_bytes};
use traceability_core::{OpenOptions, Tracker};

const BATCH: usize = 10_000;

/// Set in the child process that measures memory (see [`memory_in_a_fresh_process`]).
const MEMORY_ONLY: &str = "TRACE_BENCH_BULK_MEMORY_ONLY";

fn main() {
    let lots: usize = std::env::var("TRACE_BENCH_LOTS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let data = generate(lots, 42);
    if std::env::var_os(MEMORY_ONLY).is_some() {
        return memory_growth(&data);
    }
    println!(
        "generated {} lots: {} commands ({} edges, {} shipment lines)",
        data.lots,
        data.commands.len(),
        data.edges,
        data.shipments
    );

    let t0 = Instant::now();
    let mut memory = Tracker::in_memory();
    load_into(&mut memory, &data.commands, BATCH).expect("generated data is valid");
    let took = t0.elapsed();
    let events = memory.head().0;
    println!(
        "bulk load, memory store: {events} events in {took:.2?} ({:.0} events/s, {:.0} commands/s)",
        events as f64 / took.as_secs_f64(),
        data.commands.len() as f64 / took.as_secs_f64(),
    );
    drop(memory);
    memory_in_a_fresh_process();

    let dir = std::env::temp_dir().join(format!("tr-bench-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bulk.db");
    let t0 = Instant::now();
    let mut sqlite = Tracker::open(&path).expect("a new store opens");
    load_into(&mut sqlite, &data.commands, BATCH).expect("generated data is valid");
    let took = t0.elapsed();
    drop(sqlite);
    let size: u64 = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    println!(
        "bulk load, SQLite (synchronous=FULL, one snapshot at the end): {events} events in {took:.2?} \
         ({:.0} events/s); files {:.0} MB",
        events as f64 / took.as_secs_f64(),
        size as f64 / 1e6
    );

    let t0 = Instant::now();
    let reopened = Tracker::open(&path).expect("the store reopens");
    println!(
        "reopen from the snapshot (+ verified tail of {} events): {:.2?}",
        reopened.head().0 - events.min(reopened.head().0),
        t0.elapsed()
    );
    drop(reopened);
    let t0 = Instant::now();
    let replayed = Tracker::open_with(
        &path,
        OpenOptions {
            snapshot_every: 0,
            ..OpenOptions::default()
        },
    )
    .expect("the store reopens");
    println!(
        "reopen by a full verified replay of {} events: {:.2?}",
        replayed.head().0,
        t0.elapsed()
    );
    drop(replayed);
    let _ = std::fs::remove_dir_all(&dir);
    if let Ok(server) = std::env::var("TRACEABILITY_TEST_PG_URL") {
        postgres_load(&server, &data.commands, events);
    }
}

/// Runs this bench again with [`MEMORY_ONLY`] set, so memory is measured in a process
/// where no earlier load left freed pages to reuse (and no timing gains from them).
fn memory_in_a_fresh_process() {
    let ran = std::env::current_exe().and_then(|bench| {
        std::process::Command::new(bench)
            .env(MEMORY_ONLY, "1")
            .status()
    });
    if !matches!(ran, Ok(status) if status.success()) {
        println!("memory: the measuring process failed ({ran:?})");
    }
}

/// Prints the growth of the resident set while a memory store loads deep copies of the
/// commands batch by batch ([`load_copies_into`]).
fn memory_growth(data: &traceability_bench::Generated) {
    let rss0 = resident_bytes();
    let mut memory = Tracker::in_memory();
    load_copies_into(&mut memory, &data.commands, BATCH).expect("generated data is valid");
    let grown = resident_bytes().saturating_sub(rss0);
    println!(
        "memory store loaded from copies of the commands (the state owns its ids): RSS +{:.0} MB \
         = {:.0} bytes/lot",
        grown as f64 / 1e6,
        grown as f64 / data.lots as f64
    );
}

/// The bulk load into a scratch schema of the server, then a reopen from the snapshot.
fn postgres_load(server: &str, commands: &[traceability_core::Command], events: u64) {
    let schema = format!("bench_bulk_{}", std::process::id());
    let separator = if server.contains('?') { '&' } else { '?' };
    let url = format!("{server}{separator}schema={schema}");
    let t0 = Instant::now();
    let mut tracker = Tracker::open(&url).expect("the server answers");
    load_into(&mut tracker, commands, BATCH).expect("generated data is valid");
    let took = t0.elapsed();
    drop(tracker);
    println!(
        "bulk load, PostgreSQL: {events} events in {took:.2?} ({:.0} events/s)",
        events as f64 / took.as_secs_f64()
    );
    let t0 = Instant::now();
    let reopened = Tracker::open(&url).expect("the store reopens");
    println!("reopen PostgreSQL from the snapshot: {:.2?}", t0.elapsed());
    drop(reopened);
    let mut client =
        postgres::Client::connect(server, postgres::NoTls).expect("the server answers");
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .expect("the scratch schema drops");
}
