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
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _count(env: Any, name: str) -> int:
    text = env.get(name, "0").strip() or "0"
    if not text.isdigit():
        raise ValueError(f"{name} must be a whole number of proxy hops, not {text!r}")
    return int(text)


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
    # how long a checked bearer token is trusted without asking the database again
    principal_cache_seconds: float = 5.0
    # reverse proxies in front of the server whose X-Forwarded-For/-Proto to believe (nginx: 1);
    # 0 takes the connecting address as the client's, so a client cannot claim another
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        instance = _instance_dir()
        instance.mkdir(parents=True, exist_ok=True)
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
            trusted_proxies=_count(env, "BRANCHQ_TRUSTED_PROXIES"),
        )
        return replace(settings, **overrides)
