"""Corrections through Python: reversing a shipment, a receipt and a production,
splitting and merging lots, unbuilding an assembly — each a compensating event with a
reason, refused (changing nothing) once what it undoes was touched."""

import datetime as dt

import pytest

import traceability as tr

L1 = tr.LotRef("FLOUR", "L1")
WHY = "posted by mistake"


def ship_l1(tracker: tr.Tracker, quantity: int = 4) -> None:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.allocate_item("SO1", L1, quantity, actor="ana")
    tracker.pick("SO1", L1, quantity, actor="ana")
    tracker.ship("SH1", "SO1", "ACME", actor="ana")


def test_a_reversed_shipment_comes_back_and_is_marked_in_traces(tracker: tr.Tracker) -> None:
    ship_l1(tracker)
    with pytest.raises(tr.InvalidInput, match="needs a reason"):
        tracker.reverse_shipment("SH1", actor="ana", reason="")
    tracker.reverse_shipment("SH1", actor="ana", reason=WHY)
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == 10
    trace = tracker.trace_forward(L1)
    assert [(s.shipment, s.reversed) for s in trace.shipments] == [("SH1", True)]
    assert trace.customers == ()
    (shipment,) = tracker.shipments()
    assert shipment.reversed and shipment.lines[0].location == "DOCK"
    assert tracker.movements(L1)[-1].action == "shipment_reversed"
    head = tracker.head()
    with pytest.raises(tr.InvalidInput, match="already reversed"):
        tracker.reverse_shipment("SH1", actor="ana", reason=WHY)
    assert tracker.head() == head


def test_a_reversed_receipt_takes_stock_out_and_serials_return_to_expected(tracker: tr.Tracker) -> None:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.receive_serials("PUMP", ["P1"], "DOCK", actor="ana")
    tracker.reverse_receipt([L1, tr.SerialRef("PUMP", "P1")], actor="ana", reason=WHY)
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == 0 and not lot.active
    pump = tracker.serial("PUMP", "P1")
    assert pump is not None and pump.status == tr.SerialStatus.EXPECTED and pump.location is None
    tracker.receive_serials("PUMP", ["P1"], "A1", actor="ana")


def test_a_reversed_production_restores_inputs_and_removes_outputs(tracker: tr.Tracker) -> None:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.produce("WO1", [tr.Line(L1, "DOCK", 3)], [tr.NewLot("BREAD", "B1", 5, "LINE")], actor="ana")
    tracker.reverse_production("WO1", actor="ana", reason=WHY)
    flour, bread = tracker.lot("FLOUR", "L1"), tracker.lot("BREAD", "B1")
    assert flour is not None and flour.on_hand == 10
    assert bread is not None and bread.on_hand == 0 and not bread.active
    # The reversed links are out of traces and the link list.
    assert tracker.trace_forward(L1).descendants == ()
    assert tracker.trace_forward_ids(L1).items == (L1,)
    assert [i.item for i in tracker.trace_backward(tr.LotRef("BREAD", "B1")).items] == [tr.LotRef("BREAD", "B1")]
    assert tracker.links() == []
    with pytest.raises(tr.InvalidInput, match="no production to reverse"):
        tracker.reverse_production("WO1", actor="ana", reason=WHY)


def test_split_and_merge_keep_quantities_dates_and_genealogy(tracker: tr.Tracker) -> None:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana", expiry=dt.date(2026, 9, 1))
    tracker.receive_lot("FLOUR", "L2", 5, "DOCK", actor="ana", expiry=dt.date(2026, 6, 1))
    tracker.split_lot("FLOUR", "L1", "DOCK", 4, new_lot="L1-B", actor="ana", reason="repack")
    l1b = tracker.lot("FLOUR", "L1-B")
    assert l1b is not None and l1b.on_hand == 4 and l1b.dates.expiry == dt.date(2026, 9, 1)
    assert [i.item for i in tracker.trace_backward(tr.LotRef("FLOUR", "L1-B")).items] == [
        tr.LotRef("FLOUR", "L1-B"), L1]
    with pytest.raises(tr.InsufficientStock):
        tracker.split_lot("FLOUR", "L1", "DOCK", 7, new_lot="L1-C", actor="ana", reason="repack")

    tracker.merge_lots("FLOUR", ["L2"], "L1-B", "DOCK", actor="ana", reason="consolidate")
    merged = tracker.lot("FLOUR", "L1-B")
    assert merged is not None and merged.on_hand == 9 and merged.dates.expiry == dt.date(2026, 6, 1)
    with pytest.raises(tr.DuplicateNumber):
        tracker.merge_lots("FLOUR", ["L1-B"], "L1-B", "DOCK", actor="ana", reason="consolidate")


def test_split_without_a_number_draws_one_from_the_scheme(tracker: tr.Tracker) -> None:
    tracker.register_product("SALT", "lot", numbering_pattern="S-{SEQ:3}", actor="ana")
    tracker.receive_lot("SALT", "S-900", 10, "DOCK", actor="ana")
    committed = tracker.split_lot("SALT", "S-900", "DOCK", 2, actor="ana", reason="sample")
    assert committed.numbers == ("S-001",)
    lot = tracker.lot("SALT", "S-001")
    assert lot is not None and lot.on_hand == 2


def test_an_unbuilt_assembly_returns_its_components(tracker: tr.Tracker) -> None:
    tracker.register_product("MOTOR", "serial", actor="ana")
    tracker.receive_serials("MOTOR", ["M1"], "LINE", actor="ana", put_away=True)
    tracker.produce("WO1", [tr.Line(tr.SerialRef("MOTOR", "M1"), "LINE", 1)],
                    [tr.NewSerial("PUMP", "PX", "LINE")], actor="ana")
    tracker.unbuild("PUMP", "PX", location="A1", actor="ana", reason="field return teardown")
    pump, motor = tracker.serial("PUMP", "PX"), tracker.serial("MOTOR", "M1")
    assert pump is not None and pump.status == tr.SerialStatus.CONSUMED
    assert motor is not None and (motor.status, motor.location) == (tr.SerialStatus.IN_INVENTORY, "A1")
    with pytest.raises(tr.InvalidTransition):
        tracker.unbuild("PUMP", "PX", actor="ana", reason="again")


def test_a_lot_record_created_ahead_receives_its_goods(tracker: tr.Tracker) -> None:
    tracker.create_lot("FLOUR", "R1", expiry=dt.date(2026, 12, 1), description="organic", supplier="MILL", actor="ana")
    tracker.receive_lot("FLOUR", "R1", 25, "DOCK", actor="ana")
    lot = tracker.lot("FLOUR", "R1")
    assert lot is not None and lot.on_hand == 25 and lot.description == "organic"
    assert lot.dates.expiry == dt.date(2026, 12, 1) and lot.supplier == "MILL"
    with pytest.raises(tr.DuplicateNumber):
        tracker.receive_lot("FLOUR", "R1", 1, "DOCK", actor="ana")
