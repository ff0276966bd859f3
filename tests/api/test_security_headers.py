"""Security headers on every response, pages with no inline script, API docs served locally."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parents[2] / "server" / "web" / "templates"
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def csp_directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";")}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/kiosk"),
        ("GET", "/track/1?token=x"),
        ("GET", "/api/v1/docs"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/static/js/common.js"),
        ("GET", "/healthz"),
        ("GET", "/api/v1/branches"),  # 401
        ("GET", "/no/such/page"),  # 404
        ("POST", "/api/v1/auth/login"),  # 400/422
        ("GET", "/socket.io/?EIO=4&transport=polling"),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path):
    response = client.open(path, method=method)
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    directives = csp_directives(response)
    assert directives["script-src"] == "script-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["default-src"] == "default-src 'self'"
    assert "Strict-Transport-Security" not in response.headers  # plain http: no HSTS


def test_hsts_only_behind_tls(client):
    response = client.get("/healthz", base_url="https://branchq.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_templates_hold_no_inline_script(template):
    html = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"{template.name}: inline script {tag}"
    assert not re.search(r"\son[a-z]+\s*=", html), f"{template.name}: inline event handler"
    assert "javascript:" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html), f"{template.name}: asset from elsewhere"


def test_api_docs_use_the_vendored_swagger_ui(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assets = re.findall(r"""(?:src|href)="([^"]+)""", page)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    for asset in assets:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset
        else:
            assert asset.startswith("data:") or asset == "/api/v1/openapi.json", asset


def test_no_state_is_kept_in_cookies(app, client):
    """Bearer tokens only: a session cookie sent along is neither read nor answered."""
    from flask import session
    from flask.sessions import NullSession

    client.set_cookie("session", "eyJ1c2VyIjoiYWRtaW4ifQ.forged.signature")
    for path in ("/", "/kiosk", "/api/v1/branches", "/healthz"):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path
    with app.test_request_context("/", headers={"Cookie": "session=eyJ1c2VyIjoiYWRtaW4ifQ.x.y"}):
        assert isinstance(session, NullSession)
        with pytest.raises(RuntimeError):
            session["user"] = "admin"
