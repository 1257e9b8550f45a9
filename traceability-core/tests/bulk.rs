//! The bulk load path: the same state as command by command, progress per batch, a
//! refused command named by its position with the batches before it kept, and one
//! snapshot at the end instead of the usual ones on the way.

mod common;

use std::ops::ControlFlow;

use common::*;
use traceability_core::*;

const GO_ON: ControlFlow<()> = ControlFlow::Continue(());

/// `lots` receipts of FLOUR, each followed by a move of half of it.
fn history(lots: usize) -> Vec<Command> {
    let mut commands = Vec::new();
    for n in 0..lots {
        let number = format!("L{n}");
        commands.push(receipt("FLOUR", &number, "10", "DOCK", Some("ACME")));
        commands.push(Command::Move(Move {
            item: lot("FLOUR", &number),
            from: loc("DOCK"),
            to: loc("STOCK"),
            quantity: qty("5"),
            override_expiry: false,
        }));
    }
    commands
}

/// The state of `commands` executed one by one on a fresh in-memory tracker.
fn one_by_one(commands: &[Command], clock: std::sync::Arc<FixedClock>) -> State {
    let mut t = Tracker::in_memory();
    t.set_clock(clock);
    for command in commands {
        t.execute("import", Some("history"), command).unwrap();
    }
    t.state().clone()
}

#[test]
fn a_bulk_load_stores_the_state_of_its_commands_with_progress_per_batch() {
    let commands = [master_data(), history(40)].concat();
    let path = temp_db("bulk-good");
    let clock = Plant::new().clock;
    let mut tracker = Tracker::open_with(&path, options(10)).unwrap();
    tracker.set_clock(clock.clone());
    let mut seen = Vec::new();
    let loaded = tracker
        .bulk_load("import", Some("history"), commands.chunks(7), |p| {
            seen.push(*p);
            GO_ON
        })
        .unwrap();

    assert_eq!(loaded.commands, commands.len() as u64);
    assert_eq!(loaded.batches, commands.len().div_ceil(7) as u64);
    assert_eq!(loaded.events, tracker.head().0);
    assert_eq!(seen.len() as u64, loaded.batches);
    assert!(seen.windows(2).all(|w| w[0].commands + 7 >= w[1].commands));
    assert_eq!(seen.last(), Some(&loaded));
    let expected = one_by_one(&commands, clock);
    assert_eq!(tracker.state(), &expected);

    // One snapshot, of the end of the load (not one every 10 events on the way).
    let covered = tracker.head().0;
    drop(tracker);
    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(reopened.head().0, covered);
    assert_eq!(reopened.state(), &expected);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let snapshots: Vec<u64> = conn
        .prepare("SELECT seq FROM snapshots")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(snapshots, [covered]);
}

#[test]
fn a_refused_command_is_named_and_the_batches_before_its_batch_stay_stored() {
    let mut commands = history(20);
    let bad = commands.len() - 5;
    commands[bad] = receipt("FLOUR", "L3", "10", "DOCK", None); // L3 exists
    let mut plant = Plant::new();
    let start = plant.tracker.head().0;
    let mut calls = 0;
    let err = plant
        .tracker
        .bulk_load("import", None, commands.chunks(10), |_| {
            calls += 1;
            GO_ON
        })
        .unwrap_err();

    assert_eq!(err.index, bad as u64);
    assert_eq!(err.batch, (bad / 10) as u64);
    assert_eq!(err.loaded.commands, (bad / 10 * 10) as u64);
    assert_eq!(err.loaded.batches, calls);
    assert_eq!(err.error.kind(), ErrorKind::DuplicateNumber);
    assert!(err.to_string().contains(&format!("command {bad}")), "{err}");
    assert_eq!(plant.tracker.head().0, start + err.loaded.events);
    // Nothing of the refused batch reached the state: it is the state of the batches
    // before it.
    let mut expected = Plant::new();
    expected
        .tracker
        .execute_batch("import", None, &commands[..err.loaded.commands as usize])
        .unwrap();
    assert_eq!(plant.tracker.state(), expected.tracker.state());
}

#[test]
fn an_empty_bulk_load_stores_nothing() {
    let mut plant = Plant::new();
    let head = plant.tracker.head();
    let batches: Vec<Vec<Command>> = Vec::new();
    let loaded = plant
        .tracker
        .bulk_load("import", None, batches, |_| panic!("no batch, no progress"))
        .unwrap();
    assert_eq!(loaded, BulkProgress::default());
    assert_eq!(plant.tracker.head(), head);
}

/// A tracker on a [`FaultyStore`] whose appends numbered in `failing` fail, at the
/// plant's clock.
fn faulty_tracker(failing: std::ops::Range<usize>) -> (Tracker, std::sync::Arc<FixedClock>) {
    let clock = Plant::new().clock;
    let store = FaultyStore {
        failing_appends: failing,
        ..FaultyStore::default()
    };
    let tracker = Tracker::with_store_options(Box::new(store), clock.clone(), options(0)).unwrap();
    (tracker, clock)
}

#[test]
fn an_append_that_fails_once_while_the_next_batch_is_decided_is_made_again() {
    // Appends 0 and 1 store batches 0 and 1 (the second while batch 2 is decided);
    // append 2, of batch 2 while batch 3 is decided, fails: both go again.
    let commands = [master_data(), history(20)].concat();
    let (mut tracker, clock) = faulty_tracker(2..3);
    let loaded = tracker
        .bulk_load("import", Some("history"), commands.chunks(10), |_| GO_ON)
        .unwrap();
    assert_eq!(loaded.commands, commands.len() as u64);
    assert_eq!(loaded.batches, commands.len().div_ceil(10) as u64);
    assert_eq!(tracker.head().0, loaded.events);
    assert_eq!(tracker.state(), &one_by_one(&commands, clock));
    assert_eq!(tracker.verify().unwrap(), loaded.events);
}

#[test]
fn a_store_that_keeps_failing_stops_the_load_at_the_batch_it_refused() {
    let commands = [master_data(), history(20)].concat();
    for pipelining in [true, false] {
        let (mut tracker, clock) = faulty_tracker(2..usize::MAX);
        tracker.set_bulk_pipelining(pipelining);
        let err = tracker
            .bulk_load("import", Some("history"), commands.chunks(10), |_| GO_ON)
            .unwrap_err();
        assert_eq!(err.error.kind(), ErrorKind::Storage);
        assert_eq!((err.batch, err.index), (2, 20));
        assert_eq!(err.loaded.commands, 20);
        // The state is that of the two batches stored, not of the third or fourth
        // decided.
        assert_eq!(tracker.head().0, err.loaded.events);
        assert_eq!(tracker.state(), &one_by_one(&commands[..20], clock));
    }
}

#[test]
fn another_writer_between_batches_is_caught_up_with() {
    let commands = [master_data(), history(20)].concat();
    let path = temp_db("bulk-other-writer");
    let mut other = Tracker::open(&path).unwrap();
    let mut tracker = Tracker::open(&path).unwrap();
    let annex = register_location("ANNEX", LocationKind::Internal);
    // When batch 1 is stored, batch 2 is already decided: the other writer's event
    // makes its append stale.
    let loaded = tracker
        .bulk_load("import", None, commands.chunks(10), |p| {
            if p.batches == 2 {
                other.execute("other", None, &annex).unwrap();
            }
            GO_ON
        })
        .unwrap();
    assert_eq!(loaded.commands, commands.len() as u64);
    assert_eq!(tracker.head().0, loaded.events + 1);
    assert!(tracker.state().location(&loc("ANNEX")).is_some());
    let state = tracker.state().clone();
    drop(tracker);
    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(reopened.head().0, loaded.events + 1);
    assert_eq!(reopened.state(), &state);
}

#[test]
fn progress_stops_the_load_after_the_batch_it_reports() {
    // Pipelined, batch 2 is decided while batch 1 is stored: stopping at batch 1 takes
    // it back out. Without pipelining it is never decided.
    let commands = [master_data(), history(20)].concat();
    for pipelining in [true, false] {
        let clock = Plant::new().clock;
        let mut tracker = Tracker::in_memory();
        tracker.set_clock(clock.clone());
        tracker.set_bulk_pipelining(pipelining);
        let loaded = tracker
            .bulk_load(
                "import",
                Some("history"),
                commands.chunks(10),
                |p| match p.batches {
                    2 => ControlFlow::Break(()),
                    _ => GO_ON,
                },
            )
            .unwrap();
        assert_eq!((loaded.batches, loaded.commands), (2, 20));
        assert_eq!(tracker.head().0, loaded.events);
        assert_eq!(tracker.state(), &one_by_one(&commands[..20], clock));
    }
}
