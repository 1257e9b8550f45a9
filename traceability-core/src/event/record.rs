//! The stored form of an event: its sequence number, the encoded [`EventBody`] and the
//! hash chain. `hash = SHA-256(prev_hash ‖ seq (8 bytes, big-endian) ‖ body bytes)`, so
//! changing, removing, inserting or reordering any event breaks the chain at that event.
//!
//! **Body encodings.** The bytes hashed and stored are the body's canonical encoding:
//!
//! * **compact, version 1** (written since the compact encoding was introduced): the
//!   byte [`COMPACT_V1`] (`0xC1`, a byte that never starts a MessagePack value nor
//!   JSON text), then the body as MessagePack (`rmp-serde`): structs as arrays of
//!   their fields in declaration order, enums as a one-entry map from the variant's
//!   snake_case name to its content, ids, quantities, dates and times as strings. About
//!   a third of the JSON's size. So that old events keep decoding, fields are only ever
//!   appended to the end of a struct, with a default, and never removed or reordered.
//! * **JSON** (logs written before): the body's JSON text, starting with `{`. Such
//!   records keep their bytes and hashes and decode as before.
//!
//! JSON stays the interchange format: [`crate::event::Event`] serialises to JSON for
//! the bindings and exports.

use sha2::{Digest, Sha256};

use crate::event::{Event, EventBody};
use crate::kernel::error::{Damage, TraceError};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The hash that precedes the first event.
pub const GENESIS_HASH: Hash = [0; 32];

/// The first byte of a body in the compact encoding, version 1.
pub const COMPACT_V1: u8 = 0xC1;

/// One event as a store keeps it: sequence number, encoded body and the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Sequence number.
    pub seq: u64,
    /// The encoded [`EventBody`] (see the module documentation).
    pub body: Vec<u8>,
    /// Hash of the previous event ([`GENESIS_HASH`] for the first).
    pub prev_hash: Hash,
    /// Hash of this event.
    pub hash: Hash,
}

/// The chain hash of an encoded event body at `seq` following `prev_hash`.
///
/// ```
/// use traceability_core::event::{chain_hash, GENESIS_HASH};
/// assert_ne!(chain_hash(&GENESIS_HASH, 0, b"{}"), chain_hash(&GENESIS_HASH, 1, b"{}"));
/// ```
pub fn chain_hash(prev_hash: &Hash, seq: u64, body: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(seq.to_be_bytes());
    hasher.update(body);
    hasher.finalize().into()
}

/// The canonical (compact, version 1) encoding of a body.
///
/// ```
/// use traceability_core::event::{encode_body, EventBody, EventPayload, StoredEvent, COMPACT_V1};
/// use traceability_core::{Product, ProductId, Tracking};
/// let product = Product::new(ProductId::new("FLOUR").unwrap(), Tracking::Lot);
/// let body = EventBody::new("alice", None, EventPayload::ProductRegistered(product));
/// let bytes = encode_body(&body);
/// assert_eq!(bytes[0], COMPACT_V1);
/// assert!(bytes.len() < serde_json::to_string(&body).unwrap().len());
/// let record = StoredEvent::seal(0, &body, [0; 32]);
/// assert_eq!(record.decode().unwrap().body, body);
/// ```
pub fn encode_body(body: &EventBody) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(160);
    bytes.push(COMPACT_V1);
    rmp_serde::encode::write(&mut bytes, body).expect("event bodies always serialise");
    bytes
}

/// Decodes a body in either encoding.
fn decode_body(bytes: &[u8]) -> Result<EventBody, String> {
    match bytes.split_first() {
        Some((&COMPACT_V1, compact)) => rmp_serde::from_slice(compact).map_err(|e| e.to_string()),
        Some((b'{', _)) => serde_json::from_slice(bytes).map_err(|e| e.to_string()),
        Some((first, _)) => Err(format!("unknown body encoding (first byte {first:#04x})")),
        None => Err("empty body".to_owned()),
    }
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
        let body = encode_body(body);
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
        let body = decode_body(&self.body).map_err(|e| {
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
