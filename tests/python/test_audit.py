"""The audit trail from Python: verify on open, salvage read-only, signed checkpoints."""

import datetime as dt
import pickle
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Tuple

import pytest

import traceability as tr
from conftest import NOW, populate

KEY = bytes(range(32))  # the embedding system's secret seed; never stored by the library
OTHER_KEY = bytes(range(1, 33))


def build(path: Path) -> int:
    """A store with a lot of 100 received, then more events; returns the receipt's seq."""
    with tr.Tracker.open(path, now=NOW) as t:
        populate(t)
        received = t.receive_lot("FLOUR", "L1", "100", "DOCK", supplier="MILL", actor="ana",
                                 manufactured_on=dt.date(2026, 2, 20))
        t.receive_lot("FLOUR", "L2", "5", "DOCK", actor="ana", manufactured_on=dt.date(2026, 2, 20))
        t.adjust("FLOUR", "L2", "DOCK", "1", actor="bob", reason="recount")
        return received.first_seq


def sql(path: Path, statement: str, *args: object) -> None:
    with sqlite3.connect(path) as db:
        db.execute(statement, args)
    db.close()


def forge_receipt(path: Path, seq: int) -> None:
    """Rewrites the received quantity "100" (the MessagePack string A3 31 30 30) inside
    the stored compact body of event `seq`."""
    with sqlite3.connect(path) as db:
        (body,) = db.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()
        assert b"\xa3100" in body
        forged = body.replace(b"\xa3100", b"\xa3900")
        db.execute("UPDATE events SET body = ? WHERE seq = ?", (forged, seq))
    db.close()


@pytest.fixture
def store(tmp_path: Path) -> Tuple[Path, int]:
    path = tmp_path / "audit.db"
    return path, build(path)


# --- checkpoints -----------------------------------------------------------------------


def test_checkpoint_then_verify_against(store: Tuple[Path, int]) -> None:
    path, _ = store
    t = tr.Tracker.open(path, now=NOW)
    cp = t.checkpoint(KEY)
    head = t.head()
    assert isinstance(cp, tr.Checkpoint)
    assert (cp.count, cp.head) == (head.count, head.hash)
    assert cp.recorded_at == NOW and cp.recorded_at.tzinfo is not None
    assert len(bytes.fromhex(cp.signature)) == 64
    assert t.verify_against(cp, tr.public_key(KEY)) == head.count
    assert cp.to_dict() == {"count": cp.count, "head": cp.head, "recorded_at": NOW,
                            "signature": cp.signature}
    assert f"count={cp.count}" in repr(cp)


def test_checkpoint_round_trips_through_json_and_pickle(store: Tuple[Path, int]) -> None:
    path, _ = store
    t = tr.Tracker.open(path)  # the wall clock: nanoseconds must survive the JSON
    cp = t.checkpoint(KEY)
    text = cp.to_json()
    assert '"count":' in text and cp.signature in text
    again = tr.Checkpoint.from_json(text)
    assert again == cp and hash(again) == hash(cp) and again.to_json() == text
    assert pickle.loads(pickle.dumps(cp)) == cp
    assert t.verify_against(again, tr.public_key(KEY)) == cp.count
    with pytest.raises(tr.InvalidInput):
        tr.Checkpoint.from_json("{}")
    with pytest.raises(tr.InvalidInput):
        tr.Checkpoint.from_json(text.replace(cp.head, cp.head[:-2]))


def test_more_events_after_the_checkpoint_still_verify(store: Tuple[Path, int]) -> None:
    path, _ = store
    t = tr.Tracker.open(path, now=NOW)
    cp = t.checkpoint(KEY)
    t.receive_lot("FLOUR", "L3", "7", "DOCK", actor="ana", manufactured_on=dt.date(2026, 2, 20))
    assert t.verify_against(cp, tr.public_key(KEY)) == cp.count + 1


def test_truncation_is_detected(store: Tuple[Path, int]) -> None:
    path, _ = store
    with tr.Tracker.open(path, now=NOW) as t:
        cp = t.checkpoint(KEY)
    sql(path, "DELETE FROM events WHERE seq >= ?", cp.count - 2)
    reopened = tr.Tracker.open(path)  # a shorter, intact chain opens ...
    assert reopened.head().count == cp.count - 2
    with pytest.raises(tr.Tampered) as raised:  # ... but no longer extends the checkpoint
        reopened.verify_against(cp, tr.public_key(KEY))
    assert raised.value.damage == "truncated" and raised.value.seq == cp.count - 2
    assert "truncated" in str(raised.value)


def test_wrong_public_key_is_a_bad_signature(store: Tuple[Path, int]) -> None:
    path, _ = store
    t = tr.Tracker.open(path, now=NOW)
    cp = t.checkpoint(KEY)
    with pytest.raises(tr.Tampered) as raised:
        t.verify_against(cp, tr.public_key(OTHER_KEY))
    assert raised.value.damage == "bad_signature" and raised.value.seq == cp.count


def test_keys_are_checked(tracker: tr.Tracker) -> None:
    public = tr.public_key(KEY)
    assert isinstance(public, bytes) and len(public) == 32
    assert tr.public_key(bytearray(KEY)) == public
    with pytest.raises(tr.InvalidInput) as raised:
        tracker.checkpoint(KEY[:31])
    assert raised.value.field == "signing_key" and isinstance(raised.value, ValueError)
    with pytest.raises(tr.InvalidInput):
        tr.public_key(KEY + b"\0")
    cp = tracker.checkpoint(KEY)
    with pytest.raises(tr.InvalidInput) as raised:
        tracker.verify_against(cp, public[:16])
    assert raised.value.field == "public_key"
    with pytest.raises(tr.InvalidInput):
        tracker.verify_against(cp, bytes(32))  # not a usable Ed25519 public key
    with pytest.raises(TypeError, match="signing_key"):
        tracker.checkpoint(KEY.hex())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="checkpoint"):
        tracker.verify_against(cp.to_json(), public)  # type: ignore[arg-type]


# --- verify on open, salvage, the trusted path ------------------------------------------


def test_tampered_body_is_refused_on_open(store: Tuple[Path, int]) -> None:
    path, seq = store
    forge_receipt(path, seq)
    with pytest.raises(tr.Tampered) as raised:
        tr.Tracker.open(path)
    assert raised.value.seq == seq and raised.value.damage == "body_altered"
    assert f"event {seq}" in str(raised.value) and raised.value.detail


def test_salvage_opens_read_only_before_the_bad_event(store: Tuple[Path, int]) -> None:
    path, seq = store
    forge_receipt(path, seq)
    t = tr.Tracker.open(path, salvage=True, now=NOW)
    damage = t.damage
    assert isinstance(damage, tr.Tampered)
    assert (damage.seq, damage.damage) == (seq, "body_altered")
    assert t.head().count == seq                      # the state just before event `seq`
    assert t.lot("FLOUR", "L1") is None and t.product("FLOUR") is not None
    with pytest.raises(tr.ReadOnlyTracker):
        t.receive_lot("FLOUR", "L9", "1", "DOCK", actor="ana")
    with pytest.raises(tr.ReadOnlyTracker):
        t.refresh()
    assert t.head().count == seq                      # the refusal changed nothing


def test_healthy_store_has_no_damage(store: Tuple[Path, int]) -> None:
    path, _ = store
    t = tr.Tracker.open(path, salvage=True)
    assert t.damage is None
    t.receive_lot("FLOUR", "L9", "1", "DOCK", actor="ana", manufactured_on=dt.date(2026, 2, 20))
    assert tr.Tracker().damage is None


def test_trusted_open_skips_hashes_and_verify_catches_it(store: Tuple[Path, int]) -> None:
    path, seq = store
    forge_receipt(path, seq)
    t = tr.Tracker.open(path, verify=False)
    lot = t.lot("FLOUR", "L1")
    assert lot is not None and lot.on_hand == Decimal("900")  # trusted: the forgery shows
    with pytest.raises(tr.Tampered) as raised:
        t.verify()
    assert raised.value.seq == seq and raised.value.damage == "body_altered"


def test_checkpoint_detects_a_forged_tail_on_a_trusted_open(store: Tuple[Path, int]) -> None:
    path, seq = store
    with tr.Tracker.open(path) as t:
        cp = t.checkpoint(KEY)
    forge_receipt(path, seq)
    with pytest.raises(tr.Tampered) as raised:
        tr.Tracker.open(path, verify=False).verify_against(cp, tr.public_key(KEY))
    assert raised.value.seq == seq and raised.value.damage == "body_altered"


def test_open_options_are_bools(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="verify"):
        tr.Tracker.open(tmp_path / "t.db", verify="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="salvage"):
        tr.Tracker.open(tmp_path / "t.db", salvage=1)  # type: ignore[arg-type]


# --- typed fields on every exception ----------------------------------------------------


def test_errors_carry_typed_fields(tracker: tr.Tracker) -> None:
    tracker.receive_lot("FLOUR", "L1", "2", "DOCK", actor="ana", manufactured_on=dt.date(2026, 2, 20))
    with pytest.raises(tr.InsufficientStock) as stock:
        tracker.adjust("FLOUR", "L1", "DOCK", "-3", actor="ana", reason="count")
    assert (stock.value.requested, stock.value.available) == (Decimal("3"), Decimal("2"))
    with pytest.raises(tr.UnknownLot) as unknown:
        tracker.adjust("FLOUR", "NOPE", "DOCK", "1", actor="ana", reason="count")
    assert (unknown.value.product, unknown.value.lot) == ("FLOUR", "NOPE")
    with pytest.raises(tr.InvalidInput) as bad:
        tracker.receive_lot("FLOUR", "L\n2", "1", "DOCK", actor="ana")
    assert bad.value.field and bad.value.reason
    with pytest.raises(tr.InvalidInput) as python_side:
        tracker.receive_lot("FLOUR", "L2", Decimal("NaN"), "DOCK", actor="ana")
    assert python_side.value.field == "quantity"
