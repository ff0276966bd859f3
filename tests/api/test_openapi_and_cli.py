"""The served OpenAPI document covers every route; the command line does what it says."""

from __future__ import annotations

import re
import subprocess
import sys

from server.store.outbox import OutboxRelay


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.startswith("/api/v1/docs") or "openapi" in rule.rule:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is not in the OpenAPI document"
    ticket_in = spec["components"]["schemas"]["TicketIn"]
    assert "service_id" in ticket_in["required"]
    assert spec["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"


def test_health_reports_database_and_queue(client):
    assert client.get("/healthz").json == {
        "status": "ok",
        "db": "ok",
        "message_queue": "off",
        "websockets": 0,
        "connections": 0,
    }


def test_prune_keeps_only_the_last_events(deps, branch):
    from server.services import auth, tickets

    kiosk = auth.authenticate(deps, branch.tokens["kiosk"])
    for _ in range(8):
        tickets.issue_ticket(deps, kiosk, branch.id, branch.services["A"])
    relay = OutboxRelay(deps.store, lambda *a: None)
    relay.prune_all(keep=4)
    with deps.store.read() as uow:
        last = uow.branches.seq(branch.id)
        assert [seq for seq, _n, _p in uow.events.after(branch.id, 0)] == list(range(last - 3, last + 1))


def run_cli(tmp_path, *args, input_text=None):
    env = {"BRANCHQ_INSTANCE": str(tmp_path), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "server", *args], env=env, capture_output=True, text=True, input=input_text, timeout=120
    )


def test_create_admin_refuses_an_existing_username_and_resets_passwords(tmp_path):
    made = run_cli(tmp_path, "create-admin", "alice", "--password", "first-password")
    assert made.returncode == 0 and "admin alice created" in made.stdout
    again = run_cli(tmp_path, "create-admin", "alice", "--password", "other-password")
    assert again.returncode == 1 and "exists" in again.stderr and "--reset-password" in again.stderr
    reset = run_cli(tmp_path, "create-admin", "alice", "--password", "new-password-1", "--reset-password")
    assert reset.returncode == 0 and "password of alice changed" in reset.stdout
    prompted = run_cli(tmp_path, "create-admin", "bob", input_text="prompted-pass\nprompted-pass\n")
    assert prompted.returncode == 0 and "admin bob created" in prompted.stdout
    weak = run_cli(tmp_path, "create-admin", "carol", "--password", "short")
    assert weak.returncode == 1 and "8 characters" in weak.stderr


def test_db_upgrade_creates_the_schema(tmp_path):
    done = run_cli(tmp_path, "db", "upgrade")
    assert done.returncode == 0 and "schema at head" in done.stdout
    assert (tmp_path / "branchq.sqlite3").exists()


def test_serve_demo_seeds_a_branch_and_prints_logins(tmp_path):
    import requests

    from tests.support.live import LiveServer

    server = LiveServer(tmp_path, f"sqlite:///{tmp_path / 'demo.sqlite3'}", demo=True).start()
    try:
        output = server.log.read_text()
        assert "teller1" in output and "branchq-demo" in output and "/kiosk?device=" in output
        token = re.search(r"/kiosk\?device=(\S+)", output).group(1)
        r = requests.post(
            f"{server.url}/api/v1/branches/1/tickets",
            json={"service_id": 1},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert r.status_code == 201 and r.json()["number"] == "A001"
        login = requests.post(
            f"{server.url}/api/v1/auth/login", json={"username": "teller1", "password": "branchq-demo"}, timeout=10
        )
        assert login.status_code == 200 and login.json()["user"]["role"] == "teller"
    finally:
        server.stop()


def test_scheduler_command_runs_the_jobs_until_stopped(tmp_path):
    import signal
    import time

    env = {"BRANCHQ_INSTANCE": str(tmp_path), "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "scheduler running" not in line:
            line = process.stdout.readline()
        assert "scheduler running" in line
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(20)
    assert process.returncode == 0 and "scheduler stopped" in process.stdout.read()


def test_wal_checkpoint_runs_outside_a_transaction(deps, branch, tmp_path):
    from server.services import auth, tickets

    kiosk = auth.authenticate(deps, branch.tokens["kiosk"])
    for _ in range(5):
        tickets.issue_ticket(deps, kiosk, branch.id, branch.services["A"])
    wal = tmp_path / "branchq.sqlite3-wal"
    assert wal.exists() and wal.stat().st_size > 0
    busy, log_frames, checkpointed = deps.store.checkpoint()
    assert busy == 0 and log_frames > 0 and checkpointed == log_frames


def test_migrations_build_exactly_the_tables_the_code_declares(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with app.extensions["branchq"].deps.store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_pushes_go_through_the_pusher_thread_in_order(deps, branch):
    import threading

    from server.services import auth, tickets

    pushed: list[tuple[int, str]] = []
    done = threading.Event()

    def emit(branch_id, events):
        for _name, payload in events:
            pushed.append((payload["seq"], threading.current_thread().name))
        if len(pushed) >= 20:
            done.set()

    relay = OutboxRelay(deps.store, emit, shared=False)
    relay.start_pusher()
    kiosk = auth.authenticate(deps, branch.tokens["kiosk"])
    with deps.store.read() as uow:
        start = uow.branches.seq(branch.id)
    relay.flush([branch.id])  # the set-up events
    pushed.clear()
    for _ in range(20):
        tickets.issue_ticket(deps, kiosk, branch.id, branch.services["A"])
        relay.request([branch.id])
    assert done.wait(10)
    assert [seq for seq, _t in pushed] == list(range(start + 1, start + 21))
    assert {thread for _s, thread in pushed} == {"outbox-pusher"}


def test_kiosk_prompts_are_served_as_wav_and_bad_keys_refused(client):
    import io
    import wave

    ok = client.get("/api/v1/prompts/audio.wav?key=your_number&number=A017&ahead=3&lang=en")
    assert ok.status_code == 200 and ok.mimetype == "audio/wav"
    with wave.open(io.BytesIO(ok.data)) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.3
    assert client.get("/api/v1/prompts/audio.wav?key=sing").status_code == 422
    missing = client.get("/api/v1/prompts/audio.wav?key=your_number")
    assert missing.status_code == 422 and missing.json["error"]["field"] == "number"
