"""Hostile but plausible input (issue 9): every bad value is refused with a typed
`TraceabilityError` subclass -- never `PanicException`, never a caught-panic
`TraceabilityError`, never a bare `Exception` -- nothing is stored, and the tracker (and
its store, reopened) keeps working with the same state."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Tuple

import pytest

import traceability as tr
from conftest import NOW, populate

L1 = tr.LotRef("FLOUR", "L1")
L2 = tr.LotRef("FLOUR", "L2")
MAX_DECIMAL = Decimal("79228162514264337593543950335")  # the largest 96-bit decimal
MANUFACTURED = dt.date(2026, 2, 1)


def stock(t: tr.Tracker) -> None:
    """Lots, a serial, a shipped order SO1 (so returns are possible) and a picked order
    SO2 (so a shipment is possible)."""
    t.receive_lot("FLOUR", "L1", 10, "DOCK", supplier="MILL", actor="ana")
    t.receive_lot("FLOUR", "L2", 10, "DOCK", supplier="MILL", actor="ana")
    t.receive_serials("PUMP", ["SN1"], "DOCK", actor="ana")
    t.allocate_item("SO1", L2, 2, actor="ana")
    t.pick("SO1", L2, 2, actor="ana")
    t.ship("SH1", "SO1", "ACME", actor="ana")
    t.allocate_item("SO2", L1, 1, actor="ana")
    t.pick("SO2", L1, 1, actor="ana")


@pytest.fixture
def t(tmp_path: Path) -> tr.Tracker:
    tracker = tr.Tracker.open(tmp_path / "hostile.db", now=NOW)
    populate(tracker)
    stock(tracker)
    return tracker


def state(t: tr.Tracker) -> Tuple[Any, ...]:
    return (t.head(), list(t.lots()), list(t.serials()), t.lot_inventory_by_location(),
            t.serial_inventory_by_location(), t.reservations("SO2"), t.shipments(), t.products(), t.links())


def refused(t: tr.Tracker, call: Callable[[], object]) -> tr.TraceabilityError:
    """`call` raises a typed error, and the tracker keeps its state and its use."""
    before = state(t)
    with pytest.raises(tr.TraceabilityError) as raised:
        call()
    error = raised.value
    assert type(error) is not tr.TraceabilityError, f"a caught panic, not a typed error: {error}"
    assert "internal error" not in str(error)
    assert state(t) == before
    assert t.verify() == before[0].count
    still_works(t)
    return error


def still_works(t: tr.Tracker) -> None:
    number = f"AFTER-{t.head().count}"
    t.receive_lot("FLOUR", number, 1, "DOCK", actor="ana")
    lot = t.lot("FLOUR", number)
    assert lot is not None and lot.on_hand == 1


def reopens_the_same(t: tr.Tracker, path: Path) -> None:
    """The store on disk replays to the state the tracker shows."""
    expected = state(t)
    t.close()
    with tr.Tracker.open(path, now=NOW) as again:
        assert state(again) == expected
        assert again.verify() == expected[0].count


# --- overflowing quantities ----------------------------------------------------------


def test_largest_decimal_then_adjust_by_one(t: tr.Tracker, tmp_path: Path) -> None:
    """Was: the adjust event was stored, then apply panicked ("Addition overflowed") and
    the store could never be opened again."""
    before = state(t)

    def receive_then_adjust() -> None:
        t.receive_lot("FLOUR", "HUGE", MAX_DECIMAL, "DOCK", actor="ana")
        t.adjust("FLOUR", "HUGE", "DOCK", 1, actor="ana", reason="recount")

    with pytest.raises(tr.TraceabilityError) as raised:
        receive_then_adjust()
    assert type(raised.value) is not tr.TraceabilityError, f"a caught panic: {raised.value}"
    assert state(t) == before  # the receipt itself is out of range
    still_works(t)
    reopens_the_same(t, tmp_path / "hostile.db")


def test_adjust_past_the_limit(t: tr.Tracker, tmp_path: Path) -> None:
    t.receive_lot("FLOUR", "BIG", "999999999999999.999999999", "DOCK", actor="ana")  # just below 10^15
    refused(t, lambda: t.adjust("FLOUR", "BIG", "DOCK", 1, actor="ana", reason="recount"))
    refused(t, lambda: t.receive_lot("FLOUR", "BIG2", 10**15, "DOCK", actor="ana"))
    refused(t, lambda: t.receive_lot("FLOUR", "BIG3", -(10**15), "DOCK", actor="ana"))
    reopens_the_same(t, tmp_path / "hostile.db")


def test_reports_over_huge_lots_do_not_panic(t: tr.Tracker) -> None:
    for lot in ("H1", "H2", "H3"):
        t.receive_lot("FLOUR", lot, "999999999999999", "DOCK", expiry=dt.date(2026, 4, 1), actor="ana")
    # Totals past the quantity limit are either reported exactly or refused with a typed
    # error; never a panic.
    for report in (t.expiry_report, t.lot_inventory_by_expiry, t.expiring_lots,
                   lambda: t.expiring_lots(within_days=365), t.lot_inventory_by_location):
        try:
            report()
        except tr.TraceabilityError as error:
            assert type(error) is not tr.TraceabilityError, f"a caught panic: {error}"
    still_works(t)


@pytest.mark.parametrize("quantity", [
    Decimal("1.0000000000000000000000000001"),  # 28 places: was silently rounded to 1
    Decimal("0.0000000000000000000000000001"),
    Decimal("0.00000000000000000000000000001"),  # 29 places: was rounded to 0
    "1.0000000001",  # 10 places
    "0.0000000001",
])
def test_too_many_decimal_places_are_refused_not_rounded(t: tr.Tracker, quantity: tr.QuantityLike) -> None:
    error = refused(t, lambda: t.receive_lot("FLOUR", "FINE", quantity, "DOCK", actor="ana"))
    assert isinstance(error, (tr.InvalidInput, tr.InvalidQuantity))
    refused(t, lambda: t.adjust("FLOUR", "L1", "DOCK", quantity, actor="ana", reason="recount"))


def test_nine_decimal_places_are_exact(t: tr.Tracker) -> None:
    t.receive_lot("FLOUR", "FINE", "0.000000001", "DOCK", actor="ana")
    t.adjust("FLOUR", "FINE", "DOCK", Decimal("0.000000002"), actor="ana", reason="recount")
    lot = t.lot("FLOUR", "FINE")
    assert lot is not None and lot.on_hand == Decimal("0.000000003")


# --- dates past year 9999 --------------------------------------------------------------


@pytest.mark.parametrize("days", [2**32 - 1, 3_000_000])
def test_huge_shelf_life(t: tr.Tracker, days: int) -> None:
    """Was: 2**32-1 panicked; 3,000,000 gave an expiry in year 10239 that `lots()`
    could not read back."""
    try:
        t.register_product("LONG", "lot", shelf_life_days=days, actor="ana")
    except tr.TraceabilityError as error:  # refusing the offset itself is fine too
        assert type(error) is not tr.TraceabilityError, f"a caught panic: {error}"
        return
    error = refused(t, lambda: t.receive_lot("LONG", "L1", 1, "DOCK", manufactured_on=MANUFACTURED, actor="ana"))
    assert isinstance(error, tr.InvalidInput)
    # Every query still reads every lot.
    assert len(list(t.lots())) == 3 and t.expiry_report() is not None
    assert t.lot_inventory_by_expiry() is not None


# --- identifiers -----------------------------------------------------------------------

BAD_IDS = {"nul": "L\x00X", "newline": "L\nX", "tab": "L\tX", "1MB": "L" * 1_000_000}

ID_COMMANDS: "dict[str, Callable[[tr.Tracker, str], object]]" = {
    "product": lambda t, bad: t.register_product(bad, "lot", actor="ana"),
    "lot": lambda t, bad: t.receive_lot("FLOUR", bad, 1, "DOCK", actor="ana"),
    "serial": lambda t, bad: t.receive_serials("PUMP", ["SN9", bad], "DOCK", actor="ana"),
    "expected serial": lambda t, bad: t.expect_serials("PUMP", [bad], actor="ana"),
    "location": lambda t, bad: t.register_location(bad, "internal", actor="ana"),
    "party": lambda t, bad: t.register_party(bad, "customer", actor="ana"),
    "order": lambda t, bad: t.allocate_item(bad, L1, 1, actor="ana"),
    "shipment": lambda t, bad: t.ship(bad, "SO2", "ACME", actor="ana"),
    "work order": lambda t, bad: t.produce(bad, [tr.Line(L1, "DOCK", 1)], [tr.NewLot("BREAD", "B1", 1, "DOCK")],
                                           actor="ana"),
    "produced lot": lambda t, bad: t.produce("WO1", [tr.Line(L1, "DOCK", 1)], [tr.NewLot("BREAD", bad, 1, "DOCK")],
                                             actor="ana"),
    "rma": lambda t, bad: t.return_items(bad, "ACME", L2, "DOCK", 1, actor="ana"),
    "actor": lambda t, bad: t.receive_lot("FLOUR", "L9", 1, "DOCK", actor=bad),
}


@pytest.mark.parametrize("which", list(BAD_IDS))
@pytest.mark.parametrize("field", list(ID_COMMANDS))
def test_bad_identifiers_are_refused(t: tr.Tracker, field: str, which: str) -> None:
    bad = BAD_IDS[which]
    error = refused(t, lambda: ID_COMMANDS[field](t, bad))
    assert isinstance(error, tr.InvalidInput), f"{type(error).__name__}: {error}"
    assert len(str(error)) < 10_000  # the message does not echo a 1 MB id


def test_the_id_commands_work_with_good_ids(t: tr.Tracker) -> None:
    """The table above is refused for its ids, not for something else."""
    for field, command in ID_COMMANDS.items():
        command(t, "OK-" + field.replace(" ", "-"))
    assert t.lot("FLOUR", "OK-lot") is not None and t.product("OK-product") is not None
