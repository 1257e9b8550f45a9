//! Packing into containers (pallets, cases): what a container holds, the checks that
//! keep packing honest, the item histories, and the EPCIS AggregationEvents.

mod common;

use common::*;
use serde_json::Value;
use traceability_core::io::epcis::{self, EpcisOptions, Selection};
use traceability_core::*;

const PALLET: &str = "106141411234567897"; // an SSCC with its check digit

fn container(id: &str) -> ContainerId {
    ContainerId::new(id).unwrap()
}

fn pack(id: &str, at: &str, contents: &[(ItemRef, &str)]) -> Command {
    Command::Pack(Pack {
        container: container(id),
        location: loc(at),
        contents: contents
            .iter()
            .map(|(item, quantity)| PackedItem {
                item: item.clone(),
                quantity: qty(quantity),
            })
            .collect(),
    })
}

fn unpack(id: &str) -> Command {
    Command::Unpack(Unpack {
        container: container(id),
    })
}

fn packed_plant() -> Plant {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "STOCK").unwrap();
    plant.receive_stored("PUMP", &["P1", "P2"], "STOCK");
    plant
        .run(pack(
            PALLET,
            "STOCK",
            &[(lot("FLOUR", "F1"), "6"), (serial("PUMP", "P1"), "1")],
        ))
        .unwrap();
    plant
}

#[test]
fn a_container_records_what_was_packed_until_it_is_unpacked() {
    let mut plant = packed_plant();
    let pallet = plant.tracker.state().container(&container(PALLET)).unwrap();
    assert_eq!(pallet.location, loc("STOCK"));
    assert_eq!(pallet.packed_on, date(TODAY));
    assert_eq!(pallet.contents.len(), 2);
    assert_eq!(pallet.contents[0].quantity, qty("6"));
    assert_eq!(pallet.unpacked_on, None);
    // Packing moves nothing: the stock is where it was.
    assert_eq!(plant.on_hand("FLOUR", "F1"), qty("10"));
    let history = plant.tracker.movements(&lot("FLOUR", "F1")).unwrap();
    let packed = history.last().unwrap();
    assert_eq!(
        (packed.action, packed.reference.as_deref(), packed.quantity),
        ("packed", Some(PALLET), Some(qty("6")))
    );

    plant.run(unpack(PALLET)).unwrap();
    let pallet = plant.tracker.state().container(&container(PALLET)).unwrap();
    assert_eq!(pallet.unpacked_on, Some(date(TODAY)));
    // Unpacked, its goods may be packed again; the id never is.
    plant
        .run(pack("LPN-2", "STOCK", &[(serial("PUMP", "P1"), "1")]))
        .unwrap();
    let err = plant.reject(pack(PALLET, "STOCK", &[(serial("PUMP", "P2"), "1")]));
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
    let err = plant.reject(unpack(PALLET));
    assert!(err.to_string().contains("already unpacked"), "{err}");
}

#[test]
fn packing_never_promises_more_than_is_there() {
    let mut plant = packed_plant();
    // 6 of F1's 10 at STOCK are on the pallet: 4 are left to pack.
    let err = plant.reject(pack("LPN-1", "STOCK", &[(lot("FLOUR", "F1"), "5")]));
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);
    plant
        .run(pack("LPN-1", "STOCK", &[(lot("FLOUR", "F1"), "4")]))
        .unwrap();
    let err = plant.reject(pack("LPN-3", "STOCK", &[(serial("PUMP", "P1"), "1")]));
    assert!(err.to_string().contains("already packed"), "{err}");
    let err = plant.reject(pack("LPN-3", "DOCK", &[(serial("PUMP", "P2"), "1")]));
    assert_eq!(
        err.kind(),
        ErrorKind::InsufficientStock,
        "not at the dock: {err}"
    );
    let err = plant.reject(pack(
        "LPN-3",
        "STOCK",
        &[(serial("PUMP", "P2"), "1"), (serial("PUMP", "P2"), "1")],
    ));
    assert!(err.to_string().contains("twice"), "{err}");
    let err = plant.reject(pack("LPN-3", "STOCK", &[]));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = plant.reject(pack("LPN-3", "STOCK", &[(lot("FLOUR", "F9"), "1")]));
    assert_eq!(err.kind(), ErrorKind::UnknownLot);
    let err = plant.reject(unpack("LPN-9"));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn packing_and_unpacking_are_epcis_aggregation_events() {
    let mut plant = packed_plant();
    plant.run(unpack(PALLET)).unwrap();
    let mut out = Vec::new();
    let summary = epcis::export(
        &plant.tracker,
        &Selection::Item(lot("FLOUR", "F1")),
        &EpcisOptions::default(),
        &mut out,
    )
    .unwrap();
    assert_eq!(summary.aggregation_events, 2);
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let events = doc["epcisBody"]["eventList"].as_array().unwrap();
    let aggregations: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "AggregationEvent")
        .collect();
    let (packed, unpacked) = (aggregations[0], aggregations[1]);
    let sscc = format!("https://id.gs1.org/00/{PALLET}");
    assert_eq!(packed["action"], "ADD");
    assert_eq!(packed["bizStep"], "packing");
    assert_eq!(packed["parentID"], sscc.as_str());
    assert_eq!(packed["childQuantityList"][0]["quantity"], 6);
    assert_eq!(packed["childEPCs"].as_array().unwrap().len(), 1);
    assert!(packed.get("epcList").is_none());
    assert_eq!(unpacked["action"], "DELETE");
    assert_eq!(unpacked["bizStep"], "unpacking");
    assert_eq!(unpacked["parentID"], sscc.as_str());
}
