//! The in-memory store: for tests, scratch work, analyses and benchmarks.
//!
//! Records are kept in columns rather than as [`StoredEvent`]s, so a million-lot log
//! costs a fraction of its records' size: the encoded bodies sit in one byte buffer per
//! segment of [`SEGMENT`] records, and a full segment is compressed (LZ4 block format);
//! beside them, per record, only where its body ends. A record's sequence number and
//! previous hash are implied by its position and by the record before it, and its chain
//! hash is recomputed from its body when it is read: the store keeps one hash per
//! [`ANCHOR`] records to start from (a read hashes at most `ANCHOR` bodies, which it
//! decompresses anyway), and checks each appended hash once. The few records of a
//! damaged log (see [`MemoryStore::from_records`]) that break that pattern keep their
//! sequence number, previous hash or hash in a side table.

use std::collections::BTreeMap;

use super::{check_numbering, EventStore};
use crate::event::{chain_hash, Hash, RecordSource, Sealed, StoredEvent, GENESIS_HASH};
use crate::kernel::error::TraceError;

/// Records per compressed segment: large enough for LZ4 to find the repetition between
/// events (ids, actors, field layouts), small enough that reading one record
/// decompresses little.
const SEGMENT: usize = 256;

/// Records per kept hash: a read recomputes at most this many hashes from the one kept
/// before it (a divisor of [`SEGMENT`], so they are in the segment it decompresses).
const ANCHOR: usize = 16;

/// Events kept in memory; gone when dropped.
///
/// ```
/// use traceability_core::store::{EventStore, MemoryStore};
/// let store = MemoryStore::default();
/// assert_eq!(store.next_seq().unwrap(), 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    log: ColumnLog,
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
        let mut log = ColumnLog::default();
        for event in &events {
            log.push(event, HashCheck::Recompute);
        }
        Self {
            log,
            snapshot: None,
        }
    }
}

/// Whether an appended record's hash is checked against its chain hash (only one that
/// differs is kept: the others are recomputed when read).
#[derive(Clone, Copy, PartialEq, Eq)]
enum HashCheck {
    Recompute,
    /// Sealed by this crate: the hash is the chain hash.
    Trusted,
}

impl MemoryStore {
    fn push_all(
        &mut self,
        expected_next_seq: u64,
        events: &[StoredEvent],
        check: HashCheck,
    ) -> Result<(), TraceError> {
        let actual = self.next_seq()?;
        if actual != expected_next_seq {
            return Err(TraceError::StaleWriter {
                expected: expected_next_seq,
                actual,
            });
        }
        check_numbering(expected_next_seq, events)?;
        if let Some(event) = events.iter().find(|e| u32::try_from(e.body.len()).is_err()) {
            return Err(TraceError::invalid(
                "event",
                format!("event {} is larger than 4 GiB", event.seq),
            ));
        }
        for event in events {
            self.log.push(event, check);
        }
        Ok(())
    }
}

impl EventStore for MemoryStore {
    fn next_seq(&self) -> Result<u64, TraceError> {
        Ok(self.log.len() as u64)
    }

    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError> {
        self.push_all(expected_next_seq, events, HashCheck::Recompute)
    }

    /// Skips recomputing the hashes: [`Sealed`] records' hashes are their chain hashes.
    fn append_sealed(&mut self, expected_next_seq: u64, events: &Sealed) -> Result<(), TraceError> {
        self.push_all(expected_next_seq, events.records(), HashCheck::Trusted)
    }

    fn save_snapshot(&mut self, _seq: u64, snapshot: Vec<u8>) -> Result<(), TraceError> {
        self.snapshot = Some(snapshot);
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
            .min(self.log.len());
        self.log.visit_from(start, visit)
    }

    /// The record numbered `seq`: found at position `seq` in an intact log, searched
    /// for in a damaged one (records moved, removed or repeated).
    fn read_one(&self, seq: u64) -> Result<Option<StoredEvent>, TraceError> {
        if self.log.seq_at(seq as usize) == Some(seq) {
            return Ok(Some(self.log.record(seq as usize)));
        }
        Ok((0..self.log.len())
            .find(|&i| self.log.seq_at(i) == Some(seq))
            .map(|i| self.log.record(i)))
    }
}

/// The records in columns. See the [module docs](self).
#[derive(Clone, Debug, Default)]
struct ColumnLog {
    /// The bodies of each full segment, compressed (size-prepended LZ4 block).
    sealed: Vec<Box<[u8]>>,
    /// The bodies of the records after the last full segment.
    open: Vec<u8>,
    /// Per record: the length of its body (`append` refuses bodies over 4 GiB).
    lens: Vec<u32>,
    /// Per [`ANCHOR`] records: the previous hash the first of them has in an intact
    /// chain (the hash of the record before it).
    anchors: Vec<Hash>,
    /// The hash of the last record ([`GENESIS_HASH`], all zeros, when empty).
    last_hash: Hash,
    /// Records whose sequence number is not their position.
    odd_seqs: BTreeMap<usize, u64>,
    /// Records whose previous hash is not the hash of the record before them.
    odd_prev_hashes: BTreeMap<usize, Hash>,
    /// Records whose hash is not the chain hash of their previous hash, number and body.
    odd_hashes: BTreeMap<usize, Hash>,
}

impl ColumnLog {
    fn len(&self) -> usize {
        self.lens.len()
    }

    fn push(&mut self, event: &StoredEvent, check: HashCheck) {
        let StoredEvent {
            seq,
            ref body,
            prev_hash,
            hash,
        } = *event;
        let position = self.len();
        if position % ANCHOR == 0 {
            self.anchors.push(self.last_hash);
        }
        if seq != position as u64 {
            self.odd_seqs.insert(position, seq);
        }
        if prev_hash != self.last_hash {
            self.odd_prev_hashes.insert(position, prev_hash);
        }
        if check == HashCheck::Recompute && hash != chain_hash(&prev_hash, seq, body) {
            self.odd_hashes.insert(position, hash);
        }
        self.last_hash = hash;
        self.open.extend_from_slice(body);
        self.lens
            .push(u32::try_from(body.len()).expect("bodies over 4 GiB are refused"));
        if self.len() % SEGMENT == 0 {
            let bytes = std::mem::take(&mut self.open);
            self.sealed
                .push(lz4_flex::compress_prepend_size(&bytes).into_boxed_slice());
        }
    }

    fn seq_at(&self, position: usize) -> Option<u64> {
        (position < self.len()).then(|| {
            self.odd_seqs
                .get(&position)
                .copied()
                .unwrap_or(position as u64)
        })
    }

    /// The bytes of the segment holding `position`.
    fn segment_bytes(&self, position: usize) -> std::borrow::Cow<'_, [u8]> {
        match self.sealed.get(position / SEGMENT) {
            Some(packed) => std::borrow::Cow::Owned(
                lz4_flex::decompress_size_prepended(packed)
                    .expect("the store compressed this segment itself"),
            ),
            None => std::borrow::Cow::Borrowed(&self.open),
        }
    }

    /// Where the body at `position` starts in its segment's bytes.
    fn body_start(&self, position: usize) -> usize {
        let first = position - position % SEGMENT;
        self.lens[first..position].iter().map(|&l| l as usize).sum()
    }

    /// The record at `position` (< len), whose body starts at `start` in its segment's
    /// `bytes`, following a record whose hash is `hash_before` in an intact chain.
    fn record_in(
        &self,
        position: usize,
        bytes: &[u8],
        start: usize,
        hash_before: Hash,
    ) -> StoredEvent {
        let end = start + self.lens[position] as usize;
        let seq = self.seq_at(position).unwrap_or(position as u64);
        let body = bytes[start..end].to_vec();
        let prev_hash = (self.odd_prev_hashes.get(&position).copied()).unwrap_or(hash_before);
        let hash = (self.odd_hashes.get(&position).copied())
            .unwrap_or_else(|| chain_hash(&prev_hash, seq, &body));
        StoredEvent {
            seq,
            body,
            prev_hash,
            hash,
        }
    }

    fn record(&self, position: usize) -> StoredEvent {
        let mut found = None;
        self.visit(position, position + 1, &mut |record| {
            found = Some(record);
            Ok(())
        })
        .expect("the visitor never fails");
        found.expect("a position below len")
    }

    /// Calls `visit` with every record from `start` on, decompressing each segment once.
    fn visit_from(
        &self,
        start: usize,
        visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        self.visit(start, self.len(), visit)
    }

    /// Calls `visit` with the records from `start` to `end` (≤ len). Their hashes are
    /// recomputed from the anchor at or before `start`.
    fn visit(
        &self,
        start: usize,
        end: usize,
        visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        let mut position = start - start % ANCHOR;
        let mut hash_before = self
            .anchors
            .get(position / ANCHOR)
            .copied()
            .unwrap_or(GENESIS_HASH);
        while position < end {
            let bytes = self.segment_bytes(position);
            let segment_end = ((position / SEGMENT + 1) * SEGMENT).min(end);
            let mut body_start = self.body_start(position);
            for p in position..segment_end {
                let record = self.record_in(p, &bytes, body_start, hash_before);
                body_start += self.lens[p] as usize;
                hash_before = record.hash;
                if p >= start {
                    visit(record)?;
                }
            }
            position = segment_end;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::chain_hash;

    /// A chain of `n` records with bodies of varied lengths.
    fn chain(n: usize) -> Vec<StoredEvent> {
        let mut prev = GENESIS_HASH;
        (0..n as u64)
            .map(|seq| {
                let body = format!("body {seq} {}", "x".repeat(seq as usize % 97)).into_bytes();
                let hash = chain_hash(&prev, seq, &body);
                let record = StoredEvent {
                    seq,
                    body,
                    prev_hash: prev,
                    hash,
                };
                prev = hash;
                record
            })
            .collect()
    }

    fn read_all(store: &MemoryStore, from: u64) -> Vec<StoredEvent> {
        let mut out = Vec::new();
        store
            .read_from(from, &mut |r| {
                out.push(r);
                Ok(())
            })
            .unwrap();
        out
    }

    #[test]
    fn records_read_back_as_appended_across_sealed_segments() {
        let records = chain(3 * SEGMENT + 17);
        let mut store = MemoryStore::default();
        for batch in records.chunks(100) {
            store.append(batch[0].seq, batch).unwrap();
        }
        assert_eq!(store.log.sealed.len(), 3);
        assert_eq!(read_all(&store, 0), records);
        assert_eq!(read_all(&store, SEGMENT as u64 + 5), records[SEGMENT + 5..]);
        for seq in [0, 1, 255, 256, 257, 700, 3 * SEGMENT as u64 + 16] {
            assert_eq!(
                store.read_one(seq).unwrap().as_ref(),
                Some(&records[seq as usize])
            );
        }
        assert_eq!(store.read_one(records.len() as u64).unwrap(), None);
    }

    #[test]
    fn a_damaged_log_keeps_every_record_exactly() {
        let mut records = chain(SEGMENT + 40);
        records.swap(3, 290);
        records.remove(10);
        records[20].prev_hash = [7; 32];
        records[30].hash = [9; 32];
        records[280].seq = 9_999;
        let store = MemoryStore::from_records(records.clone());
        assert_eq!(read_all(&store, 0), records);
        assert_eq!(store.read_one(9_999).unwrap().as_ref(), Some(&records[280]));
        assert_eq!(store.read_one(3).unwrap().as_ref(), Some(&records[289]));
        assert_eq!(store.read_one(10).unwrap(), None);
        for seq in [20, 21, 30, 31, 33] {
            let at = records.iter().position(|r| r.seq == seq).unwrap();
            assert_eq!(store.read_one(seq).unwrap().as_ref(), Some(&records[at]));
        }
    }

    #[test]
    fn sealed_records_read_back_with_the_hashes_they_were_sealed_with() {
        let records = chain(SEGMENT + 40);
        let mut store = MemoryStore::default();
        for batch in records.chunks(70) {
            let sealed = Sealed::chain(
                batch[0].seq,
                batch[0].prev_hash,
                batch.iter().map(|r| r.body.clone()),
            );
            assert_eq!(sealed.records(), batch);
            store.append_sealed(batch[0].seq, &sealed).unwrap();
        }
        assert_eq!(read_all(&store, 0), records);
        assert!(store.log.odd_hashes.is_empty());
        let stale = Sealed::chain(5, GENESIS_HASH, [b"late".to_vec()]);
        assert!(matches!(
            store.append_sealed(5, &stale),
            Err(TraceError::StaleWriter { expected: 5, .. })
        ));
        assert_eq!(read_all(&store, 0), records);
    }
}
