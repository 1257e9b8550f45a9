"""GS1 barcode data through Python: element strings, the bracketed form and Digital
Link URIs, checked, with typed dates and decimals."""

import datetime as dt
from decimal import Decimal

import pytest

import traceability as tr


def test_gs1_barcodes_parse_and_become_digital_links(tracker: tr.Tracker) -> None:
    scanned = tracker.parse_barcode("]C101095060001343521726123110ABC123\x1d3103000750")
    assert [(e.ai, e.value) for e in scanned] == [
        ("01", "09506000134352"), ("17", "261231"), ("10", "ABC123"), ("3103", "000750"),
    ]
    assert scanned[1].date == dt.date(2026, 12, 31) and scanned[3].decimal == Decimal("0.750")
    assert tracker.digital_link("(01)09506000134352(10)ABC123(17)261231") == (
        "https://id.gs1.org/01/09506000134352/10/ABC123?17=261231"
    )
    with pytest.raises(tr.InvalidInput, match="AI \\(01\\)") as bad:
        tracker.parse_barcode("(01)09506000134353")
    assert bad.value.field == "barcode"


MILK_GTIN = "09506000134352"


def test_products_carry_gtins_and_locations_glns(tracker: tr.Tracker) -> None:
    tracker.register_product("MILK", "lot", gtins=["9506000134352"], actor="ana")
    product = tracker.product("MILK")
    assert product is not None and product.gtins == (MILK_GTIN,)
    with pytest.raises(tr.InvalidInput, match="already belongs to product MILK"):
        tracker.register_product("MILK2", "lot", gtins=[MILK_GTIN], actor="ana")
    with pytest.raises(tr.InvalidInput, match="check digit"):
        tracker.register_location("DC1", "internal", gln="9521141123455", actor="ana")
    tracker.register_location("DC1", "internal", gln="9521141123454", actor="ana")
    tracker.register_party("FARM", "supplier", gln="9521141123454", actor="ana")
    location, party = tracker.location("DC1"), tracker.party("FARM")
    assert location is not None and location.gln == "9521141123454"
    assert party is not None and party.gln == "9521141123454"


def test_scanning_receives_and_picks_and_refuses_contradictions(tracker: tr.Tracker) -> None:
    tracker.register_product("MILK", "lot", gtins=[MILK_GTIN], actor="ana")
    label = f"(01){MILK_GTIN}(17)260901(10)L42(30)12"
    found = tracker.scan(label)
    assert (found.product, found.item, found.known, found.quantity) == ("MILK", tr.LotRef("MILK", "L42"), False, 12)
    assert found.expiry == dt.date(2026, 9, 1) and [e.ai for e in found.elements] == ["01", "17", "10", "30"]
    tracker.receive_scan(label, "DOCK", supplier="MILL", actor="ana")
    lot = tracker.lot("MILK", "L42")
    assert lot is not None and lot.on_hand == 12 and lot.dates.expiry == dt.date(2026, 9, 1)
    assert tracker.scan(label).known
    with pytest.raises(tr.InvalidInput, match="differs from lot MILK/L42"):
        tracker.scan(f"(01){MILK_GTIN}(17)261001(10)L42")
    with pytest.raises(tr.InvalidInput, match="belongs to no registered product"):
        tracker.scan("(01)04012345000009(10)X")
    tracker.allocate_item("SO1", tr.LotRef("MILK", "L42"), 2, actor="ana")
    tracker.pick_scan("SO1", f"(01){MILK_GTIN}(10)L42", 2, actor="ana")
    (reservation,) = tracker.reservations("SO1")
    assert reservation.picked == 2
