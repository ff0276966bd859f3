"""Notification settings from the environment (read once, at start-up).

``BRANCHQ_NOTIFY``: ``log`` (default: messages go to the server log), ``smtp`` or ``webhook``.
SMTP: ``BRANCHQ_SMTP_HOST``, ``_PORT`` (587), ``_USER``, ``_PASSWORD``, ``_FROM``, ``_STARTTLS`` (1).
Webhook: ``BRANCHQ_NOTIFY_WEBHOOK_URL`` gets a JSON POST per message, with
``Authorization: Bearer $BRANCHQ_NOTIFY_WEBHOOK_TOKEN`` when set.
SMS through a generic HTTP gateway: ``BRANCHQ_SMS_URL``, ``BRANCHQ_SMS_AUTH_HEADER`` (a whole
header, ``Name: value``), ``BRANCHQ_SMS_TEMPLATE`` (the body; ``{to}``, ``{text}``, ``{id}``,
``{language}`` are filled in JSON-escaped) and ``BRANCHQ_SMS_CONTENT_TYPE``.
Several channels: ``BRANCHQ_NOTIFY=sms,smtp`` sends each message by the first that can reach
its recipient (a phone for sms and webhook, an address for smtp).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from server.settings import SettingsError, env_choice, env_flag, env_int

CHANNELS = ("log", "smtp", "webhook", "sms")
SMS_TEMPLATE = '{"to": {to}, "text": {text}, "reference": {id}}'


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
    channels: tuple[str, ...] = ("log",)
    sms_url: str = ""
    sms_auth_header: str = ""
    sms_template: str = SMS_TEMPLATE
    sms_content_type: str = "application/json"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> NotifySettings:
        env = os.environ if env is None else env
        channels = _channels(env)
        channel = channels[0]
        settings = cls(
            channel=channel,
            channels=channels,
            sms_url=env.get("BRANCHQ_SMS_URL", "").strip(),
            sms_auth_header=env.get("BRANCHQ_SMS_AUTH_HEADER", "").strip(),
            sms_template=env.get("BRANCHQ_SMS_TEMPLATE", "").strip() or SMS_TEMPLATE,
            sms_content_type=env.get("BRANCHQ_SMS_CONTENT_TYPE", "").strip() or "application/json",
            smtp_host=env.get("BRANCHQ_SMTP_HOST", "").strip(),
            smtp_port=env_int(env, "BRANCHQ_SMTP_PORT", 587, minimum=1),
            smtp_user=env.get("BRANCHQ_SMTP_USER", ""),
            smtp_password=env.get("BRANCHQ_SMTP_PASSWORD", ""),
            smtp_from=env.get("BRANCHQ_SMTP_FROM", "branchq@localhost"),
            smtp_starttls=env_flag(env, "BRANCHQ_SMTP_STARTTLS", True),
            webhook_url=env.get("BRANCHQ_NOTIFY_WEBHOOK_URL", "").strip(),
            webhook_token=env.get("BRANCHQ_NOTIFY_WEBHOOK_TOKEN", ""),
        )
        if "sms" in channels and not settings.sms_url:
            raise SettingsError("BRANCHQ_NOTIFY=sms needs BRANCHQ_SMS_URL (the SMS gateway to post to)")
        if settings.sms_auth_header and ":" not in settings.sms_auth_header:
            raise SettingsError("BRANCHQ_SMS_AUTH_HEADER must be a whole header, like 'Authorization: Bearer …'")
        if "smtp" in channels and not settings.smtp_host:
            raise SettingsError("BRANCHQ_NOTIFY=smtp needs BRANCHQ_SMTP_HOST (the mail server to send through)")
        if "webhook" in channels and not settings.webhook_url:
            raise SettingsError("BRANCHQ_NOTIFY=webhook needs BRANCHQ_NOTIFY_WEBHOOK_URL")
        return settings


def _channels(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = [part.strip().lower() for part in env.get("BRANCHQ_NOTIFY", "").split(",") if part.strip()]
    for name in raw:
        env_choice({"BRANCHQ_NOTIFY": name}, "BRANCHQ_NOTIFY", CHANNELS)
    return tuple(dict.fromkeys(raw)) or ("log",)
