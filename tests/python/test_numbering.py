"""Numbering schemes through Python: lots and serials given no number are numbered
from their product's pattern, numbers are previewed and issued ahead of use, and a
bad pattern is an InvalidInput naming the position."""

import datetime as dt

import pytest

import traceability as tr

DAY = dt.date(2026, 12, 5)


def test_a_receipt_without_a_number_is_numbered_from_the_products_pattern(tracker: tr.Tracker) -> None:
    tracker.register_product("MILK", "lot", numbering_pattern="{Y}{DDD}-{SEQ:3:DAILY}", actor="ana")
    assert tracker.preview_number("MILK", date=DAY) == "6339-001"
    first = tracker.receive_lot("MILK", None, 10, "DOCK", received_on=DAY, actor="ana")
    second = tracker.receive_lot("MILK", None, 10, "DOCK", received_on=DAY, actor="ana")
    assert (first.numbers, second.numbers) == (("6339-001",), ("6339-002",))
    lot = tracker.lot("MILK", "6339-002")
    assert lot is not None and lot.on_hand == 10
    named = tracker.receive_lot("MILK", "OWN-1", 1, "DOCK", actor="ana")
    assert named.numbers == ()


def test_shared_schemes_issue_ahead_of_use_and_number_production(tracker: tr.Tracker) -> None:
    tracker.define_numbering_scheme("PLANT", "{PRODUCT}{YY}{SEQ:4:YEARLY}", description="plant lots", actor="ana")
    assert [(s.id, s.pattern, s.description) for s in tracker.numbering_schemes()] == [
        ("PLANT", "{PRODUCT}{YY}{SEQ:4:YEARLY}", "plant lots")
    ]
    tracker.register_product("DOUGH", "lot", numbering_scheme="PLANT", actor="ana")
    tracker.register_product("OVEN", "serial", numbering_pattern="{YY}{WW}{SEQ:5:YEARLY}{CHECK:GS1}", actor="ana")
    product = tracker.product("DOUGH")
    assert product is not None and product.numbering_scheme == "PLANT"
    assert tracker.issue_numbers("DOUGH", 2, date=DAY, actor="ana") == ["DOUGH260001", "DOUGH260002"]
    tracker.receive_lot("FLOUR", "F1", 50, "LINE", actor="ana")
    made = tracker.produce(
        "WO1",
        [tr.Line(tr.LotRef("FLOUR", "F1"), "LINE", 5)],
        [tr.NewLot("DOUGH", None, 5, "LINE"), tr.NewSerial("OVEN", None, "LINE")],
        produced_on=dt.date(2026, 3, 5),
        actor="ana",
    )
    assert made.numbers[0] == "DOUGH260003"
    assert made.numbers[1].startswith("261000001") and len(made.numbers[1]) == 10
    received = tracker.receive_serials("OVEN", [], "DOCK", generate=2, actor="ana")
    assert len(received.numbers) == 2 and len(set(received.numbers + made.numbers)) == 4
    serial = tracker.serial("OVEN", received.numbers[0])
    assert serial is not None and serial.status == tr.SerialStatus.RECEIVED


def test_numbering_errors_are_typed_and_change_nothing(tracker: tr.Tracker) -> None:
    head = tracker.head()
    with pytest.raises(tr.InvalidInput, match="character 5") as bad:
        tracker.define_numbering_scheme("BAD", "LOT-{XYZ}{SEQ:2}", actor="ana")
    assert bad.value.field == "pattern"
    with pytest.raises(tr.InvalidInput, match="no numbering scheme"):
        tracker.receive_lot("FLOUR", None, 1, "DOCK", actor="ana")
    with pytest.raises(TypeError):
        tracker.issue_numbers("FLOUR", "2", actor="ana")  # type: ignore[arg-type]
    with pytest.raises(tr.InvalidInput):
        tracker.issue_numbers("FLOUR", -1, actor="ana")
    assert tracker.head() == head
