"""Every error class: raised with the core's message, and the state left unchanged."""

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest

import traceability as tr
from conftest import NOW, populate

L1 = tr.LotRef("FLOUR", "L1")
SN1 = tr.SerialRef("PUMP", "SN1")


@pytest.fixture
def stocked(tracker: tr.Tracker) -> tr.Tracker:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.receive_lot("FLOUR", "OLD", 5, "DOCK", expiry=dt.date(2026, 1, 31), actor="ana")
    tracker.receive_lot("FLOUR", "OFF", 5, "DOCK", actor="ana")
    tracker.set_lot_active("FLOUR", "OFF", False, actor="ana", reason="complaint")
    tracker.receive_serials("PUMP", ["SN1"], "DOCK", actor="ana")
    return tracker


CASES: "list[tuple[type[tr.TraceabilityError], Callable[[tr.Tracker], object]]]" = [
    (tr.InvalidInput, lambda t: t.register_product("  ", "lot", actor="ana")),
    (tr.InvalidInput, lambda t: t.register_product("X", "lot", actor="  ")),
    (tr.InvalidInput, lambda t: t.receive_lot("FLOUR", "L9", "ten", "DOCK", actor="ana")),
    (tr.InvalidInput, lambda t: t.execute({"no_such_command": {}}, actor="ana")),
    (tr.UnknownProduct, lambda t: t.receive_lot("NOPE", "L9", 1, "DOCK", actor="ana")),
    (tr.UnknownLot, lambda t: t.adjust("FLOUR", "NOPE", "DOCK", 1, actor="ana", reason="r")),
    (tr.UnknownSerial, lambda t: t.move(tr.SerialRef("PUMP", "NOPE"), "DOCK", "A1", actor="ana")),
    (tr.UnknownLocation, lambda t: t.receive_lot("FLOUR", "L9", 1, "NOWHERE", actor="ana")),
    (tr.UnknownParty, lambda t: t.receive_lot("FLOUR", "L9", 1, "DOCK", supplier="NOBODY", actor="ana")),
    (tr.UnknownOrder, lambda t: t.pick("SO-X", L1, 1, actor="ana")),
    (tr.DuplicateNumber, lambda t: t.register_product("FLOUR", "lot", actor="ana")),
    (tr.DuplicateNumber, lambda t: t.receive_lot("FLOUR", "L1", 1, "DOCK", actor="ana")),
    (tr.WrongTracking, lambda t: t.receive_lot("PUMP", "L9", 1, "DOCK", actor="ana")),
    (tr.WrongRole, lambda t: t.receive_lot("FLOUR", "L9", 1, "DOCK", supplier="ACME", actor="ana")),
    (tr.InvalidQuantity, lambda t: t.receive_lot("FLOUR", "L9", -1, "DOCK", actor="ana")),
    (tr.InsufficientStock, lambda t: t.allocate_item("SO1", L1, 11, actor="ana")),
    (tr.InvalidTransition, lambda t: t.pick("SO1", SN1, actor="ana")),
    (tr.ExpiredLot, lambda t: t.move(tr.LotRef("FLOUR", "OLD"), "DOCK", "CUST", 1, actor="ana")),
    (tr.NotUsable, lambda t: t.allocate_item("SO1", tr.LotRef("FLOUR", "OFF"), 1, actor="ana")),
]


@pytest.mark.parametrize("error, command", CASES, ids=[f"{e.__name__}-{i}" for i, (e, _) in enumerate(CASES)])
def test_error_raised_and_nothing_changes(
    stocked: tr.Tracker, error: "type[tr.TraceabilityError]", command: Callable[[tr.Tracker], object]
) -> None:
    before = (stocked.head(), list(stocked.lots()), list(stocked.serials()))
    with pytest.raises(error) as raised:
        command(stocked)
    assert type(raised.value) is error and str(raised.value)
    assert (stocked.head(), list(stocked.lots()), list(stocked.serials())) == before
    assert stocked.verify() == before[0].count


def test_insufficient_stock_fields(stocked: tr.Tracker) -> None:
    stocked.move(L1, "DOCK", "A1", 3, actor="ana")
    with pytest.raises(tr.InsufficientStock) as at_a1:
        stocked.allocate_item("SO1", L1, 4, location="A1", actor="ana")
    e = at_a1.value
    assert (e.item, e.product, e.locations, e.customer) == (L1, "FLOUR", ["A1"], None)
    assert (e.requested, e.available) == (Decimal("4"), Decimal("3"))
    with pytest.raises(tr.InsufficientStock) as by_strategy:  # a product's eligible stock as a whole
        stocked.allocate(product="FLOUR", quantity=20, order="SO1", locations=["A1", "DOCK"], actor="ana")
    e = by_strategy.value
    assert (e.item, e.product, e.locations, e.available) == (None, "FLOUR", ["A1", "DOCK"], Decimal("10"))
    with pytest.raises(tr.InsufficientStock) as not_shipped:  # a return: what the customer may send back
        stocked.return_items("RMA1", "ACME", L1, "DOCK", 1, actor="ana")
    e = not_shipped.value
    assert (e.item, e.customer, e.locations, e.available) == (L1, "ACME", [], Decimal(0))
    assert "ACME" in str(e)


def test_invalid_transition_and_not_usable_fields(stocked: tr.Tracker) -> None:
    with pytest.raises(tr.InvalidTransition) as raised:
        stocked.pick("SO1", SN1, actor="ana")
    e = raised.value
    assert (e.product, e.serial, e.from_status, e.to_status) == ("PUMP", "SN1", "RECEIVED", "PICKED")
    assert tr.SerialStatus(e.from_status) is tr.SerialStatus.RECEIVED
    with pytest.raises(tr.NotUsable) as unusable:
        stocked.allocate_item("SO1", tr.LotRef("FLOUR", "OFF"), 1, actor="ana")
    assert unusable.value.item == tr.LotRef("FLOUR", "OFF") and unusable.value.why


def test_message_is_the_cores() -> None:
    t = tr.Tracker()
    with pytest.raises(tr.UnknownProduct) as raised:
        t.receive_lot("NOPE", "L1", 1, "DOCK", actor="ana")
    assert str(raised.value) == "unknown product NOPE"  # not KeyError's quoted repr


def test_hierarchy_and_builtin_bases() -> None:
    kinds = [tr.InvalidInput, tr.UnknownProduct, tr.UnknownLot, tr.UnknownSerial,
             tr.UnknownLocation, tr.UnknownParty, tr.UnknownOrder, tr.DuplicateNumber,
             tr.WrongTracking, tr.WrongRole, tr.InvalidQuantity, tr.InsufficientStock,
             tr.InvalidTransition, tr.ExpiredLot, tr.NotUsable, tr.StaleWriter, tr.Tampered,
             tr.Unreplayable, tr.ReadOnlyTracker, tr.StorageError]
    assert all(issubclass(k, tr.TraceabilityError) and k.__module__ == "traceability" for k in kinds)
    assert len(set(kinds)) == 20
    assert issubclass(tr.TraceabilityError, Exception)  # `except Exception` catches every error
    assert issubclass(tr.UnknownLot, KeyError) and issubclass(tr.InvalidInput, ValueError)
    assert issubclass(tr.StorageError, OSError)
    assert not issubclass(tr.InsufficientStock, (KeyError, ValueError))


def test_every_native_error_class_is_exported() -> None:
    native = {name for name in dir(tr._traceability)
              if isinstance(getattr(tr._traceability, name), type)
              and issubclass(getattr(tr._traceability, name), BaseException)}
    assert native == {name for name in tr.__all__ if name in native} and len(native) == 21
    assert all(getattr(tr, name) is getattr(tr._traceability, name) for name in native)
    assert {"Unreplayable", "ReadOnlyTracker"} <= set(tr._traceability.__all__)


def test_storage_error_on_unopenable_path(tmp_path: Path) -> None:
    with pytest.raises(tr.StorageError):
        tr.Tracker.open(tmp_path / "no" / "such" / "dir" / "t.db")


def test_tampered_log_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    t = tr.Tracker.open(path, now=NOW)
    populate(t)
    del t
    with sqlite3.connect(path) as db:
        db.execute("UPDATE events SET body = replace(body, CAST('The Mill' AS BLOB), CAST('The Kiln' AS BLOB)) WHERE seq = 7")
    with pytest.raises(tr.Tampered, match="event 7") as on_open:  # opening verifies
        tr.Tracker.open(path)
    assert (on_open.value.seq, on_open.value.damage) == (7, "body_altered")
    trusted = tr.Tracker.open(path, verify=False)  # the opt-out; verify() still catches it
    with pytest.raises(tr.Tampered, match="event 7"):
        trusted.verify()
