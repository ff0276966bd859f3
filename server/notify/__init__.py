"""Notification senders (log, SMTP email, HTTP webhook for SMS gateways), chosen by settings."""

from server.notify.senders import LogSender, SmtpSender, WebhookSender, make_sender
from server.notify.settings import NotifySettings

__all__ = ["LogSender", "NotifySettings", "SmtpSender", "WebhookSender", "make_sender"]
