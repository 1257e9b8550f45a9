//! The storage trait and its stores. A store keeps the hash-chained event records and,
//! if it can, the latest state snapshot (opaque bytes, a cache); the tracker validates,
//! hashes, decodes and snapshots.
//!
//! An ERP may implement [`EventStore`] over its own database: the contract is an
//! all-or-nothing `append` that rejects a stale `expected_next_seq`, and an ordered
//! `read_from`.

mod memory;
#[cfg(feature = "postgres")]
mod packed;
#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;

use std::time::{Duration, Instant};

pub use crate::event::RecordSource;
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{PostgresStore, DEFAULT_SCHEMA};
pub use sqlite::SqliteStore;

use crate::event::conflict::ConflictKeys;
use crate::event::{Sealed, StoredEvent};
use crate::kernel::error::TraceError;

/// Where a write begins ([`EventStore::begin_write`]).
#[derive(Debug)]
pub struct WriteStart {
    /// The store's next seq.
    pub next_seq: u64,
    /// The first events from the writer's `from_seq` on, in order (possibly not all of
    /// them, or none): the rest are read with [`RecordSource::read_from`].
    pub tail: Vec<StoredEvent>,
}

/// Where [`EventStore::append_keyed`] stored the events.
#[derive(Debug)]
pub enum Appended {
    /// At the expected sequence number.
    AsExpected,
    /// After events other writers appended first, which commute with them: the records
    /// from the expected sequence number on, theirs and then these as the store chained
    /// them (read them like a tail).
    AfterOthers(Vec<StoredEvent>),
}

/// An append-only log of [`StoredEvent`]s with optimistic concurrency; reading is its
/// [`RecordSource`] side.
pub trait EventStore: RecordSource + Send {
    /// The sequence number the next appended event must have (the number of events).
    fn next_seq(&self) -> Result<u64, TraceError>;

    /// Appends `events` (numbered from `expected_next_seq`, without gaps) all or nothing.
    /// Fails with [`TraceError::StaleWriter`] when the store already holds more events.
    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError>;

    /// [`Self::append`] of records this crate sealed, whose hashes need no checking (the
    /// tracker's own appends). The default appends them like any others.
    fn append_sealed(&mut self, expected_next_seq: u64, events: &Sealed) -> Result<(), TraceError> {
        self.append(expected_next_seq, events.records())
    }

    /// Whether the store keeps conflict keys with the events ([`Self::append_keyed`]):
    /// then trackers compute them for their appends. The default keeps none.
    fn keeps_conflict_keys(&self) -> bool {
        false
    }

    /// [`Self::append_sealed`] with what each event changes ([`ConflictKeys`], kept for
    /// other writers' appends to be checked against). With `commute` (every event keyed,
    /// and decided by a command that [`crate::Command::commutes`]), when another writer
    /// got there first, the events are appended after theirs instead of refused as
    /// stale, provided none of theirs is unkeyed or changes any of the keys the command
    /// read ([`ConflictKeys::reads`], [`crate::event::conflict`]): the store chains them
    /// after its head. The default ignores the keys.
    fn append_keyed(
        &mut self,
        expected_next_seq: u64,
        events: &Sealed,
        keys: &ConflictKeys,
        commute: bool,
    ) -> Result<Appended, TraceError> {
        let _ = (keys, commute);
        self.append_sealed(expected_next_seq, events)
            .map(|()| Appended::AsExpected)
    }

    /// Keeps `snapshot` (covering the first `seq` events) as the latest snapshot,
    /// replacing any older one. Snapshots are a cache: a store may keep none (the
    /// default), and losing one loses nothing.
    fn save_snapshot(&mut self, seq: u64, snapshot: Vec<u8>) -> Result<(), TraceError> {
        let _ = (seq, snapshot);
        Ok(())
    }

    /// The latest snapshot kept, if any.
    fn latest_snapshot(&self) -> Result<Option<Vec<u8>>, TraceError> {
        Ok(None)
    }

    /// Where a tracker that has read the events before `from_seq` begins a write that
    /// must see the current log before it decides (most writes do not: they decide
    /// against the state as read and let the append check it): the store's next seq,
    /// and the first of the events from `from_seq` on when the store read them in the
    /// same round trip. A store whose writers contend may take its writer lock here (or
    /// in an append it refuses as stale) and keep it until the next [`Self::append`] or
    /// [`Self::end_write`], so that the append cannot be stale. The default is
    /// [`Self::next_seq`] and no events.
    fn begin_write(&mut self, from_seq: u64) -> Result<WriteStart, TraceError> {
        let _ = from_seq;
        Ok(WriteStart {
            next_seq: self.next_seq()?,
            tail: Vec::new(),
        })
    }

    /// Ends a write begun by [`Self::begin_write`] if its append did not (nothing was
    /// appended, or the append failed). The default does nothing.
    fn end_write(&mut self) -> Result<(), TraceError> {
        Ok(())
    }

    /// Waits until the store holds more than `after` events (appended by any writer)
    /// or `timeout` passes; `true` when it does. The default polls [`Self::next_seq`]
    /// every 20 ms; a store that can be notified of appends waits for them instead.
    fn wait_for_append(&mut self, after: u64, timeout: Duration) -> Result<bool, TraceError> {
        wait_until_beyond(self, after, timeout, |_, left| {
            std::thread::sleep(left.min(Duration::from_millis(20)));
            Ok(())
        })
    }
}

/// Until `store` holds more than `after` events (`true`) or `timeout` passes (`false`):
/// checks, then `pause(store, time left)`, again and again.
pub(crate) fn wait_until_beyond<S: EventStore + ?Sized>(
    store: &mut S,
    after: u64,
    timeout: Duration,
    mut pause: impl FnMut(&mut S, Duration) -> Result<(), TraceError>,
) -> Result<bool, TraceError> {
    let deadline = Instant::now() + timeout;
    loop {
        if store.next_seq()? > after {
            return Ok(true);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        pause(store, left)?;
    }
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
