"""Every command end to end, with the queries that show its effect."""

import datetime as dt
from decimal import Decimal

import pytest

import traceability as tr
from conftest import NOW

FLOUR_L1 = tr.LotRef("FLOUR", "L1")


def receive_flour(t: tr.Tracker, lot: str = "L1", quantity: tr.QuantityLike = "10") -> None:
    t.receive_lot("FLOUR", lot, quantity, "DOCK", supplier="MILL", actor="ana",
                  manufactured_on=dt.date(2026, 2, 1), supplier_lot="M-77", attributes={"silo": "3"})


def test_master_data(tracker: tr.Tracker) -> None:
    product = tracker.product("FLOUR")
    assert product is not None and product.tracking is tr.Tracking.LOT and product.unit == "kg"
    assert tracker.product("NOPE") is None
    assert [p.id for p in tracker.products()] == ["BREAD", "FLOUR", "PUMP"]
    assert tracker.location("DOCK") == tr.Location("DOCK", tr.LocationKind.RECEIVING, "", None)
    party = tracker.party("MILL")
    assert party is not None and party.role is tr.PartyRole.SUPPLIER and party.name == "The Mill"


def test_receive_lot_and_its_record(tracker: tr.Tracker) -> None:
    done = tracker.receive_lot("FLOUR", " L1 ", 10, "DOCK", supplier="MILL", actor="ana",
                               manufactured_on=dt.date(2026, 2, 1), weight=Decimal("10.5"),
                               expiry=dt.date(2026, 6, 1), attributes={"silo": "3"})
    assert done == tr.Committed(first_seq=9, count=1)
    lot = tracker.lot("FLOUR", "L1")  # the core trimmed the number
    assert lot is not None
    assert lot.on_hand == Decimal(10) and lot.weight == Decimal("10.5")
    assert lot.dates.expiry == dt.date(2026, 6, 1) and lot.received_on == NOW.date()
    assert lot.quality is tr.QualityStatus.RELEASED and lot.origin == "received"
    assert lot.attributes["silo"] == "3" and lot.ref == FLOUR_L1
    assert lot.stock == (tr.StockLine("DOCK", Decimal(10), Decimal(0)),)
    assert "FLOUR" in repr(lot) and lot.to_dict()["stock"][0]["on_hand"] == Decimal(10)
    with pytest.raises(AttributeError):
        lot.active = False  # type: ignore[misc]


def test_exact_quantities(tracker: tr.Tracker) -> None:
    receive_flour(tracker, quantity="0.1")
    tracker.adjust("FLOUR", "L1", "DOCK", Decimal("0.2"), actor="bob", reason="recount")
    tracker.scrap(FLOUR_L1, "DOCK", "0.3", actor="bob", reason="spilt")
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == 0 and lot.stock == ()


def test_float_quantity_is_refused(tracker: tr.Tracker) -> None:
    with pytest.raises(TypeError, match="quantity must be .* not float"):
        receive_flour(tracker, quantity=0.1)  # type: ignore[arg-type]
    assert tracker.lot("FLOUR", "L1") is None


def test_lot_flow_move_allocate_pick_ship_return(tracker: tr.Tracker) -> None:
    receive_flour(tracker)
    tracker.move(FLOUR_L1, "DOCK", "A1", "10", actor="ana")
    tracker.allocate_item("SO1", FLOUR_L1, 4, actor="ana", location="A1")
    assert tracker.reservations("SO1") == [tr.Reservation(FLOUR_L1, "A1", Decimal(4), Decimal(0))]
    tracker.cancel_allocation("SO1", actor="ana")
    assert tracker.reservations("SO1") == []
    tracker.allocate_item("SO1", FLOUR_L1, 4, actor="ana")
    tracker.pick("SO1", FLOUR_L1, 4, actor="ana")
    tracker.ship("SH1", "SO1", "ACME", actor="ana", shipped_on=dt.date(2026, 3, 2))
    (shipment,) = tracker.shipments()
    assert shipment == tr.Shipment("SH1", "SO1", "ACME", dt.date(2026, 3, 2),
                                   (tr.ShipmentLine(FLOUR_L1, "A1", Decimal(4)),), False)
    tracker.return_items("RMA1", "ACME", FLOUR_L1, "DOCK", 1, actor="ana", reason="damaged bag")
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == 7
    assert [e.kind for e in tracker.history(FLOUR_L1)] == [
        "lot_received", "moved", "allocated", "allocation_cancelled", "allocated", "picked",
        "shipped", "returned"]
    assert [e.kind for e in tracker.location_history("A1")] == [
        "location_registered", "moved", "shipped"]


def test_depleted_lot_goes_inactive_and_a_return_restocks_it(tracker: tr.Tracker) -> None:
    receive_flour(tracker, quantity="4")
    tracker.allocate_item("SO1", FLOUR_L1, 4, actor="ana")
    tracker.pick("SO1", FLOUR_L1, 4, actor="ana")
    tracker.ship("SH1", "SO1", "ACME", actor="ana")
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == 0 and not lot.active
    assert [m.action for m in tracker.movements(FLOUR_L1)][-2:] == ["shipped", "depleted"]
    tracker.return_items("RMA1", "ACME", FLOUR_L1, "DOCK", 1, actor="ana", reason="damaged bag")
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == 1 and lot.active
    returned, restocked = tracker.movements(FLOUR_L1)[-2:]
    assert (returned.action, returned.to_location, returned.quantity) == ("returned", "DOCK", Decimal(1))
    assert restocked.action == "restocked" and restocked.seq == returned.seq + 1
    history = tracker.history(FLOUR_L1)
    assert [e.kind for e in history][-4:] == ["shipped", "lot_depleted", "returned", "lot_restocked"]
    assert {e.schema for e in history} == {2}


def test_serial_lifecycle(tracker: tr.Tracker) -> None:
    pump = tr.SerialRef("PUMP", "SN1")
    tracker.expect_serials("PUMP", ["SN1", "SN2"], supplier="MILL", reference="ASN-1", actor="ana")
    assert tracker.serial("PUMP", "SN1").status is tr.SerialStatus.EXPECTED  # type: ignore[union-attr]
    tracker.receive_serials("PUMP", ["SN1", "SN2"], "DOCK", supplier="MILL", actor="ana")
    tracker.putaway(pump, "DOCK", "A1", actor="ana")
    tracker.allocate_item("SO2", pump, actor="ana")
    tracker.pick("SO2", pump, actor="ana")
    tracker.ship("SH2", "SO2", "ACME", actor="ana")
    serial = tracker.serial("PUMP", "SN1")
    assert serial is not None and serial.status is tr.SerialStatus.SHIPPED and serial.location is None
    tracker.return_items("RMA2", "ACME", pump, "DOCK", actor="ana")
    tracker.scrap(tr.SerialRef("PUMP", "SN2"), "DOCK", actor="ana", reason="broken")
    statuses = {s.number: s.status for s in tracker.serials()}
    assert statuses == {"SN1": tr.SerialStatus.RECEIVED, "SN2": tr.SerialStatus.SCRAPPED}


def test_produce_makes_genealogy(tracker: tr.Tracker) -> None:
    receive_flour(tracker)
    tracker.move(FLOUR_L1, "DOCK", "LINE", 10, actor="ana")
    tracker.produce("WO1", [tr.Line(FLOUR_L1, "LINE", "6")],
                    [tr.NewLot("BREAD", "B1", 12, "A1", expiry=dt.date(2026, 3, 10))],
                    actor="ana")
    tracker.produce("WO2", [tr.Line(FLOUR_L1, "LINE", "1")],
                    [tr.IntoLot("BREAD", "B1", 2, "A1")], actor="ana")
    tracker.receive_serials("PUMP", ["C1"], "DOCK", actor="ana")
    tracker.putaway(tr.SerialRef("PUMP", "C1"), "DOCK", "A1", actor="ana")
    tracker.produce("WO3", [tr.Line(tr.SerialRef("PUMP", "C1"), "A1")],
                    [tr.NewSerial("PUMP", "ASSY1", "A1")], actor="ana")
    bread = tracker.lot("BREAD", "B1")
    assert bread is not None and bread.on_hand == 14 and bread.work_order == "WO1"
    assert bread.origin == "produced"
    links = tracker.links()
    assert [(l.source, l.target, l.work_order) for l in links] == [
        (FLOUR_L1, tr.LotRef("BREAD", "B1"), "WO1"),
        (FLOUR_L1, tr.LotRef("BREAD", "B1"), "WO2"),
        (tr.SerialRef("PUMP", "C1"), tr.SerialRef("PUMP", "ASSY1"), "WO3")]
    assert tracker.serial("PUMP", "C1").status is tr.SerialStatus.CONSUMED  # type: ignore[union-attr]


def test_set_lot_active(tracker: tr.Tracker) -> None:
    receive_flour(tracker)
    tracker.set_lot_active("FLOUR", "L1", False, actor="ana", reason="supplier complaint")
    assert tracker.lot("FLOUR", "L1").active is False  # type: ignore[union-attr]


def test_events_head_verify_and_clock(tracker: tr.Tracker) -> None:
    receive_flour(tracker)
    events = tracker.events()
    assert [e.seq for e in events] == list(range(10))
    assert events[0].recorded_at == NOW and events[0].actor == "ana"
    assert events[-1].kind == "lot_received" and events[-1].data["lot"]["number"] == "L1"
    later = dt.datetime(2026, 4, 1, 12, 30)  # naive = UTC
    tracker.set_time(later)
    tracker.set_lot_active("FLOUR", "L1", False, actor="ana", reason="r")
    assert tracker.events(10)[0].recorded_at == later.replace(tzinfo=dt.timezone.utc)
    head = tracker.head()
    assert head.count == 11 and len(head.hash) == 64
    assert tracker.verify() == 11


def test_execute_and_execute_batch_with_dicts(tracker: tr.Tracker) -> None:
    receive_flour(tracker)
    tracker.execute({"set_lot_active": {"product": "FLOUR", "lot": "L1", "active": False}},
                    actor="ana", reason="hold")
    done = tracker.execute_batch([
        {"set_lot_active": {"product": "FLOUR", "lot": "L1", "active": True}},
        {"adjust": {"product": "FLOUR", "lot": "L1", "location": "DOCK", "delta": Decimal("-1")}},
    ], actor="ana", reason="count")
    assert done.count == 2
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.active and lot.on_hand == 9


def test_bulk_receive_lots_in_batches(tracker: tr.Tracker) -> None:
    receipts = ({"product": "FLOUR", "lot": f"B{i}", "quantity": i + 1, "location": "DOCK"}
                for i in range(25))
    done = tracker.receive_lots(receipts, actor="ana", batch_size=10)
    assert done == tr.Committed(9, 25)
    lots = list(tracker.lots())
    assert len(lots) == 25 and lots[-1].on_hand == 25


def test_lots_iterates_across_pages(tracker: tr.Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    import traceability._tracker as module
    monkeypatch.setattr(module, "PAGE_SIZE", 3)
    tracker.receive_lots(({"product": "FLOUR", "lot": f"P{i}", "quantity": 1, "location": "DOCK"}
                          for i in range(7)), actor="ana")
    assert [lot.number for lot in tracker.lots()] == [f"P{i}" for i in range(7)]
