"""Senders for the notification outbox: each delivers one message or raises."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

import requests

from server.domain.languages import DEFAULT, is_known
from server.domain.privacy import mask_phone
from server.domain.remote import SECRET_KINDS
from server.i18n import say
from server.notify.settings import NotifySettings

log = logging.getLogger("branchq.notify")


class LogSender:
    """The default: the message goes to the server log (nothing leaves the machine)."""

    channel = "log"

    def __init__(self) -> None:
        self.sent: list[Mapping[str, Any]] = []

    def send(self, message: Mapping[str, Any]) -> None:
        body = "******" if message["kind"] in SECRET_KINDS else message["body"]
        log.info("notify %s to %s: %s", message["kind"], mask_phone(message.get("phone")), body)
        self.sent.append(message)


def _has_email(message: Mapping[str, Any]) -> bool:
    return bool(message.get("email"))


class SmtpSender:
    """Email to the address given at booking; messages for bookings without one are only logged."""

    channel = "smtp"

    def __init__(self, settings: NotifySettings) -> None:
        if not settings.smtp_host:
            raise ValueError("BRANCHQ_NOTIFY=smtp needs BRANCHQ_SMTP_HOST")
        self.settings = settings

    reaches = staticmethod(_has_email)

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


class HttpSmsSender:
    """SMS through a generic HTTP gateway: the body is ``BRANCHQ_SMS_TEMPLATE`` with ``{to}``,
    ``{text}``, ``{id}`` and ``{language}`` replaced by JSON strings; a 2xx answer is sent,
    anything else (or no answer within the timeout) is retried by the outbox."""

    channel = "sms"

    def __init__(self, settings: NotifySettings) -> None:
        if not settings.sms_url:
            raise ValueError("BRANCHQ_NOTIFY=sms needs BRANCHQ_SMS_URL")
        self.settings = settings
        self.session = requests.Session()
        self.session.trust_env = False

    def reaches(self, message: Mapping[str, Any]) -> bool:
        return bool(message.get("phone"))

    def body(self, message: Mapping[str, Any]) -> bytes:
        values = {
            "to": message.get("phone"),
            "text": message["body"],
            "id": f"branchq-{message['id']}",
            "language": message.get("language"),
        }
        text = self.settings.sms_template
        for key, value in values.items():
            text = text.replace("{" + key + "}", json.dumps(value, ensure_ascii=False))
        return text.encode()

    def send(self, message: Mapping[str, Any]) -> None:
        headers = {"Content-Type": self.settings.sms_content_type, "Idempotency-Key": f"branchq-{message['id']}"}
        if self.settings.sms_auth_header:
            name, _, value = self.settings.sms_auth_header.partition(":")
            headers[name.strip()] = value.strip()
        response = self.session.post(
            self.settings.sms_url,
            data=self.body(message),
            headers=headers,
            timeout=(3.05, self.settings.timeout_s),
            allow_redirects=False,
        )
        response.close()
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"SMS gateway answered HTTP {response.status_code}")


class ChannelRouter:
    """Several channels behind the one interface: each message goes by the first that reaches
    its recipient (sms and webhook need a phone, smtp an address); the log takes the rest."""

    def __init__(self, senders: list[Any]) -> None:
        self.senders = senders
        self.fallback = LogSender()
        self.channel = "+".join(s.channel for s in senders)

    def pick(self, message: Mapping[str, Any]) -> Any:
        for sender in self.senders:
            reaches = getattr(sender, "reaches", None)
            if reaches is None or reaches(message):
                return sender
        return self.fallback

    def send(self, message: Mapping[str, Any]) -> None:
        self.pick(message).send(message)


SENDERS = {"smtp": SmtpSender, "webhook": WebhookSender, "sms": HttpSmsSender}


def make_sender(settings: NotifySettings) -> Any:
    names = settings.channels if settings.channels != ("log",) else (settings.channel,)
    senders = [SENDERS[name](settings) if name in SENDERS else LogSender() for name in names]
    return senders[0] if len(senders) == 1 else ChannelRouter(senders)
