//! Given / when / then: given these events in the log, when this command is executed,
//! then exactly these events are appended — or this error, and nothing changes.
//!
//! ```text
//! given(events).when(command).then_events(&[...]);
//! given(events).when(command).then_error(ErrorKind::NotUsable);
//! ```
#![allow(dead_code)]

use std::sync::Arc;

use traceability_core::event::{StoredEvent, GENESIS_HASH};
use traceability_core::store::MemoryStore;
use traceability_core::*;

/// The date the scenario's clock shows unless [`Given::on`] says otherwise.
pub const SCENARIO_DAY: &str = "2026-01-10";

/// A tracker whose log holds exactly the given events.
pub struct Given {
    tracker: Tracker,
    reason: Option<&'static str>,
}

/// The log holds `events` (written by actor `fixture` at 08:00 of [`SCENARIO_DAY`]).
pub fn given(events: Vec<EventPayload>) -> Given {
    given_on(events, SCENARIO_DAY)
}

/// The log holds `events`, written at 08:00 of `day`; the clock stays there.
pub fn given_on(events: Vec<EventPayload>, day: &str) -> Given {
    let recorded_at = format!("{day}T08:00:00Z").parse().unwrap();
    let mut prev = GENESIS_HASH;
    let records = events
        .into_iter()
        .enumerate()
        .map(|(seq, payload)| {
            let body = EventBody {
                recorded_at,
                ..EventBody::new("fixture", None, payload)
            };
            let record = StoredEvent::seal(seq as u64, &body, prev);
            prev = record.hash;
            record
        })
        .collect();
    let clock = Arc::new(FixedClock::new(recorded_at));
    let tracker = Tracker::with_store(Box::new(MemoryStore::from_records(records)), clock)
        .expect("the given events replay");
    Given {
        tracker,
        reason: Some("test"),
    }
}

impl Given {
    /// Commands are given no reason (default: "test").
    pub fn without_reason(mut self) -> Self {
        self.reason = None;
        self
    }

    /// The tracker, to run further commands or queries on.
    pub fn tracker(self) -> Tracker {
        self.tracker
    }

    /// Executes `command` as actor `tester`.
    pub fn when(mut self, command: Command) -> Then {
        let state = self.tracker.state().clone();
        let head = self.tracker.head();
        let result = self.tracker.execute("tester", self.reason, &command);
        Then {
            tracker: self.tracker,
            result,
            state,
            head,
        }
    }
}

/// What a command did.
pub struct Then {
    tracker: Tracker,
    result: Result<Committed, TraceError>,
    state: State,
    head: (u64, event::Hash),
}

impl Then {
    /// Asserts the command appended exactly `expected`; returns the tracker.
    #[track_caller]
    pub fn then_events(self, expected: &[EventPayload]) -> Tracker {
        let committed = self
            .result
            .unwrap_or_else(|e| panic!("expected events, got the error: {e}"));
        let appended: Vec<EventPayload> = self
            .tracker
            .events(committed.first_seq)
            .unwrap()
            .into_iter()
            .map(|e| e.body.payload)
            .collect();
        assert_eq!(appended, expected);
        self.tracker
    }

    /// Asserts the command was refused with `kind` and changed neither state nor log;
    /// returns the error.
    #[track_caller]
    pub fn then_error(self, kind: ErrorKind) -> TraceError {
        let err = match self.result {
            Ok(c) => panic!("expected {kind:?}, but {} event(s) were appended", c.count),
            Err(e) => e,
        };
        assert_eq!(err.kind(), kind, "{err}");
        assert!(
            self.tracker.state() == &self.state,
            "a refused command changed the state"
        );
        assert_eq!(
            self.tracker.head(),
            self.head,
            "a refused command changed the log"
        );
        err
    }
}
