//! Lean traces: which lots, serials, shipments and parties a trace reaches, and nothing
//! else. The answer holds compact state indexes and borrows the [`State`]; ids are
//! resolved only when read, so asking costs the walk plus one integer per item and
//! per shipment line, not an owned record each. The full reports with depths, edges,
//! quantities, stock and dates are [`super::trace::trace_forward`] and
//! [`super::trace::trace_backward`].
//!
//! ```
//! use traceability_core::*;
//! use traceability_core::query::trace_ids::trace_forward_ids;
//! # fn main() -> Result<(), TraceError> {
//! let mut t = Tracker::in_memory();
//! let p = ProductId::new("FLOUR")?;
//! let dock = LocationId::new("DOCK")?;
//! t.execute("ana", None, &Command::RegisterProduct(Product::new(p.clone(), Tracking::Lot)))?;
//! t.execute("ana", None, &Command::RegisterLocation(Location {
//!     id: dock.clone(), kind: LocationKind::Internal, description: String::new(), gln: None, party: None }))?;
//! t.execute("ana", None, &Command::ReceiveLot(ReceiveLot { spec: LotSpec::new(p.clone(), LotNumber::new("L1")?),
//!     quantity: Quantity::TEN, location: dock.clone(), supplier: None, received_on: None, reference: None }))?;
//! let reach = trace_forward_ids(t.state(), &ItemRef::lot("FLOUR", "L1")?)?;
//! assert_eq!(reach.items().collect::<Vec<_>>(), vec![ItemRef::lot("FLOUR", "L1")?]);
//! assert_eq!(reach.shipments().count(), 0);
//! # Ok(()) }
//! ```

use std::cell::RefCell;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, PartyId};
use crate::state::genealogy::{Direction, TraceScratch};
use crate::state::{ItemIdx, State};

thread_local! {
    static SCRATCH: RefCell<TraceScratch> = RefCell::new(TraceScratch::default());
    /// [`distinct`]'s bitset, all zeros between calls.
    static MARKS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's walk scratch (a fresh one if it is already in use).
pub(super) fn with_scratch<R>(f: impl FnOnce(&mut TraceScratch) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut TraceScratch::default()),
    })
}

/// The items reached from `start` along `direction`, the start first, breadth first;
/// and what `also` reads from the walk's scratch before it is reused.
fn reached<T>(
    state: &State,
    start: ItemIdx,
    direction: Direction,
    also: impl FnOnce(&TraceScratch) -> T,
) -> (Vec<ItemIdx>, T) {
    with_scratch(|scratch| {
        let items = state
            .genealogy()
            .walk(&[start], direction, scratch)
            .iter()
            .map(|&(idx, _)| idx)
            .collect();
        (items, also(scratch))
    })
}

/// Sorts and deduplicates positions. Many positions over a narrow range (a hub's
/// thousands of shipment lines among a million shipments, its customers among the
/// parties) are marked in a bitset read back in order, O(n + range / 64), instead of
/// sorted, O(n log n): a third of a hub's ids-only trace.
fn distinct(mut positions: Vec<u32>) -> Vec<u32> {
    let words = positions
        .iter()
        .max()
        .map_or(0, |&max| max as usize / 64 + 1);
    let marked = words <= 8 * positions.len()
        && MARKS.with(|marks| match marks.try_borrow_mut() {
            Ok(mut marks) => {
                mark_and_read(&mut positions, &mut marks, words);
                true
            }
            Err(_) => false,
        });
    if !marked {
        positions.sort_unstable();
        positions.dedup();
    }
    positions
}

/// Replaces `positions` (all below `words * 64`) by the distinct ones in order, through
/// `marks`, which it leaves all zeros.
fn mark_and_read(positions: &mut Vec<u32>, marks: &mut Vec<u64>, words: usize) {
    if marks.len() < words {
        marks.resize(words, 0);
    }
    for &p in positions.iter() {
        marks[p as usize / 64] |= 1 << (p % 64);
    }
    positions.clear();
    for (word, bits) in (0u32..).zip(&mut marks[..words]) {
        let mut left = std::mem::take(bits);
        while left != 0 {
            positions.push(word * 64 + left.trailing_zeros());
            left &= left - 1;
        }
    }
}

/// What a forward trace reaches: the start and its descendants, the shipments that
/// contain any of them and those shipments' customers. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct ForwardIds<'s> {
    state: &'s State,
    items: Vec<ItemIdx>,
    shipments: Vec<u32>,
    customers: Vec<u32>,
}

impl<'s> ForwardIds<'s> {
    /// The start then every descendant once, breadth first.
    pub fn items(&self) -> impl ExactSizeIterator<Item = ItemRef> + '_ {
        self.items.iter().map(|&idx| self.state.item_ref(idx))
    }

    /// The distinct shipments containing the start or a descendant, in dispatch order
    /// (reversed shipments left out: their customers do not hold the goods).
    pub fn shipments(&self) -> impl ExactSizeIterator<Item = &'s str> + '_ {
        let state = self.state;
        self.shipments.iter().map(move |&s| state.shipment_id(s))
    }

    /// The distinct customers of those shipments, in registration order.
    pub fn customers(&self) -> impl ExactSizeIterator<Item = &'s PartyId> + '_ {
        let state = self.state;
        self.customers.iter().map(move |&c| &state.party_at(c).id)
    }
}

/// What a backward trace reaches: the start and its ancestors and the suppliers of
/// those received from one. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct BackwardIds<'s> {
    state: &'s State,
    items: Vec<ItemIdx>,
    suppliers: Vec<u32>,
}

impl<'s> BackwardIds<'s> {
    /// The start then every ancestor once, breadth first.
    pub fn items(&self) -> impl ExactSizeIterator<Item = ItemRef> + '_ {
        self.items.iter().map(|&idx| self.state.item_ref(idx))
    }

    /// The distinct suppliers of the start and its ancestors, in registration order.
    pub fn suppliers(&self) -> impl ExactSizeIterator<Item = &'s PartyId> + '_ {
        let state = self.state;
        self.suppliers.iter().map(move |&p| &state.party_at(p).id)
    }
}

/// Serialises what an iterator yields as a sequence, without collecting it first.
struct SeqOf<F>(F);

impl<F, I> Serialize for SeqOf<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// `{"items": [...], "shipments": [...], "customers": [...]}`, written straight from the
/// state.
impl Serialize for ForwardIds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ForwardIds", 3)?;
        s.serialize_field("items", &SeqOf(|| self.items()))?;
        s.serialize_field("shipments", &SeqOf(|| self.shipments()))?;
        s.serialize_field("customers", &SeqOf(|| self.customers()))?;
        s.end()
    }
}

/// `{"items": [...], "suppliers": [...]}`, written straight from the state.
impl Serialize for BackwardIds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("BackwardIds", 2)?;
        s.serialize_field("items", &SeqOf(|| self.items()))?;
        s.serialize_field("suppliers", &SeqOf(|| self.suppliers()))?;
        s.end()
    }
}

/// The ids downstream of `item` (see [`ForwardIds`]); the same sets as
/// [`super::trace::trace_forward`] without depths, edges, quantities or stock. O(V + E)
/// of the descendants, plus their shipment lines and a sort of the shipments reached.
/// Unknown item → [`TraceError::UnknownLot`] / [`TraceError::UnknownSerial`].
///
/// ```
/// use traceability_core::{query::trace_ids::trace_forward_ids, ErrorKind, ItemRef, State};
/// let err = trace_forward_ids(&State::default(), &ItemRef::lot("X", "1").unwrap()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnknownLot);
/// ```
pub fn trace_forward_ids<'s>(
    state: &'s State,
    item: &ItemRef,
) -> Result<ForwardIds<'s>, TraceError> {
    let start = state.require(item)?;
    let (items, shipments) = reached(state, start, Direction::Outgoing, |scratch| {
        state.genealogy().walked_shipments(scratch).collect()
    });
    let mut shipments = distinct(shipments);
    shipments.retain(|&s| !state.shipment_records()[s as usize].reversed);
    let customers = distinct(
        shipments
            .iter()
            .map(|&s| state.shipment_customer(s))
            .collect(),
    );
    Ok(ForwardIds {
        state,
        items,
        shipments,
        customers,
    })
}

/// The ids upstream of `item` (see [`BackwardIds`]); the same sets as
/// [`super::trace::trace_backward`] without depths, edges or receipts. O(V + E) of the
/// ancestors. Unknown item → [`TraceError::UnknownLot`] / [`TraceError::UnknownSerial`].
///
/// ```
/// use traceability_core::{query::trace_ids::trace_backward_ids, ErrorKind, ItemRef, State};
/// let err = trace_backward_ids(&State::default(), &ItemRef::serial("X", "1").unwrap()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnknownSerial);
/// ```
pub fn trace_backward_ids<'s>(
    state: &'s State,
    item: &ItemRef,
) -> Result<BackwardIds<'s>, TraceError> {
    let start = state.require(item)?;
    let (items, ()) = reached(state, start, Direction::Incoming, |_| ());
    let suppliers = distinct(
        items
            .iter()
            .filter_map(|&idx| state.received_from(idx))
            .collect(),
    );
    Ok(BackwardIds {
        state,
        items,
        suppliers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Marked or sorted, the answer is the sorted distinct positions, and the bitset
        /// is left clear for the next call (run twice, over ranges narrow and wide).
        #[test]
        fn distinct_positions_come_sorted_once_each(
            batches in proptest::collection::vec(
                (1u32..5_000).prop_flat_map(|range| proptest::collection::vec(0..range, 0..400)),
                1..4,
            ),
        ) {
            for positions in batches {
                let mut expected = positions.clone();
                expected.sort_unstable();
                expected.dedup();
                prop_assert_eq!(distinct(positions), expected);
            }
            prop_assert!(MARKS.with(|marks| marks.borrow().iter().all(|&w| w == 0)));
        }
    }
}
