"""Issue 4 through Python: strategy allocation, expiry, quality and reports. Every error
case asserts the exception class and that nothing changed."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Callable, Tuple

import pytest

import traceability as tr
from conftest import NOW

TODAY = NOW.date()
MILK = "MILK"


def lot(number: str) -> tr.LotRef:
    return tr.LotRef(MILK, number)


def snapshot(t: tr.Tracker) -> Tuple[Any, ...]:
    return (t.head(), list(t.lots()), list(t.serials()), t.reservations("SO1"))


def unchanged(t: tr.Tracker, error: "type[Exception]", call: Callable[[], object]) -> None:
    before = snapshot(t)
    with pytest.raises(error) as raised:
        call()
    assert type(raised.value) is error and str(raised.value)
    assert snapshot(t) == before


@pytest.fixture
def milk(tracker: tr.Tracker) -> tr.Tracker:
    """Four MILK lots in A1: expired, quarantined, and two good ones (L3 expires first)."""
    tracker.register_product(MILK, "lot", unit="l", shelf_life_days=60, expiry_warning_days=20, actor="ana")
    for number, expiry in [("OLD", "2026-02-20"), ("QC", "2026-03-05"), ("L2", "2026-04-30"), ("L3", "2026-03-20")]:
        tracker.receive_lot(MILK, number, 10, "A1", expiry=dt.date.fromisoformat(expiry),
                            manufactured_on=dt.date(2026, 2, 1), actor="ana")
    tracker.quarantine(lot("QC"), actor="qa", reason="awaiting micro")
    return tracker


def test_fefo_skips_expired_and_quarantined_lots(milk: tr.Tracker) -> None:
    a = milk.allocate(product=MILK, quantity=15, order="SO1", actor="ana")
    assert isinstance(a, tr.Allocation) and a.strategy is tr.Strategy.FEFO
    assert [(l.item, l.location, l.quantity) for l in a.lines] == [
        (lot("L3"), "A1", Decimal(10)), (lot("L2"), "A1", Decimal(5))]
    assert a.lines[0].expiry == dt.date(2026, 3, 20) and a.ship_date == TODAY
    assert (a.requested, a.allocated, a.shortfall) == (Decimal(15), Decimal(15), Decimal(0))
    assert {r.item: r.reserved for r in milk.reservations("SO1")} == {lot("L3"): 10, lot("L2"): 5}
    assert a.to_dict()["lines"][0]["item"] == {"product": MILK, "lot": "L3"}
    with pytest.raises(AttributeError):
        a.shortfall = Decimal(1)  # type: ignore[misc]


def test_strategies_ship_date_and_filters(milk: tr.Tracker) -> None:
    lifo = milk.allocate(product=MILK, quantity=1, order="SO1", strategy="lifo", actor="ana")
    assert lifo.strategy is tr.Strategy.LIFO and lifo.lines[0].item == lot("L2")  # same day: by number
    later = milk.allocate(product=MILK, quantity=1, order="SO2", ship_date=dt.date(2026, 3, 25), actor="ana")
    assert [l.item for l in later.lines] == [lot("L2")]  # L3 expired by the ship date
    fresh = milk.allocate(product=MILK, quantity=1, order="SO3", min_remaining_shelf_life_pct=50, actor="ana")
    assert [l.item for l in fresh.lines] == [lot("L2")]
    unchanged(milk, tr.InsufficientStock,
              lambda: milk.allocate(product=MILK, quantity=1, order="SO1", locations=["DOCK"], actor="ana"))


def test_partial_allocation_reports_the_shortfall(milk: tr.Tracker) -> None:
    a = milk.allocate(product=MILK, quantity=25, order="SO1", partial=True, actor="ana")
    assert (a.allocated, a.shortfall) == (Decimal(20), Decimal(5))


def test_insufficient_stock_changes_nothing(milk: tr.Tracker) -> None:
    unchanged(milk, tr.InsufficientStock,
              lambda: milk.allocate(product=MILK, quantity=25, order="SO1", actor="ana"))
    unchanged(milk, tr.UnknownProduct, lambda: milk.allocate(product="NOPE", quantity=1, order="SO1", actor="ana"))
    unchanged(milk, tr.InvalidQuantity, lambda: milk.allocate(product=MILK, quantity=0, order="SO1", actor="ana"))
    unchanged(milk, TypeError,
              lambda: milk.allocate(product=MILK, quantity=1.5, order="SO1", actor="ana"))  # type: ignore[arg-type]


def test_serial_allocation(tracker: tr.Tracker) -> None:
    tracker.receive_serials("PUMP", ["SN1", "SN2"], "DOCK", actor="ana")
    tracker.putaway(tr.SerialRef("PUMP", "SN2"), "DOCK", "A1", actor="ana")
    a = tracker.allocate(product="PUMP", quantity=1, order="SO1", actor="ana")
    assert [l.item for l in a.lines] == [tr.SerialRef("PUMP", "SN2")]


def test_pick_of_a_different_lot_moves_the_reservation(milk: tr.Tracker) -> None:
    milk.allocate(product=MILK, quantity=4, order="SO1", actor="ana")
    milk.pick("SO1", lot("L2"), 4, actor="bob")  # scanned L2 instead of L3
    assert milk.reservations("SO1") == [tr.Reservation(lot("L2"), "A1", Decimal(4), Decimal(4))]
    milk.ship("SH1", "SO1", "ACME", actor="bob")
    l2 = milk.lot(MILK, "L2")
    assert l2 is not None and l2.on_hand == 6


def test_pick_of_an_ineligible_lot_is_refused(milk: tr.Tracker) -> None:
    milk.allocate(product=MILK, quantity=4, order="SO1", actor="ana")
    unchanged(milk, tr.ExpiredLot, lambda: milk.pick("SO1", lot("OLD"), 4, actor="bob"))
    unchanged(milk, tr.NotUsable, lambda: milk.pick("SO1", lot("QC"), 4, actor="bob"))


def test_expiry_queries(milk: tr.Tracker) -> None:
    expiring = milk.expiring_lots(as_of=TODAY, within_days=20)
    assert [(r.lot, r.days_to_expiry, r.bucket) for r in expiring] == [
        ("OLD", -9, tr.ExpiryBucket.EXPIRED), ("QC", 4, tr.ExpiryBucket.WITHIN_30),
        ("L3", 19, tr.ExpiryBucket.WITHIN_30)]
    assert expiring[1].quality is tr.QualityStatus.QUARANTINE and expiring[1].ref == lot("QC")
    # Without a window: the product's warning window (20 days), as of the tracker's today.
    assert [r.lot for r in milk.expiring_lots()] == ["OLD", "QC", "L3"]
    assert [r.lot for r in milk.lot_inventory_by_expiry(product=MILK)] == ["OLD", "QC", "L3", "L2"]
    assert milk.shelf_life_remaining_pct(lot("L3"), as_of=TODAY) == Decimal("40.43")
    assert milk.shelf_life_remaining_pct(lot("OLD")) == 0
    unchanged(milk, tr.UnknownLot, lambda: milk.shelf_life_remaining_pct(lot("NOPE")))


def test_expiry_report_buckets(milk: tr.Tracker) -> None:
    milk.receive_lot("FLOUR", "F1", 3, "A1", expiry=dt.date(2026, 9, 1), actor="ana")
    report = milk.expiry_report(as_of=TODAY)
    assert report.as_of == TODAY and [b.bucket for b in report.buckets] == list(tr.ExpiryBucket)
    counts = {b.bucket.value: (b.lots, int(b.on_hand)) for b in report.buckets if b.lots}
    assert counts == {"expired": (1, 10), "within30": (2, 20), "within60": (1, 10), "within365": (1, 3)}
    assert [r.lot for r in report[tr.ExpiryBucket.WITHIN_30].items] == ["QC", "L3"]
    assert report["within365"].items[0].product == "FLOUR"
    only_milk = milk.expiry_report(as_of=TODAY, product=MILK)
    assert sum(b.lots for b in only_milk.buckets) == 4
    assert json.dumps(report.to_dict(), default=str)


def test_bulk_lot_date_and_status_updates(milk: tr.Tracker) -> None:
    milk.update_lot_dates([tr.LotDatesChange(lot("L2"), expiry=dt.date(2026, 3, 10)),
                           tr.LotDatesChange(lot("L3"), removal=dt.date(2026, 3, 15))],
                          actor="qa", reason="supplier notice")
    l2, l3 = milk.lot(MILK, "L2"), milk.lot(MILK, "L3")
    assert l2 is not None and l2.dates.expiry == dt.date(2026, 3, 10)
    assert l3 is not None and l3.dates.removal == dt.date(2026, 3, 15) and l3.dates.expiry == dt.date(2026, 3, 20)
    milk.set_lots_active([lot("L2"), lot("L3")], False, actor="qa", reason="stop sale")
    assert not any(l.active for l in milk.lots() if l.number in ("L2", "L3"))
    unchanged(milk, tr.InsufficientStock, lambda: milk.allocate(product=MILK, quantity=1, order="SO1", actor="ana"))
    # Each bulk command is atomic: one unknown lot and none is changed.
    unchanged(milk, tr.UnknownLot, lambda: milk.update_lot_dates(
        [tr.LotDatesChange(lot("L2"), expiry=dt.date(2027, 1, 1)), tr.LotDatesChange(lot("NOPE"))],
        actor="qa", reason="r"))
    unchanged(milk, tr.UnknownLot, lambda: milk.set_lots_active([lot("L2"), lot("NOPE")], True,
                                                                 actor="qa", reason="r"))
    unchanged(milk, tr.InvalidInput, lambda: milk.set_lots_active([lot("L2")], True, actor="qa"))
    unchanged(milk, tr.DuplicateNumber, lambda: milk.set_lots_active([lot("L2"), lot("L2")], True,
                                                                     actor="qa", reason="r"))
    unchanged(milk, TypeError, lambda: milk.set_lots_active(
        [tr.SerialRef("PUMP", "SN1")], True, actor="qa", reason="r"))  # type: ignore[list-item]


def test_quality_release_and_reject(milk: tr.Tracker) -> None:
    qc = lot("QC")
    milk.record_test_result(qc, "fat", "3.9", unit="%", spec_min="3.5", spec_max="3.8",
                            tested_on=dt.date(2026, 2, 28), actor="lab")
    unchanged(milk, tr.NotUsable, lambda: milk.release(qc, actor="qa", reason="ok"))
    unchanged(milk, tr.InvalidInput, lambda: milk.reject(qc, actor="qa"))  # no reason
    unchanged(milk, tr.InvalidInput, lambda: milk.quarantine(qc, actor="qa", reason="again"))
    milk.record_test_result(qc, "fat", "3.6", unit="%", spec_min="3.5", spec_max="3.8", actor="lab")
    milk.release(qc, actor="qa", reason="re-test passed")
    found = milk.lot(MILK, "QC")
    assert found is not None and found.quality is tr.QualityStatus.RELEASED
    milk.set_quality_status(lot("L2"), "rejected", actor="qa", reason="taste")
    a = milk.allocate(product=MILK, quantity=12, order="SO1", actor="ana")
    assert [l.item for l in a.lines] == [lot("QC"), lot("L3")]
    quality = milk.lot_quality(qc)
    assert [(t.value, t.passed) for t in quality.tests] == [(Decimal("3.9"), False), (Decimal("3.6"), True)]
    assert quality.tests[0].tested_on == dt.date(2026, 2, 28) and quality.tests[1].tested_on == TODAY
    assert [(d.status, d.reason) for d in quality.decisions] == [
        (tr.QualityStatus.QUARANTINE, "awaiting micro"), (tr.QualityStatus.RELEASED, "re-test passed")]
    unchanged(milk, tr.UnknownLot, lambda: milk.lot_quality(lot("NOPE")))


def test_certificate_of_analysis_export(milk: tr.Tracker) -> None:
    sha = "ab" * 32
    milk.record_test_result(lot("L2"), "pH", "6.7", spec_min="6.5", spec_max="6.9", actor="lab")
    milk.link_certificate(lot("L2"), "coa/L2.pdf", sha, actor="lab")
    unchanged(milk, tr.DuplicateNumber, lambda: milk.link_certificate(lot("L2"), "again.pdf", sha, actor="lab"))
    unchanged(milk, tr.InvalidInput, lambda: milk.link_certificate(lot("L2"), "x.pdf", "not-hex", actor="lab"))
    coa = milk.certificate_of_analysis(lot("L2"))
    assert coa["lot"] == "L2" and coa["unit"] == "l" and coa["quality"] == "released"
    assert coa["expiry"] == "2026-04-30" and coa["on_hand"] == "10" and coa["all_tests_passed"] is True
    assert coa["tests"][0]["test"] == "pH" and coa["certificates"] == [{"document": "coa/L2.pdf", "sha256": sha}]
    assert json.loads(json.dumps(coa)) == coa
    assert [c.document for c in milk.lot_quality(lot("L2")).certificates] == ["coa/L2.pdf"]
    unchanged(milk, tr.UnknownProduct, lambda: milk.certificate_of_analysis(tr.LotRef("NOPE", "L2")))
    unchanged(milk, tr.WrongTracking, lambda: milk.certificate_of_analysis(tr.LotRef("PUMP", "L2")))


def test_serial_lookup_and_history(tracker: tr.Tracker) -> None:
    tracker.receive_serials("PUMP", ["SN-100", "SN-1001", "XSN-100"], "DOCK", supplier="MILL", actor="ana")
    hits = tracker.find_serials("sn-100")
    assert [(h.serial, h.exact) for h in hits] == [("SN-100", True), ("SN-1001", False), ("XSN-100", False)]
    assert hits[0].status is tr.SerialStatus.RECEIVED and hits[0].ref == tr.SerialRef("PUMP", "SN-100")
    assert tracker.find_serials("100", status=tr.SerialStatus.SHIPPED) == []
    assert len(tracker.find_serials(product="PUMP")) == 3 and tracker.find_serials("zzz") == []

    sn = tr.SerialRef("PUMP", "SN-100")
    tracker.putaway(sn, "DOCK", "A1", actor="ana")
    tracker.allocate(product="PUMP", quantity=1, order="SO1", actor="ana")
    tracker.pick("SO1", sn, actor="bob")
    tracker.ship("SH1", "SO1", "ACME", actor="bob", shipped_on=dt.date(2026, 3, 2))
    history = tracker.serial_history(sn)
    assert [(m.action, m.from_location, m.to_location) for m in history] == [
        ("received", None, "DOCK"), ("moved", "DOCK", "A1"), ("allocated", "A1", None),
        ("picked", "A1", None), ("shipped", "A1", None)]
    assert history[-1].party == "ACME" and history[-1].date == dt.date(2026, 3, 2)
    assert history[0].recorded_at == NOW and history[-1].actor == "bob"
    assert history[-1].to_dict()["from_location"] == "A1"
    unchanged(tracker, tr.UnknownSerial, lambda: tracker.serial_history(tr.SerialRef("PUMP", "NOPE")))


def test_lot_movements_and_inventory_by_location(milk: tr.Tracker) -> None:
    milk.move(lot("L2"), "A1", "DOCK", "2.5", actor="ana")
    moves = milk.lot_movements(lot("L2"))
    assert [(m.action, m.from_location, m.to_location, m.quantity) for m in moves] == [
        ("received", None, "A1", Decimal(10)), ("moved", "A1", "DOCK", Decimal("2.5"))]
    rows = milk.lot_inventory_by_location(product=MILK)
    assert [(r.location, r.lot, r.available) for r in rows][:2] == [("A1", "L2", Decimal("7.5")), ("A1", "L3", 10)]
    dock = milk.lot_inventory_by_location(location="DOCK")
    assert [(r.lot, r.on_hand, r.quality) for r in dock] == [("L2", Decimal("2.5"), tr.QualityStatus.RELEASED)]
    milk.receive_serials("PUMP", ["SN1"], "DOCK", actor="ana")
    assert milk.serial_inventory_by_location(location="DOCK") == [
        tr.SerialStockRow("DOCK", "PUMP", "SN1", tr.SerialStatus.RECEIVED, False)]
    assert milk.serial_inventory_by_location(location="A1") == []


def test_allocate_stock_as_a_raw_command_in_a_batch(milk: tr.Tracker) -> None:
    request = {"product": MILK, "quantity": "3", "order": "SO1", "strategy": tr.Strategy.FEFO,
               "ship_date": None, "min_remaining_shelf_life_pct": None, "locations": None, "partial": False}
    milk.execute_batch([{"allocate_stock": request}, {"allocate_stock": {**request, "order": "SO2"}}], actor="ana")
    assert [r.item for r in milk.reservations("SO2")] == [lot("L3")]
