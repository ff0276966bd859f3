"""Security headers on every response.

The pages load only their own scripts (no inline script, nothing from elsewhere), may not be
framed, and send no referrer beyond the origin; behind TLS browsers are told to stay on it.
Inline style attributes are allowed: they cannot run code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        # QR codes and calendar files fetched with a header become blob: URLs; the favicon is data:
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # a tracking link's token must not travel in a Referer (nor land in a proxy's log with it)
    "Referrer-Policy": "no-referrer",
}
HSTS = "max-age=31536000"


class SecurityHeaders:
    """WSGI middleware, outermost: Flask's responses and Socket.IO's (which never reach Flask)
    alike. The scheme is read when the response starts, after any proxy fix-up of environ."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            extra = [(name, value) for name, value in HEADERS.items() if name.lower() not in present]
            if environ.get("wsgi.url_scheme") == "https" and "strict-transport-security" not in present:
                extra.append(("Strict-Transport-Security", HSTS))
            return start_response(status, headers + extra, exc_info)

        return self.app(environ, start)


def install(app: Flask) -> None:
    """After Flask-SocketIO has wrapped ``app.wsgi_app``."""
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]
