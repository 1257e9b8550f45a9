//! A log written by version 0.1 (event schema 1, before every change of state was an
//! event) opens, verifies and replays to the state today's engine reaches with the same
//! commands: the automatic deactivation of lots that ran out, which schema 1 did not
//! record, is derived on replay.
//!
//! `fixtures/v1_log.jsonl` holds the stored records (seq, body, hashes) that release 0.1
//! (commit 076a394) wrote for the commands of `fixtures/v1_commands.json`, executed by
//! actor `v1-writer` with the clock at 2026-03-04T08:00:00Z.

use std::sync::Arc;

use traceability_core::event::StoredEvent;
use traceability_core::store::MemoryStore;
use traceability_core::*;

const AT: &str = "2026-03-04T08:00:00Z";

fn v1_records() -> Vec<StoredEvent> {
    include_str!("fixtures/v1_log.jsonl")
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let hash = |key: &str| -> [u8; 32] {
                hex::decode(v[key].as_str().unwrap())
                    .unwrap()
                    .try_into()
                    .unwrap()
            };
            StoredEvent {
                seq: v["seq"].as_u64().unwrap(),
                body: v["body"].as_str().unwrap().as_bytes().to_vec(),
                prev_hash: hash("prev_hash"),
                hash: hash("hash"),
            }
        })
        .collect()
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(AT.parse().unwrap()))
}

fn lot<'a>(t: &'a Tracker, number: &str) -> &'a Lot {
    t.state()
        .find_lot(&LotKey::new("MILK", number).unwrap())
        .unwrap()
}

/// The same commands, executed by today's engine (the return says `release`: schema 1
/// had no held returned stock).
fn replayed_today() -> Tracker {
    let steps: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("fixtures/v1_commands.json")).unwrap();
    let mut t = Tracker::in_memory();
    t.set_clock(clock());
    for step in steps {
        let command: Command = serde_json::from_value(step["command"].clone()).unwrap();
        t.execute("v1-writer", step["reason"].as_str(), &command)
            .unwrap();
    }
    t
}

#[test]
fn a_schema_1_log_replays_to_the_state_of_today() {
    let old = Tracker::with_store(Box::new(MemoryStore::from_records(v1_records())), clock())
        .expect("the v1 log verifies and replays");
    assert!(old.events(0).unwrap().iter().all(|e| e.body.schema == 1));
    // L1 ran out when shipped and came back with the return; L2 ran out when scrapped.
    assert!(lot(&old, "L1").active);
    assert!(lot(&old, "L1").on_hold);
    assert!(!lot(&old, "L2").active);

    let today = replayed_today();
    assert_eq!(old.state().lots(), today.state().lots());
    assert_eq!(old.state().serials(), today.state().serials());
    // Today the automatic changes are events of their own: depleted, restocked, depleted.
    let automatic: Vec<&str> = today
        .events(0)
        .unwrap()
        .iter()
        .map(|e| e.body.payload.action())
        .filter(|a| matches!(*a, "depleted" | "restocked"))
        .collect();
    assert_eq!(automatic, ["depleted", "restocked", "depleted"]);
    assert_eq!(old.head().0 + 3, today.head().0);
}

#[test]
fn new_events_extend_a_schema_1_log_under_schema_2() {
    let mut old =
        Tracker::with_store(Box::new(MemoryStore::from_records(v1_records())), clock()).unwrap();
    let first = old.head().0;
    old.execute(
        "qa",
        Some("supplier cleared the lot"),
        &Command::ReleaseHold(ReleaseHold {
            items: vec![ItemRef::lot("MILK", "L1").unwrap()],
        }),
    )
    .unwrap();
    let events = old.events(first).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].body.schema, event::SCHEMA_VERSION);
    assert_eq!(old.verify().unwrap(), first + 1);
    assert!(!lot(&old, "L1").on_hold);

    // The old events keep their JSON bytes, the new one is in the compact encoding, and
    // the mixed log verifies and replays.
    let records = old.stored_events(0).unwrap();
    assert!(records[..first as usize].iter().all(|r| r.body[0] == b'{'));
    assert_eq!(records[first as usize].body[0], event::COMPACT_V1);
    let reopened =
        Tracker::with_store(Box::new(MemoryStore::from_records(records)), clock()).unwrap();
    assert_eq!(reopened.state(), old.state());
}
