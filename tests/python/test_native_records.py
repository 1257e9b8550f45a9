"""`lot`, `serial`, `lots` and `serials` build their records natively (no JSON text):
each must equal the record decoded from the JSON query it replaces."""

import datetime as dt
import gc
import weakref
from decimal import Decimal
from typing import Any

import pytest

import traceability as tr


def from_wire(t: tr.Tracker, name: str, **args: Any) -> Any:
    return t._query(name, **args)  # the JSON path the native records replace


@pytest.fixture
def busy(tracker: tr.Tracker) -> tr.Tracker:
    """Lots and serials in every shape a record field can take."""
    t = tracker
    t.receive_lot("FLOUR", "L1", "10.500", "DOCK", actor="ana", supplier="MILL",
                  supplier_lot="M-77", weight="12.250", description="rye",
                  attributes={"origin": "FR", "grade": "A"}, best_before=dt.date(2026, 6, 1))
    t.receive_lot("FLOUR", "L2", 3, "DOCK", actor="ana", received_on=dt.date(2026, 2, 1))
    t.move(tr.LotRef("FLOUR", "L1"), "DOCK", "LINE", "4.5", actor="ana")
    t.move(tr.LotRef("FLOUR", "L1"), "DOCK", "A1", 1, actor="ana")
    t.produce("WO1", [tr.Line(tr.LotRef("FLOUR", "L1"), "LINE", "1.5")],
              [tr.NewLot("BREAD", "B1", 12, "A1", expiry=dt.date(2026, 3, 10))], actor="ana")
    t.place_hold(tr.LotRef("FLOUR", "L2"), actor="ana", reason="supplier alert")
    t.set_lot_active("FLOUR", "L2", False, actor="ana", reason="damp")
    t.expect_serials("PUMP", ["E1"], actor="ana", supplier="MILL")
    t.receive_serials("PUMP", ["S1", "S2", "S3"], "DOCK", actor="ana", supplier="MILL")
    t.scrap(tr.SerialRef("PUMP", "S2"), "DOCK", actor="ana", reason="broken")
    t.putaway(tr.SerialRef("PUMP", "S3"), "DOCK", "A1", actor="ana")
    t.produce("WO2", [tr.Line(tr.SerialRef("PUMP", "S3"), "A1")],
              [tr.NewSerial("PUMP", "ASSY1", "A1")], actor="ana")
    t.place_hold(tr.SerialRef("PUMP", "S1"), actor="ana", reason="check")
    return t


def test_native_lot_equals_the_wire_record(busy: tr.Tracker) -> None:
    for product, number in [("FLOUR", "L1"), ("FLOUR", "L2"), ("BREAD", "B1")]:
        lot = busy.lot(product, number)
        assert lot == tr.Lot.from_json(from_wire(busy, "lot", product=product, lot=number))
    l1 = busy.lot("FLOUR", "L1")
    assert l1 is not None
    assert l1.on_hand == Decimal("9.000") and l1.weight == Decimal("12.25")
    assert dict(l1.attributes) == {"origin": "FR", "grade": "A"}
    assert l1.dates.best_before == dt.date(2026, 6, 1) and l1.supplier_lot == "M-77"
    assert len(l1.stock) == 3 and all(isinstance(s.on_hand, Decimal) for s in l1.stock)
    with pytest.raises(TypeError):
        l1.attributes["x"] = "y"  # type: ignore[index]
    l2 = busy.lot("FLOUR", "L2")
    assert l2 is not None and l2.on_hold and not l2.active and l2.received_on == dt.date(2026, 2, 1)
    bread = busy.lot("BREAD", "B1")
    assert bread is not None and bread.origin == "produced" and bread.work_order == "WO1"
    assert bread.quality is tr.QualityStatus(from_wire(busy, "lot", product="BREAD", lot="B1")["quality"])


def test_native_serial_equals_the_wire_record(busy: tr.Tracker) -> None:
    seen = set()
    for number in ["E1", "S1", "S2", "S3", "ASSY1"]:
        serial = busy.serial("PUMP", number)
        assert serial is not None
        assert serial == tr.Serial.from_json(from_wire(busy, "serial", product="PUMP", serial=number))
        seen.add(serial.status)
    assert seen == {tr.SerialStatus.EXPECTED, tr.SerialStatus.RECEIVED, tr.SerialStatus.SCRAPPED,
                    tr.SerialStatus.CONSUMED}
    assembly = busy.serial("PUMP", "ASSY1")
    assert assembly is not None and assembly.work_order == "WO2" and assembly.location == "A1"


def test_native_pages_equal_the_wire_lists(busy: tr.Tracker) -> None:
    assert list(busy.lots()) == [tr.Lot.from_json(d) for d in from_wire(busy, "lots", offset=0, limit=100)]
    assert list(busy.serials()) == [tr.Serial.from_json(d) for d in from_wire(busy, "serials", offset=0, limit=100)]
    assert [l.number for l in busy._native.lots_page(1, 1)] == ["L2"]
    assert busy._native.serials_page(99, 10) == []


def test_unknown_ids_are_none_and_blank_ids_are_refused(busy: tr.Tracker) -> None:
    assert busy.lot("FLOUR", "NOPE") is None and busy.serial("PUMP", "NOPE") is None
    assert busy.lot("NOPE", "L1") is None
    with pytest.raises(tr.InvalidInput):
        busy.lot("FLOUR", " ")
    with pytest.raises(tr.InvalidInput):
        busy.serial("", "S1")
    with pytest.raises(TypeError):
        busy.lot("FLOUR", 7)  # type: ignore[arg-type]


def test_native_records_stay_off_the_cycle_collector_and_are_freed(busy: tr.Tracker) -> None:
    """Records cannot form cycles (frozen, immutable values), so they are not tracked;
    reference counting alone frees them."""
    lot = busy.lot("FLOUR", "L1")
    trace = busy.trace_forward(tr.LotRef("FLOUR", "L1"))
    records = [lot, *busy.lots(), busy.serial("PUMP", "S1"), trace, *trace.items, *trace.edges]
    assert records and not any(gc.is_tracked(record) for record in records)
    freed = weakref.ref(lot)
    del lot, records
    assert freed() is None
