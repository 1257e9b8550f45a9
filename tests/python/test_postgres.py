"""The PostgreSQL store through Python, against the server TRACEABILITY_TEST_PG_URL names
(scripts/test.sh provides one). Without it these tests fail: they never skip."""

import os
import threading
import time
import uuid

import pytest

import traceability as tr
from conftest import NOW, populate


@pytest.fixture
def url() -> str:
    server = os.environ.get("TRACEABILITY_TEST_PG_URL")
    assert server, "TRACEABILITY_TEST_PG_URL is not set: these tests need a PostgreSQL server"
    separator = "&" if "?" in server else "?"
    return f"{server}{separator}schema=py_{uuid.uuid4().hex[:12]}"


def test_a_postgres_store_reopens_with_the_same_answers(url: str) -> None:
    t = tr.Tracker.open(url, now=NOW)
    populate(t)
    t.receive_lot("FLOUR", "L1", "12.5", "DOCK", supplier="MILL", actor="ana")
    answers = (t.head(), list(t.lots()))
    t.close()
    with tr.Tracker.open(url) as again:
        assert (again.head(), list(again.lots())) == answers
        assert again.verify() == answers[0].count


def test_a_follower_sees_another_servers_events(url: str) -> None:
    leader = tr.Tracker.open(url, now=NOW)
    populate(leader)
    follower = tr.Tracker.open(url)
    assert follower.wait_for_events(0.1) == 0
    came = []
    waiting = threading.Thread(target=lambda: came.append(follower.wait_for_events(20)))
    waiting.start()
    time.sleep(0.3)
    leader.receive_lot("FLOUR", "L9", "1", "DOCK", actor="ana")
    waiting.join()
    assert came == [1]
    assert follower.lot("FLOUR", "L9") is not None
    with pytest.raises(tr.InvalidInput, match="timeout"):
        follower.wait_for_events(-1)


def test_servers_receiving_and_moving_other_lots_need_not_catch_up_first(url: str) -> None:
    a = tr.Tracker.open(url, now=NOW)
    populate(a)
    b = tr.Tracker.open(url, now=NOW)
    a.receive_lot("FLOUR", "A1", "10", "DOCK", actor="ana")
    # b had not read A1's receipt: its own is stored after it, and b reads A1 on the way.
    stored = b.receive_lot("FLOUR", "B1", "10", "DOCK", actor="bo")
    assert stored.first_seq == a.head().count
    assert b.lot("FLOUR", "A1") is not None
    # A move of a lot another server moved meanwhile is decided again on the new log.
    a.move(tr.LotRef("FLOUR", "B1"), "DOCK", "A1", "10", actor="ana")
    with pytest.raises(tr.InsufficientStock) as refused:
        b.move(tr.LotRef("FLOUR", "B1"), "DOCK", "A1", "1", actor="bo")
    assert refused.value.item == tr.LotRef("FLOUR", "B1")
    a.refresh()
    with tr.Tracker.open(url) as fresh:
        assert fresh.verify() == fresh.head().count
        for server in (a, b):
            assert server.head() == fresh.head()
            assert list(server.lots()) == list(fresh.lots())


def test_bad_postgres_urls_are_typed_errors() -> None:
    with pytest.raises(tr.InvalidInput):
        tr.Tracker.open("postgresql://u@h:notaport/db")
    with pytest.raises(tr.StorageError):
        tr.Tracker.open("postgresql://postgres@127.0.0.1:1/test")
