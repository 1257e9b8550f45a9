"""Python-side input rules (issue 9, item 6): an argument of the wrong Python type raises
`TypeError` naming it (a str is never iterated as a list of ids, floats are never
quantities); a value of the right type the core refuses raises `InvalidInput`; and
nothing changes either way."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Tuple

import pytest

import traceability as tr
from conftest import NOW, populate

L1 = tr.LotRef("FLOUR", "L1")
DAY = dt.date(2026, 2, 1)


@pytest.fixture
def t(tracker: tr.Tracker) -> tr.Tracker:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", supplier="MILL", actor="ana")
    tracker.receive_serials("PUMP", ["SN1"], "DOCK", actor="ana")
    return tracker


def state(t: tr.Tracker) -> Tuple[Any, ...]:
    return (t.head(), list(t.lots()), list(t.serials()), t.lot_inventory_by_location(),
            t.serial_inventory_by_location(), t.products())


# (error class, what the message must name, the call)
TYPE_CASES: "list[tuple[type[Exception], str, Callable[[tr.Tracker], object]]]" = [
    # a str (or bytes, or a mapping) where a sequence of ids is expected
    (TypeError, "serials", lambda t: t.receive_serials("PUMP", "SN-1", "DOCK", actor="ana")),
    (TypeError, "serials", lambda t: t.receive_serials("PUMP", b"SN-1", "DOCK", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "serials", lambda t: t.receive_serials("PUMP", {"SN-1": 1}, "DOCK", actor="ana")),
    (TypeError, r"serials\[1\]", lambda t: t.receive_serials("PUMP", ["SN-1", 2], "DOCK", actor="ana")),  # type: ignore[list-item]
    (TypeError, "serials", lambda t: t.expect_serials("PUMP", "SN-1", actor="ana")),
    (TypeError, "serials", lambda t: t.expect_serials("PUMP", 7, actor="ana")),  # type: ignore[arg-type]
    (TypeError, "locations", lambda t: t.allocate(product="FLOUR", quantity=1, order="SO1", locations="DOCK",
                                                  actor="ana")),
    (TypeError, "lots", lambda t: t.set_lots_active("FLOUR/L1", False, actor="ana", reason="r")),  # type: ignore[arg-type]
    (TypeError, r"lots\[0\]", lambda t: t.set_lots_active([tr.SerialRef("PUMP", "SN1")], False,  # type: ignore[list-item]
                                                          actor="ana", reason="r")),
    (TypeError, "items", lambda t: t.place_hold("L1", actor="ana", reason="r")),  # type: ignore[arg-type]
    (TypeError, r"items\[1\]", lambda t: t.place_hold([L1, "SN1"], actor="ana", reason="r")),  # type: ignore[list-item]
    (TypeError, "items", lambda t: t.release_hold(b"L1", actor="ana", reason="r")),  # type: ignore[arg-type]
    (TypeError, "suspects", lambda t: t.recall("L1", actor="ana", reason="r")),  # type: ignore[arg-type]
    (TypeError, "suspects", lambda t: t.recall_report("L1")),  # type: ignore[arg-type]
    # produce: wrong shapes of consumed and outputs
    (TypeError, "consumed", lambda t: t.produce("WO1", tr.Line(L1, "DOCK", 1),  # type: ignore[arg-type]
                                                [tr.NewLot("BREAD", "B1", 1, "DOCK")], actor="ana")),
    (TypeError, r"consumed\[0\] must be a Line", lambda t: t.produce(
        "WO1", [{"item": L1, "location": "DOCK", "quantity": 1}],  # type: ignore[list-item]
        [tr.NewLot("BREAD", "B1", 1, "DOCK")], actor="ana")),
    (TypeError, r"consumed\[0\]\.item", lambda t: t.produce(
        "WO1", [tr.Line("FLOUR/L1", "DOCK", 1)], [tr.NewLot("BREAD", "B1", 1, "DOCK")], actor="ana")),  # type: ignore[arg-type]
    (TypeError, r"consumed\[0\]\.quantity", lambda t: t.produce(
        "WO1", [tr.Line(L1, "DOCK", 0.5)], [tr.NewLot("BREAD", "B1", 1, "DOCK")], actor="ana")),  # type: ignore[arg-type]
    (TypeError, "outputs", lambda t: t.produce("WO1", [tr.Line(L1, "DOCK", 1)], "BREAD", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "outputs", lambda t: t.produce("WO1", [tr.Line(L1, "DOCK", 1)],
                                               tr.NewLot("BREAD", "B1", 1, "DOCK"), actor="ana")),  # type: ignore[arg-type]
    (TypeError, r"outputs\[0\] must be a NewLot", lambda t: t.produce(
        "WO1", [tr.Line(L1, "DOCK", 1)], [tr.LotRef("BREAD", "B1")], actor="ana")),  # type: ignore[list-item]
    (TypeError, r"outputs\[0\]\.quantity", lambda t: t.produce(
        "WO1", [tr.Line(L1, "DOCK", 1)], [tr.NewLot("BREAD", "B1", 1.5, "DOCK")], actor="ana")),  # type: ignore[arg-type]
    (TypeError, r"outputs\[0\]\.expiry", lambda t: t.produce(
        "WO1", [tr.Line(L1, "DOCK", 1)], [tr.NewLot("BREAD", "B1", 1, "DOCK", expiry="2027-01-01")],  # type: ignore[arg-type]
        actor="ana")),
    (TypeError, r"outputs\[0\]\.attributes", lambda t: t.produce(
        "WO1", [tr.Line(L1, "DOCK", 1)], [tr.NewLot("BREAD", "B1", 1, "DOCK", attributes=["silo"])],  # type: ignore[arg-type]
        actor="ana")),
    (TypeError, r"outputs\[0\]\.serial", lambda t: t.produce(
        "WO1", [tr.Line(L1, "DOCK", 1)], [tr.NewSerial("PUMP", 5, "DOCK")], actor="ana")),  # type: ignore[arg-type]
    (TypeError, r"outputs\[0\]\.lot", lambda t: t.produce(
        "WO1", [tr.Line(L1, "DOCK", 1)], [tr.IntoLot("FLOUR", None, 1, "DOCK")], actor="ana")),  # type: ignore[arg-type]
    # update_lot_dates
    (TypeError, "changes", lambda t: t.update_lot_dates(tr.LotDatesChange(L1, expiry=DAY),  # type: ignore[arg-type]
                                                        actor="ana", reason="r")),
    (TypeError, r"changes\[0\] must be a LotDatesChange", lambda t: t.update_lot_dates(
        [L1], actor="ana", reason="r")),  # type: ignore[list-item]
    (TypeError, r"changes\[0\]\.expiry", lambda t: t.update_lot_dates(
        [tr.LotDatesChange(L1, expiry="2027-01-01")], actor="ana", reason="r")),  # type: ignore[arg-type]
    (TypeError, r"changes\[0\]\.lot", lambda t: t.update_lot_dates(
        [tr.LotDatesChange(("FLOUR", "L1"), expiry=DAY)], actor="ana", reason="r")),  # type: ignore[arg-type]
    # quantities: exact only (int, str, Decimal); floats and bools are refused
    (TypeError, "quantity .*float", lambda t: t.receive_lot("FLOUR", "L9", 0.5, "DOCK", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "quantity .*bool", lambda t: t.receive_lot("FLOUR", "L9", True, "DOCK", actor="ana")),
    (TypeError, "quantity", lambda t: t.receive_lot("FLOUR", "L9", None, "DOCK", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "weight", lambda t: t.receive_lot("FLOUR", "L9", 1, "DOCK", weight=2.5, actor="ana")),  # type: ignore[arg-type]
    (TypeError, "delta", lambda t: t.adjust("FLOUR", "L1", "DOCK", 1.0, actor="ana", reason="r")),  # type: ignore[arg-type]
    (TypeError, "spec_min", lambda t: t.record_test_result(L1, "fat", 1, spec_min=0.5, actor="ana")),  # type: ignore[arg-type]
    (tr.InvalidInput, "quantity", lambda t: t.receive_lot("FLOUR", "L9", Decimal("NaN"), "DOCK", actor="ana")),
    (tr.InvalidInput, "quantity", lambda t: t.receive_lot("FLOUR", "L9", Decimal("Infinity"), "DOCK", actor="ana")),
    (tr.InvalidInput, "quantity", lambda t: t.receive_lot("FLOUR", "L9", 10**400, "DOCK", actor="ana")),
    (tr.InvalidInput, "quantity", lambda t: t.receive_lot("FLOUR", "L9", Decimal("1E+999999"), "DOCK", actor="ana")),
    # other arguments of the wrong type
    (TypeError, "expiry", lambda t: t.receive_lot("FLOUR", "L9", 1, "DOCK", expiry="2027-01-01", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "attributes", lambda t: t.receive_lot("FLOUR", "L9", 1, "DOCK", attributes=["a"], actor="ana")),  # type: ignore[arg-type]
    (TypeError, r"attributes\['a'\]", lambda t: t.receive_lot("FLOUR", "L9", 1, "DOCK", attributes={"a": 1},  # type: ignore[dict-item]
                                                              actor="ana")),
    (TypeError, "lot", lambda t: t.receive_lot("FLOUR", 9, 1, "DOCK", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "location", lambda t: t.receive_lot("FLOUR", "L9", 1, ["DOCK"], actor="ana")),  # type: ignore[arg-type]
    (TypeError, "actor", lambda t: t.receive_lot("FLOUR", "L9", 1, "DOCK", actor=None)),  # type: ignore[arg-type]
    (TypeError, "reason", lambda t: t.adjust("FLOUR", "L1", "DOCK", 1, actor="ana", reason=3)),  # type: ignore[arg-type]
    (TypeError, "id", lambda t: t.register_product(123, "lot", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "shelf_life_days", lambda t: t.register_product("X", "lot", shelf_life_days="180", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "shelf_life_days", lambda t: t.register_product("X", "lot", shelf_life_days=True, actor="ana")),
    (TypeError, "shelf_life_days", lambda t: t.register_product("X", "lot", shelf_life_days=1.5, actor="ana")),  # type: ignore[arg-type]
    (TypeError, "requires_inspection", lambda t: t.register_product("X", "lot", requires_inspection="no",  # type: ignore[arg-type]
                                                                    actor="ana")),
    (TypeError, "tracking", lambda t: t.register_product("X", 1, actor="ana")),  # type: ignore[arg-type]
    (tr.InvalidInput, "tracking", lambda t: t.register_product("X", "both", actor="ana")),
    (tr.InvalidInput, "kind", lambda t: t.register_location("X", "garage", actor="ana")),
    (tr.InvalidInput, "role", lambda t: t.register_party("X", "friend", actor="ana")),
    (tr.InvalidInput, "strategy", lambda t: t.allocate(product="FLOUR", quantity=1, order="SO1", strategy="random",
                                                       actor="ana")),
    (tr.InvalidInput, "status", lambda t: t.set_quality_status(L1, "great", actor="ana", reason="r")),
    (TypeError, "active", lambda t: t.set_lot_active("FLOUR", "L1", "no", actor="ana", reason="r")),  # type: ignore[arg-type]
    (TypeError, "override_expiry", lambda t: t.move(L1, "DOCK", "A1", 1, override_expiry=1, actor="ana")),  # type: ignore[arg-type]
    (TypeError, "hold", lambda t: t.recall([L1], actor="ana", reason="r", hold="yes")),  # type: ignore[arg-type]
    (TypeError, "item", lambda t: t.move(("FLOUR", "L1"), "DOCK", "A1", 1, actor="ana")),  # type: ignore[arg-type]
    (TypeError, r"item\.lot", lambda t: t.move(tr.LotRef("FLOUR", 1), "DOCK", "A1", 1, actor="ana")),  # type: ignore[arg-type]
    (TypeError, "lot", lambda t: t.release(tr.SerialRef("PUMP", "SN1"), actor="ana", reason="r")),  # type: ignore[arg-type]
    (TypeError, "command", lambda t: t.execute("register_product", actor="ana")),  # type: ignore[arg-type]
    (TypeError, "commands", lambda t: t.execute_batch("register_product", actor="ana")),
    (TypeError, r"commands\[0\]", lambda t: t.execute_batch(["register_product"], actor="ana")),  # type: ignore[list-item]
    # queries
    (TypeError, "product", lambda t: t.lot(1, "L1")),  # type: ignore[arg-type]
    (TypeError, "as_of", lambda t: t.expiry_report(as_of="2026-01-01")),  # type: ignore[arg-type]
    (TypeError, "within_days", lambda t: t.expiring_lots(within_days="30")),  # type: ignore[arg-type]
    (TypeError, "from_seq", lambda t: t.events("0")),  # type: ignore[arg-type]
    (tr.InvalidInput, "status", lambda t: t.find_serials(status="LOST")),
]


@pytest.mark.parametrize(
    "error, names, call", TYPE_CASES, ids=[f"{i}-{e.__name__}-{n}" for i, (e, n, _) in enumerate(TYPE_CASES)])
def test_wrong_types_are_refused_naming_the_argument(
    t: tr.Tracker, error: "type[Exception]", names: str, call: Callable[[tr.Tracker], object]
) -> None:
    before = state(t)
    with pytest.raises(error, match=names) as raised:
        call(t)
    assert type(raised.value) is error  # not an AttributeError or KeyError from a bug
    assert state(t) == before
    assert t.verify() == before[0].count


def test_a_str_is_not_a_list_of_serials(t: tr.Tracker) -> None:
    with pytest.raises(TypeError, match=r"serials must be a sequence of str, not a single str; .*\['SN-1'\]"):
        t.receive_serials("PUMP", "SN-1", "DOCK", actor="ana")
    assert [s.number for s in t.serials()] == ["SN1"]  # not S, N, -, 1
    t.receive_serials("PUMP", ("SN-1", "SN-2"), "DOCK", actor="ana")  # any sequence of str works
    t.receive_serials("PUMP", (f"SN-{i}" for i in (3, 4)), "DOCK", actor="ana")  # and an iterator
    assert [s.number for s in t.serials()] == ["SN1", "SN-1", "SN-2", "SN-3", "SN-4"]


def test_exact_quantities_are_accepted(t: tr.Tracker) -> None:
    t.receive_lot("FLOUR", "Q1", 3, "DOCK", actor="ana")
    t.receive_lot("FLOUR", "Q2", "0.25", "DOCK", actor="ana")
    t.receive_lot("FLOUR", "Q3", Decimal("1.50"), "DOCK", actor="ana")
    t.receive_lot("FLOUR", "Q4", Decimal("1E+1"), "DOCK", actor="ana")  # exponent form: sent as "10"
    t.receive_lot("FLOUR", "Q5", Decimal("5E-1"), "DOCK", actor="ana")  # and as "0.5"
    on_hand = {lot.number: lot.on_hand for lot in t.lots()}
    assert [on_hand[f"Q{i}"] for i in range(1, 6)] == [3, Decimal("0.25"), Decimal("1.5"), 10, Decimal("0.5")]


@pytest.mark.parametrize("batch_size", [0, -1, -10_000])
def test_receive_lots_batch_size_below_one(t: tr.Tracker, batch_size: int) -> None:
    before = state(t)
    rows = [{"product": "FLOUR", "lot": "B1", "quantity": 1, "location": "DOCK"}]
    with pytest.raises(ValueError, match="batch_size"):
        t.receive_lots(rows, batch_size=batch_size, actor="ana")
    assert state(t) == before


@pytest.mark.parametrize("batch_size", [1.5, "10", True, None])
def test_receive_lots_batch_size_not_an_int(t: tr.Tracker, batch_size: Any) -> None:
    with pytest.raises(TypeError, match="batch_size"):
        t.receive_lots([], batch_size=batch_size, actor="ana")


@pytest.mark.parametrize("rows, names", [
    ("FLOUR", "receipts"),
    ({"product": "FLOUR"}, "receipts"),
    ([["FLOUR", "B1", 1, "DOCK"]], r"receipts\[0\] must be a mapping"),
    ([{"product": "FLOUR", "lot": "B1", "location": "DOCK"}], r"receipts\[0\]: missing keys \['quantity'\]"),
    ([{"product": "FLOUR", "lot": "B1", "quantity": 1, "location": "DOCK", "colour": "red"}],
     r"receipts\[0\]: unknown keys \['colour'\]"),
    ([{"product": "FLOUR", "lot": "B1", "quantity": 0.5, "location": "DOCK"}], r"receipts\[0\]\.quantity"),
])
def test_receive_lots_wrong_shapes(t: tr.Tracker, rows: Any, names: str) -> None:
    before = state(t)
    with pytest.raises(TypeError, match=names):
        t.receive_lots(rows, actor="ana")
    assert state(t) == before


def test_receive_lots_still_batches(t: tr.Tracker) -> None:
    rows = [{"product": "FLOUR", "lot": f"B{i}", "quantity": 1, "location": "DOCK"} for i in range(5)]
    done = t.receive_lots(rows, batch_size=2, actor="ana")
    assert done.count == 5 and t.lot("FLOUR", "B4") is not None


@pytest.mark.parametrize("path", ["", " ", "\t\n"])
def test_open_refuses_an_empty_path(path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(tr.InvalidInput, match="path"):
        tr.Tracker.open(path)
    with pytest.raises(ValueError):  # InvalidInput is a ValueError
        tr.Tracker.open(Path(path) if path.strip() else path)
    assert list(tmp_path.iterdir()) == []  # no file was created either


def test_native_open_refuses_an_empty_path_too() -> None:
    with pytest.raises(tr.InvalidInput, match="path"):
        tr._traceability.NativeTracker.open("  ")


@pytest.mark.parametrize("path", [None, 3, b"t.db"])
def test_open_refuses_a_non_path(path: Any) -> None:
    with pytest.raises(TypeError, match="path"):
        tr.Tracker.open(path)


def test_now_must_be_a_datetime(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="now"):
        tr.Tracker(now="2026-03-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="now"):
        tr.Tracker.open(tmp_path / "t.db", now=NOW.date())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []  # checked before the store is created
    t = tr.Tracker(now=NOW)
    populate(t)
    with pytest.raises(TypeError, match="now"):
        t.set_time("2026-03-01")  # type: ignore[arg-type]
