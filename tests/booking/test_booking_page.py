"""Journey in Chromium: book on /book -> code -> check in at the kiosk page -> appointment ticket -> called."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from server.services import booking_admin
from server.settings import Settings
from tests.browser.conftest import wait_until
from tests.support.builders import ROOT, BranchFixture, build_branch
from tests.support.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is now around noon, so today still has slots to book."""
    offset = max(-14, min(12, 12 - now.hour))  # Etc/GMT-N is UTC+N
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[LiveServer, BranchFixture]]:
    from server.store import migrate
    from server.web import create_app

    url = f"sqlite:///{tmp_path / 'branchq.sqlite3'}"
    app = create_app(Settings(database_url=url, secret_key="booking-page", instance_dir=tmp_path, testing=True))
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    branch = build_branch(
        deps, timezone=midday_zone(datetime.now(UTC)), services={"A": {"expected_service": 600}}, counters={1: "A"}
    )
    booking_admin.set_service_rules(deps, ROOT, branch.id, branch.services["A"], {"reserved_share": 1.0})
    deps.store.engine.dispose()
    env = {"BRANCHQ_SPEECH_CACHE": str(tmp_path / "speech"), "BRANCHQ_NOTIFY": "log"}
    server = LiveServer(tmp_path, url, extra_env=env).start()
    yield server, branch
    server.stop()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"the booking journey needs Debian's Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the booking journey needs Playwright for Python")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
        context.set_default_timeout(10_000)
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        browser.close()
        assert errors == [], f"script errors: {errors}"


def test_book_on_the_public_page_check_in_at_the_kiosk_and_get_called(
    site: tuple[LiveServer, BranchFixture], page: Any
) -> None:
    server, branch = site
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(f"{server.url}/book?lang=en")
    page.wait_for_selector("#branch option", state="attached")
    zone = page.evaluate("fetch('/api/v1/booking/branches').then(r => r.json())")[0]["timezone"]
    local_today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date().isoformat()
    # The page opens on tomorrow. Once another day is chosen, none of the old day's times may be
    # tapped while the new ones load (a quick tap would book the wrong day).
    wait_until(page, "document.querySelectorAll('.slot').length > 0")
    left = page.evaluate(
        """day => {
            const input = document.getElementById('day');
            input.value = day;
            input.dispatchEvent(new Event('change'));
            return [...document.querySelectorAll('.slot')].map(n => n.dataset.start);
        }""",
        local_today,
    )
    assert left == [], left
    page.click(f'.slot:not([disabled])[data-start^="{local_today}"]')
    starts = page.eval_on_selector_all(".slot", "nodes => nodes.map(n => n.dataset.start)")
    assert starts and all(start.startswith(local_today) for start in starts), starts
    page.fill("#name", "Li Lei")
    page.fill("#phone", "13812345678")
    page.check("#consent")
    page.click("#book")
    page.wait_for_selector("#done:not([hidden])")
    code = page.inner_text("#code").strip()
    assert len(code) == 8
    # The QR code and the calendar file were fetched with the phone in a header, not a URL.
    wait_until(page, "document.getElementById('qr').naturalWidth > 0")
    wait_until(page, "document.getElementById('ics').href.startsWith('blob:')")
    assert not [url for url in urls if "13812345678" in url], urls

    page.goto(f"{server.url}/kiosk?device={branch.tokens['kiosk']}")
    page.click("#appointment")
    page.fill("#code", code)
    page.click("#checkin-form button[type=submit]")
    page.wait_for_selector("#ticket:not([hidden]), #checkin-error:not([hidden])")
    assert page.is_hidden("#checkin-error"), page.inner_text("#checkin-error")
    page.wait_for_selector("#ticket:not([hidden])")
    number = page.inner_text("#t-number").strip()

    teller = {"Authorization": f"Bearer {branch.tokens['teller']}"}
    queue = requests.get(f"{server.url}/api/v1/branches/{branch.id}/queue", headers=teller, timeout=5).json()
    assert queue["services"][0]["waiting"] == 1
    counter = branch.counters[1]
    requests.post(f"{server.url}/api/v1/counters/{counter}/open", headers=teller, timeout=5)
    called = requests.post(f"{server.url}/api/v1/counters/{counter}/call-next", headers=teller, timeout=5).json()
    assert called["number"] == number
    assert called["customer_class"] == "appointment" and called["appointment_code"] == code
