"""Outgoing HTTP POSTs to addresses managers typed in (webhooks, SMS gateways), with timeouts.

A URL a manager registers is a request this server makes on their behalf, from inside the
bank's network (SSRF). Only http(s) is fetched, redirects are not followed, and unless
``BRANCHQ_WEBHOOK_ALLOW_PRIVATE=1`` a host that resolves to a loopback, private, link-local
(cloud metadata) or reserved address is refused — at registration and again at each send,
since a name can be pointed elsewhere later. Integrators inside the bank's own network turn
the setting on deliberately; tests do, because their receiver listens on 127.0.0.1.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests

from server.domain.errors import InvalidInput
from server.domain.webhooks import check_url_shape, is_private

CONNECT_TIMEOUT_S = 3.05
READ_TIMEOUT_S = 10.0


class RefusedAddress(Exception):
    """The URL's host is on a network this server does not post to."""


def check_destination(url: str, *, allow_private: bool) -> None:
    """Raise RefusedAddress when the host resolves to an address outside the allowed networks."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise RefusedAddress(f"cannot resolve {host}: {error}") from None
    if allow_private:
        return
    for info in infos:
        address = str(info[4][0]).split("%")[0]
        if is_private(address):
            raise RefusedAddress(f"{host} resolves to {address}, a private address (BRANCHQ_WEBHOOK_ALLOW_PRIVATE=1)")


def checked_url(url: object, *, allow_private: bool) -> str:
    """A URL a manager gave, refused with a 422-style error when it may not be posted to."""
    clean = check_url_shape(url)
    try:
        check_destination(clean, allow_private=allow_private)
    except RefusedAddress as error:
        raise InvalidInput("url_refused", str(error), "url") from None
    return clean


class HttpPoster:
    """One POST with connect and read timeouts; returns the status code (redirects are answers)."""

    def __init__(self, *, allow_private: bool, timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)):
        self.allow_private = allow_private
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment gets our signed bodies

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        check_destination(url, allow_private=self.allow_private)
        response = self.session.post(url, data=body, headers=dict(headers), timeout=self.timeout, allow_redirects=False)
        response.close()
        return int(response.status_code)
