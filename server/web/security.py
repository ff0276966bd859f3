"""Bearer tokens at the edge: who is calling, for the services to authorise."""

from __future__ import annotations

import threading
import time

from flask import current_app, g, request

from server.domain.errors import Unauthorized
from server.domain.records import Principal
from server.services import auth as auth_service
from server.services.context import Deps
from server.web.context import deps


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


class PrincipalCache:
    """Recently checked tokens, for a moment: a kiosk or teller sends many requests.

    A change to a credential drops its principal's entries at once in every process
    (``forget_principal``, see revocation.py); ``ttl`` bounds how long an entry lives
    should that announcement be lost.
    """

    def __init__(self, ttl: float = 1.0) -> None:
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

    def forget_principal(self, kind: str, principal_id: int) -> None:
        with self._lock:
            for token in [t for t, (_, p) in self._entries.items() if p.kind == kind and p.id == principal_id]:
                del self._entries[token]

    def authenticate(self, deps: Deps, token: str) -> Principal:
        principal = self.get(token)
        if principal is None:
            principal = auth_service.authenticate(deps, token)
            self.put(token, principal)
        return principal


def current_principal() -> Principal | None:
    """The caller, or None on a public request. A bad token is an error, never anonymous."""
    if "principal" not in g:
        token = bearer_token()
        g.principal = _authenticate(token) if token else None
    principal: Principal | None = g.principal
    return principal


def _authenticate(token: str) -> Principal:
    cache: PrincipalCache = current_app.extensions["branchq_principals"]
    return cache.authenticate(deps(), token)


def required_principal() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Unauthorized("unauthorized", "send Authorization: Bearer <token>", None)
    return principal


def announce_change(kind: str, principal_id: int) -> None:
    """After a change to a credential committed: every process forgets and re-checks it."""
    current_app.extensions["branchq_revocations"].announce(kind, principal_id)
