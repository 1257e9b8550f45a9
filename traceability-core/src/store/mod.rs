//! The storage trait and its stores. A store keeps the hash-chained event records and
//! nothing else; the tracker validates, hashes and decodes.
//!
//! An ERP may implement [`EventStore`] over its own database: the contract is an
//! all-or-nothing `append` that rejects a stale `expected_next_seq`, and an ordered
//! `read_from`.

mod memory;
mod sqlite;

pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

use crate::error::TraceError;
use crate::event::StoredEvent;

/// An append-only log of [`StoredEvent`]s with optimistic concurrency.
pub trait EventStore: Send {
    /// The sequence number the next appended event must have (the number of events).
    fn next_seq(&self) -> Result<u64, TraceError>;

    /// Appends `events` (numbered from `expected_next_seq`, without gaps) all or nothing.
    /// Fails with [`TraceError::StaleWriter`] when the store already holds more events.
    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError>;

    /// Calls `visit` with every event from `from_seq` on, in order; stops at the first
    /// error `visit` returns.
    fn read_from(
        &self,
        from_seq: u64,
        visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError>;

    /// One event by sequence number (history queries).
    fn read_one(&self, seq: u64) -> Result<Option<StoredEvent>, TraceError>;
}

/// Checks that `events` are numbered `expected_next_seq..` without gaps.
pub(crate) fn check_numbering(
    expected_next_seq: u64,
    events: &[StoredEvent],
) -> Result<(), TraceError> {
    for (offset, event) in events.iter().enumerate() {
        if event.seq != expected_next_seq + offset as u64 {
            return Err(TraceError::Storage(format!(
                "event numbered {} appended at position {}",
                event.seq,
                expected_next_seq + offset as u64
            )));
        }
    }
    Ok(())
}
