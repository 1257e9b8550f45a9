"""The bulk load path: batches with progress, the refused command named, what was stored
kept, exceptions from the caller's side propagated."""

from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import traceability as tr
from conftest import NOW, populate


def receipt(n: int, qty: str = "10") -> Dict[str, Any]:
    spec = {"product": "FLOUR", "lot": f"L{n}", "dates": {}, "description": "", "attributes": {}}
    return {"receive_lot": {"spec": spec, "quantity": qty, "location": "DOCK", "supplier": "MILL"}}


def move(n: int) -> Dict[str, Any]:
    return {"move": {"item": {"lot": {"product": "FLOUR", "lot": f"L{n}"}}, "from": "DOCK", "to": "A1",
                     "quantity": "4", "override_expiry": False}}


def history(lots: int) -> Iterator[Dict[str, Any]]:
    for n in range(lots):
        yield receipt(n)
        yield move(n)


def test_a_bulk_load_stores_every_batch_and_reports_progress(tmp_path: Path) -> None:
    path = tmp_path / "bulk.db"
    t = tr.Tracker.open(path, now=NOW, snapshot_every=5)
    populate(t)
    start = t.head().count
    seen: List[tr.BulkProgress] = []
    loaded = t.bulk_load(history(25), actor="import", reason="history", batch_size=8, progress=seen.append)
    assert loaded == tr.BulkProgress(batches=7, commands=50, events=50)
    assert [p.commands for p in seen] == [8, 16, 24, 32, 40, 48, 50]
    assert seen[-1] == loaded
    assert t.head().count == start + 50
    lot = t.lot("FLOUR", "L24")
    assert lot is not None and lot.on_hand == 10
    assert sorted((line.location, line.on_hand) for line in lot.stock) == [("A1", Decimal(4)), ("DOCK", Decimal(6))]
    assert t.snapshot() == t.head().count  # the one written at the end already covers it
    t.close()
    with tr.Tracker.open(path) as again:
        assert again.head().count == start + 50 and again.lot("FLOUR", "L24") == lot


def test_a_refused_command_is_named_and_the_batches_before_it_stay(tracker: tr.Tracker) -> None:
    commands = list(history(10))
    commands[13] = receipt(2)  # L2 exists
    start = tracker.head().count
    with pytest.raises(tr.DuplicateNumber) as refused:
        tracker.bulk_load(commands, actor="import", batch_size=5)
    e: Any = refused.value
    assert (e.index, e.batch, e.loaded) == (13, 2, tr.BulkProgress(2, 10, 10))
    assert tracker.head().count == start + 10
    assert tracker.lot("FLOUR", "L4") is not None and tracker.lot("FLOUR", "L5") is None


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """The sizes of the batches that went through the package's JSON encoder."""
    from traceability import _tracker

    sizes: List[int] = []
    dumps = _tracker._dumps

    def counted(batch: Any) -> str:
        sizes.append(len(batch))
        return dumps(batch)

    monkeypatch.setattr(_tracker, "_dumps", counted)
    return sizes


def test_batches_of_plain_values_and_of_decimals_and_dates_load_alike(
    tracker: tr.Tracker, encoded: List[int]
) -> None:
    """Plain values are read without JSON text; a batch holding a `Decimal`, a `date` or
    an enum goes through the package's JSON encoder. Both store the same."""
    import datetime as dt
    from decimal import Decimal

    typed = receipt(1, qty=Decimal("10.5"))  # type: ignore[arg-type]
    typed["receive_lot"]["received_on"] = dt.date(2026, 3, 1)
    plain = receipt(2, qty="10.5")
    plain["receive_lot"]["received_on"] = "2026-03-01"
    loaded = tracker.bulk_load([typed, plain], actor="import", batch_size=1)
    assert loaded == tr.BulkProgress(batches=2, commands=2, events=2)
    assert encoded == [1]  # only the batch with the Decimal and the date went through JSON
    one, two = tracker.lot("FLOUR", "L1"), tracker.lot("FLOUR", "L2")
    assert one is not None and two is not None
    assert (one.on_hand, one.received_on) == (Decimal("10.5"), dt.date(2026, 3, 1))
    assert (two.on_hand, two.received_on) == (one.on_hand, one.received_on)


def test_dict_subclasses_tuples_str_enums_ints_and_none_are_read_natively_and_floats_refused(
    tracker: tr.Tracker, encoded: List[int]
) -> None:
    """The native reader takes what JSON text of the same values would say: a dict
    subclass as a dict, a tuple as a list, a `str` enum as its value, an int quantity as
    that integer, `None` as null; a float quantity is refused (no exact binary value)
    with the command's index."""
    import enum
    from collections import OrderedDict
    from decimal import Decimal

    class Place(str, enum.Enum):
        DOCK = "DOCK"

    ordered = OrderedDict(receipt(1))
    enum_place = receipt(2, qty=7)  # type: ignore[arg-type]
    enum_place["receive_lot"]["location"] = Place.DOCK
    moved = move(1)
    moved["move"]["item"] = OrderedDict(moved["move"]["item"])
    pumps = {"receive_serials": {"product": "PUMP", "serials": ("P-1", "P-2"), "location": "DOCK", "supplier": None}}
    loaded = tracker.bulk_load([ordered, enum_place, moved, pumps], actor="import", batch_size=4)
    assert loaded.commands == 4
    assert encoded == []
    one, two = tracker.lot("FLOUR", "L1"), tracker.lot("FLOUR", "L2")
    assert one is not None and two is not None and two.on_hand == Decimal(7)
    assert sorted((line.location, line.on_hand) for line in one.stock) == [("A1", Decimal(4)), ("DOCK", Decimal(6))]
    assert tracker.serial("PUMP", "P-1") is not None and tracker.serial("PUMP", "P-2") is not None

    floating = receipt(4, qty=2.5)  # type: ignore[arg-type]
    with pytest.raises(tr.InvalidInput) as refused:
        tracker.bulk_load([receipt(3), floating], actor="import", batch_size=2)
    e: Any = refused.value
    assert (e.index, e.batch, e.loaded.commands) == (1, 0, 0)
    assert "floating point `2.5`" in str(e)
    assert tracker.lot("FLOUR", "L3") is None


def test_a_command_that_does_not_parse_is_named_too(tracker: tr.Tracker) -> None:
    commands = [receipt(0), receipt(1), {"receive_lot": {"spec": "nonsense"}}, receipt(3)]
    with pytest.raises(tr.InvalidInput) as refused:
        tracker.bulk_load(commands, actor="import", batch_size=2)
    e: Any = refused.value
    assert (e.index, e.batch, e.loaded.commands) == (2, 1, 2)
    assert tracker.lot("FLOUR", "L1") is not None and tracker.lot("FLOUR", "L3") is None


def test_exceptions_from_progress_or_the_rows_stop_the_load_and_propagate(tracker: tr.Tracker) -> None:
    def stop_after_two(p: tr.BulkProgress) -> None:
        if p.batches == 2:
            raise KeyboardInterrupt("enough")

    with pytest.raises(KeyboardInterrupt):
        tracker.bulk_load(history(10), actor="import", batch_size=3, progress=stop_after_two)
    assert tracker.lot("FLOUR", "L2") is not None and tracker.lot("FLOUR", "L3") is None

    def rows() -> Iterator[Any]:
        yield receipt(50)
        yield "not a mapping"

    with pytest.raises(TypeError, match=r"commands\[1\] must be a command \(traceability.cmd\) or a mapping"):
        tracker.bulk_load(rows(), actor="import", batch_size=1)
    assert tracker.lot("FLOUR", "L50") is not None  # its batch was stored first


def test_bad_arguments_are_refused_before_anything_is_stored(tracker: tr.Tracker) -> None:
    head = tracker.head()
    with pytest.raises(TypeError, match="commands must be a sequence"):
        tracker.bulk_load("receive", actor="import")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_size"):
        tracker.bulk_load(history(1), actor="import", batch_size=0)
    with pytest.raises(TypeError, match="progress must be callable"):
        tracker.bulk_load(history(1), actor="import", progress=3)  # type: ignore[arg-type]
    with pytest.raises(tr.InvalidInput, match="actor"):
        tracker.bulk_load(history(1), actor=" ")
    assert tracker.head() == head


def test_rows_are_read_on_the_callers_thread_while_batches_load(tracker: tr.Tracker) -> None:
    """The next batch is pulled while one loads, yet the rows are read on the thread that
    called `bulk_load`: a row source bound to its thread, such as a `sqlite3` cursor,
    works."""
    import json
    import sqlite3
    import threading

    erp = sqlite3.connect(":memory:")  # check_same_thread: only this thread may read it
    erp.execute("CREATE TABLE history (n INTEGER PRIMARY KEY, command TEXT)")
    erp.executemany("INSERT INTO history VALUES (?, ?)", [(i, json.dumps(c)) for i, c in enumerate(history(20))])
    readers = set()

    def rows() -> Iterator[Dict[str, Any]]:
        for (command,) in erp.execute("SELECT command FROM history ORDER BY n"):
            readers.add(threading.get_ident())
            yield json.loads(command)

    loaded = tracker.bulk_load(rows(), actor="import", batch_size=7)
    assert loaded == tr.BulkProgress(batches=6, commands=40, events=40)
    assert readers == {threading.get_ident()}
    lot = tracker.lot("FLOUR", "L19")
    assert lot is not None and lot.on_hand == 10
