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


def test_bad_postgres_urls_are_typed_errors() -> None:
    with pytest.raises(tr.InvalidInput):
        tr.Tracker.open("postgresql://u@h:notaport/db")
    with pytest.raises(tr.StorageError):
        tr.Tracker.open("postgresql://postgres@127.0.0.1:1/test")
