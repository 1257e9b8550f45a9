//! A supplier's EPCIS document captured into the genealogy: its raw lots become records,
//! its transformation a genealogy link, its shipment our receipt — so a trace from our
//! finished goods reaches the supplier's raw materials, and back.

mod common;

use common::*;
use traceability_core::io::epcis::{import_commands, EpcisImport};
use traceability_core::*;

const DOCUMENT: &str = r#"{
  "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-02-27T15:00:00Z",
  "epcisBody": {"eventList": [
    {"type": "TransformationEvent", "eventTime": "2026-02-26T10:00:00+01:00", "eventTimeZoneOffset": "+01:00",
     "inputQuantityList": [
       {"epcClass": "https://id.gs1.org/01/04012345000009/10/RAW-A", "quantity": 600, "uom": "KGM"},
       {"epcClass": "https://id.gs1.org/01/04012345000009/10/RAW-B", "quantity": 450, "uom": "KGM"}],
     "outputQuantityList": [
       {"epcClass": "https://id.gs1.org/01/09506000134352/10/SUP-77", "quantity": 1000, "uom": "KGM"}],
     "transformationID": "MILL-WO-88", "bizStep": "commissioning",
     "ilmd": {"cbvmda:itemExpirationDate": "2027-03-01"}},
    {"type": "ObjectEvent", "eventTime": "2026-02-27T14:30:00+01:00", "eventTimeZoneOffset": "+01:00",
     "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
     "quantityList": [{"epcClass": "https://id.gs1.org/01/09506000134352/10/SUP-77", "quantity": 1000, "uom": "KGM"}],
     "bizTransactionList": [{"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:9521141123454:DN-0042"}],
     "sourceList": [{"type": "owning_party", "source": "https://id.gs1.org/417/9521141123454"}]}
  ]}
}"#;

fn plant() -> Plant {
    let mut plant = Plant::new();
    let mut grain = Product::new(pid("GRAIN"), Tracking::Lot);
    grain.gtins = vec!["04012345000009".into()];
    let mut semolina = Product::new(pid("SEMOLINA"), Tracking::Lot);
    semolina.gtins = vec!["09506000134352".into()];
    plant.run(Command::RegisterProduct(grain)).unwrap();
    plant.run(Command::RegisterProduct(semolina)).unwrap();
    plant
        .run(Command::RegisterParty(Party {
            id: PartyId::new("MILL").unwrap(),
            role: PartyRole::Supplier,
            name: "The Mill".into(),
            gln: Some("9521141123454".into()),
        }))
        .unwrap();
    plant
}

#[test]
fn a_trace_crosses_into_the_suppliers_genealogy() {
    let mut plant = plant();
    let how = EpcisImport {
        location: loc("DOCK"),
        supplier: None,
    };
    let commands = import_commands(plant.tracker.state(), DOCUMENT, &how).unwrap();
    plant
        .tracker
        .execute_batch("edi", Some("supplier EPCIS"), &commands)
        .unwrap();

    let state = plant.tracker.state();
    let sup77 = state
        .lot(&pid("SEMOLINA"), &LotNumber::new("SUP-77").unwrap())
        .unwrap();
    assert_eq!(sup77.on_hand(), qty("1000"));
    assert_eq!(sup77.dates.expiry, Some(date("2027-03-01")));
    assert_eq!(sup77.supplier, Some(PartyId::new("MILL").unwrap()));
    let raw_a = state
        .lot(&pid("GRAIN"), &LotNumber::new("RAW-A").unwrap())
        .unwrap();
    assert!(
        raw_a.stock.is_empty(),
        "the supplier's raw lot is a record, not our stock"
    );

    // Our production from the supplier's lot, shipped to a customer.
    plant
        .run(Command::Produce(Produce {
            work_order: WorkOrderId::new("WO1").unwrap(),
            consumed: vec![Line {
                item: lot("SEMOLINA", "SUP-77"),
                location: loc("DOCK"),
                quantity: qty("100"),
            }],
            outputs: vec![Output::NewLot {
                spec: LotSpec::new(pid("BREAD"), LotNumber::new("B1").unwrap()),
                quantity: qty("200"),
                location: loc("DOCK"),
            }],
            produced_on: None,
            override_expiry: false,
        }))
        .unwrap();
    plant.allocate("SO1", lot("BREAD", "B1"), "50").unwrap();
    plant.pick("SO1", lot("BREAD", "B1"), "50").unwrap();
    plant.ship("SH1", "SO1").unwrap();

    let state = plant.tracker.state();
    let back = trace_backward(state, &lot("BREAD", "B1")).unwrap();
    let reached: Vec<_> = back.items.iter().map(|i| i.item.clone()).collect();
    assert!(reached.contains(&lot("GRAIN", "RAW-A")) && reached.contains(&lot("GRAIN", "RAW-B")));
    let down = trace_forward(state, &lot("GRAIN", "RAW-B")).unwrap();
    assert_eq!(down.customers, vec![PartyId::new("SHOP").unwrap()]);

    // Importing the same document again is refused as a whole (the records exist, the
    // lot already holds goods): nothing changes.
    let again = import_commands(plant.tracker.state(), DOCUMENT, &how).unwrap();
    let head = plant.tracker.head();
    assert!(plant.tracker.execute_batch("edi", None, &again).is_err());
    assert_eq!(plant.tracker.head(), head);
}

#[test]
fn unknown_products_are_named() {
    let plant = Plant::new();
    let how = EpcisImport {
        location: loc("DOCK"),
        supplier: None,
    };
    let err = import_commands(plant.tracker.state(), DOCUMENT, &how).unwrap_err();
    assert!(err.to_string().contains("event 0"), "{err}");
    assert!(err.to_string().contains("RAW-A"), "{err}");
}
