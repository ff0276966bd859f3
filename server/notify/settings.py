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

from server.settings import SettingsError, env_choice, env_flag, env_int

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
        channel = env_choice(env, "BRANCHQ_NOTIFY", CHANNELS)
        settings = cls(
            channel=channel,
            smtp_host=env.get("BRANCHQ_SMTP_HOST", "").strip(),
            smtp_port=env_int(env, "BRANCHQ_SMTP_PORT", 587, minimum=1),
            smtp_user=env.get("BRANCHQ_SMTP_USER", ""),
            smtp_password=env.get("BRANCHQ_SMTP_PASSWORD", ""),
            smtp_from=env.get("BRANCHQ_SMTP_FROM", "branchq@localhost"),
            smtp_starttls=env_flag(env, "BRANCHQ_SMTP_STARTTLS", True),
            webhook_url=env.get("BRANCHQ_NOTIFY_WEBHOOK_URL", "").strip(),
            webhook_token=env.get("BRANCHQ_NOTIFY_WEBHOOK_TOKEN", ""),
        )
        if channel == "smtp" and not settings.smtp_host:
            raise SettingsError("BRANCHQ_NOTIFY=smtp needs BRANCHQ_SMTP_HOST (the mail server to send through)")
        if channel == "webhook" and not settings.webhook_url:
            raise SettingsError("BRANCHQ_NOTIFY=webhook needs BRANCHQ_NOTIFY_WEBHOOK_URL")
        return settings
