//! The storage trait and its stores. A store keeps the hash-chained event records and
//! nothing else; the tracker validates, hashes and decodes.
//!
//! An ERP may implement [`EventStore`] over its own database: the contract is an
//! all-or-nothing `append` that rejects a stale `expected_next_seq`, and an ordered
//! `read_from`.

mod memory;
mod sqlite;

pub use crate::event::RecordSource;
pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

use crate::event::StoredEvent;
use crate::kernel::error::TraceError;

/// An append-only log of [`StoredEvent`]s with optimistic concurrency; reading is its
/// [`RecordSource`] side.
pub trait EventStore: RecordSource + Send {
    /// The sequence number the next appended event must have (the number of events).
    fn next_seq(&self) -> Result<u64, TraceError>;

    /// Appends `events` (numbered from `expected_next_seq`, without gaps) all or nothing.
    /// Fails with [`TraceError::StaleWriter`] when the store already holds more events.
    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError>;
}

/// Checks that `events` are numbered `expected_next_seq..` without gaps.
pub(crate) fn check_numbering(
    expected_next_seq: u64,
    events: &[StoredEvent],
) -> Result<(), TraceError> {
    for (offset, event) in events.iter().enumerate() {
        if event.seq != expected_next_seq + offset as u64 {
            return Err(TraceError::storage(format!(
                "event numbered {} appended at position {}",
                event.seq,
                expected_next_seq + offset as u64
            )));
        }
    }
    Ok(())
}
