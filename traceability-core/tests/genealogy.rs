//! Genealogy, trace and recall on hand-built genealogies with known answers, plus
//! property tests (forward/backward agreement, recall hold blocks exactly the affected).

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::strategy::Strategy;
use traceability_core::query::trace::recall_report;
use traceability_core::*;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, day).unwrap()
}

fn q(n: i64) -> Quantity {
    Quantity::try_from(n).unwrap()
}

struct World {
    t: Tracker,
    next: u32,
}

const WH: &str = "WH";

impl World {
    fn new() -> Self {
        let mut t = Tracker::in_memory();
        t.set_clock(Arc::new(FixedClock::new(
            d(1).and_hms_opt(8, 0, 0).unwrap().and_utc(),
        )));
        let mut w = World { t, next: 0 };
        w.run(Command::RegisterLocation(Location {
            id: LocationId::new(WH).unwrap(),
            kind: LocationKind::Internal,
            description: String::new(),
            gln: None,
            party: None,
        }));
        for p in ["RAW", "MID", "FG"] {
            w.run(Command::RegisterProduct(Product::new(
                ProductId::new(p).unwrap(),
                Tracking::Lot,
            )));
        }
        for p in ["PART", "ASSY"] {
            w.run(Command::RegisterProduct(Product::new(
                ProductId::new(p).unwrap(),
                Tracking::Serial,
            )));
        }
        for (id, role) in [
            ("SUP1", PartyRole::Supplier),
            ("SUP2", PartyRole::Supplier),
            ("C1", PartyRole::Customer),
            ("C2", PartyRole::Customer),
        ] {
            w.run(Command::RegisterParty(Party {
                id: PartyId::new(id).unwrap(),
                role,
                name: id.into(),
                gln: None,
            }));
        }
        w
    }

    fn run(&mut self, c: Command) -> Committed {
        self.t.execute("test", Some("test"), &c).unwrap()
    }

    fn receive(&mut self, product: &str, lot: &str, qty: i64, supplier: Option<&str>) -> ItemRef {
        let mut spec = LotSpec::new(
            ProductId::new(product).unwrap(),
            LotNumber::new(lot).unwrap(),
        );
        spec.supplier_lot = supplier.map(|s| format!("{s}-{lot}"));
        self.run(Command::ReceiveLot(ReceiveLot {
            spec,
            quantity: q(qty),
            location: loc(),
            supplier: supplier.map(|s| PartyId::new(s).unwrap()),
            received_on: Some(d(2)),
            reference: None,
        }));
        ItemRef::lot(product, lot).unwrap()
    }

    fn wo(&mut self) -> WorkOrderId {
        self.next += 1;
        WorkOrderId::new(format!("WO{}", self.next)).unwrap()
    }

    /// Consumes 1 of each input, produces a new lot of `qty`.
    fn produce(&mut self, inputs: &[&ItemRef], product: &str, lot: &str, qty: i64) -> ItemRef {
        let wo = self.wo();
        self.run(Command::Produce(Produce {
            work_order: wo,
            consumed: inputs.iter().map(|i| line(i, 1)).collect(),
            outputs: vec![Output::NewLot {
                spec: LotSpec::new(
                    ProductId::new(product).unwrap(),
                    LotNumber::new(lot).unwrap(),
                ),
                quantity: q(qty),
                location: loc(),
            }],
            produced_on: Some(d(3)),
            override_expiry: false,
        }));
        ItemRef::lot(product, lot).unwrap()
    }

    /// Consumes 1 of each input back into an existing lot (rework / blending).
    fn rework(&mut self, inputs: &[&ItemRef], into: &ItemRef) {
        let ItemRef::Lot { product, lot } = into else {
            panic!("lot expected")
        };
        let wo = self.wo();
        self.run(Command::Produce(Produce {
            work_order: wo,
            consumed: inputs.iter().map(|i| line(i, 1)).collect(),
            outputs: vec![Output::IntoLot {
                product: product.clone(),
                lot: lot.clone(),
                quantity: q(1),
                location: loc(),
            }],
            produced_on: Some(d(3)),
            override_expiry: false,
        }));
    }

    fn ship(&mut self, item: &ItemRef, qty: i64, customer: &str, shipment: &str) {
        let order = OrderId::new(format!("SO-{shipment}")).unwrap();
        self.run(Command::Allocate(Allocate {
            order: order.clone(),
            item: item.clone(),
            location: Some(loc()),
            quantity: q(qty),
            ship_date: None,
        }));
        self.run(Command::Pick(Pick {
            order: order.clone(),
            item: item.clone(),
            quantity: q(qty),
        }));
        self.run(Command::Ship(Ship {
            shipment: ShipmentId::new(shipment).unwrap(),
            order,
            customer: PartyId::new(customer).unwrap(),
            shipped_on: Some(d(4)),
            override_expiry: false,
        }));
    }
}

fn loc() -> LocationId {
    LocationId::new(WH).unwrap()
}

fn line(item: &ItemRef, qty: i64) -> Line {
    Line {
        item: item.clone(),
        location: loc(),
        quantity: q(qty),
    }
}

fn depths(items: &[query::trace::TracedItem]) -> Vec<(String, u32)> {
    let mut v: Vec<_> = items
        .iter()
        .map(|t| (t.item.to_string(), t.depth))
        .collect();
    v.sort();
    v
}

fn names(items: &[(&ItemRef, u32)]) -> Vec<(String, u32)> {
    let mut v: Vec<_> = items.iter().map(|(i, d)| (i.to_string(), *d)).collect();
    v.sort();
    v
}

#[test]
fn diamond() {
    let mut w = World::new();
    let a = w.receive("RAW", "A", 100, Some("SUP1"));
    let b = w.produce(&[&a], "MID", "B", 10);
    let c = w.produce(&[&a], "MID", "C", 10);
    let dd = w.produce(&[&b, &c], "FG", "D", 10);

    let f = trace_forward(w.t.state(), &a).unwrap();
    assert_eq!(f.items[0].item, a);
    assert_eq!(
        depths(f.descendants()),
        names(&[(&b, 1), (&c, 1), (&dd, 2)])
    );
    assert_eq!(f.edges.len(), 4);
    let back = trace_backward(w.t.state(), &dd).unwrap();
    assert_eq!(
        depths(back.ancestors()),
        names(&[(&b, 1), (&c, 1), (&a, 2)])
    );
    assert_eq!(back.receipts.len(), 1);
    assert_eq!(back.receipts[0].item, a);
    assert_eq!(back.receipts[0].received_on, Some(d(2)));
    assert_eq!(back.receipts[0].supplier_lot.as_deref(), Some("SUP1-A"));
    assert_eq!(back.suppliers, vec![PartyId::new("SUP1").unwrap()]);
}

#[test]
fn shared_hub_and_suppliers() {
    let mut w = World::new();
    let hub = w.receive("RAW", "HUB", 1000, Some("SUP1"));
    let other = w.receive("RAW", "O", 1000, Some("SUP2"));
    let mut outs = Vec::new();
    for i in 0..20 {
        let inputs: Vec<&ItemRef> = if i % 2 == 0 {
            vec![&hub, &other]
        } else {
            vec![&hub]
        };
        let x = w.produce(&inputs, "MID", &format!("X{i}"), 10);
        outs.push(x);
    }
    let fg = w.produce(&[&outs[0], &outs[1]], "FG", "F", 10);
    let f = trace_forward(w.t.state(), &hub).unwrap();
    assert_eq!(f.descendants().len(), 21);
    assert!(f.descendants().iter().all(|t| t.depth == 1 || t.item == fg));
    let back = trace_backward(w.t.state(), &fg).unwrap();
    assert_eq!(back.ancestors().len(), 4);
    assert_eq!(
        back.suppliers,
        vec![PartyId::new("SUP1").unwrap(), PartyId::new("SUP2").unwrap()]
    );
    // the other raw lot only reaches the even outputs and the FG
    let fo = trace_forward(w.t.state(), &other).unwrap();
    assert_eq!(fo.descendants().len(), 11);
}

#[test]
fn cycles_terminate_and_never_repeat() {
    let mut w = World::new();
    let a = w.receive("RAW", "A", 100, None);
    let b = w.produce(&[&a], "MID", "B", 10);
    let c = w.produce(&[&b], "MID", "C", 10);
    // rework: C goes back into A (cycle A → B → C → A), and A into itself (self-loop)
    w.rework(&[&c], &a);
    w.rework(&[&a], &a);
    for start in [&a, &b, &c] {
        let f = trace_forward(w.t.state(), start).unwrap();
        assert_eq!(f.items.len(), 3, "forward from {start}");
        let set: BTreeSet<_> = f.items.iter().map(|t| t.item.clone()).collect();
        assert_eq!(set.len(), 3);
        let back = trace_backward(w.t.state(), start).unwrap();
        assert_eq!(back.items.len(), 3, "backward from {start}");
        assert_eq!(back.items[0].depth, 0);
    }
    let f = trace_forward(w.t.state(), &a).unwrap();
    assert_eq!(depths(f.descendants()), names(&[(&b, 1), (&c, 2)]));
    // every edge (incl. the self-loop) is rendered once
    assert_eq!(f.edges.len(), 4);
    assert_eq!(f.to_dot().matches("->").count(), 4);
}

#[test]
fn serial_assembly() {
    let mut w = World::new();
    let part = ProductId::new("PART").unwrap();
    w.run(Command::ReceiveSerials(ReceiveSerials {
        product: part.clone(),
        serials: vec![
            SerialNumber::new("P1").unwrap(),
            SerialNumber::new("P2").unwrap(),
        ],
        location: loc(),
        supplier: Some(PartyId::new("SUP2").unwrap()),
        reference: None,
        generate: 0,
        put_away: false,
        received_on: None,
    }));
    // putaway: RECEIVED → IN_INVENTORY needs a move
    let wh2 = LocationId::new("WH2").unwrap();
    w.run(Command::RegisterLocation(Location {
        id: wh2.clone(),
        kind: LocationKind::Internal,
        description: String::new(),
        gln: None,
        party: None,
    }));
    let p1 = ItemRef::serial("PART", "P1").unwrap();
    w.run(Command::Move(Move {
        item: p1.clone(),
        from: loc(),
        to: wh2.clone(),
        quantity: q(1),
        override_expiry: false,
    }));
    let glue = w.receive("RAW", "GLUE", 10, Some("SUP1"));
    let wo = w.wo();
    w.run(Command::Produce(Produce {
        work_order: wo.clone(),
        consumed: vec![
            Line {
                item: p1.clone(),
                location: wh2.clone(),
                quantity: q(1),
            },
            line(&glue, 1),
        ],
        outputs: vec![Output::NewSerial {
            product: ProductId::new("ASSY").unwrap(),
            serial: Some(SerialNumber::new("A1").unwrap()),
            location: loc(),
        }],
        produced_on: Some(d(3)),
        override_expiry: false,
    }));
    let a1 = ItemRef::serial("ASSY", "A1").unwrap();
    let back = trace_backward(w.t.state(), &a1).unwrap();
    assert_eq!(depths(back.ancestors()), names(&[(&p1, 1), (&glue, 1)]));
    assert_eq!(back.receipts.len(), 2);
    assert_eq!(
        back.suppliers,
        vec![PartyId::new("SUP1").unwrap(), PartyId::new("SUP2").unwrap()]
    );
    assert!(back.edges.iter().all(|e| e.work_order == wo));
    let f = trace_forward(w.t.state(), &p1).unwrap();
    assert_eq!(depths(f.descendants()), names(&[(&a1, 1)]));
    // the assembly is in stock (RECEIVED at WH), the consumed part is not
    assert_eq!(f.stock.len(), 1);
    assert_eq!(f.stock[0].item, a1);
    assert_eq!(f.stock[0].on_hand, q(1));
}

#[test]
fn partial_shipments_customers_and_stock() {
    let mut w = World::new();
    let a = w.receive("RAW", "A", 100, Some("SUP1"));
    let f = w.produce(&[&a], "FG", "F", 10);
    let g = w.produce(&[&a], "FG", "G", 10);
    w.ship(&f, 3, "C1", "SH1");
    w.ship(&f, 2, "C2", "SH2");
    w.ship(&g, 10, "C1", "SH3");
    let tr = trace_forward(w.t.state(), &a).unwrap();
    let lines: Vec<_> = tr
        .shipments
        .iter()
        .map(|s| {
            (
                s.shipment.as_str(),
                s.customer.as_str(),
                s.item.clone(),
                s.quantity,
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("SH1", "C1", f.clone(), q(3)),
            ("SH2", "C2", f.clone(), q(2)),
            ("SH3", "C1", g.clone(), q(10)),
        ]
    );
    assert_eq!(tr.customers.len(), 2);
    // A: 98 left; F: 5 left; G: all shipped
    let stock: Vec<_> = tr
        .stock
        .iter()
        .map(|s| (s.item.clone(), s.on_hand))
        .collect();
    assert_eq!(stock, vec![(a.clone(), q(98)), (f.clone(), q(5))]);
    assert_eq!(tr.stock[1].locations[0].location, loc());
    // forward from F alone: only its own shipments
    let tf = trace_forward(w.t.state(), &f).unwrap();
    assert_eq!(tf.shipments.len(), 2);
    assert!(tf.descendants().is_empty());
    // rendering
    let dot = tr.to_dot();
    assert!(dot.starts_with("digraph") && dot.contains("SH2") && dot.contains("shape=house"));
    let mm = tr.to_mermaid();
    assert!(mm.starts_with("flowchart LR") && mm.contains("-.->"));
    // JSON for the bindings: public refs, no internal indexes
    let json = serde_json::to_value(&tr).unwrap();
    assert_eq!(json["items"][0]["item"]["lot"]["lot"], "A");
    // ... and back, so a binding can render a result it returned earlier
    let back: query::trace::ForwardTrace = serde_json::from_value(json).unwrap();
    assert_eq!(back, tr);
    let report = query::trace::recall_report(w.t.state(), std::slice::from_ref(&a)).unwrap();
    let text = serde_json::to_string(&report).unwrap();
    let back: query::trace::RecallReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back.to_mermaid(), report.to_mermaid());
}

#[test]
fn recall_reports_and_hold_blocks_affected_only() {
    let mut w = World::new();
    let a = w.receive("RAW", "A", 100, Some("SUP1"));
    let b = w.receive("RAW", "B", 100, Some("SUP1"));
    let f = w.produce(&[&a], "FG", "F", 10);
    let g = w.produce(&[&b], "FG", "G", 10);
    w.ship(&f, 4, "C2", "SH1");
    // an order allocated before the recall
    w.run(Command::Allocate(Allocate {
        order: OrderId::new("SO-X").unwrap(),
        item: f.clone(),
        location: None,
        quantity: q(1),
        ship_date: None,
    }));
    w.run(Command::Pick(Pick {
        order: OrderId::new("SO-X").unwrap(),
        item: f.clone(),
        quantity: q(1),
    }));
    let report =
        w.t.recall("qa", "salmonella", std::slice::from_ref(&a), true)
            .unwrap();
    assert_eq!(report.items.len(), 2);
    assert_eq!(report.customers.len(), 1);
    assert_eq!(report.customers[0].customer.as_str(), "C2");
    assert_eq!(report.customers[0].shipments[0].quantity, q(4));
    assert_eq!(report.locations.len(), 1);
    assert_eq!(report.locations[0].stock.len(), 2);
    assert_eq!(report.held, vec![a.clone(), f.clone()]);
    assert!(report.hold_seq.is_some());
    assert!(report.to_mermaid().contains("C2"));

    let alloc = |item: &ItemRef| {
        Command::Allocate(Allocate {
            order: OrderId::new("SO-Y").unwrap(),
            item: item.clone(),
            location: None,
            quantity: q(1),
            ship_date: None,
        })
    };
    for held in [&a, &f] {
        let e = w.t.execute("x", None, &alloc(held)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotUsable, "{held}");
    }
    // the picked order cannot ship
    let e =
        w.t.execute(
            "x",
            None,
            &Command::Ship(Ship {
                shipment: ShipmentId::new("SH9").unwrap(),
                order: OrderId::new("SO-X").unwrap(),
                customer: PartyId::new("C1").unwrap(),
                shipped_on: Some(d(5)),
                override_expiry: false,
            }),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotUsable);
    // unaffected stock is still usable
    w.t.execute("x", None, &alloc(&g)).unwrap();
    w.t.execute("x", None, &alloc(&b)).unwrap();
    // a second recall holds nothing new
    let again =
        w.t.recall("qa", "again", std::slice::from_ref(&a), true)
            .unwrap();
    assert!(again.held.is_empty() && again.hold_seq.is_none());
    // release needs a reason, then works
    let release = Command::ReleaseHold(ReleaseHold {
        items: vec![f.clone()],
    });
    let e = w.t.execute("qa", None, &release).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    w.t.execute("qa", Some("cleared by lab"), &release).unwrap();
    w.t.execute("x", None, &alloc(&f)).unwrap();
    // releasing again, or holding an unknown lot, is refused
    assert_eq!(
        w.t.execute("qa", Some("r"), &release).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let unknown = ItemRef::lot("RAW", "NOPE").unwrap();
    assert_eq!(
        w.t.execute(
            "qa",
            Some("r"),
            &Command::PlaceHold(PlaceHold {
                items: vec![unknown.clone()]
            })
        )
        .unwrap_err()
        .kind(),
        ErrorKind::UnknownLot
    );
    assert_eq!(
        w.t.recall("qa", "r", &[unknown], true).unwrap_err().kind(),
        ErrorKind::UnknownLot
    );
    assert_eq!(
        w.t.recall("qa", " ", std::slice::from_ref(&a), true)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn unknown_items_are_typed_errors() {
    let w = World::new();
    let e = trace_forward(w.t.state(), &ItemRef::lot("RAW", "X").unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownLot);
    let e = trace_backward(w.t.state(), &ItemRef::serial("PART", "X").unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownSerial);
    let e = trace_forward(w.t.state(), &ItemRef::lot("NOPRODUCT", "X").unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownLot);
}

#[test]
fn item_without_genealogy_traces_to_itself() {
    let mut w = World::new();
    let a = w.receive("RAW", "A", 5, Some("SUP1"));
    let f = trace_forward(w.t.state(), &a).unwrap();
    assert_eq!(f.items.len(), 1);
    assert_eq!(f.stock[0].on_hand, q(5));
    let b = trace_backward(w.t.state(), &a).unwrap();
    assert_eq!(b.receipts.len(), 1);
}

#[test]
fn replayed_state_has_the_same_genealogy() {
    let mut w = World::new();
    let a = w.receive("RAW", "A", 100, None);
    let b = w.produce(&[&a], "MID", "B", 10);
    w.rework(&[&b], &a);
    w.ship(&b, 2, "C1", "SH1");
    w.t.recall("qa", "r", std::slice::from_ref(&a), true)
        .unwrap();
    let mut replay = State::default();
    for e in w.t.events(0).unwrap() {
        replay.apply(e.seq, &e.body).unwrap();
    }
    assert!(replay == *w.t.state());
    assert_eq!(query::orders::links(&replay).len(), 2);
    assert_eq!(replay.genealogy_size().edges, 2);
}

// ---------------------------------------------------------------- properties

#[derive(Clone, Debug)]
enum Op {
    /// Consume these earlier lots (indexes modulo the count) into a new lot.
    New(Vec<usize>),
    /// Consume these into an existing lot (may close a cycle).
    Into(Vec<usize>, usize),
}

fn ops() -> impl Strategy<Value = (usize, Vec<Op>)> {
    let op = prop_oneof![
        4 => prop::collection::vec(0usize..1000, 1..4).prop_map(Op::New),
        1 => (prop::collection::vec(0usize..1000, 1..3), 0usize..1000)
            .prop_map(|(v, t)| Op::Into(v, t)),
    ];
    (1usize..5, prop::collection::vec(op, 0..14))
}

fn build(raw: usize, ops: &[Op]) -> (World, Vec<ItemRef>) {
    let mut w = World::new();
    let mut lots: Vec<ItemRef> = (0..raw)
        .map(|i| w.receive("RAW", &format!("R{i}"), 1000, Some("SUP1")))
        .collect();
    for (k, op) in ops.iter().enumerate() {
        let pick = |v: &[usize], n: usize| -> Vec<usize> {
            let s: BTreeSet<usize> = v.iter().map(|i| i % n).collect();
            s.into_iter().collect()
        };
        match op {
            Op::New(v) => {
                let inputs: Vec<ItemRef> = pick(v, lots.len())
                    .into_iter()
                    .map(|i| lots[i].clone())
                    .collect();
                let refs: Vec<&ItemRef> = inputs.iter().collect();
                let out = w.produce(&refs, "MID", &format!("M{k}"), 100);
                lots.push(out);
            }
            Op::Into(v, t) => {
                let inputs: Vec<ItemRef> = pick(v, lots.len())
                    .into_iter()
                    .map(|i| lots[i].clone())
                    .collect();
                let refs: Vec<&ItemRef> = inputs.iter().collect();
                let target = lots[t % lots.len()].clone();
                w.rework(&refs, &target);
            }
        }
    }
    (w, lots)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn forward_and_backward_agree((raw, ops) in ops()) {
        let (w, lots) = build(raw, &ops);
        let s = w.t.state();
        let down: Vec<BTreeSet<ItemRef>> = lots.iter()
            .map(|l| trace_forward(s, l).unwrap().items.into_iter().map(|t| t.item).collect())
            .collect();
        let up: Vec<BTreeSet<ItemRef>> = lots.iter()
            .map(|l| trace_backward(s, l).unwrap().items.into_iter().map(|t| t.item).collect())
            .collect();
        for (i, a) in lots.iter().enumerate() {
            // each node listed once
            let f = trace_forward(s, a).unwrap();
            prop_assert_eq!(f.items.len(), down[i].len());
            for (j, b) in lots.iter().enumerate() {
                prop_assert_eq!(down[i].contains(b), up[j].contains(a), "{} / {}", a, b);
            }
        }
    }

    #[test]
    fn recall_hold_blocks_exactly_the_affected((raw, ops) in ops(), suspects in prop::collection::vec(0usize..1000, 1..3)) {
        let (mut w, lots) = build(raw, &ops);
        let suspects: Vec<ItemRef> = suspects.iter().map(|i| lots[i % lots.len()].clone()).collect();
        let expected: BTreeSet<ItemRef> = suspects.iter()
            .flat_map(|s| trace_forward(w.t.state(), s).unwrap().items.into_iter().map(|t| t.item))
            .collect();
        let plain = recall_report(w.t.state(), &suspects).unwrap();
        let report = w.t.recall("qa", "prop", &suspects, true).unwrap();
        prop_assert_eq!(&plain.items, &report.items);
        let affected: BTreeSet<ItemRef> = report.items.iter().map(|t| t.item.clone()).collect();
        prop_assert_eq!(&affected, &expected);
        for (k, lot) in lots.iter().enumerate() {
            let r = w.t.execute("x", None, &Command::Allocate(Allocate {
                order: OrderId::new(format!("SO{k}")).unwrap(),
                item: lot.clone(),
                location: None,
                quantity: q(1),
                ship_date: None,
            }));
            if affected.contains(lot) {
                prop_assert_eq!(r.unwrap_err().kind(), ErrorKind::NotUsable);
            } else {
                prop_assert!(r.is_ok(), "{} should be allocatable: {:?}", lot, r);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The lean traces reach exactly the items, shipments, customers and suppliers the
    /// full reports list.
    #[test]
    fn lean_traces_reach_what_the_reports_list(
        (raw, ops) in ops(),
        shipped in prop::collection::vec((0usize..1000, any::<bool>()), 0..6),
    ) {
        let (mut w, lots) = build(raw, &ops);
        w.receive("RAW", "FROM-SUP2", 10, Some("SUP2"));
        for (k, &(i, first)) in shipped.iter().enumerate() {
            w.ship(&lots[i % lots.len()], 1, if first { "C1" } else { "C2" }, &format!("SH{k}"));
        }
        let s = w.t.state();
        for lot in &lots {
            let full = trace_forward(s, lot).unwrap();
            let lean = trace_forward_ids(s, lot).unwrap();
            let items: Vec<ItemRef> = full.items.iter().map(|t| t.item.clone()).collect();
            prop_assert_eq!(lean.items().collect::<Vec<_>>(), items);
            let shipments: BTreeSet<&str> = full.shipments.iter().map(|l| l.shipment.as_str()).collect();
            prop_assert_eq!(lean.shipments().len(), shipments.len());
            prop_assert_eq!(lean.shipments().collect::<BTreeSet<_>>(), shipments);
            prop_assert_eq!(lean.customers().collect::<BTreeSet<_>>(), full.customers.iter().collect());
            prop_assert_eq!(lean.customers().len(), full.customers.len());

            let full = trace_backward(s, lot).unwrap();
            let lean = trace_backward_ids(s, lot).unwrap();
            let items: Vec<ItemRef> = full.items.iter().map(|t| t.item.clone()).collect();
            prop_assert_eq!(lean.items().collect::<Vec<_>>(), items);
            prop_assert_eq!(lean.suppliers().collect::<BTreeSet<_>>(), full.suppliers.iter().collect());
            prop_assert_eq!(lean.suppliers().len(), full.suppliers.len());
        }
    }
}

#[test]
fn an_expected_serial_received_from_a_supplier_traces_back_to_it() {
    let mut w = World::new();
    let part = ProductId::new("PART").unwrap();
    let number = SerialNumber::new("P-1").unwrap();
    w.run(Command::ExpectSerials(ExpectSerials {
        product: part.clone(),
        serials: vec![number.clone()],
        supplier: None,
        reference: None,
    }));
    let item = ItemRef::serial("PART", "P-1").unwrap();
    let s = w.t.state();
    assert_eq!(trace_backward_ids(s, &item).unwrap().suppliers().count(), 0);
    w.run(Command::ReceiveSerials(ReceiveSerials {
        product: part,
        serials: vec![number],
        location: loc(),
        supplier: Some(PartyId::new("SUP2").unwrap()),
        reference: None,
        generate: 0,
        put_away: false,
        received_on: None,
    }));
    let s = w.t.state();
    let lean: Vec<&PartyId> = trace_backward_ids(s, &item).unwrap().suppliers().collect();
    assert_eq!(lean, vec![&PartyId::new("SUP2").unwrap()]);
    assert_eq!(
        trace_backward(s, &item).unwrap().suppliers,
        vec![PartyId::new("SUP2").unwrap()]
    );
}
