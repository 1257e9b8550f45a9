//! Signed checkpoints: the head of the log (count, hash, time) signed with an Ed25519
//! key the embedding system holds, the way transparency logs let an auditor keep a
//! digest.
//!
//! The hash chain alone shows that no event was changed, removed, inserted or moved
//! (see [`super::audit`]), but not that the newest events were cut off, nor that they
//! were replaced by other correctly hashed events: whoever can write the store can
//! recompute an unkeyed chain. A [`Checkpoint`] kept outside the store (in the ERP's
//! own database, a signed report, another system) closes that gap:
//! [`verify_against`] proves the log still contains the checkpointed head, and fails
//! with [`Damage::Truncated`] or [`Damage::Rewritten`] otherwise. Appending after the
//! checkpoint is fine.
//!
//! Keys are never stored by the library. The bindings pass raw 32-byte keys:
//! [`signing_key_from_bytes`], [`verifying_key_from_bytes`], [`public_key`].
//!
//! The signed message ([`Checkpoint::message`]) is
//! `b"traceability-checkpoint-v1" ‖ count (8 bytes, big-endian) ‖ head (32 bytes) ‖
//! recorded_at` where `recorded_at` is RFC 3339 text in UTC with exactly nine
//! fractional digits and a `Z` (e.g. `2026-03-01T08:00:00.000000000Z`), so every
//! representable time signs, not only the years 1677–2262 of i64 nanoseconds.
//!
//! A checkpoint travels as JSON, hashes and signature as lowercase hex:
//! `{"count":3,"head":"9f…","recorded_at":"2026-03-01T08:00:00Z","signature":"5c…"}`.
//!
//! ```
//! use traceability_core::event::checkpoint::{public_key, signing_key_from_bytes};
//! use traceability_core::*;
//! let key = signing_key_from_bytes(&[7; 32]); // the embedding system's secret
//! let mut t = Tracker::in_memory();
//! t.execute("ana", None, &Command::RegisterLocation(Location {
//!     id: LocationId::new("DOCK").unwrap(), kind: LocationKind::Receiving, description: String::new(), gln: None, party: None })).unwrap();
//! let checkpoint = t.checkpoint(&key);
//! // ... later, an auditor holding the checkpoint and the public key:
//! assert_eq!(t.verify_against(&checkpoint, &public_key(&key)).unwrap(), 1);
//! ```

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer};
use serde::{Deserialize, Serialize};

pub use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::event::audit::Chain;
use crate::event::record::{Hash, RecordSource, GENESIS_HASH};
use crate::kernel::error::{Damage, TraceError};

/// The domain separator that starts every signed checkpoint message (version 1).
///
/// ```
/// assert!(traceability_core::event::checkpoint::DOMAIN.starts_with(b"traceability-checkpoint"));
/// ```
pub const DOMAIN: &[u8] = b"traceability-checkpoint-v1";

/// The head of the log at one moment, signed: `count` events, the last one hashing to
/// `head` ([`GENESIS_HASH`] when `count` is 0), recorded at `recorded_at`.
///
/// ```
/// use traceability_core::event::checkpoint::{public_key, signing_key_from_bytes, Checkpoint};
/// use traceability_core::event::GENESIS_HASH;
/// let key = signing_key_from_bytes(&[1; 32]);
/// let cp = Checkpoint::sign(0, GENESIS_HASH, "2026-03-01T08:00:00Z".parse().unwrap(), &key);
/// let json = cp.to_json();
/// assert!(json.contains("\"head\":\"0000000000000000000000000000000000000000000000000000000000000000\""));
/// let back = Checkpoint::from_json(&json).unwrap();
/// assert_eq!(back, cp);
/// back.verify(&public_key(&key)).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The number of events in the log (the sequence number after the head).
    pub count: u64,
    /// The hash of event `count - 1` ([`GENESIS_HASH`] for an empty log).
    #[serde(with = "hex_bytes")]
    pub head: Hash,
    /// When the checkpoint was taken (from the tracker's clock).
    pub recorded_at: DateTime<Utc>,
    /// The Ed25519 signature of [`Checkpoint::message`].
    #[serde(with = "hex_bytes")]
    pub signature: [u8; 64],
}

impl Checkpoint {
    /// Signs the head `count`/`head` taken at `recorded_at` with `key`.
    ///
    /// ```
    /// use traceability_core::event::checkpoint::{signing_key_from_bytes, Checkpoint};
    /// let key = signing_key_from_bytes(&[2; 32]);
    /// let cp = Checkpoint::sign(5, [9; 32], "2026-03-01T08:00:00Z".parse().unwrap(), &key);
    /// assert_eq!((cp.count, cp.head), (5, [9; 32]));
    /// ```
    pub fn sign(count: u64, head: Hash, recorded_at: DateTime<Utc>, key: &SigningKey) -> Self {
        let signature = key
            .sign(&signed_message(count, &head, &recorded_at))
            .to_bytes();
        Self {
            count,
            head,
            recorded_at,
            signature,
        }
    }

    /// The bytes that are signed: [`DOMAIN`] ‖ count (8 bytes, big-endian) ‖ head ‖
    /// `recorded_at` as RFC 3339 UTC text with nine fractional digits and `Z`.
    ///
    /// ```
    /// use traceability_core::event::checkpoint::{signing_key_from_bytes, Checkpoint, DOMAIN};
    /// let cp = Checkpoint::sign(1, [3; 32], "2026-03-01T08:00:00Z".parse().unwrap(),
    ///     &signing_key_from_bytes(&[2; 32]));
    /// let m = cp.message();
    /// assert!(m.starts_with(DOMAIN));
    /// assert!(m.ends_with(b"2026-03-01T08:00:00.000000000Z"));
    /// assert_eq!(m.len(), DOMAIN.len() + 8 + 32 + 30);
    /// ```
    pub fn message(&self) -> Vec<u8> {
        signed_message(self.count, &self.head, &self.recorded_at)
    }

    /// Checks the signature with the public key: [`TraceError::Tampered`] with
    /// [`Damage::BadSignature`] (and `seq` = `count`) when it does not verify (wrong
    /// key, or any field changed). Verification is strict (no malleable signatures).
    ///
    /// ```
    /// use traceability_core::event::checkpoint::{public_key, signing_key_from_bytes, Checkpoint};
    /// use traceability_core::{Damage, TraceError};
    /// let key = signing_key_from_bytes(&[2; 32]);
    /// let mut cp = Checkpoint::sign(1, [3; 32], "2026-03-01T08:00:00Z".parse().unwrap(), &key);
    /// cp.verify(&public_key(&key)).unwrap();
    /// cp.count = 2;
    /// assert!(matches!(cp.verify(&public_key(&key)),
    ///     Err(TraceError::Tampered { seq: 2, damage: Damage::BadSignature, .. })));
    /// ```
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), TraceError> {
        key.verify_strict(&self.message(), &Signature::from_bytes(&self.signature))
            .map_err(|_| {
                TraceError::tampered(
                    self.count,
                    Damage::BadSignature,
                    "the checkpoint's signature does not verify with this public key",
                )
            })
    }

    /// The checkpoint as JSON text (hashes and signature in lowercase hex).
    ///
    /// ```
    /// use traceability_core::event::checkpoint::{signing_key_from_bytes, Checkpoint};
    /// let cp = Checkpoint::sign(0, [0; 32], "2026-03-01T08:00:00Z".parse().unwrap(),
    ///     &signing_key_from_bytes(&[2; 32]));
    /// assert!(cp.to_json().starts_with("{\"count\":0,"));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a checkpoint always serialises")
    }

    /// Reads a checkpoint from JSON text; malformed text, hex of the wrong length or an
    /// unknown field is [`TraceError::InvalidInput`].
    ///
    /// ```
    /// use traceability_core::{event::checkpoint::Checkpoint, ErrorKind};
    /// assert_eq!(Checkpoint::from_json("{}").unwrap_err().kind(), ErrorKind::InvalidInput);
    /// ```
    pub fn from_json(json: &str) -> Result<Self, TraceError> {
        serde_json::from_str(json).map_err(|e| TraceError::invalid("checkpoint", e.to_string()))
    }
}

fn signed_message(count: u64, head: &Hash, recorded_at: &DateTime<Utc>) -> Vec<u8> {
    let at = recorded_at.to_rfc3339_opts(SecondsFormat::Nanos, true);
    let mut message = Vec::with_capacity(DOMAIN.len() + 8 + 32 + at.len());
    message.extend_from_slice(DOMAIN);
    message.extend_from_slice(&count.to_be_bytes());
    message.extend_from_slice(head);
    message.extend_from_slice(at.as_bytes());
    message
}

/// A signing key from its 32 secret bytes (the embedding system keeps them).
///
/// ```
/// let key = traceability_core::event::checkpoint::signing_key_from_bytes(&[5; 32]);
/// assert_eq!(key.to_bytes(), [5; 32]);
/// ```
pub fn signing_key_from_bytes(secret: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(secret)
}

/// A public key from its 32 bytes; bytes that are not a valid Ed25519 point, or a
/// weak (small-order) key that would accept forged signatures, are
/// [`TraceError::InvalidInput`].
///
/// ```
/// use traceability_core::event::checkpoint::{public_key, signing_key_from_bytes, verifying_key_from_bytes};
/// use traceability_core::ErrorKind;
/// let public = public_key(&signing_key_from_bytes(&[5; 32])).to_bytes();
/// assert!(verifying_key_from_bytes(&public).is_ok());
/// assert_eq!(verifying_key_from_bytes(&[0; 32]).unwrap_err().kind(), ErrorKind::InvalidInput);
/// ```
pub fn verifying_key_from_bytes(public: &[u8; 32]) -> Result<VerifyingKey, TraceError> {
    let key = VerifyingKey::from_bytes(public)
        .map_err(|_| TraceError::invalid("public_key", "not a valid Ed25519 public key"))?;
    if key.is_weak() {
        return Err(TraceError::invalid(
            "public_key",
            "a weak (small-order) Ed25519 public key",
        ));
    }
    Ok(key)
}

/// The public key of a signing key (give its 32 bytes, `to_bytes()`, to auditors).
///
/// ```
/// use traceability_core::event::checkpoint::{public_key, signing_key_from_bytes};
/// let key = signing_key_from_bytes(&[5; 32]);
/// assert_eq!(public_key(&key), key.verifying_key());
/// ```
pub fn public_key(key: &SigningKey) -> VerifyingKey {
    key.verifying_key()
}

/// Proves that the log in `store` still extends the checkpointed head, and returns the
/// number of events it holds now (appending after the checkpoint is fine). In order:
///
/// 1. the signature must verify with `key`, else [`Damage::BadSignature`] (`seq` =
///    `checkpoint.count`);
/// 2. the whole chain must verify (the damage kinds of [`super::audit`]);
/// 3. the log must hold at least `count` events, else [`Damage::Truncated`] (`seq` = the
///    number of events present);
/// 4. event `count - 1` must hash to `head`, else [`Damage::Rewritten`] (`seq` =
///    `count - 1`). A checkpoint of 0 events must have [`GENESIS_HASH`] as its head
///    (else [`TraceError::InvalidInput`]) and holds for every valid log.
///
/// ```
/// use traceability_core::event::checkpoint::{public_key, signing_key_from_bytes, verify_against, Checkpoint};
/// use traceability_core::{event::GENESIS_HASH, store::MemoryStore, Damage, TraceError};
/// let key = signing_key_from_bytes(&[5; 32]);
/// let at = "2026-03-01T08:00:00Z".parse().unwrap();
/// let empty = MemoryStore::default();
/// let cp = Checkpoint::sign(0, GENESIS_HASH, at, &key);
/// assert_eq!(verify_against(&empty, &cp, &public_key(&key)).unwrap(), 0);
/// let cp = Checkpoint::sign(3, [1; 32], at, &key);
/// assert!(matches!(verify_against(&empty, &cp, &public_key(&key)),
///     Err(TraceError::Tampered { seq: 0, damage: Damage::Truncated, .. })));
/// ```
pub fn verify_against(
    store: &dyn RecordSource,
    checkpoint: &Checkpoint,
    key: &VerifyingKey,
) -> Result<u64, TraceError> {
    checkpoint.verify(key)?;
    if checkpoint.count == 0 && checkpoint.head != GENESIS_HASH {
        return Err(TraceError::invalid(
            "checkpoint",
            "a checkpoint of 0 events must have the genesis hash as its head",
        ));
    }
    let present = Chain::genesis().verify_rest(store)?.next_seq();
    let count = checkpoint.count;
    if present < count {
        return Err(TraceError::tampered(
            present,
            Damage::Truncated,
            format!("the log holds {present} events, the checkpoint says {count}"),
        ));
    }
    if count > 0 {
        let seq = count - 1;
        let head = store.read_one(seq)?.map(|e| e.hash);
        if head != Some(checkpoint.head) {
            return Err(TraceError::tampered(
                seq,
                Damage::Rewritten,
                format!(
                    "event {seq} no longer has the checkpointed hash {}: the log was rewritten \
                     at or before it",
                    hex::encode(checkpoint.head)
                ),
            ));
        }
    }
    Ok(present)
}

/// Fixed-size byte arrays as lowercase hex strings in serde.
mod hex_bytes {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer, const N: usize>(
        bytes: &[u8; N],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        deserializer: D,
    ) -> Result<[u8; N], D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        let mut bytes = [0u8; N];
        hex::decode_to_slice(text.as_ref(), &mut bytes)
            .map_err(|e| D::Error::custom(format!("expected {} hex digits: {e}", 2 * N)))?;
        Ok(bytes)
    }
}
