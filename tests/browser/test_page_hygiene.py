"""Pages load clean: no request that fails, no console error, before the user has done anything."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import Site, start_site, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("hygiene"))
    yield site
    site.server.stop()


def watched(page: Any) -> tuple[list[str], list[str]]:
    """Console errors and warnings, and failed responses, of one page."""
    console: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and console.append(f"{m.type}: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    return console, failed


def test_the_booking_page_and_the_others_ask_for_no_missing_icon(site: Site, new_page: Any) -> None:
    for path in ("/book", "/", "/kiosk", "/counter"):
        page = new_page(390, 844)
        console, failed = watched(page)
        page.goto(site.url + path, wait_until="networkidle")
        icon = page.evaluate("document.querySelector('link[rel=icon]').href")
        assert icon == f"{site.url}/static/favicon.svg", path
        assert (console, failed) == ([], []), path
    shown = requests.get(site.url + "/static/favicon.svg", timeout=10)
    assert (shown.status_code, shown.headers["Content-Type"]) == (200, "image/svg+xml; charset=utf-8")
    asked = requests.get(site.url + "/favicon.ico", timeout=10)  # what browsers ask of pages naming no icon
    assert (asked.status_code, asked.headers["Content-Type"], asked.content) == (
        200,
        shown.headers["Content-Type"],
        shown.content,
    )


def test_the_tracking_page_buzzes_only_after_a_tap(site: Site, new_page: Any) -> None:
    branch = site.branch
    counter = branch.counters[1]
    # an open counter serves the ticket: its turn is near (with none open, it never would be)
    requests.post(f"{site.url}/api/v1/counters/{counter}/open", headers=branch.headers(), timeout=10)
    issued = requests.post(
        f"{site.url}/api/v1/branches/{branch.id}/tickets",
        json={"service_id": branch.services["A"]},
        headers=branch.headers("kiosk"),
        timeout=10,
    ).json()
    plain = new_page(390, 844)
    console, failed = watched(plain)
    plain.goto(site.url + issued["track_url"], wait_until="networkidle")
    plain.wait_for_selector("#banner-near:not([hidden])")  # the turn is near: worth a buzz, but nobody tapped
    plain.wait_for_timeout(300)
    assert (console, failed) == ([], [])

    page = new_page(390, 844)
    page.add_init_script("window.buzzes = []; navigator.vibrate = (p) => { window.buzzes.push(p); return true; };")
    console, failed = watched(page)
    page.goto(site.url + issued["track_url"], wait_until="networkidle")
    page.wait_for_selector("#banner-near:not([hidden])")
    assert page.evaluate("window.buzzes") == []
    page.click("#number")  # the holder touches the page
    requests.post(f"{site.url}/api/v1/counters/{counter}/call-next", headers=branch.headers(), timeout=10)
    wait_until(page, "window.buzzes.length === 1")
    assert page.evaluate("window.buzzes") == [[300, 150, 300]]
    assert console == []
