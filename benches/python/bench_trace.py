"""Forward trace of a hub lot from Python, beside `networkx` on the same graph.

    python benches/python/bench_trace.py [LOTS=100000] [SEED=7]

Needs the package and networkx installed in the interpreter that runs it
(`pip install networkx`); it is a benchmark, not a test.

The genealogy is built in Python as raw command dicts loaded with `bulk_load`, by a
port of `generate` in benches/src/lib.rs: the same SplitMix64 stream, constants and
draw order, so a size and seed give the same data set as the Rust benches (~30% raw
lots, among them one hub lot per 1,600 lots that 100-800 work orders consume, 2-6
inputs per work order with locality, chains up to 8 levels deep, finished lots shipped
1-5 times to LOTS/100 customers through allocate -> pick -> ship).

Checked: at 5,000 lots, seed 7, the Rust generator gives the same 19,134 commands (19,070
here + 64 master-data commands), 15,645 edges, 3 hub lots, and a trace of the first hub
of 2,044 descendants, 3,537 edges and 3,808 shipment lines, as this script does.

Also printed: how much the resident set grew while loading (the tracker's state and log;
the generated command dicts were built before), per lot.

Timed (best of REPEAT): the core's trace as JSON text (the native call, GIL released),
the typed `Tracker.trace_forward` (records built in Rust) and its rendering as DOT (from
the report it keeps, then once for a copy, through JSON), the ids-only
`Tracker.trace_forward_ids` (its columns unread, then read as `str` columns, then the
items read as records), and
`networkx.descendants` / `single_source_shortest_path_length` (the networkx answer has
only the node set or depths: no edges, shipments, customers or stock); then the
200-query mix of benches/benches/trace_mix.rs (80 forward from ordinary raw lots, 20
from hubs, 100 backward from finished lots, starts spread evenly in creation order) with
lot ids, shipments and customers (suppliers) read, beside networkx on the same starts.
"""

import dataclasses
import datetime as dt
import json
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

import networkx as nx

import traceability as tr

MAX_LEVEL, WINDOW, HUB_EVERY = 8, 256, 1_600
HUB_CONSUMERS = (100, 800)  # inclusive
HUB_LEVEL, HUB_SHARE, FINISHED_LEVEL, FINISHED_SHARE = 3, 0.9, 3, 0.55
REPEAT = 5
MASK = (1 << 64) - 1
Json = Dict[str, Any]


class Rng:
    """SplitMix64, as `traceability_bench::Rng`."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return ((self.next_u64() >> 32) * n) >> 32

    def chance(self, p: float) -> bool:
        return (self.next_u64() >> 11) / float(1 << 53) > 1.0 - p


def lot_item(product: str, n: int) -> Json:
    return {"lot": {"product": product, "lot": f"L{n:07}"}}


def spec(product: str, n: int, supplier_lot: Any = None) -> Json:
    return {"product": product, "lot": f"L{n:07}", "manufactured_on": None,
            "dates": {"expiry": None, "best_before": None, "removal": None, "alert": None},
            "weight": None, "description": "", "supplier_lot": supplier_lot, "attributes": {}}


def generate(lots: int, seed: int) -> Tuple[List[Json], List[Tuple[int, int]], List[int], int]:
    """(commands after the master data, edges (consumed n, produced n), hub lot numbers,
    customers)."""
    lots = max(lots, 10)
    rng = Rng(seed)
    suppliers, customers = 10 + lots // 10_000, max(lots // 100, 1)
    base = dt.date(2024, 1, 1)
    hub_count = max(lots // HUB_EVERY, 2)
    hub_every = (lots * 4 // 5) // hub_count
    in_use: List[List[int]] = []  # [hub, consumptions left]
    windows: List[List[int]] = [[] for _ in range(MAX_LEVEL)]
    window_pos = [0] * MAX_LEVEL
    commands: List[Json] = []
    edges: List[Tuple[int, int]] = []
    hubs: List[int] = []
    products: List[str] = []  # of each lot number

    def push_window(level: int, n: int) -> None:
        w = windows[level]
        if len(w) < WINDOW:
            w.append(n)
        else:
            w[window_pos[level]] = n
            window_pos[level] = (window_pos[level] + 1) % WINDOW

    for n in range(lots):
        date = (base + dt.timedelta(days=n // 1000)).isoformat()
        hub = n % hub_every == 0 and len(hubs) < hub_count
        if hub or n < 2 or not windows[0] or rng.chance(0.3):
            products.append("RAW")
            supplier_lot = f"SL{rng.next_u64() % 1_000_000}"
            commands.append({"receive_lot": {
                "spec": spec("RAW", n, supplier_lot), "quantity": "10000000", "location": "WH",
                "supplier": f"S{rng.below(suppliers):05}", "received_on": date, "reference": None}})
            if hub:
                low, high = HUB_CONSUMERS
                in_use.append([len(hubs), low + rng.below(high - low + 1)])
                hubs.append(n)
            else:
                push_window(0, n)
            continue
        level = 1 + rng.below(MAX_LEVEL)
        while not windows[level - 1]:
            level -= 1
        w = windows[level - 1]
        inputs = [w[rng.below(len(w))]]
        k = 2 + rng.below(5)
        while len(inputs) < k:
            w = windows[0 if rng.chance(0.6) else rng.below(level)]
            if not w:
                continue
            pick = w[rng.below(len(w))]
            if pick not in inputs:
                inputs.append(pick)
            elif len(w) < k:
                break
        if level >= HUB_LEVEL and in_use and rng.chance(HUB_SHARE):
            slot = rng.below(len(in_use))
            inputs.append(hubs[in_use[slot][0]])
            in_use[slot][1] -= 1
            if in_use[slot][1] == 0:  # Vec::swap_remove
                last = in_use.pop()
                if slot < len(in_use):
                    in_use[slot] = last
        finished = level == MAX_LEVEL or (level >= FINISHED_LEVEL and rng.chance(FINISHED_SHARE))
        product = "FG" if finished else "INT"
        products.append(product)
        edges.extend((i, n) for i in inputs)
        commands.append({"produce": {
            "work_order": f"WO{n:07}",
            "consumed": [{"item": lot_item(products[i], i),
                          "location": "WH", "quantity": "1"} for i in inputs],
            "outputs": [{"new_lot": {"spec": spec(product, n), "quantity": "1000", "location": "WH"}}],
            "produced_on": date, "override_expiry": False}})
        if finished:
            item = lot_item(product, n)
            for s in range(1 + rng.below(5)):
                order, quantity = f"SO{n:07}-{s}", str(1 + rng.below(3))
                commands.append({"allocate": {"order": order, "item": item, "location": "WH", "quantity": quantity}})
                commands.append({"pick": {"order": order, "item": item, "quantity": quantity}})
                commands.append({"ship": {"shipment": f"SH{n:07}-{s}", "order": order,
                                          "customer": f"C{rng.below(customers):06}",
                                          "shipped_on": date, "override_expiry": False}})
        else:
            push_window(level, n)
    return commands, edges, hubs, customers, products


def spread(items: List[int], count: int) -> List[int]:
    """`count` items spread evenly over `items`, as `spread` in benches/src/lib.rs."""
    return [items[(2 * i + 1) * len(items) // (2 * count)] for i in range(count)] if items else []


def resident_bytes() -> int:
    """This process's resident set size (Linux; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096
    except OSError:
        return 0


def timed(label: str, work: Callable[[], Any], repeat: int = 1) -> Any:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<58} {best * 1e3:10.1f} ms")
    return result


def main() -> None:
    lots = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    commands, edges, hubs, customers, products = timed("generate commands (Python)", lambda: generate(lots, seed))
    print(f"  {lots:,} lots, {len(edges):,} edges, {len(commands):,} commands, {customers:,} customers")

    t = tr.Tracker(now=dt.datetime(2030, 1, 1))
    t.register_location("WH", "internal", description="warehouse", actor="generator")
    for product in ("RAW", "INT", "FG"):
        t.register_product(product, "lot", actor="generator")
    for s in range(10 + lots // 10_000):
        t.register_party(f"S{s:05}", "supplier", name=f"Supplier {s}", actor="generator")
    for c in range(customers):
        t.register_party(f"C{c:06}", "customer", name=f"Customer {c}", actor="generator")

    def load() -> None:
        t.bulk_load(commands, actor="generator", reason="generated", batch_size=10_000)

    before = resident_bytes()
    timed("load (bulk_load, 10,000 commands per batch)", load)
    grown = resident_bytes() - before
    print(f"  resident set grew by {grown / 1e6:,.0f} MB while loading: {grown / lots:,.0f} bytes per lot")
    graph = timed("networkx DiGraph from the same edges", lambda: nx.DiGraph(edges))

    hub = tr.LotRef("RAW", f"L{hubs[0]:07}")
    args = json.dumps({"item": hub.to_json()})
    text = timed("trace_forward, core answer as JSON text", lambda: t._native.query("trace_forward", args), REPEAT)
    trace = timed("Tracker.trace_forward (typed records)", lambda: t.trace_forward(hub), REPEAT)
    timed("  .to_dot(), rendered from the core's report it keeps", trace.to_dot, REPEAT)
    timed("  .to_dot() of a copy (dataclasses.replace), through JSON", dataclasses.replace(trace).to_dot)
    timed("Tracker.trace_forward_ids (ids only, columns unread)", lambda: len(t.trace_forward_ids(hub)), REPEAT)

    def ids_columns() -> Any:
        ids = t.trace_forward_ids(hub)
        return ids.lot_ids(), ids.shipments, ids.customers

    timed("  + lot_ids(), shipments and customers read (str columns)", ids_columns, REPEAT)
    ids = timed("  + items read as LotRef records", lambda: t.trace_forward_ids(hub).items, REPEAT)
    down = timed("networkx.descendants", lambda: nx.descendants(graph, hubs[0]), REPEAT)
    depths = timed("networkx.single_source_shortest_path_length",
                   lambda: nx.single_source_shortest_path_length(graph, hubs[0]), REPEAT)
    assert {int(i.item.lot[1:]) for i in trace.descendants} == down  # type: ignore[union-attr]
    assert ids == tuple(i.item for i in trace.items)
    assert {int(i.item.lot[1:]): i.depth for i in trace.items} == depths  # type: ignore[union-attr]
    print(f"  hub {hub.lot}: {len(trace.descendants):,} descendants, {len(trace.edges):,} edges, "
          f"{len(trace.shipments):,} shipment lines, {len(trace.customers):,} customers, "
          f"{len(trace.stock):,} items with stock; {len(text) / 1e6:.1f} MB of JSON")
    hub_set = set(hubs)
    raw = [n for n, product in enumerate(products) if product == "RAW" and n not in hub_set]
    finished = [n for n, product in enumerate(products) if product == "FG"]
    mix = ([(True, "RAW", n) for n in spread(raw, 80)] + [(True, "RAW", n) for n in spread(hubs, 20)]
           + [(False, "FG", n) for n in spread(finished, 100)])

    def query_mix() -> None:
        for forward, product, n in mix:
            start = tr.LotRef(product, f"L{n:07}")
            if forward:
                found = t.trace_forward_ids(start)
                found.lot_ids(), found.shipments, found.customers
            else:
                back = t.trace_backward_ids(start)
                back.lot_ids(), back.suppliers

    def networkx_mix() -> None:
        for forward, _, n in mix:
            (nx.descendants if forward else nx.ancestors)(graph, n)

    timed("200-query mix, ids read as str columns", query_mix, REPEAT)
    timed("  the same starts with networkx descendants / ancestors", networkx_mix, REPEAT)
    timed("Tracker.recall_report of every hub (typed records)", lambda: t.recall_report(
        [tr.LotRef("RAW", f"L{h:07}") for h in hubs]), REPEAT)


if __name__ == "__main__":
    main()
