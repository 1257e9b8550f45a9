//! Writing to a store other trackers write to. A single command is decided against the
//! state as this tracker last read it, and its append checks that no other writer got
//! there first: one round trip to PostgreSQL when none did. A write refused as stale
//! ([`TraceError::StaleWriter`]) is decided again after catching up with the store
//! ([`crate::store::EventStore::begin_write`]; PostgreSQL's stale append has already
//! taken the writer lock for it and read the tail, so the retry is neither stale nor
//! overtaken). A command refused for what the state says is decided again the same way
//! when the store turns out to hold events the tracker had not read: a refusal speaks
//! for the current log, never for a stale copy of it. Batches and imports, whose staging
//! changes the state, catch up before they decide; so does any write after one that
//! began behind the store, until a write finds no other writer's events: while writers
//! contend, an optimistic append would only be stale and cost a round trip more. A
//! command that [`crate::Command::commutes`] (a receipt, a move, an allocation, …) stays
//! optimistic: a store that keeps conflict keys appends it after the events it missed
//! when none of them conflicts, in the same round trip ([`crate::event::conflict`]).

use super::tracker::Tracker;
use crate::kernel::error::TraceError;

/// How many times a command or batch refused by a stale append is decided again
/// before the [`TraceError::StaleWriter`] is reported.
pub const STALE_RETRIES: u32 = 8;

/// What the first attempt of a write decides against.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum FirstAttempt {
    /// The state as last read; the append checks it is current.
    AsRead,
    /// The current log, read as the write begins.
    Current,
    /// The state as last read, even while other writers contend: the store appends the
    /// events after theirs when none conflicts ([`crate::store::EventStore::append_keyed`]),
    /// so a command that [`crate::Command::commutes`] costs one round trip however many
    /// writers there are.
    Commuting,
}

impl Tracker {
    /// Runs `attempt` (which decides and appends) as `first` says; when it fails as
    /// `stale` says, catches up and runs it again (at most [`STALE_RETRIES`] times);
    /// then ends the write, which gives back a writer lock the append did not (nothing
    /// appended, or a failure).
    pub(super) fn writing<T, E>(
        &mut self,
        first: FirstAttempt,
        mut attempt: impl FnMut(&mut Self) -> Result<T, E>,
        stale: impl Fn(&E) -> bool,
        lift: impl Fn(TraceError) -> E,
    ) -> Result<T, E> {
        if let Err(e) = self.refuse_if_salvaged() {
            return Err(lift(e));
        }
        let first = match (self.behind_writers, first) {
            (true, FirstAttempt::AsRead) => FirstAttempt::Current,
            _ => first,
        };
        let mut outcome = match first {
            FirstAttempt::Current => self.attempt_current(&mut attempt, &lift),
            FirstAttempt::AsRead | FirstAttempt::Commuting => match attempt(self) {
                Err(refused) if !stale(&refused) => match self.store_ahead() {
                    Ok(None) => Err(refused),
                    Ok(Some(stale)) | Err(stale) => Err(lift(stale)),
                },
                outcome => outcome,
            },
        };
        for _ in 0..STALE_RETRIES {
            if !matches!(&outcome, Err(e) if stale(e)) {
                break;
            }
            outcome = self.attempt_current(&mut attempt, &lift);
        }
        if let Err(e) = self.store.end_write() {
            // Not a failure: the connection's lock ends with it, and what was
            // committed stands.
            self.warnings
                .push(format!("the writer lock was not released: {e}"));
        }
        outcome
    }

    /// One attempt after catching up with the store as the write begins.
    fn attempt_current<T, E>(
        &mut self,
        attempt: &mut impl FnMut(&mut Self) -> Result<T, E>,
        lift: &impl Fn(TraceError) -> E,
    ) -> Result<T, E> {
        let start = self.store.begin_write(self.next_seq).map_err(lift)?;
        self.behind_writers = start.next_seq != self.next_seq;
        self.catch_up(start.next_seq, start.tail).map_err(lift)?;
        attempt(self)
    }

    /// After a refusal decided against the state as read: a [`TraceError::StaleWriter`]
    /// when the store holds events this tracker has not read (so the command is decided
    /// again on them), `None` when the refusal stands.
    fn store_ahead(&self) -> Result<Option<TraceError>, TraceError> {
        let actual = self.store.next_seq()?;
        Ok(
            (actual != self.next_seq).then_some(TraceError::StaleWriter {
                expected: self.next_seq,
                actual,
            }),
        )
    }
}

/// Whether an error is a stale append.
pub(super) fn is_stale(error: &TraceError) -> bool {
    matches!(error, TraceError::StaleWriter { .. })
}
