//! Every serial transition of DESIGN.md's lifecycle table, legal and illegal, driven
//! through real commands: a serial is brought to each status, then every command that
//! targets a status is tried on it.

mod common;

use common::*;
use traceability_core::*;
use SerialStatus::*;

const SN: &str = "SN1";

/// The lifecycle table of DESIGN.md, row by row: (from, to); `None` is a serial not yet
/// known. Written out here, independent of the implementation's own table.
const LEGAL: [(Option<SerialStatus>, SerialStatus); 13] = [
    (None, Expected),
    (None, Received),
    (Some(Expected), Received),
    (Some(Received), InInventory),
    (Some(InInventory), Allocated),
    (Some(Allocated), InInventory),
    (Some(Allocated), Picked),
    (Some(Picked), InInventory),
    (Some(Picked), Shipped),
    (Some(InInventory), Consumed),
    (Some(InInventory), Scrapped),
    (Some(Received), Scrapped),
    (Some(Shipped), Received),
];

/// Brings serial PUMP/SN1 to `status` (`None`: it does not exist).
fn plant_with_serial_in(status: Option<SerialStatus>) -> Plant {
    let mut plant = Plant::new();
    plant.receive_serials("PUMP", &["OTHER"], "STOCK").unwrap();
    let Some(status) = status else { return plant };
    if status == Expected {
        plant
            .run(Command::ExpectSerials(ExpectSerials {
                product: pid("PUMP"),
                serials: serials(&[SN]),
                supplier: None,
                reference: None,
            }))
            .unwrap();
        return plant;
    }
    plant.receive_serials("PUMP", &[SN], "DOCK").unwrap();
    let steps: &[SerialStatus] = match status {
        Received => &[],
        InInventory => &[InInventory],
        Allocated => &[InInventory, Allocated],
        Picked => &[InInventory, Allocated, Picked],
        Shipped => &[InInventory, Allocated, Picked, Shipped],
        Consumed => &[InInventory, Consumed],
        Scrapped => &[Scrapped],
        Expected => unreachable!(),
    };
    for &step in steps {
        attempt(&mut plant, step).unwrap();
    }
    assert_eq!(plant.serial_status("PUMP", SN), Some(status));
    plant
}

/// Issues the command whose purpose is to bring PUMP/SN1 to `to`.
fn attempt(plant: &mut Plant, to: SerialStatus) -> Result<Committed, TraceError> {
    let sn = serial("PUMP", SN);
    let here = plant
        .tracker
        .state()
        .serial(&pid("PUMP"), &SerialNumber::new(SN).unwrap())
        .and_then(|s| s.location.clone());
    let here = here.unwrap_or_else(|| loc("DOCK"));
    match to {
        Expected => plant.run(Command::ExpectSerials(ExpectSerials {
            product: pid("PUMP"),
            serials: serials(&[SN]),
            supplier: None,
            reference: None,
        })),
        Received => match plant.serial_status("PUMP", SN) {
            Some(Shipped) | Some(InInventory) | Some(Allocated) | Some(Picked) | Some(Consumed)
            | Some(Scrapped) => plant.run(Command::Return(Return {
                rma: ReturnId::new("RMA1").unwrap(),
                customer: PartyId::new("SHOP").unwrap(),
                item: sn,
                location: loc("QA"),
                quantity: Quantity::ONE,
                release: false,
            })),
            _ => plant.receive_serials("PUMP", &[SN], "DOCK"),
        },
        InInventory => match plant.serial_status("PUMP", SN) {
            Some(Allocated) | Some(Picked) => {
                plant.run(Command::CancelAllocation(CancelAllocation {
                    order: order("SO1"),
                    item: Some(sn),
                }))
            }
            _ => {
                let to = if here.as_str() == "STOCK" {
                    "STAGE"
                } else {
                    "STOCK"
                };
                plant.move_item(sn, here.as_str(), to, "1")
            }
        },
        Allocated => plant.allocate("SO1", sn, "1"),
        Picked => plant.pick("SO1", sn, "1"),
        Shipped => {
            let shipment = format!(
                "SHIP{}",
                query::orders::shipments(plant.tracker.state()).len() + 1
            );
            plant.ship(&shipment, "SO1")
        }
        Consumed => plant.run(Command::Produce(Produce {
            work_order: WorkOrderId::new("WO1").unwrap(),
            consumed: vec![Line {
                item: sn,
                location: here,
                quantity: Quantity::ONE,
            }],
            outputs: vec![Output::NewSerial {
                product: pid("MOTOR"),
                serial: Some(SerialNumber::new("M1").unwrap()),
                location: loc("STOCK"),
            }],
            produced_on: None,
            override_expiry: false,
        })),
        Scrapped => plant.run(Command::Scrap(Scrap {
            item: sn,
            location: here,
            quantity: Quantity::ONE,
        })),
    }
}

#[test]
fn every_transition_of_the_lifecycle_table_is_enforced() {
    let mut legal = 0;
    let mut illegal = 0;
    for from in std::iter::once(None).chain(SerialStatus::ALL.map(Some)) {
        for to in SerialStatus::ALL {
            // Moving an IN_INVENTORY serial between locations is not a status change.
            if from == Some(InInventory) && to == InInventory {
                continue;
            }
            let mut plant = plant_with_serial_in(from);
            assert_eq!(
                to.can_become_from(from),
                LEGAL.contains(&(from, to)),
                "the implementation's table disagrees with DESIGN.md on {from:?} -> {to}"
            );
            if LEGAL.contains(&(from, to)) {
                attempt(&mut plant, to)
                    .unwrap_or_else(|e| panic!("{from:?} -> {to} should be legal: {e}"));
                assert_eq!(
                    plant.serial_status("PUMP", SN),
                    Some(to),
                    "{from:?} -> {to}"
                );
                legal += 1;
            } else {
                let before = plant.tracker.state().clone();
                let err = attempt(&mut plant, to)
                    .expect_err(&format!("{from:?} -> {to} should be illegal"));
                assert_eq!(
                    plant.tracker.state(),
                    &before,
                    "{from:?} -> {to} changed the state"
                );
                let expected = match (from, to) {
                    // Shipping works on an order: whether nothing of it is allocated or
                    // it is allocated but unpicked, nothing is picked to ship.
                    (_, Shipped) => ErrorKind::InvalidInput,
                    (None, _) => ErrorKind::UnknownSerial,
                    // A known serial cannot be announced or received from a supplier again.
                    (_, Expected) | (Some(Received), Received) => ErrorKind::DuplicateNumber,
                    _ => ErrorKind::InvalidTransition,
                };
                assert_eq!(err.kind(), expected, "{from:?} -> {to}: {err}");
                if err.kind() == ErrorKind::InvalidTransition {
                    let message = err.to_string();
                    assert!(
                        message.contains(SN) && message.contains(to.as_str()),
                        "message names serial and target: {message}"
                    );
                }
                illegal += 1;
            }
        }
    }
    assert_eq!(legal, LEGAL.len(), "every row of the table was exercised");
    assert_eq!(illegal, 9 * 8 - 1 - 13);
}

#[test]
fn invalid_transition_message_names_serial_status_and_target() {
    let mut plant = plant_with_serial_in(Some(Received));
    let err = plant.reject(Command::Pick(Pick {
        order: order("SO1"),
        item: serial("PUMP", SN),
        quantity: Quantity::ONE,
    }));
    assert_eq!(
        err.to_string(),
        "serial PUMP/SN1 is RECEIVED, cannot become PICKED"
    );
}

#[test]
fn serial_numbers_are_never_reused() {
    let mut plant = plant_with_serial_in(Some(Scrapped));
    let err = plant.reject(Command::ReceiveSerials(ReceiveSerials {
        product: pid("PUMP"),
        serials: serials(&[SN]),
        location: loc("DOCK"),
        supplier: None,
        reference: None,
        generate: 0,
        put_away: false,
        received_on: None,
    }));
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
}

#[test]
fn a_serial_is_in_one_place_according_to_its_status() {
    let plant = plant_with_serial_in(Some(Shipped));
    let s = plant
        .tracker
        .state()
        .serial(&pid("PUMP"), &SerialNumber::new(SN).unwrap())
        .unwrap();
    assert_eq!(
        (s.status, s.location.as_ref(), s.order.as_ref()),
        (Shipped, None, None)
    );
    let plant = plant_with_serial_in(Some(Picked));
    let s = plant
        .tracker
        .state()
        .serial(&pid("PUMP"), &SerialNumber::new(SN).unwrap())
        .unwrap();
    assert_eq!(
        (s.location.as_ref(), s.order.as_ref()),
        (Some(&loc("STOCK")), Some(&order("SO1")))
    );
}
