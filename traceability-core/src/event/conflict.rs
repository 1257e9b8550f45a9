//! Conflict keys: what an event changes, as 64-bit keys, so that a store shared by
//! several writers can tell whether a command decided against an older state still
//! holds after the events it missed ([`crate::store::EventStore::append_keyed`]).
//!
//! An event that changes only named lots or serials (their stock, reservations and
//! status), one order's reservations, or draws from one numbering sequence, is *keyed*:
//! its keys name those things, and the *stock of each product* whose lots or serials it
//! changes. Every other event (master data, picking, shipments, production, holds,
//! recalls, …) is *unkeyed*, which conflicts with everything. A command that
//! [`Command::commutes`] reads nothing but master data, the lots, serials and sequences
//! its own events change and, for an allocation by strategy, the stock of its product:
//! those are its *read keys*. When none of the events it missed is unkeyed or changes
//! anything it read, deciding it again after them would give the same events, so they
//! may be appended after them as decided. (Two receipts of one product commute: neither
//! reads the product's stock. A receipt and an allocation by strategy of that product do
//! not: the new lot may come first.)
//!
//! A key is the first 8 bytes of the SHA-256 of a tag and the ids, so every process
//! and every version of this library derives the same key for the same thing (a
//! collision only costs a needless conflict).

use sha2::{Digest, Sha256};

use super::EventPayload;
use crate::command::Command;
use crate::kernel::id::{ItemRef, LotNumber, OrderId, ProductId};
use crate::model::SequenceOwner;

/// The conflict keys of a run of events, flat: event `i` changes `counts[i]` keys
/// (`-1` when it is unkeyed), taken in order from `keys`; and, for a command that
/// commutes, what its decision read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConflictKeys {
    counts: Vec<i32>,
    keys: Vec<i64>,
    reads: Vec<i64>,
}

impl ConflictKeys {
    /// The keys of what each of `payloads` changes, and of the items and sequences a
    /// command deciding them read (the rest of what a command read: [`Self::of_command`]).
    pub fn of<'a>(payloads: impl IntoIterator<Item = &'a EventPayload>) -> Self {
        let mut all = Self::default();
        for payload in payloads {
            let (before, reads_before) = (all.keys.len(), all.reads.len());
            let count = match payload_keys(payload, &mut all.keys, &mut all.reads) {
                Some(()) => i32::try_from(all.keys.len() - before).unwrap_or(i32::MAX),
                None => {
                    all.keys.truncate(before);
                    all.reads.truncate(reads_before);
                    -1
                }
            };
            all.counts.push(count);
        }
        all
    }

    /// The keys of `payloads`, decided by `command`, with what the decision read; `None`
    /// when the command does not commute or one of its events is unkeyed (then it must
    /// be decided again after any event it missed).
    pub fn of_command<'a>(
        command: &Command,
        payloads: impl IntoIterator<Item = &'a EventPayload>,
    ) -> Option<Self> {
        if !command.commutes() {
            return None;
        }
        let mut keys = Self::of(payloads);
        if let Command::AllocateStock(request) = command {
            keys.reads.push(stock_key(&request.product));
        }
        keys.all_keyed().then_some(keys)
    }

    /// Keys per event, in order (`-1`: unkeyed).
    pub fn counts(&self) -> &[i32] {
        &self.counts
    }

    /// All keys of what the events change, event after event.
    pub fn keys(&self) -> &[i64] {
        &self.keys
    }

    /// What a command deciding these events read: the items and sequences they change
    /// and, built by [`Self::of_command`], the rest of what it read. The events it
    /// missed must change none of it.
    pub fn reads(&self) -> &[i64] {
        &self.reads
    }

    /// Whether every event is keyed (and there is at least one).
    fn all_keyed(&self) -> bool {
        !self.counts.is_empty() && self.counts.iter().all(|&c| c >= 0)
    }
}

/// Pushes the keys of what `payload` changes to `writes`, and those a command deciding
/// it read to `reads`; `None` when it is unkeyed.
fn payload_keys(payload: &EventPayload, writes: &mut Vec<i64>, reads: &mut Vec<i64>) -> Option<()> {
    use EventPayload as E;
    // A lot or serial (`key`) of `product` changed: read by the command, and its
    // product's stock changed with it.
    let mut changed = |key: i64, product: &ProductId| {
        reads.push(key);
        writes.extend([key, stock_key(product)]);
    };
    match payload {
        E::LotReceived { lot, .. } | E::LotCreated { lot, .. } => {
            changed(lot_key(&lot.product, &lot.number), &lot.product)
        }
        E::Moved { item, .. } => changed(item_key(item), item.product()),
        E::Adjusted { line } | E::Scrapped { line } => {
            changed(item_key(&line.item), line.item.product())
        }
        E::LotActiveSet { product, lot, .. }
        | E::LotDepleted { product, lot }
        | E::LotRestocked { product, lot } => changed(lot_key(product, lot), product),
        E::Allocated { order, line } => {
            changed(item_key(&line.item), line.item.product());
            writes.push(order_key(order));
        }
        E::AllocationRequested(request) => writes.push(order_key(&request.order)),
        E::NumbersIssued { owner, period, .. } => {
            let key = sequence_key(owner, period);
            reads.push(key);
            writes.push(key);
        }
        _ => return None,
    }
    Some(())
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

/// The stock of a product as a whole: what an allocation by strategy reads.
fn stock_key(product: &ProductId) -> i64 {
    key(&["stock", product.as_str()])
}

fn order_key(order: &OrderId) -> i64 {
    key(&["order", order.as_str()])
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
    use crate::command::Line;
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
    fn events_on_one_item_share_its_key_and_read_it_and_other_items_do_not() {
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
        // The item, then the stock of its product.
        assert_eq!(keys.counts(), [2, 2, 2]);
        assert_eq!(keys.keys()[..2], keys.keys()[2..4]);
        assert_eq!(keys.reads(), [keys.keys()[0]; 3]);
        let others = [lot("P", "L2"), lot("Q", "L1"), lot("P", "L1 ")];
        for other in others.into_iter().filter(|o| o != &lot("P", "L1")) {
            let other_keys = ConflictKeys::of([&moved(other)]);
            assert_ne!(other_keys.keys()[0], keys.keys()[0]);
        }
        assert_eq!(
            ConflictKeys::of([&moved(lot("P", "L2"))]).keys()[1],
            keys.keys()[1]
        );
        let serial = ItemRef::Serial {
            product: ProductId::new("P").unwrap(),
            serial: SerialNumber::new("L1").unwrap(),
        };
        assert_ne!(ConflictKeys::of([&moved(serial)]).keys()[0], keys.keys()[0]);
    }

    #[test]
    fn only_commuting_commands_of_keyed_events_get_read_keys() {
        let hold = EventPayload::HoldPlaced {
            items: vec![lot("P", "L1")],
        };
        let keys = ConflictKeys::of([&moved(lot("P", "L1")), &hold]);
        assert_eq!(keys.counts(), [2, -1]);
        let a_move = Command::Move(crate::command::Move {
            item: lot("P", "L1"),
            from: LocationId::new("A").unwrap(),
            to: LocationId::new("B").unwrap(),
            quantity: Quantity::from(1),
            override_expiry: false,
        });
        assert_eq!(
            ConflictKeys::of_command(&a_move, [&moved(lot("P", "L1")), &hold]),
            None
        );
        assert_eq!(ConflictKeys::of_command(&a_move, []), None);
        let read = ConflictKeys::of_command(&a_move, [&moved(lot("P", "L1"))]).unwrap();
        assert_eq!(read.reads(), &read.keys()[..1]);
        let request = crate::command::AllocationRequest::new(
            ProductId::new("P").unwrap(),
            Quantity::from(1),
            OrderId::new("SO1").unwrap(),
            crate::command::Strategy::Fefo,
        );
        let allocated = EventPayload::Allocated {
            order: OrderId::new("SO1").unwrap(),
            line: Line {
                item: lot("P", "L1"),
                location: LocationId::new("A").unwrap(),
                quantity: Quantity::from(1),
            },
        };
        let by_strategy = Command::AllocateStock(request.clone());
        let payloads = [EventPayload::AllocationRequested(request), allocated];
        let read = ConflictKeys::of_command(&by_strategy, &payloads).unwrap();
        // The allocated lot, and the product's stock another lot's receipt changes.
        let received_elsewhere = ConflictKeys::of([&moved(lot("P", "L9"))]);
        assert!(read.reads().contains(&received_elsewhere.keys()[1]));
        assert_eq!(read.counts(), [1, 3]);
        let picked = Command::Pick(crate::command::Pick {
            order: OrderId::new("SO1").unwrap(),
            item: lot("P", "L1"),
            quantity: Quantity::from(1),
        });
        assert_eq!(
            ConflictKeys::of_command(&picked, [&moved(lot("P", "L1"))]),
            None
        );
    }

    #[test]
    fn sequences_are_keyed_by_period() {
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
