"""GS1 EPCIS 2.0 and FSMA 204 through Python: the export validates against GS1's
official EPCIS 2.0 JSON Schema (vendored in tests/data/epcis), and the FSMA 204 rows
carry the key data elements of each critical tracking event."""

import json
import pathlib

import jsonschema

import traceability as tr

SCHEMA = pathlib.Path(__file__).resolve().parents[1] / "data" / "epcis" / "EPCIS-JSON-Schema.json"
L1 = tr.LotRef("FLOUR", "L1")


def bake_and_ship(tracker: tr.Tracker) -> None:
    tracker.register_product("SALT", "lot", gtins=["09506000134352"], actor="ana")
    tracker.register_location("GLN-DOCK", "receiving", gln="9521141123454", actor="ana")
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", supplier="MILL", reference="PO-1", actor="ana")
    tracker.receive_lot("SALT", "S1", 2, "GLN-DOCK", supplier="MILL", actor="ana")
    tracker.produce("WO1", [tr.Line(L1, "DOCK", 3), tr.Line(tr.LotRef("SALT", "S1"), "GLN-DOCK", 1)],
                    [tr.NewLot("BREAD", "B1", 20, "LINE")], actor="ana")
    b1 = tr.LotRef("BREAD", "B1")
    tracker.allocate_item("SO1", b1, 5, actor="ana")
    tracker.pick("SO1", b1, 5, actor="ana")
    tracker.pack("106141411234567897", "LINE", [(b1, 5)], actor="ana")  # a pallet (SSCC)
    tracker.ship("SH1", "SO1", "ACME", actor="ana")
    tracker.pack("CASE-1", "DOCK", [(L1, 1)], actor="ana")  # a case packed by mistake
    tracker.unpack("CASE-1", actor="ana")


def test_the_epcis_export_is_valid_against_gs1s_schema(tracker: tr.Tracker) -> None:
    bake_and_ship(tracker)
    document = tracker.epcis_export()
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(document)]
    assert errors == []
    events = document["epcisBody"]["eventList"]
    assert {e["type"] for e in events} >= {"ObjectEvent", "TransformationEvent", "AggregationEvent"}
    pallet = next(e for e in events if e.get("bizStep") == "packing" and "00/1061414" in e["parentID"])
    assert pallet["action"] == "ADD" and pallet["childQuantityList"][0]["quantity"] == 5
    assert any(e.get("bizStep") == "unpacking" and e["action"] == "DELETE" for e in events)
    assert any("https://id.gs1.org/01/09506000134352/10/S1" in json.dumps(e) for e in events)
    # A broken document is caught by the same validator (the check can fail).
    del events[0]["eventTime"]
    assert list(validator.iter_errors(document))
    only_l1 = tracker.epcis_export(product="FLOUR", lot="L1")["epcisBody"]["eventList"]
    assert 0 < len(only_l1) < len(events)
    assert tracker.epcis_export() == tracker.epcis_export()  # stable event ids


def test_fsma_204_rows_carry_the_key_data_elements(tracker: tr.Tracker) -> None:
    bake_and_ship(tracker)
    rows = tracker.fsma204()
    assert ("receiving", "L1", "PO-1") in {
        (row["cte"], row["traceability_lot_code"], row["reference_document_number"]) for row in rows}
    shipped = [row for row in rows if row["cte"] == "shipping"]
    assert [(r["traceability_lot_code"], r["quantity"], r["ship_to"] is not None) for r in shipped] == [("B1", "5", True)]
    assert {row["cte"] for row in rows} == {"receiving", "transformation_input", "transformation_output", "shipping"}
    assert all(row["traceability_lot_code"] for row in rows)
    only_b1 = tracker.fsma204(product="BREAD", lot="B1")
    assert only_b1 and len(only_b1) < len(rows)


def test_a_suppliers_epcis_document_extends_the_genealogy(tracker: tr.Tracker) -> None:
    tracker.register_product("GRAIN", "lot", gtins=["04012345000009"], actor="ana")
    tracker.register_product("SEMOLINA", "lot", gtins=["09506000134352"], actor="ana")
    tracker.register_party("FARM", "supplier", gln="9521141123454", actor="ana")
    link = "https://id.gs1.org/01/{}/10/{}"
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-02-27T15:00:00Z",
        "epcisBody": {"eventList": [
            {"type": "TransformationEvent", "eventTime": "2026-02-26T10:00:00Z", "eventTimeZoneOffset": "+00:00",
             "inputQuantityList": [{"epcClass": link.format("04012345000009", "RAW-A"), "quantity": 600, "uom": "KGM"}],
             "outputQuantityList": [{"epcClass": link.format("09506000134352", "S77"), "quantity": 500, "uom": "KGM"}],
             "transformationID": "MILL-WO-88"},
            {"type": "ObjectEvent", "eventTime": "2026-02-27T10:00:00Z", "eventTimeZoneOffset": "+00:00",
             "action": "OBSERVE", "bizStep": "shipping",
             "quantityList": [{"epcClass": link.format("09506000134352", "S77"), "quantity": 500, "uom": "KGM"}],
             "sourceList": [{"type": "owning_party", "source": "https://id.gs1.org/417/9521141123454"}]},
        ]},
    }
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(document)) == []
    tracker.import_epcis(document, "DOCK", actor="edi")
    lot = tracker.lot("SEMOLINA", "S77")
    assert lot is not None and lot.on_hand == 500 and lot.supplier == "FARM"
    assert tr.LotRef("GRAIN", "RAW-A") in [i.item for i in tracker.trace_backward(tr.LotRef("SEMOLINA", "S77")).items]


def test_corrections_are_exported_too(tracker: tr.Tracker) -> None:
    bake_and_ship(tracker)
    tracker.split_lot("BREAD", "B1", "LINE", 5, new_lot="B1-S", actor="ana", reason="sample")
    tracker.merge_lots("BREAD", ["B1-S"], "B1", "LINE", actor="ana", reason="sample not needed")
    tracker.reverse_shipment("SH1", actor="ana", reason="wrong customer")
    document = tracker.epcis_export()
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(document)] == []
    steps = [e.get("bizStep") for e in document["epcisBody"]["eventList"]]
    assert steps.count("repackaging") == 2 and "void_shipping" in steps
    rows = tracker.fsma204(product="BREAD", lot="B1-S")
    assert {(r["cte"], r["reference_document_type"]) for r in rows} >= {("transformation_output", "Lot split")}
