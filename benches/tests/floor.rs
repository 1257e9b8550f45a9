//! The floor answers as the library does: on the whole query mix of a generated data
//! set, and on a small history with rework (a cycle) and a lot without a supplier.

use traceability_bench::floor::Floor;
use traceability_bench::{
    generate, load_state, query_mix, shape, Answer, Query, QueryClass, BACKWARD_QUERIES,
    HUB_QUERIES, TYPICAL_QUERIES,
};
use traceability_core::{
    Allocate, Command, ItemRef, Line, Location, LocationKind, LotNumber, LotSpec, Output, Party,
    PartyRole, Pick, Produce, Product, Quantity, ReceiveLot, Ship, Tracking,
};

#[test]
fn the_query_mix_is_fixed_and_spread() {
    let data = generate(5_000, 3);
    let mix = query_mix(&data);
    assert_eq!(mix, query_mix(&data));
    assert_eq!(
        mix.queries.len(),
        TYPICAL_QUERIES + HUB_QUERIES + BACKWARD_QUERIES
    );
    let typical: Vec<&Query> = mix.of(QueryClass::TypicalForward).collect();
    assert_eq!(typical.len(), TYPICAL_QUERIES);
    assert!(typical.iter().all(|q| data.raw.contains(&q.item)));
    // spread: distinct picks from the first to the last tenth of the raw lots
    let mut distinct: Vec<&ItemRef> = typical.iter().map(|q| &q.item).collect();
    distinct.dedup();
    assert_eq!(distinct.len(), TYPICAL_QUERIES);
    assert!(data.raw[..data.raw.len() / 10].contains(&typical[0].item));
    assert!(data.raw[data.raw.len() * 9 / 10..].contains(&typical[TYPICAL_QUERIES - 1].item));
    assert_eq!(mix.of(QueryClass::HubForward).count(), HUB_QUERIES);
    assert!(mix
        .of(QueryClass::HubForward)
        .all(|q| data.hubs.contains(&q.item)));
    assert_eq!(mix.of(QueryClass::Backward).count(), BACKWARD_QUERIES);
    assert!(mix
        .of(QueryClass::Backward)
        .all(|q| data.finished.contains(&q.item)));
}

#[test]
fn floor_and_library_agree_on_the_whole_mix() {
    let data = generate(5_000, 21);
    let (state, _) = load_state(&data.commands).unwrap();
    let floor = Floor::build(&data.commands);
    let mix = query_mix(&data);
    let mut reached = 0;
    for q in &mix.queries {
        let expected = Answer::floor(&floor, q);
        let got = Answer::library(&state, q);
        if let Some(diff) = expected.diff(&got) {
            panic!("{:?} from {}: {diff}", q.class, q.item);
        }
        assert!(expected.lots.contains(&q.item));
        reached += expected.lots.len();
    }
    assert!(reached > 2 * mix.queries.len(), "the mix reaches {reached}");
    // and the shape it reports is the data's
    let s = shape(&data, &floor);
    assert_eq!(s.edges, data.edges);
    assert_eq!(s.shipment_lines, data.shipments);
    assert_eq!(s.hubs, data.hubs.len());
    assert!(s.hub_descendants.median > s.typical_descendants.median);
}

fn lot(product: &str, n: &str) -> ItemRef {
    ItemRef::lot(product, n).unwrap()
}

fn spec(product: &str, n: &str) -> LotSpec {
    LotSpec::new(product.parse().unwrap(), LotNumber::new(n).unwrap())
}

fn line(item: &ItemRef) -> Line {
    Line {
        item: item.clone(),
        location: "WH".parse().unwrap(),
        quantity: Quantity::ONE,
    }
}

/// A → B, B → C, C reworked back into B (a cycle), D (no supplier) → C; C shipped twice.
fn small_history() -> Vec<Command> {
    let mut c = vec![
        Command::RegisterLocation(Location {
            id: "WH".parse().unwrap(),
            kind: LocationKind::Internal,
            description: String::new(),
            gln: None,
            party: None,
        }),
        Command::RegisterProduct(Product::new("P".parse().unwrap(), Tracking::Lot)),
        Command::RegisterParty(Party {
            id: "S1".parse().unwrap(),
            role: PartyRole::Supplier,
            name: "s".into(),
            gln: None,
        }),
    ];
    for customer in ["C1", "C2"] {
        c.push(Command::RegisterParty(Party {
            id: customer.parse().unwrap(),
            role: PartyRole::Customer,
            name: customer.into(),
            gln: None,
        }));
    }
    for (n, supplier) in [("A", Some("S1")), ("D", None)] {
        c.push(Command::ReceiveLot(ReceiveLot {
            spec: spec("P", n),
            quantity: Quantity::from(100),
            location: "WH".parse().unwrap(),
            supplier: supplier.map(|s| s.parse().unwrap()),
            received_on: None,
            reference: None,
        }));
    }
    let produce = |wo: &str, consumed: &[ItemRef], output: Output| {
        Command::Produce(Produce {
            work_order: wo.parse().unwrap(),
            consumed: consumed.iter().map(line).collect(),
            outputs: vec![output],
            produced_on: None,
            override_expiry: false,
        })
    };
    let new_lot = |n: &str| Output::NewLot {
        spec: spec("P", n),
        quantity: Quantity::from(10),
        location: "WH".parse().unwrap(),
    };
    c.push(produce("WO1", &[lot("P", "A")], new_lot("B")));
    c.push(produce(
        "WO2",
        &[lot("P", "B"), lot("P", "D")],
        new_lot("C"),
    ));
    c.push(produce(
        "WO3",
        &[lot("P", "C")],
        Output::IntoLot {
            product: "P".parse().unwrap(),
            lot: LotNumber::new("B").unwrap(),
            quantity: Quantity::ONE,
            location: "WH".parse().unwrap(),
        },
    ));
    for (order, customer) in [("SO1", "C1"), ("SO2", "C2")] {
        c.push(Command::Allocate(Allocate {
            order: order.parse().unwrap(),
            item: lot("P", "C"),
            location: None,
            quantity: Quantity::ONE,
            ship_date: None,
        }));
        c.push(Command::Pick(Pick {
            order: order.parse().unwrap(),
            item: lot("P", "C"),
            quantity: Quantity::ONE,
        }));
        c.push(Command::Ship(Ship {
            shipment: format!("SH-{order}").parse().unwrap(),
            order: order.parse().unwrap(),
            customer: customer.parse().unwrap(),
            shipped_on: None,
            override_expiry: false,
        }));
    }
    c
}

#[test]
fn floor_walks_cycles_and_agrees_on_a_small_history() {
    let commands = small_history();
    let (state, _) = load_state(&commands).unwrap();
    let floor = Floor::build(&commands);
    assert_eq!(floor.lots(), 4);
    let size = floor.size();
    assert_eq!((size.edges, size.shipment_lines, size.receipts), (4, 2, 1));
    for n in ["A", "B", "C", "D"] {
        for class in [QueryClass::TypicalForward, QueryClass::Backward] {
            let q = Query {
                class,
                item: lot("P", n),
            };
            let expected = Answer::floor(&floor, &q);
            assert_eq!(expected.diff(&Answer::library(&state, &q)), None, "{n}");
        }
    }
    let a = floor.lot(&lot("P", "A")).unwrap();
    let down = floor.forward(a);
    assert_eq!(down.lots.len(), 3); // A, B, C
    assert_eq!(down.shipments.len(), 2);
    assert_eq!(down.customers.len(), 2);
    let b = floor.lot(&lot("P", "B")).unwrap();
    let up = floor.backward(b);
    assert_eq!(up.lots.len(), 4); // B, A, C (rework), D
    assert_eq!(up.suppliers.len(), 1);
    // repeated walks reuse the stamps
    for _ in 0..3 {
        assert_eq!(floor.forward(a), down);
    }
}
