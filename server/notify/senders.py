"""Senders for the notification outbox: each delivers one message or raises."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from server.domain.languages import DEFAULT, is_known
from server.i18n import say
from server.notify.settings import NotifySettings

log = logging.getLogger("branchq.notify")


class LogSender:
    """The default: the message goes to the server log (nothing leaves the machine)."""

    channel = "log"

    def __init__(self) -> None:
        self.sent: list[Mapping[str, Any]] = []

    def send(self, message: Mapping[str, Any]) -> None:
        log.info("notify %s to %s: %s", message["kind"], message.get("phone"), message["body"])
        self.sent.append(message)


class SmtpSender:
    """Email to the address given at booking; messages for bookings without one are only logged."""

    channel = "smtp"

    def __init__(self, settings: NotifySettings) -> None:
        if not settings.smtp_host:
            raise ValueError("BRANCHQ_NOTIFY=smtp needs BRANCHQ_SMTP_HOST")
        self.settings = settings

    def send(self, message: Mapping[str, Any]) -> None:
        if not message.get("email"):
            log.info("notify %s: no email address, not sent by mail: %s", message["kind"], message["body"])
            return
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_from
        mail["To"] = message["email"]
        mail["Subject"] = say("mail.subject", _known(message.get("language")))
        mail.set_content(message["body"])
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_s) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(mail)


class WebhookSender:
    """A JSON POST per message, for SMS gateways: ``{"id", "to", "text", "kind", "language"}``."""

    channel = "webhook"

    def __init__(self, settings: NotifySettings) -> None:
        if not settings.webhook_url:
            raise ValueError("BRANCHQ_NOTIFY=webhook needs BRANCHQ_NOTIFY_WEBHOOK_URL")
        self.settings = settings

    def send(self, message: Mapping[str, Any]) -> None:
        payload = {
            "id": message["id"],
            "to": message.get("phone"),
            "email": message.get("email"),
            "text": message["body"],
            "kind": message["kind"],
            "language": message.get("language"),
        }
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"branchq-{message['id']}"}
        if self.settings.webhook_token:
            headers["Authorization"] = f"Bearer {self.settings.webhook_token}"
        request = urllib.request.Request(
            self.settings.webhook_url, data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        # urlopen raises HTTPError for 4xx/5xx: the outbox retries with back-off
        with urllib.request.urlopen(request, timeout=self.settings.timeout_s) as response:
            response.read()


def _known(code: Any) -> str:
    """A stored message's language, or the default for one no longer in the registry."""
    return code if is_known(code) else DEFAULT


def make_sender(settings: NotifySettings) -> LogSender | SmtpSender | WebhookSender:
    if settings.channel == "smtp":
        return SmtpSender(settings)
    if settings.channel == "webhook":
        return WebhookSender(settings)
    return LogSender()
