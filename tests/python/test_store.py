"""Round trip through a SQLite store: close, reopen, same answers."""

import datetime as dt
from pathlib import Path

import pytest

import traceability as tr
from conftest import NOW, populate


def test_reopen_gives_the_same_answers(tmp_path: Path) -> None:
    path = tmp_path / "trace.db"
    t = tr.Tracker.open(path, now=NOW)
    populate(t)
    t.receive_lot("FLOUR", "L1", "12.5", "DOCK", supplier="MILL", actor="ana",
                  manufactured_on=dt.date(2026, 2, 1))
    t.receive_serials("PUMP", ["SN1", "SN2"], "DOCK", actor="ana")
    t.allocate_item("SO1", tr.LotRef("FLOUR", "L1"), "2.5", actor="ana")
    answers = (t.head(), list(t.lots()), list(t.serials()), t.reservations("SO1"), t.events(),
               t.history(tr.LotRef("FLOUR", "L1")), t.products())
    t.close()
    t.close()  # idempotent
    with pytest.raises(tr.StorageError, match="closed"):
        t.head()

    again = tr.Tracker.open(str(path))
    assert (again.head(), list(again.lots()), list(again.serials()), again.reservations("SO1"),
            again.events(), again.history(tr.LotRef("FLOUR", "L1")), again.products()) == answers
    assert again.verify() == answers[0].count
    again.receive_lot("FLOUR", "L2", 1, "DOCK", actor="bob")  # and it keeps writing
    again.close()
    with tr.Tracker.open(path) as third:
        assert third.lot("FLOUR", "L2") is not None


def test_snapshots_open_the_store_and_losing_them_loses_nothing(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "snap.db"
    t = tr.Tracker.open(path, snapshot_every=5, now=NOW)
    populate(t)  # 10 events: a snapshot was written after the 5th or later
    assert t.snapshot() == t.head().count
    t.receive_lot("FLOUR", "L1", 3, "DOCK", actor="ana")
    answers = (t.head(), list(t.lots()))
    t.close()
    with tr.Tracker.open(path) as again:  # from the snapshot, then one event
        assert (again.head(), list(again.lots())) == answers
        assert again.warnings == ()
    db = sqlite3.connect(path)
    db.execute("UPDATE snapshots SET body = x'00'")
    db.commit()
    db.close()
    with tr.Tracker.open(path) as damaged:  # ignored, with a warning; the log replayed
        assert (damaged.head(), list(damaged.lots())) == answers
        assert len(damaged.warnings) == 1 and "not a state snapshot" in damaged.warnings[0]
    with tr.Tracker.open(path, snapshot_every=0) as replayed:
        assert (replayed.head(), list(replayed.lots())) == answers and replayed.warnings == ()
    with pytest.raises(tr.InvalidInput, match="snapshot_every"):
        tr.Tracker.open(path, snapshot_every=-1)
    with pytest.raises(TypeError):
        tr.Tracker.open(path, snapshot_every="5")  # type: ignore[arg-type]
