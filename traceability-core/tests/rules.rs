//! One hand-checked case per domain rule of the foundation: quantities, keys, tracking,
//! expiry, production, adjustments, returns, batches and histories.

mod common;

use common::*;
use traceability_core::*;

#[test]
fn quantities_are_exact() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "A", "0.1", "STOCK").unwrap();
    plant
        .run(Command::Adjust(Adjust {
            product: pid("FLOUR"),
            lot: LotNumber::new("A").unwrap(),
            location: loc("STOCK"),
            delta: qty("0.2"),
        }))
        .unwrap();
    plant.allocate("SO1", lot("FLOUR", "A"), "0.3").unwrap();
    plant.pick("SO1", lot("FLOUR", "A"), "0.3").unwrap();
    plant.ship("SH1", "SO1").unwrap();
    assert!(plant.on_hand("FLOUR", "A").is_zero());
    assert!(plant
        .tracker
        .state()
        .lot(&pid("FLOUR"), &LotNumber::new("A").unwrap())
        .unwrap()
        .stock
        .is_empty());
}

#[test]
fn lot_numbers_are_unique_per_product_after_trimming() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "L1", "10", "DOCK").unwrap();
    let err = plant.reject(Command::ReceiveLot(ReceiveLot {
        spec: LotSpec::new(pid("FLOUR"), LotNumber::new("  L1 ").unwrap()),
        quantity: qty("1"),
        location: loc("DOCK"),
        supplier: None,
        received_on: None,
        reference: None,
    }));
    assert_eq!(err.to_string(), "duplicate lot FLOUR/L1");
    // The same number is fine for another product.
    plant.receive_lot("SUGAR", "L1", "10", "DOCK").unwrap();
}

#[test]
fn bad_input_is_rejected_with_a_typed_error_and_changes_nothing() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "L1", "10", "DOCK").unwrap();
    let receive = |product: &str, quantity: &str, location: &str, supplier: Option<&str>| {
        Command::ReceiveLot(ReceiveLot {
            spec: LotSpec::new(pid(product), LotNumber::new("NEW").unwrap()),
            quantity: qty(quantity),
            location: loc(location),
            supplier: supplier.map(|s| PartyId::new(s).unwrap()),
            received_on: None,
            reference: None,
        })
    };
    let cases = [
        (
            receive("NOPE", "1", "DOCK", None),
            ErrorKind::UnknownProduct,
        ),
        (receive("PUMP", "1", "DOCK", None), ErrorKind::WrongTracking),
        (
            receive("FLOUR", "0", "DOCK", None),
            ErrorKind::InvalidQuantity,
        ),
        (
            receive("FLOUR", "-2", "DOCK", None),
            ErrorKind::InvalidQuantity,
        ),
        (
            receive("FLOUR", "1", "MARS", None),
            ErrorKind::UnknownLocation,
        ),
        (
            receive("FLOUR", "1", "DOCK", Some("NOBODY")),
            ErrorKind::UnknownParty,
        ),
        (
            receive("FLOUR", "1", "DOCK", Some("SHOP")),
            ErrorKind::WrongRole,
        ),
        (
            Command::Move(Move {
                item: lot("FLOUR", "L1"),
                from: loc("DOCK"),
                to: loc("STOCK"),
                quantity: qty("10.5"),
                override_expiry: false,
            }),
            ErrorKind::InsufficientStock,
        ),
        (
            Command::Move(Move {
                item: lot("FLOUR", "NOPE"),
                from: loc("DOCK"),
                to: loc("STOCK"),
                quantity: qty("1"),
                override_expiry: false,
            }),
            ErrorKind::UnknownLot,
        ),
        (
            Command::Move(Move {
                item: lot("FLOUR", "L1"),
                from: loc("DOCK"),
                to: loc("DOCK"),
                quantity: qty("1"),
                override_expiry: false,
            }),
            ErrorKind::InvalidInput,
        ),
        (
            Command::CancelAllocation(CancelAllocation {
                order: order("NONE"),
                item: None,
            }),
            ErrorKind::UnknownOrder,
        ),
    ];
    for (command, kind) in cases {
        let err = plant.reject(command.clone());
        assert_eq!(err.kind(), kind, "{command:?}: {err}");
    }
    let err = plant.reject(Command::Move(Move {
        item: lot("FLOUR", "L1"),
        from: loc("DOCK"),
        to: loc("STOCK"),
        quantity: qty("10.5"),
        override_expiry: false,
    }));
    assert_eq!(
        err.to_string(),
        "insufficient stock of lot FLOUR/L1 at DOCK: requested 10.5, available 10"
    );
    assert!(ProductId::new("   ").is_err());
    assert!(plant
        .tracker
        .execute(
            "  ",
            None,
            &Command::SetLotActive(SetLotActive {
                product: pid("FLOUR"),
                lot: LotNumber::new("L1").unwrap(),
                active: false
            })
        )
        .is_err());
}

#[test]
fn lot_dates_derive_from_manufacturing_date_and_product_offsets() {
    let mut plant = Plant::new();
    let mut spec = LotSpec::new(pid("FLOUR"), LotNumber::new("L1").unwrap());
    spec.manufactured_on = Some(date("2026-01-10"));
    plant
        .run(Command::ReceiveLot(ReceiveLot {
            spec,
            quantity: qty("5"),
            location: loc("DOCK"),
            supplier: None,
            received_on: None,
            reference: None,
        }))
        .unwrap();
    let lot = plant
        .tracker
        .state()
        .lot(&pid("FLOUR"), &LotNumber::new("L1").unwrap())
        .unwrap();
    assert_eq!(lot.dates.expiry, Some(date("2027-01-10")));
    assert_eq!(lot.received_on, date(TODAY));
    assert_eq!(lot.quality, QualityStatus::Released);

    let mut bad = LotSpec::new(pid("FLOUR"), LotNumber::new("L2").unwrap());
    bad.manufactured_on = Some(date("2026-01-10"));
    bad.dates.expiry = Some(date("2025-12-31"));
    let err = plant.reject(Command::ReceiveLot(ReceiveLot {
        spec: bad,
        quantity: qty("5"),
        location: loc("DOCK"),
        supplier: None,
        received_on: None,
        reference: None,
    }));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

fn expired_flour(plant: &mut Plant) {
    let mut spec = LotSpec::new(pid("FLOUR"), LotNumber::new("OLD").unwrap());
    spec.dates.expiry = Some(date("2026-02-28"));
    plant
        .run(Command::ReceiveLot(ReceiveLot {
            spec,
            quantity: qty("8"),
            location: loc("STOCK"),
            supplier: None,
            received_on: Some(date("2025-03-01")),
            reference: None,
        }))
        .unwrap();
}

#[test]
fn expired_lots_cannot_reach_customers_or_production_without_an_override_and_a_reason() {
    let mut plant = Plant::new();
    expired_flour(&mut plant);
    let err = plant.reject(Command::Allocate(Allocate {
        order: order("SO1"),
        item: lot("FLOUR", "OLD"),
        location: None,
        quantity: qty("1"),
        ship_date: None,
    }));
    assert_eq!(err.kind(), ErrorKind::ExpiredLot);
    assert!(err.to_string().contains("expired on 2026-02-28"), "{err}");

    let to_line = |override_expiry| {
        Command::Move(Move {
            item: lot("FLOUR", "OLD"),
            from: loc("STOCK"),
            to: loc("LINE"),
            quantity: qty("1"),
            override_expiry,
        })
    };
    assert_eq!(plant.reject(to_line(false)).kind(), ErrorKind::ExpiredLot);
    // An override needs a reason ...
    let err = plant
        .tracker
        .execute("qa", None, &to_line(true))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    // ... and with one it is allowed and recorded in the audit trail.
    plant
        .tracker
        .execute("qa", Some("destruction at the line"), &to_line(true))
        .unwrap();
    let history = plant.tracker.history(&lot("FLOUR", "OLD")).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.body.reason.as_deref(), Some("destruction at the line"));
    assert!(matches!(
        last.body.payload,
        EventPayload::Moved {
            override_expiry: true,
            ..
        }
    ));

    let produce = Command::Produce(Produce {
        work_order: WorkOrderId::new("WO1").unwrap(),
        consumed: vec![Line {
            item: lot("FLOUR", "OLD"),
            location: loc("STOCK"),
            quantity: qty("1"),
        }],
        outputs: vec![Output::NewLot {
            spec: LotSpec::new(pid("BREAD"), LotNumber::new("B1").unwrap()),
            quantity: qty("2"),
            location: loc("STOCK"),
        }],
        produced_on: None,
        override_expiry: false,
    });
    assert_eq!(plant.reject(produce).kind(), ErrorKind::ExpiredLot);
}

#[test]
fn production_consumes_inputs_creates_outputs_and_links_them() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "100", "LINE").unwrap();
    plant.receive_lot("SUGAR", "S1", "20", "LINE").unwrap();
    plant
        .run(Command::Produce(Produce {
            work_order: WorkOrderId::new("WO1").unwrap(),
            consumed: vec![
                Line {
                    item: lot("FLOUR", "F1"),
                    location: loc("LINE"),
                    quantity: qty("40"),
                },
                Line {
                    item: lot("SUGAR", "S1"),
                    location: loc("LINE"),
                    quantity: qty("5.5"),
                },
            ],
            outputs: vec![Output::NewLot {
                spec: LotSpec::new(pid("BREAD"), LotNumber::new("B1").unwrap()),
                quantity: qty("80"),
                location: loc("STOCK"),
            }],
            produced_on: None,
            override_expiry: false,
        }))
        .unwrap();
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("60"));
    assert_eq!(plant.on_hand("SUGAR", "S1"), qty("14.5"));
    assert_eq!(plant.on_hand("BREAD", "B1"), qty("80"));
    let bread = plant
        .tracker
        .state()
        .lot(&pid("BREAD"), &LotNumber::new("B1").unwrap())
        .unwrap();
    assert_eq!(
        bread.origin,
        Origin::Produced {
            work_order: WorkOrderId::new("WO1").unwrap()
        }
    );
    assert_eq!(query::orders::links(plant.tracker.state()).len(), 2);

    // Blending back into an existing lot (rework) is allowed and recorded as a link.
    plant
        .run(Command::Produce(Produce {
            work_order: WorkOrderId::new("WO2").unwrap(),
            consumed: vec![Line {
                item: lot("FLOUR", "F1"),
                location: loc("LINE"),
                quantity: qty("10"),
            }],
            outputs: vec![Output::IntoLot {
                product: pid("BREAD"),
                lot: LotNumber::new("B1").unwrap(),
                quantity: qty("10"),
                location: loc("STOCK"),
            }],
            produced_on: None,
            override_expiry: false,
        }))
        .unwrap();
    assert_eq!(plant.on_hand("BREAD", "B1"), qty("90"));
    assert_eq!(query::orders::links(plant.tracker.state()).len(), 3);

    // Consuming more than is there, counted over the lines of one command, is refused.
    let err = plant.reject(Command::Produce(Produce {
        work_order: WorkOrderId::new("WO3").unwrap(),
        consumed: vec![
            Line {
                item: lot("FLOUR", "F1"),
                location: loc("LINE"),
                quantity: qty("30"),
            },
            Line {
                item: lot("FLOUR", "F1"),
                location: loc("LINE"),
                quantity: qty("30"),
            },
        ],
        outputs: vec![Output::NewLot {
            spec: LotSpec::new(pid("BREAD"), LotNumber::new("B2").unwrap()),
            quantity: qty("1"),
            location: loc("STOCK"),
        }],
        produced_on: None,
        override_expiry: false,
    }));
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);
}

#[test]
fn adjustments_and_scrap_need_a_reason_and_respect_reservations() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "STOCK").unwrap();
    plant.allocate("SO1", lot("FLOUR", "F1"), "6").unwrap();
    let adjust = |delta: &str| {
        Command::Adjust(Adjust {
            product: pid("FLOUR"),
            lot: LotNumber::new("F1").unwrap(),
            location: loc("STOCK"),
            delta: qty(delta),
        })
    };
    assert_eq!(
        plant
            .tracker
            .execute("x", None, &adjust("-1"))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        plant.reject(adjust("-5")).kind(),
        ErrorKind::InsufficientStock
    );
    assert_eq!(plant.reject(adjust("0")).kind(), ErrorKind::InvalidQuantity);
    plant.run(adjust("-4")).unwrap();
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("6"));
    let scrap = Command::Scrap(Scrap {
        item: lot("FLOUR", "F1"),
        location: loc("STOCK"),
        quantity: qty("1"),
    });
    assert_eq!(plant.reject(scrap).kind(), ErrorKind::InsufficientStock);
}

#[test]
fn customers_return_at_most_what_they_were_shipped() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "STOCK").unwrap();
    plant.allocate("SO1", lot("FLOUR", "F1"), "4").unwrap();
    plant.pick("SO1", lot("FLOUR", "F1"), "4").unwrap();
    plant.ship("SH1", "SO1").unwrap();
    let ret = |quantity: &str| {
        Command::Return(Return {
            rma: ReturnId::new("RMA1").unwrap(),
            customer: PartyId::new("SHOP").unwrap(),
            item: lot("FLOUR", "F1"),
            location: loc("QA"),
            quantity: qty(quantity),
            release: false,
        })
    };
    assert_eq!(plant.reject(ret("5")).kind(), ErrorKind::InsufficientStock);
    plant.run(ret("1.5")).unwrap();
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("7.5"));
    assert_eq!(plant.reject(ret("3")).kind(), ErrorKind::InsufficientStock);
}

#[test]
fn unusable_lots_cannot_be_allocated() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "STOCK").unwrap();
    let set_active = |active| {
        Command::SetLotActive(SetLotActive {
            product: pid("FLOUR"),
            lot: LotNumber::new("F1").unwrap(),
            active,
        })
    };
    assert_eq!(
        plant
            .tracker
            .execute("x", None, &set_active(false))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    plant.run(set_active(false)).unwrap();
    let err = plant.reject(Command::Allocate(Allocate {
        order: order("SO1"),
        item: lot("FLOUR", "F1"),
        location: None,
        quantity: qty("1"),
        ship_date: None,
    }));
    assert_eq!(err.to_string(), "lot FLOUR/F1 is not usable: inactive");

    let mut inspected = Product::new(pid("MILK"), Tracking::Lot);
    inspected.requires_inspection = true;
    plant.run(Command::RegisterProduct(inspected)).unwrap();
    plant.receive_lot("MILK", "M1", "10", "QA").unwrap();
    let err = plant.reject(Command::Allocate(Allocate {
        order: order("SO1"),
        item: lot("MILK", "M1"),
        location: None,
        quantity: qty("1"),
        ship_date: None,
    }));
    assert_eq!(err.kind(), ErrorKind::NotUsable);
}

#[test]
fn allocation_picking_and_shipping_split_across_locations() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant
        .move_item(lot("FLOUR", "F1"), "DOCK", "STOCK", "4")
        .unwrap();
    plant.allocate("SO1", lot("FLOUR", "F1"), "8").unwrap();
    assert_eq!(
        query::orders::reservations(plant.tracker.state(), &order("SO1")).len(),
        2
    );
    assert_eq!(
        plant
            .reject(Command::Allocate(Allocate {
                order: order("SO2"),
                item: lot("FLOUR", "F1"),
                location: None,
                quantity: qty("3"),
                ship_date: None,
            }))
            .kind(),
        ErrorKind::InsufficientStock
    );
    plant.pick("SO1", lot("FLOUR", "F1"), "7").unwrap();
    plant.ship("SH1", "SO1").unwrap();
    // The unpicked unit stays reserved for the order.
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("3"));
    let reserved: Quantity = query::orders::reservations(plant.tracker.state(), &order("SO1"))
        .iter()
        .map(|r| r.reserved)
        .sum();
    assert_eq!(reserved, qty("1"));
    assert_eq!(
        plant
            .reject(Command::Ship(Ship {
                shipment: ShipmentId::new("SH1").unwrap(),
                order: order("SO1"),
                customer: PartyId::new("SHOP").unwrap(),
                shipped_on: None,
                override_expiry: false
            }))
            .kind(),
        ErrorKind::DuplicateNumber
    );
    plant
        .run(Command::CancelAllocation(CancelAllocation {
            order: order("SO1"),
            item: None,
        }))
        .unwrap();
    assert!(query::orders::reservations(plant.tracker.state(), &order("SO1")).is_empty());
}

#[test]
fn a_batch_is_all_or_nothing_and_sees_its_own_effects() {
    let mut plant = Plant::new();
    let receive = |number: &str| receipt("FLOUR", number, "5", "DOCK", None);
    let before = plant.tracker.state().clone();
    let err = plant
        .tracker
        .execute_batch("bulk", None, &[receive("A"), receive("B"), receive("A")])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
    assert_eq!(plant.tracker.state(), &before);
    let move_a = Command::Move(Move {
        item: lot("FLOUR", "A"),
        from: loc("DOCK"),
        to: loc("STOCK"),
        quantity: qty("5"),
        override_expiry: false,
    });
    let committed = plant
        .tracker
        .execute_batch("bulk", None, &[receive("A"), move_a])
        .unwrap();
    assert_eq!(committed.count, 2);
    assert_eq!(
        plant
            .tracker
            .state()
            .lot(&pid("FLOUR"), &LotNumber::new("A").unwrap())
            .unwrap()
            .stock[0]
            .location,
        loc("STOCK")
    );
}

#[test]
fn histories_of_lots_serials_and_locations() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant
        .move_item(lot("FLOUR", "F1"), "DOCK", "STOCK", "10")
        .unwrap();
    plant.receive_serials("PUMP", &["P1"], "DOCK").unwrap();
    plant
        .move_item(serial("PUMP", "P1"), "DOCK", "STOCK", "1")
        .unwrap();

    let kinds = |events: Vec<Event>| -> Vec<String> {
        events
            .iter()
            .map(|e| {
                serde_json::to_value(&e.body.payload)
                    .unwrap()
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .clone()
            })
            .collect()
    };
    assert_eq!(
        kinds(plant.tracker.history(&lot("FLOUR", "F1")).unwrap()),
        ["lot_received", "moved"]
    );
    assert_eq!(
        kinds(plant.tracker.history(&serial("PUMP", "P1")).unwrap()),
        ["serials_received", "moved"]
    );
    assert_eq!(
        kinds(plant.tracker.location_history(&loc("DOCK")).unwrap()),
        [
            "location_registered",
            "lot_received",
            "moved",
            "serials_received",
            "moved"
        ]
    );
    let event = &plant.tracker.history(&lot("FLOUR", "F1")).unwrap()[0];
    assert_eq!(&*event.body.actor, "tester");
    assert_eq!(
        event.body.recorded_at.to_rfc3339(),
        "2026-03-01T08:00:00+00:00"
    );
    assert_eq!(
        plant
            .tracker
            .history(&lot("FLOUR", "NOPE"))
            .unwrap_err()
            .kind(),
        ErrorKind::UnknownLot
    );
}
