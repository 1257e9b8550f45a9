"""After the sale through Python: a warranty claim from sale to closure with a repair
that follows the genealogy, a field campaign after a recall, an RMA with each
disposition."""

import datetime as dt
from decimal import Decimal

import pytest

import traceability as tr

P1 = tr.SerialRef("PUMP", "P1")


def ship(tracker: tr.Tracker, order: str, shipment: str, items: list) -> None:
    for item, quantity in items:
        tracker.allocate_item(order, item, quantity, actor="ana")
        tracker.pick(order, item, quantity, actor="ana")
    tracker.ship(shipment, order, "ACME", actor="ana")


def test_a_warranty_claim_from_sale_to_closure(tracker: tr.Tracker) -> None:
    tracker.register_product("MOTOR", "serial", actor="ana")
    tracker.define_warranty("PUMP", 12, starts="shipment", usage_limit=1000, actor="ana")
    terms = tracker.warranty("PUMP")
    assert terms is not None and terms.starts == tr.WarrantyStart.SHIPMENT
    tracker.receive_serials("PUMP", ["P1"], "A1", actor="ana", put_away=True)
    tracker.receive_serials("MOTOR", ["M9"], "A1", actor="ana", put_away=True)
    assert not tracker.warranty_status("PUMP", "P1").in_warranty
    ship(tracker, "SO1", "SH1", [(P1, 1)])
    status = tracker.warranty_status("PUMP", "P1", dt.date(2026, 9, 1))
    assert (status.in_warranty, status.ends_on, status.customer) == (True, dt.date(2027, 2, 28), "ACME")

    tracker.record_service("PUMP", "P1", tr.ServiceKind.REPLACEMENT, technician="Lea", findings="seized motor",
                           usage=340, fitted=tr.Line(tr.SerialRef("MOTOR", "M9"), "A1", 1),
                           attachments=[tr.Attachment("report.pdf", "ab" * 32)], actor="ana")
    (entry,) = tracker.service_history("PUMP", "P1")
    assert entry.kind == tr.ServiceKind.REPLACEMENT and entry.fitted is not None and entry.usage == 340
    assert tr.SerialRef("MOTOR", "M9") in [i.item for i in tracker.trace_backward(P1).items]

    tracker.open_claim("CL-1", "PUMP", "P1", "leaks", amount="120.50", opened_on=dt.date(2026, 6, 1), actor="ana")
    with pytest.raises(tr.InvalidInput, match="needs a reason"):
        tracker.decide_claim("CL-1", True, actor="ana", reason="")
    tracker.decide_claim("CL-1", True, actor="ana", reason="motor defect")
    tracker.close_claim("CL-1", actor="ana")
    (claim,) = tracker.claims()
    assert (claim.status, claim.in_warranty, claim.approved_amount, claim.decision) == (
        tr.ClaimStatus.CLOSED, True, Decimal("120.50"), "motor defect")


def test_a_field_campaign_after_a_recall(tracker: tr.Tracker) -> None:
    l1 = tr.LotRef("FLOUR", "L1")
    tracker.receive_lot("FLOUR", "L1", 10, "LINE", actor="ana")
    tracker.produce("WO1", [tr.Line(l1, "LINE", 2)],
                    [tr.NewSerial("PUMP", "P1", "LINE"), tr.NewSerial("PUMP", "P2", "LINE")], actor="ana")
    for number in ("P1", "P2"):
        tracker.move(tr.SerialRef("PUMP", number), "LINE", "A1", actor="ana")
    ship(tracker, "SO1", "SH1", [(P1, 1)])
    report = tracker.recall(l1, actor="qa", reason="bad flour")
    tracker.start_campaign("FC-1", "replace seals", recall=report.recall, actor="qa")
    tracker.update_campaign("FC-1", "PUMP", "P1", "serviced", actor="tech")
    campaign = tracker.campaign("FC-1")
    assert campaign is not None
    assert [(s.item, s.customer, s.status) for s in campaign.serials] == [(P1, "ACME", tr.CampaignStatus.SERVICED)]
    assert campaign.progress.done_pct == 100
    assert [c.campaign for c in tracker.campaigns()] == ["FC-1"]


def test_an_rma_with_each_disposition(tracker: tr.Tracker) -> None:
    l1 = tr.LotRef("FLOUR", "L1")
    tracker.register_location("QA", "quarantine", actor="ana")
    tracker.receive_lot("FLOUR", "L1", 10, "A1", actor="ana")
    tracker.receive_serials("PUMP", ["P1", "P2"], "A1", actor="ana", put_away=True)
    ship(tracker, "SO1", "SH1", [(l1, 8), (P1, 1), (tr.SerialRef("PUMP", "P2"), 1)])
    tracker.define_return_reason("DAMAGED", "damaged in transit", actor="ana")
    assert [r.code for r in tracker.return_reasons()] == ["DAMAGED"]
    with pytest.raises(tr.InvalidInput, match="unknown return reason"):
        tracker.authorize_return("RMA-1", "ACME", "LATE", [(l1, 1)], actor="ana")
    tracker.authorize_return("RMA-1", "ACME", "DAMAGED", [(l1, 4), (P1, 1), (tr.SerialRef("PUMP", "P2"), 1)],
                             actor="ana")
    tracker.return_items("RMA-1", "ACME", l1, "QA", 4, actor="ana")
    with pytest.raises(tr.InvalidQuantity):
        tracker.return_items("RMA-1", "ACME", l1, "QA", 1, actor="ana")
    tracker.return_items("RMA-1", "ACME", P1, "QA", actor="ana")
    tracker.return_items("RMA-1", "ACME", tr.SerialRef("PUMP", "P2"), "QA", actor="ana")
    tracker.inspect_return("RMA-1", l1, False, findings="torn bags", actor="qa")
    tracker.dispose_return("RMA-1", l1, "QA", 2, "restock", to="A1", actor="qa")
    tracker.dispose_return("RMA-1", l1, "QA", 1, tr.Disposition.REWORK, to="LINE", actor="qa")
    tracker.dispose_return("RMA-1", l1, "QA", 1, "scrap", actor="qa", reason="torn")
    tracker.dispose_return("RMA-1", P1, "QA", 1, "return_to_supplier", actor="qa")
    tracker.dispose_return("RMA-1", tr.SerialRef("PUMP", "P2"), "QA", 1, "restock", to="A1", actor="qa")
    (rma,) = tracker.return_authorizations()
    assert [(line.received, line.disposed) for line in rma.lines] == [(4, 4), (1, 1), (1, 1)]
    assert rma.lines[0].inspection == tr.Inspection(False, "torn bags")
    assert tracker.return_authorizations(open_only=True) == []
    (by_reason,) = tracker.returns_by_reason()
    assert (by_reason.reason, by_reason.authorizations, by_reason.received) == ("DAMAGED", 1, 6)
    pump = tracker.serial("PUMP", "P1")
    assert pump is not None and pump.status == tr.SerialStatus.SHIPPED


def test_returned_lots_are_held_until_disposed_unless_released(tracker: tr.Tracker) -> None:
    l1 = tr.LotRef("FLOUR", "L1")
    tracker.receive_lot("FLOUR", "L1", 10, "A1", actor="ana")
    tracker.receive_serials("PUMP", ["P1"], "A1", actor="ana", put_away=True)
    ship(tracker, "SO1", "SH1", [(l1, 10), (P1, 1)])
    tracker.return_items("RMA-1", "ACME", l1, "A1", 3, actor="ana")
    tracker.return_items("RMA-2", "ACME", l1, "A1", 2, release=True, actor="ana")
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None
    (line,) = lot.stock
    assert (line.on_hand, line.held, line.available) == (5, 3, 2)
    with pytest.raises(tr.InsufficientStock):
        tracker.allocate_item("SO2", l1, 3, actor="ana")
    with pytest.raises(TypeError):
        tracker.return_items("RMA-3", "ACME", l1, "A1", 1, release="yes", actor="ana")  # type: ignore[arg-type]
    tracker.dispose_return("RMA-1", l1, "A1", 3, "restock", actor="qa")
    tracker.allocate_item("SO2", l1, 5, actor="ana")


def test_a_returned_serial_counts_as_returned_in_its_campaign(tracker: tr.Tracker) -> None:
    tracker.receive_serials("PUMP", ["P1"], "A1", actor="ana", put_away=True)
    ship(tracker, "SO1", "SH1", [(P1, 1)])
    report = tracker.recall(P1, actor="qa", reason="seal defect")
    tracker.start_campaign("FC-1", "replace seals", recall=report.recall, actor="qa")
    tracker.update_campaign("FC-1", "PUMP", "P1", "notified", actor="tech")
    tracker.return_items("RMA-1", "ACME", P1, "A1", actor="ana")
    campaign = tracker.campaign("FC-1")
    assert campaign is not None
    assert [s.status for s in campaign.serials] == [tr.CampaignStatus.RETURNED]
    assert campaign.progress.returned == 1
