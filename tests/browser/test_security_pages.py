"""In a browser: a pairing link ends on a clean URL; every page, and the API docs, run under
the Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import Site, start_site

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("pairing"))
    yield site
    site.server.stop()


def test_the_pairing_link_leaves_no_token_in_the_url_and_is_spent(site: Site, new_page: Any) -> None:
    created = requests.post(
        f"{site.url}/api/v1/branches/{site.branch.id}/devices",
        json={"kind": "kiosk", "name": "door"},
        headers=site.branch.headers("manager"),
        timeout=10,
    ).json()
    link_token = created["pair_url"].partition("?device=")[2]
    kiosk = new_page()
    kiosk.goto(site.url + created["pair_url"])
    kiosk.wait_for_selector("button.service")
    assert kiosk.url == f"{site.url}/kiosk"
    kept = kiosk.evaluate("localStorage.getItem('branchq.device.kiosk')")
    assert kept and kept not in (link_token, created["token"])
    assert "device=" not in kiosk.evaluate("JSON.stringify(history.state) + location.href")
    kiosk.reload()  # still paired, from its own token
    kiosk.wait_for_selector("button.service")
    spent = requests.post(
        f"{site.url}/api/v1/devices/pair", headers={"Authorization": f"Bearer {link_token}"}, timeout=10
    )
    assert spent.status_code == 401


def test_the_api_docs_run_under_the_content_security_policy(site: Site, new_page: Any) -> None:
    page = new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    page.goto(f"{site.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "BranchQ" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")  # the operations, read from the served document
    assert violations == []


def test_every_page_loads_under_the_content_security_policy(site: Site, new_page: Any) -> None:
    violations: list[str] = []
    for path in ("/", "/counter", "/manager", "/book", "/kiosk", "/display"):
        page = new_page()
        page.on("console", lambda m: violations.append(f"{m.text}") if "Content Security" in m.text else None)
        response = page.goto(site.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []
