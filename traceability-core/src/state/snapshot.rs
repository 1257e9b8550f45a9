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
//! | 8 + n | the state without its lots and shipments: `n`, then [MessagePack](https://msgpack.org) of its serde form (structs as arrays) |
//! | 8 + n | the lots: `n`, then MessagePack of the list |
//! | 8 + n | the shipments: `n`, then MessagePack of the list, of all their lines, and of their ids and their order ids (each one string: every id followed by a line feed, an empty one for no order) |
//! | 4 | CRC-32 (IEEE) of everything before it: detects a torn or corrupted write |
//!
//! What derives from the records is left out and rebuilt on read: the products' number
//! indexes, the allocation orders, the shipments' index by id, the latest production of
//! each work order and the genealogy's edge lists both ways (two thirds of its bytes).
//!
//! The three sections are encoded and decoded on threads of their own, beside the
//! checksum, so a snapshot is written and read about twice as fast on two cores. The
//! checksum is not a tamper seal (the log's hash chain is): a snapshot is only ever a
//! cache, checked against the log's head hash before use, and CRC-32 reads the 345 MB
//! of a million lots in a tenth of SHA-256's time.
//!
//! The serde form of [`State`] is internal: it changes with the state's layout, and
//! [`FORMAT`] changes with it (an older snapshot is then ignored and rebuilt).

use std::thread::ScopedJoinHandle;

use foldhash::HashMap;
use serde::{de::DeserializeOwned, Serialize};

use super::alloc_index::LotOrders;
use super::texts::Texts;
use super::{PositionIndex, ShipmentRecord, ShippedLine, State};
use crate::event::{Hash, GENESIS_HASH};
use crate::kernel::id::ProductId;
use crate::model::Lot;

/// The snapshot format this build writes and reads.
pub const FORMAT: u32 = 14;

const MAGIC: &[u8; 8] = b"TRSNAP\r\n";
const HEADER: usize = 8 + 4 + 8 + 32;
const CHECKSUM: usize = 4;

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
        let (lots, shipments) = std::thread::scope(|threads| {
            let lots = threads.spawn(|| encoded(&self.lots));
            let shipments = threads.spawn(|| encoded(&self.shipments_section()));
            append_section(&mut bytes, &encoded(self));
            (joined(lots), joined(shipments))
        });
        append_section(&mut bytes, &lots);
        drop(lots);
        append_section(&mut bytes, &shipments);
        drop(shipments);
        let checksum = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
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
        if bytes.len() < HEADER + CHECKSUM || &bytes[..8] != MAGIC {
            return Err("not a state snapshot".into());
        }
        let (body, checksum) = bytes.split_at(bytes.len() - CHECKSUM);
        let word = |at: usize, len: usize| &body[at..at + len];
        let format = u32::from_le_bytes(word(8, 4).try_into().expect("4 bytes"));
        if format != FORMAT {
            return Err(format!(
                "snapshot format {format}, this build reads format {FORMAT}"
            ));
        }
        let seq = u64::from_le_bytes(word(12, 8).try_into().expect("8 bytes"));
        let head: Hash = word(20, 32).try_into().expect("32 bytes");
        let damaged = |why: &str| format!("the snapshot is damaged ({why})");
        let [main, lots, shipments] = sections(&body[HEADER..])
            .ok_or_else(|| damaged("its section lengths do not add up"))?;
        let (intact, main, lots, shipments) = std::thread::scope(|threads| {
            let intact = threads.spawn(|| crc32fast::hash(body).to_le_bytes() == checksum);
            let lots = threads.spawn(|| decoded::<Vec<Lot>>(lots).map(LotSection::indexed));
            let shipments = threads.spawn(|| {
                decoded::<ShipmentsSection>(shipments).and_then(ShipmentsSection::indexed)
            });
            let main = decoded::<State>(main).map(|mut state| {
                state.genealogy.index_edges();
                state
            });
            (joined(intact), main, joined(lots), joined(shipments))
        });
        if !intact {
            return Err(damaged("its checksum does not match"));
        }
        if seq == 0 && head != GENESIS_HASH {
            return Err("a snapshot of no events must have the genesis head".into());
        }
        let mut state = main?;
        shipments?.into_state(&mut state).map_err(damaged)?;
        state.rebuild_indexes(lots?);
        Ok((SnapshotPosition { seq, head }, state))
    }

    /// Takes in the lots and rebuilds what snapshots leave out because it derives from
    /// the records: the products' number indexes, the allocation orders and the latest
    /// production of each work order. (The shipments' index by id and what derives from
    /// the lots alone were built on the threads that decoded them.)
    fn rebuild_indexes(&mut self, lots: LotSection) {
        self.lots = lots.lots;
        for (product, index) in lots.by_number {
            if let Some(entry) = self.products.get_mut(&product) {
                entry.lots = index;
            }
        }
        let serial_number = super::serial_number_at(&self.serials);
        for (product, index) in by_number(&self.serials, |s| &s.product, serial_number) {
            if let Some(entry) = self.products.get_mut(&product) {
                entry.serials = index;
            }
        }
        self.alloc.rebuild(lots.orders, &self.serials);
        let work_order = super::production::work_order_at(&self.productions, &self.genealogy);
        // In order, so that each work order ends at its latest production.
        self.latest_production = PositionIndex::of_first(self.productions.len() as u32, work_order);
    }

    /// The shipments section as written: the records, all their lines, their ids and
    /// their orders' ids.
    fn shipments_section(&self) -> (&[ShipmentRecord], &[ShippedLine], &Texts, &Texts) {
        let State {
            shipments,
            shipped_lines,
            shipment_ids,
            shipment_orders,
            ..
        } = self;
        (shipments, shipped_lines, shipment_ids, shipment_orders)
    }
}

/// The shipments section, read (as [`State::shipments_section`] wrote it), with the
/// index by id built from it.
#[derive(serde::Deserialize)]
struct ShipmentsSection {
    shipments: Vec<ShipmentRecord>,
    lines: Vec<ShippedLine>,
    ids: Texts,
    orders: Texts,
    #[serde(skip)]
    index: PositionIndex,
}

impl ShipmentsSection {
    /// With its index by id; `Err` when it does not hold one id and order per shipment.
    fn indexed(mut self) -> Result<Self, String> {
        let count = self.shipments.len();
        if self.ids.len() != count || self.orders.len() != count {
            return Err("the snapshot is damaged (shipments without their ids)".into());
        }
        let by_id = super::shipment_id_at(&self.ids);
        self.index = PositionIndex::of_first(count as u32, by_id);
        Ok(self)
    }

    /// Moves the shipments into `state` (read from the main section); `Err` says why
    /// they do not fit it.
    fn into_state(self, state: &mut State) -> Result<(), &'static str> {
        if state.shipment_customers.len() != self.shipments.len() {
            return Err("its shipments and their customers differ in number");
        }
        state.shipments = self.shipments;
        state.shipped_lines = self.lines;
        state.shipment_ids = self.ids;
        state.shipment_orders = self.orders;
        state.shipment_index = self.index;
        Ok(())
    }
}

/// The lots section, read, with what derives from the lots alone.
struct LotSection {
    lots: Vec<Lot>,
    /// Each product's index of its lots by number.
    by_number: HashMap<ProductId, PositionIndex>,
    orders: LotOrders,
}

impl LotSection {
    /// The lots with their indexes, built on two threads.
    fn indexed(lots: Vec<Lot>) -> Self {
        let (by_number, orders) = std::thread::scope(|threads| {
            let orders = threads.spawn(|| LotOrders::of(&lots));
            let number = super::lot_number_at(&lots);
            (by_number(&lots, |lot| &lot.product, number), joined(orders))
        });
        Self {
            lots,
            by_number,
            orders,
        }
    }
}

/// Each product's index of its `items` (lots or serials) by number, sized first so
/// that filling it does not rehash again and again.
fn by_number<'a, T>(
    items: &'a [T],
    product: impl Fn(&'a T) -> &'a ProductId,
    number: impl Fn(u32) -> &'a str + Copy,
) -> HashMap<ProductId, PositionIndex> {
    let mut counts: HashMap<&ProductId, usize> = HashMap::default();
    for item in items {
        *counts.entry(product(item)).or_default() += 1;
    }
    let mut indexes: HashMap<ProductId, PositionIndex> = counts
        .into_iter()
        .map(|(id, count)| {
            let mut index = PositionIndex::default();
            index.reserve(count, number);
            (id.clone(), index)
        })
        .collect();
    for (at, item) in (0..).zip(items) {
        if let Some(index) = indexes.get_mut(product(item)) {
            index.insert(number(at), at, number);
        }
    }
    indexes
}

fn encoded<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    rmp_serde::to_vec(value).expect("a state always serialises to bytes")
}

/// Decodes one section, with ids read into shared texts (per thread).
fn decoded<T: DeserializeOwned>(section: &[u8]) -> Result<T, String> {
    crate::kernel::id::interning(|| rmp_serde::from_slice(section))
        .map_err(|e| format!("the snapshot's state cannot be read: {e}"))
}

fn append_section(bytes: &mut Vec<u8>, section: &[u8]) {
    bytes.extend_from_slice(&(section.len() as u64).to_le_bytes());
    bytes.extend_from_slice(section);
}

/// The three sections, when their lengths tile `body` exactly.
fn sections(mut body: &[u8]) -> Option<[&[u8]; 3]> {
    let mut sections = [&body[..0]; 3];
    for section in &mut sections {
        let (length, rest) = body.split_first_chunk::<8>()?;
        let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
        (*section, body) = rest.split_at_checked(length)?;
    }
    body.is_empty().then_some(sections)
}

/// A thread's result; its panic goes on in this thread.
fn joined<T>(thread: ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_must_tile_the_body_exactly() {
        let mut body = Vec::new();
        for section in [&b"main"[..], b"", b"ships"] {
            append_section(&mut body, section);
        }
        assert_eq!(sections(&body), Some([&b"main"[..], b"", b"ships"]));
        assert_eq!(sections(&body[..body.len() - 1]), None);
        body.push(0);
        assert_eq!(sections(&body), None);
        body.pop();
        body[0] = 0xff; // the first length runs past the end
        assert_eq!(sections(&body), None);
    }

    #[test]
    fn a_damaged_section_length_is_reported_as_damage() {
        let at = SnapshotPosition {
            seq: 0,
            head: GENESIS_HASH,
        };
        let mut bytes = State::default().to_snapshot(at);
        bytes[HEADER] ^= 1;
        let why = State::from_snapshot(&bytes).unwrap_err();
        assert!(why.contains("damaged"), "{why}");
    }

    /// A snapshot of the empty state with `shipments` as its shipments section (checksum
    /// recomputed: the damage is in what the sections say, not in their bytes).
    fn with_shipments_section(shipments: &[u8]) -> Vec<u8> {
        let at = SnapshotPosition {
            seq: 0,
            head: GENESIS_HASH,
        };
        let bytes = State::default().to_snapshot(at);
        let body = &bytes[..bytes.len() - CHECKSUM];
        let [main, lots, _] = sections(&body[HEADER..]).unwrap();
        let mut out = body[..HEADER].to_vec();
        for section in [main, lots, shipments] {
            append_section(&mut out, section);
        }
        let checksum = crc32fast::hash(&out);
        out.extend_from_slice(&checksum.to_le_bytes());
        out
    }

    #[test]
    fn shipments_without_one_id_each_or_without_customers_are_damage() {
        let record = ShipmentRecord {
            shipped_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            first_line: 0,
            reversed: false,
        };
        let lines: &[ShippedLine] = &[];
        let mut one_id = Texts::default();
        one_id.push("SH1");
        for (ids, orders) in [
            (Texts::default(), Texts::default()),
            (one_id.clone(), one_id),
        ] {
            let section = encoded(&([&record], lines, &ids, &orders));
            let why = State::from_snapshot(&with_shipments_section(&section)).unwrap_err();
            assert!(why.contains("damaged"), "{why}");
        }
        let empty: &[ShipmentRecord] = &[];
        let section = encoded(&(empty, lines, &Texts::default(), &Texts::default()));
        assert!(State::from_snapshot(&with_shipments_section(&section)).is_ok());
    }
}
