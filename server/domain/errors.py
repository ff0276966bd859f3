"""Errors the domain raises; the web edge maps each kind to an HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request. ``code`` is stable snake_case for clients."""

    kind = "invalid"

    def __init__(
        self, code: str, message: str, field: str | None = None, params: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        # values a client puts into its own wording of the error (times as ISO 8601 with offset)
        self.params = params


class InvalidInput(DomainError):
    """Well-formed request whose values break a rule (HTTP 422)."""

    kind = "invalid"

    def as_bad_request(self) -> BadRequest:
        """The same error for input that could not even be parsed (HTTP 400)."""
        return BadRequest(self.code, self.message, self.field)


class BadRequest(DomainError):
    """Input that could not be parsed at all (HTTP 400)."""

    kind = "bad_request"


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
