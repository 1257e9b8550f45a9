//! Property tests: random sequences of valid and invalid commands keep the invariants of
//! DESIGN.md — quantities are conserved, stock never goes negative, a serial is in one
//! status and at most one place, a rejected command changes nothing, replaying the log
//! after every command rebuilds an equal state (every change of state is an event),
//! from memory or a reopened SQLite file, any single-byte change to a stored event
//! fails `verify`, and a command that commutes decides the same after other writers'
//! events on other things (what commuting appends to a shared store rely on).

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use common::*;
use proptest::prelude::*;
use proptest::strategy::Strategy;
use traceability_core::store::{EventStore, MemoryStore, SqliteStore};
use traceability_core::*;

const LOCATIONS: [&str; 4] = ["DOCK", "STOCK", "LINE", "CUST"];
const ITEMS: [(&str, &str, bool); 13] = [
    ("FLOUR", "L0", false),
    ("FLOUR", "L1", false),
    ("FLOUR", "L2", false),
    ("SUGAR", "L0", false),
    ("BREAD", "B0", false),
    ("BREAD", "B1", false),
    ("PUMP", "S0", true),
    ("PUMP", "S1", true),
    ("PUMP", "S2", true),
    ("PUMP", "S3", true),
    ("MOTOR", "M0", true),
    ("MOTOR", "M1", true),
    ("BREAD", "B2", false),
];

/// An operation. `Index` fields pick among what exists when the operation runs (stock
/// lines, reservations, shipment lines) so most commands are meaningful; the fixed item
/// and location indexes produce the invalid ones. `share` is in tenths of what is
/// available: 0 and 11–12 are invalid on purpose.
#[derive(Clone, Debug)]
enum Op {
    Receive {
        item: usize,
        quantity: i64,
        at: usize,
    },
    Expect {
        item: usize,
    },
    Move {
        stock: Index,
        to: usize,
        share: i64,
    },
    Allocate {
        order: usize,
        stock: Index,
        share: i64,
    },
    AllocateStock {
        order: usize,
        product: usize,
        quantity: i64,
        partial: bool,
    },
    Cancel {
        order: usize,
        item: Option<usize>,
    },
    Pick {
        order: usize,
        reservation: Index,
        share: i64,
    },
    Ship {
        order: usize,
    },
    Produce {
        inputs: Vec<(Index, i64)>,
        output: usize,
        quantity: i64,
        at: usize,
    },
    Adjust {
        stock: Index,
        delta: i64,
    },
    Scrap {
        stock: Index,
        share: i64,
    },
    Return {
        shipped: Index,
        share: i64,
        at: usize,
    },
    Dispose {
        stock: Index,
        share: i64,
        scrap: bool,
    },
    SetActive {
        item: usize,
        active: bool,
    },
    Hold {
        item: usize,
        place: bool,
    },
    Recall {
        item: usize,
        hold: bool,
    },
    Arbitrary {
        item: usize,
        from: usize,
        to: usize,
        quantity: i64,
    },
    ReverseShipment {
        shipment: Index,
    },
    ReverseReceipt {
        item: usize,
    },
    ReverseProduction,
    Split {
        stock: Index,
        share: i64,
        into: usize,
    },
    Merge {
        item: usize,
        into: usize,
        at: usize,
    },
    Unbuild {
        item: usize,
    },
    Pack {
        container: usize,
        stock: Vec<(Index, i64)>,
    },
    Unpack {
        container: usize,
    },
}

use prop::sample::Index;

fn op() -> impl Strategy<Value = Op> {
    let item = 0..ITEMS.len();
    let at = 0..LOCATIONS.len();
    let q = 0i64..120;
    let share = 0i64..13;
    let index = any::<Index>;
    prop_oneof![
        5 => (item.clone(), q.clone(), at.clone()).prop_map(|(item, quantity, at)| Op::Receive { item, quantity, at }),
        1 => item.clone().prop_map(|item| Op::Expect { item }),
        3 => (index(), at.clone(), share.clone()).prop_map(|(stock, to, share)| Op::Move { stock, to, share }),
        4 => (0..2usize, index(), share.clone()).prop_map(|(order, stock, share)| Op::Allocate { order, stock, share }),
        2 => (0..2usize, 0..ITEMS.len(), 1i64..60, any::<bool>())
            .prop_map(|(order, product, quantity, partial)| Op::AllocateStock { order, product, quantity, partial }),
        1 => (0..2usize, proptest::option::of(item.clone())).prop_map(|(order, item)| Op::Cancel { order, item }),
        4 => (0..2usize, index(), share.clone()).prop_map(|(order, reservation, share)| Op::Pick { order, reservation, share }),
        3 => (0..2usize).prop_map(|order| Op::Ship { order }),
        3 => (proptest::collection::vec((index(), share.clone()), 1..3), item.clone(), q.clone(), at.clone())
            .prop_map(|(inputs, output, quantity, at)| Op::Produce { inputs, output, quantity, at }),
        1 => (index(), -8i64..8).prop_map(|(stock, delta)| Op::Adjust { stock, delta }),
        1 => (index(), share.clone()).prop_map(|(stock, share)| Op::Scrap { stock, share }),
        2 => (index(), share.clone(), at.clone()).prop_map(|(shipped, share, at)| Op::Return { shipped, share, at }),
        1 => (index(), share.clone(), any::<bool>()).prop_map(|(stock, share, scrap)| Op::Dispose { stock, share, scrap }),
        1 => (item.clone(), any::<bool>()).prop_map(|(item, active)| Op::SetActive { item, active }),
        1 => (item.clone(), any::<bool>()).prop_map(|(item, place)| Op::Hold { item, place }),
        1 => (item.clone(), any::<bool>()).prop_map(|(item, hold)| Op::Recall { item, hold }),
        2 => (item.clone(), at.clone(), at.clone(), q).prop_map(|(item, from, to, quantity)| Op::Arbitrary { item, from, to, quantity }),
        1 => index().prop_map(|shipment| Op::ReverseShipment { shipment }),
        1 => item.clone().prop_map(|item| Op::ReverseReceipt { item }),
        1 => Just(Op::ReverseProduction),
        1 => (index(), share, item.clone()).prop_map(|(stock, share, into)| Op::Split { stock, share, into }),
        1 => (item.clone(), item.clone(), at).prop_map(|(item, into, at)| Op::Merge { item, into, at }),
        1 => item.prop_map(|item| Op::Unbuild { item }),
        2 => (0..4usize, proptest::collection::vec((index(), 0i64..15), 1..3))
            .prop_map(|(container, stock)| Op::Pack { container, stock }),
        1 => (0..4usize).prop_map(|container| Op::Unpack { container }),
    ]
}

fn item_ref(i: usize) -> ItemRef {
    let (product, number, is_serial) = ITEMS[i];
    if is_serial {
        serial(product, number)
    } else {
        lot(product, number)
    }
}

fn tenths(n: i64) -> Quantity {
    Quantity::from_scaled(n, 1).unwrap()
}

/// `share` tenths of `available`, truncated to 0.1; a serial is always one.
fn portion(item: &ItemRef, available: Quantity, share: i64) -> Quantity {
    match item {
        ItemRef::Serial { .. } => Quantity::ONE,
        ItemRef::Lot { .. } => {
            let tenths_available = available.nanos() * i128::from(share) / 10 / 100_000_000;
            Quantity::from_scaled(tenths_available as i64, 1).unwrap()
        }
    }
}

/// Every (item, location, available) in custody: lot stock lines and serials.
fn stock_lines(state: &State) -> Vec<(ItemRef, LocationId, Quantity)> {
    let lots = state.lots().iter().flat_map(|lot| {
        lot.stock.iter().map(|line| {
            (
                ItemRef::Lot {
                    product: lot.product.clone(),
                    lot: lot.number.clone(),
                },
                line.location.clone(),
                line.available(),
            )
        })
    });
    let serials = state.serials().iter().filter_map(|s| {
        let location = s.location.clone()?;
        Some((
            ItemRef::Serial {
                product: s.product.clone(),
                serial: s.number.clone(),
            },
            location,
            Quantity::ONE,
        ))
    });
    lots.chain(serials).collect()
}

fn pick_from<T: Clone>(items: &[T], index: &Index) -> Option<T> {
    (!items.is_empty()).then(|| items[index.index(items.len())].clone())
}

fn to_command(op: &Op, state: &State) -> Command {
    let location = |i: usize| loc(LOCATIONS[i]);
    let order_id = |o: usize| order(&format!("O{o}"));
    let stock = stock_lines(state);
    let fallback = (item_ref(0), location(0), Quantity::ONE);
    let line_at = |index: &Index| pick_from(&stock, index).unwrap_or_else(|| fallback.clone());
    match op.clone() {
        Op::Receive { item, quantity, at } => match item_ref(item) {
            ItemRef::Lot { product, lot } => Command::ReceiveLot(ReceiveLot {
                spec: LotSpec::new(product, lot),
                quantity: tenths(quantity),
                location: location(at),
                supplier: None,
                received_on: None,
                reference: None,
            }),
            ItemRef::Serial { product, serial } => Command::ReceiveSerials(ReceiveSerials {
                product,
                serials: vec![serial],
                location: location(at),
                supplier: None,
                reference: None,
                generate: 0,
                put_away: false,
                received_on: None,
            }),
        },
        Op::Expect { item } => {
            let (product, number, _) = ITEMS[item];
            Command::ExpectSerials(ExpectSerials {
                product: pid(product),
                serials: serials(&[number]),
                supplier: None,
                reference: None,
            })
        }
        Op::Move { stock, to, share } => {
            let (item, from, available) = line_at(&stock);
            let quantity = portion(&item, available, share);
            Command::Move(Move {
                item,
                from,
                to: location(to),
                quantity,
                override_expiry: false,
            })
        }
        Op::Allocate {
            order: o,
            stock,
            share,
        } => {
            let (item, from, available) = line_at(&stock);
            let quantity = portion(&item, available, share);
            Command::Allocate(Allocate {
                order: order_id(o),
                item,
                location: Some(from),
                quantity,
                ship_date: None,
            })
        }
        Op::AllocateStock {
            order: o,
            product,
            quantity,
            partial,
        } => Command::AllocateStock(AllocationRequest {
            partial,
            ..AllocationRequest::new(
                pid(ITEMS[product].0),
                tenths(quantity),
                order_id(o),
                traceability_core::Strategy::Fefo,
            )
        }),
        Op::Cancel { order: o, item } => Command::CancelAllocation(CancelAllocation {
            order: order_id(o),
            item: item.map(item_ref),
        }),
        Op::Pick {
            order: o,
            reservation,
            share,
        } => {
            let open = query::orders::reservations(state, &order_id(o));
            let (item, quantity) = pick_from(&open, &reservation)
                .map(|r| {
                    let item = r.item.clone();
                    let quantity = portion(&item, r.reserved - r.picked, share);
                    (item, quantity)
                })
                .unwrap_or((item_ref(0), Quantity::ONE));
            Command::Pick(Pick {
                order: order_id(o),
                item,
                quantity,
            })
        }
        Op::Ship { order: o } => Command::Ship(Ship {
            shipment: ShipmentId::new(format!("SH{}", query::orders::shipments(state).len()))
                .unwrap(),
            order: order_id(o),
            customer: PartyId::new("SHOP").unwrap(),
            shipped_on: None,
            override_expiry: false,
        }),
        Op::Produce {
            inputs,
            output,
            quantity,
            at,
        } => Command::Produce(Produce {
            work_order: WorkOrderId::new("WO").unwrap(),
            consumed: inputs
                .iter()
                .map(|(index, share)| {
                    let (item, from, available) = line_at(index);
                    let quantity = portion(&item, available, *share);
                    Line {
                        item,
                        location: from,
                        quantity,
                    }
                })
                .collect(),
            outputs: vec![match item_ref(output) {
                // Alternate between new lots and blending into existing ones.
                ItemRef::Lot { product, lot } if quantity % 2 == 0 => Output::NewLot {
                    spec: LotSpec::new(product, lot),
                    quantity: tenths(quantity),
                    location: location(at),
                },
                ItemRef::Lot { product, lot } => Output::IntoLot {
                    product,
                    lot,
                    quantity: tenths(quantity),
                    location: location(at),
                },
                ItemRef::Serial { product, serial } => Output::NewSerial {
                    product,
                    serial: Some(serial),
                    location: location(at),
                },
            }],
            produced_on: None,
            override_expiry: false,
        }),
        Op::Adjust { stock, delta } => {
            let (item, at, _) = line_at(&stock);
            let (product, number) = match item {
                ItemRef::Lot { product, lot } => (product, lot),
                ItemRef::Serial { product, serial } => {
                    (product, LotNumber::new(serial.as_str()).unwrap())
                }
            };
            Command::Adjust(Adjust {
                product,
                lot: number,
                location: at,
                delta: tenths(delta),
            })
        }
        Op::Dispose {
            stock,
            share,
            scrap,
        } => {
            let held: Vec<_> = state
                .lots()
                .iter()
                .flat_map(|lot| {
                    let item = lot.item();
                    lot.stock
                        .iter()
                        .map(move |l| (item.clone(), l.location.clone(), l.held))
                })
                .filter(|(_, _, held)| !held.is_zero())
                .collect();
            let (item, at, held) = pick_from(&held, &stock).unwrap_or_else(|| fallback.clone());
            Command::DisposeReturn(DisposeReturn {
                rma: ReturnId::new("RMA").unwrap(),
                quantity: portion(&item, held, share),
                item,
                location: at,
                disposition: if scrap {
                    Disposition::Scrap
                } else {
                    Disposition::Restock
                },
                to: None,
            })
        }
        Op::Scrap { stock, share } => {
            let (item, at, available) = line_at(&stock);
            let quantity = portion(&item, available, share);
            Command::Scrap(Scrap {
                item,
                location: at,
                quantity,
            })
        }
        Op::Return { shipped, share, at } => {
            let lines: Vec<_> = query::orders::shipments(state)
                .into_iter()
                .flat_map(|s| s.lines)
                .collect();
            let (item, quantity) = pick_from(&lines, &shipped)
                .map(|line| {
                    let item = line.item.clone();
                    let quantity = portion(&item, line.quantity, share);
                    (item, quantity)
                })
                .unwrap_or((item_ref(0), Quantity::ONE));
            Command::Return(Return {
                rma: ReturnId::new("RMA").unwrap(),
                customer: PartyId::new("SHOP").unwrap(),
                item,
                location: location(at),
                quantity,
                release: at % 2 == 0,
            })
        }
        Op::SetActive { item, active } => {
            let (product, number, _) = ITEMS[item];
            Command::SetLotActive(SetLotActive {
                product: pid(product),
                lot: LotNumber::new(number).unwrap(),
                active,
            })
        }
        Op::Hold { item, place: true } => Command::PlaceHold(PlaceHold {
            items: vec![item_ref(item)],
        }),
        Op::Hold { item, place: false } => Command::ReleaseHold(ReleaseHold {
            items: vec![item_ref(item)],
        }),
        Op::Recall { item, hold } => Command::Recall(Recall {
            recall: None,
            suspects: vec![item_ref(item)],
            hold,
        }),
        // Packs a share (up to 14/12: sometimes too much) of one or two stock lines.
        Op::Pack { container, stock } => {
            let lines: Vec<_> = stock
                .iter()
                .map(|(i, share)| (line_at(i), *share))
                .collect();
            let location = lines[0].0 .1.clone();
            Command::Pack(Pack {
                container: ContainerId::new(format!("C{container}")).unwrap(),
                location,
                contents: lines
                    .into_iter()
                    .map(|((item, _, available), share)| PackedItem {
                        quantity: portion(&item, available, share),
                        item,
                    })
                    .collect(),
            })
        }
        Op::Unpack { container } => Command::Unpack(Unpack {
            container: ContainerId::new(format!("C{container}")).unwrap(),
        }),
        Op::Arbitrary {
            item,
            from,
            to,
            quantity,
        } => Command::Move(Move {
            item: item_ref(item),
            from: location(from),
            to: location(to),
            quantity: tenths(quantity),
            override_expiry: false,
        }),
        correction => correction_command(&correction, state, &stock),
    }
}

/// The command of a correction op (reversals, split, merge, unbuild).
fn correction_command(
    op: &Op,
    state: &State,
    stock: &[(ItemRef, LocationId, Quantity)],
) -> Command {
    let lot_number = |i: usize| match item_ref(i) {
        ItemRef::Lot { lot, .. } => lot,
        ItemRef::Serial { serial, .. } => LotNumber::new(serial.as_str()).unwrap(),
    };
    match op {
        Op::ReverseShipment { shipment } => {
            let shipments = query::orders::shipments(state);
            Command::ReverseShipment(ReverseShipment {
                shipment: pick_from(&shipments, shipment)
                    .map_or_else(|| ShipmentId::new("SH0").unwrap(), |s| s.id),
            })
        }
        Op::ReverseReceipt { item } => Command::ReverseReceipt(ReverseReceipt {
            items: vec![item_ref(*item)],
        }),
        Op::ReverseProduction => Command::ReverseProduction(ReverseProduction {
            work_order: WorkOrderId::new("WO").unwrap(),
        }),
        Op::Split {
            stock: at,
            share,
            into,
        } => {
            let (item, location, available) =
                pick_from(stock, at).unwrap_or_else(|| (item_ref(0), loc("DOCK"), Quantity::ONE));
            Command::SplitLot(SplitLot {
                product: item.product().clone(),
                lot: match &item {
                    ItemRef::Lot { lot, .. } => lot.clone(),
                    ItemRef::Serial { serial, .. } => LotNumber::new(serial.as_str()).unwrap(),
                },
                location,
                quantity: portion(&item, available, *share),
                new_lot: Some(lot_number(*into)),
            })
        }
        Op::Merge { item, into, at } => Command::MergeLots(MergeLots {
            product: item_ref(*item).product().clone(),
            lots: vec![lot_number(*item)],
            into: lot_number(*into),
            location: loc(LOCATIONS[*at]),
        }),
        Op::Unbuild { item } => {
            let (product, number) = match item_ref(*item) {
                ItemRef::Serial { product, serial } => (product, serial),
                ItemRef::Lot { product, lot } => {
                    (product, SerialNumber::new(lot.as_str()).unwrap())
                }
            };
            Command::Unbuild(Unbuild {
                product,
                serial: number,
                location: None,
            })
        }
        other => unreachable!("{other:?} is not a correction"),
    }
}

/// Net flow per product, counted from the events alone: in (received, produced,
/// returned, adjusted up) minus out (shipped, consumed, scrapped, adjusted down).
fn net_flow(events: &[Event]) -> HashMap<ProductId, Quantity> {
    let mut net: HashMap<ProductId, Quantity> = HashMap::new();
    let mut add = |product: &ProductId, q: Quantity| *net.entry(product.clone()).or_default() += q;
    for event in events {
        match &event.body.payload {
            EventPayload::LotReceived { lot, .. } => add(&lot.product, lot.on_hand()),
            EventPayload::SerialsReceived {
                product, serials, ..
            } => add(product, Quantity::try_from(serials.len()).unwrap()),
            EventPayload::Shipped { lines, .. } => lines
                .iter()
                .for_each(|l| add(l.item.product(), -l.quantity)),
            EventPayload::Produced {
                consumed, outputs, ..
            } => {
                consumed
                    .iter()
                    .for_each(|l| add(l.item.product(), -l.quantity));
                for output in outputs {
                    match output {
                        event::Produced::NewLot(lot) => add(&lot.product, lot.on_hand()),
                        event::Produced::IntoLot(line) => add(line.item.product(), line.quantity),
                        event::Produced::NewSerial { product, .. } => add(product, Quantity::ONE),
                    }
                }
            }
            EventPayload::Adjusted { line } | EventPayload::Returned { line, .. } => {
                add(line.item.product(), line.quantity)
            }
            EventPayload::Scrapped { line } => add(line.item.product(), -line.quantity),
            EventPayload::ReturnDisposed {
                line,
                disposition: Disposition::Scrap | Disposition::ReturnToSupplier,
                ..
            } => add(line.item.product(), -line.quantity),
            EventPayload::ShipmentReversed { lines, .. } => {
                lines.iter().for_each(|l| add(l.item.product(), l.quantity))
            }
            EventPayload::ReceiptReversed { lines } => lines
                .iter()
                .for_each(|l| add(l.item.product(), -l.quantity)),
            EventPayload::ProductionReversed {
                returned, removed, ..
            } => {
                returned
                    .iter()
                    .for_each(|l| add(l.item.product(), l.quantity));
                removed
                    .iter()
                    .for_each(|l| add(l.item.product(), -l.quantity));
            }
            EventPayload::Unbuilt {
                product,
                components,
                ..
            } => {
                add(product, -Quantity::ONE);
                components
                    .iter()
                    .for_each(|l| add(l.item.product(), l.quantity));
            }
            _ => {}
        }
    }
    net
}

fn in_custody(status: SerialStatus) -> bool {
    use SerialStatus::*;
    matches!(status, Received | InInventory | Allocated | Picked)
}

fn check_invariants(tracker: &Tracker) -> Result<(), TestCaseError> {
    let state = tracker.state();
    let mut on_hand: HashMap<ProductId, Quantity> = HashMap::new();
    let mut reserved_by_line: HashMap<(ItemRef, LocationId), Quantity> = HashMap::new();
    for lot in state.lots() {
        for line in &lot.stock {
            prop_assert!(
                line.on_hand >= Quantity::ZERO && line.reserved >= Quantity::ZERO,
                "negative stock {line:?}"
            );
            prop_assert!(
                line.held >= Quantity::ZERO && line.reserved + line.held <= line.on_hand,
                "reserved and held more than on hand {line:?}"
            );
            prop_assert!(
                !(line.on_hand.is_zero() && line.reserved.is_zero()),
                "empty stock line kept"
            );
        }
        *on_hand.entry(lot.product.clone()).or_default() += lot.on_hand();
    }
    for s in state.serials() {
        prop_assert_eq!(
            s.location.is_some(),
            in_custody(s.status),
            "serial {} {} at {:?}",
            s.number,
            s.status,
            s.location
        );
        let for_order = matches!(s.status, SerialStatus::Allocated | SerialStatus::Picked);
        prop_assert_eq!(s.order.is_some(), for_order);
        if in_custody(s.status) {
            *on_hand.entry(s.product.clone()).or_default() += Quantity::ONE;
        }
    }
    for o in 0..2 {
        for r in query::orders::reservations(state, &order(&format!("O{o}"))) {
            prop_assert!(
                r.picked >= Quantity::ZERO && r.picked <= r.reserved && r.reserved > Quantity::ZERO,
                "{r:?}"
            );
            *reserved_by_line
                .entry((r.item.clone(), r.location.clone()))
                .or_default() += r.reserved;
        }
    }
    for lot in state.lots() {
        for line in &lot.stock {
            let item = ItemRef::Lot {
                product: lot.product.clone(),
                lot: lot.number.clone(),
            };
            let reserved = reserved_by_line
                .get(&(item, line.location.clone()))
                .copied()
                .unwrap_or_default();
            prop_assert_eq!(
                reserved,
                line.reserved,
                "reservations disagree with stock of {}",
                lot.number
            );
        }
    }
    // A serial is in one packed container at most.
    let mut packed_serials = std::collections::HashSet::new();
    for c in 0..4 {
        let id = ContainerId::new(format!("C{c}")).unwrap();
        let Some(container) = state.container(&id) else {
            continue;
        };
        prop_assert!(!container.contents.is_empty());
        if container.unpacked_on.is_none() {
            for packed in &container.contents {
                if matches!(packed.item, ItemRef::Serial { .. }) {
                    prop_assert!(
                        packed_serials.insert(packed.item.clone()),
                        "{} in two packed containers",
                        packed.item
                    );
                }
            }
        }
    }
    let mut flow = net_flow(&tracker.events(0).unwrap());
    flow.retain(|_, q| !q.is_zero());
    on_hand.retain(|_, q| !q.is_zero());
    prop_assert_eq!(
        flow,
        on_hand,
        "received + produced + returned ± adjusted − shipped − consumed − scrapped ≠ on hand"
    );
    Ok(())
}

static CASE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_command_sequences_keep_every_invariant(ops in proptest::collection::vec(op(), 1..60)) {
        let path = temp_db(&format!("case-{}", CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
        let mut memory = Plant::new();
        // Snapshots every 7 events: the reopening below starts from the latest one.
        let snapshots = OpenOptions { snapshot_every: 7, ..OpenOptions::default() };
        let mut sqlite = Plant::on(Tracker::open_with(&path, snapshots).unwrap());
        for op in &ops {
            let command = to_command(op, memory.tracker.state());
            let before = memory.tracker.state().clone();
            let head = memory.tracker.head();
            let result = memory.run(command.clone());
            let mirrored = sqlite.run(command);
            prop_assert_eq!(result.is_ok(), mirrored.is_ok(), "memory {:?} vs sqlite {:?}", result, mirrored);
            if result.is_err() {
                prop_assert_eq!(memory.tracker.state(), &before, "rejected {:?} changed the state", op);
                prop_assert_eq!(memory.tracker.head(), head);
            } else {
                // Every change of state is in the log: replaying it gives the live state
                // (lot activity, holds and recall records included).
                let mut replayed = State::default();
                for event in memory.tracker.events(0).unwrap() {
                    replayed.apply(event.seq, &event.body).unwrap();
                }
                prop_assert_eq!(&replayed, memory.tracker.state(), "after {:?} the log does not explain the state", op);
            }
            check_invariants(&memory.tracker)?;
        }
        prop_assert_eq!(sqlite.tracker.state(), memory.tracker.state());

        let records = memory.tracker.stored_events(0).unwrap();
        let replayed = Tracker::with_store(Box::new(MemoryStore::from_records(records)), Arc::new(SystemClock)).unwrap();
        prop_assert_eq!(replayed.state(), memory.tracker.state(), "replaying the log gives another state");

        drop(sqlite);
        let reopened = Tracker::open(&path).unwrap();
        prop_assert_eq!(reopened.state(), memory.tracker.state(), "reopened SQLite store differs");
        prop_assert!(reopened.warnings().is_empty(), "{:?}", reopened.warnings());
        prop_assert_eq!(reopened.head(), memory.tracker.head());
    }

    #[test]
    fn any_single_byte_change_to_a_stored_event_fails_verify(
        ops in proptest::collection::vec(op(), 1..25),
        pick in any::<prop::sample::Index>(),
        offset in any::<prop::sample::Index>(),
        field in 0..3u8,
    ) {
        let mut plant = Plant::new();
        for op in &ops {
            let command = to_command(op, plant.tracker.state());
            let _ = plant.run(command);
        }
        let mut records = plant.tracker.stored_events(0).unwrap();
        let at = pick.index(records.len());
        let record = &mut records[at];
        match field {
            0 => {
                let i = offset.index(record.body.len());
                record.body[i] ^= 0x01;
            }
            1 => record.prev_hash[offset.index(32)] ^= 0x80,
            _ => record.hash[offset.index(32)] ^= 0x80,
        }
        match event::audit::verify(&MemoryStore::from_records(records)) {
            Err(TraceError::Tampered { seq, .. }) => prop_assert_eq!(seq, at as u64),
            other => prop_assert!(false, "change at event {} not detected: {:?}", at, other),
        }
    }
}

proptest! {
    // Cheap cases, about one in four reaching the comparison: many of them.
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// What a PostgreSQL store relies on to append a stale command as decided: a command
    /// that commutes, decided against a state that then missed other writers' events,
    /// decides the same after them when they are all keyed and change nothing it read;
    /// and its events applied after them give the state a replay of that log gives.
    #[test]
    fn a_commuting_command_decides_the_same_after_events_on_other_things(
        setup in proptest::collection::vec(op(), 0..40),
        missed in proptest::collection::vec(commuting_op(), 1..6),
        mine in commuting_op(),
    ) {
        let mut plant = Plant::new();
        for op in &setup {
            let _ = plant.run(to_command(op, plant.tracker.state()));
        }
        let before = plant.tracker.state().clone();
        let command = to_command(&mine, &before);
        let context = |state| decide::Context { state, today: date(TODAY), reason: Some("test") };
        let Ok(decided) = decide::decide(&context(&before), &command) else { return Ok(()) };
        let Some(keys) = event::conflict::ConflictKeys::of_command(&command, &decided) else {
            return Ok(());
        };
        let from = plant.tracker.head().0;
        for op in &missed {
            let _ = plant.run(to_command(op, plant.tracker.state()));
        }
        let theirs: Vec<EventPayload> = plant.tracker.events(from).unwrap().into_iter().map(|e| e.body.payload).collect();
        let their_keys = event::conflict::ConflictKeys::of(&theirs);
        let unread = their_keys.keys().iter().all(|k| !keys.reads().contains(k));
        if !unread || their_keys.counts().contains(&-1) {
            return Ok(());
        }
        let after = plant.tracker.state();
        prop_assert_eq!(decide::decide(&context(after), &command), Ok(decided.clone()));
        let next = plant.tracker.head().0;
        let mut applied = after.clone();
        let mut replayed = State::default();
        let mut log: Vec<event::EventBody> = plant.tracker.events(0).unwrap().into_iter().map(|e| e.body).collect();
        for (seq, payload) in (next..).zip(decided) {
            let body = event::EventBody::new("tester", Some("test"), payload);
            applied.apply(seq, &body).unwrap();
            log.push(body);
        }
        for (seq, body) in (0..).zip(&log) {
            replayed.apply(seq, body).unwrap();
        }
        prop_assert_eq!(applied, replayed);
    }
}

/// Commands that commute (and a few that do not, as they come out of the same fixed
/// items: a move to the customer location is a delivery, a serial's receipt is not a
/// lot's).
fn commuting_op() -> impl Strategy<Value = Op> {
    let item = 0..ITEMS.len();
    let at = 0..LOCATIONS.len();
    let share = 0i64..13;
    let index = any::<Index>;
    prop_oneof![
        (item.clone(), 0i64..120, at.clone()).prop_map(|(item, quantity, at)| Op::Receive {
            item,
            quantity,
            at
        }),
        (index(), at, share.clone()).prop_map(|(stock, to, share)| Op::Move { stock, to, share }),
        (index(), -8i64..8).prop_map(|(stock, delta)| Op::Adjust { stock, delta }),
        (index(), share).prop_map(|(stock, share)| Op::Scrap { stock, share }),
        (item.clone(), any::<bool>()).prop_map(|(item, active)| Op::SetActive { item, active }),
        (0..2usize, index(), 0i64..13).prop_map(|(order, stock, share)| Op::Allocate {
            order,
            stock,
            share
        }),
        (0..2usize, item, 1i64..60, any::<bool>()).prop_map(
            |(order, product, quantity, partial)| Op::AllocateStock {
                order,
                product,
                quantity,
                partial
            }
        ),
    ]
}

#[test]
fn records_copied_into_a_sqlite_store_replay_to_the_same_state() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "L0", "12.5", "DOCK").unwrap();
    plant
        .move_item(lot("FLOUR", "L0"), "DOCK", "STOCK", "2.5")
        .unwrap();
    let path = temp_db("copied-records");
    let mut store = SqliteStore::open(&path).unwrap();
    store
        .append(0, &plant.tracker.stored_events(0).unwrap())
        .unwrap();
    drop(store);
    assert_eq!(Tracker::open(&path).unwrap().state(), plant.tracker.state());
}
