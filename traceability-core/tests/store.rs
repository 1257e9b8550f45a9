//! The stores: SQLite durability and replay, optimistic concurrency between writers,
//! and tamper evidence of the audit chain.

mod common;

use std::sync::Arc;

use common::*;
use traceability_core::store::{EventStore, MemoryStore, SqliteStore};
use traceability_core::*;

fn scenario(plant: &mut Plant) {
    plant.receive_lot("FLOUR", "F1", "100", "DOCK").unwrap();
    plant
        .move_item(lot("FLOUR", "F1"), "DOCK", "LINE", "60")
        .unwrap();
    plant
        .receive_serials("PUMP", &["P1", "P2"], "DOCK")
        .unwrap();
    plant
        .move_item(serial("PUMP", "P1"), "DOCK", "STOCK", "1")
        .unwrap();
    plant
        .run(Command::Produce(Produce {
            work_order: WorkOrderId::new("WO1").unwrap(),
            consumed: vec![Line {
                item: lot("FLOUR", "F1"),
                location: loc("LINE"),
                quantity: qty("60"),
            }],
            outputs: vec![Output::NewLot {
                spec: LotSpec::new(pid("BREAD"), LotNumber::new("B1").unwrap()),
                quantity: qty("120"),
                location: loc("STOCK"),
            }],
            produced_on: None,
            override_expiry: false,
        }))
        .unwrap();
    plant.allocate("SO1", lot("BREAD", "B1"), "50").unwrap();
    plant.allocate("SO1", serial("PUMP", "P1"), "1").unwrap();
    plant.pick("SO1", lot("BREAD", "B1"), "50").unwrap();
    plant.pick("SO1", serial("PUMP", "P1"), "1").unwrap();
    plant.ship("SH1", "SO1").unwrap();
}

#[test]
fn a_reopened_sqlite_store_replays_to_the_identical_state() {
    let path = temp_db("reopen");
    let mut on_disk = Plant::on(Tracker::open(&path).unwrap());
    let mut in_memory = Plant::new();
    scenario(&mut on_disk);
    scenario(&mut in_memory);
    assert_eq!(on_disk.tracker.state(), in_memory.tracker.state());
    let head = on_disk.tracker.head();
    drop(on_disk);

    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(reopened.state(), in_memory.tracker.state());
    assert_eq!(reopened.head(), head);
    assert_eq!(
        reopened.head(),
        in_memory.tracker.head(),
        "same clock, same commands: same chain"
    );
    assert_eq!(reopened.verify().unwrap(), head.0);
}

#[test]
fn a_stale_writer_is_rejected_and_catches_up_on_its_next_command() {
    let path = temp_db("stale");
    let mut first = Plant::on(Tracker::open(&path).unwrap());
    let mut second = Plant::on(Tracker::open(&path).unwrap());
    first.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    // The second writer sees the first one's lot before validating its own command.
    let err = second
        .run(Command::ReceiveLot(ReceiveLot {
            spec: LotSpec::new(pid("FLOUR"), LotNumber::new("F1").unwrap()),
            quantity: qty("1"),
            location: loc("DOCK"),
            supplier: None,
            received_on: None,
            reference: None,
        }))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
    second.receive_lot("FLOUR", "F2", "5", "DOCK").unwrap();
    // A command refused against a state behind the store is decided again on it.
    first
        .run(register_location("ANNEX", LocationKind::Receiving))
        .unwrap();
    second.receive_lot("FLOUR", "F3", "5", "ANNEX").unwrap();
    first.tracker.refresh().unwrap();
    assert_eq!(first.tracker.state(), second.tracker.state());

    // At the store level, an append with an old expected sequence number is refused whole.
    let mut store = SqliteStore::open(&path).unwrap();
    let next = store.next_seq().unwrap();
    let records = first.tracker.stored_events(next - 1).unwrap();
    let err = store.append(next - 1, &records).unwrap_err();
    assert_eq!(
        err,
        TraceError::StaleWriter {
            expected: next - 1,
            actual: next
        }
    );
    assert_eq!(store.next_seq().unwrap(), next);
}

#[test]
fn verify_finds_altered_removed_inserted_and_reordered_events() {
    let mut plant = Plant::new();
    scenario(&mut plant);
    let records = plant.tracker.stored_events(0).unwrap();
    assert_eq!(
        event::audit::verify(&MemoryStore::from_records(records.clone())).unwrap(),
        records.len() as u64
    );
    let tampered_at = |records: Vec<event::StoredEvent>| match event::audit::verify(
        &MemoryStore::from_records(records),
    ) {
        Err(TraceError::Tampered { seq, .. }) => seq,
        other => panic!("tampering not detected: {other:?}"),
    };

    let receipt = records
        .iter()
        .position(|r| {
            matches!(
                r.decode().unwrap().body.payload,
                EventPayload::LotReceived { .. }
            )
        })
        .unwrap();
    let mut altered = records.clone();
    altered[receipt].body = edit_string(&altered[receipt].body, "100", "900");
    assert_ne!(altered[receipt].body, records[receipt].body);
    assert_eq!(tampered_at(altered), receipt as u64);

    let mut removed = records.clone();
    removed.remove(12);
    assert_eq!(tampered_at(removed), 12);

    let mut inserted = records.clone();
    inserted.insert(7, records[3].clone());
    assert_eq!(tampered_at(inserted), 7);

    let mut reordered = records.clone();
    reordered.swap(10, 11);
    assert_eq!(tampered_at(reordered), 10);
}

#[test]
fn verify_detects_a_change_made_directly_in_the_sqlite_file() {
    let path = temp_db("tamper");
    let mut plant = Plant::on(Tracker::open(&path).unwrap());
    scenario(&mut plant);
    drop(plant);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        &format!(
            "UPDATE events SET body = {} WHERE seq = 14",
            sql_edit_string("tester", "hacker")
        ),
        [],
    )
    .unwrap();
    drop(conn);
    let err = event::audit::verify(&SqliteStore::open(&path).unwrap()).unwrap_err();
    assert!(
        matches!(
            err,
            TraceError::Tampered {
                seq: 14,
                damage: Damage::BodyAltered,
                ..
            }
        ),
        "{err:?}"
    );
    // Opening replays through the same check, so the altered event never reaches the state.
    assert_eq!(Tracker::open(&path).err(), Some(err));
}

#[test]
fn a_log_that_does_not_chain_is_refused_on_open() {
    let mut plant = Plant::new();
    scenario(&mut plant);
    let mut records = plant.tracker.stored_events(0).unwrap();
    records.swap(5, 6);
    let err = Tracker::with_store(
        Box::new(MemoryStore::from_records(records)),
        Arc::new(SystemClock),
    )
    .err()
    .unwrap();
    assert_eq!(err.kind(), ErrorKind::Tampered);
}

#[test]
fn a_refused_batch_changes_neither_state_nor_store_after_applying_part_of_it() {
    let path = temp_db("refused-batch");
    let mut plant = Plant::on(Tracker::open(&path).unwrap());
    scenario(&mut plant);
    let (before, head) = (plant.tracker.state().clone(), plant.tracker.head());
    // Three good commands are applied to the live state before the fourth is refused.
    let batch = [
        Command::Move(Move {
            item: lot("BREAD", "B1"),
            from: loc("STOCK"),
            to: loc("DOCK"),
            quantity: qty("10"),
            override_expiry: false,
        }),
        Command::Scrap(Scrap {
            item: lot("BREAD", "B1"),
            location: loc("DOCK"),
            quantity: qty("10"),
        }),
        Command::ReceiveSerials(ReceiveSerials {
            product: pid("PUMP"),
            serials: serials(&["P3"]),
            location: loc("DOCK"),
            supplier: None,
            reference: None,
            generate: 0,
            put_away: false,
            received_on: None,
        }),
        Command::Move(Move {
            item: lot("BREAD", "B1"),
            from: loc("STOCK"),
            to: loc("DOCK"),
            quantity: qty("1000"),
            override_expiry: false,
        }),
    ];
    let err = plant
        .tracker
        .execute_batch("bulk", Some("count"), &batch)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);
    assert!(
        plant.tracker.state() == &before,
        "the refused batch left changes"
    );
    assert_eq!(plant.tracker.head(), head);
    // Refused at its first command, before anything was applied: nothing to undo.
    let refused_first: Vec<Command> = batch.iter().rev().cloned().collect();
    let err = plant
        .tracker
        .execute_batch("bulk", Some("count"), &refused_first)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);
    assert!(plant.tracker.state() == &before);
    assert_eq!(plant.tracker.head(), head);
    // The tracker goes on from where it was, and the file agrees.
    let committed = plant
        .tracker
        .execute_batch("bulk", Some("count"), &batch[..3])
        .unwrap();
    assert_eq!(committed.first_seq, head.0);
    let state = plant.tracker.state().clone();
    drop(plant);
    assert!(Tracker::open(&path).unwrap().state() == &state);
}
