//! Writing to a store other trackers write to: a command refused because another
//! writer appended first ([`TraceError::StaleWriter`]) is decided again against the
//! refreshed state. Each attempt catches up with the store when it begins its write
//! ([`crate::store::EventStore::begin_write`]; PostgreSQL takes its writer lock there,
//! so the append is not stale); the retries also hold the store's writer lock
//! ([`crate::store::EventStore::hold_writers`]) so that a fast writer cannot overtake a
//! slower one again and again.

use super::tracker::Tracker;
use crate::kernel::error::TraceError;

/// How many times a command or batch refused by a stale append is decided again
/// before the [`TraceError::StaleWriter`] is reported.
pub const STALE_RETRIES: u32 = 8;

impl Tracker {
    /// Runs `attempt`; when it fails as `stale` says, runs it again (at most
    /// [`STALE_RETRIES`] times) while holding the writer lock.
    pub(super) fn retrying<T, E>(
        &mut self,
        mut attempt: impl FnMut(&mut Self) -> Result<T, E>,
        stale: impl Fn(&E) -> bool,
        lock_failed: impl Fn(TraceError) -> E,
    ) -> Result<T, E> {
        let mut outcome = attempt(self);
        if !matches!(&outcome, Err(e) if stale(e)) {
            return outcome;
        }
        self.store.hold_writers(true).map_err(&lock_failed)?;
        for _ in 0..STALE_RETRIES {
            outcome = attempt(self);
            if !matches!(&outcome, Err(e) if stale(e)) {
                break;
            }
        }
        let released = self.store.hold_writers(false);
        self.warn_unreleased(released);
        outcome
    }

    /// Runs one write `attempt` (which decides and appends) after catching up with the
    /// store as the write begins; then ends the write, which gives back a writer lock
    /// the append did not (nothing appended, or a failure).
    pub(super) fn writing<T, E>(
        &mut self,
        lift: impl Fn(TraceError) -> E,
        attempt: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E> {
        let outcome = match self.begin_write() {
            Ok(()) => attempt(self),
            Err(e) => Err(lift(e)),
        };
        let ended = self.store.end_write();
        self.warn_unreleased(ended);
        outcome
    }

    /// A writer lock that could not be given back is a warning, not a failure: the
    /// connection's lock ends with it, and what was committed stands.
    fn warn_unreleased(&mut self, released: Result<(), TraceError>) {
        if let Err(e) = released {
            self.warnings
                .push(format!("the writer lock was not released: {e}"));
        }
    }

    fn begin_write(&mut self) -> Result<(), TraceError> {
        self.refuse_if_salvaged()?;
        let start = self.store.begin_write(self.next_seq)?;
        self.catch_up(start.next_seq, start.tail)
    }
}

/// Whether an error is a stale append.
pub(super) fn is_stale(error: &TraceError) -> bool {
    matches!(error, TraceError::StaleWriter { .. })
}
