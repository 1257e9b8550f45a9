//! [`Multimap`]: dense `u32` keys → lists of small `Copy` values, in compact arrays that
//! a walk reads contiguously, and that still accept appends one at a time.
//!
//! The values live in two parts:
//! * a **base** in compressed-sparse-row form: `values[offsets[k]..offsets[k + 1]]` are
//!   the values of key `k`, adjacent in memory;
//! * a **tail** of the values appended since the base was last built, chained per key
//!   (`head`/`last`/`next`), so an append is O(1).
//!
//! When the tail outgrows an eighth of the base (and [`MIN_TAIL`]) it is folded into a
//! new base, O(keys + values); the base grows geometrically, so appends cost O(1)
//! amortised and a walk almost always reads a slice. The values of a key are always
//! listed in insertion order, whichever part holds them, so the layout never shows in
//! results. Memory: 4 bytes per key in the base, 8 more per key that ever had a tail
//! value, and one value (+ a link while in the tail) per entry. Offsets are `u32`: up to 4 billion
//! values.

use serde::{Deserialize, Serialize};

const NONE: u32 = u32::MAX;

/// The smallest tail that triggers a rebuild (keeps a young map from rebuilding at every
/// append).
const MIN_TAIL: usize = 4096;

/// One tail entry: its value and the next tail entry of the same key.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct TailEntry<V> {
    value: V,
    next: u32,
}

/// The values of the tail chain that starts at entry `at` (`NONE`: none).
fn chain<V: Copy>(tail: &[TailEntry<V>], mut at: u32) -> impl Iterator<Item = V> + '_ {
    std::iter::from_fn(move || {
        let entry = tail.get(at as usize)?;
        at = entry.next;
        Some(entry.value)
    })
}

/// See the [module docs](self).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Multimap<V> {
    /// `offsets[k]..offsets[k + 1]` index `values` for key `k` (keys known at the last
    /// rebuild); empty before the first rebuild.
    offsets: Vec<u32>,
    values: Vec<V>,
    /// Per key: first and last tail entry (`NONE`: none).
    head: Vec<u32>,
    last: Vec<u32>,
    tail: Vec<TailEntry<V>>,
}

impl<V> Default for Multimap<V> {
    fn default() -> Self {
        Self {
            offsets: Vec::new(),
            values: Vec::new(),
            head: Vec::new(),
            last: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<V: Copy> Multimap<V> {
    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        self.values.len() + self.tail.len()
    }

    /// Appends `value` to the list of `key`. O(1) amortised.
    pub(crate) fn push(&mut self, key: u32, value: V) {
        let k = key as usize;
        if self.head.len() <= k {
            self.head.resize(k + 1, NONE);
            self.last.resize(k + 1, NONE);
        }
        let entry = self.tail.len() as u32;
        self.tail.push(TailEntry { value, next: NONE });
        match self.last[k] {
            NONE => self.head[k] = entry,
            last => self.tail[last as usize].next = entry,
        }
        self.last[k] = entry;
        if self.tail.len() >= MIN_TAIL.max(self.values.len() / 8) {
            self.rebuild();
        }
    }

    /// A map of `keys` keys holding `pairs` (key, value), each key's values in the order
    /// given, all in the base. Two passes over `pairs`; O(keys + values).
    pub(crate) fn from_pairs(keys: usize, pairs: impl Iterator<Item = (u32, V)> + Clone) -> Self {
        let mut offsets = vec![0u32; keys + 1];
        for (key, _) in pairs.clone() {
            offsets[key as usize + 1] += 1;
        }
        for k in 0..keys {
            offsets[k + 1] += offsets[k];
        }
        let mut values = match pairs.clone().next() {
            Some((_, first)) => vec![first; offsets[keys] as usize],
            None => Vec::new(),
        };
        let mut next = offsets[..keys].to_vec();
        for (key, value) in pairs {
            let at = &mut next[key as usize];
            values[*at as usize] = value;
            *at += 1;
        }
        Self {
            offsets,
            values,
            ..Self::default()
        }
    }

    /// The values of `key`, in insertion order.
    #[inline]
    pub(crate) fn get(&self, key: u32) -> impl Iterator<Item = V> + '_ {
        let k = key as usize;
        let base = match (self.offsets.get(k), self.offsets.get(k + 1)) {
            (Some(&from), Some(&to)) => &self.values[from as usize..to as usize],
            _ => &[],
        };
        let head = self.head.get(k).copied().unwrap_or(NONE);
        base.iter().copied().chain(chain(&self.tail, head))
    }

    /// The last value of `key`. O(1).
    pub(crate) fn last(&self, key: u32) -> Option<V> {
        let k = key as usize;
        match self.last.get(k) {
            Some(&entry) if entry != NONE => Some(self.tail[entry as usize].value),
            _ => match (self.offsets.get(k), self.offsets.get(k + 1)) {
                (Some(&from), Some(&to)) if from < to => Some(self.values[to as usize - 1]),
                _ => None,
            },
        }
    }

    /// Overwrites the first value of `key` equal to `old` with `new` (in place, layout
    /// unchanged); false when `key` has no such value. O(values of `key`).
    pub(crate) fn replace(&mut self, key: u32, old: V, new: V) -> bool
    where
        V: PartialEq,
    {
        let k = key as usize;
        if let (Some(&from), Some(&to)) = (self.offsets.get(k), self.offsets.get(k + 1)) {
            if let Some(v) = self.values[from as usize..to as usize]
                .iter_mut()
                .find(|v| **v == old)
            {
                *v = new;
                return true;
            }
        }
        let mut at = self.head.get(k).copied().unwrap_or(NONE);
        while let Some(entry) = self.tail.get_mut(at as usize) {
            if entry.value == old {
                entry.value = new;
                return true;
            }
            at = entry.next;
        }
        false
    }

    /// Number of keys that may have values.
    fn key_span(&self) -> usize {
        self.head.len().max(self.offsets.len().saturating_sub(1))
    }

    /// Folds the tail into the base in place, O(keys + values): the values array grows
    /// by the tail's length (for a large array `realloc` remaps its pages rather than
    /// copying them), then each key's run moves right by the tail values of the keys
    /// before it, last key first, and its own tail values follow it in chain (insertion)
    /// order. Building a fresh pair of arrays instead had the kernel fault in new pages
    /// for every value at every rebuild: 100,000 of a million-lot load's page faults.
    fn rebuild(&mut self) {
        let keys = self.key_span();
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        // Keys without a base yet start (and end) where the base ends.
        self.offsets.resize(keys + 1, self.values.len() as u32);
        let Some(filler) = self.tail.first().map(|entry| entry.value) else {
            return;
        };
        // `last` holds each key's tail length meanwhile (it is reset below).
        for k in 0..self.head.len() {
            self.last[k] = chain(&self.tail, self.head[k]).count() as u32;
        }
        let mut shift = self.tail.len();
        self.values.reserve_exact(shift);
        self.values.resize(self.values.len() + shift, filler);
        for k in (0..keys).rev() {
            let (from, to) = (self.offsets[k] as usize, self.offsets[k + 1] as usize);
            let gained = self.last.get(k).map_or(0, |&n| n as usize);
            let end = to + shift;
            shift -= gained;
            self.values.copy_within(from..to, from + shift);
            let head = self.head.get(k).copied().unwrap_or(NONE);
            for (slot, value) in (to + shift..end).zip(chain(&self.tail, head)) {
                self.values[slot] = value;
            }
            self.offsets[k + 1] = end as u32;
        }
        self.tail.clear();
        self.head.fill(NONE);
        self.last.fill(NONE);
    }

    /// Heap bytes held (by capacity).
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        (self.offsets.capacity() + self.head.capacity() + self.last.capacity()) * 4
            + self.values.capacity() * size_of::<V>()
            + self.tail.capacity() * size_of::<TailEntry<V>>()
    }
}

/// Equal when every key lists the same values, whatever the layout.
impl<V: Copy + PartialEq> PartialEq for Multimap<V> {
    fn eq(&self, other: &Self) -> bool {
        let keys = self.key_span().max(other.key_span()) as u32;
        self.len() == other.len() && (0..keys).all(|k| self.get(k).eq(other.get(k)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Keys keep appearing after rebuilds (as genealogy nodes do while a history
        /// loads), next to old keys that keep growing: each still lists its values in
        /// insertion order, whichever rebuild moved them.
        #[test]
        fn new_and_old_keys_survive_in_place_rebuilds(
            picks in proptest::collection::vec((any::<bool>(), any::<u16>()), 5 * MIN_TAIL),
        ) {
            let mut map = Multimap::default();
            let mut model: Vec<Vec<u16>> = Vec::new();
            for (i, &(old, value)) in picks.iter().enumerate() {
                let newest = i / 16;
                let key = if old { usize::from(value) % (newest + 1) } else { newest };
                if model.len() <= key {
                    model.resize(key + 1, Vec::new());
                }
                map.push(key as u32, value);
                model[key].push(value);
            }
            for (key, values) in model.iter().enumerate() {
                prop_assert_eq!(&map.get(key as u32).collect::<Vec<_>>(), values);
            }
        }

        /// A map built at once from pairs equals one they were pushed into one by one.
        #[test]
        fn from_pairs_equals_pushing_them(
            pairs in proptest::collection::vec((0u32..50, any::<u16>()), 0..(2 * MIN_TAIL)),
        ) {
            let mut pushed = Multimap::default();
            for &(key, value) in &pairs {
                pushed.push(key, value);
            }
            let built = Multimap::from_pairs(50, pairs.iter().copied());
            prop_assert!(built == pushed);
            prop_assert_eq!(built.len(), pairs.len());
        }

        /// Whatever the pushes and however many rebuilds they trigger, every key lists
        /// exactly its values in insertion order.
        #[test]
        fn lists_each_keys_values_in_insertion_order(
            pushes in proptest::collection::vec((0u32..50, any::<u16>()), 0..(3 * MIN_TAIL)),
        ) {
            let mut map = Multimap::default();
            let mut model: Vec<Vec<u16>> = vec![Vec::new(); 50];
            for (i, &(key, value)) in pushes.iter().enumerate() {
                map.push(key, value);
                model[key as usize].push(value);
                prop_assert_eq!(map.last(key), Some(value));
                if i % 997 == 0 {
                    prop_assert_eq!(map.get(key).collect::<Vec<_>>(), model[key as usize].clone());
                }
            }
            prop_assert_eq!(map.len(), pushes.len());
            // Replacing a value in place keeps every key's order, base or tail.
            if let Some(&(key, value)) = pushes.get(pushes.len() / 2) {
                prop_assert!(map.replace(key, value, u16::MAX));
                let model = &mut model[key as usize];
                let at = model.iter().position(|v| *v == value).unwrap();
                model[at] = u16::MAX;
            }
            prop_assert!(!map.replace(55, 0, 1));
            for key in 0..60u32 {
                let expected = model.get(key as usize).cloned().unwrap_or_default();
                prop_assert_eq!(map.get(key).collect::<Vec<_>>(), expected);
            }
        }
    }
}
