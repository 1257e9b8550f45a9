//! The PostgreSQL store with several writers (`TRACEABILITY_TEST_PG_URL` names the
//! server; a scratch schema is created and dropped): single-command transactions per
//! second with 1, 2 and 4 concurrent writers (each its own tracker and connection, as
//! fast as it can; stale appends are retried inside), receiving lots of their own and
//! allocating their own products (commands that commute), then moving units of one
//! shared lot (every stale append conflicts); and how long a follower blocked in `wait_for_events` takes to see
//! another server's command.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use traceability_core::*;

const COMMANDS_PER_WRITER: usize = 1_000;

fn url_of(server: &str, schema: &str) -> String {
    let separator = if server.contains('?') { '&' } else { '?' };
    format!("{server}{separator}schema={schema}")
}

fn setup(url: &str) -> Tracker {
    let mut t = Tracker::open(url).expect("the server answers");
    let location = |id: &str, kind| {
        Command::RegisterLocation(Location {
            id: LocationId::new(id).unwrap(),
            kind,
            description: String::new(),
            gln: None,
            party: None,
        })
    };
    let mut master = vec![
        Command::RegisterProduct(Product::new(ProductId::new("P").unwrap(), Tracking::Lot)),
        location("DOCK", LocationKind::Receiving),
        location("STOCK", LocationKind::Internal),
        receipt("SHARED".into(), 1_000_000),
    ];
    // Each writer's own product, in stock to allocate from.
    for w in 0..4 {
        let product = own_product(w);
        master.push(Command::RegisterProduct(Product::new(
            product.clone(),
            Tracking::Lot,
        )));
        master.push(Command::ReceiveLot(ReceiveLot {
            spec: LotSpec::new(product, LotNumber::new("STOCKED").unwrap()),
            quantity: Quantity::from(1_000_000u32),
            location: LocationId::new("STOCK").unwrap(),
            supplier: None,
            received_on: None,
            reference: None,
        }));
    }
    t.execute_batch("bench", None, &master)
        .expect("master data");
    t
}

fn receipt(number: String, quantity: u32) -> Command {
    Command::ReceiveLot(ReceiveLot {
        spec: LotSpec::new(
            ProductId::new("P").unwrap(),
            LotNumber::new(number).unwrap(),
        ),
        quantity: Quantity::from(quantity),
        location: LocationId::new("DOCK").unwrap(),
        supplier: None,
        received_on: None,
        reference: None,
    })
}

/// A lot of its own for writer `w` of `writers`, the `n`th.
fn own_receipt(writers: usize, w: usize, n: usize) -> Command {
    receipt(format!("W{writers}-{w}-{n}"), 1)
}

/// Writer `w`'s own product.
fn own_product(w: usize) -> ProductId {
    ProductId::new(format!("OWN{w}")).unwrap()
}

/// A unit of writer `w`'s own product allocated by FEFO to an order of its own.
fn own_allocation(writers: usize, w: usize, n: usize) -> Command {
    Command::AllocateStock(AllocationRequest::new(
        own_product(w),
        Quantity::from(1),
        OrderId::new(format!("SO{writers}-{w}-{n}")).unwrap(),
        Strategy::Fefo,
    ))
}

/// A unit of the shared lot moved to stock.
fn shared_move(_: usize, _: usize, _: usize) -> Command {
    Command::Move(Move {
        item: ItemRef::Lot {
            product: ProductId::new("P").unwrap(),
            lot: LotNumber::new("SHARED").unwrap(),
        },
        from: LocationId::new("DOCK").unwrap(),
        to: LocationId::new("STOCK").unwrap(),
        quantity: Quantity::from(1),
        override_expiry: false,
    })
}

/// Commands per second with `writers` concurrent writers, writer `w`'s `n`th command
/// being `command(writers, w, n)`.
fn concurrent_writers(
    url: &str,
    writers: usize,
    command: fn(usize, usize, usize) -> Command,
) -> f64 {
    let start = Arc::new(Barrier::new(writers + 1));
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let (url, start) = (url.to_owned(), start.clone());
            thread::spawn(move || {
                let mut t = Tracker::open(&url).expect("the server answers");
                start.wait();
                for n in 0..COMMANDS_PER_WRITER {
                    t.execute("bench", None, &command(writers, w, n))
                        .expect("stored, retried when stale");
                }
            })
        })
        .collect();
    start.wait();
    let t0 = Instant::now();
    for h in handles {
        h.join().expect("writer");
    }
    (writers * COMMANDS_PER_WRITER) as f64 / t0.elapsed().as_secs_f64()
}

/// How long followers take to see a command: p50 and max over `rounds`.
fn follower_latency(url: &str, rounds: usize) -> (Duration, Duration) {
    let mut leader = Tracker::open(url).expect("the server answers");
    let mut seen = Vec::with_capacity(rounds);
    for n in 0..rounds {
        let mut follower = Tracker::open(url).expect("the server answers");
        let waiting = thread::spawn(move || {
            let came = follower.wait_for_events(Duration::from_secs(10)).unwrap();
            (Instant::now(), came)
        });
        thread::sleep(Duration::from_millis(20));
        let sent = Instant::now();
        leader
            .execute("bench", None, &receipt(format!("F{n}"), 1))
            .expect("stored");
        let (woke, came) = waiting.join().expect("follower");
        assert!(came >= 1);
        seen.push(woke.duration_since(sent));
    }
    seen.sort();
    (seen[rounds / 2], seen[rounds - 1])
}

fn main() {
    let Ok(server) = std::env::var("TRACEABILITY_TEST_PG_URL") else {
        println!("TRACEABILITY_TEST_PG_URL is not set: nothing to measure");
        return;
    };
    let schema = format!("bench_pg_{}", std::process::id());
    let url = url_of(&server, &schema);
    drop(setup(&url));
    for (workload, command) in [
        (
            "receipts of their own lots",
            own_receipt as fn(_, _, _) -> _,
        ),
        ("FEFO allocations of their own products", own_allocation),
        ("moves of one shared lot", shared_move),
    ] {
        for writers in [1, 2, 4] {
            let rate = concurrent_writers(&url, writers, command);
            println!(
                "{writers} writer(s), {workload}: {rate:.0} single-command transactions/s in all"
            );
        }
    }
    let (p50, max) = follower_latency(&url, 20);
    println!("a follower sees another server's command after {p50:.2?} (p50), {max:.2?} (max)");
    let mut client = postgres::Client::connect(&server, postgres::NoTls).expect("server");
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .expect("the scratch schema drops");
}
