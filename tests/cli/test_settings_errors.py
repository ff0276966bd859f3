"""A setting that cannot work ends the command with one line naming it, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from server.cli import main
from tests.support.databases import fresh_postgres
from tests.support.live import free_port

BAD_SETTINGS = [
    (
        {"DATABASE_URL": "postgresql://127.0.0.1:1/branchq"},
        "Error: cannot reach the database postgresql://127.0.0.1:1/branchq (DATABASE_URL): connection failed:",
    ),
    (
        {"DATABASE_URL": "sqlite:////no/such/folder/branchq.sqlite3"},
        "Error: cannot reach the database sqlite:////no/such/folder/branchq.sqlite3 (DATABASE_URL):"
        " unable to open database file",
    ),
    (
        {"DATABASE_URL": "mysql://root:hunter2@db/branchq"},
        "Error: DATABASE_URL must start with sqlite:/// or postgresql://, not 'mysql://…'",
    ),
    ({"BRANCHQ_TOKEN_TTL": "12h"}, "Error: BRANCHQ_TOKEN_TTL must be a whole number of seconds, not '12h'"),
    (
        {"BRANCHQ_SCHEDULER": "maybe"},
        "Error: BRANCHQ_SCHEDULER must be 1 or 0 (true/false, yes/no, on/off), not 'maybe'",
    ),
    ({"BRANCHQ_SPEECH_ENGINE": "festival"}, "Error: BRANCHQ_SPEECH_ENGINE must be one of espeak, none, not 'festival'"),
    ({"BRANCHQ_NOTIFY": "pigeon"}, "Error: BRANCHQ_NOTIFY must be one of log, smtp, webhook, sms, not 'pigeon'"),
    ({"BRANCHQ_NOTIFY": "sms"}, "Error: BRANCHQ_NOTIFY=sms needs BRANCHQ_SMS_URL (the SMS gateway to post to)"),
    (
        {"BRANCHQ_NOTIFY": "sms", "BRANCHQ_SMS_URL": "http://gw", "BRANCHQ_SMS_AUTH_HEADER": "no-colon"},
        "Error: BRANCHQ_SMS_AUTH_HEADER must be a whole header",
    ),
    ({"BRANCHQ_WEBHOOK_ALLOW_PRIVATE": "maybe"}, "Error: BRANCHQ_WEBHOOK_ALLOW_PRIVATE must be 1 or 0"),
    (
        {"BRANCHQ_NOTIFY": "smtp"},
        "Error: BRANCHQ_NOTIFY=smtp needs BRANCHQ_SMTP_HOST (the mail server to send through)",
    ),
    (
        {"BRANCHQ_NOTIFY": "smtp", "BRANCHQ_SMTP_HOST": "mail", "BRANCHQ_SMTP_PORT": "smtp"},
        "Error: BRANCHQ_SMTP_PORT must be a whole number, not 'smtp'",
    ),
]


@pytest.mark.parametrize(("env", "message"), BAD_SETTINGS, ids=lambda v: "-".join(v) if isinstance(v, dict) else "")
def test_a_bad_setting_is_refused_in_one_line_before_serving(tmp_path, monkeypatch, env, message):
    monkeypatch.setenv("BRANCHQ_INSTANCE", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["serve", "--port", str(free_port())])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(message), result.output
    assert result.output.count("\n") == 1  # one line, and nothing was served


def test_the_real_command_prints_no_traceback(tmp_path):
    env = {"BRANCHQ_INSTANCE": str(tmp_path), "PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://u:pw@127.0.0.1:1/x"}
    done = subprocess.run(
        [sys.executable, "-m", "server", "create-admin", "alice", "--password", "long-enough-1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach the database postgresql://u:***@127.0.0.1:1/x")


def test_postgres_scheme_means_postgresql(tmp_path, monkeypatch):
    with fresh_postgres() as url:
        monkeypatch.setenv("BRANCHQ_INSTANCE", str(tmp_path))
        monkeypatch.setenv("DATABASE_URL", "postgres://" + url.split("://", 1)[1])
        result = CliRunner().invoke(main, ["create-admin", "alice", "--password", "long-enough-1"])
        assert (result.exit_code, result.output) == (0, "admin alice created\n")


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert (result.exit_code, result.output) == (0, "branchq 0.1.0\n")
