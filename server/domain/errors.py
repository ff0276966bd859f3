"""Errors the domain raises; the web edge maps each kind to an HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request. ``code`` is stable snake_case for clients."""

    kind = "invalid"

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """Well-formed request whose values break a rule (HTTP 422)."""

    kind = "invalid"


class NotFound(DomainError):
    """An id that does not exist, or that the caller may not see (HTTP 404)."""

    kind = "not_found"


class Conflict(DomainError):
    """The current state forbids the request, e.g. the ticket is not waiting (HTTP 409)."""

    kind = "conflict"


class Forbidden(DomainError):
    """The caller is known but its role or branch does not allow this (HTTP 403)."""

    kind = "forbidden"


class Unauthorized(DomainError):
    """No credentials, or credentials that are unknown, revoked or expired (HTTP 401)."""

    kind = "unauthorized"
