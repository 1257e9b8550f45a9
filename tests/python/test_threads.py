"""The GIL is released during long calls, and one tracker is safe to share."""

import threading

import traceability as tr
from conftest import populate

BIG = 30_000


def receipts(prefix: str, n: int) -> "list[dict[str, object]]":
    return [{"receive_lot": {"spec": {"product": "FLOUR", "lot": f"{prefix}{i}", "manufactured_on": None,
                                      "dates": {"expiry": None, "best_before": None, "removal": None,
                                                "alert": None},
                                      "weight": None, "description": "", "supplier_lot": None,
                                      "attributes": {}},
                             "quantity": "1", "location": "DOCK", "supplier": None,
                             "received_on": None, "reference": None}} for i in range(n)]


def test_long_batch_and_verify_release_the_gil() -> None:
    t = tr.Tracker()
    populate(t)
    batch = receipts("L", BIG)
    started = threading.Event()
    ticks_during_call = []

    def long_calls() -> None:
        started.set()
        t.execute_batch(batch, actor="loader")
        t.verify()

    worker = threading.Thread(target=long_calls)
    worker.start()
    started.wait()
    ticks = 0
    while worker.is_alive():
        ticks += 1
    ticks_during_call.append(ticks)
    worker.join()
    assert t.head().count == 9 + BIG
    # Holding the GIL, the worker would leave this loop only a few switch intervals;
    # released, the loop spins freely for the whole call.
    assert ticks > 10_000, ticks


def test_threads_share_one_tracker() -> None:
    t = tr.Tracker()
    populate(t)
    errors = []

    def writer(name: str) -> None:
        try:
            for i in range(200):
                t.receive_lot("FLOUR", f"{name}-{i}", 1, "DOCK", actor=name)
                t.lot("FLOUR", f"{name}-{i}")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(1 for _ in t.lots()) == 800 and t.verify() == 9 + 800
