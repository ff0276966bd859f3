"""Password guessing must not slow the branch: the slow password check runs outside the write
transaction (under SQLite's write lock it held every ticket issue behind it)."""

from __future__ import annotations

import statistics
import threading
import time
from itertools import count
from typing import Any

GUESSERS = 4


def issue_latencies(app: Any, branch: Any, tickets: int) -> list[float]:
    client = app.test_client()
    url, body = f"/api/v1/branches/{branch.id}/tickets", {"service_id": branch.services["A"]}
    latencies = []
    for _ in range(tickets):
        started = time.perf_counter()
        response = client.post(url, json=body, headers=branch.headers("kiosk"))
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 201
    return latencies


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def test_ticket_issue_stays_fast_while_logins_are_guessed(app, branch):
    baseline = p90(issue_latencies(app, branch, 30))
    stop, attempts, refused = threading.Event(), count(), []

    def guess() -> None:
        client = app.test_client()
        while not stop.is_set():
            n = next(attempts)
            # a new name from a new address each time: neither the lock nor the rate limit
            # spares the server the password check
            response = client.post(
                "/api/v1/auth/login",
                json={"username": f"guess-{n}", "password": "wrong"},
                environ_base={"REMOTE_ADDR": f"10.9.{n // 256 % 256}.{n % 256}"},
            )
            refused.append(response.status_code)

    guessers = [threading.Thread(target=guess, daemon=True) for _ in range(GUESSERS)]
    for thread in guessers:
        thread.start()
    try:
        time.sleep(0.5)
        loaded = p90(issue_latencies(app, branch, 20))
    finally:
        stop.set()
        for thread in guessers:
            thread.join(10)
    print(f"ticket issue p90: {baseline * 1000:.0f} ms alone, {loaded * 1000:.0f} ms with {GUESSERS} guessers")
    assert loaded < max(0.2, 4 * baseline), (baseline, loaded)
    assert len(refused) >= GUESSERS * 2 and set(refused) == {401}
