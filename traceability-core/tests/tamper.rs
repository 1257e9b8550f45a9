//! Tampering with a SQLite log behind the library's back: every kind of damage is
//! found at the exact event, opening refuses a damaged log instead of showing forged
//! stock, malformed rows never panic, and signed checkpoints catch truncated and
//! rewritten tails.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use rusqlite::Connection;
use traceability_core::event::checkpoint::{
    self, public_key, signing_key_from_bytes, verifying_key_from_bytes, Checkpoint,
};
use traceability_core::event::{chain_hash, StoredEvent, GENESIS_HASH};
use traceability_core::store::{MemoryStore, RecordSource, SqliteStore};
use traceability_core::*;

/// The receipt of FLOUR/F1 (quantity 100) is event 13; 100 SUGAR receipts follow
/// (events 14..=113), then two moves: 116 events.
const RECEIPT: u64 = 13;
const EVENTS: u64 = 116;

fn populate(plant: &mut Plant) {
    plant.receive_lot("FLOUR", "F1", "100", "DOCK").unwrap();
    let receipts: Vec<Command> = (0..100)
        .map(|i| {
            Command::ReceiveLot(ReceiveLot {
                spec: LotSpec::new(pid("SUGAR"), LotNumber::new(format!("S{i:03}")).unwrap()),
                quantity: qty("5"),
                location: loc("DOCK"),
                supplier: None,
                received_on: None,
                reference: None,
            })
        })
        .collect();
    plant
        .tracker
        .execute_batch("tester", None, &receipts)
        .unwrap();
    plant
        .move_item(lot("FLOUR", "F1"), "DOCK", "STOCK", "40")
        .unwrap();
    plant
        .move_item(lot("SUGAR", "S000"), "DOCK", "STOCK", "5")
        .unwrap();
}

/// A populated SQLite log at a fresh path.
fn fixture(name: &str) -> PathBuf {
    let path = temp_db(name);
    let mut plant = Plant::on(Tracker::open(&path).unwrap());
    populate(&mut plant);
    assert_eq!(plant.tracker.head().0, EVENTS);
    path
}

fn sql(path: &Path, statements: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(statements).unwrap();
}

fn verify_file(path: &Path) -> Result<u64, TraceError> {
    event::audit::verify(&SqliteStore::open(path).unwrap())
}

fn open(path: &Path) -> Result<Tracker, TraceError> {
    Tracker::with_store(
        Box::new(SqliteStore::open(path)?),
        Arc::new(FixedClock::new("2026-03-01T08:00:00Z".parse().unwrap())),
    )
}

#[track_caller]
fn assert_tampered<T>(result: Result<T, TraceError>, seq: u64, damage: Damage) {
    match result {
        Err(TraceError::Tampered {
            seq: s, damage: d, ..
        }) if s == seq && d == damage => {}
        Err(other) => panic!("expected Tampered {{ seq: {seq}, damage: {damage} }}, got {other:?}"),
        Ok(_) => panic!("expected Tampered {{ seq: {seq}, damage: {damage} }}, got Ok"),
    }
}

fn record(path: &Path, seq: u64) -> StoredEvent {
    SqliteStore::open(path)
        .unwrap()
        .read_one(seq)
        .unwrap()
        .unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// --- the chain ---------------------------------------------------------------------

#[test]
fn an_untouched_log_verifies_and_reopens() {
    let path = fixture("untouched");
    assert_eq!(verify_file(&path).unwrap(), EVENTS);
    let t = Tracker::open(&path).unwrap();
    assert_eq!(t.head().0, EVENTS);
    assert_eq!(
        event::audit::verify_from(
            &SqliteStore::open(&path).unwrap(),
            50,
            record(&path, 49).hash
        )
        .unwrap(),
        EVENTS
    );
}

#[test]
fn a_quantity_changed_in_a_stored_body_is_body_altered_and_the_log_does_not_open() {
    let path = fixture("body-altered");
    let before = record(&path, RECEIPT).body;
    assert_ne!(edit_string(&before, "100", "900"), before);
    sql(
        &path,
        &format!(
            "UPDATE events SET body = {} WHERE seq = {RECEIPT}",
            sql_edit_string("100", "900")
        ),
    );
    assert_ne!(record(&path, RECEIPT).body, before);
    assert_tampered(verify_file(&path), RECEIPT, Damage::BodyAltered);
    // Opening replays through the chain checker: no forged stock is ever shown.
    assert_tampered(Tracker::open(&path), RECEIPT, Damage::BodyAltered);
    assert_tampered(open(&path), RECEIPT, Damage::BodyAltered);
}

#[test]
fn a_changed_stored_hash_is_hash_altered_at_that_event_not_the_next() {
    let path = fixture("hash-altered");
    sql(
        &path,
        "UPDATE events SET hash = randomblob(32) WHERE seq = 100",
    );
    assert_tampered(verify_file(&path), 100, Damage::HashAltered);
    assert_tampered(Tracker::open(&path), 100, Damage::HashAltered);
}

#[test]
fn a_changed_previous_hash_link_is_hash_altered_at_that_event() {
    let path = fixture("link-altered");
    sql(
        &path,
        "UPDATE events SET prev_hash = randomblob(32) WHERE seq = 50",
    );
    assert_tampered(verify_file(&path), 50, Damage::HashAltered);
    assert_tampered(Tracker::open(&path), 50, Damage::HashAltered);
}

#[test]
fn a_body_rewritten_with_its_hash_recomputed_is_found_by_its_successor() {
    let path = fixture("rehashed");
    let original = record(&path, RECEIPT);
    let forged = edit_string(&original.body, "100", "900");
    let hash = chain_hash(&original.prev_hash, RECEIPT, &forged);
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE events SET body = ?1, hash = ?2 WHERE seq = ?3",
        rusqlite::params![forged, &hash[..], RECEIPT],
    )
    .unwrap();
    drop(conn);
    assert_tampered(verify_file(&path), RECEIPT, Damage::BodyAltered);
    assert_tampered(Tracker::open(&path), RECEIPT, Damage::BodyAltered);
}

#[test]
fn a_deleted_middle_row_is_missing() {
    let path = fixture("missing");
    sql(&path, "DELETE FROM events WHERE seq = 30");
    assert_tampered(verify_file(&path), 30, Damage::Missing);
    assert_tampered(Tracker::open(&path), 30, Damage::Missing);
}

#[test]
fn deleted_rows_with_the_rest_renumbered_are_missing() {
    let path = fixture("missing-renumbered");
    sql(
        &path,
        "DELETE FROM events WHERE seq IN (30, 31);
         UPDATE events SET seq = -seq WHERE seq > 31;
         UPDATE events SET seq = -seq - 2 WHERE seq < 0;",
    );
    assert_tampered(verify_file(&path), 30, Damage::Missing);
}

#[test]
fn two_swapped_rows_are_reordered() {
    let path = fixture("reordered");
    sql(
        &path,
        "UPDATE events SET seq = -1 WHERE seq = 40;
         UPDATE events SET seq = 40 WHERE seq = 41;
         UPDATE events SET seq = 41 WHERE seq = -1;",
    );
    assert_tampered(verify_file(&path), 40, Damage::Reordered);
    assert_tampered(Tracker::open(&path), 40, Damage::Reordered);
}

/// Moves rows `at..` one place up, leaving `at` free.
fn make_room(path: &Path, at: u64) {
    sql(
        path,
        &format!(
            "UPDATE events SET seq = -seq - 1 WHERE seq >= {at};
             UPDATE events SET seq = -seq WHERE seq < 0;"
        ),
    );
}

#[test]
fn a_forged_row_inserted_with_a_valid_hash_and_the_rest_renumbered_is_inserted() {
    let path = fixture("inserted-hashed");
    let before = record(&path, 59);
    let copy = record(&path, 70).body; // a plausible body
    let hash = chain_hash(&before.hash, 60, &copy);
    make_room(&path, 60);
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO events (seq, body, prev_hash, hash) VALUES (60, ?1, ?2, ?3)",
        rusqlite::params![copy, &before.hash[..], &hash[..]],
    )
    .unwrap();
    drop(conn);
    assert_tampered(verify_file(&path), 60, Damage::Inserted);
    assert_tampered(Tracker::open(&path), 60, Damage::Inserted);
}

#[test]
fn a_forged_row_inserted_with_a_wrong_hash_and_the_rest_renumbered_is_inserted() {
    let path = fixture("inserted-sloppy");
    let before = record(&path, 59);
    make_room(&path, 60);
    sql(
        &path,
        &format!(
            "INSERT INTO events (seq, body, prev_hash, hash)
             SELECT 60, body, x'{}', randomblob(32) FROM events WHERE seq = 71",
            hex(&before.hash)
        ),
    );
    assert_tampered(verify_file(&path), 60, Damage::Inserted);
}

// --- rows that cannot be read -------------------------------------------------------

#[test]
fn a_body_that_is_not_bytes_is_undecodable_at_its_seq() {
    let path = fixture("body-integer");
    sql(&path, "UPDATE events SET body = 42 WHERE seq = 20");
    assert_tampered(verify_file(&path), 20, Damage::Undecodable);
    assert_tampered(Tracker::open(&path), 20, Damage::Undecodable);
}

#[test]
fn the_hash_covers_the_body_bytes_whatever_their_sqlite_storage_class() {
    let path = fixture("body-as-text");
    sql(
        &path,
        "UPDATE events SET body = CAST(body AS TEXT) WHERE seq = 22",
    );
    assert_eq!(verify_file(&path).unwrap(), EVENTS);
    assert_eq!(Tracker::open(&path).unwrap().head().0, EVENTS);

    let path = fixture("body-garbage");
    sql(&path, "UPDATE events SET body = X'FF' WHERE seq = 21");
    assert_tampered(verify_file(&path), 21, Damage::BodyAltered);
}

#[test]
fn a_body_in_an_unknown_encoding_under_a_valid_hash_is_undecodable() {
    let path = fixture("unknown-encoding");
    let last = record(&path, EVENTS - 1);
    let body = [0xFF, 1, 2, 3];
    let hash = chain_hash(&last.prev_hash, EVENTS - 1, &body);
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE events SET body = ?1, hash = ?2 WHERE seq = ?3",
        rusqlite::params![&body[..], &hash[..], EVENTS - 1],
    )
    .unwrap();
    drop(conn);
    assert_tampered(Tracker::open(&path), EVENTS - 1, Damage::Undecodable);
}

#[test]
fn hashes_that_are_not_32_byte_blobs_are_undecodable_at_their_seq() {
    for (n, change) in [
        (23, "hash = hex(hash)"),
        (24, "hash = substr(hash, 1, 31)"),
        (25, "prev_hash = 7"),
        (26, "prev_hash = zeroblob(33)"),
    ] {
        let path = fixture(&format!("bad-hash-{n}"));
        sql(
            &path,
            &format!("UPDATE events SET {change} WHERE seq = {n}"),
        );
        assert_tampered(verify_file(&path), n, Damage::Undecodable);
        assert_tampered(Tracker::open(&path), n, Damage::Undecodable);
    }
}

/// A file whose `events` table has no column types (a foreign or hand-made schema), so
/// any value can be stored in any column; filled with a valid copy of the fixture log.
fn foreign_schema(name: &str) -> PathBuf {
    let mut plant = Plant::new();
    populate(&mut plant);
    let path = temp_db(name);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE events (seq, body, prev_hash, hash)")
        .unwrap();
    for e in plant.tracker.stored_events(0).unwrap() {
        conn.execute(
            "INSERT INTO events VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![e.seq, e.body, &e.prev_hash[..], &e.hash[..]],
        )
        .unwrap();
    }
    drop(conn);
    assert_eq!(verify_file(&path).unwrap(), EVENTS);
    assert_eq!(Tracker::open(&path).unwrap().head(), plant.tracker.head());
    path
}

#[test]
fn bodies_stored_as_integer_real_or_null_are_undecodable_at_their_seq() {
    for (n, value) in [(30, "42"), (31, "4.5"), (32, "NULL")] {
        let path = foreign_schema(&format!("foreign-body-{n}"));
        sql(
            &path,
            &format!("UPDATE events SET body = {value} WHERE seq = {n}"),
        );
        assert_tampered(verify_file(&path), n, Damage::Undecodable);
        assert_tampered(Tracker::open(&path), n, Damage::Undecodable);
    }
}

#[test]
fn a_row_whose_seq_is_null_text_real_or_negative_is_undecodable_where_it_stands() {
    for (n, value) in [(40, "NULL"), (41, "'forty-one'"), (42, "42.5"), (43, "-43")] {
        let path = foreign_schema(&format!("foreign-seq-{n}"));
        sql(
            &path,
            &format!("UPDATE events SET seq = {value} WHERE seq = {n}"),
        );
        assert_tampered(verify_file(&path), n, Damage::Undecodable);
        assert_tampered(Tracker::open(&path), n, Damage::Undecodable);
    }
    // An extra row with a NULL seq and every event present: reported after the last.
    let path = foreign_schema("foreign-seq-extra");
    sql(
        &path,
        "INSERT INTO events SELECT NULL, body, prev_hash, hash FROM events WHERE seq = 5",
    );
    assert_tampered(verify_file(&path), EVENTS, Damage::Undecodable);
}

#[test]
fn a_negative_rowid_in_the_standard_schema_is_undecodable() {
    let path = fixture("negative-rowid");
    sql(
        &path,
        "INSERT INTO events SELECT -5, body, prev_hash, hash FROM events WHERE seq = 5",
    );
    assert_tampered(verify_file(&path), EVENTS, Damage::Undecodable);
}

// --- files that are not a store -----------------------------------------------------

#[test]
fn a_file_of_random_bytes_is_an_error_never_a_panic() {
    let path = temp_db("random");
    let bytes = noise(20_000, 0x9e37_79b9_7f4a_7c15);
    std::fs::write(&path, &bytes).unwrap();
    let err = SqliteStore::open(&path).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
    let err = Tracker::open(&path).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
}

#[test]
fn a_truncated_sqlite_file_is_an_error_never_a_panic() {
    let path = fixture("whole"); // closed: the WAL is checkpointed into the file
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8192, "{}", bytes.len());
    for keep in [10, 100, 4096, bytes.len() / 2, bytes.len() - 1] {
        let cut = temp_db(&format!("cut-{keep}"));
        std::fs::write(&cut, &bytes[..keep]).unwrap();
        // Whatever SQLite makes of it, the answer is a value, not a panic ...
        let opened = std::panic::catch_unwind(|| Tracker::open(&cut).map(|t| t.head()));
        let opened = opened.unwrap_or_else(|_| panic!("Tracker::open panicked on {keep} bytes"));
        // ... and a file missing most of its pages does not open.
        if keep == bytes.len() / 2 {
            assert!(opened.is_err(), "{opened:?}");
        }
    }
}

// --- checkpoints --------------------------------------------------------------------

const SECRET: [u8; 32] = [42; 32];

#[test]
fn a_checkpoint_verifies_and_still_does_after_more_events() {
    let path = fixture("cp-append");
    let key = signing_key_from_bytes(&SECRET);
    let mut plant = Plant::on(Tracker::open(&path).unwrap());
    let cp = plant.tracker.checkpoint(&key);
    assert_eq!((cp.count, cp.head), plant.tracker.head());
    assert_eq!(cp.recorded_at, plant.tracker.now());
    assert_eq!(
        plant
            .tracker
            .verify_against(&cp, &public_key(&key))
            .unwrap(),
        EVENTS
    );
    plant.receive_lot("FLOUR", "F2", "7", "DOCK").unwrap();
    assert_eq!(
        plant
            .tracker
            .verify_against(&cp, &public_key(&key))
            .unwrap(),
        EVENTS + 1
    );
    // Through JSON and raw 32-byte keys, as the bindings pass them.
    let json = cp.to_json();
    let public = verifying_key_from_bytes(&public_key(&key).to_bytes()).unwrap();
    let back = Checkpoint::from_json(&json).unwrap();
    assert_eq!(back, cp);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        checkpoint::verify_against(&store, &back, &public).unwrap(),
        EVENTS + 1
    );
}

#[test]
fn a_checkpoint_serialises_with_lowercase_hex() {
    let key = signing_key_from_bytes(&SECRET);
    let cp = Checkpoint::sign(3, [0xAB; 32], "2026-03-01T08:00:00Z".parse().unwrap(), &key);
    let value: serde_json::Value = serde_json::from_str(&cp.to_json()).unwrap();
    assert_eq!(value["count"], 3);
    assert_eq!(value["head"], "ab".repeat(32));
    assert_eq!(value["recorded_at"], "2026-03-01T08:00:00Z");
    let signature = value["signature"].as_str().unwrap();
    assert_eq!(signature.len(), 128);
    assert_eq!(signature, signature.to_lowercase());
    for bad in [
        r#"{"count":3}"#,
        &cp.to_json().replace(&"ab".repeat(32), "abab"),
        &cp.to_json()
            .replace("\"count\":3", "\"count\":3,\"extra\":1"),
    ] {
        assert_eq!(
            Checkpoint::from_json(bad).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
}

#[test]
fn a_wrong_public_key_or_an_edited_checkpoint_is_bad_signature() {
    let path = fixture("cp-key");
    let t = Tracker::open(&path).unwrap();
    let key = signing_key_from_bytes(&SECRET);
    let cp = t.checkpoint(&key);
    let stranger = public_key(&signing_key_from_bytes(&[1; 32]));
    assert_tampered(
        t.verify_against(&cp, &stranger),
        EVENTS,
        Damage::BadSignature,
    );
    let mut edited = cp.clone();
    edited.count -= 1;
    assert_tampered(
        t.verify_against(&edited, &public_key(&key)),
        EVENTS - 1,
        Damage::BadSignature,
    );
    let mut edited = cp.clone();
    edited.recorded_at += chrono::Duration::nanoseconds(1);
    assert_tampered(
        t.verify_against(&edited, &public_key(&key)),
        EVENTS,
        Damage::BadSignature,
    );
    assert_eq!(
        verifying_key_from_bytes(&[0; 32]).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn a_truncated_log_verifies_but_fails_against_its_checkpoint() {
    let path = fixture("cp-truncated");
    let key = signing_key_from_bytes(&SECRET);
    let mut reader = Tracker::open(&path).unwrap();
    let cp = reader.checkpoint(&key);
    sql(
        &path,
        &format!("DELETE FROM events WHERE seq >= {}", EVENTS - 3),
    );
    // The shorter chain is valid on its own ...
    assert_eq!(verify_file(&path).unwrap(), EVENTS - 3);
    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(reopened.head().0, EVENTS - 3);
    // ... but not against the checkpoint,
    assert_tampered(
        reopened.verify_against(&cp, &public_key(&key)),
        EVENTS - 3,
        Damage::Truncated,
    );
    // and a tracker that had read further sees its store shrink.
    assert_tampered(reader.refresh(), EVENTS - 3, Damage::Truncated);
}

#[test]
fn a_rewritten_tail_verifies_but_fails_against_its_checkpoint() {
    let path = fixture("cp-rewritten");
    let key = signing_key_from_bytes(&SECRET);
    let cp = Tracker::open(&path).unwrap().checkpoint(&key);
    sql(
        &path,
        &format!("DELETE FROM events WHERE seq >= {}", EVENTS - 3),
    );
    // A second writer appends correctly hashed, different events through the public API.
    let mut forger = Plant::on(Tracker::open(&path).unwrap());
    for n in 0..5 {
        forger
            .receive_lot("FLOUR", &format!("X{n}"), "1", "DOCK")
            .unwrap();
    }
    assert_eq!(forger.tracker.head().0, EVENTS + 2);
    assert_eq!(verify_file(&path).unwrap(), EVENTS + 2);
    assert!(Tracker::open(&path).is_ok());
    assert_tampered(
        forger.tracker.verify_against(&cp, &public_key(&key)),
        EVENTS - 1,
        Damage::Rewritten,
    );
    // A tail rewritten to fewer events than the checkpoint is reported as truncated.
    sql(
        &path,
        &format!("DELETE FROM events WHERE seq >= {}", EVENTS - 1),
    );
    let store = SqliteStore::open(&path).unwrap();
    assert_tampered(
        checkpoint::verify_against(&store, &cp, &public_key(&key)),
        EVENTS - 1,
        Damage::Truncated,
    );
}

#[test]
fn a_checkpoint_of_an_empty_log_holds_for_every_valid_log() {
    let key = signing_key_from_bytes(&SECRET);
    let at = "2026-03-01T08:00:00Z".parse().unwrap();
    let empty = Checkpoint::sign(0, GENESIS_HASH, at, &key);
    let mut plant = Plant::new();
    populate(&mut plant);
    assert_eq!(
        plant
            .tracker
            .verify_against(&empty, &public_key(&key))
            .unwrap(),
        EVENTS
    );
    let odd = Checkpoint::sign(0, [1; 32], at, &key);
    assert_eq!(
        plant
            .tracker
            .verify_against(&odd, &public_key(&key))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn verify_against_reports_chain_damage_before_checking_the_head() {
    let path = fixture("cp-damaged");
    let key = signing_key_from_bytes(&SECRET);
    let cp = Tracker::open(&path).unwrap().checkpoint(&key);
    sql(&path, "DELETE FROM events WHERE seq = 30");
    let store = SqliteStore::open(&path).unwrap();
    assert_tampered(
        checkpoint::verify_against(&store, &cp, &public_key(&key)),
        30,
        Damage::Missing,
    );
}

// --- in-memory records: the classifier without SQLite --------------------------------

#[test]
fn the_classifier_on_in_memory_records() {
    let mut plant = Plant::new();
    populate(&mut plant);
    let records = plant.tracker.stored_events(0).unwrap();
    let check =
        |records: Vec<StoredEvent>| event::audit::verify(&MemoryStore::from_records(records));

    let mut swapped = records.clone();
    swapped.swap(10, 11);
    assert_tampered(check(swapped), 10, Damage::Reordered);

    let mut repeated = records.clone();
    repeated.insert(7, records[3].clone());
    assert_tampered(check(repeated), 7, Damage::Reordered);

    let mut removed = records.clone();
    removed.remove(12);
    assert_tampered(check(removed), 12, Damage::Missing);

    let mut rehashed = records.clone();
    rehashed[100].hash = [0; 32];
    assert_tampered(check(rehashed), 100, Damage::HashAltered);

    // A log that opens with a tracker stops at the first bad event.
    let mut altered = records.clone();
    altered[RECEIPT as usize].body = edit_string(&altered[RECEIPT as usize].body, "100", "900");
    let err = Tracker::with_store(
        Box::new(MemoryStore::from_records(altered)),
        Arc::new(SystemClock),
    )
    .err();
    assert_tampered(err.map_or(Ok(()), Err), RECEIPT, Damage::BodyAltered);
}
