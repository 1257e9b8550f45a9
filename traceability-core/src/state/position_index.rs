//! A hash index from an id to the position of the record that holds it, for ids the
//! records already keep (lot and serial numbers, shipment ids, the work orders of
//! productions).
//!
//! A `HashMap<Id, u32>` keeps a second copy of every id: 16 bytes of pointer (plus a
//! reference count touched on every insert) and 4 of position in a 24-byte slot. This
//! table keeps only the 4-byte position, and compares a probed id against the record at
//! that position: the caller passes `key_at`, which reads the id of the record at a
//! position. At a million lots that is about 50 bytes per lot less, and rebuilding the
//! index after a snapshot clones no ids.

use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

/// Positions of records, found by their id (see the [module docs](self)).
#[derive(Clone, Debug, Default)]
pub(crate) struct PositionIndex {
    table: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl PositionIndex {
    fn hash(&self, key: &str) -> u64 {
        self.hasher.hash_one(key)
    }

    /// The position of the record whose id is `key`.
    pub(crate) fn get<'a>(&self, key: &str, key_at: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.table
            .find(self.hash(key), |&at| key_at(at) == key)
            .copied()
    }

    /// Whether a record has the id `key`.
    pub(crate) fn contains<'a>(&self, key: &str, key_at: impl Fn(u32) -> &'a str) -> bool {
        self.get(key, key_at).is_some()
    }

    /// Indexes the record at `position` under `key` (the record may not be in place
    /// yet: `key_at` is only asked about positions already indexed). Returns the
    /// position that had the id before, which no longer does.
    pub(crate) fn insert<'a>(
        &mut self,
        key: &str,
        position: u32,
        key_at: impl Fn(u32) -> &'a str,
    ) -> Option<u32> {
        let hasher = &self.hasher;
        let entry = self.table.entry(
            hasher.hash_one(key),
            |&at| key_at(at) == key,
            |&at| hasher.hash_one(key_at(at)),
        );
        match entry {
            Entry::Occupied(mut taken) => Some(std::mem::replace(taken.get_mut(), position)),
            Entry::Vacant(free) => {
                free.insert(position);
                None
            }
        }
    }

    /// Makes room for `additional` more records without rehashing on the way.
    pub(crate) fn reserve<'a>(&mut self, additional: usize, key_at: impl Fn(u32) -> &'a str) {
        let hasher = &self.hasher;
        self.table
            .reserve(additional, |&at| hasher.hash_one(key_at(at)));
    }

    /// An index of the records at positions `0..count`, inserted in order (so an id
    /// held by several records ends at the last of them), sized first.
    pub(crate) fn of_first<'a>(count: u32, key_at: impl Fn(u32) -> &'a str + Copy) -> Self {
        let mut index = Self::default();
        index.reserve(count as usize, key_at);
        for at in 0..count {
            index.insert(key_at(at), at, key_at);
        }
        index
    }

    /// Every indexed position, in no particular order.
    pub(crate) fn positions(&self) -> impl Iterator<Item = u32> + '_ {
        self.table.iter().copied()
    }
}

/// Equal when the same positions are indexed: the ids are those of the records, which
/// the owner compares itself.
impl PartialEq for PositionIndex {
    fn eq(&self, other: &Self) -> bool {
        let sorted = |index: &Self| {
            let mut positions: Vec<u32> = index.positions().collect();
            positions.sort_unstable();
            positions
        };
        self.table.len() == other.table.len() && sorted(self) == sorted(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_replaces_and_grows_by_the_records_ids() {
        let ids: Vec<String> = (0..1000).map(|i| format!("L{i:07}")).collect();
        let key_at = |at: u32| ids[at as usize].as_str();
        let mut index = PositionIndex::default();
        index.reserve(10, key_at);
        for (at, id) in (0..).zip(&ids) {
            assert_eq!(index.insert(id, at, key_at), None);
        }
        assert!((0..1000).all(|at| index.get(&ids[at], key_at) == Some(at as u32)));
        assert!(!index.contains("L9999999", key_at) && index.contains("L0000999", key_at));
        assert_eq!(index.insert("L0000007", 7, key_at), Some(7));
        let mut positions: Vec<u32> = index.positions().collect();
        positions.sort_unstable();
        assert_eq!(positions, (0..1000).collect::<Vec<u32>>());
        let mut fewer = PositionIndex::default();
        fewer.insert("L0000000", 0, key_at);
        assert!(index == index.clone() && index != fewer);
    }
}
