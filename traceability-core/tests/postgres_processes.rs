//! Real processes on one PostgreSQL log (`TRACEABILITY_TEST_PG_URL`, see
//! tests/postgres.rs): four processes allocate from the same few lots and serials for
//! different orders as fast as they can (between them, each receives its own lots and
//! moves units of one shared lot: commands a stale writer may append after the others'
//! when they touch other lots), and a process killed with SIGKILL in the middle
//! of a batch leaves the whole batch or none of it.
//!
//! The processes are this test binary run again with `TR_PG_WORKER` set: the `worker`
//! test below does the work then, and nothing otherwise.

mod common;

use std::process::{Child, Command as Process, Stdio};
use std::time::Duration;

use common::*;
use sha2::{Digest, Sha256};
use traceability_core::*;

const WORKERS: usize = 4;
const ROUNDS: usize = 30;
const BATCH: usize = 20_000;

/// This binary, running only the `worker` test as `role` on `url`.
fn spawn_worker(role: &str, url: &str) -> Child {
    Process::new(std::env::current_exe().unwrap())
        .args(["--exact", "worker", "--nocapture", "--test-threads=1"])
        .env("TR_PG_WORKER", format!("{role} {url}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// A digest of the lots and serials: equal states, equal digests.
fn digest(state: &State) -> String {
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(state.lots()).unwrap());
    hasher.update(serde_json::to_vec(state.serials()).unwrap());
    hex::encode(hasher.finalize())
}

/// The worker (its words follow the harness's "test worker ... " on the same line):
/// `alloc N` allocates for its orders until the rounds are done, then prints
/// the digest of its state; `batch` receives a large batch of lots in one command.
#[test]
fn worker() {
    let Ok(job) = std::env::var("TR_PG_WORKER") else {
        return;
    };
    let (role, url) = job.split_once(' ').unwrap();
    let mut tracker = Tracker::open(url).unwrap();
    match role.split_once(':') {
        Some(("alloc", n)) => {
            for round in 0..ROUNDS {
                for (product, quantity) in [("FLOUR", "3"), ("PUMP", "1")] {
                    let order = format!("W{n}-{product}-{round}");
                    let request = AllocationRequest::new(
                        pid(product),
                        qty(quantity),
                        self::order(&order),
                        Strategy::Fefo,
                    );
                    match tracker.allocate("worker", None, &request) {
                        Ok(_) => {}
                        Err(e) => assert_eq!(e.kind(), ErrorKind::InsufficientStock, "{e}"),
                    }
                }
                // Commuting commands between the allocations: a receipt of its own lot
                // (commutes with the others' receipts) and a unit of the shared sugar
                // lot moved to stock (conflicts with the others' moves of it).
                let own = receipt("SUGAR", &format!("W{n}-{round}"), "1", "DOCK", None);
                tracker.execute("worker", None, &own).unwrap();
                let shared = Command::Move(Move {
                    item: lot("SUGAR", "SHARED"),
                    from: loc("DOCK"),
                    to: loc("STOCK"),
                    quantity: qty("1"),
                    override_expiry: false,
                });
                tracker.execute("worker", None, &shared).unwrap();
            }
            tracker.refresh().unwrap();
            println!("STATE {} {}", tracker.head().0, digest(tracker.state()));
        }
        _ => {
            let commands: Vec<Command> = (0..BATCH)
                .map(|n| receipt("FLOUR", &format!("K{n}"), "1", "DOCK", None))
                .collect();
            println!("STARTED");
            tracker.execute_batch("worker", None, &commands).unwrap();
            println!("DONE");
        }
    }
}

fn order(id: &str) -> OrderId {
    OrderId::new(id).unwrap()
}

#[test]
fn four_processes_allocating_the_same_stock_never_overallocate() {
    if std::env::var_os("TR_PG_WORKER").is_some() {
        return;
    }
    let url = pg_fresh_schema("procs");
    let mut plant = Plant::on(Tracker::open(&url).unwrap());
    for lot in ["F1", "F2", "F3"] {
        plant.receive_lot("FLOUR", lot, "100", "STOCK").unwrap();
    }
    plant.receive_lot("SUGAR", "SHARED", "500", "DOCK").unwrap();
    let pumps: Vec<String> = (0..20).map(|n| format!("SN{n}")).collect();
    let pumps: Vec<&str> = pumps.iter().map(String::as_str).collect();
    plant.receive_serials("PUMP", &pumps, "STOCK").unwrap();
    for sn in &pumps {
        plant
            .move_item(serial("PUMP", sn), "STOCK", "STOCK", "1")
            .unwrap();
    }
    drop(plant);

    let workers: Vec<Child> = (0..WORKERS)
        .map(|n| spawn_worker(&format!("alloc:{n}"), &url))
        .collect();
    let reports: Vec<String> = workers
        .into_iter()
        .map(|w| {
            let out = w.wait_with_output().unwrap();
            assert!(out.status.success(), "a worker failed");
            let text = String::from_utf8(out.stdout).unwrap();
            text.lines()
                .find_map(|l| l.split("STATE ").nth(1).map(str::to_owned))
                .unwrap_or_else(|| panic!("the worker reports its state: {text}"))
        })
        .collect();

    let fresh = Tracker::open_with(&url, options(0)).unwrap();
    assert_eq!(fresh.verify().unwrap(), fresh.head().0);
    // A worker that finished early read the log before the others were done: its state
    // is compared with a replay of the log as far as it read it.
    let events = fresh.events(0).unwrap();
    for report in &reports {
        let (head, reported) = report.split_once(' ').unwrap();
        let head: usize = head.parse().unwrap();
        assert!(head <= events.len());
        let mut replayed = State::default();
        for event in &events[..head] {
            replayed.apply(event.seq, &event.body).unwrap();
        }
        assert_eq!(
            reported,
            digest(&replayed),
            "every process's state equals a fresh replay"
        );
    }
    // The worker that appended last read everything.
    let full = format!("{} ", events.len());
    assert!(reports.iter().any(|r| r.starts_with(&full)), "{reports:?}");
    let state = fresh.state();
    let mut reserved = Quantity::ZERO;
    for lot in state.lots() {
        for line in &lot.stock {
            assert!(
                line.reserved <= line.on_hand,
                "{} over-allocated",
                lot.number
            );
            reserved += line.reserved;
        }
    }
    assert_eq!(reserved, qty("300"), "the flour ran out exactly");
    let allocated = state
        .serials()
        .iter()
        .filter(|s| s.status == SerialStatus::Allocated)
        .count();
    assert_eq!(allocated, 20, "each pump on one order");
    let moved = (WORKERS * ROUNDS).to_string();
    let shared = state
        .lot(&pid("SUGAR"), &"SHARED".parse().unwrap())
        .unwrap();
    assert_eq!(shared.stock_at(&loc("STOCK")).unwrap().on_hand, qty(&moved));
    assert_eq!(
        shared.on_hand(),
        qty("500"),
        "every move of the shared lot counted once"
    );
    let own_lots = state
        .lots()
        .iter()
        .filter(|l| l.number.as_str().starts_with('W'))
        .count();
    assert_eq!(
        own_lots,
        WORKERS * ROUNDS,
        "every worker's receipts are stored"
    );
}

#[test]
fn a_process_killed_in_the_middle_of_a_batch_leaves_all_of_it_or_none() {
    if std::env::var_os("TR_PG_WORKER").is_some() {
        return;
    }
    let url = pg_fresh_schema("kill");
    drop(Plant::on(Tracker::open(&url).unwrap()));
    let mut worker = spawn_worker("batch", &url);
    let mut stdout = std::io::BufReader::new(worker.stdout.take().unwrap());
    let mut line = String::new();
    // (The harness prints "test worker ... " before the worker's own words.)
    while !line.contains("STARTED") {
        line.clear();
        let read = std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        assert_ne!(read, 0, "the worker ended before starting its batch");
    }
    std::thread::sleep(Duration::from_millis(150));
    worker.kill().unwrap(); // SIGKILL
    worker.wait().unwrap();

    // The server may still be committing the killed client's transaction: a write
    // waits for its writer lock, then reads whatever it stored.
    let mut after = Tracker::open(&url).unwrap();
    after
        .execute(
            "tester",
            None,
            &register_location("AFTER", LocationKind::Internal),
        )
        .unwrap();
    let batch = after
        .state()
        .lots()
        .iter()
        .filter(|l| l.number.as_str().starts_with('K'))
        .count();
    assert!(
        batch == 0 || batch == BATCH,
        "{batch} of the batch's {BATCH} lots stored"
    );
    assert_eq!(after.verify().unwrap(), after.head().0);
}
