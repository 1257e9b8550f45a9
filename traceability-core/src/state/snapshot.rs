//! Snapshots: the whole [`State`] (indexes and genealogy included) in a compact binary
//! form, with the log position and head hash it covers, so a tracker can open by
//! loading it and replaying only the events after it.
//!
//! A snapshot is a cache of the log, never a source of truth: the tracker uses one only
//! when the log's event `seq - 1` still has the head hash the snapshot names, and
//! otherwise ignores it (with a warning) and replays the log.
//!
//! Layout (format [`FORMAT`]; integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `TRSNAP\r\n` |
//! | 4 | format version |
//! | 8 | `seq`: the number of events covered |
//! | 32 | `head`: hash of event `seq - 1` ([`GENESIS_HASH`] when `seq` is 0) |
//! | n | the state: [MessagePack](https://msgpack.org) of its serde form (structs as arrays) |
//! | 32 | SHA-256 of everything before it (detects a torn or corrupted write) |
//!
//! The serde form of [`State`] is internal: it changes with the state's layout, and
//! [`FORMAT`] changes with it (an older snapshot is then ignored and rebuilt).

use sha2::{Digest, Sha256};

use super::State;
use crate::event::{Hash, GENESIS_HASH};

/// The snapshot format this build writes and reads.
pub const FORMAT: u32 = 9;

const MAGIC: &[u8; 8] = b"TRSNAP\r\n";
const HEADER: usize = 8 + 4 + 8 + 32;
const DIGEST: usize = 32;

/// Where in the log a snapshot stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapshotPosition {
    /// The number of events the snapshot covers (the first event to replay after it).
    pub seq: u64,
    /// The hash of event `seq - 1`.
    pub head: Hash,
}

impl State {
    /// This state as a snapshot covering the first `position.seq` events. O(state).
    ///
    /// ```
    /// use traceability_core::{event::GENESIS_HASH, SnapshotPosition, State};
    /// let at = SnapshotPosition { seq: 0, head: GENESIS_HASH };
    /// let bytes = State::default().to_snapshot(at);
    /// assert_eq!(State::from_snapshot(&bytes).unwrap(), (at, State::default()));
    /// ```
    pub fn to_snapshot(&self, position: SnapshotPosition) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(HEADER + 1024);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&position.seq.to_le_bytes());
        bytes.extend_from_slice(&position.head);
        rmp_serde::encode::write(&mut bytes, self).expect("a state always serialises to bytes");
        let digest: [u8; DIGEST] = Sha256::digest(&bytes).into();
        bytes.extend_from_slice(&digest);
        bytes
    }

    /// Reads a snapshot written by [`Self::to_snapshot`]; `Err` says why it cannot be
    /// used (not a snapshot, another format, damaged). O(state).
    ///
    /// ```
    /// use traceability_core::State;
    /// assert!(State::from_snapshot(b"not a snapshot").is_err());
    /// ```
    pub fn from_snapshot(bytes: &[u8]) -> Result<(SnapshotPosition, State), String> {
        if bytes.len() < HEADER + DIGEST || &bytes[..8] != MAGIC {
            return Err("not a state snapshot".into());
        }
        let (body, digest) = bytes.split_at(bytes.len() - DIGEST);
        if Sha256::digest(body).as_slice() != digest {
            return Err("the snapshot is damaged (its digest does not match)".into());
        }
        let word = |at: usize, len: usize| &body[at..at + len];
        let format = u32::from_le_bytes(word(8, 4).try_into().expect("4 bytes"));
        if format != FORMAT {
            return Err(format!(
                "snapshot format {format}, this build reads format {FORMAT}"
            ));
        }
        let seq = u64::from_le_bytes(word(12, 8).try_into().expect("8 bytes"));
        let head: Hash = word(20, 32).try_into().expect("32 bytes");
        if seq == 0 && head != GENESIS_HASH {
            return Err("a snapshot of no events must have the genesis head".into());
        }
        let mut state: State =
            crate::kernel::id::interning(|| rmp_serde::from_slice(&body[HEADER..]))
                .map_err(|e| format!("the snapshot's state cannot be read: {e}"))?;
        state.rebuild_indexes();
        Ok((SnapshotPosition { seq, head }, state))
    }

    /// Rebuilds what snapshots leave out because it derives from the records: the
    /// products' number indexes, the allocation orders, the shipments' index by id and
    /// the latest production of each work order.
    fn rebuild_indexes(&mut self) {
        let shipment_id = super::shipment_id_at(&self.shipments);
        self.shipment_index = Default::default();
        self.shipment_index
            .reserve(self.shipments.len(), shipment_id);
        for (n, shipment) in (0..).zip(&self.shipments) {
            self.shipment_index
                .insert(shipment.id.as_str(), n, shipment_id);
        }
        self.reserve_number_maps();
        let lot_number = super::lot_number_at(&self.lots);
        for (i, lot) in (0..).zip(&self.lots) {
            if let Some(entry) = self.products.get_mut(&lot.product) {
                entry.lots.insert(lot.number.as_str(), i, lot_number);
            }
        }
        let serial_number = super::serial_number_at(&self.serials);
        for (i, serial) in (0..).zip(&self.serials) {
            if let Some(entry) = self.products.get_mut(&serial.product) {
                entry
                    .serials
                    .insert(serial.number.as_str(), i, serial_number);
            }
        }
        self.alloc.rebuild(&self.lots, &self.serials);
        let work_order = super::production::work_order_at(&self.productions, &self.genealogy);
        self.latest_production = Default::default();
        // In order, so that each work order ends at its latest production.
        for at in 0..self.productions.len() as u32 {
            (self.latest_production).insert(work_order(at), at, work_order);
        }
    }

    /// Sizes each product's number maps for its lots and serials, so that filling them
    /// does not rehash again and again.
    fn reserve_number_maps(&mut self) {
        let mut counts: foldhash::HashMap<&crate::kernel::id::ProductId, (usize, usize)> =
            foldhash::HashMap::default();
        for lot in &self.lots {
            counts.entry(&lot.product).or_default().0 += 1;
        }
        for serial in &self.serials {
            counts.entry(&serial.product).or_default().1 += 1;
        }
        let (lot_number, serial_number) = (
            super::lot_number_at(&self.lots),
            super::serial_number_at(&self.serials),
        );
        for (product, (lots, serials)) in counts {
            if let Some(entry) = self.products.get_mut(product) {
                entry.lots.reserve(lots, lot_number);
                entry.serials.reserve(serials, serial_number);
            }
        }
    }
}

/// Reads a hash map reserving, up front, the length the snapshot gives (up to
/// [`exact_map::MOST_RESERVED`]): serde's own reading reserves little at first, so a
/// map of a million entries would be rehashed a dozen times. Written as serde writes it.
pub(super) mod exact_map {
    use std::collections::HashMap;
    use std::hash::{BuildHasher, Hash};
    use std::marker::PhantomData;

    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde::ser::{Serialize, Serializer};

    /// The most entries reserved before any is read (a damaged length must not reserve
    /// gigabytes; a longer map still reads, growing as usual).
    pub const MOST_RESERVED: usize = 1 << 22;

    pub fn serialize<K, V, H, S>(map: &HashMap<K, V, H>, serializer: S) -> Result<S::Ok, S::Error>
    where
        K: Serialize,
        V: Serialize,
        S: Serializer,
    {
        serializer.collect_map(map)
    }

    pub fn deserialize<'de, K, V, H, D>(deserializer: D) -> Result<HashMap<K, V, H>, D::Error>
    where
        K: Deserialize<'de> + Eq + Hash,
        V: Deserialize<'de>,
        H: BuildHasher + Default,
        D: Deserializer<'de>,
    {
        struct Exact<K, V, H>(PhantomData<(K, V, H)>);
        impl<'de, K, V, H> Visitor<'de> for Exact<K, V, H>
        where
            K: Deserialize<'de> + Eq + Hash,
            V: Deserialize<'de>,
            H: BuildHasher + Default,
        {
            type Value = HashMap<K, V, H>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
                let reserved = entries.size_hint().unwrap_or(0).min(MOST_RESERVED);
                let mut map = HashMap::with_capacity_and_hasher(reserved, H::default());
                while let Some((key, value)) = entries.next_entry()? {
                    map.insert(key, value);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Exact(PhantomData))
    }
}
