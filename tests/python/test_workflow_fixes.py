"""Workflow fixes through Python: quarantine locations are never allocated, a partial
allocation with nothing eligible reports the whole shortfall, a negative adjustment
reads as stock taken out, a produced lot is manufactured on its production date, a
produced serial is put away where it was made, shipping with nothing picked is one
error, a product is updated from its record."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

import traceability as tr

L1 = tr.LotRef("FLOUR", "L1")


def test_quarantine_locations_are_never_allocated(tracker: tr.Tracker) -> None:
    tracker.register_location("QA", "quarantine", actor="ana")
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.move(L1, "DOCK", "QA", 10, actor="ana")
    with pytest.raises(tr.InsufficientStock):
        tracker.allocate(product="FLOUR", quantity=1, order="SO1", actor="ana")
    nothing = tracker.allocate(product="FLOUR", quantity=4, order="SO1", actor="ana", partial=True)
    assert (nothing.allocated, nothing.shortfall, nothing.lines) == (0, 4, ())
    with pytest.raises(tr.NotUsable, match="quarantine"):
        tracker.allocate_item("SO2", L1, 1, location="QA", actor="ana")


def test_movements_production_and_shipping_read_as_a_user_expects(tracker: tr.Tracker) -> None:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.adjust("FLOUR", "L1", "DOCK", "-2", actor="ana", reason="recount")
    adjusted = [m for m in tracker.movements(L1) if m.action == "adjusted"]
    assert [(m.from_location, m.to_location, m.quantity) for m in adjusted] == [("DOCK", None, 2)]

    tracker.produce("WO1", [tr.Line(L1, "DOCK", 1)],
                    [tr.NewLot("BREAD", "B1", 5, "LINE"), tr.NewSerial("PUMP", "P1", "LINE")],
                    actor="ana", produced_on=dt.date(2026, 3, 1))
    bread = tracker.lot("BREAD", "B1")
    assert bread is not None and bread.manufactured_on == dt.date(2026, 3, 1)
    tracker.move(tr.SerialRef("PUMP", "P1"), "LINE", "LINE", actor="ana")  # put away in place
    pump = tracker.serial("PUMP", "P1")
    assert pump is not None and pump.status == tr.SerialStatus.IN_INVENTORY

    with pytest.raises(tr.InvalidInput, match="picked"):
        tracker.ship("SH1", "SO-NONE", customer="ACME", actor="ana")


def test_a_named_lot_is_checked_against_the_ship_date(tracker: tr.Tracker) -> None:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", expiry=dt.date(2026, 3, 10), actor="ana")
    with pytest.raises(tr.ExpiredLot):
        tracker.allocate_item("SO1", L1, 1, ship_date=dt.date(2026, 3, 11), actor="ana")
    tracker.allocate_item("SO1", L1, 1, ship_date=dt.date(2026, 3, 10), actor="ana")
    assert [r.reserved for r in tracker.reservations("SO1")] == [1]


def test_serials_received_together_are_allocated_by_number(tracker: tr.Tracker) -> None:
    tracker.receive_serials("PUMP", ["S3", "S1", "S2"], "A1", put_away=True, actor="ana")
    assert tracker.serial("PUMP", "S3").status == tr.SerialStatus.IN_INVENTORY  # type: ignore[union-attr]
    fifo = tracker.allocate(product="PUMP", quantity=2, order="SO1", strategy="fifo", actor="ana")
    assert [line.item for line in fifo.lines] == [tr.SerialRef("PUMP", "S1"), tr.SerialRef("PUMP", "S2")]


def test_a_product_is_updated_from_its_record(tracker: tr.Tracker) -> None:
    flour = tracker.product("FLOUR")
    assert flour is not None
    updated = dataclasses.replace(flour, description="Wheat flour T55", shelf_life_days=180, gtins=("4006381333931",))
    tracker.update_product(updated, actor="ana", reason="new supplier spec")
    stored = tracker.product("FLOUR")
    assert stored is not None
    assert (stored.description, stored.shelf_life_days, stored.gtins) == ("Wheat flour T55", 180, ("04006381333931",))
    assert stored.tracking is tr.Tracking.LOT
    with pytest.raises(tr.WrongTracking):
        tracker.update_product(dataclasses.replace(stored, tracking=tr.Tracking.SERIAL), actor="ana")
    with pytest.raises(tr.UnknownProduct):
        tracker.update_product(dataclasses.replace(stored, id="SALT"), actor="ana")
    with pytest.raises(TypeError):
        tracker.update_product({"id": "FLOUR"}, actor="ana")  # type: ignore[arg-type]
    assert tracker.product("FLOUR") == stored


def test_stock_moved_into_a_customer_location_is_delivered_to_its_customer(tracker: tr.Tracker) -> None:
    tracker.register_location("ACME-1", "customer", party="ACME", actor="ana")
    location = tracker.location("ACME-1")
    assert location is not None and location.party == "ACME"
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.move(L1, "DOCK", "ACME-1", 4, actor="ana")
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == 6
    [delivery] = tracker.shipments()
    assert (delivery.id, delivery.order, delivery.customer) == ("ACME-1-1", None, "ACME")
    trace = tracker.trace_forward(L1)
    assert trace.customers == ("ACME",) and trace.shipments[0].order is None
    with pytest.raises(tr.WrongRole):
        tracker.register_location("MILL-1", "customer", party="MILL", actor="ana")
    tracker.register_location("NOBODY", "customer", actor="ana")
    with pytest.raises(tr.InvalidInput, match="names no customer"):
        tracker.move(L1, "DOCK", "NOBODY", 1, actor="ana")


def test_goods_are_packed_into_a_container_and_unpacked(tracker: tr.Tracker) -> None:
    pallet = "106141411234567897"
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.pack(pallet, "DOCK", [(L1, 6)], actor="ana")
    packed = tracker.container(pallet)
    assert packed is not None and packed.unpacked_on is None
    assert packed.contents == (tr.PackedItem(L1, Decimal(6)),) and packed.location == "DOCK"
    with pytest.raises(tr.InsufficientStock):
        tracker.pack("LPN-1", "DOCK", [(L1, 5)], actor="ana")
    with pytest.raises(TypeError):
        tracker.pack("LPN-1", "DOCK", "L1", actor="ana")  # type: ignore[arg-type]
    tracker.unpack(pallet, actor="ana")
    unpacked = tracker.container(pallet)
    assert unpacked is not None and unpacked.unpacked_on == packed.packed_on
    assert [m.action for m in tracker.movements(L1)][-2:] == ["packed", "unpacked"]
    assert tracker.container("LPN-9") is None
