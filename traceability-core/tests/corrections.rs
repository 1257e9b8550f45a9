//! Corrections as compensating events: reversing a shipment, a receipt and a
//! production; splitting and merging lots; unbuilding an assembly. Each keeps the
//! original events, conserves quantities, is refused once what it undoes was touched,
//! and replays to the same state.

mod common;

use common::*;
use traceability_core::*;

fn line(item: ItemRef, at: &str, quantity: &str) -> Line {
    Line {
        item,
        location: loc(at),
        quantity: qty(quantity),
    }
}

fn corrected(plant: &mut Plant, command: Command) -> Result<Committed, TraceError> {
    plant
        .tracker
        .execute("ana", Some("posted by mistake"), &command)
}

fn reverse_shipment(id: &str) -> Command {
    Command::ReverseShipment(ReverseShipment {
        shipment: ShipmentId::new(id).unwrap(),
    })
}

fn produce(plant: &mut Plant, wo: &str, consumed: Vec<Line>, outputs: Vec<Output>) {
    plant
        .run(Command::Produce(Produce {
            work_order: WorkOrderId::new(wo).unwrap(),
            consumed,
            outputs,
            produced_on: None,
            override_expiry: false,
        }))
        .unwrap();
}

fn new_lot(product: &str, number: &str, quantity: &str, at: &str) -> Output {
    Output::NewLot {
        spec: LotSpec::new(pid(product), LotNumber::new(number).unwrap()),
        quantity: qty(quantity),
        location: loc(at),
    }
}

fn new_serial(product: &str, number: &str, at: &str) -> Output {
    Output::NewSerial {
        product: pid(product),
        serial: Some(SerialNumber::new(number).unwrap()),
        location: loc(at),
    }
}

/// A plant that shipped 4 of lot FLOUR/F1 and the serial PUMP/P1 to SHOP on S1.
fn shipped_plant() -> Plant {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant.receive_stored("PUMP", &["P1"], "DOCK");
    plant.allocate("SO1", lot("FLOUR", "F1"), "4").unwrap();
    plant.allocate("SO1", serial("PUMP", "P1"), "1").unwrap();
    plant.pick("SO1", lot("FLOUR", "F1"), "4").unwrap();
    plant.pick("SO1", serial("PUMP", "P1"), "1").unwrap();
    plant.ship("S1", "SO1").unwrap();
    plant
}

#[test]
fn a_reversed_shipment_brings_the_goods_back_and_traces_mark_it() {
    let mut plant = shipped_plant();
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("6"));
    let head = plant.tracker.head();
    let err = plant
        .tracker
        .execute("ana", None, &reverse_shipment("S1"))
        .unwrap_err();
    assert!(err.to_string().contains("needs a reason"), "{err}");
    assert_eq!(plant.tracker.head(), head);
    let err = plant.reject(reverse_shipment("S9"));
    assert!(err.to_string().contains("unknown shipment S9"), "{err}");

    corrected(&mut plant, reverse_shipment("S1")).unwrap();
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("10"));
    assert_eq!(
        plant.serial_status("PUMP", "P1"),
        Some(SerialStatus::InInventory)
    );
    let state = plant.tracker.state();
    let trace = trace_forward(state, &lot("FLOUR", "F1")).unwrap();
    assert_eq!(trace.shipments.len(), 1);
    assert!(trace.shipments[0].reversed);
    assert!(
        trace.customers.is_empty(),
        "the customer no longer holds it"
    );
    let ids = trace_forward_ids(state, &lot("FLOUR", "F1")).unwrap();
    assert_eq!(ids.shipments().count(), 0);
    let shipments = query::orders::shipments(state);
    assert!(shipments[0].reversed);
    assert_eq!(shipments[0].lines[0].location, loc("DOCK"));
    let history = plant.tracker.movements(&lot("FLOUR", "F1")).unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.action, last.to.clone(), last.quantity),
        ("shipment_reversed", Some(loc("DOCK")), Some(qty("4")))
    );
    assert_eq!(last.reason.as_deref(), Some("posted by mistake"));
    let report = plant
        .tracker
        .recall("ana", "check", &[lot("FLOUR", "F1")], false)
        .unwrap();
    assert!(report.customers.is_empty());

    let err = plant.reject(reverse_shipment("S1"));
    assert!(err.to_string().contains("already reversed"), "{err}");
    // Nothing is left with the customer to return.
    let err = plant.reject(Command::Return(Return {
        rma: ReturnId::new("RMA1").unwrap(),
        customer: PartyId::new("SHOP").unwrap(),
        item: lot("FLOUR", "F1"),
        location: loc("DOCK"),
        quantity: qty("1"),
        release: false,
    }));
    assert_eq!(err.kind(), ErrorKind::InsufficientStock, "{err}");
}

#[test]
fn a_shipment_something_came_back_from_cannot_be_reversed() {
    let mut plant = shipped_plant();
    plant
        .run(Command::Return(Return {
            rma: ReturnId::new("RMA1").unwrap(),
            customer: PartyId::new("SHOP").unwrap(),
            item: serial("PUMP", "P1"),
            location: loc("QA"),
            quantity: qty("1"),
            release: false,
        }))
        .unwrap();
    let err = plant.reject(reverse_shipment("S1"));
    assert!(err.to_string().contains("came back since"), "{err}");
}

#[test]
fn a_reversed_receipt_takes_the_stock_out_and_serials_can_be_received_again() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant
        .move_item(lot("FLOUR", "F1"), "DOCK", "STOCK", "3")
        .unwrap();
    plant
        .receive_serials("PUMP", &["P1", "P2"], "DOCK")
        .unwrap();
    let reverse = |items: Vec<ItemRef>| Command::ReverseReceipt(ReverseReceipt { items });
    corrected(
        &mut plant,
        reverse(vec![lot("FLOUR", "F1"), serial("PUMP", "P1")]),
    )
    .unwrap();

    let f1 = plant
        .tracker
        .state()
        .lot(&pid("FLOUR"), &LotNumber::new("F1").unwrap())
        .unwrap();
    assert!(f1.stock.is_empty() && !f1.active, "{f1:?}");
    assert_eq!(
        plant.serial_status("PUMP", "P1"),
        Some(SerialStatus::Expected)
    );
    plant.receive_serials("PUMP", &["P1"], "STOCK").unwrap();
    assert_eq!(
        plant.serial_status("PUMP", "P1"),
        Some(SerialStatus::Received)
    );
    let err = plant.reject(reverse(vec![lot("FLOUR", "F1")]));
    assert!(err.to_string().contains("no stock left"), "{err}");
    // The lot can be received again, correctly this time.
    plant.receive_lot("FLOUR", "F1", "8", "STOCK").unwrap();
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("8"));

    // A lot consumed since, or reserved, stays received.
    plant.receive_lot("FLOUR", "F2", "10", "DOCK").unwrap();
    plant.receive_lot("FLOUR", "F3", "10", "DOCK").unwrap();
    produce(
        &mut plant,
        "WO1",
        vec![line(lot("FLOUR", "F2"), "DOCK", "1")],
        vec![new_lot("BREAD", "B1", "2", "LINE")],
    );
    let err = plant.reject(reverse(vec![lot("FLOUR", "F2")]));
    assert!(err.to_string().contains("consumed or shipped"), "{err}");
    plant.allocate("SO1", lot("FLOUR", "F3"), "1").unwrap();
    let err = plant.reject(reverse(vec![lot("FLOUR", "F3")]));
    assert!(err.to_string().contains("reserved"), "{err}");
    let err = plant.reject(reverse(vec![lot("BREAD", "B1")]));
    assert!(err.to_string().contains("was not received"), "{err}");
}

#[test]
fn a_reversed_production_puts_inputs_back_and_takes_outputs_out() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant.receive_stored("MOTOR", &["M1"], "LINE");
    produce(
        &mut plant,
        "WO1",
        vec![
            line(lot("FLOUR", "F1"), "DOCK", "3"),
            line(serial("MOTOR", "M1"), "LINE", "1"),
        ],
        vec![
            new_lot("BREAD", "B1", "5", "LINE"),
            new_serial("PUMP", "PX", "LINE"),
        ],
    );
    let reverse = || {
        Command::ReverseProduction(ReverseProduction {
            work_order: WorkOrderId::new("WO1").unwrap(),
        })
    };
    corrected(&mut plant, reverse()).unwrap();
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("10"));
    assert_eq!(plant.on_hand("BREAD", "B1"), qty("0"));
    assert_eq!(
        plant.serial_status("MOTOR", "M1"),
        Some(SerialStatus::InInventory)
    );
    assert_eq!(
        plant.serial_status("PUMP", "PX"),
        Some(SerialStatus::Scrapped)
    );
    let state = plant.tracker.state();
    assert_eq!(
        state
            .serial(&pid("MOTOR"), &SerialNumber::new("M1").unwrap())
            .unwrap()
            .location,
        Some(loc("LINE"))
    );
    // The reversed production's links are gone from traces and the link list.
    let forward = trace_forward(state, &lot("FLOUR", "F1")).unwrap();
    assert!(forward.descendants().is_empty(), "{forward:?}");
    assert!(forward.edges.is_empty());
    let lean = trace_forward_ids(state, &serial("MOTOR", "M1")).unwrap();
    assert_eq!(lean.items().count(), 1, "only the start");
    let backward = trace_backward(state, &lot("BREAD", "B1")).unwrap();
    assert_eq!(backward.items.len(), 1, "{backward:?}");
    assert!(query::orders::links(state).is_empty());
    let err = plant.reject(reverse());
    assert!(
        err.to_string().contains("no production to reverse"),
        "{err}"
    );

    // Outputs moved or shipped since keep the production.
    produce(
        &mut plant,
        "WO2",
        vec![line(lot("FLOUR", "F1"), "DOCK", "2")],
        vec![new_lot("BREAD", "B2", "4", "LINE")],
    );
    plant
        .move_item(lot("BREAD", "B2"), "LINE", "STOCK", "1")
        .unwrap();
    let err = plant.reject(Command::ReverseProduction(ReverseProduction {
        work_order: WorkOrderId::new("WO2").unwrap(),
    }));
    assert!(err.to_string().contains("moved, reserved or used"), "{err}");
    let state = plant.tracker.state();
    let forward = trace_forward_ids(state, &lot("FLOUR", "F1")).unwrap();
    let reached: Vec<ItemRef> = forward.items().collect();
    assert_eq!(reached, vec![lot("FLOUR", "F1"), lot("BREAD", "B2")]);
    assert_eq!(query::orders::links(state).len(), 1);
    // Replaying the log, or reading a snapshot, gives the same genealogy.
    let mut replayed = State::default();
    for event in plant.tracker.events(0).unwrap() {
        replayed.apply(event.seq, &event.body).unwrap();
    }
    assert_eq!(&replayed, state);
    let (seq, head) = plant.tracker.head();
    let snapshot = state.to_snapshot(SnapshotPosition { seq, head });
    assert_eq!(&State::from_snapshot(&snapshot).unwrap().1, state);
}

#[test]
fn a_split_lot_keeps_its_record_and_genealogy() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    let split = |new_lot: Option<&str>, quantity: &str| {
        Command::SplitLot(SplitLot {
            product: pid("FLOUR"),
            lot: LotNumber::new("F1").unwrap(),
            location: loc("DOCK"),
            quantity: qty(quantity),
            new_lot: new_lot.map(|n| LotNumber::new(n).unwrap()),
        })
    };
    let err = plant.reject(split(Some("F1-B"), "11"));
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);
    let err = plant.reject(split(Some("F1"), "1"));
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
    corrected(&mut plant, split(Some("F1-B"), "4")).unwrap();

    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("6"));
    assert_eq!(plant.on_hand("FLOUR", "F1-B"), qty("4"));
    let state = plant.tracker.state();
    let (f1, f1b) = (
        state
            .lot(&pid("FLOUR"), &LotNumber::new("F1").unwrap())
            .unwrap(),
        state
            .lot(&pid("FLOUR"), &LotNumber::new("F1-B").unwrap())
            .unwrap(),
    );
    assert_eq!((f1b.dates, &f1b.supplier), (f1.dates, &f1.supplier));
    let back = trace_backward(state, &lot("FLOUR", "F1-B")).unwrap();
    assert!(back.items.iter().any(|i| i.item == lot("FLOUR", "F1")));
    assert_eq!(back.suppliers, vec![PartyId::new("ACME").unwrap()]);
    assert!(back.edges[0].work_order.as_str().starts_with("SPLIT-"));

    // Without a number, the product's numbering scheme names the new lot.
    let err = plant.reject(split(None, "1"));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn merged_lots_take_the_earliest_dates_and_keep_genealogy() {
    let mut plant = Plant::new();
    for (number, expiry) in [
        ("F1", "2027-06-01"),
        ("F2", "2027-01-01"),
        ("F3", "2027-03-01"),
    ] {
        let mut receipt = receipt("FLOUR", number, "10", "DOCK", Some("ACME"));
        if let Command::ReceiveLot(r) = &mut receipt {
            r.spec.dates.expiry = Some(date(expiry));
        }
        plant.run(receipt).unwrap();
    }
    plant.allocate("SO1", lot("FLOUR", "F3"), "4").unwrap();
    let merge = |lots: &[&str]| {
        Command::MergeLots(MergeLots {
            product: pid("FLOUR"),
            lots: lots.iter().map(|l| LotNumber::new(l).unwrap()).collect(),
            into: LotNumber::new("F1").unwrap(),
            location: loc("DOCK"),
        })
    };
    let err = plant.reject(merge(&["F1"]));
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
    corrected(&mut plant, merge(&["F2", "F3"])).unwrap();

    // F3's reserved 4 stay on F3; the available 10 + 6 moved to F1.
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("26"));
    assert_eq!(plant.on_hand("FLOUR", "F2"), qty("0"));
    assert_eq!(plant.on_hand("FLOUR", "F3"), qty("4"));
    let state = plant.tracker.state();
    let f1 = state
        .lot(&pid("FLOUR"), &LotNumber::new("F1").unwrap())
        .unwrap();
    assert_eq!(f1.dates.expiry, Some(date("2027-01-01")));
    let back = trace_backward(state, &lot("FLOUR", "F1")).unwrap();
    assert_eq!(back.items.len(), 3);

    plant
        .run(Command::SetQualityStatus(SetQualityStatus {
            lot: LotKey {
                product: pid("FLOUR"),
                lot: LotNumber::new("F3").unwrap(),
            },
            status: QualityStatus::Quarantine,
        }))
        .unwrap();
    plant.receive_lot("FLOUR", "F4", "1", "DOCK").unwrap();
    let err = plant.reject(merge(&["F4", "F3"]));
    assert!(err.to_string().contains("quality status"), "{err}");
}

#[test]
fn an_unbuilt_assembly_returns_its_components_and_is_never_reused() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "LINE").unwrap();
    plant.receive_stored("MOTOR", &["M1", "M2"], "LINE");
    produce(
        &mut plant,
        "WO1",
        vec![
            line(serial("MOTOR", "M1"), "LINE", "1"),
            line(lot("FLOUR", "F1"), "LINE", "2"),
        ],
        vec![new_serial("PUMP", "PX", "LINE")],
    );
    plant
        .move_item(serial("PUMP", "PX"), "LINE", "STOCK", "1")
        .unwrap();
    let unbuild = |number: &str| {
        Command::Unbuild(Unbuild {
            product: pid("PUMP"),
            serial: SerialNumber::new(number).unwrap(),
            location: None,
        })
    };
    corrected(&mut plant, unbuild("PX")).unwrap();
    assert_eq!(
        plant.serial_status("PUMP", "PX"),
        Some(SerialStatus::Consumed)
    );
    let state = plant.tracker.state();
    let m1 = state
        .serial(&pid("MOTOR"), &SerialNumber::new("M1").unwrap())
        .unwrap();
    assert_eq!(
        (m1.status, m1.location.clone()),
        (SerialStatus::InInventory, Some(loc("STOCK")))
    );
    let flour = state
        .lot(&pid("FLOUR"), &LotNumber::new("F1").unwrap())
        .unwrap();
    assert_eq!(flour.stock_at(&loc("STOCK")).unwrap().on_hand, qty("2"));
    let forward = trace_forward(state, &serial("PUMP", "PX")).unwrap();
    assert!(forward
        .items
        .iter()
        .any(|i| i.item == serial("MOTOR", "M1")));
    let err = plant.reject(unbuild("PX"));
    assert_eq!(err.kind(), ErrorKind::InvalidTransition);
    let err = plant.reject(Command::ReceiveSerials(ReceiveSerials {
        product: pid("PUMP"),
        serials: serials(&["PX"]),
        location: loc("DOCK"),
        supplier: None,
        reference: None,
        generate: 0,
        put_away: false,
        received_on: None,
    }));
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber, "{err}");

    // Two assemblies from one work order: which motor is in which is not recorded.
    plant.receive_stored("MOTOR", &["M3"], "LINE");
    produce(
        &mut plant,
        "WO2",
        vec![
            line(serial("MOTOR", "M2"), "LINE", "1"),
            line(serial("MOTOR", "M3"), "LINE", "1"),
        ],
        vec![
            new_serial("PUMP", "PY", "LINE"),
            new_serial("PUMP", "PZ", "LINE"),
        ],
    );
    let err = plant.reject(unbuild("PY"));
    assert!(err.to_string().contains("2 outputs"), "{err}");
}

#[test]
fn corrections_replay_to_the_same_state() {
    let path = temp_db("corrections_replay");
    let mut plant = Plant::on(Tracker::open(&path).unwrap());
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant.receive_lot("FLOUR", "F2", "10", "DOCK").unwrap();
    plant.allocate("SO1", lot("FLOUR", "F1"), "2").unwrap();
    plant.pick("SO1", lot("FLOUR", "F1"), "2").unwrap();
    plant.ship("S1", "SO1").unwrap();
    corrected(&mut plant, reverse_shipment("S1")).unwrap();
    corrected(
        &mut plant,
        Command::SplitLot(SplitLot {
            product: pid("FLOUR"),
            lot: LotNumber::new("F1").unwrap(),
            location: loc("DOCK"),
            quantity: qty("3"),
            new_lot: Some(LotNumber::new("F1-B").unwrap()),
        }),
    )
    .unwrap();
    corrected(
        &mut plant,
        Command::MergeLots(MergeLots {
            product: pid("FLOUR"),
            lots: vec![LotNumber::new("F2").unwrap()],
            into: LotNumber::new("F1-B").unwrap(),
            location: loc("DOCK"),
        }),
    )
    .unwrap();
    let live = plant.tracker.state().clone();
    let total: Quantity = live.lots().iter().map(Lot::on_hand).sum();
    assert_eq!(total, qty("20"), "quantities are conserved");
    // A snapshot keeps the reversed shipment, its id and its order's id.
    let (seq, head) = plant.tracker.head();
    let (_, read) =
        State::from_snapshot(&live.to_snapshot(SnapshotPosition { seq, head })).unwrap();
    assert_eq!(read, live);
    let shipment = &query::orders::shipments(&read)[0];
    assert_eq!((shipment.id.as_str(), shipment.reversed), ("S1", true));
    assert_eq!(shipment.order.as_ref().map(OrderId::as_str), Some("SO1"));
    drop(plant);
    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(reopened.state(), &live);
}

#[test]
fn a_lot_on_two_lines_is_checked_in_total_against_what_came_back() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant
        .move_item(lot("FLOUR", "F1"), "DOCK", "STOCK", "5")
        .unwrap();
    for at in ["DOCK", "STOCK"] {
        plant
            .run(Command::Allocate(Allocate {
                order: order("SO1"),
                item: lot("FLOUR", "F1"),
                location: Some(loc(at)),
                quantity: qty("4"),
                ship_date: None,
            }))
            .unwrap();
    }
    plant.pick("SO1", lot("FLOUR", "F1"), "8").unwrap();
    plant.ship("S1", "SO1").unwrap();
    plant
        .run(Command::Return(Return {
            rma: ReturnId::new("RMA1").unwrap(),
            customer: PartyId::new("SHOP").unwrap(),
            item: lot("FLOUR", "F1"),
            location: loc("DOCK"),
            quantity: qty("1"),
            release: false,
        }))
        .unwrap();
    let err = plant.reject(reverse_shipment("S1"));
    assert!(err.to_string().contains("came back since"), "{err}");
}

#[test]
fn what_a_customer_may_return_counts_its_shipments_not_reversed_less_its_returns() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    for (order_id, shipment, quantity) in [("SO1", "S1", "6"), ("SO2", "S2", "4")] {
        plant
            .run(Command::Allocate(Allocate {
                order: order(order_id),
                item: lot("FLOUR", "F1"),
                location: Some(loc("DOCK")),
                quantity: qty(quantity),
                ship_date: None,
            }))
            .unwrap();
        plant.pick(order_id, lot("FLOUR", "F1"), quantity).unwrap();
        plant.ship(shipment, order_id).unwrap();
    }
    let give_back = |rma: &str, quantity: &str| {
        Command::Return(Return {
            rma: ReturnId::new(rma).unwrap(),
            customer: PartyId::new("SHOP").unwrap(),
            item: lot("FLOUR", "F1"),
            location: loc("DOCK"),
            quantity: qty(quantity),
            release: false,
        })
    };
    plant.run(give_back("RMA1", "3")).unwrap();
    // 10 shipped, 3 returned: the 4 of S2 are still out, so S2 can be reversed.
    corrected(&mut plant, reverse_shipment("S2")).unwrap();
    // Now 6 shipped (S1) less 3 returned.
    let err = plant.reject(give_back("RMA2", "4"));
    assert!(
        matches!(err, TraceError::InsufficientStock { available, .. } if available == qty("3")),
        "{err}"
    );
    plant.run(give_back("RMA2", "3")).unwrap();
    assert_eq!(
        plant.reject(give_back("RMA3", "1")).kind(),
        ErrorKind::InsufficientStock
    );
    // S1 had something come back since: it cannot be reversed.
    let err = corrected(&mut plant, reverse_shipment("S1")).unwrap_err();
    assert!(err.to_string().contains("came back since"), "{err}");
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("10"));
}
