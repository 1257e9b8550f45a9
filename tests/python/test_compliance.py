"""Compliance through Python (issue 15): an electronic batch record with an
out-of-limit parameter signed as performed and approved, a signature invalidated by a
later entry, device history records, a non-conformance with a containment hold and a
CAPA resolving a recall — each refusal changing nothing, everything surviving a reopen."""

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import populate

import traceability as tr

F1 = tr.LotRef("FLOUR", "F1")
B1 = tr.LotRef("BREAD", "B1")
WO1 = tr.SignedRecord.batch_record("WO-1")


def bake(t: tr.Tracker) -> None:
    """WO-1 bakes 8 kg of flour F1 into 40 bread B1 with its oven at 190 °C (limits
    175-185), mixing and baking steps recorded, and the bread passing its moisture test."""
    t.receive_lot("FLOUR", "F1", 10, "DOCK", supplier="MILL", actor="ana")
    t.record_batch_parameter("WO-1", "oven_temperature", 190, unit="°C", min=175, max=185, actor="op.ben")
    t.record_batch_parameter("WO-1", "proof_time", "45", unit="min", min=30, max=60, actor="op.ben")
    t.record_batch_step(
        "WO-1", "mixing", equipment="MIXER-2", operator="op.ana", actor="op.ana",
        started_at=dt.datetime(2026, 3, 1, 6, 0), finished_at=dt.datetime(2026, 3, 1, 6, 40),
        notes="dough rested 20 min",
    )  # fmt: skip
    t.record_batch_step("WO-1", "baking", equipment="OVEN-1", operator="op.ben", actor="op.ben")
    t.produce("WO-1", [tr.Line(F1, "DOCK", 8)], [tr.NewLot("BREAD", "B1", 40, "A1")], actor="op.ben")
    t.record_test_result(B1, "moisture", Decimal("36.5"), unit="%", spec_max=38, actor="lab")


def test_a_batch_record_with_an_out_of_limit_parameter_and_two_signatures(tracker: tr.Tracker) -> None:
    bake(tracker)
    tracker.sign_record(WO1, tr.SignatureMeaning.PERFORMED, signer="op.ben", actor="op.ben", reason="baked as recorded")
    tracker.set_time(dt.datetime(2026, 3, 1, 11, 30))
    tracker.sign_record(WO1, "approved", signer="qa.lee", actor="qa.lee", reason="deviation reviewed and accepted")

    record = tracker.batch_record("WO-1")
    assert isinstance(record, tr.BatchRecord)
    oven, proof = record.parameters
    assert (oven.value, oven.min, oven.max, oven.within_limits) == (Decimal(190), Decimal(175), Decimal(185), False)
    assert proof.within_limits and record.out_of_limits == ("oven_temperature",)
    assert oven.recorded.by == "op.ben" and oven.recorded.at == dt.datetime(2026, 3, 1, 8, tzinfo=dt.timezone.utc)
    assert record.equipment == ("MIXER-2", "OVEN-1") and record.operators == ("op.ana", "op.ben")
    assert record.steps[0].started_at == dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.timezone.utc)
    assert [(m.item, m.quantity) for m in record.consumed] == [(F1, Decimal(8))]
    assert [(m.item, m.quantity, m.reversed) for m in record.produced] == [(B1, Decimal(40), False)]
    (bread,) = record.quality
    assert bread.lot == "B1" and bread.all_tests_passed and bread.tests[0].test == "moisture"

    performed, approved = record.signatures
    assert performed.meaning is tr.SignatureMeaning.PERFORMED and performed.signer == "op.ben"
    assert approved.record == WO1 and approved.reason == "deviation reviewed and accepted"
    assert approved.signed.at == dt.datetime(2026, 3, 1, 11, 30, tzinfo=dt.timezone.utc)
    assert all(s.valid and s.note is None for s in record.signatures)
    assert approved.sha256 == record.sha256 and len(record.sha256) == 64
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.sha256 = "0" * 64  # type: ignore[misc]

    markdown = tracker.batch_record_markdown("WO-1")
    assert markdown.startswith("# Batch record WO-1")
    assert "| oven_temperature | 190 | °C | 175 to 185 | **out of limits** |" in markdown
    assert "| approved | qa.lee | 2026-03-01 11:30 UTC by qa.lee" in markdown
    assert tracker.events(approved.signed.seq)[0].kind == "record_signed"


def test_a_later_parameter_invalidates_the_signatures_and_a_new_approval_binds_the_new_content(
    tracker: tr.Tracker,
) -> None:
    bake(tracker)
    tracker.sign_record(WO1, "performed", signer="op.ben", actor="op.ben")
    tracker.sign_record(WO1, "approved", signer="qa.lee", actor="qa.lee")
    signed = tracker.batch_record("WO-1").sha256
    tracker.record_batch_parameter("WO-1", "oven_temperature", 182, unit="°C", min=175, max=185, actor="op.ben")

    checks = tracker.signatures(WO1)
    assert [(c.valid, c.note) for c in checks] == [(False, "record changed since signing")] * 2
    assert tracker.batch_record("WO-1").sha256 != signed
    assert "**invalid**: record changed since signing" in tracker.batch_record_markdown("WO-1")
    tracker.sign_record(WO1, "approved", signer="qa.lee", actor="qa.lee", reason="re-approved after re-measure")
    assert [c.valid for c in tracker.signatures(WO1)] == [False, False, True]


def test_the_same_signature_twice_is_refused_and_changes_nothing(tracker: tr.Tracker) -> None:
    bake(tracker)
    tracker.sign_record(WO1, "reviewed", signer="qa.lee", actor="qa.lee")
    head = tracker.head()
    with pytest.raises(tr.DuplicateNumber):
        tracker.sign_record(WO1, "reviewed", signer="qa.lee", actor="qa.lee")
    with pytest.raises(tr.InvalidInput, match="no production or batch record"):
        tracker.sign_record(tr.SignedRecord.batch_record("WO-404"), "approved", signer="qa.lee", actor="qa.lee")
    with pytest.raises(tr.InvalidInput, match="meaning"):
        tracker.sign_record(WO1, "blessed", signer="qa.lee", actor="qa.lee")
    with pytest.raises(TypeError, match="record must be a SignedRecord"):
        tracker.sign_record("WO-1", "approved", signer="qa.lee", actor="qa.lee")  # type: ignore[arg-type]
    assert tracker.head() == head


def test_a_device_history_record_gathers_the_batch_records_that_made_an_item(tracker: tr.Tracker) -> None:
    bake(tracker)
    dhr = tracker.device_history_record(B1)
    assert dhr.item == B1 and [r.work_order for r in dhr.batch_records] == ["WO-1"]
    assert dhr.batch_records[0].out_of_limits == ("oven_temperature",)
    assert tracker.device_history_record(F1).batch_records == ()
    assert tracker.device_history_record_markdown(B1).startswith("# Device history record: lot BREAD/B1")
    with pytest.raises(tr.UnknownLot):
        tracker.device_history_record(tr.LotRef("BREAD", "B404"))


def test_a_non_conformance_with_containment_and_a_capa_closing_a_recall(tracker: tr.Tracker) -> None:
    bake(tracker)
    tracker.recall([F1], actor="qa", reason="metal fragments reported by the mill", recall_id="RC-1")
    head = tracker.head()
    with pytest.raises(tr.InvalidInput, match="containment hold needs a reason"):
        tracker.open_nonconformance(
            "NC-1", "metal in flour", tr.Severity.CRITICAL, items=[F1, B1], recall="RC-1",
            containment_hold=True, actor="qa",
        )  # fmt: skip
    assert tracker.head() == head
    committed = tracker.open_nonconformance(
        "NC-1", "metal in flour", tr.Severity.CRITICAL, items=[F1, B1], recall="RC-1",
        containment_hold=True, actor="qa", reason="contain until the sieve is checked",
    )  # fmt: skip
    assert committed.count == 2
    assert [e.kind for e in tracker.events(committed.first_seq)] == ["nonconformance_opened", "hold_placed"]
    for ref in (F1, B1):
        lot = tracker.lot(ref.product, ref.lot)
        assert lot is not None and lot.on_hold
    assert tracker.movements(B1)[-2].action == "nonconformance_opened"
    with pytest.raises(tr.NotUsable):
        tracker.allocate_item("SO1", B1, 1, actor="ana")

    tracker.add_corrective_action(
        "CAPA-1", tr.CapaKind.CORRECTIVE, "replace the sieve, check it every shift",
        owner="maint.dan", due=dt.date(2026, 3, 10), nc="NC-1", recall="RC-1", actor="qa",
    )  # fmt: skip
    tracker.add_corrective_action(
        "CAPA-2", "preventive", "supplier audit of the mill", owner="qa.lee", due=dt.date(2026, 4, 30), actor="qa",
    )  # fmt: skip
    (history,) = tracker.recall_history()
    assert history.recall == "RC-1" and history.nonconformances == ("NC-1",) and not history.resolved
    assert [(c.id, c.overdue) for c in tracker.open_capas(as_of=dt.date(2026, 3, 15))] == [
        ("CAPA-1", True), ("CAPA-2", False),
    ]  # fmt: skip
    head = tracker.head()
    with pytest.raises(tr.InvalidInput, match="open CAPAs: CAPA-1"):
        tracker.close_nonconformance("NC-1", "sieve replaced", actor="qa")
    assert tracker.head() == head

    tracker.complete_corrective_action("CAPA-1", "sieve replaced; three clean batches since", actor="maint.dan")
    capa = tracker.capa("CAPA-1")
    assert capa is not None and capa.completed is not None and not capa.overdue
    (history,) = tracker.recall_history()
    assert history.resolved and history.capas[0].completed is not None
    tracker.close_nonconformance("NC-1", "flour F1 returned to the mill; bread B1 destroyed", actor="qa")
    nc = tracker.nonconformance("NC-1")
    assert nc is not None and nc.closed is not None and nc.closed.recorded.by == "qa"
    assert nc.severity is tr.Severity.CRITICAL and nc.contained == (F1, B1)
    assert [c.id for c in nc.capas] == ["CAPA-1"]
    assert tracker.open_nonconformances() == []
    assert [c.id for c in tracker.open_capas()] == ["CAPA-2"]
    assert tracker.nonconformance("NC-404") is None and tracker.capa("CAPA-404") is None
    tracker.sign_record(tr.SignedRecord.nonconformance("NC-1"), "approved", signer="qa.lee", actor="qa.lee")
    assert tracker.nonconformance("NC-1").signatures[0].valid  # type: ignore[union-attr]


def test_compliance_records_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "plant.sqlite"
    with tr.Tracker.open(path, now=dt.datetime(2026, 3, 1, 8)) as t:
        populate(t)
        bake(t)
        t.sign_record(WO1, "approved", signer="qa.lee", actor="qa.lee")
        t.open_nonconformance("NC-1", "underweight loaves", "minor", work_order="WO-1", actor="qa")
        before = t.batch_record("WO-1")
    with tr.Tracker.open(path) as again:
        after = again.batch_record("WO-1")
        assert after == before and after.signatures[0].valid and after.nonconformances == ("NC-1",)
        assert again.verify() == again.head().count
