//! Conflict keys: what an event changes, as 64-bit keys, so that a store shared by
//! several writers can tell whether a command decided against an older state still
//! holds after the events it missed ([`crate::store::EventStore::append_keyed`]).
//!
//! An event that changes only named lots or serials, or draws from one numbering
//! sequence, is *keyed*: its keys name those things. Every other event (master data,
//! allocations, shipments, production, holds, recalls, …) is *unkeyed*, which conflicts
//! with everything. A command whose decision reads nothing but master data and the
//! things its own events change ([`crate::Command::commutes`]) commutes with missed
//! events whose keys are disjoint from its own: deciding it again after them would give
//! the same events, so they may be appended after them as decided.
//!
//! A key is the first 8 bytes of the SHA-256 of a tag and the ids, so every process
//! and every version of this library derives the same key for the same thing (a
//! collision only costs a needless conflict).

use sha2::{Digest, Sha256};

use super::EventPayload;
use crate::command::Line;
use crate::kernel::id::{ItemRef, LotNumber, ProductId};
use crate::model::SequenceOwner;

/// The conflict keys of a run of events, flat: event `i` has `counts[i]` keys (`-1`
/// when it is unkeyed), taken in order from `keys`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConflictKeys {
    counts: Vec<i32>,
    keys: Vec<i64>,
}

impl ConflictKeys {
    /// The keys of each of `payloads`.
    pub fn of<'a>(payloads: impl IntoIterator<Item = &'a EventPayload>) -> Self {
        let mut all = Self::default();
        for payload in payloads {
            let before = all.keys.len();
            let count = match payload_keys(payload, &mut all.keys) {
                Some(()) => i32::try_from(all.keys.len() - before).unwrap_or(i32::MAX),
                None => {
                    all.keys.truncate(before);
                    -1
                }
            };
            all.counts.push(count);
        }
        all
    }

    /// Keys per event, in order (`-1`: unkeyed).
    pub fn counts(&self) -> &[i32] {
        &self.counts
    }

    /// All keys, event after event.
    pub fn keys(&self) -> &[i64] {
        &self.keys
    }

    /// Whether every event is keyed (and there is at least one).
    pub fn all_keyed(&self) -> bool {
        !self.counts.is_empty() && self.counts.iter().all(|&c| c >= 0)
    }
}

/// Pushes the keys of what `payload` changes; `None` when it is unkeyed.
fn payload_keys(payload: &EventPayload, out: &mut Vec<i64>) -> Option<()> {
    use EventPayload as E;
    match payload {
        E::LotReceived { lot, .. } | E::LotCreated { lot, .. } => {
            out.push(lot_key(&lot.product, &lot.number))
        }
        E::Moved { item, .. } => out.push(item_key(item)),
        E::Adjusted { line } | E::Scrapped { line } => out.push(line_key(line)),
        E::LotActiveSet { product, lot, .. }
        | E::LotDepleted { product, lot }
        | E::LotRestocked { product, lot } => out.push(lot_key(product, lot)),
        E::NumbersIssued { owner, period, .. } => out.push(sequence_key(owner, period)),
        _ => return None,
    }
    Some(())
}

fn line_key(line: &Line) -> i64 {
    item_key(&line.item)
}

fn item_key(item: &ItemRef) -> i64 {
    match item {
        ItemRef::Lot { product, lot } => lot_key(product, lot),
        ItemRef::Serial { product, serial } => key(&["serial", product.as_str(), serial.as_str()]),
    }
}

fn lot_key(product: &ProductId, lot: &LotNumber) -> i64 {
    key(&["lot", product.as_str(), lot.as_str()])
}

fn sequence_key(owner: &SequenceOwner, period: &str) -> i64 {
    match owner {
        SequenceOwner::Scheme(scheme) => key(&["scheme", scheme.as_str(), period]),
        SequenceOwner::Product(product) => key(&["product-sequence", product.as_str(), period]),
    }
}

/// The first 8 bytes of the SHA-256 of the parts, each followed by a unit separator
/// (ids cannot contain control characters, so parts never run into each other).
fn key(parts: &[&str]) -> i64 {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    let digest = hasher.finalize();
    let mut first = [0; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::id::{LocationId, SchemeId, SerialNumber};
    use crate::kernel::Quantity;

    fn lot(product: &str, lot: &str) -> ItemRef {
        ItemRef::Lot {
            product: ProductId::new(product).unwrap(),
            lot: LotNumber::new(lot).unwrap(),
        }
    }

    fn moved(item: ItemRef) -> EventPayload {
        EventPayload::Moved {
            item,
            from: LocationId::new("A").unwrap(),
            to: LocationId::new("B").unwrap(),
            quantity: Quantity::from(1),
            override_expiry: false,
        }
    }

    #[test]
    fn events_on_the_same_item_share_a_key_and_other_items_do_not() {
        let scrapped = EventPayload::Scrapped {
            line: Line {
                item: lot("P", "L1"),
                location: LocationId::new("A").unwrap(),
                quantity: Quantity::from(1),
            },
        };
        let depleted = EventPayload::LotDepleted {
            product: ProductId::new("P").unwrap(),
            lot: LotNumber::new("L1").unwrap(),
        };
        let keys = ConflictKeys::of([&moved(lot("P", "L1")), &scrapped, &depleted]);
        assert_eq!(keys.counts(), [1, 1, 1]);
        assert!(keys.keys().iter().all(|&k| k == keys.keys()[0]));
        let others = [lot("P", "L2"), lot("Q", "L1"), lot("P", "L1 ")];
        for other in others.into_iter().filter(|o| o != &lot("P", "L1")) {
            let other_keys = ConflictKeys::of([&moved(other)]);
            assert_ne!(other_keys.keys()[0], keys.keys()[0]);
        }
        let serial = ItemRef::Serial {
            product: ProductId::new("P").unwrap(),
            serial: SerialNumber::new("L1").unwrap(),
        };
        assert_ne!(ConflictKeys::of([&moved(serial)]).keys(), &keys.keys()[..1]);
        assert!(keys.all_keyed());
    }

    #[test]
    fn shared_state_is_unkeyed_and_sequences_are_keyed_by_period() {
        let hold = EventPayload::HoldPlaced {
            items: vec![lot("P", "L1")],
        };
        let keys = ConflictKeys::of([&moved(lot("P", "L1")), &hold]);
        assert_eq!(keys.counts(), [1, -1]);
        assert_eq!(keys.keys().len(), 1);
        assert!(!keys.all_keyed());
        assert!(!ConflictKeys::of([]).all_keyed());
        let issued = |period: &str| EventPayload::NumbersIssued {
            product: ProductId::new("P").unwrap(),
            owner: SequenceOwner::Scheme(SchemeId::new("S").unwrap()),
            period: period.into(),
            last_sequence: 1,
            numbers: vec!["1".into()],
        };
        let (a, b) = (issued("2026"), issued("2027"));
        assert_eq!(ConflictKeys::of([&a]), ConflictKeys::of([&issued("2026")]));
        assert_ne!(ConflictKeys::of([&a]).keys(), ConflictKeys::of([&b]).keys());
    }
}
