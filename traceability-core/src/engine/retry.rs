//! Writing to a store other trackers write to: a command refused because another
//! writer appended first ([`TraceError::StaleWriter`]) is decided again against the
//! refreshed state. The first attempt is optimistic; the retries hold the store's
//! writer lock ([`crate::store::EventStore::hold_writers`]) so that a fast writer
//! cannot overtake a slower one again and again.

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
        if let Err(e) = self.store.hold_writers(false) {
            // The connection's lock ends with it; what was committed stands.
            self.warnings
                .push(format!("the writer lock was not released: {e}"));
        }
        outcome
    }
}

/// Whether an error is a stale append.
pub(super) fn is_stale(error: &TraceError) -> bool {
    matches!(error, TraceError::StaleWriter { .. })
}
