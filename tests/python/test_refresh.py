"""`refresh()`: a tracker reads what other writers appended to a shared store, and
`head()` tells how far it has read without touching the store (issue 9, item 9)."""

from pathlib import Path

import pytest

import traceability as tr
from conftest import NOW, populate


def test_second_tracker_sees_nothing_new_until_refresh(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    writer = tr.Tracker.open(path, now=NOW)
    populate(writer)
    reader = tr.Tracker.open(path, now=NOW)
    assert reader.head() == writer.head()
    seen = reader.head()

    writer.receive_lot("FLOUR", "L1", "12.5", "DOCK", supplier="MILL", actor="ana")
    writer.receive_serials("PUMP", ["SN1"], "DOCK", actor="ana")
    # The reader answers from what it has read: nothing new, and it says so.
    assert reader.lot("FLOUR", "L1") is None and reader.serial("PUMP", "SN1") is None
    assert reader.head() == seen and reader.head().count < writer.head().count

    head = reader.refresh()
    assert head == reader.head() == writer.head()
    assert head.count == seen.count + 2
    assert reader.lot("FLOUR", "L1") == writer.lot("FLOUR", "L1")
    assert list(reader.serials()) == list(writer.serials())
    assert reader.refresh() == head  # nothing new: the same head
    assert reader.verify() == head.count

    # The reader writes too (a command refreshes by itself first); the writer catches up.
    reader.adjust("FLOUR", "L1", "DOCK", "-2.5", actor="bob", reason="recount")
    lot = writer.refresh() and writer.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == 10
    assert writer.head() == reader.head()


def test_refresh_in_memory_and_after_close() -> None:
    t = tr.Tracker(now=NOW)
    assert t.refresh() == t.head() and t.head().count == 0
    populate(t)
    assert t.refresh().count == t.head().count == 9
    t.close()
    with pytest.raises(tr.StorageError, match="closed"):
        t.refresh()
