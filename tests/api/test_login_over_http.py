"""Logins over the wire: real `branchq serve` processes, real sockets from many client
addresses, and the real nginx in front with the shipped proxy headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.demo import DEMO_PASSWORD
from tests.support.live import LiveServer
from tests.support.proxy import nginx_in_front, request

LOGIN = "/api/v1/auth/login"


def source(n: int) -> str:
    """The n-th client address on the loopback network (127.0.1.1, 127.0.1.2, …)."""
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def login(port: int, username: str, password: str, **options: str) -> tuple[int, object]:
    return request("127.0.0.1", port, "POST", LOGIN, {"username": username, "password": password}, **options)


def seed_demo_into(database: str, tmp_path: Path) -> None:
    from server.demo import seed_demo
    from server.store import migrate
    from server.web import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path, database))
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    seed_demo(deps)
    deps.store.engine.dispose()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[LiveServer]]:
    """Two server processes on one database, as deployed behind nginx."""
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    seed_demo_into(database, tmp_path)  # `serve --demo` keeps its own database: seed the shared one
    first = LiveServer(tmp_path / "one", database, extra_env={"BRANCHQ_TRUSTED_PROXIES": "1"}).start()
    second = LiveServer(tmp_path / "two", database, extra_env={"BRANCHQ_TRUSTED_PROXIES": "1"})
    try:
        yield [first, second.start()]
    finally:
        first.stop()
        second.stop()


def test_300_guesses_from_300_addresses_lock_the_name_on_every_process(servers):
    first, second = (server.port for server in servers)
    answers = [login(first, "teller1", f"guess-{n}", source=source(n), Authorization="Bearer x") for n in range(300)]
    status, body = answers[0]
    assert answers == [(status, body)] * 300
    assert status == 401 and body["error"]["code"] == "invalid_credentials"
    # the right password, from a fresh address, on the other process: refused the same way
    assert login(second, "teller1", DEMO_PASSWORD, source=source(400)) == (status, body)
    # a name that does not exist, after as many guesses, answers the same
    for n in range(5):
        login(first, "no-such-teller", "guess", source=source(500 + n))
    assert login(second, "no-such-teller", DEMO_PASSWORD, source=source(510)) == (status, body)
    # an admin lifts the lock
    admin = login(second, "admin", DEMO_PASSWORD, source=source(600))[1]["token"]
    users = request("127.0.0.1", first, "GET", "/api/v1/users", Authorization=f"Bearer {admin}")[1]
    teller = next(u for u in users if u["username"] == "teller1")
    unlocked = request(
        "127.0.0.1", first, "POST", f"/api/v1/users/{teller['id']}/unlock", Authorization=f"Bearer {admin}"
    )
    assert unlocked[0] == 200
    assert login(second, "teller1", DEMO_PASSWORD, source=source(700))[0] == 200


@pytest.mark.parametrize("trusted_proxies", ["1", "0"])
def test_behind_nginx_each_client_address_has_its_own_login_limit(tmp_path, trusted_proxies):
    database = f"sqlite:///{tmp_path / 'branchq.sqlite3'}"
    server = LiveServer(
        tmp_path / "server", database, demo=True, extra_env={"BRANCHQ_TRUSTED_PROXIES": trusted_proxies}
    )
    server.start()
    try:
        with nginx_in_front(server.port, tmp_path / "nginx") as port:
            # ten bad logins from one client, which also claims other addresses: a client-written
            # X-Forwarded-For is not believed, only the hop nginx adds
            for n in range(10):
                guess = login(port, f"nobody-{n}", "x", source="127.0.0.2", **{"X-Forwarded-For": f"198.51.100.{n}"})
                assert guess[0] == 401
            assert login(port, "nobody", "x", source="127.0.0.2", **{"X-Forwarded-For": "198.51.100.99"})[0] == 429
            teller_elsewhere = login(port, "teller1", DEMO_PASSWORD, source="127.0.0.3")[0]
    finally:
        server.stop()
    # without trusting nginx, every client is nginx's address and shares its limit (the fault)
    assert teller_elsewhere == (200 if trusted_proxies == "1" else 429)


def test_trusted_proxies_must_be_a_count(monkeypatch, tmp_path):
    from server.settings import Settings

    monkeypatch.setenv("BRANCHQ_INSTANCE", str(tmp_path))
    monkeypatch.setenv("BRANCHQ_TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="BRANCHQ_TRUSTED_PROXIES"):
        Settings.from_env()
    monkeypatch.setenv("BRANCHQ_TRUSTED_PROXIES", "2")
    assert Settings.from_env().trusted_proxies == 2
    monkeypatch.delenv("BRANCHQ_TRUSTED_PROXIES")
    assert Settings.from_env().trusted_proxies == 0
