//! GS1 EPCIS 2.0: the export's document shape, events per type, identifiers and stable
//! event IDs; reading a supplier's document; and the round trip export → read.

mod bakery;

use bakery::*;
use serde_json::{json, Value};
use traceability_core::io::epcis::{self, CaptureKind, EpcisOptions, ExportSummary, Selection};
use traceability_core::*;

/// The bakery's supply chain, then pumps received and shipped, scrap, a count, a
/// quality decision, a hold and its release, a return and a recall.
fn busy_bakery() -> Bakery {
    let mut b = Bakery::supply_chain();
    b.run(Command::ExpectSerials(ExpectSerials {
        product: pid("PUMP"),
        serials: vec![
            SerialNumber::new("SN1").unwrap(),
            SerialNumber::new("SN2").unwrap(),
        ],
        supplier: Some(party("ACME")),
        reference: Some("ASN-7".into()),
    }));
    b.run(Command::ReceiveSerials(ReceiveSerials {
        product: pid("PUMP"),
        serials: vec![
            SerialNumber::new("SN1").unwrap(),
            SerialNumber::new("SN2").unwrap(),
        ],
        location: loc("DOCK"),
        supplier: Some(party("ACME")),
        reference: None,
        generate: 0,
        put_away: false,
        received_on: None,
    }));
    b.run(Command::Scrap(Scrap {
        item: lot("FLOUR", "F1"),
        location: loc("DOCK"),
        quantity: qty("5"),
    }));
    b.run(Command::Adjust(Adjust {
        product: pid("SUGAR"),
        lot: LotNumber::new("S1").unwrap(),
        location: loc("DOCK"),
        delta: qty("-2.5"),
    }));
    b.run(Command::SetQualityStatus(SetQualityStatus {
        lot: LotKey::new("FLOUR", "F1").unwrap(),
        status: QualityStatus::Quarantine,
    }));
    b.run(Command::PlaceHold(PlaceHold {
        items: vec![lot("BREAD", "B1"), ItemRef::serial("PUMP", "SN1").unwrap()],
    }));
    b.run(Command::ReleaseHold(ReleaseHold {
        items: vec![lot("BREAD", "B1"), ItemRef::serial("PUMP", "SN1").unwrap()],
    }));
    b.run(Command::Return(Return {
        rma: ReturnId::new("RMA1").unwrap(),
        customer: party("SHOP"),
        item: lot("BREAD", "B1"),
        location: loc("DOCK"),
        quantity: qty("5"),
        release: false,
    }));
    b.run(Command::Recall(Recall {
        recall: None,
        suspects: vec![lot("FLOUR", "F1")],
        hold: false,
    }));
    b
}

fn options() -> EpcisOptions {
    EpcisOptions {
        owner_gln: Some(DOCK_GLN.into()),
        creation_date: Some("2026-03-04T00:00:00Z".parse().unwrap()),
        ..EpcisOptions::default()
    }
}

fn export(tracker: &Tracker, selection: &Selection) -> (Value, ExportSummary, String) {
    let mut out = Vec::new();
    let summary = epcis::export(tracker, selection, &options(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let doc = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (doc, summary, text)
}

fn events(doc: &Value) -> &Vec<Value> {
    doc["epcisBody"]["eventList"].as_array().unwrap()
}

fn with_step<'a>(doc: &'a Value, step: &str) -> Vec<&'a Value> {
    events(doc)
        .iter()
        .filter(|e| e["bizStep"] == step)
        .collect()
}

#[test]
fn the_document_has_the_epcis_2_shape_and_one_event_per_physical_fact() {
    let b = busy_bakery();
    let (doc, summary, text) = export(&b.tracker, &Selection::All);
    if let Ok(path) = std::env::var("EPCIS_EXPORT_TO") {
        std::fs::write(path, &text).unwrap();
    }
    assert_eq!(doc["type"], "EPCISDocument");
    assert_eq!(doc["schemaVersion"], "2.0");
    assert_eq!(doc["creationDate"], "2026-03-04T00:00:00.000Z");
    assert_eq!(
        doc["@context"],
        json!([epcis::EPCIS_CONTEXT, {"trace": "urn:x-traceability:epcis:"}])
    );
    let steps: Vec<&str> = events(&doc)
        .iter()
        .map(|e| e["bizStep"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        steps,
        [
            "receiving",
            "receiving",
            "storing",
            "storing",
            "commissioning",
            "picking",
            "shipping",
            "-",
            "receiving",
            "destroying",
            "cycle_counting",
            "inspecting",
            "holding",
            "holding",
            "receiving",
            "holding",
        ]
    );
    assert_eq!(summary.events_written, 16);
    assert_eq!(summary.object_events, 14);
    assert_eq!(summary.transformation_events, 1);
    assert_eq!(summary.transaction_events, 1);
    assert_eq!(summary.events_read, summary.skipped + 16);
    for event in events(&doc) {
        assert_eq!(event["eventTimeZoneOffset"], "+00:00");
        assert!(event["eventID"].as_str().unwrap().starts_with("urn:uuid:"));
        assert_eq!(event["trace:actor"], "baker");
        assert!(event["trace:seq"].is_u64());
    }
}

#[test]
fn receipts_shipments_and_production_name_things_by_gs1_keys() {
    let b = busy_bakery();
    let (doc, _, _) = export(&b.tracker, &Selection::All);
    let flour = with_step(&doc, "receiving")[0];
    assert_eq!(flour["type"], "ObjectEvent");
    assert_eq!(flour["action"], "ADD");
    assert_eq!(flour["disposition"], "active");
    assert_eq!(flour["eventTime"], "2026-03-01T08:00:00.000Z");
    assert_eq!(
        flour["quantityList"],
        json!([{"epcClass": format!("https://id.gs1.org/01/{FLOUR_GTIN}/10/F1"), "quantity": 100, "uom": "KGM"}])
    );
    assert_eq!(
        flour["readPoint"]["id"],
        format!("https://id.gs1.org/414/{DOCK_GLN}")
    );
    assert_eq!(
        flour["sourceList"],
        json!([{"type": "owning_party", "source": format!("https://id.gs1.org/417/{ACME_GLN}")},
               {"type": "location", "source": format!("https://id.gs1.org/414/{ACME_GLN}")}])
    );
    assert_eq!(
        flour["destinationList"],
        json!([{"type": "owning_party", "destination": format!("https://id.gs1.org/417/{DOCK_GLN}")}])
    );
    assert_eq!(
        flour["bizTransactionList"],
        json!([{"bizTransaction": "urn:x-traceability:reference:PO-F1"}])
    );
    // Sugar has no GTIN and its mill no GLN: private URIs.
    let sugar = with_step(&doc, "receiving")[1];
    assert_eq!(
        sugar["quantityList"][0]["epcClass"],
        "urn:x-traceability:lot:SUGAR:S1"
    );
    assert_eq!(
        sugar["sourceList"][0]["source"],
        "urn:x-traceability:party:MILL"
    );

    let bake = with_step(&doc, "commissioning")[0];
    assert_eq!(bake["type"], "TransformationEvent");
    assert_eq!(
        bake["transformationID"],
        "urn:x-traceability:work_order:WO1"
    );
    assert_eq!(
        bake["inputQuantityList"][1]["epcClass"],
        "urn:x-traceability:lot:SUGAR:S1"
    );
    assert_eq!(bake["inputQuantityList"][1]["quantity"], 20);
    assert_eq!(
        bake["outputQuantityList"],
        json!([{"epcClass": format!("https://id.gs1.org/01/{BREAD_GTIN}/10/B1"), "quantity": 80}])
    );
    assert_eq!(
        bake["ilmd"],
        json!({"cbvmda:itemExpirationDate": "2026-03-08"})
    );
    assert_eq!(bake["readPoint"]["id"], "urn:x-traceability:location:LINE");

    let ship = with_step(&doc, "shipping")[0];
    assert_eq!(
        (ship["action"].as_str(), ship["disposition"].as_str()),
        (Some("OBSERVE"), Some("in_transit"))
    );
    assert_eq!(
        ship["destinationList"],
        json!([{"type": "owning_party", "destination": format!("https://id.gs1.org/417/{SHOP_GLN}")},
               {"type": "location", "destination": format!("https://id.gs1.org/414/{SHOP_GLN}")}])
    );
    assert_eq!(
        ship["bizTransactionList"],
        json!([{"type": "desadv", "bizTransaction": "urn:x-traceability:shipment:SH1"},
               {"bizTransaction": "urn:x-traceability:order:SO1"}])
    );
    let pumps = &with_step(&doc, "receiving")[2];
    assert_eq!(
        pumps["epcList"],
        json!([
            format!("https://id.gs1.org/01/{PUMP_GTIN}/21/SN1"),
            format!("https://id.gs1.org/01/{PUMP_GTIN}/21/SN2")
        ])
    );
    let asn = events(&doc)
        .iter()
        .find(|e| e["type"] == "TransactionEvent")
        .unwrap();
    assert_eq!(
        asn["bizTransactionList"][0],
        json!({"type": "desadv", "bizTransaction": "urn:x-traceability:asn:ASN-7"})
    );
}

#[test]
fn corrections_holds_and_recalls_carry_their_extensions() {
    let b = busy_bakery();
    let (doc, _, _) = export(&b.tracker, &Selection::All);
    let scrap = with_step(&doc, "destroying")[0];
    assert_eq!(
        (scrap["action"].as_str(), scrap["disposition"].as_str()),
        (Some("DELETE"), Some("destroyed"))
    );
    let count = with_step(&doc, "cycle_counting")[0];
    assert_eq!(count["quantityList"][0]["quantity"], 2.5);
    assert_eq!(count["trace:quantityChange"], "-2.5");
    let quality = with_step(&doc, "inspecting")[0];
    assert_eq!(quality["disposition"], "non_sellable_other");
    assert_eq!(quality["epcList"], json!([]));
    assert_eq!(
        quality["trace:epcClassList"],
        json!([format!("https://id.gs1.org/01/{FLOUR_GTIN}/10/F1")])
    );
    let [hold, release, recall] = with_step(&doc, "holding")[..] else {
        panic!("three holding events expected");
    };
    assert_eq!(hold["disposition"], "non_sellable_other");
    assert_eq!(
        hold["epcList"],
        json!([format!("https://id.gs1.org/01/{PUMP_GTIN}/21/SN1")])
    );
    assert_eq!(release["disposition"], "active");
    assert_eq!(recall["disposition"], "recalled");
    assert_eq!(recall["trace:reason"], "test");
    let returned = with_step(&doc, "receiving")[3];
    assert_eq!(returned["disposition"], "returned");
    assert_eq!(returned["bizTransactionList"][0]["type"], "rma");
}

#[test]
fn event_ids_are_stable_across_exports_and_unique() {
    let b = busy_bakery();
    let (first, _, first_text) = export(&b.tracker, &Selection::All);
    let (_, _, second_text) = export(&b.tracker, &Selection::All);
    assert_eq!(first_text, second_text);
    let mut ids: Vec<&str> = events(&first)
        .iter()
        .map(|e| e["eventID"].as_str().unwrap())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count);
    // The same event has the same ID in a one-lot export.
    let (one_lot, _, _) = export(&b.tracker, &Selection::Item(lot("BREAD", "B1")));
    for event in events(&one_lot) {
        assert!(events(&first)
            .iter()
            .any(|e| e["eventID"] == event["eventID"]));
    }
}

#[test]
fn selections_pick_an_item_a_product_or_a_range() {
    let b = busy_bakery();
    let (bread, summary, _) = export(&b.tracker, &Selection::Item(lot("BREAD", "B1")));
    let steps: Vec<&str> = events(&bread)
        .iter()
        .map(|e| e["bizStep"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "commissioning",
            "picking",
            "shipping",
            "holding",
            "holding",
            "receiving",
            "holding"
        ]
    );
    assert!(summary.events_read >= 7);
    let (sugar, _, _) = export(&b.tracker, &Selection::Product(pid("SUGAR")));
    assert_eq!(events(&sugar).len(), 4, "receipt, move, production, count");
    let (range, summary, _) = export(
        &b.tracker,
        &Selection::Range {
            from_seq: 10,
            to_seq: Some(13),
        },
    );
    assert_eq!(summary.events_read, 3);
    assert!(events(&range)
        .iter()
        .all(|e| (10..13).contains(&e["trace:seq"].as_u64().unwrap())));
    let mut out = Vec::new();
    let unknown = epcis::export(
        &b.tracker,
        &Selection::Product(pid("NOPE")),
        &options(),
        &mut out,
    );
    assert!(matches!(unknown, Err(TraceError::UnknownProduct(_))));
    let bad = EpcisOptions {
        owner_gln: Some("123".into()),
        ..options()
    };
    let refused = epcis::export(&b.tracker, &Selection::All, &bad, &mut Vec::new());
    assert!(matches!(
        refused,
        Err(TraceError::InvalidInput {
            field: "owner_gln",
            ..
        })
    ));
}

#[test]
fn a_lot_number_gs1_cannot_carry_gets_a_private_uri() {
    let mut b = Bakery::new();
    b.receive("FLOUR", "LOT WITH A VERY LONG NUMBER", "1", None);
    let (doc, _, _) = export(&b.tracker, &Selection::All);
    assert_eq!(
        events(&doc)[0]["quantityList"][0]["epcClass"],
        "urn:x-traceability:lot:FLOUR:LOT%20WITH%20A%20VERY%20LONG%20NUMBER"
    );
    // No supplier, no owner: no source or destination lists.
    let mut out = Vec::new();
    let plain = EpcisOptions::default();
    epcis::export(&b.tracker, &Selection::All, &plain, &mut out).unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert!(events(&doc)[0].get("sourceList").is_none());
    assert!(events(&doc)[0].get("destinationList").is_none());
}

#[test]
fn a_lot_record_without_stock_is_a_class_instance_created() {
    let mut b = Bakery::new();
    let mut spec = LotSpec::new(pid("FLOUR"), LotNumber::new("F9").unwrap());
    spec.dates.best_before = Some(date("2026-09-01"));
    b.run(Command::CreateLot(CreateLot {
        spec,
        quantity: None,
        location: None,
        supplier: None,
        received_on: None,
        active: true,
        reference: None,
    }));
    let (doc, _, _) = export(&b.tracker, &Selection::All);
    let created = &events(&doc)[0];
    assert_eq!(created["bizStep"], "creating_class_instance");
    assert_eq!(created["action"], "ADD");
    assert_eq!(created["epcList"], json!([]));
    assert_eq!(
        created["trace:epcClassList"][0],
        format!("https://id.gs1.org/01/{FLOUR_GTIN}/10/F9")
    );
    assert_eq!(
        created["ilmd"],
        json!({"cbvmda:bestBeforeDate": "2026-09-01"})
    );
}

#[test]
fn an_export_reads_back_to_the_same_items() {
    let b = busy_bakery();
    let (doc, _, text) = export(&b.tracker, &Selection::All);
    let captured = epcis::read_document(&text).unwrap();
    // Object and transformation events only: the ASN's transaction event is skipped.
    assert_eq!(captured.len(), events(&doc).len() - 1);
    let flour = &captured[0];
    assert_eq!(flour.kind, CaptureKind::Receiving);
    assert_eq!(flour.items[0].gtin.as_deref(), Some(FLOUR_GTIN));
    assert_eq!(flour.items[0].lot.as_deref(), Some("F1"));
    assert_eq!(flour.items[0].quantity, Some(qty("100")));
    assert_eq!(flour.items[0].uom.as_deref(), Some("KGM"));
    assert_eq!(flour.sources[0].gln.as_deref(), Some(ACME_GLN));
    assert_eq!(
        flour.read_point.as_ref().unwrap().gln.as_deref(),
        Some(DOCK_GLN)
    );
    let bake = captured
        .iter()
        .find(|c| c.kind == CaptureKind::Transformation)
        .unwrap();
    let inputs: Vec<_> = bake
        .inputs
        .iter()
        .map(|i| {
            (
                i.gtin.as_deref(),
                i.product.as_deref(),
                i.lot.as_deref(),
                i.quantity,
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [
            (Some(FLOUR_GTIN), None, Some("F1"), Some(qty("60"))),
            (None, Some("SUGAR"), Some("S1"), Some(qty("20")))
        ]
    );
    assert_eq!(bake.outputs[0].gtin.as_deref(), Some(BREAD_GTIN));
    assert_eq!(bake.expiry, Some(date("2026-03-08")));
    let ship = captured
        .iter()
        .find(|c| c.kind == CaptureKind::Shipping)
        .unwrap();
    assert_eq!(ship.items[0].lot.as_deref(), Some("B1"));
    assert_eq!(ship.destinations[0].gln.as_deref(), Some(SHOP_GLN));
    assert_eq!(ship.transactions[0].kind.as_deref(), Some("desadv"));
    // Every event's items come back as exported, in order.
    for (event, back) in events(&doc)
        .iter()
        .filter(|e| e["type"] != "TransactionEvent")
        .zip(&captured)
    {
        let uris = |field: &str| -> Vec<String> {
            let mut out: Vec<String> = event[field]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| {
                    v.as_str()
                        .map_or_else(|| v["epcClass"].as_str().unwrap().to_owned(), str::to_owned)
                })
                .collect();
            out.sort();
            out
        };
        let mut expected = [uris("epcList"), uris("quantityList")].concat();
        let mut got: Vec<String> = back.items.iter().map(|i| i.uri.clone()).collect();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "event {}", back.index);
        assert_eq!(back.event_id.as_deref(), event["eventID"].as_str());
    }
}

#[test]
fn a_suppliers_document_reads_into_captured_events() {
    let captured =
        epcis::read_document(include_str!("../../tests/data/epcis/supplier.jsonld")).unwrap();
    assert_eq!(captured.len(), 2);
    let [made, shipped] = &captured[..] else {
        unreachable!()
    };
    assert_eq!(made.kind, CaptureKind::Transformation);
    let inputs: Vec<_> = made
        .inputs
        .iter()
        .map(|i| {
            (
                i.gtin.as_deref().unwrap(),
                i.lot.as_deref().unwrap(),
                i.quantity.unwrap(),
                i.uom.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [
            ("04012345000016", "RAW-A", qty("600"), Some("KGM")),
            ("04012345000016", "RAW-B", qty("450.5"), Some("KGM")),
        ]
    );
    assert_eq!(made.outputs[0].gtin.as_deref(), Some(FLOUR_GTIN));
    assert_eq!(made.outputs[0].lot.as_deref(), Some("SUP-77"));
    assert_eq!(made.expiry, Some(date("2027-03-01")));
    assert_eq!(
        made.transformation_id.as_deref(),
        Some("urn:uuid:5b0b8a6e-3f1c-4a8e-9a51-0c4c1c9f1a01")
    );
    assert_eq!(
        made.read_point.as_ref().unwrap().gln.as_deref(),
        Some(ACME_GLN)
    );

    assert_eq!(shipped.kind, CaptureKind::Shipping);
    assert_eq!(
        shipped.event_time,
        "2026-02-27T13:30:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    assert_eq!(shipped.time_zone_offset, "+01:00");
    assert_eq!(shipped.disposition.as_deref(), Some("in_transit"));
    // The EPC list first, then the quantity list.
    let items: Vec<_> = shipped
        .items
        .iter()
        .map(|i| {
            (
                i.gtin.as_deref(),
                i.lot.as_deref(),
                i.serial.as_deref(),
                i.quantity,
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            (Some(PUMP_GTIN), None, Some("SN9"), Some(Quantity::ONE)),
            (Some(FLOUR_GTIN), Some("SUP-77"), None, Some(qty("1000"))),
        ]
    );
    let parties: Vec<_> = shipped
        .sources
        .iter()
        .chain(&shipped.destinations)
        .map(|p| (p.role.as_str(), p.gln.as_deref().unwrap()))
        .collect();
    assert_eq!(
        parties,
        [
            ("owning_party", ACME_GLN),
            ("owning_party", DOCK_GLN),
            ("location", DOCK_GLN)
        ]
    );
    let transactions: Vec<_> = shipped
        .transactions
        .iter()
        .map(|t| (t.kind.as_deref(), t.id.as_str()))
        .collect();
    assert_eq!(
        transactions,
        [
            (Some("po"), "urn:epcglobal:cbv:bt:9521141123454:PO-4711"),
            (Some("desadv"), "urn:epcglobal:cbv:bt:9521141123454:DN-0042")
        ]
    );
}

#[test]
fn malformed_documents_name_the_event_and_the_field() {
    let event = |e: Value| {
        json!({"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
               "@context": epcis::EPCIS_CONTEXT,
               "epcisBody": {"eventList": [
                   {"type": "AggregationEvent", "action": "ADD", "eventTime": "2026-01-01T00:00:00Z",
                    "eventTimeZoneOffset": "+00:00", "parentID": "urn:epc:id:sscc:0614141.1234567890"},
                   e]}})
        .to_string()
    };
    let base = json!({"type": "ObjectEvent", "action": "OBSERVE", "eventTime": "2026-01-01T00:00:00Z",
                      "eventTimeZoneOffset": "+00:00", "epcList": []});
    let with = |field: &str, value: Value| {
        let mut e = base.clone();
        e[field] = value;
        event(e)
    };
    assert_eq!(epcis::read_document(&event(base.clone())).unwrap().len(), 1);
    for (doc, needle) in [
        (with("eventTime", json!("yesterday")), "event 1: eventTime"),
        (with("action", json!("MOVE")), "event 1: action"),
        (
            with("epcList", json!("urn:epc:id:sgtin:0614141.812345.1")),
            "event 1: epcList: not an array",
        ),
        (
            with("epcList", json!([7])),
            "event 1: epcList[0]: not a string",
        ),
        (
            with("epcList", json!(["urn:epc:id:sgtin:0614141.81234.1"])),
            "event 1: epcList[0]",
        ),
        (
            with("quantityList", json!([{"quantity": 1}])),
            "quantityList[0].epcClass: missing",
        ),
        (
            with(
                "quantityList",
                json!([{"epcClass": "urn:epc:idpat:sgtin:4012345.012345.*", "quantity": "1"}]),
            ),
            "quantityList[0].quantity: not a number",
        ),
        (
            with(
                "quantityList",
                json!([{"epcClass": "urn:epc:idpat:sgtin:4012345.012345.*", "quantity": 0.0000000001}]),
            ),
            "quantityList[0].quantity",
        ),
        (
            with(
                "quantityList",
                json!([{"epcClass": "urn:epc:idpat:sgtin:4012345.012345.*", "quantity": -1}]),
            ),
            "negative",
        ),
        (
            with("sourceList", json!([{"type": "owning_party"}])),
            "sourceList[0].source: missing",
        ),
        (
            with("readPoint", json!("urn:epc:id:sgln:0614141.00777.0")),
            "readPoint.id",
        ),
        (
            with("ilmd", json!({"cbvmda:itemExpirationDate": "2026-02-30"})),
            "ilmd.itemExpirationDate",
        ),
        (
            with("bizTransactionList", json!([{"type": "po"}])),
            "bizTransactionList[0].bizTransaction: missing",
        ),
    ] {
        match epcis::read_document(&doc) {
            Err(TraceError::InvalidInput {
                field: "epcis event",
                reason,
            }) => {
                assert!(reason.contains(needle), "{reason:?} should name {needle:?}")
            }
            other => panic!("{needle}: {other:?}"),
        }
    }
    for doc in [
        "",
        "[]",
        r#"{"type": "ObjectEvent"}"#,
        r#"{"type": "EPCISDocument", "epcisBody": {"eventList": {}}}"#,
    ] {
        assert!(matches!(
            epcis::read_document(doc),
            Err(TraceError::InvalidInput {
                field: "epcis document",
                ..
            })
        ));
    }
}
