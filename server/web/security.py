"""Bearer tokens at the edge: who is calling, for the services to authorise."""

from __future__ import annotations

import threading
import time

from flask import current_app, g, request

from server.domain.errors import Unauthorized
from server.domain.records import Principal
from server.services import auth as auth_service
from server.web.context import deps


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


class PrincipalCache:
    """Recently checked tokens, for a few seconds: a kiosk or teller sends many requests.

    Revocation and logout in this process take effect at once (``forget``); other
    processes notice within ``ttl`` seconds.
    """

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Principal | None:
        with self._lock:
            entry = self._entries.get(token)
        if entry and entry[0] > time.monotonic():
            return entry[1]
        return None

    def put(self, token: str, principal: Principal) -> None:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[token] = (time.monotonic() + self.ttl, principal)

    def forget_all(self) -> None:
        with self._lock:
            self._entries.clear()


def current_principal() -> Principal | None:
    """The caller, or None on a public request. A bad token is an error, never anonymous."""
    if "principal" not in g:
        token = bearer_token()
        g.principal = _authenticate(token) if token else None
    principal: Principal | None = g.principal
    return principal


def _authenticate(token: str) -> Principal:
    cache: PrincipalCache = current_app.extensions["branchq_principals"]
    principal = cache.get(token)
    if principal is None:
        principal = auth_service.authenticate(deps(), token)
        cache.put(token, principal)
    return principal


def required_principal() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Unauthorized("unauthorized", "send Authorization: Bearer <token>", None)
    return principal


def forget_cached_tokens() -> None:
    """After a logout or a revocation: this process asks the database again."""
    cache: PrincipalCache = current_app.extensions["branchq_principals"]
    cache.forget_all()
