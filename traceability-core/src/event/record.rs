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

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::event::{Event, EventBody};
use crate::kernel::date::{utc_text, UTC_TEXT_LEN};
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

/// Records sealed by this crate ([`StoredEvent::seal`] of each body after the one
/// before): every hash is the chain hash of its record, so a store that checks hashes
/// on append may trust them ([`crate::store::EventStore::append_sealed`]). Only this
/// crate builds them; read them as a slice.
#[derive(Debug)]
pub struct Sealed(Vec<StoredEvent>);

impl Sealed {
    /// Chains `bodies` (already encoded) from event `first_seq` after `prev_hash`.
    pub(crate) fn chain(
        first_seq: u64,
        prev_hash: Hash,
        bodies: impl IntoIterator<Item = Vec<u8>>,
    ) -> Self {
        let mut head = prev_hash;
        Self(
            (first_seq..)
                .zip(bodies)
                .map(|(seq, body)| {
                    let record = StoredEvent::seal_encoded(seq, body, head);
                    head = record.hash;
                    record
                })
                .collect(),
        )
    }

    /// The hash of the last record (`None` when empty).
    pub(crate) fn head(&self) -> Option<Hash> {
        self.0.last().map(|r| r.hash)
    }

    /// The records.
    pub fn records(&self) -> &[StoredEvent] {
        &self.0
    }
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
    BodyEncoder::default().encode(body)
}

/// Encodes bodies in the compact encoding, writing the envelope (schema, time, actor,
/// reason: the fields before the payload) once for a run of bodies that share it, as the
/// events of one command or batch do. The bytes are exactly [`encode_body`]'s: a struct
/// is a MessagePack array of its fields, so a body's encoding is the array header, the
/// envelope fields, then the payload.
#[derive(Default)]
pub(crate) struct BodyEncoder {
    /// The last envelope written and its bytes (from [`COMPACT_V1`] on).
    envelope: Option<(Envelope, Vec<u8>)>,
}

/// The fields of an [`EventBody`] before its payload.
#[derive(PartialEq)]
struct Envelope {
    schema: u32,
    recorded_at: chrono::DateTime<chrono::Utc>,
    actor: Arc<str>,
    reason: Option<Arc<str>>,
}

/// The number of fields of [`EventBody`].
const BODY_FIELDS: u32 = 5;

impl BodyEncoder {
    /// The compact encoding of `body`.
    pub(crate) fn encode(&mut self, body: &EventBody) -> Vec<u8> {
        let reusable = self.envelope.as_ref().is_some_and(|(e, _)| {
            e.schema == body.schema
                && e.recorded_at == body.recorded_at
                && e.actor == body.actor
                && e.reason == body.reason
        });
        if !reusable {
            self.envelope = Some(envelope_of(body));
        }
        let prefix = self.envelope.as_ref().map_or(&[][..], |(_, bytes)| bytes);
        let mut bytes = Vec::with_capacity(prefix.len() + 128);
        bytes.extend_from_slice(prefix);
        rmp_serde::encode::write(&mut bytes, &body.payload).expect("event bodies always serialise");
        bytes
    }
}

fn envelope_of(body: &EventBody) -> (Envelope, Vec<u8>) {
    fn write(bytes: &mut Vec<u8>, field: &impl serde::Serialize) {
        rmp_serde::encode::write(bytes, field).expect("envelope fields always serialise");
    }
    let mut bytes = Vec::with_capacity(64);
    bytes.push(COMPACT_V1);
    rmp::encode::write_array_len(&mut bytes, BODY_FIELDS).expect("writing to a Vec");
    write(&mut bytes, &body.schema);
    let mut text = [0; UTC_TEXT_LEN];
    rmp::encode::write_str(&mut bytes, &utc_text(&body.recorded_at, &mut text))
        .expect("writing to a Vec");
    write(&mut bytes, &body.actor);
    write(&mut bytes, &body.reason);
    let envelope = Envelope {
        schema: body.schema,
        recorded_at: body.recorded_at,
        actor: body.actor.clone(),
        reason: body.reason.clone(),
    };
    (envelope, bytes)
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
        Self::seal_encoded(seq, encode_body(body), prev_hash)
    }

    /// Seals already encoded body bytes as the event `seq` following `prev_hash`.
    pub(crate) fn seal_encoded(seq: u64, body: Vec<u8>, prev_hash: Hash) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventPayload;
    use crate::model::{Party, PartyRole};
    use proptest::prelude::*;

    /// The definition of the compact encoding: the marker byte, then the whole body.
    fn whole(body: &EventBody) -> Vec<u8> {
        let mut bytes = vec![COMPACT_V1];
        rmp_serde::encode::write(&mut bytes, body).unwrap();
        bytes
    }

    #[test]
    fn shared_envelopes_encode_exactly_as_whole_bodies() {
        let party = |id: &str| {
            EventPayload::PartyRegistered(Party {
                id: crate::PartyId::new(id).unwrap(),
                role: PartyRole::Customer,
                name: "Shop".into(),
                gln: None,
            })
        };
        let at = |nanos: u32| chrono::DateTime::from_timestamp(1_790_000_000, nanos).unwrap();
        let body = |actor: &str, reason: Option<&str>, nanos: u32, id: &str| EventBody {
            recorded_at: at(nanos),
            ..EventBody::new(actor, reason, party(id))
        };
        let bodies = [
            body("ana", None, 0, "C1"),
            body("ana", None, 0, "C2"),
            body("ana", Some("audit"), 0, "C3"),
            body("ana", Some("audit"), 120_000_000, "C4"),
            body("bob", Some("audit"), 120_000_000, "C5"),
            body("bob", Some("audit"), 123_456_789, "C6"),
            EventBody {
                schema: 1,
                ..body("bob", Some("audit"), 123_456_789, "C7")
            },
        ];
        let mut encoder = BodyEncoder::default();
        for body in &bodies {
            assert_eq!(encoder.encode(body), whole(body));
            assert_eq!(encode_body(body), whole(body));
        }
    }

    proptest! {
        /// The envelope's time is written without chrono's formatter but to the same
        /// bytes, for any instant (years −9999..=9999, leap seconds, every precision).
        #[test]
        fn recorded_times_encode_as_chrono_writes_them(
            seconds in -377_705_116_800i64..253_402_300_800,
            nanos in prop_oneof![
                Just(0u32),
                (0u32..1000).prop_map(|ms| ms * 1_000_000),
                (0u32..1_000_000).prop_map(|us| us * 1_000),
                0u32..2_000_000_000,
            ],
        ) {
            let Some(recorded_at) = chrono::DateTime::from_timestamp(seconds, nanos) else {
                return Ok(());
            };
            let body = EventBody {
                recorded_at,
                ..EventBody::new("ana", None, EventPayload::PartyRegistered(Party {
                    id: crate::PartyId::new("C1").unwrap(),
                    role: PartyRole::Customer,
                    name: "Shop".into(),
                    gln: None,
                }))
            };
            prop_assert_eq!(encode_body(&body), whole(&body));
        }
    }
}
