"""Settings, read once from the environment (BRANCHQ_*, DATABASE_URL, …) and passed in."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


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

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        instance = _instance_dir()
        # owner only: it holds the database, the secret key and the speech cache
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        env = os.environ
        mq = env.get("SOCKETIO_MESSAGE_QUEUE") or None
        settings = cls(
            database_url=env.get("DATABASE_URL") or f"sqlite:///{instance / 'branchq.sqlite3'}",
            secret_key=_secret_key(instance),
            instance_dir=instance,
            message_queue=mq,
            ratelimit_storage=env.get("BRANCHQ_RATELIMIT_STORAGE") or (mq if mq else "memory://"),
            token_ttl_seconds=int(env.get("BRANCHQ_TOKEN_TTL", 12 * 3600)),
            run_scheduler=env.get("BRANCHQ_SCHEDULER", "1") not in ("0", "false", "no"),
            public_base_url=env.get("BRANCHQ_PUBLIC_URL", ""),
            speech_cache_dir=Path(env["BRANCHQ_SPEECH_CACHE"]) if env.get("BRANCHQ_SPEECH_CACHE") else None,
            speech_engine=env.get("BRANCHQ_SPEECH_ENGINE", "espeak"),
            max_connections_per_ip=int(env.get("BRANCHQ_MAX_CONNECTIONS_PER_IP", 200)),
            max_connections_per_credential=int(env.get("BRANCHQ_MAX_CONNECTIONS_PER_TOKEN", 20)),
            join_timeout_seconds=float(env.get("BRANCHQ_JOIN_TIMEOUT", 10)),
            db_busy_timeout=float(env.get("BRANCHQ_DB_BUSY_TIMEOUT", 5.0)),
        )
        return replace(settings, **overrides)
