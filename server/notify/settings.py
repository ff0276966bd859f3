"""Notification settings from the environment (read once, at start-up).

``BRANCHQ_NOTIFY``: ``log`` (default: messages go to the server log), ``smtp`` or ``webhook``.
SMTP: ``BRANCHQ_SMTP_HOST``, ``_PORT`` (587), ``_USER``, ``_PASSWORD``, ``_FROM``, ``_STARTTLS`` (1).
Webhook: ``BRANCHQ_NOTIFY_WEBHOOK_URL`` gets a JSON POST per message, with
``Authorization: Bearer $BRANCHQ_NOTIFY_WEBHOOK_TOKEN`` when set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

CHANNELS = ("log", "smtp", "webhook")


@dataclass(frozen=True)
class NotifySettings:
    channel: str = "log"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "branchq@localhost"
    smtp_starttls: bool = True
    webhook_url: str = ""
    webhook_token: str = ""
    timeout_s: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> NotifySettings:
        env = os.environ if env is None else env
        channel = env.get("BRANCHQ_NOTIFY", "log").strip().lower() or "log"
        if channel not in CHANNELS:
            raise ValueError(f"BRANCHQ_NOTIFY must be one of {', '.join(CHANNELS)}, not {channel!r}")
        return cls(
            channel=channel,
            smtp_host=env.get("BRANCHQ_SMTP_HOST", ""),
            smtp_port=int(env.get("BRANCHQ_SMTP_PORT", "587")),
            smtp_user=env.get("BRANCHQ_SMTP_USER", ""),
            smtp_password=env.get("BRANCHQ_SMTP_PASSWORD", ""),
            smtp_from=env.get("BRANCHQ_SMTP_FROM", "branchq@localhost"),
            smtp_starttls=env.get("BRANCHQ_SMTP_STARTTLS", "1") not in ("0", "false", "no"),
            webhook_url=env.get("BRANCHQ_NOTIFY_WEBHOOK_URL", ""),
            webhook_token=env.get("BRANCHQ_NOTIFY_WEBHOOK_TOKEN", ""),
        )
