//! Command JSON → decode → execute on a seeded in-memory tracker with a fixed clock.
//!
//! Input: any bytes. If they are UTF-8 and decode as a JSON array of core `Command`s
//! (the form `tr_execute_batch_json` and the Python binding accept), the first
//! `MAX_COMMANDS` are executed one by one on a tracker holding the fixture plant, and
//! then again as one atomic batch on a fresh one. Invariants checked after each:
//! * never a panic;
//! * a refused command (or batch) leaves the state and the log head unchanged;
//! * after an accepted command, replaying the whole log into a fresh tracker gives an
//!   equal state and head (and `verify` accepts the chain).
#![no_main]

use libfuzzer_sys::fuzz_target;
use traceability_core::{Command, Tracker};
use traceability_fuzz::{assert_replays_equal, fixture_replayed, ACTOR, MAX_COMMANDS, REASON};

/// Executes one command and checks the invariants; returns whether it was accepted.
fn check_one(tracker: &mut Tracker, command: &Command) -> bool {
    let (before_state, before_head) = (tracker.state().clone(), tracker.head());
    match tracker.execute(ACTOR, Some(REASON), command) {
        Err(_) => {
            assert_eq!(
                tracker.head(),
                before_head,
                "refused command changed the log: {command:?}"
            );
            assert!(
                tracker.state() == &before_state,
                "refused command changed the state: {command:?}"
            );
            false
        }
        Ok(committed) => {
            assert_eq!(committed.first_seq, before_head.0);
            assert_eq!(tracker.head().0, before_head.0 + committed.count);
            assert_replays_equal(tracker, command);
            true
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut commands) = serde_json::from_str::<Vec<Command>>(text) else {
        return;
    };
    commands.truncate(MAX_COMMANDS);

    let mut one_by_one = fixture_replayed();
    let mut all_accepted = true;
    for command in &commands {
        all_accepted &= check_one(&mut one_by_one, command);
    }
    one_by_one.verify().expect("the live log verifies");

    // The same commands as one atomic batch: all or nothing, each command seeing the
    // effects of those before it — so it is accepted exactly when every command was
    // accepted one by one, and then reaches the same state.
    let mut batch = fixture_replayed();
    let (before_state, before_head) = (batch.state().clone(), batch.head());
    match batch.execute_batch(ACTOR, Some(REASON), &commands) {
        Err(e) => {
            assert_eq!(batch.head(), before_head, "refused batch changed the log");
            assert!(
                batch.state() == &before_state,
                "refused batch changed the state"
            );
            assert!(
                !all_accepted,
                "batch refused ({e}) but each command was accepted"
            );
        }
        Ok(_) => {
            assert_replays_equal(&batch, &"the batch");
            assert!(
                all_accepted,
                "batch accepted but a command was refused one by one"
            );
            assert_eq!(
                batch.head(),
                one_by_one.head(),
                "batch and one-by-one logs differ"
            );
            assert!(
                batch.state() == one_by_one.state(),
                "batch and one-by-one states differ"
            );
        }
    }
});
