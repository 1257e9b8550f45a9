//! [`LotOrder`]: the lots of one product that have available stock, in one allocation
//! order — by a day (expiry for FEFO, receipt for FIFO), then by lot number, then by
//! index — kept as `(day, lot index)` pairs: 8 bytes a lot, where an ordered set of
//! `(date, number, index)` keys held a copy of each number and its tree nodes.
//!
//! The pairs sit in sorted chunks of at most [`CHUNK`]: a lookup is a binary search
//! over the chunks' last pairs then within one chunk, an insert or removal moves at
//! most one chunk's pairs, and a walk in order reads the chunks one after the other.
//! Pairs of the same day are ordered by the lots' numbers, which the caller lends
//! (`number(index)`), so the pairs need not copy them. Appending in order (receipts in
//! date order) fills chunks completely; inserts elsewhere split a full chunk in two.

use std::cmp::Ordering;

/// The most pairs in one chunk (4 KiB; 4 in unit tests, so they split chunks often).
#[cfg(not(test))]
const CHUNK: usize = 512;
#[cfg(test)]
const CHUNK: usize = 4;

/// One product's lots in one order. See the [module docs](self).
#[derive(Clone, Debug, Default)]
pub(super) struct LotOrder {
    chunks: Vec<Vec<(u32, u32)>>,
}

/// Equal when the same pairs are held in the same order, however they are chunked (an
/// index rebuilt from a snapshot is chunked differently from one grown pair by pair).
impl PartialEq for LotOrder {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl LotOrder {
    /// Pairs in any order, sorted and chunked.
    pub(super) fn from_unsorted<'a>(
        mut pairs: Vec<(u32, u32)>,
        number: impl Fn(u32) -> &'a str,
    ) -> Self {
        pairs.sort_unstable_by(|&a, &b| order(a, b, &number));
        Self {
            chunks: pairs.chunks(CHUNK).map(<[_]>::to_vec).collect(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The lot indexes in order (and backwards).
    pub(super) fn iter(&self) -> impl DoubleEndedIterator<Item = (u32, u32)> + '_ {
        self.chunks.iter().flatten().copied()
    }

    /// Adds `pair` (not already held).
    pub(super) fn insert<'a>(&mut self, pair: (u32, u32), number: impl Fn(u32) -> &'a str) {
        let Some(last) = self.chunks.len().checked_sub(1) else {
            self.chunks.push(new_chunk(pair));
            return;
        };
        let (c, at) = self
            .position(pair, &number)
            .unwrap_or((last, self.chunks[last].len()));
        let chunk = &mut self.chunks[c];
        if chunk.len() < CHUNK {
            chunk.insert(at, pair);
        } else if at == CHUNK && c == last {
            self.chunks.push(new_chunk(pair));
        } else {
            let mut upper = chunk.split_off(CHUNK / 2);
            match at.checked_sub(CHUNK / 2) {
                Some(upper_at) => upper.insert(upper_at, pair),
                None => chunk.insert(at, pair),
            }
            self.chunks.insert(c + 1, upper);
        }
    }

    /// Removes `pair`; `false` when it was not held.
    pub(super) fn remove<'a>(&mut self, pair: (u32, u32), number: impl Fn(u32) -> &'a str) -> bool {
        let Some((c, at)) = self.position(pair, &number) else {
            return false;
        };
        if self.chunks[c][at] != pair {
            return false;
        }
        self.chunks[c].remove(at);
        if self.chunks[c].is_empty() {
            self.chunks.remove(c);
        }
        true
    }

    /// Where `pair` is or would go: the first chunk whose last pair is not before it,
    /// and the place in that chunk; `None` when it goes after every pair.
    fn position<'a>(
        &self,
        pair: (u32, u32),
        number: &impl Fn(u32) -> &'a str,
    ) -> Option<(usize, usize)> {
        let before = |held: &(u32, u32)| order(*held, pair, number) == Ordering::Less;
        let c = self
            .chunks
            .partition_point(|chunk| chunk.last().is_some_and(before));
        let chunk = self.chunks.get(c)?;
        Some((c, chunk.partition_point(before)))
    }
}

fn new_chunk(pair: (u32, u32)) -> Vec<(u32, u32)> {
    let mut chunk = Vec::with_capacity(CHUNK);
    chunk.push(pair);
    chunk
}

/// By day, then by the lot's number, then by index.
fn order<'a>(a: (u32, u32), b: (u32, u32), number: &impl Fn(u32) -> &'a str) -> Ordering {
    a.0.cmp(&b.0)
        .then_with(|| number(a.1).cmp(number(b.1)))
        .then(a.1.cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// Any sequence of inserts and removals leaves the pairs an ordered set of
        /// (day, number, index) would hold, in the same order, whether grown one by
        /// one or built at once.
        #[test]
        fn holds_what_an_ordered_set_holds(
            numbers in proptest::collection::vec("[a-c]{0,2}", 1..40),
            ops in proptest::collection::vec((any::<bool>(), 0u32..4, any::<prop::sample::Index>()), 0..3000),
        ) {
            let number = |i: u32| numbers[i as usize].as_str();
            let mut order = LotOrder::default();
            let mut model = BTreeSet::new();
            for (insert, day, lot) in ops {
                let lot = lot.index(numbers.len()) as u32;
                let pair = (day, lot);
                let key = (day, number(lot), lot);
                if insert && !model.contains(&key) {
                    order.insert(pair, number);
                    model.insert(key);
                } else if !insert {
                    prop_assert_eq!(order.remove(pair, number), model.remove(&key));
                }
                prop_assert!(order.chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK));
            }
            let held: Vec<_> = order.iter().collect();
            let expected: Vec<_> = model.iter().map(|&(day, _, lot)| (day, lot)).collect();
            prop_assert_eq!(&held, &expected);
            prop_assert_eq!(held.iter().rev().copied().collect::<Vec<_>>(), order.iter().rev().collect::<Vec<_>>());
            let rebuilt = LotOrder::from_unsorted(held.iter().rev().copied().collect(), number);
            prop_assert!(rebuilt == order);
            prop_assert_eq!(rebuilt.is_empty(), model.is_empty());
        }
    }

    #[test]
    fn appends_in_order_fill_chunks_and_inserts_elsewhere_split_them() {
        let numbers: Vec<String> = (0..3 * CHUNK).map(|i| format!("L{i:05}")).collect();
        let number = |i: u32| numbers[i as usize].as_str();
        let mut order = LotOrder::default();
        for i in 0..2 * CHUNK as u32 {
            order.insert((7, i), number);
        }
        assert_eq!(
            order.chunks.iter().map(Vec::len).collect::<Vec<_>>(),
            [CHUNK, CHUNK]
        );
        order.insert((0, 2 * CHUNK as u32), number);
        assert_eq!(
            order.chunks.iter().map(Vec::len).collect::<Vec<_>>(),
            [CHUNK / 2 + 1, CHUNK / 2, CHUNK]
        );
        assert_eq!(order.iter().next(), Some((0, 2 * CHUNK as u32)));
        assert!(!order.remove((9, 0), number));
        assert!(order.remove((7, 0), number));
        assert_eq!(order.iter().nth(1), Some((7, 1)));
    }
}
