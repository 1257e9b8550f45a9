"""Per-call overhead of simple commands and queries from Python, and bulk receive
throughput. Run with the package installed: `python benches/python/bench_calls.py [N]`."""

import sys
import time
from typing import Callable

import traceability as tr

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000


def timed(label: str, count: int, work: Callable[[], object]) -> None:
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {count:>9,} in {elapsed:7.3f}s  {elapsed / count * 1e6:8.2f} us/op"
          f"  {count / elapsed:>11,.0f} ops/s")


def fresh() -> tr.Tracker:
    t = tr.Tracker()
    t.register_product("FLOUR", "lot", actor="bench")
    t.register_product("PUMP", "serial", actor="bench")
    t.register_location("DOCK", "receiving", actor="bench")
    t.register_location("A1", "internal", actor="bench")
    t.receive_lot("FLOUR", "L0", 1_000_000_000, "DOCK", actor="bench")
    return t


def main() -> None:
    calls = min(N, 50_000)
    t = fresh()
    l0 = tr.LotRef("FLOUR", "L0")
    timed("move (one command, one event)", calls,
          lambda: [t.move(l0, "DOCK", "A1", 1, actor="bench") for _ in range(calls)])
    timed("receive_lot (one command)", calls,
          lambda: [t.receive_lot("FLOUR", f"S{i}", 5, "DOCK", actor="bench") for i in range(calls)])
    timed("lot() query", calls, lambda: [t.lot("FLOUR", "L0") for _ in range(calls)])

    t = fresh()
    receipts = [{"product": "FLOUR", "lot": f"B{i}", "quantity": 5, "location": "DOCK"} for i in range(N)]
    timed("receive_lots bulk (batches of 10,000)", N, lambda: t.receive_lots(receipts, actor="bench"))
    timed("verify (events)", N, t.verify)
    timed("lots() iteration", N, lambda: sum(1 for _ in t.lots()))

    t = fresh()
    serials = [f"SN{i}" for i in range(N)]
    timed("receive_serials bulk (one command)", N,
          lambda: t.receive_serials("PUMP", serials, "DOCK", actor="bench"))


if __name__ == "__main__":
    main()
