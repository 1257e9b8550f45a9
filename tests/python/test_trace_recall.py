"""Issue 3 through Python: forward and backward traces, recall reports, recall holds,
their DOT/Mermaid renderings, and that a long trace releases the GIL.

The genealogy: FLOUR/F1 (from MILL) and SUGAR/S1 (from CANE) -> WO1 -> BREAD/B1, shipped
to ACME (SH1) and BETA (SH2); WO2 reworks some of B1 back into F1 (a cycle). FLOUR/F2 is
an unrelated lot."""

import dataclasses
import datetime as dt
import pickle
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

import traceability as tr
from traceability._types import from_json
from conftest import NOW, populate

F1, F2 = tr.LotRef("FLOUR", "F1"), tr.LotRef("FLOUR", "F2")
S1, B1 = tr.LotRef("SUGAR", "S1"), tr.LotRef("BREAD", "B1")
DAY = dt.date(2026, 2, 20)
SHIP_DAY = NOW.date()


def snapshot(t: tr.Tracker) -> Tuple[Any, ...]:
    return (t.head(), list(t.lots()), list(t.serials()))


def unchanged(
    t: tr.Tracker, error: "type[tr.TraceabilityError]", call: Callable[[], object]
) -> tr.TraceabilityError:
    """Runs `call`, which must raise exactly `error` and change nothing; returns the error."""
    before = snapshot(t)
    with pytest.raises(error) as raised:
        call()
    assert type(raised.value) is error and str(raised.value)
    assert snapshot(t) == before
    return raised.value


def ship(t: tr.Tracker, item: tr.Item, quantity: int, order: str, shipment: str, customer: str) -> None:
    t.allocate_item(order, item, quantity, location="A1", actor="ana")
    t.pick(order, item, quantity, actor="ana")
    t.ship(shipment, order, customer, actor="ana")


@pytest.fixture
def bakery(tracker: tr.Tracker) -> tr.Tracker:
    t = tracker
    t.register_product("SUGAR", "lot", unit="kg", actor="ana")
    t.register_party("CANE", "supplier", actor="ana")
    t.register_party("BETA", "customer", actor="ana")
    t.receive_lot("FLOUR", "F1", 100, "A1", supplier="MILL", supplier_lot="M-7", received_on=DAY, actor="ana")
    t.receive_lot("FLOUR", "F2", 100, "A1", supplier="MILL", received_on=DAY, actor="ana")
    t.receive_lot("SUGAR", "S1", 50, "A1", supplier="CANE", received_on=DAY, actor="ana")
    t.produce("WO1", [tr.Line(F1, "A1", 10), tr.Line(S1, "A1", "2.5")],
              [tr.NewLot("BREAD", "B1", 20, "A1")], actor="ana")
    ship(t, B1, 5, "SO1", "SH1", "ACME")
    ship(t, B1, 3, "SO2", "SH2", "BETA")
    t.produce("WO2", [tr.Line(B1, "A1", 2)], [tr.IntoLot("FLOUR", "F1", 2, "A1")], actor="ana",
              reason="rework into flour")
    return t


def items(trace: Any) -> List[Tuple[tr.Item, int]]:
    return [(t.item, t.depth) for t in trace.items]


def edges(trace: Any) -> List[Tuple[tr.Item, tr.Item, Decimal, str]]:
    return [(trace.items[e.source].item, trace.items[e.target].item, e.quantity, e.work_order)
            for e in trace.edges]


def test_forward_trace(bakery: tr.Tracker) -> None:
    f = bakery.trace_forward(F1)
    assert isinstance(f, tr.ForwardTrace) and f.start == F1
    assert items(f) == [(F1, 0), (B1, 1)]  # the rework cycle B1 -> F1 terminates
    assert [(t.item, t.depth) for t in f.descendants] == [(B1, 1)]
    assert sorted(edges(f), key=str) == sorted([(F1, B1, Decimal(10), "WO1"), (B1, F1, Decimal(2), "WO2")], key=str)
    assert [(s.shipment, s.order, s.customer, s.shipped_on, s.item, s.quantity) for s in f.shipments] == [
        ("SH1", "SO1", "ACME", SHIP_DAY, B1, Decimal(5)), ("SH2", "SO2", "BETA", SHIP_DAY, B1, Decimal(3))]
    assert f.customers == ("ACME", "BETA")
    assert [(s.item, s.on_hand, [(l.location, l.on_hand) for l in s.locations]) for s in f.stock] == [
        (F1, Decimal(92), [("A1", Decimal(92))]), (B1, Decimal(10), [("A1", Decimal(10))])]
    # from the sugar: the bread, then the flour it was reworked into
    s = bakery.trace_forward(S1)
    assert items(s) == [(S1, 0), (B1, 1), (F1, 2)]
    assert bakery.trace_forward(F2).items == (tr.TracedItem(F2, 0),)
    assert f.to_dict()["shipments"][0]["item"] == {"product": "BREAD", "lot": "B1"}


def test_backward_trace(bakery: tr.Tracker) -> None:
    b = bakery.trace_backward(B1)
    assert isinstance(b, tr.BackwardTrace) and b.start == B1
    assert items(b) == [(B1, 0), (F1, 1), (S1, 1)]  # a work order's inputs in line order
    assert [t.item for t in b.ancestors] == [F1, S1]
    assert sorted(edges(b), key=str) == sorted([
        (F1, B1, Decimal(10), "WO1"), (S1, B1, Decimal("2.5"), "WO1"), (B1, F1, Decimal(2), "WO2")], key=str)
    assert b.receipts == (tr.Receipt(F1, DAY, "MILL", "M-7"), tr.Receipt(S1, DAY, "CANE", None))
    assert b.suppliers == ("CANE", "MILL")
    assert isinstance(b.receipts[0].received_on, dt.date)


def test_ids_only_traces_reach_the_same_sets(bakery: tr.Tracker) -> None:
    f = bakery.trace_forward_ids(S1)
    assert isinstance(f, tr.ForwardIds)
    assert f.items == (S1, B1, F1)
    assert f.shipments == ("SH1", "SH2")
    assert f.customers == ("ACME", "BETA")  # registration order
    assert bakery.trace_forward_ids(F2) == tr.ForwardIds((F2,), (), ())
    b = bakery.trace_backward_ids(B1)
    assert isinstance(b, tr.BackwardIds)
    assert b.items == tuple(t.item for t in bakery.trace_backward(B1).items)
    assert b.suppliers == ("MILL", "CANE")  # registration order
    with pytest.raises(tr.UnknownLot):
        bakery.trace_forward_ids(tr.LotRef("FLOUR", "NOPE"))
    with pytest.raises(tr.UnknownSerial):
        bakery.trace_backward_ids(tr.SerialRef("PUMP", "NOPE"))


def test_ids_columns_are_read_lazily_and_behave_as_records(bakery: tr.Tracker) -> None:
    pump = tr.SerialRef("PUMP", "P1")
    bakery.receive_serials("PUMP", ["P1"], "DOCK", actor="ana")
    bakery.putaway(pump, "DOCK", "A1", actor="ana")
    bakery.produce("WO9", [tr.Line(pump, "A1"), tr.Line(F2, "A1", 1)],
                   [tr.NewLot("BREAD", "B9", 1, "A1")], actor="ana")
    lazy = bakery.trace_forward_ids(pump)
    assert len(lazy) == 2 and lazy.serial_ids() == ("P1",) and lazy.lot_ids() == ("B9",)
    built = tr.ForwardIds((pump, tr.LotRef("BREAD", "B9")), (), ())
    assert built.lot_ids() == ("B9",) and built.serial_ids() == ("P1",) and len(built) == 2
    assert lazy == built and hash(lazy) == hash(built) and repr(lazy) == repr(built)
    assert lazy.to_dict() == {"items": [{"product": "PUMP", "serial": "P1"}, {"product": "BREAD", "lot": "B9"}],
                              "shipments": [], "customers": []}
    assert pickle.loads(pickle.dumps(lazy)) == lazy
    assert lazy != tr.BackwardIds(lazy.items, ()) and lazy.items is lazy.items  # a column is built once
    with pytest.raises(dataclasses.FrozenInstanceError):
        lazy.items = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        tr.BackwardIds((pump,), (), ())  # type: ignore[call-arg]
    backward = bakery.trace_backward_ids(tr.LotRef("BREAD", "B9"))
    assert set(backward.lot_ids()) == {"B9", "F2"} and backward.serial_ids() == ("P1",)
    assert backward.suppliers == ("MILL",)


def test_native_trace_reports_equal_the_wire_reports(bakery: tr.Tracker) -> None:
    """The reports are built in Rust without JSON; each equals the one decoded from the
    catalog's JSON answer, field for field."""
    reversed_ship = bakery.reverse_shipment("SH2", actor="ana", reason="came back")
    assert reversed_ship.count == 1
    for item in [F1, S1, B1, tr.LotRef("FLOUR", "F2")]:
        forward = bakery.trace_forward(item)
        assert forward == from_json(tr.ForwardTrace, bakery._query("trace_forward", item=item.to_json()))
        backward = bakery.trace_backward(item)
        assert backward == from_json(tr.BackwardTrace, bakery._query("trace_backward", item=item.to_json()))
    forward = bakery.trace_forward(S1)
    assert {s.reversed for s in forward.shipments} == {True, False} and forward.customers == ("ACME",)
    assert all(type(s.quantity) is Decimal for s in forward.shipments) and forward.stock
    assert "M-7" in [r.supplier_lot for r in bakery.trace_backward(B1).receipts]
    for suspects in [[F1], [S1, tr.LotRef("FLOUR", "F2")]]:
        wire = bakery._query("recall_report", suspects=[s.to_json() for s in suspects])
        assert bakery.recall_report(suspects) == from_json(tr.RecallReport, wire)
    preview = bakery.recall_report([S1])
    recorded = bakery.recall([S1], actor="ana", reason="glass", hold=True)
    assert recorded.recall == "RC-000001" and recorded.seq is not None and recorded.hold_seq == recorded.seq
    assert recorded.reason == "glass" and set(recorded.held) == {i.item for i in preview.items}
    assert (recorded.items, recorded.customers, recorded.locations) == (
        preview.items, preview.customers, preview.locations)


def test_unknown_items_are_typed_errors(bakery: tr.Tracker) -> None:
    with pytest.raises(tr.UnknownLot):
        bakery.trace_forward(tr.LotRef("FLOUR", "NOPE"))
    with pytest.raises(tr.UnknownSerial):
        bakery.trace_backward(tr.SerialRef("PUMP", "NOPE"))
    with pytest.raises(tr.InvalidInput):
        bakery.recall_report([])
    with pytest.raises(TypeError, match="item must be a LotRef or SerialRef, not str"):
        bakery.trace_forward("FLOUR/F1")  # type: ignore[arg-type]


def test_recall_report_writes_nothing(bakery: tr.Tracker) -> None:
    before = snapshot(bakery)
    r = bakery.recall_report([S1, S1])
    assert snapshot(bakery) == before
    assert r.suspects == (S1,) and r.reason is None and r.held == () and r.hold_seq is None
    assert r.affected == (S1, B1, F1)
    assert [(c.customer, [s.shipment for s in c.shipments]) for c in r.customers] == [
        ("ACME", ["SH1"]), ("BETA", ["SH2"])]
    assert [(l.location, [(s.item, s.on_hand, s.reserved) for s in l.stock]) for l in r.locations] == [
        ("A1", [(S1, Decimal("47.5"), Decimal(0)), (B1, Decimal(10), Decimal(0)), (F1, Decimal(92), Decimal(0))])]


def test_recall_with_hold_blocks_affected_lots_only(bakery: tr.Tracker) -> None:
    unchanged(bakery, tr.InvalidInput, lambda: bakery.recall([S1], actor="qa", reason=" ", hold=True))
    unchanged(bakery, tr.UnknownLot, lambda: bakery.recall([tr.LotRef("SUGAR", "X")], actor="qa",
                                                           reason="cane recall", hold=True))
    r = bakery.recall(S1, actor="qa", reason="cane recall", hold=True)
    assert r.reason == "cane recall" and set(r.held) == {S1, B1, F1} and r.hold_seq is not None
    assert [bakery.lot(l.product, l.lot).on_hold for l in (S1, B1, F1, F2)] == [True, True, True, False]  # type: ignore[union-attr]
    unchanged(bakery, tr.NotUsable, lambda: bakery.allocate_item("SO3", F1, 1, location="A1", actor="ana"))
    a = bakery.allocate(product="FLOUR", quantity=5, order="SO3", actor="ana")
    assert [(l.item, l.quantity) for l in a.lines] == [(F2, Decimal(5))]
    # a second recall holds nothing new; holding again is refused
    assert bakery.recall([S1], actor="qa", reason="again", hold=True).held == ()
    unchanged(bakery, tr.InvalidInput, lambda: bakery.place_hold([F1], actor="qa", reason="dup"))


def test_recall_without_hold_is_recorded(bakery: tr.Tracker) -> None:
    head = bakery.head().count
    r = bakery.recall([S1], actor="qa", reason="cane recall")
    assert (r.recall, r.seq, r.held, r.hold_seq) == ("RC-000001", head, (), None)
    assert bakery.head().count == head + 1  # one event, held or not
    assert [e.kind for e in bakery.events(head)] == ["recalled"]
    (record,) = bakery.recalls()
    assert record == tr.RecallRecord("RC-000001", head, NOW, "qa", "cane recall", (S1,), (S1, B1, F1), ())
    assert bakery.recall_record("RC-000001") == record and bakery.recall_record("RC-9") is None
    assert record.to_dict()["affected"][1] == {"product": "BREAD", "lot": "B1"}
    assert not any(bakery.lot(l.product, l.lot).on_hold for l in (S1, B1, F1))  # type: ignore[union-attr]
    assert bakery.movements(S1)[-1].action == "recalled"


def test_recall_with_hold_and_its_own_number(bakery: tr.Tracker) -> None:
    r = bakery.recall(S1, actor="qa", reason="cane recall", hold=True, recall_id=" CANE-7 ")
    assert r.recall == "CANE-7" and r.seq is not None and r.hold_seq == r.seq  # the number is trimmed
    record = bakery.recall_record("CANE-7")
    assert record is not None and record.seq == r.seq
    assert set(record.held) == {S1, B1, F1} and record.affected == r.affected
    assert all(bakery.movements(item)[-1].action == "recalled" for item in record.held)
    assert bakery.recall([F2], actor="qa", reason="check").recall == "RC-000002"  # numbered after it
    assert [c.recall for c in bakery.recalls()] == ["CANE-7", "RC-000002"]


def test_recall_number_is_unique(bakery: tr.Tracker) -> None:
    bakery.recall(S1, actor="qa", reason="cane recall", recall_id="CANE-7")
    duplicate = unchanged(bakery, tr.DuplicateNumber,
                          lambda: bakery.recall(F2, actor="qa", reason="again", recall_id="CANE-7"))
    assert isinstance(duplicate, tr.DuplicateNumber) and (duplicate.kind, duplicate.key) == ("recall", "CANE-7")
    unchanged(bakery, tr.InvalidInput, lambda: bakery.recall(F2, actor="qa", reason="r", recall_id=" "))
    with pytest.raises(TypeError, match="recall_id must be a str"):
        bakery.recall(F2, actor="qa", reason="r", recall_id=7)  # type: ignore[arg-type]
    assert len(bakery.recalls()) == 1


def test_recalls_survive_reopening(tmp_path: Path) -> None:
    t = tr.Tracker.open(tmp_path / "t.db")  # the wall clock: recorded_at has nanoseconds
    populate(t)
    t.receive_lot("FLOUR", "F1", 5, "A1", actor="ana")
    t.recall(F1, actor="qa", reason="mould", hold=True)
    recorded = t.recalls()
    t.close()
    assert tr.Tracker.open(tmp_path / "t.db").recalls() == recorded


def test_release_hold_needs_a_reason(bakery: tr.Tracker) -> None:
    bakery.place_hold([F1, B1], actor="qa", reason="suspect")
    unchanged(bakery, tr.InvalidInput, lambda: bakery.release_hold([F1], actor="qa"))
    unchanged(bakery, tr.InvalidInput, lambda: bakery.release_hold([F1, F2], actor="qa", reason="cleared"))
    unchanged(bakery, tr.InvalidInput, lambda: bakery.place_hold([F2], actor="qa"))
    bakery.release_hold(F1, actor="qa", reason="lab cleared it")
    assert not bakery.lot("FLOUR", "F1").on_hold and bakery.lot("BREAD", "B1").on_hold  # type: ignore[union-attr]
    bakery.allocate_item("SO3", F1, 1, location="A1", actor="ana")
    assert [e.kind for e in bakery.history(F1)][-3:] == ["hold_placed", "hold_released", "allocated"]


def test_dot_and_mermaid_contain_the_nodes(bakery: tr.Tracker) -> None:
    results: List[tr.Rendered] = [bakery.trace_forward(F1), bakery.trace_backward(B1), bakery.recall_report([S1])]
    for result in results:
        dot, mermaid = result.to_dot(), result.to_mermaid()
        assert dot.startswith("digraph") and mermaid.startswith("flowchart LR")
        for label in ("FLOUR / lot F1", "BREAD / lot B1"):
            assert label in dot and label in mermaid
        assert "WO1: 10" in dot and "WO1: 10" in mermaid
    forward = results[0].to_dot()
    assert "ACME" in forward and "BETA" in forward and "SH2 2026-03-01: 3" in forward
    assert "SUGAR / lot S1" in results[1].to_mermaid() and "ACME" not in results[1].to_dot()


def test_a_native_report_renders_from_the_core_and_as_its_json_would(bakery: tr.Tracker) -> None:
    """Reports built natively keep the core's report to render it; a copy (replaced,
    pickled) renders the same through JSON, and the kept report is not a field."""
    bakery.recall([S1], actor="qa", reason="mould", recall_id="RC-1")
    results: List[tr.Rendered] = [bakery.trace_forward(F1), bakery.trace_backward(B1), bakery.recall_report([S1])]
    for native in results:
        assert "_graph" in vars(native)
        copies = [dataclasses.replace(native), pickle.loads(pickle.dumps(native))]  # type: ignore[type-var]
        for copy in copies:
            assert "_graph" not in vars(copy) and copy == native and repr(copy) == repr(native)
            assert copy.to_dot() == native.to_dot() and copy.to_mermaid() == native.to_mermaid()
    with pytest.raises(tr.InvalidInput, match="format"):
        results[0]._render("svg")


# --- the GIL is released during a long trace ---------------------------------------------

CHAIN = 20_000


def chain_commands(n: int) -> List[Dict[str, Any]]:
    """C0 received, then C1..Cn each made from the one before."""
    receive = {"receive_lot": {"spec": tr.NewLot("FLOUR", "C0", 1, "A1").to_json()["new_lot"]["spec"],
                               "quantity": "1", "location": "A1", "supplier": None, "received_on": None,
                               "reference": None}}
    produce = [{"produce": {"work_order": f"W{i}", "consumed": [tr.Line(tr.LotRef("FLOUR", f"C{i - 1}"), "A1").to_json()],
                            "outputs": [tr.NewLot("FLOUR", f"C{i}", 1, "A1").to_json()],
                            "produced_on": None, "override_expiry": False}} for i in range(1, n + 1)]
    return [receive, *produce]


class Watched:
    """Delegates to the native tracker, flagging while a native call runs."""

    def __init__(self, native: Any) -> None:
        self.native, self.inside = native, False

    def trace_report(self, *args: Any) -> Any:
        self.inside = True
        try:
            return self.native.trace_report(*args)
        finally:
            self.inside = False


def test_long_trace_releases_the_gil(tracker: tr.Tracker) -> None:
    tracker.execute_batch(chain_commands(CHAIN), actor="loader")
    watched = Watched(tracker._native)
    tracker._native = watched  # type: ignore[assignment]
    started = threading.Event()
    traces: List[tr.ForwardTrace] = []

    def long_trace() -> None:
        started.set()
        for _ in range(3):
            traces.append(tracker.trace_forward(tr.LotRef("FLOUR", "C0")))

    worker = threading.Thread(target=long_trace)
    worker.start()
    started.wait()
    ticks_inside = 0
    while worker.is_alive():
        if watched.inside:
            ticks_inside += 1
    worker.join()
    assert len(traces) == 3 and len(traces[0].items) == CHAIN + 1
    assert traces[0].items[-1] == tr.TracedItem(tr.LotRef("FLOUR", f"C{CHAIN}"), CHAIN)
    # Were the GIL held in the native call, this thread could not run while `inside`.
    assert ticks_inside > 1_000, ticks_inside
