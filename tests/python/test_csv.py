"""Lot records and CSV import/export through Python: the manual's columns, every bad
row reported, all-or-nothing or valid rows, dry runs, progress, and an export that
re-imports to the same lot records."""

import datetime as dt
import io
import pathlib
from decimal import Decimal
from typing import List

import pytest

import traceability as tr

from conftest import NOW, populate

LOTS = (
    "Number,Product,Received Date,Manufacturing Date,Expiry Date,Weight,Description,Status,Qty,Location,Vendor\n"
    "F-1,FLOUR,2026-01-10,2026-01-05,2026-07-01,25.5,stone ground,Active,100,DOCK,MILL\n"
    "F-2,FLOUR,2026-01-11,,,,,Inactive,,,\n"
)


def test_create_lot_makes_a_record_with_or_without_stock(tracker: tr.Tracker) -> None:
    tracker.create_lot("FLOUR", "R1", description="pre-registered", expiry=dt.date(2026, 9, 1), actor="ana")
    record = tracker.lot("FLOUR", "R1")
    assert record is not None and record.on_hand == 0 and record.stock == () and record.active
    tracker.create_lot("FLOUR", "R2", quantity=5, location="DOCK", active=False, actor="ana")
    stocked = tracker.lot("FLOUR", "R2")
    assert stocked is not None and stocked.on_hand == 5 and not stocked.active
    with pytest.raises(tr.InvalidInput, match="both"):
        tracker.create_lot("FLOUR", "R3", quantity=5, actor="ana")


def test_lots_import_from_a_file_and_report_progress(tracker: tr.Tracker, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "lots.csv"
    path.write_text(LOTS)
    seen: List[int] = []
    report = tracker.import_csv(path, "lots", actor="ana", progress=seen.append)
    assert (report.rows, report.valid, report.errors, report.stopped) == (2, 2, (), False)
    assert report.committed is not None and seen[-1] == 2
    f1 = tracker.lot("FLOUR", "F-1")
    assert f1 is not None and f1.on_hand == 100 and f1.dates.expiry == dt.date(2026, 7, 1) and f1.supplier == "MILL"
    f2 = tracker.lot("FLOUR", "F-2")
    assert f2 is not None and not f2.active


def test_bad_rows_are_all_reported_and_nothing_is_stored(tracker: tr.Tracker) -> None:
    rows = "lot,product,expiry,qty,location\nA1,FLOUR,2026-13-01,5,DOCK\nA2,NOPE,,5,DOCK\nA3,FLOUR,,5,DOCK\n"
    head = tracker.head()
    report = tracker.import_csv(io.StringIO(rows), tr.CsvKind.LOTS, actor="ana")
    assert [(e.line, e.column, e.kind) for e in report.errors] == [
        (2, "expiry_date", "InvalidInput"),
        (3, "product", "UnknownProduct"),
    ]
    assert report.errors[0].value == "2026-13-01" and report.committed is None
    assert tracker.head() == head
    dry = tracker.import_csv(io.BytesIO(rows.encode()), "lots", actor="ana", mode="valid_rows", dry_run=True)
    assert dry.valid == 1 and dry.committed is None and tracker.head() == head
    kept = tracker.import_csv(io.StringIO(rows), "lots", actor="ana", mode=tr.ImportMode.VALID_ROWS)
    assert kept.committed is not None and tracker.lot("FLOUR", "A3") is not None


def test_a_raising_progress_callable_stops_the_import(tracker: tr.Tracker) -> None:
    def stop(rows: int) -> None:
        raise KeyboardInterrupt

    head = tracker.head()
    with pytest.raises(KeyboardInterrupt):
        tracker.import_csv(io.StringIO(LOTS), "lots", actor="ana", progress=stop)
    assert tracker.head() == head


def test_file_level_problems_raise(tracker: tr.Tracker) -> None:
    with pytest.raises(tr.InvalidInput, match="unknown column"):
        tracker.import_csv(io.StringIO("number,product,colour\n"), "lots", actor="ana")
    with pytest.raises(tr.InvalidInput):
        tracker.import_csv(io.StringIO(LOTS), "pallets", actor="ana")
    with pytest.raises(TypeError):
        tracker.import_csv(42, "lots", actor="ana")  # type: ignore[arg-type]


def test_an_export_reimports_to_the_same_lot_records(tracker: tr.Tracker, tmp_path: pathlib.Path) -> None:
    tracker.import_csv(io.StringIO(LOTS), "lots", actor="ana")
    tracker.move(tr.LotRef("FLOUR", "F-1"), "DOCK", "A1", 40, actor="ana")
    path = tmp_path / "export.csv"
    exported = tracker.export_csv("lots", as_of=dt.date(2026, 3, 1), path=path)
    assert path.read_text() == exported and len(exported.splitlines()) == 4
    assert "shelf_life_remain_pct" in exported.splitlines()[0]

    copy = tr.Tracker(now=NOW)
    populate(copy)
    report = copy.import_csv(path, "lots", actor="ana")
    assert report.errors == ()
    for number in ("F-1", "F-2"):
        original, imported = tracker.lot("FLOUR", number), copy.lot("FLOUR", number)
        assert original is not None and imported is not None
        assert sorted(imported.stock, key=lambda s: s.location) == sorted(original.stock, key=lambda s: s.location)
        assert (imported.dates, imported.active, imported.weight) == (original.dates, original.active, original.weight)


def test_serials_and_test_results_import_and_export(tracker: tr.Tracker) -> None:
    serials = "serial,product,status,location,received date\nP1,PUMP,IN_INVENTORY,A1,2026-02-14\nP2,PUMP,,,\n"
    assert tracker.import_csv(io.StringIO(serials), "serials", actor="ana").errors == ()
    p1 = tracker.serial("PUMP", "P1")
    assert p1 is not None and p1.status == tr.SerialStatus.IN_INVENTORY
    assert p1.received_on == dt.date(2026, 2, 14)
    tracker.receive_serials("PUMP", ["P9"], "A1", received_on=dt.date(2026, 2, 20), actor="ana")
    assert "PUMP,P9,RECEIVED,A1,,2026-02-20" in tracker.export_csv("serials")
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    results = "product,lot,test,value,unit,max\nFLOUR,L1,moisture,15,%,14\n"
    assert tracker.import_csv(io.StringIO(results), "test_results", actor="ana").valid == 1
    assert tracker.lot_quality(tr.LotRef("FLOUR", "L1")).tests[0].passed is False
    assert "FLOUR,L1,moisture,15,%,,14," in tracker.export_csv("test_results")
    assert "PUMP,P2,EXPECTED,,," in tracker.export_csv(tr.CsvKind.SERIALS).splitlines()



def test_lot_status_follows_the_manual_on_any_date(tracker: tr.Tracker) -> None:
    tracker.create_lot("FLOUR", "OLD", quantity=5, location="DOCK", expiry=dt.date(2026, 3, 10), actor="ana")
    tracker.create_lot("FLOUR", "GONE", quantity=5, location="DOCK", actor="ana")
    tracker.scrap(tr.LotRef("FLOUR", "GONE"), "DOCK", 5, actor="ana", reason="spilt")
    tracker.create_lot("FLOUR", "SHUT", active=False, actor="ana")
    before = {r.lot: r.status for r in tracker.lots_by_status(as_of=dt.date(2026, 3, 10))}
    assert before == {"OLD": tr.LotStatus.ACTIVE, "GONE": tr.LotStatus.INACTIVE, "SHUT": tr.LotStatus.INACTIVE}
    after = tracker.lots_by_status("inactive", as_of=dt.date(2026, 3, 11), product="FLOUR")
    assert {r.lot: r.reason for r in after} == {
        "OLD": tr.InactiveReason.EXPIRED, "GONE": tr.InactiveReason.DEPLETED, "SHUT": tr.InactiveReason.RETIRED,
    }
    assert [r.lot for r in tracker.lots_by_status(tr.LotStatus.ACTIVE, as_of=dt.date(2026, 3, 11))] == []


def test_a_lot_record_is_updated(tracker: tr.Tracker) -> None:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.update_lot(tr.LotRef("FLOUR", "L1"), description="stone ground", weight="25.5",
                       manufactured_on=dt.date(2026, 2, 20), attributes={"origin": "Beauce"}, actor="ana")
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and (lot.description, lot.weight, lot.manufactured_on) == (
        "stone ground", Decimal("25.5"), dt.date(2026, 2, 20))
    assert lot.attributes == {"origin": "Beauce"}
    with pytest.raises(tr.InvalidInput):
        tracker.update_lot(tr.LotRef("FLOUR", "L1"), manufactured_on=dt.date(2026, 3, 2), actor="ana")
    with pytest.raises(tr.UnknownLot):
        tracker.update_lot(tr.LotRef("FLOUR", "NOPE"), description="x", actor="ana")
