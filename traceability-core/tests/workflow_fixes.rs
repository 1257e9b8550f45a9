//! Regression tests for workflow defects found by trying the manual's screens as a new
//! user would: quarantine locations, putaway in place of produced serials, the
//! manufacturing date of produced lots, how a negative adjustment reads, partial
//! allocations with nothing eligible, and shipping an order with nothing picked.

mod common;

use common::*;
use traceability_core::*;

fn produce(
    plant: &mut Plant,
    wo: &str,
    input: &str,
    outputs: Vec<Output>,
) -> Result<Committed, TraceError> {
    plant.run(Command::Produce(Produce {
        work_order: WorkOrderId::new(wo).unwrap(),
        consumed: vec![Line {
            item: lot("FLOUR", input),
            location: loc("DOCK"),
            quantity: qty("1"),
        }],
        outputs,
        produced_on: Some(date(TODAY)),
        override_expiry: false,
    }))
}

#[test]
fn stock_in_a_quarantine_location_is_never_allocated() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "Q1", "10", "DOCK").unwrap();
    plant.receive_lot("FLOUR", "Q2", "10", "DOCK").unwrap();
    plant
        .move_item(lot("FLOUR", "Q1"), "DOCK", "QA", "10")
        .unwrap();

    let request = AllocationRequest::new(pid("FLOUR"), qty("15"), order("SO1"), Strategy::Fefo);
    let err = plant.tracker.allocate("ana", None, &request).unwrap_err();
    assert!(
        matches!(err, TraceError::InsufficientStock { available, .. } if available == qty("10")),
        "{err}"
    );
    let mut partial = request.clone();
    partial.partial = true;
    let taken = plant.tracker.allocate("ana", None, &partial).unwrap();
    assert_eq!(taken.lines.len(), 1);
    assert_eq!(
        (taken.lines[0].item.clone(), taken.lines[0].location.clone()),
        (lot("FLOUR", "Q2"), loc("DOCK"))
    );

    // Naming the lot does not get round it either.
    let named = plant.reject(Command::Allocate(Allocate {
        order: order("SO2"),
        item: lot("FLOUR", "Q1"),
        location: Some(loc("QA")),
        quantity: qty("1"),
        ship_date: None,
    }));
    assert!(
        matches!(
            named,
            TraceError::NotUsable {
                why: "in a quarantine location",
                ..
            }
        ),
        "{named}"
    );
    let anywhere = plant.reject(Command::Allocate(Allocate {
        order: order("SO2"),
        item: lot("FLOUR", "Q1"),
        location: None,
        quantity: qty("1"),
        ship_date: None,
    }));
    assert_eq!(anywhere.kind(), ErrorKind::InsufficientStock);

    // Serials too.
    plant.receive_serials("PUMP", &["SN1"], "DOCK").unwrap();
    plant
        .move_item(serial("PUMP", "SN1"), "DOCK", "QA", "1")
        .unwrap();
    let pumps = AllocationRequest::new(pid("PUMP"), qty("1"), order("SO3"), Strategy::Fifo);
    assert_eq!(
        plant
            .tracker
            .allocate("ana", None, &pumps)
            .unwrap_err()
            .kind(),
        ErrorKind::InsufficientStock
    );
    let held = plant.reject(Command::Allocate(Allocate {
        order: order("SO3"),
        item: serial("PUMP", "SN1"),
        location: None,
        quantity: qty("1"),
        ship_date: None,
    }));
    assert_eq!(held.kind(), ErrorKind::NotUsable);
}

#[test]
fn a_produced_lot_is_manufactured_on_its_production_date() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    let output = Output::NewLot {
        spec: LotSpec::new(pid("BREAD"), LotNumber::new("B1").unwrap()),
        quantity: qty("5"),
        location: loc("LINE"),
    };
    produce(&mut plant, "WO1", "F1", vec![output]).unwrap();
    let bread = plant
        .tracker
        .state()
        .lot(&pid("BREAD"), &LotNumber::new("B1").unwrap())
        .unwrap();
    assert_eq!(bread.manufactured_on, Some(date(TODAY)));
}

#[test]
fn a_produced_serial_is_put_away_where_it_was_made() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    let output = Output::NewSerial {
        product: pid("PUMP"),
        serial: Some(SerialNumber::new("P1").unwrap()),
        location: loc("LINE"),
    };
    produce(&mut plant, "WO1", "F1", vec![output]).unwrap();
    assert_eq!(
        plant.serial_status("PUMP", "P1"),
        Some(SerialStatus::Received)
    );
    plant
        .move_item(serial("PUMP", "P1"), "LINE", "LINE", "1")
        .unwrap();
    assert_eq!(
        plant.serial_status("PUMP", "P1"),
        Some(SerialStatus::InInventory)
    );
    let history = plant.tracker.location_history(&loc("LINE")).unwrap();
    let seqs: Vec<u64> = history.iter().map(|e| e.seq).collect();
    let mut unique = seqs.clone();
    unique.dedup();
    assert_eq!(seqs, unique, "the putaway is listed once at its location");

    // Otherwise a move stays between two places.
    let again = plant.reject(Command::Move(Move {
        item: serial("PUMP", "P1"),
        from: loc("LINE"),
        to: loc("LINE"),
        quantity: qty("1"),
        override_expiry: false,
    }));
    assert!(
        matches!(&again, TraceError::InvalidInput { field: "to", .. }),
        "{again}"
    );
    let lot_move = plant.reject(Command::Move(Move {
        item: lot("FLOUR", "F1"),
        from: loc("DOCK"),
        to: loc("DOCK"),
        quantity: qty("1"),
        override_expiry: false,
    }));
    assert_eq!(lot_move.kind(), ErrorKind::InvalidInput);
}

#[test]
fn a_negative_adjustment_reads_as_stock_taken_out() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant
        .tracker
        .execute(
            "ana",
            Some("recount"),
            &Command::Adjust(Adjust {
                product: pid("FLOUR"),
                lot: LotNumber::new("F1").unwrap(),
                location: loc("DOCK"),
                delta: qty("-2"),
            }),
        )
        .unwrap();
    let movements = plant
        .tracker
        .lot_movements(&pid("FLOUR"), &LotNumber::new("F1").unwrap())
        .unwrap();
    let adjusted = movements.iter().find(|m| m.action == "adjusted").unwrap();
    assert_eq!(
        (
            adjusted.from.clone(),
            adjusted.to.clone(),
            adjusted.quantity
        ),
        (Some(loc("DOCK")), None, Some(qty("2")))
    );
}

#[test]
fn an_order_with_nothing_picked_is_refused_the_same_way_allocated_or_not() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    let never = plant.ship("SH1", "SO-NEVER").unwrap_err();
    plant.allocate("SO1", lot("FLOUR", "F1"), "2").unwrap();
    let unpicked = plant.ship("SH1", "SO1").unwrap_err();
    for err in [never, unpicked] {
        assert!(
            matches!(&err, TraceError::InvalidInput { field: "order", .. }),
            "{err}"
        );
        assert!(err.to_string().contains("is picked"), "{err}");
    }
}

#[test]
fn a_named_lot_allocation_checks_expiry_on_the_ship_date() {
    let mut plant = Plant::new();
    let mut spec = LotSpec::new(pid("SUGAR"), LotNumber::new("S1").unwrap());
    spec.dates.expiry = Some(date("2026-03-10"));
    plant
        .run(Command::ReceiveLot(ReceiveLot {
            spec,
            quantity: qty("10"),
            location: loc("STOCK"),
            supplier: None,
            received_on: None,
            reference: None,
        }))
        .unwrap();
    let allocate = |ship: &str| {
        Command::Allocate(Allocate {
            order: order("SO1"),
            item: lot("SUGAR", "S1"),
            location: None,
            quantity: qty("1"),
            ship_date: Some(date(ship)),
        })
    };
    assert_eq!(
        plant.reject(allocate("2026-03-11")).kind(),
        ErrorKind::ExpiredLot
    );
    plant.run(allocate("2026-03-10")).unwrap();
}

#[test]
fn serials_received_together_are_allocated_by_number_like_lots() {
    let mut plant = Plant::new();
    let receive = |numbers: &[&str]| {
        Command::ReceiveSerials(ReceiveSerials {
            product: pid("PUMP"),
            serials: serials(numbers),
            location: loc("STOCK"),
            supplier: None,
            reference: None,
            generate: 0,
            put_away: true,
            received_on: None,
        })
    };
    plant.run(receive(&["S3", "S1", "S2"])).unwrap();
    plant.run(receive(&["S9", "S5"])).unwrap();
    let mut allocated = |order_id: &str, strategy, count: &str| {
        let request = AllocationRequest::new(pid("PUMP"), qty(count), order(order_id), strategy);
        let allocation = plant.tracker.allocate("ana", None, &request).unwrap();
        allocation
            .lines
            .into_iter()
            .map(|l| l.item.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        allocated("SO1", Strategy::Fifo, "2"),
        ["serial PUMP/S1", "serial PUMP/S2"]
    );
    assert_eq!(
        allocated("SO2", Strategy::Lifo, "2"),
        ["serial PUMP/S5", "serial PUMP/S9"]
    );
    assert_eq!(allocated("SO3", Strategy::Fefo, "1"), ["serial PUMP/S3"]);
}

#[test]
fn a_lot_record_created_ahead_receives_its_goods() {
    let mut plant = Plant::new();
    let mut spec = LotSpec::new(pid("FLOUR"), LotNumber::new("R1").unwrap());
    spec.description = "organic".into();
    spec.dates.expiry = Some(date("2026-12-01"));
    plant
        .run(Command::CreateLot(CreateLot {
            spec,
            supplier: Some(PartyId::new("ACME").unwrap()),
            received_on: None,
            quantity: None,
            location: None,
            active: true,
            reference: None,
        }))
        .unwrap();
    let mut receipt = receipt("FLOUR", "R1", "25", "DOCK", None);
    if let Command::ReceiveLot(r) = &mut receipt {
        r.spec.weight = Some(qty("25"));
    }
    plant.run(receipt.clone()).unwrap();
    let r1 = plant
        .tracker
        .state()
        .lot(&pid("FLOUR"), &LotNumber::new("R1").unwrap())
        .unwrap();
    assert_eq!(r1.on_hand(), qty("25"));
    assert_eq!(
        (r1.description(), r1.dates.expiry, r1.weight()),
        ("organic", Some(date("2026-12-01")), Some(qty("25")))
    );
    assert_eq!(r1.supplier, Some(PartyId::new("ACME").unwrap()));
    let back = trace_backward(plant.tracker.state(), &lot("FLOUR", "R1")).unwrap();
    assert_eq!(back.suppliers, vec![PartyId::new("ACME").unwrap()]);
    // Once it holds goods, the number is taken.
    let err = plant.reject(receipt);
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
}

#[test]
fn a_product_is_updated_in_place_and_keeps_its_tracking() {
    let mut plant = Plant::new();
    let mut flour = plant
        .tracker
        .state()
        .product(&pid("FLOUR"))
        .unwrap()
        .clone();
    flour.description = "Wheat flour T55".into();
    flour.shelf_life_days = Some(180);
    flour.gtins = vec!["4006381333931".into()];
    plant.run(Command::UpdateProduct(flour.clone())).unwrap();
    let stored = plant.tracker.state().product(&pid("FLOUR")).unwrap();
    assert_eq!(stored.description, "Wheat flour T55");
    assert_eq!(stored.shelf_life_days, Some(180));
    assert_eq!(stored.gtins, vec!["04006381333931".to_string()]);
    // Later receipts follow the new rule.
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    let f1 = plant
        .tracker
        .state()
        .lot(&pid("FLOUR"), &LotNumber::new("F1").unwrap())
        .unwrap();
    let start = f1.manufactured_on.unwrap_or(f1.received_on);
    assert_eq!(f1.dates.expiry, Some(start + chrono::Days::new(180)));

    // Dropping the GTIN frees it for another product; the update keeps its own.
    plant.run(Command::UpdateProduct(flour.clone())).unwrap();
    flour.gtins.clear();
    plant.run(Command::UpdateProduct(flour.clone())).unwrap();
    let mut sugar = plant
        .tracker
        .state()
        .product(&pid("SUGAR"))
        .unwrap()
        .clone();
    sugar.gtins = vec!["4006381333931".into()];
    plant.run(Command::UpdateProduct(sugar)).unwrap();
    assert_eq!(
        plant.tracker.state().product_by_gtin("04006381333931"),
        Some(&pid("SUGAR"))
    );

    let mut serialised = flour.clone();
    serialised.tracking = Tracking::Serial;
    let err = plant.reject(Command::UpdateProduct(serialised));
    assert!(matches!(err, TraceError::WrongTracking { .. }), "{err:?}");
    let unknown = Product::new(pid("SALT"), Tracking::Lot);
    let err = plant.reject(Command::UpdateProduct(unknown));
    assert!(matches!(err, TraceError::UnknownProduct(_)), "{err:?}");
    let mut bad = flour;
    bad.unit = String::new();
    assert_eq!(
        plant.reject(Command::UpdateProduct(bad)).kind(),
        ErrorKind::InvalidInput
    );
}

/// A customer's premises with its party, as the "customer-kind location" needs.
fn customer_site(plant: &mut Plant, id: &str, party: &str) -> Result<Committed, TraceError> {
    let mut site = Location::new(loc(id), LocationKind::Customer);
    site.party = Some(PartyId::new(party).unwrap());
    plant.run(Command::RegisterLocation(site))
}

#[test]
fn stock_moved_into_a_customer_location_is_delivered_to_its_customer() {
    let mut plant = Plant::new();
    customer_site(&mut plant, "SHOP-1", "SHOP").unwrap();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant
        .move_item(lot("FLOUR", "F1"), "DOCK", "SHOP-1", "4")
        .unwrap();

    assert_eq!(
        plant.on_hand("FLOUR", "F1"),
        qty("6"),
        "delivered stock is not ours"
    );
    let state = plant.tracker.state();
    let shipments = query::orders::shipments(state);
    assert_eq!(shipments.len(), 1);
    let delivery = &shipments[0];
    assert_eq!(delivery.id.as_str(), "SHOP-1-1");
    assert_eq!(delivery.order, None);
    assert_eq!(delivery.customer.as_str(), "SHOP");
    assert_eq!(delivery.lines[0].location, loc("DOCK"));
    let trace = trace_forward(state, &lot("FLOUR", "F1")).unwrap();
    assert_eq!(trace.customers, vec![PartyId::new("SHOP").unwrap()]);
    assert_eq!(trace.shipments[0].quantity, qty("4"));
    let lean = trace_forward_ids(state, &lot("FLOUR", "F1")).unwrap();
    assert_eq!(lean.shipments().collect::<Vec<_>>(), ["SHOP-1-1"]);
    // A snapshot keeps the delivery, which has no order.
    let (seq, head) = plant.tracker.head();
    let (_, read) =
        State::from_snapshot(&state.to_snapshot(SnapshotPosition { seq, head })).unwrap();
    assert_eq!(&read, state);
    assert_eq!(query::orders::shipments(&read), shipments);
    let last = plant.tracker.movements(&lot("FLOUR", "F1")).unwrap();
    let last = last.last().unwrap();
    assert_eq!(
        (last.action, last.order.clone(), last.party.clone()),
        ("shipped", None, Some(PartyId::new("SHOP").unwrap()))
    );

    // A second delivery is numbered after it; the delivery is reversed like a shipment.
    plant
        .move_item(lot("FLOUR", "F1"), "DOCK", "SHOP-1", "1")
        .unwrap();
    let ids: Vec<String> = query::orders::shipments(plant.tracker.state())
        .iter()
        .map(|s| s.id.to_string())
        .collect();
    assert_eq!(ids, ["SHOP-1-1", "SHOP-1-2"]);
    plant
        .run(Command::ReverseShipment(ReverseShipment {
            shipment: ShipmentId::new("SHOP-1-2").unwrap(),
        }))
        .unwrap();
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("6"));
}

#[test]
fn a_customer_location_takes_stock_only_with_its_customer() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant.receive_stored("PUMP", &["P1"], "STOCK");
    let nobody = Location::new(loc("NOBODY"), LocationKind::Customer);
    plant.run(Command::RegisterLocation(nobody)).unwrap();
    let err = plant.reject(Command::Move(Move {
        item: lot("FLOUR", "F1"),
        from: loc("DOCK"),
        to: loc("NOBODY"),
        quantity: qty("1"),
        override_expiry: false,
    }));
    assert!(err.to_string().contains("names no customer"), "{err}");
    // A serial leaves only picked on an order.
    customer_site(&mut plant, "SHOP-1", "SHOP").unwrap();
    let err = plant.reject(Command::Move(Move {
        item: serial("PUMP", "P1"),
        from: loc("STOCK"),
        to: loc("SHOP-1"),
        quantity: qty("1"),
        override_expiry: false,
    }));
    assert_eq!(err.kind(), ErrorKind::InvalidTransition);
    // The party must be a customer, and only customer/supplier locations have one.
    let err = customer_site(&mut plant, "ACME-SITE", "ACME").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongRole);
    let mut shelf = Location::new(loc("A9"), LocationKind::Internal);
    shelf.party = Some(PartyId::new("SHOP").unwrap());
    let err = plant.reject(Command::RegisterLocation(shelf));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
