//! State snapshots: a tracker opens from the latest snapshot that matches its log and
//! replays only the rest; a snapshot that does not match is ignored with a warning;
//! deleting snapshots loses nothing.

mod common;

use std::path::Path;

use common::*;
use traceability_core::*;

/// Receives `count` lots L0.. of FLOUR and moves half of each.
fn history(plant: &mut Plant, from: usize, count: usize) {
    for n in from..from + count {
        let number = format!("L{n}");
        plant.receive_lot("FLOUR", &number, "10", "DOCK").unwrap();
        plant
            .move_item(lot("FLOUR", &number), "DOCK", "STOCK", "5")
            .unwrap();
    }
}

/// The state a full replay of the store at `path` gives (snapshots not read).
fn replayed(path: &Path) -> State {
    Tracker::open_with(path, options(0))
        .unwrap()
        .state()
        .clone()
}

fn snapshot_rows(path: &Path) -> Vec<(u64, Vec<u8>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT seq, body FROM snapshots").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn sql(path: &Path, statement: &str, params: impl rusqlite::Params) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute(statement, params)
        .unwrap();
}

#[test]
fn a_snapshot_round_trips_the_whole_state() {
    let mut plant = Plant::new();
    history(&mut plant, 0, 5);
    let (seq, head) = plant.tracker.head();
    let at = SnapshotPosition { seq, head };
    let bytes = plant.tracker.state().to_snapshot(at);
    let (position, state) = State::from_snapshot(&bytes).unwrap();
    assert_eq!(position, at);
    assert_eq!(&state, plant.tracker.state());
}

#[test]
fn reopening_uses_the_snapshot_and_replays_only_the_tail() {
    let path = temp_db("tail");
    let mut plant = Plant::on(Tracker::open_with(&path, options(0)).unwrap());
    history(&mut plant, 0, 4);
    let covered = plant.tracker.snapshot().unwrap();
    assert_eq!(covered, plant.tracker.head().0);
    history(&mut plant, 4, 3);
    let live = plant.tracker.state().clone();
    let head = plant.tracker.head();
    drop(plant);

    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(reopened.state(), &live);
    assert_eq!(reopened.head(), head);
    assert!(reopened.warnings().is_empty(), "{:?}", reopened.warnings());
    assert_eq!(reopened.verify().unwrap(), head.0);

    // Proof that the prefix came from the snapshot: an event before it, altered in the
    // log, is not re-read on opening (a full replay refuses it; `verify` finds it).
    sql(
        &path,
        &format!(
            "UPDATE events SET body = {} WHERE seq = ?1",
            sql_edit_string("10", "11")
        ),
        [covered - 2],
    );
    let opened = Tracker::open(&path).unwrap();
    assert_eq!(opened.state(), &live);
    assert_eq!(opened.verify().unwrap_err().kind(), ErrorKind::Tampered);
    let full = Tracker::open_with(&path, options(0)).err().unwrap();
    assert_eq!(full.kind(), ErrorKind::Tampered);
}

#[test]
fn deleting_the_snapshots_loses_nothing() {
    let path = temp_db("deleted");
    let mut plant = Plant::on(Tracker::open_with(&path, options(3)).unwrap());
    history(&mut plant, 0, 6);
    let live = plant.tracker.state().clone();
    drop(plant);
    assert_eq!(
        snapshot_rows(&path).len(),
        1,
        "one snapshot kept, older ones replaced"
    );
    sql(&path, "DELETE FROM snapshots", []);
    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(reopened.state(), &live);
    assert!(reopened.warnings().is_empty());
}

#[test]
fn snapshots_are_written_every_n_events_and_at_least_a_quarter_more() {
    let path = temp_db("every");
    let mut plant = Plant::on(Tracker::open_with(&path, options(10)).unwrap());
    let start = plant.tracker.head().0;
    history(&mut plant, 0, 3); // 6 events after the master data
    let rows = snapshot_rows(&path);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].0 >= 10 && rows[0].0 <= start + 6, "{}", rows[0].0);
    let before = rows[0].0;
    history(&mut plant, 3, 10);
    let after = snapshot_rows(&path)[0].0;
    assert!(
        after >= before + 10.max(before / 4),
        "{before} then {after}"
    );
    drop(plant);
    assert_eq!(Tracker::open(&path).unwrap().state(), &replayed(&path));
}

#[test]
fn a_snapshot_that_does_not_match_the_log_is_ignored_with_a_warning() {
    let a = temp_db("match-a");
    let b = temp_db("match-b");
    for (path, first) in [(&a, 0), (&b, 100)] {
        let mut plant = Plant::on(Tracker::open_with(path, options(0)).unwrap());
        history(&mut plant, first, 4);
        plant.tracker.snapshot().unwrap();
    }
    let (seq_a, body_a) = snapshot_rows(&a).remove(0);
    let (_, body_b) = snapshot_rows(&b).remove(0);

    // another log's snapshot, a damaged one, one from a format this build does not read
    let mut damaged = body_b.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 1;
    let mut other_format = body_b.clone();
    other_format[8] = 99;
    for (body, why) in [
        (body_a.clone(), "not the one the snapshot was taken after"),
        (damaged, "damaged"),
        (other_format, "snapshot"),
    ] {
        sql(
            &b,
            "UPDATE snapshots SET seq = ?1, body = ?2",
            rusqlite::params![seq_a, body],
        );
        let opened = Tracker::open(&b).unwrap();
        assert_eq!(opened.state(), &replayed(&b));
        assert_eq!(opened.warnings().len(), 1);
        assert!(
            opened.warnings()[0].contains(why),
            "{:?}",
            opened.warnings()
        );
    }

    // a snapshot covering more than the log holds (its last event was cut off): not
    // used, the state is the cut log's (a cut tail shows against a signed checkpoint)
    sql(&a, "DELETE FROM events WHERE seq = ?1", [seq_a - 1]);
    let opened = Tracker::open(&a).unwrap();
    assert_eq!(opened.head().0, seq_a - 1);
    assert_eq!(opened.state(), &replayed(&a));
    assert!(
        opened.warnings()[0].contains("holds fewer"),
        "{:?}",
        opened.warnings()
    );
}

#[test]
fn a_salvaged_tracker_writes_no_snapshot() {
    let path = temp_db("salvage");
    let mut plant = Plant::on(Tracker::open_with(&path, options(0)).unwrap());
    history(&mut plant, 0, 2);
    drop(plant);
    sql(
        &path,
        "UPDATE events SET hash = zeroblob(32) WHERE seq = 3",
        [],
    );
    let salvage = OpenOptions {
        salvage: true,
        ..OpenOptions::default()
    };
    let mut t = Tracker::open_with(&path, salvage).unwrap();
    assert_eq!(t.snapshot().unwrap_err().kind(), ErrorKind::ReadOnly);
    assert!(snapshot_rows(&path).is_empty());
}

#[test]
fn a_refused_batch_is_undone_from_the_snapshot() {
    let path = temp_db("refused");
    let mut plant = Plant::on(Tracker::open_with(&path, options(3)).unwrap());
    history(&mut plant, 0, 3);
    let before = plant.tracker.state().clone();
    let head = plant.tracker.head();
    assert!(!snapshot_rows(&path).is_empty());
    let receive = |number: &str| receipt("FLOUR", number, "1", "DOCK", None);
    // the second receipt repeats the first: the whole batch is refused
    let err = plant
        .tracker
        .execute_batch("ana", None, &[receive("NEW"), receive("NEW")])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
    assert_eq!(plant.tracker.state(), &before);
    assert_eq!(plant.tracker.head(), head);
    plant.tracker.execute("ana", None, &receive("NEW")).unwrap();
    let live = plant.tracker.state().clone();
    drop(plant);
    assert_eq!(replayed(&path), live);
}

#[test]
fn a_snapshot_the_store_refuses_is_a_warning_retried_only_an_interval_later() {
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let store = FaultyStore {
        snapshot_attempts: Some(attempts.clone()),
        ..FaultyStore::default()
    };
    let tracker = Tracker::with_store_options(
        Box::new(store),
        std::sync::Arc::new(SystemClock),
        options(4),
    )
    .unwrap();
    let mut plant = Plant::on(tracker); // 13 events of master data: one attempt
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 1);
    plant.receive_lot("FLOUR", "L1", "10", "DOCK").unwrap(); // 1 event since: no attempt
    plant.receive_lot("FLOUR", "L2", "10", "DOCK").unwrap();
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 1);
    let warnings = plant.tracker.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("value limit"), "{warnings:?}");
    for n in 0..4 {
        plant
            .receive_lot("FLOUR", &format!("M{n}"), "1", "DOCK")
            .unwrap();
    }
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn shipments_read_from_a_snapshot_are_found_by_their_ids() {
    let path = temp_db("shipment_ids");
    let mut plant = Plant::on(Tracker::open_with(&path, options(0)).unwrap());
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    for (order, shipment) in [("SO1", "S1"), ("SO2", "S2")] {
        plant.allocate(order, lot("FLOUR", "F1"), "1").unwrap();
        plant.pick(order, lot("FLOUR", "F1"), "1").unwrap();
        plant.ship(shipment, order).unwrap();
    }
    plant.tracker.snapshot().unwrap();
    drop(plant);

    let mut plant = Plant::on(Tracker::open(&path).unwrap());
    assert!(
        plant.tracker.warnings().is_empty(),
        "{:?}",
        plant.tracker.warnings()
    );
    plant.allocate("SO3", lot("FLOUR", "F1"), "1").unwrap();
    plant.pick("SO3", lot("FLOUR", "F1"), "1").unwrap();
    let taken = plant.ship("S2", "SO3").unwrap_err();
    assert!(taken.to_string().contains("S2"), "{taken}");
    let reverse = Command::ReverseShipment(ReverseShipment {
        shipment: ShipmentId::new("S1").unwrap(),
    });
    plant
        .tracker
        .execute("ana", Some("wrong customer"), &reverse)
        .unwrap();
    let shipments = query::orders::shipments(plant.tracker.state());
    let read: Vec<_> = shipments
        .iter()
        .map(|s| (s.id.as_str(), s.reversed))
        .collect();
    assert_eq!(read, [("S1", true), ("S2", false)]);
}
