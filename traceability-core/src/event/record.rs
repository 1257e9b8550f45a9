//! The stored form of an event: its sequence number, the canonical JSON of its
//! [`EventBody`] and the hash chain. `hash = SHA-256(prev_hash ‖ seq (8 bytes,
//! big-endian) ‖ body)`, so changing, removing, inserting or reordering any event breaks
//! the chain at that event.

use sha2::{Digest, Sha256};

use crate::event::{Event, EventBody};
use crate::kernel::error::{Damage, TraceError};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The hash that precedes the first event.
pub const GENESIS_HASH: Hash = [0; 32];

/// One event as a store keeps it: sequence number, canonical JSON body and the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Sequence number.
    pub seq: u64,
    /// Canonical JSON of the [`EventBody`].
    pub body: String,
    /// Hash of the previous event ([`GENESIS_HASH`] for the first).
    pub prev_hash: Hash,
    /// Hash of this event.
    pub hash: Hash,
}

/// The chain hash of an event body at `seq` following `prev_hash`.
///
/// ```
/// use traceability_core::event::{chain_hash, GENESIS_HASH};
/// assert_ne!(chain_hash(&GENESIS_HASH, 0, "{}"), chain_hash(&GENESIS_HASH, 1, "{}"));
/// ```
pub fn chain_hash(prev_hash: &Hash, seq: u64, body: &str) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(seq.to_be_bytes());
    hasher.update(body.as_bytes());
    hasher.finalize().into()
}

/// Where recorded events can be read back from, in order or one by one: what
/// [`super::audit`] needs to verify a log and to classify damage. Every
/// [`crate::store::EventStore`] is one.
pub trait RecordSource {
    /// Calls `visit` with every record from `from_seq` on, in order; stops at the first
    /// error `visit` returns.
    fn read_from(
        &self,
        from_seq: u64,
        visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError>;

    /// One record by sequence number.
    fn read_one(&self, seq: u64) -> Result<Option<StoredEvent>, TraceError>;
}

impl StoredEvent {
    /// Seals a body as the event `seq` following `prev_hash`.
    pub fn seal(seq: u64, body: &EventBody, prev_hash: Hash) -> Self {
        let body = serde_json::to_string(body).expect("event bodies always serialise");
        let hash = chain_hash(&prev_hash, seq, &body);
        Self {
            seq,
            body,
            prev_hash,
            hash,
        }
    }

    /// Decodes the body.
    pub fn decode(&self) -> Result<Event, TraceError> {
        let body = serde_json::from_str(&self.body).map_err(|e| {
            TraceError::tampered(
                self.seq,
                Damage::Undecodable,
                format!("undecodable event body: {e}"),
            )
        })?;
        Ok(Event {
            seq: self.seq,
            body,
        })
    }
}
