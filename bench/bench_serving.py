"""What a kiosk, a teller and a screen meet over real sockets against a running `branchq serve`.

Never the Flask test client: every figure here crosses loopback TCP into a server process
started the way users start it, with its own worker class (``--worker gevent|gthread``).

    python -m bench.bench_serving kiosk       # one kiosk: ticket issue (keep-alive, fresh), call-next at 1,000 waiting
    python -m bench.bench_serving kiosks      # 8 concurrent kiosks (wrk): tickets/s, p99
    python -m bench.bench_serving holders     # 10,000 idle tracking pages: memory each, HTTP p99 meanwhile
    python -m bench.bench_serving broadcast   # call -> every screen, 1,000 and 5,000 screens
    python -m bench.bench_serving flood       # 2,000 bad-token sockets from one address, a kiosk meanwhile
    python -m bench.bench_serving scale-out   # kiosk + broadcast on PostgreSQL + Redis, two processes
    python -m bench.bench_serving soak --minutes 30   # busy hour: RSS, fds, threads, p99 over time (PNG)

Options: ``--worker gthread`` for the threaded worker (the serving model before gevent).
Figures go to docs/performance.md ("Serving") by hand, with the command.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from server.store import migrate
from server.web import create_app
from tests.conftest import make_settings
from tests.support.builders import BranchFixture, build_branch, issue_tracked
from tests.support.databases import fresh_postgres
from tests.support.live import LiveServer, rss_kib
from tests.support.swarm import SwarmProcess

# Every client of a bench comes from 127.0.0.1 and screens share one display token.
NO_CAPS = {"BRANCHQ_MAX_CONNECTIONS_PER_IP": "0", "BRANCHQ_MAX_CONNECTIONS_PER_TOKEN": "0"}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def summary(name: str, ms: list[float]) -> str:
    figures = f"p50 {pct(ms, 0.5):.2f} ms, p90 {pct(ms, 0.9):.2f}, p99 {pct(ms, 0.99):.2f}, max {max(ms):.1f}"
    return f"{name}: n={len(ms)} {figures}"


# --- servers ------------------------------------------------------------------------------
def seed(database_url: str, tmp: Path, branches: int = 1, **branch_args: Any) -> list[BranchFixture]:
    app = create_app(make_settings(tmp, database_url))
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    built = [build_branch(deps, code=f"B{i + 1}", **branch_args) for i in range(branches)]
    deps.store.engine.dispose()
    return built


def issue_direct(database_url: str, tmp: Path, b: BranchFixture, count: int) -> list[tuple[int, str]]:
    """Tickets issued through the services before the server starts: (id, tracking token)."""
    app = create_app(make_settings(tmp, database_url))
    deps = app.extensions["branchq"].deps
    pairs = issue_tracked(deps, b, count)
    deps.store.engine.dispose()
    return pairs


@contextmanager
def serve(tmp: Path, database_url: str, worker: str, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    server = LiveServer(tmp / "instance", database_url, extra_env={"BRANCHQ_WORKER": worker} | (env or {}))
    server.start(timeout=60)
    try:
        yield server
    finally:
        server.stop()


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_counts(pid: int) -> tuple[int, int]:
    """(open descriptors, threads) of a process."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    threads = len(os.listdir(f"/proc/{pid}/task"))
    return fds, threads


class Http:
    """One keep-alive connection (or a fresh one per request), timing each round trip."""

    def __init__(self, url: str, token: str, *, fresh: bool = False) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.fresh = fresh
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, float, bytes]:
        started = time.perf_counter()
        if self.conn is None or self.fresh:
            if self.conn is not None:
                self.conn.close()
            self.conn = http.client.HTTPConnection(*self.address, timeout=30)
        payload = json.dumps(body) if body is not None else None
        try:
            self.conn.request(method, path, body=payload, headers=self.headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # the server closed an idle keep-alive connection (after 5 s): open another, as browsers do
            self.conn.close()
            self.conn = http.client.HTTPConnection(*self.address, timeout=30)
            started = time.perf_counter()
            self.conn.request(method, path, body=payload, headers=self.headers)
            response = self.conn.getresponse()
        data = response.read()
        return response.status, (time.perf_counter() - started) * 1000, data


def issue_loop(
    server: LiveServer, b: BranchFixture, count: int, *, fresh: bool = False, pause: float = 0.0
) -> list[float]:
    http = Http(server.url, b.tokens["kiosk"], fresh=fresh)
    times = []
    for i in range(count):
        status, ms, body = http.request(
            "POST", f"/api/v1/branches/{b.id}/tickets", {"service_id": b.services["AB"[i % 2]]}
        )
        assert status == 201, body
        times.append(ms)
        if pause:
            time.sleep(pause)
    return times


def call_loop(
    server: LiveServer, b: BranchFixture, count: int, counter: int = 1, *, refill: bool = False
) -> list[float]:
    """Call-next ``count`` times; with ``refill`` a kiosk issues a ticket (not timed) after each
    call, so the line keeps its length as a busy branch's does."""
    http = Http(server.url, b.tokens["teller"])
    kiosk = Http(server.url, b.tokens["kiosk"])
    counter_id = b.counters[counter]
    status, _, body = http.request("POST", f"/api/v1/counters/{counter_id}/open")
    assert status == 200, body
    times = []
    for _ in range(count):
        status, ms, body = http.request("POST", f"/api/v1/counters/{counter_id}/call-next")
        assert status in (200, 204), body
        times.append(ms)
        if status == 200:
            finish(http, json.loads(body)["id"])
        if refill:
            status, _, body = kiosk.request("POST", f"/api/v1/branches/{b.id}/tickets", {"service_id": b.services["A"]})
            assert status == 201, body
    return times


def finish(http: Http, ticket_id: int) -> None:
    """The teller serves the called customer (not timed): the counter is free again."""
    for step in ("start", "finish"):
        status, _, body = http.request("POST", f"/api/v1/tickets/{ticket_id}/{step}")
        assert status == 200, body


def healthz_loop(server: LiveServer, count: int, pause: float = 0.02) -> list[float]:
    http = Http(server.url, "none")
    times = []
    for _ in range(count):
        status, ms, _ = http.request("GET", "/healthz")
        assert status == 200
        times.append(ms)
        time.sleep(pause)
    return times


# --- scenarios ----------------------------------------------------------------------------
def bench_kiosk(tmp: Path, worker: str, database_url: str | None = None) -> None:
    url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    (b,) = seed(url, tmp)
    with serve(tmp, url, worker) as server:
        issue_loop(server, b, 100)  # warm-up
        print(summary("ticket issue, keep-alive", issue_loop(server, b, 1000)))
        waiting = json.loads(Http(server.url, b.tokens["teller"]).request("GET", f"/api/v1/branches/{b.id}/queue")[2])
        total = sum(s["waiting"] for s in waiting["services"])
        first = call_loop(server, b, 1)
        print(f"first call-next after start: {first[0]:.1f} ms (compiles its statements)")
        print(summary(f"call-next from {total} waiting", call_loop(server, b, 300, refill=True)))
        print(summary("ticket issue, fresh connection", issue_loop(server, b, 1000, fresh=True)))
        print(summary("healthz", healthz_loop(server, 500, 0.0)))


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.body = '{{"service_id": {service}}}'
"""


def reference_loop_ms() -> float:
    """The best of five runs of a fixed pure-Python loop: this VM's own speed moved by ±40%
    from one run to the next, and with it every figure here."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i % 7
        best = min(best, time.perf_counter() - started)
    return 1000 * best


def bench_kiosks(tmp: Path, worker: str, kiosks: int = 8, seconds: int = 15, database_url: str | None = None) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    (b,) = seed(url, tmp)
    script = tmp / "issue.lua"
    script.write_text(WRK_SCRIPT.format(token=b.tokens["kiosk"], service=b.services["A"]))
    with serve(tmp, url, worker) as server:
        issue_loop(server, b, 100)
        pid = server.worker_pid()
        cpu_before = cpu_seconds(pid)
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{kiosks}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script),
                f"{server.url}/api/v1/branches/{b.id}/tickets",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        cpu = cpu_seconds(pid) - cpu_before
    print(f"{kiosks} kiosks, keep-alive, {seconds} s ({worker}):")
    print(f"  this machine's pace: {reference_loop_ms():.1f} ms for a fixed Python loop (compare alike paces)")
    done = re.search(r"(\d+) requests in", out)
    if done:  # what one ticket costs the worker, whatever else the machine is doing
        print(f"  worker CPU per ticket: {1000 * cpu / int(done.group(1)):.2f} ms")
    print(
        "\n".join(
            line
            for line in out.splitlines()
            if any(k in line for k in ("Latency", "50%", "90%", "99%", "Requests/sec", "requests in", "Non-2xx"))
        )
    )


def holder_groups(pairs: list[tuple[int, str]], per_ticket: int, deflate: bool = True) -> list[dict[str, Any]]:
    """Tracking pages; ``deflate``: their handshake offers permessage-deflate, as a phone's browser's does."""
    return [{"auth": {"ticket": tid, "token": tok}, "count": per_ticket, "deflate": deflate} for tid, tok in pairs]


def bench_holders(
    tmp: Path, worker: str, count: int = 10000, tickets_per_branch: int = 100, deflate: bool = True
) -> None:
    """Idle tracking pages answering pings: memory per connection and HTTP p99 while they are held.

    Memory is read 5 s after the last connected and again after a full ping round (30 s),
    once every connection has been pinged and has answered."""
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    branches = max(1, count // (tickets_per_branch * 5))
    built = seed(url, tmp, branches=branches)
    pairs = [p for b in built for p in issue_direct(url, tmp, b, tickets_per_branch)]
    per_ticket = max(1, count // len(pairs))
    b = built[0]
    env = NO_CAPS
    with serve(tmp, url, worker, env) as server:
        pid = server.worker_pid()
        issue_loop(server, b, 50)
        time.sleep(2)
        before = rss_kib(pid)
        fds0, threads0 = process_counts(pid)
        started = time.monotonic()
        groups = holder_groups(pairs, per_ticket, deflate)
        with SwarmProcess(server.url, groups, str(tmp), wave=500) as swarm:
            connected_in = time.monotonic() - started
            live, refused = swarm.ready
            offer = "offering permessage-deflate" if deflate else "no extensions offered"
            print(f"{live} holders connected in {connected_in:.1f} s ({refused} refused) [{worker}, {offer}]")
            for wait, when in ((5, "5 s after"), (25, "after a ping round")):
                time.sleep(wait)
                after = rss_kib(pid)
                print(
                    f"worker RSS {before / 1024:.0f} -> {after / 1024:.0f} MiB {when}: "
                    f"{(after - before) / max(live, 1):.1f} KiB per connection"
                )
            fds1, threads1 = process_counts(pid)
            print(f"descriptors {fds0} -> {fds1}, threads {threads0} -> {threads1}")
            print(summary("  ticket issue while held", issue_loop(server, b, 300, pause=0.01)))
            call_loop(server, b, 1)  # the first call compiles its statements (see `kiosk`)
            print(summary("  call-next while held", call_loop(server, b, 100)))
            print(summary("  healthz while held", healthz_loop(server, 300)))
        print(
            f"  still connected at the end: {swarm.report.get('live')}, "
            f"closed by the server: {swarm.report.get('closed')}"
        )


def last_arrivals(report: dict[str, Any], sent: dict[int, float], screens: int) -> list[float]:
    """For each call, ms from sending it to the last of ``screens`` screens having its last event."""
    arrivals = {int(k): v for k, v in report["arrivals"].items()}
    delays = []
    for seq, at in sent.items():
        got = arrivals.get(seq, [])
        assert len(got) == screens, f"seq {seq}: {len(got)} of {screens} screens"
        delays.append((max(got) - at) * 1000)
    return delays


def broadcast_once(
    server: LiveServer, b: BranchFixture, screens: int, calls: int, tmp: Path, sent: dict[int, float] | None = None
) -> list[float]:
    groups = [{"auth": {"token": b.tokens["display"]}, "subscribe": b.id, "count": screens}]
    issue_loop(server, b, calls + 5)
    teller = Http(server.url, b.tokens["teller"])
    teller.request("POST", f"/api/v1/counters/{b.counters[1]}/open")
    sent = {} if sent is None else sent
    # waves of 200: a storm of 500 handshakes at once queues past the PostgreSQL pool's timeout
    with SwarmProcess(server.url, groups, str(tmp), wave=200) as swarm:
        assert swarm.ready[0] == screens, swarm.ready
        time.sleep(1)
        for _ in range(calls):
            at = time.monotonic()
            status, _, body = teller.request("POST", f"/api/v1/counters/{b.counters[1]}/call-next")
            assert status == 200, body
            # the call's last event (read before the teller finishes, which makes more)
            sent[json.loads(teller.request("GET", f"/api/v1/branches/{b.id}/queue")[2])["seq"]] = at
            finish(teller, json.loads(body)["id"])
            time.sleep(0.3)
        time.sleep(2)
    return last_arrivals(swarm.report, sent, screens)


def bench_broadcast(tmp: Path, worker: str, sizes: tuple[int, ...] = (1000, 5000), calls: int = 50) -> None:
    for screens in sizes:
        run = tmp / f"b{screens}"
        run.mkdir()
        url = f"sqlite:///{run / 'bench.sqlite3'}"
        (b,) = seed(url, run, counters={1: "AB"})
        with serve(run, url, worker, NO_CAPS) as server:
            delays = broadcast_once(server, b, screens, calls, run)
        print(summary(f"call -> last of {screens} screens [{worker}]", delays))


def bench_flood(tmp: Path, worker: str, sockets: int = 2000) -> None:
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    (b,) = seed(url, tmp)
    with serve(tmp, url, worker) as server:
        print(summary("ticket issue, quiet", issue_loop(server, b, 300, pause=0.01)))
        result: dict[str, Any] = {}

        def flood() -> None:
            groups = [{"auth": {"token": "not-a-token"}, "count": sockets}]
            with SwarmProcess(server.url, groups, str(tmp), wave=500) as swarm:
                result["ready"] = swarm.ready

        attacker = threading.Thread(target=flood)
        attacker.start()
        during = issue_loop(server, b, 300, pause=0.01)
        attacker.join()
        print(summary(f"ticket issue during a {sockets}-socket bad-token flood", during))
        print(f"  flood: {result.get('ready', (0, 0))[1]} refused, {result.get('ready', (0, 0))[0]} held open")


def bench_scale_out(tmp: Path, worker: str, screens: int = 1000, calls: int = 50) -> None:
    with fresh_postgres() as pg:
        (b,) = seed(pg, tmp, counters={1: "AB"})
        env = {"SOCKETIO_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0", **NO_CAPS}
        first = LiveServer(tmp / "one", pg, extra_env={"BRANCHQ_WORKER": worker} | env).start(60)
        second = LiveServer(
            tmp / "two", pg, extra_env={"BRANCHQ_WORKER": worker, "BRANCHQ_SCHEDULER": "0"} | env
        ).start(60)
        try:
            issue_loop(first, b, 50)
            print(summary("PostgreSQL ticket issue, keep-alive", issue_loop(first, b, 500)))
            print(summary("PostgreSQL call-next", call_loop(first, b, 200)))
            groups = [{"auth": {"token": b.tokens["display"]}, "subscribe": b.id, "count": screens // 2}]
            sent: dict[int, float] = {}
            with SwarmProcess(second.url, groups, str(tmp), wave=500) as other:
                delays = broadcast_once(first, b, screens // 2, calls, tmp, sent)
            far = last_arrivals(other.report, sent, screens // 2)
            print(summary(f"call -> last of {screens // 2} screens on the calling process", delays))
            print(summary(f"call -> last of {screens // 2} screens on the other process (via Redis)", far))
        finally:
            first.stop()
            second.stop()


def bench_soak(
    tmp: Path, worker: str, minutes: float, rate: float = 5.0, screens: int = 200, holders: int = 2000
) -> None:
    """Busy hour: tickets at ``rate``/s, matching calls, screens subscribed, idle tracking pages."""
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    (b,) = seed(url, tmp, counters={1: "AB", 2: "AB", 3: "BA", 4: "BA", 5: "AB"})
    pairs = issue_direct(url, tmp, b, 200)
    samples: list[dict[str, float]] = []
    issue_ms: list[tuple[float, float]] = []
    call_ms: list[tuple[float, float]] = []
    with serve(tmp, url, worker, NO_CAPS) as server:
        pid = server.worker_pid()
        groups = holder_groups(pairs, max(1, holders // len(pairs)))
        groups.append({"auth": {"token": b.tokens["display"]}, "subscribe": b.id, "count": screens})
        with SwarmProcess(server.url, groups, str(tmp), wave=500) as swarm:
            print(f"soak: {swarm.ready[0]} connections, {minutes} min at {rate} tickets/s [{worker}]", flush=True)
            started = time.monotonic()
            stop = threading.Event()

            def tellers() -> None:
                http = Http(server.url, b.tokens["teller"])
                for c in b.counters.values():
                    http.request("POST", f"/api/v1/counters/{c}/open")
                ids = list(b.counters.values())
                i = 0
                due = time.monotonic()
                while not stop.is_set():
                    status, ms, body = http.request("POST", f"/api/v1/counters/{ids[i % len(ids)]}/call-next")
                    call_ms.append((time.monotonic() - started, ms))
                    if status == 200:
                        finish(http, json.loads(body)["id"])
                    i += 1
                    # paced to the issue rate: a call, then a finish, then a wait of 1/rate made
                    # ~4.2 calls/s of 5 tickets/s, and the line grew by 1,400 over the half hour
                    due += 1.0 / rate
                    stop.wait(max(0.0, due - time.monotonic()))

            teller = threading.Thread(target=tellers, daemon=True)
            teller.start()
            kiosk = Http(server.url, b.tokens["kiosk"])
            next_sample = 0.0
            while (elapsed := time.monotonic() - started) < minutes * 60:
                _status, ms, _ = kiosk.request(
                    "POST", f"/api/v1/branches/{b.id}/tickets", {"service_id": b.services["A"]}
                )
                issue_ms.append((elapsed, ms))
                if elapsed >= next_sample:
                    fds, threads = process_counts(pid)
                    samples.append({"t": elapsed, "rss_mib": rss_kib(pid) / 1024, "fds": fds, "threads": threads})
                    next_sample += 10.0
                time.sleep(max(0.0, 1.0 / rate - ms / 1000))
            stop.set()
            teller.join(5)
    report_soak(samples, issue_ms, call_ms, minutes, tmp)


def report_soak(
    samples: list[dict[str, float]],
    issue_ms: list[tuple[float, float]],
    call_ms: list[tuple[float, float]],
    minutes: float,
    tmp: Path,
) -> None:
    def after(rows: list[tuple[float, float]], t0: float, t1: float) -> list[float]:
        return [ms for t, ms in rows if t0 <= t < t1]

    warm = [s for s in samples if s["t"] >= 300] or samples
    print(
        f"RSS after 5 min {warm[0]['rss_mib']:.1f} MiB -> end {samples[-1]['rss_mib']:.1f} MiB "
        f"(growth {samples[-1]['rss_mib'] - warm[0]['rss_mib']:+.1f} MiB)"
    )
    print(
        f"descriptors {warm[0]['fds']:.0f} -> {samples[-1]['fds']:.0f}, "
        f"threads {warm[0]['threads']:.0f} -> {samples[-1]['threads']:.0f}"
    )
    step = max(60.0, minutes * 60 / 10)
    t = 0.0
    while t < minutes * 60:
        issue = after(issue_ms, t, t + step)
        call = after(call_ms, t, t + step)
        if issue:
            print(
                f"  {t / 60:5.1f} min: issue p50 {pct(issue, 0.5):.1f} p99 {pct(issue, 0.99):.1f} ms; "
                f"call p99 {pct(call, 0.99):.1f} ms"
            )
        t += step
    out = Path(os.environ.get("BRANCHQ_SOAK_PLOT", "docs/soak.png"))
    plot_soak(samples, issue_ms, call_ms, out)
    (tmp / "soak.json").write_text(json.dumps({"samples": samples, "issue": issue_ms, "call": call_ms}))
    print(f"plot: {out}")


def plot_soak(
    samples: list[dict[str, float]], issue_ms: list[tuple[float, float]], call_ms: list[tuple[float, float]], out: Path
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    minutes = [s["t"] / 60 for s in samples]
    top.plot(minutes, [s["rss_mib"] for s in samples])
    top.set_ylabel("worker RSS (MiB)")
    middle.plot(minutes, [s["fds"] for s in samples], label="open descriptors")
    middle.plot(minutes, [s["threads"] for s in samples], label="threads")
    middle.legend()

    def p99_per_minute(rows: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
        buckets: dict[int, list[float]] = {}
        for t, ms in rows:
            buckets.setdefault(int(t // 60), []).append(ms)
        keys = sorted(buckets)
        return [k + 0.5 for k in keys], [pct(buckets[k], 0.99) for k in keys]

    for rows, label in ((issue_ms, "ticket issue p99"), (call_ms, "call-next p99")):
        xs, ys = p99_per_minute(rows)
        bottom.plot(xs, ys, label=label)
    bottom.set_ylabel("ms")
    bottom.set_xlabel("minutes")
    bottom.legend()
    fig.suptitle("Busy-hour soak: 5 tickets/s, calls to match, 200 screens, 2,000 tracking pages")
    fig.tight_layout()
    fig.savefig(out, dpi=80)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["kiosk", "kiosks", "holders", "broadcast", "flood", "scale-out", "soak"])
    parser.add_argument("--worker", default="gevent", choices=["gevent", "gthread"])
    parser.add_argument("--count", type=int, default=10000, help="holders")
    parser.add_argument(
        "--no-deflate", action="store_true", help="holders: clients that offer no extensions (as before)"
    )
    parser.add_argument("--screens", default="1000,5000", help="broadcast sizes")
    parser.add_argument("--minutes", type=float, default=30.0, help="soak length")
    args = parser.parse_args()
    runs: dict[str, Callable[[Path], None]] = {
        "kiosk": lambda tmp: bench_kiosk(tmp, args.worker),
        "kiosks": lambda tmp: bench_kiosks(tmp, args.worker),
        "holders": lambda tmp: bench_holders(tmp, args.worker, args.count, deflate=not args.no_deflate),
        "broadcast": lambda tmp: bench_broadcast(tmp, args.worker, tuple(int(s) for s in args.screens.split(","))),
        "flood": lambda tmp: bench_flood(tmp, args.worker),
        "scale-out": lambda tmp: bench_scale_out(tmp, args.worker),
        "soak": lambda tmp: bench_soak(tmp, args.worker, args.minutes),
    }
    with tempfile.TemporaryDirectory() as tmp:
        runs[args.scenario](Path(tmp))


if __name__ == "__main__":
    main()
