"""Queue server benchmarks (run on demand, not in CI).

    python -m bench.bench_queue issue        # tickets issued per second, SQLite, one process
    python -m bench.bench_queue call         # call-next latency with 10 / 1,000 / 10,000 waiting
    python -m bench.bench_queue call-pg      # the same on PostgreSQL at 127.0.0.1:5432
    python -m bench.bench_queue broadcast    # call-next -> subscribed client delay, 50 / 200 clients
    python -m bench.bench_queue broadcast-redis  # the same over two processes, PostgreSQL + Redis
    python -m bench.bench_queue              # all three

Figures go to docs/performance.md ("Queue server") by hand, with the machine's load noted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from server.services import auth, calling, tickets
from server.store import migrate
from server.web import create_app
from tests.conftest import make_settings
from tests.support.builders import build_branch
from tests.support.live import LiveServer


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def fresh_app(tmp: Path, url: str | None = None) -> Any:
    tmp.mkdir(parents=True, exist_ok=True)
    settings = make_settings(tmp, url or f"sqlite:///{tmp / 'bench.sqlite3'}", principal_cache_seconds=5.0)
    app = create_app(settings)
    migrate.upgrade(app.extensions["branchq"].deps.store.engine)
    return app


def bench_issue(tmp: Path, count: int = 2000) -> None:
    app = fresh_app(tmp)
    deps = app.extensions["branchq"].deps
    b = build_branch(deps)
    kiosk = auth.authenticate(deps, b.tokens["kiosk"])
    started = time.perf_counter()
    for i in range(count):
        tickets.issue_ticket(deps, kiosk, b.id, b.services["AB"[i % 2]], ("regular", "vip", "priority")[i % 3])
    service_rate = count / (time.perf_counter() - started)
    client = app.test_client()
    headers = b.headers("kiosk")
    started = time.perf_counter()
    for _ in range(count):
        r = client.post(f"/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]}, headers=headers)
        assert r.status_code == 201
    http_rate = count / (time.perf_counter() - started)
    print(
        f"issue: {service_rate:.0f} tickets/s through the service, {http_rate:.0f}/s through the HTTP app "
        f"(Flask test client, token auth, JSON, {count} each)"
    )


def bench_call_postgres(tmp: Path) -> None:
    from tests.support.databases import fresh_postgres

    with fresh_postgres() as url:
        bench_call(tmp, url=url, label="PostgreSQL")


def bench_call(
    tmp: Path,
    sizes: tuple[int, ...] = (10, 1000, 10000),
    calls: int = 300,
    url: str | None = None,
    label: str = "SQLite",
) -> None:
    for size in sizes:
        app = fresh_app(tmp / f"call{size}", url)
        deps = app.extensions["branchq"].deps
        b = build_branch(deps, code=f"CALL{size}", counters={1: "AB"})
        kiosk = auth.authenticate(deps, b.tokens["kiosk"])
        teller = auth.authenticate(deps, b.tokens["teller"])
        for i in range(size):
            tickets.issue_ticket(deps, kiosk, b.id, b.services["AB"[i % 2]], ("regular", "vip", "priority")[i % 3])
        calling.set_counter_status(deps, teller, b.counters[1], "open")
        if url:  # PostgreSQL: plan with fresh statistics, as autovacuum would give a live system
            with deps.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        latencies = []
        for i in range(calls):
            started = time.perf_counter()
            ticket = calling.call_next(deps, teller, b.counters[1])
            latencies.append((time.perf_counter() - started) * 1000)
            tickets.change_ticket(deps, teller, ticket["id"], "no_show")
            # keep the queue at its size
            tickets.issue_ticket(deps, kiosk, b.id, b.services["AB"[i % 2]], ("regular", "vip", "priority")[i % 3])
        print(
            f"{label} call-next with {size:>6} waiting: p50 {percentile(latencies, 0.5):.2f} ms, "
            f"p99 {percentile(latencies, 0.99):.2f} ms ({calls} calls, 2 services x 3 classes)"
        )
        app.extensions["branchq"].deps.store.engine.dispose()


def bench_broadcast(tmp: Path, sizes: tuple[int, ...] = (50, 200), calls: int = 100) -> None:
    for size in sizes:
        url = f"sqlite:///{tmp / f'bc{size}.sqlite3'}"
        app = fresh_app(tmp / f"bc{size}", url)
        deps = app.extensions["branchq"].deps
        b = build_branch(deps, counters={1: "A"})
        deps.store.engine.dispose()
        server = LiveServer(tmp / f"bc{size}-server", url).start()
        try:
            _broadcast_run(server, b, size, calls)
        finally:
            server.stop()


def bench_broadcast_scaled(tmp: Path, size: int = 200, calls: int = 100) -> None:
    """Two server processes on PostgreSQL behind Redis; the subscribers split between them,
    every call made on the first: half the deliveries cross Redis to the second."""
    from tests.support.databases import REDIS_URL, fresh_postgres

    with fresh_postgres() as url:
        app = fresh_app(tmp / "scaled", url)
        deps = app.extensions["branchq"].deps
        b = build_branch(deps, counters={1: "A"})
        deps.store.engine.dispose()
        env = {"SOCKETIO_MESSAGE_QUEUE": REDIS_URL, "BRANCHQ_RATELIMIT_STORAGE": REDIS_URL}
        one = LiveServer(tmp / "one", url, extra_env=env).start()
        two = LiveServer(tmp / "two", url, extra_env=env | {"BRANCHQ_SCHEDULER": "0"}).start()
        try:
            _broadcast_run(one, b, size, calls, listen_on=(one, two))
        finally:
            one.stop()
            two.stop()


LISTENERS_PER_PROCESS = 50


def listen(url: str, token: str, branch_id: str, count: str, out: str) -> None:
    """A listener process: ``count`` subscribers; on stdin EOF, write arrival times."""
    import json
    import select

    from bench.listener import listen as receive
    from bench.listener import subscribe

    sockets = [subscribe(url, token, int(branch_id)) for _ in range(int(count))]
    print("ready", flush=True)
    arrivals = receive(sockets, until=lambda: bool(select.select([sys.stdin], [], [], 0)[0]))
    for ws in sockets:
        ws.close()
    Path(out).write_text(json.dumps(arrivals))


def _broadcast_run(server: LiveServer, b: Any, size: int, calls: int, listen_on: tuple[LiveServer, ...] = ()) -> None:
    """Subscribers live in separate processes (50 each, see bench/listener.py); perf_counter
    is CLOCK_MONOTONIC on Linux, so times compare across processes."""
    import json
    import subprocess

    tmp = Path(tempfile.mkdtemp())
    listeners = []
    for i in range(max(1, size // LISTENERS_PER_PROCESS)):
        args = [
            sys.executable,
            "-m",
            "bench.bench_queue",
            "_listen",
            (listen_on or (server,))[i % len(listen_on or (server,))].url,
            b.tokens["display"],
            str(b.id),
            str(min(LISTENERS_PER_PROCESS, size)),
            str(tmp / f"{i}.json"),
        ]
        listeners.append(subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for process in listeners:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {b.tokens['teller']}"
    kiosk = {"Authorization": f"Bearer {b.tokens['kiosk']}"}
    http.post(f"{server.url}/api/v1/counters/{b.counters[1]}/open").raise_for_status()
    started: dict[int, float] = {}
    for _ in range(calls):
        requests.post(
            f"{server.url}/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]}, headers=kiosk
        ).raise_for_status()
        time.sleep(0.05)  # let the issue event settle: measure the call alone
        before = time.perf_counter()
        ticket = http.post(f"{server.url}/api/v1/counters/{b.counters[1]}/call-next").json()
        time.sleep(0.05)  # not during the fan-out: reading the queue would compete with it
        started[http.get(f"{server.url}/api/v1/branches/{b.id}/queue").json()["seq"]] = before
        http.post(f"{server.url}/api/v1/tickets/{ticket['id']}/no-show")
    time.sleep(1)
    arrivals: dict[str, list[float]] = {}
    for i, process in enumerate(listeners):
        process.communicate("", timeout=60)
        for seq, times in json.loads((tmp / f"{i}.json").read_text()).items():
            arrivals.setdefault(seq, []).extend(times)
    delays = [(at - t0) * 1000 for seq, t0 in started.items() for at in arrivals.get(str(seq), [])]
    missing = calls * size - len(delays)
    print(
        f"call-next -> ticket_called at {size:>3} subscribers: p50 {percentile(delays, 0.5):.1f} ms, "
        f"p99 {percentile(delays, 0.99):.1f} ms, mean {statistics.fmean(delays):.1f} ms "
        f"({calls} calls, {len(delays)} deliveries, {missing} missing; from sending the HTTP call-next "
        f"to the event coming off each subscriber's socket, subscribers in {len(listeners)} processes)"
    )


def main(argv: list[str]) -> None:
    if argv and argv[0] == "_listen":
        listen(*argv[1:])
        return
    parts = argv or ["issue", "call", "broadcast"]
    with tempfile.TemporaryDirectory() as tmp:
        for part in parts:
            parts_by_name = {
                "issue": bench_issue,
                "call": bench_call,
                "call-pg": bench_call_postgres,
                "broadcast": bench_broadcast,
                "broadcast-redis": bench_broadcast_scaled,
            }
            parts_by_name[part](Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
