"""Commands as values (`traceability.cmd`): built and checked in Python, executed alone
or in atomic batches, mixed with command dicts."""

import dataclasses
import datetime as dt
import inspect
import pickle
from decimal import Decimal

import pytest

import traceability as tr
from traceability import cmd

FLOUR_L1 = tr.LotRef("FLOUR", "L1")


def test_a_batch_of_command_values_and_dicts_runs_atomically(tracker: tr.Tracker) -> None:
    done = tracker.execute_batch(
        [
            cmd.ReceiveLot("FLOUR", "L1", Decimal("10"), "DOCK", supplier="MILL", expiry=dt.date(2026, 9, 1)),
            cmd.Move(FLOUR_L1, "DOCK", "A1", 4),
            {"set_lot_active": {"product": "FLOUR", "lot": "L1", "active": True}},
        ],
        actor="ana",
        reason="opening stock",
    )
    assert done.count == 3
    lot = tracker.lot("FLOUR", "L1")
    assert lot is not None and lot.supplier == "MILL" and lot.dates.expiry == dt.date(2026, 9, 1)
    assert {line.location: line.on_hand for line in lot.stock} == {"DOCK": Decimal(6), "A1": Decimal(4)}


def test_a_refused_batch_stores_nothing(tracker: tr.Tracker) -> None:
    head = tracker.head()
    batch = [cmd.ReceiveLot("FLOUR", "L1", 10, "DOCK"), cmd.Move(FLOUR_L1, "DOCK", "A1", 11)]
    with pytest.raises(tr.InsufficientStock) as refused:
        tracker.execute_batch(batch, actor="ana")
    assert refused.value.available == Decimal(10) and refused.value.requested == Decimal(11)
    assert tracker.head() == head and tracker.lot("FLOUR", "L1") is None


def test_bulk_load_takes_command_values(tracker: tr.Tracker) -> None:
    receipts = (cmd.ReceiveLot("FLOUR", f"L{i}", 5, "DOCK") for i in range(5))
    loaded = tracker.bulk_load(receipts, actor="import", batch_size=2)
    assert (loaded.batches, loaded.commands) == (3, 5)
    assert [lot.number for lot in tracker.lots()] == [f"L{i}" for i in range(5)]


def test_execute_takes_one_command_value(tracker: tr.Tracker) -> None:
    tracker.execute(cmd.ReceiveSerials("PUMP", ["S1", "S2"], "DOCK", put_away=True), actor="ana")
    serial = tracker.serial("PUMP", "S2")
    assert serial is not None and serial.status is tr.SerialStatus.IN_INVENTORY


def test_the_tracker_methods_send_the_same_commands(tracker: tr.Tracker) -> None:
    """`t.move(...)` and `t.execute(cmd.Move(...))` append the same event."""
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.move(FLOUR_L1, "DOCK", "A1", 2, actor="ana")
    tracker.execute(cmd.Move(FLOUR_L1, "DOCK", "A1", 2), actor="ana")
    by_method, by_value = tracker.events()[-2:]
    assert (by_method.kind, by_method.data) == (by_value.kind, by_value.data)


def _history(values: "list[cmd.Command]", as_dicts: bool) -> "list[tuple[str, object]]":
    t = tr.Tracker()
    t.execute_batch(
        [
            cmd.RegisterProduct("FLOUR", "lot"),
            cmd.RegisterLocation("DOCK", "receiving"),
            cmd.RegisterLocation("A1", "internal"),
            cmd.RegisterParty("MILL", "supplier", "The Mill"),
            cmd.RegisterParty("SHOP", "customer", "The Shop"),
        ],
        actor="ana",
    )
    for value in values:
        t.execute(value.to_dict() if as_dicts else value, actor="ana")
    return [(e.kind, e.data) for e in t.events()]


def test_command_values_reach_the_core_as_their_json_would() -> None:
    """Command values are read natively, dicts through JSON: the same events either way."""
    values = [
        cmd.ReceiveLot(
            "FLOUR",
            "L1",
            Decimal("10.125"),
            "DOCK",
            supplier="MILL",
            received_on=dt.date(2026, 7, 1),
            expiry=dt.date(2026, 9, 1),
            attributes={"origin": "FR"},
        ),
        cmd.Move(FLOUR_L1, "DOCK", "A1", Decimal("2.5")),
        cmd.AllocateStock("FLOUR", 3, "SO-1", ship_date=dt.date(2026, 8, 1), locations=["A1", "DOCK"]),
        cmd.Pick("SO-1", FLOUR_L1, 3),
        cmd.Ship("SH-1", "SO-1", "SHOP", shipped_on=dt.date(2026, 8, 2)),
    ]
    assert _history(values, as_dicts=False) == _history(values, as_dicts=True)


def test_a_malformed_command_value_is_invalid_input_and_changes_nothing(tracker: tr.Tracker) -> None:
    @dataclasses.dataclass(frozen=True)
    class Unknown(cmd.Command):
        NAME = "no_such_command"

        def _body(self) -> "dict[str, object]":
            return {}

    head = tracker.head()
    with pytest.raises(tr.InvalidInput, match="command"):
        tracker.execute(Unknown(), actor="ana")
    with pytest.raises(tr.InvalidInput, match="commands"):
        tracker.execute_batch([cmd.Move(FLOUR_L1, "DOCK", "A1", 1), Unknown()], actor="ana")
    assert tracker.head() == head


def test_a_bad_argument_is_refused_when_the_command_is_built() -> None:
    with pytest.raises(TypeError, match="quantity"):
        cmd.Move(FLOUR_L1, "DOCK", "A1", 1.5)  # type: ignore[arg-type]
    with pytest.raises(tr.InvalidInput, match="delta"):
        cmd.Adjust("FLOUR", "L1", "A1", Decimal("NaN"))
    with pytest.raises(TypeError, match="serials"):
        cmd.ReceiveSerials("PUMP", "S1", "DOCK")  # a str is not a list of serials
    with pytest.raises(tr.InvalidInput, match="strategy"):
        cmd.AllocateStock("FLOUR", 1, "SO-1", strategy="cheapest")


def test_a_non_command_in_a_batch_is_a_type_error(tracker: tr.Tracker) -> None:
    with pytest.raises(TypeError, match=r"commands\[1\]"):
        tracker.execute_batch([cmd.ReceiveLot("FLOUR", "L1", 1, "DOCK"), "move"], actor="ana")  # type: ignore[list-item]
    with pytest.raises(TypeError):
        tracker.execute_batch("receive_lot", actor="ana")  # type: ignore[arg-type]


def test_command_values_are_frozen_comparable_picklable_and_convertible() -> None:
    move = cmd.Move(FLOUR_L1, "DOCK", "A1", Decimal("2.500"))
    assert move == cmd.Move(FLOUR_L1, "DOCK", "A1", Decimal("2.500")) and move != cmd.Move(FLOUR_L1, "DOCK", "A1", 3)
    assert pickle.loads(pickle.dumps(move)) == move
    with pytest.raises(dataclasses.FrozenInstanceError):
        move.quantity = 3  # type: ignore[misc]
    wire = move.to_dict()
    assert wire == {"move": {"item": {"lot": {"product": "FLOUR", "lot": "L1"}}, "from": "DOCK", "to": "A1",
                             "quantity": "2.500", "override_expiry": False}}  # fmt: skip
    wire["move"]["to"] = "ELSEWHERE"
    assert move.to_dict()["move"]["to"] == "A1"  # a copy


def test_link_upstream_records_a_partners_transformation(tracker: tr.Tracker) -> None:
    tracker.receive_lot("FLOUR", "L1", 10, "DOCK", actor="ana")
    tracker.create_lot("BREAD", "B1", actor="ana")
    tracker.link_upstream("PARTNER-WO-7", [(FLOUR_L1, 3)], [tr.LotRef("BREAD", "B1")], actor="ana")
    assert [i.item for i in tracker.trace_forward(FLOUR_L1).items] == [FLOUR_L1, tr.LotRef("BREAD", "B1")]
    with pytest.raises(TypeError, match=r"inputs\[0\]"):
        cmd.LinkUpstream("WO", [FLOUR_L1], [])  # type: ignore[list-item]


def test_every_command_method_has_a_command_class_of_the_core_name() -> None:
    classes = {c.NAME: c for c in vars(cmd).values() if inspect.isclass(c) and issubclass(c, cmd.Command) and c is not cmd.Command}
    assert all(name.replace("_", "") == c.__name__.lower() for name, c in classes.items())
    # the core's command names, as the event payloads and the JSON shape name them
    assert {"receive_lot", "allocate_stock", "recall", "link_upstream", "open_nonconformance", "return"} <= set(classes)
    assert len(classes) == 58  # every core command
