//! Verification of the hash chain: the tamper evidence of the audit trail.
//!
//! Every stored event carries `hash = SHA-256(prev_hash ‖ seq ‖ body)` (see
//! [`super`]). A [`Chain`] walks the records in order, one at a time, and checks
//! for each one that
//!
//! 1. its sequence number is the next one (no gap, no repeat),
//! 2. its `prev_hash` is the hash of the event before it, and
//! 3. the hash recomputed from its content equals the stored hash.
//!
//! The first record that fails is reported as [`TraceError::Tampered`] with its `seq`
//! and the kind of [`Damage`]. To tell the kinds apart the checker looks at the
//! neighbours of the bad record (with [`super::RecordSource::read_one`]):
//!
//! | what is found at expected `seq` = *n* | damage | `seq` named |
//! |---|---|---|
//! | a record numbered above *n*, and no record *n* exists | [`Damage::Missing`] | *n* |
//! | a record numbered above *n*, but record *n* exists further on | [`Damage::Reordered`] | *n* |
//! | a record numbered below *n* (a repeat, or moved back) | [`Damage::Reordered`] | *n* |
//! | links to the right event, recomputed hash ≠ stored hash, and event *n*+1 links to the recomputed hash | [`Damage::HashAltered`] | *n* |
//! | links to the right event, recomputed hash ≠ stored hash, and event *n*+1 links to event *n*−1 | [`Damage::Inserted`] | *n* |
//! | links to the right event, recomputed hash ≠ stored hash, otherwise | [`Damage::BodyAltered`] | *n* |
//! | `prev_hash` wrong, but the content hashes to the stored hash when chained to the right predecessor (only the link field was edited) | [`Damage::HashAltered`] | *n* |
//! | `prev_hash` wrong and equal to the hash *before* event *n*−1 (event *n*−1 was slipped in with a valid hash) | [`Damage::Inserted`] | *n*−1 |
//! | `prev_hash` wrong, the record hashes right as event *m* > *n* (within 64) after its own `prev_hash`, and the next record is shifted by as much (or there is none): events deleted and the rest renumbered | [`Damage::Missing`] | *n* |
//! | `prev_hash` wrong, the record hashes right as another event *m* (within 64 of *n*) after its own `prev_hash` (it was moved and renumbered) | [`Damage::Reordered`] | *n* |
//! | `prev_hash` wrong, and event *n*+1 links to event *n*−1 | [`Damage::Inserted`] | *n* |
//! | `prev_hash` wrong, but the record is consistent with its own `prev_hash` (event *n*−1 was rewritten and its hash recomputed) | [`Damage::BodyAltered`] | *n*−1 (*n* when *n* = 0) |
//! | `prev_hash` wrong, otherwise | [`Damage::BodyAltered`] | *n* |
//! | a record the store cannot read (a body that is not bytes, a bad hash length), or whose hashed body does not decode |  [`Damage::Undecodable`] | *n* (reported by the store) |
//!
//! An unkeyed chain cannot show that its newest events were removed or replaced by
//! other correctly hashed ones: a signed [`super::checkpoint::Checkpoint`] can.
//!
//! ```
//! use traceability_core::{event::audit, event::StoredEvent, store::MemoryStore, Tracker};
//! use traceability_core::{Command, Location, LocationId, LocationKind, Damage, TraceError};
//! let mut t = Tracker::in_memory();
//! for id in ["DOCK", "STOCK", "LINE"] {
//!     t.execute("ana", None, &Command::RegisterLocation(Location {
//!         id: LocationId::new(id).unwrap(), kind: LocationKind::Internal, description: String::new(), gln: None, party: None })).unwrap();
//! }
//! let mut records = t.stored_events(0).unwrap();
//! let at = records[1].body.windows(5).position(|w| w == b"STOCK").unwrap();
//! records[1].body[at + 4] = b'X'; // "STOCX"
//! let err = audit::verify(&MemoryStore::from_records(records)).unwrap_err();
//! assert!(matches!(err, TraceError::Tampered { seq: 1, damage: Damage::BodyAltered, .. }));
//! ```

use crate::event::record::{chain_hash, Hash, RecordSource, StoredEvent, GENESIS_HASH};
use crate::kernel::error::{Damage, TraceError};

/// How far from its place a renumbered event is recognised as moved ([`Damage::Reordered`]).
const MOVE_WINDOW: u64 = 64;

/// A streaming checker of the hash chain: the position it expects next and the hash the
/// next event must link to.
///
/// ```
/// use traceability_core::event::audit::Chain;
/// use traceability_core::event::{EventBody, EventPayload, StoredEvent};
/// use traceability_core::store::MemoryStore;
/// # use traceability_core::{Location, LocationId, LocationKind};
/// let dock = Location::new(LocationId::new("DOCK").unwrap(), LocationKind::Receiving);
/// let body = EventBody::new("ana", None, EventPayload::LocationRegistered(dock));
/// let mut chain = Chain::genesis();
/// let first = StoredEvent::seal(0, &body, chain.head());
/// let store = MemoryStore::from_records(vec![first.clone()]);
/// chain.check(&first, &store).unwrap();
/// assert_eq!((chain.next_seq(), chain.head()), (1, first.hash));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chain {
    next_seq: u64,
    head: Hash,
    /// The head before the last event this checker accepted (to recognise an event
    /// slipped in with a valid hash: the one after it links past it).
    before_head: Option<Hash>,
}

impl Default for Chain {
    fn default() -> Self {
        Self::genesis()
    }
}

impl Chain {
    /// A checker for a log from its first event (seq 0, linking to [`GENESIS_HASH`]).
    ///
    /// ```
    /// use traceability_core::{event::audit::Chain, event::GENESIS_HASH};
    /// assert_eq!((Chain::genesis().next_seq(), Chain::genesis().head()), (0, GENESIS_HASH));
    /// ```
    pub fn genesis() -> Self {
        Self::at(0, GENESIS_HASH)
    }

    /// A checker for the tail of a log: the next event must be numbered `next_seq` and
    /// link to `head` (the hash of event `next_seq - 1`, e.g. from a snapshot).
    ///
    /// ```
    /// use traceability_core::event::audit::Chain;
    /// let chain = Chain::at(42, [7; 32]);
    /// assert_eq!((chain.next_seq(), chain.head()), (42, [7; 32]));
    /// ```
    pub fn at(next_seq: u64, head: Hash) -> Self {
        Self {
            next_seq,
            head,
            before_head: None,
        }
    }

    /// The sequence number the next event must have: the number of events checked so
    /// far, when the checker started at genesis.
    ///
    /// ```
    /// assert_eq!(traceability_core::event::audit::Chain::at(3, [1; 32]).next_seq(), 3);
    /// ```
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The hash of the last event checked (the one the next event must link to).
    ///
    /// ```
    /// assert_eq!(traceability_core::event::audit::Chain::at(3, [1; 32]).head(), [1; 32]);
    /// ```
    pub fn head(&self) -> Hash {
        self.head
    }

    /// Checks that `event` is the next link of the chain and advances past it. On
    /// failure the checker does not advance, and the error names the first bad event and
    /// classifies the damage (see the [module docs](self)), reading the neighbours of
    /// the bad event from `store`.
    ///
    /// ```
    /// use traceability_core::{event::audit::Chain, store::MemoryStore, Damage, TraceError};
    /// use traceability_core::event::{chain_hash, StoredEvent, GENESIS_HASH};
    /// let body = b"{}".to_vec();
    /// let event = StoredEvent { seq: 0, hash: chain_hash(&GENESIS_HASH, 0, &body), body, prev_hash: GENESIS_HASH };
    /// let mut gap = event.clone();
    /// gap.seq = 5;
    /// let err = Chain::genesis().check(&gap, &MemoryStore::default()).unwrap_err();
    /// assert!(matches!(err, TraceError::Tampered { seq: 0, damage: Damage::Missing, .. }));
    /// ```
    pub fn check(
        &mut self,
        event: &StoredEvent,
        store: &dyn RecordSource,
    ) -> Result<(), TraceError> {
        let n = self.next_seq;
        if event.seq != n {
            return Err(self.misnumbered(event, store));
        }
        let recomputed = chain_hash(&self.head, n, &event.body);
        if event.prev_hash != self.head {
            return Err(self.unlinked(event, recomputed, store));
        }
        if recomputed != event.hash {
            return Err(self.altered(recomputed, store));
        }
        self.before_head = Some(self.head);
        self.head = event.hash;
        self.next_seq = n + 1;
        Ok(())
    }

    /// Checks every event of `store` from [`Self::next_seq`] on and returns the checker
    /// positioned after the last one (its head is the hash of the newest event).
    ///
    /// ```
    /// use traceability_core::{event::audit::Chain, store::MemoryStore, event::GENESIS_HASH};
    /// let end = Chain::genesis().verify_rest(&MemoryStore::default()).unwrap();
    /// assert_eq!((end.next_seq(), end.head()), (0, GENESIS_HASH));
    /// ```
    pub fn verify_rest(mut self, store: &dyn RecordSource) -> Result<Self, TraceError> {
        store.read_from(self.next_seq, &mut |event| self.check(&event, store))?;
        Ok(self)
    }

    /// The neighbour `seq` if the store can read it; damage elsewhere does not hide the
    /// damage being classified.
    fn neighbour(store: &dyn RecordSource, seq: Option<u64>) -> Option<StoredEvent> {
        store
            .read_one(seq?)
            .ok()
            .flatten()
            .filter(|e| Some(e.seq) == seq)
    }

    /// The position near `event.seq` (within [`MOVE_WINDOW`]) at which the record,
    /// with its own `prev_hash`, hashes to its stored hash: where it was written before
    /// it was renumbered.
    fn written_as(event: &StoredEvent) -> Option<u64> {
        let n = event.seq;
        (n.saturating_sub(MOVE_WINDOW)..=n.saturating_add(MOVE_WINDOW))
            .filter(|&m| m != n)
            .find(|&m| chain_hash(&event.prev_hash, m, &event.body) == event.hash)
    }

    fn misnumbered(&self, event: &StoredEvent, store: &dyn RecordSource) -> TraceError {
        let n = self.next_seq;
        if event.seq < n {
            return TraceError::tampered(
                n,
                Damage::Reordered,
                format!(
                    "found event numbered {} where event {n} belongs (repeated or moved back)",
                    event.seq
                ),
            );
        }
        if Self::neighbour(store, Some(n)).is_some() {
            TraceError::tampered(
                n,
                Damage::Reordered,
                format!(
                    "found event numbered {} where event {n} belongs; event {n} comes later",
                    event.seq
                ),
            )
        } else {
            let last = event.seq - 1;
            TraceError::tampered(
                n,
                Damage::Missing,
                if last == n {
                    format!("event {n} is missing")
                } else {
                    format!("events {n} to {last} are missing")
                },
            )
        }
    }

    /// `event` is numbered right but its `prev_hash` does not match the chain's head.
    fn unlinked(
        &self,
        event: &StoredEvent,
        recomputed: Hash,
        store: &dyn RecordSource,
    ) -> TraceError {
        let n = self.next_seq;
        if recomputed == event.hash {
            return TraceError::tampered(
                n,
                Damage::HashAltered,
                "the stored previous-hash link was changed; the content is intact",
            );
        }
        if n > 0 && Some(event.prev_hash) == self.before_head {
            return TraceError::tampered(
                n - 1,
                Damage::Inserted,
                format!(
                    "event {} was inserted: event {n} links to the event before it",
                    n - 1
                ),
            );
        }
        if let Some(m) = Self::written_as(event) {
            // Written further on: either the events before it were deleted and the rest
            // renumbered down (the next record is shifted by as much), or it was moved.
            let shift = m.saturating_sub(n);
            let shifted_down = shift > 0
                && Self::neighbour(store, n.checked_add(1)).is_none_or(|next| {
                    chain_hash(&next.prev_hash, next.seq.saturating_add(shift), &next.body)
                        == next.hash
                });
            return if shifted_down {
                TraceError::tampered(
                    n,
                    Damage::Missing,
                    format!(
                        "{shift} event(s) from {n} on are missing and the later ones renumbered: \
                         event {m} is found at {n}"
                    ),
                )
            } else {
                TraceError::tampered(
                    n,
                    Damage::Reordered,
                    format!("found event {m} (renumbered) where event {n} belongs"),
                )
            };
        }
        if Self::neighbour(store, n.checked_add(1)).is_some_and(|next| next.prev_hash == self.head)
        {
            return TraceError::tampered(
                n,
                Damage::Inserted,
                format!("event {n} was inserted: the event after it links to the event before it"),
            );
        }
        if n > 0 && chain_hash(&event.prev_hash, n, &event.body) == event.hash {
            return TraceError::tampered(
                n - 1,
                Damage::BodyAltered,
                format!(
                    "event {} was rewritten and its hash recomputed: event {n} is intact but \
                     links to a different hash",
                    n - 1
                ),
            );
        }
        TraceError::tampered(
            n,
            Damage::BodyAltered,
            "the event neither links to its predecessor nor matches its hash",
        )
    }

    /// `event` links right but its content does not hash to its stored hash.
    fn altered(&self, recomputed: Hash, store: &dyn RecordSource) -> TraceError {
        let n = self.next_seq;
        match Self::neighbour(store, n.checked_add(1)) {
            Some(next) if next.prev_hash == recomputed => TraceError::tampered(
                n,
                Damage::HashAltered,
                "the stored hash was changed; the content is intact",
            ),
            Some(next) if next.prev_hash == self.head => TraceError::tampered(
                n,
                Damage::Inserted,
                format!("event {n} was inserted: the event after it links to the event before it"),
            ),
            _ => TraceError::tampered(
                n,
                Damage::BodyAltered,
                "the content does not match its hash",
            ),
        }
    }
}

/// Walks the whole log and recomputes every hash. Returns the number of events checked,
/// or [`TraceError::Tampered`] naming the first event that was altered, removed,
/// inserted or moved (see the [module docs](self) for the kinds of damage).
///
/// Truncating the newest events leaves a valid shorter chain: hold a signed
/// [`super::checkpoint::Checkpoint`] to detect that too.
///
/// ```
/// use traceability_core::{event::audit::verify, store::MemoryStore};
/// assert_eq!(verify(&MemoryStore::default()).unwrap(), 0);
/// ```
pub fn verify(store: &dyn RecordSource) -> Result<u64, TraceError> {
    verify_from(store, 0, GENESIS_HASH)
}

/// Verifies the tail of the log: every event from `from_seq` on, the first linking to
/// `prev_hash` (the hash of event `from_seq - 1`, e.g. as recorded in a snapshot, or
/// [`GENESIS_HASH`] for `from_seq == 0`). Returns the number of events in the log (the
/// sequence number after the last one checked).
///
/// ```
/// use traceability_core::{event::audit, store::MemoryStore, event::GENESIS_HASH};
/// assert_eq!(audit::verify_from(&MemoryStore::default(), 0, GENESIS_HASH).unwrap(), 0);
/// ```
pub fn verify_from(
    store: &dyn RecordSource,
    from_seq: u64,
    prev_hash: Hash,
) -> Result<u64, TraceError> {
    Ok(Chain::at(from_seq, prev_hash)
        .verify_rest(store)?
        .next_seq())
}
