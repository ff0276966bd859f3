"""Staff logins and bearer tokens (staff sessions and device tokens)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from server.domain.errors import Forbidden, Unauthorized
from server.domain.login_backoff import lock_seconds
from server.domain.records import Principal
from server.services.context import Deps, found
from server.services.ports import UnitOfWork

# A pairing link (/kiosk?device=…) works once, within a day: its token ends up in logs.
PAIRING_SECONDS = 24 * 3600

# Compared against when the username is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("not-a-password")


def digest(token: str) -> str:
    # surrogatepass: any text has a digest (a lone surrogate is just a wrong token, not an error)
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def new_token(
    uow: UnitOfWork, now: datetime, *, user_id: int | None = None, device_id: int | None = None, ttl: int | None = None
) -> str:
    token = secrets.token_urlsafe(32)
    uow.tokens.add(
        {
            "digest": digest(token),
            "user_id": user_id,
            "device_id": device_id,
            "created_at": now,
            "expires_at": now + timedelta(seconds=ttl) if ttl else None,
        }
    )
    return token


REFUSED = "wrong username or password, or too many failed attempts: wait a little and try again"


def login(deps: Deps, username: str, password: str) -> dict[str, Any]:
    """A staff session for the right password, unless the name is locked by failed attempts.

    Every refusal is the same answer, whether the name is unknown, the password wrong or the
    name locked; unknown names are counted and locked like real ones. The slow password check
    runs outside any write transaction, so guessing never holds up the branch's writes, and
    not at all while the name is locked.
    """
    now = deps.clock()
    name = digest(username)
    with deps.store.read() as uow:
        locked = _locked(uow, name, now)
        found = uow.users.credentials(username)
    if locked:
        raise _refused()
    if (
        not deps.offload(check_password_hash, found[1] if found else _DUMMY_HASH, password)
        or not found
        or not found[0].active
    ):
        with deps.store.write() as uow:
            failures = uow.login_failures.count(name, now)
            if seconds := lock_seconds(failures):
                uow.login_failures.lock(name, now + timedelta(seconds=seconds))
        raise _refused()
    user = found[0]
    with deps.store.write() as uow:
        if _locked(uow, name, now):  # a parallel guess locked the name while this one was checked
            raise _refused()
        uow.login_failures.clear(name)
        token = new_token(uow, now, user_id=user.id, ttl=deps.token_ttl_seconds)
    return {
        "token": token,
        "expires_in": deps.token_ttl_seconds,
        "user": {"id": user.id, "username": user.username, "role": user.role, "branch_ids": user.branch_ids},
    }


def _locked(uow: UnitOfWork, name: str, now: datetime) -> bool:
    until = uow.login_failures.locked_until(name)
    return until is not None and until > now


def _refused() -> Unauthorized:
    return Unauthorized("invalid_credentials", REFUSED, "password")


def unlock_login(uow: UnitOfWork, username: str) -> None:
    """Forget a name's failed attempts: it may log in again at once."""
    uow.login_failures.clear(digest(username))


def authenticate(deps: Deps, token: str) -> Principal:
    """The principal behind a bearer token; Unauthorized when unknown, revoked or expired."""
    now = deps.clock()
    with deps.store.read() as uow:
        row = uow.tokens.lookup(digest(token))
        if row is None or row.revoked:
            raise Unauthorized("invalid_token", "unknown or revoked token", None)
        if row.expires_at is not None and row.expires_at <= now:
            raise Unauthorized("token_expired", "the session has expired; log in again", None)
        if row.user_id is not None:
            user = uow.users.get(row.user_id)
            if user is None or not user.active:
                raise Unauthorized("invalid_token", "unknown or revoked token", None)
            return Principal("user", user.id, user.role, tuple(user.branch_ids), user.username, row.digest)
        device = uow.devices.get(row.device_id) if row.device_id is not None else None
        if device is None or device.revoked:
            raise Unauthorized("invalid_token", "unknown or revoked token", None)
        return Principal("device", device.id, device.kind, (device.branch_id,), device.name, row.digest)


def logout(deps: Deps, token: str) -> tuple[str, int] | None:
    """Revoke the token; the principal it stood for ("user" or "device", id), if any."""
    with deps.store.write() as uow:
        row = uow.tokens.lookup(digest(token))
        if row is None:
            return None
        uow.tokens.revoke(row.digest)
    if row.user_id is not None:
        return ("user", row.user_id)
    return ("device", row.device_id) if row.device_id is not None else None


def pairing_token(uow: UnitOfWork, now: datetime, device_id: int) -> str:
    """For a screen's pairing link: exchanged on first open for a token kept by the screen."""
    return new_token(uow, now, device_id=device_id, ttl=PAIRING_SECONDS)


def pair_device(deps: Deps, token: str) -> dict[str, Any]:
    """Exchange the token a link carried for a new one of the same device. A pairing token
    is spent by it; a device's own token (older links) stays valid for its agent."""
    principal = authenticate(deps, token)
    if principal.kind != "device":
        raise Forbidden("forbidden_role", "only a device token pairs a screen")
    with deps.store.write() as uow:
        row = found(uow.tokens.lookup(digest(token)), "token")  # authenticated just now
        if row.expires_at is not None:
            uow.tokens.revoke(row.digest)
        new = new_token(uow, deps.clock(), device_id=principal.id)
    return {"token": new, "device_id": principal.id, "kind": principal.role}
