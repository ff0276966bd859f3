"""Settings, read once from the environment (BRANCHQ_*, DATABASE_URL, …) and passed in.

A value that cannot work is refused here with a :class:`SettingsError` naming the variable,
so the command line can say so in one line instead of failing later with a traceback.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

SPEECH_ENGINES = ("espeak", "none")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
# what DATABASE_URL may start with; postgres:// is what Heroku-style platforms hand out
DATABASE_SCHEMES = ("sqlite://", "postgresql://", "postgresql+psycopg://", "postgres://")


class SettingsError(ValueError):
    """A setting that cannot work; the message names the variable and what it accepts."""


def _instance_dir() -> Path:
    return Path(os.environ.get("BRANCHQ_INSTANCE", Path.cwd() / "instance")).resolve()


def _secret_key(instance: Path) -> str:
    """BRANCHQ_SECRET_KEY, or one generated on first start and kept in the instance folder."""
    if key := os.environ.get("BRANCHQ_SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def env_int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0, unit: str = "") -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number{unit}, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {raw!r}")


def env_choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip().lower() or choices[0]
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def database_url(raw: str) -> str:
    """DATABASE_URL checked for a database BranchQ runs on; ``postgres://`` means PostgreSQL."""
    if not raw.startswith(DATABASE_SCHEMES):
        shown = raw.split("://")[0] + "://…" if "://" in raw else raw  # never echo a password
        raise SettingsError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {shown!r}")
    if raw.startswith("postgres://"):
        return "postgresql://" + raw.removeprefix("postgres://")
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    instance_dir: Path
    message_queue: str | None = None
    ratelimit_storage: str = "memory://"
    token_ttl_seconds: int = 12 * 3600
    # how many events per branch stay available for resync
    events_kept: int = 5000
    # Run APScheduler jobs in this process (turn off on all but one worker, or use `branchq scheduler`)
    run_scheduler: bool = True
    public_base_url: str = ""
    speech_cache_dir: Path | None = None
    # "espeak" (pyttsx3, else the espeak-ng command, else chime only) or "none" (chime only)
    speech_engine: str = "espeak"
    testing: bool = False
    # how long a checked bearer token is trusted without asking the database again, should
    # the announcement of its revocation be lost (revocation.py)
    principal_cache_seconds: float = 1.0
    # live connections one client address may hold unauthenticated or as ticket holders (0: no cap);
    # a branch's Wi-Fi or a mobile carrier puts many phones behind one address
    max_connections_per_ip: int = 200
    # live connections one staff or device credential may hold (0: no cap)
    max_connections_per_credential: int = 20
    # seconds a new connection has to join the namespace before it is closed
    join_timeout_seconds: float = 10.0
    # seconds a write waits for the database's lock before answering 503 database_busy
    db_busy_timeout: float = 5.0
    # reverse proxies in front of the server whose X-Forwarded-For/-Proto to believe (nginx: 1);
    # 0 takes the connecting address as the client's, so a client cannot claim another
    trusted_proxies: int = 0
    # webhooks may post to loopback, private and link-local addresses (integrators inside the
    # bank's network; tests): off, a manager's URL could reach the server's own network (SSRF)
    webhook_allow_private: bool = False

    @classmethod
    def from_env(cls, *, demo: bool = False, **overrides: Any) -> Settings:
        """``demo``: the demo's own instance folder and SQLite database (``instance/demo/``), so its
        well-known logins never reach the real database."""
        instance = _instance_dir() / "demo" if demo else _instance_dir()
        # owner only: it holds the database, the secret key and the speech cache
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        env = os.environ
        mq = env.get("SOCKETIO_MESSAGE_QUEUE") or None
        default_db = f"sqlite:///{instance / 'branchq.sqlite3'}"
        settings = cls(
            database_url=default_db if demo else database_url(env.get("DATABASE_URL") or default_db),
            secret_key=_secret_key(instance),
            instance_dir=instance,
            message_queue=None if demo else mq,
            ratelimit_storage=env.get("BRANCHQ_RATELIMIT_STORAGE") or (mq if mq and not demo else "memory://"),
            token_ttl_seconds=env_int(env, "BRANCHQ_TOKEN_TTL", 12 * 3600, minimum=60, unit=" of seconds"),
            run_scheduler=env_flag(env, "BRANCHQ_SCHEDULER", True),
            public_base_url=env.get("BRANCHQ_PUBLIC_URL", ""),
            speech_cache_dir=Path(env["BRANCHQ_SPEECH_CACHE"]) if env.get("BRANCHQ_SPEECH_CACHE") else None,
            speech_engine=env_choice(env, "BRANCHQ_SPEECH_ENGINE", SPEECH_ENGINES),
            max_connections_per_ip=env_int(env, "BRANCHQ_MAX_CONNECTIONS_PER_IP", 200),
            max_connections_per_credential=env_int(env, "BRANCHQ_MAX_CONNECTIONS_PER_TOKEN", 20),
            join_timeout_seconds=float(env.get("BRANCHQ_JOIN_TIMEOUT", 10)),
            db_busy_timeout=float(env.get("BRANCHQ_DB_BUSY_TIMEOUT", 5.0)),
            trusted_proxies=env_int(env, "BRANCHQ_TRUSTED_PROXIES", 0, unit=" of proxy hops"),
            webhook_allow_private=env_flag(env, "BRANCHQ_WEBHOOK_ALLOW_PRIVATE", False),
        )
        return replace(settings, **overrides)
