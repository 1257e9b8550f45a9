//! The in-memory store: for tests, scratch work and benchmarks.

use super::{check_numbering, EventStore};
use crate::event::{RecordSource, StoredEvent};
use crate::kernel::error::TraceError;

/// Events in a vector; gone when dropped.
///
/// ```
/// use traceability_core::store::{EventStore, MemoryStore};
/// let store = MemoryStore::default();
/// assert_eq!(store.next_seq().unwrap(), 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    events: Vec<StoredEvent>,
    snapshot: Option<Vec<u8>>,
}

impl MemoryStore {
    /// A store holding exactly these records, unchecked (to inspect a copied or damaged
    /// log with [`crate::event::audit::verify`]).
    ///
    /// ```
    /// use traceability_core::{event::audit, store::MemoryStore};
    /// assert_eq!(audit::verify(&MemoryStore::from_records(Vec::new())).unwrap(), 0);
    /// ```
    pub fn from_records(events: Vec<StoredEvent>) -> Self {
        Self {
            events,
            snapshot: None,
        }
    }

    /// The records, in order.
    ///
    /// ```
    /// assert!(traceability_core::store::MemoryStore::default().records().is_empty());
    /// ```
    pub fn records(&self) -> &[StoredEvent] {
        &self.events
    }
}

impl EventStore for MemoryStore {
    fn next_seq(&self) -> Result<u64, TraceError> {
        Ok(self.events.len() as u64)
    }

    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError> {
        let actual = self.next_seq()?;
        if actual != expected_next_seq {
            return Err(TraceError::StaleWriter {
                expected: expected_next_seq,
                actual,
            });
        }
        check_numbering(expected_next_seq, events)?;
        self.events.extend_from_slice(events);
        Ok(())
    }

    fn save_snapshot(&mut self, _seq: u64, snapshot: &[u8]) -> Result<(), TraceError> {
        self.snapshot = Some(snapshot.to_vec());
        Ok(())
    }

    fn latest_snapshot(&self) -> Result<Option<Vec<u8>>, TraceError> {
        Ok(self.snapshot.clone())
    }
}

impl RecordSource for MemoryStore {
    fn read_from(
        &self,
        from_seq: u64,
        visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        let start = usize::try_from(from_seq)
            .unwrap_or(usize::MAX)
            .min(self.events.len());
        self.events[start..].iter().cloned().try_for_each(visit)
    }

    /// The record numbered `seq`: found at position `seq` in an intact log, searched
    /// for in a damaged one (records moved, removed or repeated).
    fn read_one(&self, seq: u64) -> Result<Option<StoredEvent>, TraceError> {
        Ok(usize::try_from(seq)
            .ok()
            .and_then(|i| self.events.get(i))
            .filter(|e| e.seq == seq)
            .or_else(|| self.events.iter().find(|e| e.seq == seq))
            .cloned())
    }
}
