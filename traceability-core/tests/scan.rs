//! Scanning into the domain: GS1 barcodes resolved to products by GTIN, to lots and
//! serials with their dates, and turned into receipts and picks; mismatches with the
//! master data are clear errors.

mod common;

use common::*;
use traceability_core::io::gs1::scan::{scan, scan_command, ScanAction, ScanReceipt};
use traceability_core::*;

const MILK_GTIN: &str = "09506000134352";
const PUMP_GTIN: &str = "04006381333931";

fn plant_with_gtins() -> Plant {
    let mut plant = Plant::new();
    let mut beef = Product::new(pid("BEEF"), Tracking::Lot);
    beef.unit = "kg".into();
    beef.gtins = vec!["9506000134369".into()];
    let mut milk = Product::new(pid("MILK"), Tracking::Lot);
    milk.gtins = vec![MILK_GTIN.into()];
    let mut valve = Product::new(pid("VALVE"), Tracking::Serial);
    valve.gtins = vec![PUMP_GTIN[1..].into()];
    for product in [beef, milk, valve] {
        plant.run(Command::RegisterProduct(product)).unwrap();
    }
    plant
}

fn receive_at(location: &str) -> ScanAction {
    ScanAction::Receive(ScanReceipt {
        location: loc(location),
        quantity: None,
        supplier: None,
        received_on: None,
        reference: None,
    })
}

#[test]
fn gtins_are_checked_normalised_and_unique() {
    let mut plant = plant_with_gtins();
    let valve = plant.tracker.state().product(&pid("VALVE")).unwrap();
    assert_eq!(valve.gtins, vec![PUMP_GTIN.to_string()]);
    let mut bad = Product::new(pid("BAD"), Tracking::Lot);
    bad.gtins = vec!["09506000134353".into()];
    let err = plant.reject(Command::RegisterProduct(bad.clone()));
    assert!(err.to_string().contains("check digit"), "{err}");
    bad.gtins = vec![MILK_GTIN.into()];
    let err = plant.reject(Command::RegisterProduct(bad));
    assert!(
        err.to_string().contains("already belongs to product MILK"),
        "{err}"
    );
}

#[test]
fn a_pharma_datamatrix_receives_the_lot_with_its_expiry() {
    let mut plant = plant_with_gtins();
    let today = date(TODAY);
    // ]d2 symbology identifier, FNC1 as ASCII 29 after the variable-length lot.
    let label = format!("]d201{MILK_GTIN}17260901 10L42\u{1d}3012");
    let label = label.replace(' ', "");
    let found = scan(plant.tracker.state(), &label, today).unwrap();
    assert_eq!(
        (found.product.clone(), found.item.clone(), found.known),
        (Some(pid("MILK")), Some(lot("MILK", "L42")), false)
    );
    assert_eq!(found.quantity, Some(qty("12")));
    let command = scan_command(plant.tracker.state(), &label, today, &receive_at("DOCK")).unwrap();
    plant.run(command).unwrap();
    let l42 = plant
        .tracker
        .state()
        .lot(&pid("MILK"), &LotNumber::new("L42").unwrap())
        .unwrap();
    assert_eq!(
        (l42.on_hand(), l42.dates.expiry),
        (qty("12"), Some(date("2026-09-01")))
    );
    assert!(scan(plant.tracker.state(), &label, today).unwrap().known);

    // The same lot with another expiry on its label is refused.
    let other = format!("(01){MILK_GTIN}(17)261001(10)L42");
    let err = scan(plant.tracker.state(), &other, today).unwrap_err();
    assert!(
        err.to_string().contains("differs from lot MILK/L42"),
        "{err}"
    );

    // Picking by scan.
    plant.allocate("SO1", lot("MILK", "L42"), "2").unwrap();
    let pick = ScanAction::Pick {
        order: order("SO1"),
        quantity: Some(qty("2")),
    };
    let command = scan_command(
        plant.tracker.state(),
        &format!("(01){MILK_GTIN}(10)L42"),
        today,
        &pick,
    )
    .unwrap();
    plant.run(command).unwrap();
}

#[test]
fn a_meat_label_gives_its_net_weight_and_a_serial_label_its_serial() {
    let mut plant = plant_with_gtins();
    let today = date(TODAY);
    let meat = "(01)09506000134369(3103)012345(10)BATCH7";
    let found = scan(plant.tracker.state(), meat, today).unwrap();
    assert_eq!(found.quantity, Some(qty("12.345")));
    plant
        .run(scan_command(plant.tracker.state(), meat, today, &receive_at("DOCK")).unwrap())
        .unwrap();
    assert_eq!(plant.on_hand("BEEF", "BATCH7"), qty("12.345"));

    let valve = format!("(01){PUMP_GTIN}(21)V-001");
    plant
        .run(scan_command(plant.tracker.state(), &valve, today, &receive_at("DOCK")).unwrap())
        .unwrap();
    assert_eq!(
        plant.serial_status("VALVE", "V-001"),
        Some(SerialStatus::Received)
    );
}

#[test]
fn barcodes_that_contradict_the_master_data_are_refused() {
    let plant = plant_with_gtins();
    let today = date(TODAY);
    let state = plant.tracker.state();
    let err = scan(state, "(01)04012345000009(10)X", today).unwrap_err();
    assert!(
        err.to_string().contains("belongs to no registered product"),
        "{err}"
    );
    let err = scan(state, &format!("(01){MILK_GTIN}(21)S1"), today).unwrap_err();
    assert!(err.to_string().contains("lot-tracked"), "{err}");
    let err = scan_command(
        state,
        &format!("(01){PUMP_GTIN}(10)L1"),
        today,
        &receive_at("DOCK"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("serial-tracked"), "{err}");
    let err = scan_command(
        state,
        &format!("(01){MILK_GTIN}(10)L1"),
        today,
        &receive_at("DOCK"),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("give the quantity"), "{err}");
    let err =
        scan_command(state, "(00)106141411234567897", today, &receive_at("DOCK")).unwrap_err();
    assert!(err.to_string().contains("no GTIN"), "{err}");
}

#[test]
fn a_pallet_content_label_is_scanned_without_its_sscc_symbol() {
    let mut plant = plant_with_gtins();
    let today = date(TODAY);
    // The second barcode of a pallet label: content GTIN, count, batch. Its SSCC (00),
    // which (37) requires, is in the first barcode.
    let label = format!("(02){MILK_GTIN}(37)24(10)P7");
    assert!(
        io::gs1::parse(&label, today).is_err(),
        "one complete message needs (00)"
    );
    let found = scan(plant.tracker.state(), &label, today).unwrap();
    assert_eq!(
        (found.product.clone(), found.item.clone(), found.quantity),
        (Some(pid("MILK")), Some(lot("MILK", "P7")), Some(qty("24")))
    );
    let command = scan_command(plant.tracker.state(), &label, today, &receive_at("DOCK")).unwrap();
    plant.run(command).unwrap();
    assert_eq!(plant.on_hand("MILK", "P7"), qty("24"));
    // An invalid pair is refused in one symbol too.
    let both = format!("(01){MILK_GTIN}(02){MILK_GTIN}(10)P8");
    assert!(scan(plant.tracker.state(), &both, today).is_err());
}
