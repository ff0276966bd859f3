"""Every error leaves as {"error": {"code", "message", "field"}}: 4xx for the caller's
mistakes, 503 with Retry-After for a database fault, 500 only for a defect."""

from __future__ import annotations

import logging
from typing import Any

from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from werkzeug.exceptions import HTTPException

from server.domain.errors import DomainError
from server.store.faults import FULL, UNAVAILABLE, StoreFault

log = logging.getLogger(__name__)

STATUS = {
    "bad_request": 400,
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "unauthorized": 401,
    "too_many": 429,
}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


# fault kind -> (error code, message, seconds a client should wait before trying again)
STORE_FAULTS = {
    UNAVAILABLE: ("database_unavailable", "the database is not reachable; try again shortly", 5),
    FULL: ("storage_full", "the database has no room to write; try again later", 30),
}
BUSY_FAULT = ("database_busy", "the database is busy; try again", 1)


def store_fault_body(fault: StoreFault) -> tuple[dict[str, Any], int]:
    """The 503 body and the Retry-After seconds for a database fault."""
    code, message, retry_after = STORE_FAULTS.get(fault.kind, BUSY_FAULT)
    return error_body(code, message, None), retry_after


def error_body(
    code: str, message: str, field: str | None = None, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if params:
        body["params"] = params
    return {"error": body}


LOCATIONS = ("json", "query", "path", "form", "headers")


def _first_problem(detail: Any, path: str = "") -> tuple[str | None, str]:
    """webargs detail {"json": {"a": {"b": ["msg"]}}} -> ("a.b", "msg")."""
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        if (key in LOCATIONS and not path) or (key == "value" and path):
            # the location, and marshmallow's marker for a dict's values, are not field names
            return _first_problem(value, path)
        return _first_problem(value, f"{path}.{key}".strip("."))
    if isinstance(detail, list) and detail:
        return (path or None), str(detail[0])
    return (path or None), str(detail)


def _from_http_error(error: HTTPError) -> tuple[dict[str, Any], int]:
    status = error.status_code
    if status == 422 or (status == 400 and error.detail):
        field, problem = _first_problem(error.detail)
        if field is None and "json" in str(problem).lower():
            return error_body("invalid_json", "the body is not valid JSON", None), 400
        message = f"{field}: {problem}" if field else problem
        return error_body("validation_error", message, field), 422 if status == 422 else 400
    code = (error.extra_data or {}).get("code") or HTTP_CODES.get(status, "error")
    field = (error.extra_data or {}).get("field")
    return error_body(code, error.message or code, field), status


def register_error_handlers(app: APIFlask) -> None:
    @app.error_processor
    def _http_error(error: HTTPError) -> tuple[dict[str, Any], int, Any]:
        body, status = _from_http_error(error)
        return body, status, error.headers

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> tuple[dict[str, Any], int]:
        return error_body(error.code, error.message, error.field, error.params), STATUS[error.kind]

    @app.errorhandler(StoreFault)
    def _store_fault(fault: StoreFault) -> tuple[dict[str, Any], int, dict[str, str]]:
        log.warning("answered 503: %s", fault)
        body, retry_after = store_fault_body(fault)
        return body, 503, {"Retry-After": str(retry_after)}

    @app.errorhandler(HTTPException)
    def _werkzeug_error(error: HTTPException) -> tuple[dict[str, Any], int]:
        status = error.code or 500
        messages = str(getattr(error, "data", {}).get("messages", ""))
        if status == 400 and "json" in ((error.description or "") + messages).lower():
            return error_body("invalid_json", "the body is not valid JSON", None), 400
        return error_body(HTTP_CODES.get(status, "error"), error.description or error.name, None), status

    @app.errorhandler(Exception)
    def _defect(error: Exception) -> tuple[dict[str, Any], int]:
        if isinstance(error, HTTPException):
            return _werkzeug_error(error)
        log.exception("unhandled error")
        return error_body("internal_error", "an unexpected error occurred; it has been logged", None), 500
