"""Bearer tokens at the edge: who is calling, for the services to authorise."""

from __future__ import annotations

from apiflask import HTTPTokenAuth
from flask import g, request

from server.domain.errors import Unauthorized
from server.domain.records import Principal
from server.services import auth as auth_service
from server.web.context import deps

# Declared for the OpenAPI document; the lookup itself is lazy (public routes need none).
bearer = HTTPTokenAuth(scheme="Bearer", description="staff session token or device token")


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def current_principal() -> Principal | None:
    """The caller, or None on a public request. A bad token is an error, never anonymous."""
    if "principal" not in g:
        token = bearer_token()
        g.principal = auth_service.authenticate(deps(), token) if token else None
    principal: Principal | None = g.principal
    return principal


def required_principal() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Unauthorized("unauthorized", "send Authorization: Bearer <token>", None)
    return principal
