//! The PostgreSQL store against a real server: `TRACEABILITY_TEST_PG_URL` names it
//! (`scripts/test.sh` sets it, starting a throwaway cluster when no server answers).
//! Without it these tests fail: they never skip. Each test works in its own schema.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::*;
use traceability_core::store::{EventStore, PostgresStore};
use traceability_core::*;

#[test]
fn a_log_on_postgres_reopens_the_same_and_verifies() {
    let url = pg_fresh_schema("reopen");
    let mut plant = Plant::on(Tracker::open_with(&url, options(5)).unwrap());
    for n in 0..6 {
        plant
            .receive_lot("FLOUR", &format!("L{n}"), "10", "DOCK")
            .unwrap();
    }
    plant
        .move_item(lot("FLOUR", "L1"), "DOCK", "STOCK", "4")
        .unwrap();
    let (state, head) = (plant.tracker.state().clone(), plant.tracker.head());
    drop(plant);

    let reopened = Tracker::open(&url).unwrap(); // from the snapshot, then the tail
    assert_eq!((reopened.state(), reopened.head()), (&state, head));
    assert!(reopened.warnings().is_empty(), "{:?}", reopened.warnings());
    assert_eq!(reopened.verify().unwrap(), head.0);
    let replayed = Tracker::open_with(&url, options(0)).unwrap();
    assert_eq!(replayed.state(), &state);
}

#[test]
fn a_snapshot_larger_than_one_read_slice_reads_back_whole() {
    let url = pg_fresh_schema("bigsnap");
    let mut store = PostgresStore::open(&url).unwrap();
    assert_eq!(store.latest_snapshot().unwrap(), None);
    // 40 MB that LZ4 cannot shrink: read in three slices of 16 MB.
    let bytes = noise(40_000_003, 0x2545_f491_4f6c_dd1d);
    store.save_snapshot(7, bytes.clone()).unwrap();
    assert!(store.latest_snapshot().unwrap() == Some(bytes));
    store.save_snapshot(8, vec![1, 2, 3]).unwrap();
    assert_eq!(store.latest_snapshot().unwrap(), Some(vec![1, 2, 3]));
}

#[test]
fn snapshots_are_stored_packed_and_an_unpacked_one_still_reads() {
    let url = pg_fresh_schema("packsnap");
    let mut store = PostgresStore::open(&url).unwrap();
    let bytes: Vec<u8> = (0..1_000_000u32).map(|n| (n % 7) as u8).collect();
    store.save_snapshot(3, bytes.clone()).unwrap();
    let table = format!("\"{}\".snapshots", store.schema());
    let mut client = postgres::Client::connect(&pg_server_url(), postgres::NoTls).unwrap();
    let stored: Vec<u8> = client
        .query_one(&format!("SELECT body FROM {table}"), &[])
        .unwrap()
        .get(0);
    assert!(stored.starts_with(b"TRSNLZ4\n") && stored.len() < bytes.len() / 20);
    assert_eq!(store.latest_snapshot().unwrap(), Some(bytes));
    // As a library before packing wrote it: read back as it is.
    let unpacked = b"TRSNAP\r\n unpacked".to_vec();
    client
        .execute(&format!("UPDATE {table} SET body = $1"), &[&unpacked])
        .unwrap();
    assert_eq!(store.latest_snapshot().unwrap(), Some(unpacked));
    // Damaged blocks are a storage error (the tracker then replays, with a warning).
    let mut damaged = stored;
    damaged.truncate(damaged.len() - 1);
    client
        .execute(&format!("UPDATE {table} SET body = $1"), &[&damaged])
        .unwrap();
    let error = store.latest_snapshot().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Storage, "{error}");
}

#[test]
fn the_schema_is_created_once_and_a_newer_one_is_refused() {
    let url = pg_fresh_schema("migrate");
    let store = PostgresStore::open(&url).unwrap();
    let schema = store.schema().to_owned();
    drop(store);
    PostgresStore::open(&url).unwrap(); // already at the current version
    let mut client = postgres::Client::connect(&pg_server_url(), postgres::NoTls).unwrap();
    let versions: Vec<i32> = client
        .query(
            &format!("SELECT version FROM \"{schema}\".migrations ORDER BY version"),
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, [1, 2, 3, 4, 5]);
    let storage: i8 = client
        .query_one(
            &format!(
                "SELECT attstorage FROM pg_attribute \
                 WHERE attrelid = '\"{schema}\".snapshots'::regclass AND attname = 'body'"
            ),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        storage as u8, b'e',
        "snapshots are stored uncompressed (EXTERNAL)"
    );
    // A schema an older library left at version 1 gets the append functions.
    pg_sql(&format!(
        "DROP FUNCTION \"{schema}\".append_events; DROP FUNCTION \"{schema}\".begin_write; \
         DROP FUNCTION \"{schema}\".append_or_take_turn; \
         DROP FUNCTION \"{schema}\".append_keyed; \
         ALTER TABLE \"{schema}\".events DROP COLUMN keys; \
         DELETE FROM \"{schema}\".migrations WHERE version >= 2"
    ));
    let mut plant = Plant::on(Tracker::open(&url).unwrap());
    plant.receive_lot("FLOUR", "M1", "1", "DOCK").unwrap();
    let reopened = Tracker::open(&url).unwrap();
    assert!(reopened
        .state()
        .lot(&pid("FLOUR"), &"M1".parse().unwrap())
        .is_some());
    pg_sql(&format!(
        "INSERT INTO \"{schema}\".migrations (version) VALUES (99)"
    ));
    let err = PostgresStore::open(&url).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Storage);
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn a_stale_append_is_refused_and_two_racing_writers_lose_nothing() {
    let url = pg_fresh_schema("race");
    let mut store = PostgresStore::open(&url).unwrap();
    let body = event::EventBody::new(
        "ana",
        None,
        EventPayload::LocationRegistered(Location {
            id: loc("X"),
            kind: LocationKind::Internal,
            description: String::new(),
            gln: None,
            party: None,
        }),
    );
    let first = event::StoredEvent::seal(0, &body, event::GENESIS_HASH);
    store.append(0, std::slice::from_ref(&first)).unwrap();
    assert_eq!(
        store.append(0, &[first]).unwrap_err(),
        TraceError::StaleWriter {
            expected: 0,
            actual: 1
        }
    );

    let url = pg_fresh_schema("race2");
    Plant::on(Tracker::open(&url).unwrap()); // master data
    let writers: Vec<_> = ["A", "B"]
        .into_iter()
        .map(|name| {
            let url = url.clone();
            thread::spawn(move || {
                let mut plant = Plant::on(Tracker::open(&url).unwrap());
                for n in 0..25 {
                    plant
                        .receive_lot("FLOUR", &format!("{name}{n}"), "10", "DOCK")
                        .unwrap();
                }
                plant.tracker.head().0
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let all = Tracker::open(&url).unwrap();
    let lots = all.state().lots().len();
    assert_eq!(lots, 50, "every receipt of both writers is in the log");
    assert_eq!(all.verify().unwrap(), all.head().0);
}

#[test]
fn stale_receipts_and_moves_of_other_lots_are_stored_and_conflicts_decided_again() {
    let url = pg_fresh_schema("commute");
    let mut a = Plant::on(Tracker::open(&url).unwrap());
    let mut b = Plant::on(Tracker::open(&url).unwrap());
    a.receive_lot("FLOUR", "A1", "10", "DOCK").unwrap();
    // B has not read A1's receipt: its own receipt is stored after it as decided.
    let stored = b.receive_lot("FLOUR", "B1", "10", "DOCK").unwrap();
    assert_eq!(stored.first_seq, a.tracker.head().0);
    assert_eq!(b.on_hand("FLOUR", "A1"), qty("10"), "B read A1 on the way");
    // Moves of different lots commute; a move of a lot another writer moved meanwhile
    // is decided again on the current log.
    a.move_item(lot("FLOUR", "A1"), "DOCK", "STOCK", "10")
        .unwrap();
    b.move_item(lot("FLOUR", "B1"), "DOCK", "STOCK", "4")
        .unwrap();
    a.move_item(lot("FLOUR", "B1"), "DOCK", "STOCK", "6")
        .unwrap();
    let refused = b
        .move_item(lot("FLOUR", "B1"), "DOCK", "STAGE", "1")
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InsufficientStock, "{refused}");
    // Master data conflicts with everything: B's receipt at the new location is decided
    // again after it, not refused.
    a.run(register_location("ANNEX", LocationKind::Receiving))
        .unwrap();
    b.receive_lot("FLOUR", "B2", "1", "ANNEX").unwrap();
    // An allocation (not commuting) after a commuted receipt.
    a.receive_lot("FLOUR", "A2", "5", "DOCK").unwrap();
    b.allocate("SO1", lot("FLOUR", "A2"), "5").unwrap();

    a.tracker.refresh().unwrap();
    b.tracker.refresh().unwrap();
    let fresh = Tracker::open_with(&url, options(0)).unwrap();
    assert_eq!(fresh.verify().unwrap(), fresh.head().0);
    for plant in [&a, &b] {
        assert_eq!(plant.tracker.head(), fresh.head());
        assert_eq!(
            plant.tracker.state(),
            fresh.state(),
            "equal to a fresh replay"
        );
    }
    assert_eq!(fresh.state().lots().len(), 4);
}

/// Whether another server can store a receipt within 20 s while `holder` idles.
fn another_server_can_write(url: &str, number: &str) -> bool {
    let url = url.to_owned();
    let number = number.to_owned();
    let (done, finished) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut other = Plant::on(Tracker::open(&url).unwrap());
        done.send(other.receive_lot("FLOUR", &number, "10", "DOCK").is_ok())
            .unwrap();
    });
    finished.recv_timeout(Duration::from_secs(20)) == Ok(true)
}

#[test]
fn a_refused_command_gives_the_writer_lock_back() {
    // A writer lock left held fails the test (after 20 s) instead of hanging it.
    let url = format!(
        "{}&options=-c%20lock_timeout%3D20000",
        pg_fresh_schema("release")
    );
    let mut first = Plant::on(Tracker::open(&url).unwrap());
    let mut second = Plant::on(Tracker::open(&url).unwrap());
    // Refused as decided, against a state that is current.
    let refused = first
        .receive_lot("FLOUR", "L1", "10", "NOWHERE")
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::UnknownLocation);
    assert!(another_server_can_write(&url, "L2"));
    // Decided on a stale state, appended as stale (which takes the writer lock), then
    // refused when decided again on the current log.
    first.receive_lot("FLOUR", "L3", "10", "DOCK").unwrap();
    let duplicate = second.receive_lot("FLOUR", "L3", "1", "DOCK").unwrap_err();
    assert_eq!(duplicate.kind(), ErrorKind::DuplicateNumber);
    assert!(another_server_can_write(&url, "L4"));
    // Refused on a stale state, decided again on the current log, stored.
    first
        .run(register_location("ANNEX", LocationKind::Receiving))
        .unwrap();
    second.receive_lot("FLOUR", "L5", "10", "ANNEX").unwrap();
    for number in ["L2", "L3", "L4", "L5"] {
        assert!(second
            .tracker
            .state()
            .lot(&pid("FLOUR"), &number.parse().unwrap())
            .is_some());
    }
    assert!(another_server_can_write(&url, "L6"));
}

#[test]
fn a_follower_wakes_when_another_server_appends() {
    let url = pg_fresh_schema("follow");
    let mut leader = Plant::on(Tracker::open(&url).unwrap());
    let mut follower = Tracker::open(&url).unwrap();
    let start = Instant::now();
    assert_eq!(
        follower
            .wait_for_events(Duration::from_millis(200))
            .unwrap(),
        0
    );
    assert!(start.elapsed() >= Duration::from_millis(200));

    let waiting = thread::spawn(move || {
        let started = Instant::now();
        let seen = follower.wait_for_events(Duration::from_secs(20)).unwrap();
        (follower, seen, started.elapsed())
    });
    thread::sleep(Duration::from_millis(300));
    leader.receive_lot("FLOUR", "L1", "10", "DOCK").unwrap();
    let (follower, seen, waited) = waiting.join().unwrap();
    assert_eq!(seen, 1);
    assert!(
        waited < Duration::from_secs(10),
        "woken by the notification"
    );
    assert!(follower
        .state()
        .lot(&pid("FLOUR"), &"L1".parse().unwrap())
        .is_some());
}

#[test]
fn bad_urls_and_unreachable_servers_are_typed_errors() {
    let bad = Tracker::open("postgresql://u@h:notaport/db").err().unwrap();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    let schema = Tracker::open(pg_with_schema(&pg_server_url(), ""))
        .err()
        .unwrap();
    assert_eq!(schema.kind(), ErrorKind::InvalidInput);
    let down = Tracker::open("postgresql://postgres@127.0.0.1:1/test")
        .err()
        .unwrap();
    assert_eq!(down.kind(), ErrorKind::Storage);
}
