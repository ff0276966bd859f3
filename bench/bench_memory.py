"""Memory benchmarks (run on demand, not in CI).

    python -m bench.bench_memory server      # the serving process: idle, 200 subscribers, a busy day
    python -m bench.bench_memory simulator   # peak Python allocations: one day, 30 days
    python -m bench.bench_memory             # both

Figures go to docs/performance.md ("Memory") by hand.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import requests

from bench.bench_queue import fresh_app
from tests.support.builders import build_branch
from tests.support.live import LiveServer


def _status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM in KiB and the thread count, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            fields[key] = int(value.split()[0])
    return fields


def bench_server(tmp: Path, subscribers: int = 200, tickets: int = 1000) -> None:
    from bench.listener import listen, subscribe

    url = f"sqlite:///{tmp / 'memory.sqlite3'}"
    app = fresh_app(tmp / "seed", url)
    deps = app.extensions["branchq"].deps
    b = build_branch(deps, counters={1: "A", 2: "B", 3: "AB"})
    deps.store.engine.dispose()
    # 200 screens on one display token from one address: past the default per-token cap
    no_caps = {"BRANCHQ_MAX_CONNECTIONS_PER_IP": "0", "BRANCHQ_MAX_CONNECTIONS_PER_TOKEN": "0"}
    server = LiveServer(tmp / "server", url, extra_env=no_caps).start()
    assert server.process is not None
    try:
        time.sleep(1.0)
        worker = server.worker_pid()
        idle = _status(worker)
        sockets = [subscribe(server.url, b.tokens["display"], b.id) for _ in range(subscribers)]
        time.sleep(1.0)
        subscribed = _status(worker)
        stop = threading.Event()
        reader = threading.Thread(target=listen, args=(sockets, stop.is_set), daemon=True)
        reader.start()
        kiosk = requests.Session()
        kiosk.headers["Authorization"] = f"Bearer {b.tokens['kiosk']}"
        teller = requests.Session()
        teller.headers["Authorization"] = f"Bearer {b.tokens['teller']}"
        for counter in b.counters.values():
            teller.post(f"{server.url}/api/v1/counters/{counter}/open").raise_for_status()
        for i in range(tickets):
            service = b.services["AB"[i % 2]]
            kiosk.post(f"{server.url}/api/v1/branches/{b.id}/tickets", json={"service_id": service}).raise_for_status()
            if i % 2:  # serve half of them: the queue grows to tickets / 2 waiting
                counter = b.counters[1 + i % 3]
                called = teller.post(f"{server.url}/api/v1/counters/{counter}/call-next")
                if called.status_code == 200:
                    teller.post(f"{server.url}/api/v1/tickets/{called.json()['id']}/no-show").raise_for_status()
        time.sleep(1.0)
        busy = _status(worker)
        stop.set()
        reader.join()
        for ws in sockets:
            ws.close()
    finally:
        server.stop()
    per_socket = (subscribed["VmRSS"] - idle["VmRSS"]) / subscribers
    threads_per_socket = (subscribed["Threads"] - idle["Threads"]) / subscribers
    print(f"server worker, idle: RSS {idle['VmRSS'] / 1024:.1f} MiB, {idle['Threads']} threads")
    print(
        f"  + {subscribers} websocket subscribers: RSS {subscribed['VmRSS'] / 1024:.1f} MiB "
        f"({per_socket:.0f} KiB and {threads_per_socket:.1f} threads per subscriber)"
    )
    print(
        f"  + {tickets} tickets issued, half served, every event to every subscriber: "
        f"RSS {busy['VmRSS'] / 1024:.1f} MiB, peak {busy['VmHWM'] / 1024:.1f} MiB"
    )


def bench_simulator() -> None:
    from server.domain.policy import QueuePolicy
    from server.simulation.engine import simulate
    from server.simulation.generator import DayShape, branch_counters, generate_day
    from server.simulation.metrics import day_figures

    shape = DayShape(counters=8, load=0.81)
    counters = branch_counters(shape)
    tracemalloc.start()
    day_figures(simulate(generate_day(shape, 0), counters, QueuePolicy()))
    one_day = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    for seed in range(30):
        day_figures(simulate(generate_day(shape, seed), counters, QueuePolicy()))
    thirty = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"simulator, one day (8 counters, ~600 customers): peak {one_day / 1024:.0f} KiB of Python allocations")
    print(f"simulator, 30 such days one after another: peak {thirty / 1024:.0f} KiB")


def main(argv: list[str]) -> None:
    parts = argv or ["server", "simulator"]
    with tempfile.TemporaryDirectory() as tmp:
        for part in parts:
            if part == "server":
                bench_server(Path(tmp))
            else:
                bench_simulator()


if __name__ == "__main__":
    main(sys.argv[1:])
