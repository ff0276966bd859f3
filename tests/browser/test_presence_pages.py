"""In the browser: a kiosk whose printer agent is not there says so at once and keeps the ticket
with its QR code on screen (never "printing…" for nothing), and drops the notice the moment a
real agent connects; the demo's history shows its past at the desk and on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from kiosk.agent import KioskAgent
from kiosk.printers import RecordingPrinter
from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language, wait_until
from tests.devices.support import wait_for
from tests.support.builders import PASSWORD
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("presence"), {"BRANCHQ_SPEECH_ENGINE": "none"})
    yield site
    site.server.stop()


def test_a_kiosk_without_its_printer_agent_says_so_and_keeps_the_ticket_on_screen(site: Site, new_page: Any) -> None:
    kiosk = new_page(1080, 1920)
    kiosk.clock.install()
    kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
    kiosk.wait_for_selector("#agent-down:not([hidden])")  # before anyone takes a ticket
    assert "打印机" in kiosk.locator("#agent-down").inner_text()
    screenshot(kiosk, "kiosk-no-agent-zh")
    kiosk.click(f"button.service[data-service='{site.branch.services['A']}']")
    kiosk.wait_for_selector("#ticket:not([hidden])")
    assert kiosk.locator("#t-printing").is_hidden() and kiosk.locator("#t-printer").is_visible()
    kiosk.clock.fast_forward(15_000)  # past the usual seconds on screen: it stays for the phone
    assert kiosk.locator("#ticket").is_visible() and kiosk.locator("#t-qr svg").is_visible()
    switch_language(kiosk, "en")
    assert "printer" in kiosk.locator("#t-printer").inner_text()
    screenshot(kiosk, "kiosk-no-agent-ticket-en")
    kiosk.click("#t-done")  # the next customer starts in the branch's language, and is told too
    assert "打印机" in kiosk.locator("#agent-down").inner_text()
    switch_language(kiosk, "en")
    assert "No printer" in kiosk.locator("#agent-down").inner_text()

    agent = KioskAgent(site.url, site.branch.tokens["kiosk"], RecordingPrinter(), max_retry_delay=0.5)
    agent.start()
    try:
        kiosk.wait_for_selector("#agent-down", state="hidden")
        kiosk.click(f"button.service[data-service='{site.branch.services['A']}']")
        kiosk.wait_for_selector("#t-printing:not([hidden])")
        assert kiosk.locator("#t-printer").is_hidden()
        screenshot(kiosk, "kiosk-with-agent-ticket-en")
    finally:
        agent.stop()
    wait_until(kiosk, "!document.querySelector('#agent-down').hidden")  # it went: said at once
    # the ticket on screen now says the printer cannot print, and stays for the phone
    assert kiosk.locator("#t-printer").is_visible() and kiosk.locator("#t-printing").is_hidden()
    kiosk.clock.fast_forward(31_000)  # the page asks again every 30 s: still gone
    kiosk.wait_for_timeout(1500)
    assert kiosk.locator("#ticket").is_visible()
    assert kiosk.evaluate("!document.querySelector('#agent-down').hidden")


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo with its past made first (a week of it, through the real services), then served."""
    from server import demo, demo_history
    from server.settings import Settings
    from server.store import migrate
    from server.web import create_app

    instance = tmp_path_factory.mktemp("demo-history")
    database_url = f"sqlite:///{instance / 'demo' / 'branchq.sqlite3'}"
    (instance / "demo").mkdir()
    app = create_app(Settings(database_url=database_url, secret_key="x", instance_dir=instance / "demo", testing=True))
    deps = app.extensions["branchq"].deps
    migrate.upgrade(deps.store.engine)
    branch_id = demo.seed_demo(deps)["branch_id"]
    demo_history.seed_history(deps, branch_id, *demo.history_plan(deps, branch_id), days=8)
    deps.store.engine.dispose()
    server = LiveServer(instance, "sqlite://", demo=True, extra_env={"BRANCHQ_SPEECH_ENGINE": "none"}).start()
    yield server
    server.stop()


def _history(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/manager")
    staff_login(page, "manager", "branchq-demo")
    page.click("#tab-history")
    page.wait_for_selector("#h-report:not([hidden])")
    page.wait_for_selector("#h-heatmap svg rect")


def test_the_demo_history_shows_its_past_at_the_desk_and_on_a_phone(demo_site: LiveServer, new_page: Any) -> None:
    desk = new_page(1440, 900, accept_downloads=True)
    _history(desk, demo_site)
    # the last seven days: five or six business days (no Sunday; today has none yet), every hour 9-16 seen
    assert desk.locator("#h-heatmap svg text", has_text="周一").count() == 1
    assert desk.locator("#h-heatmap svg rect.cell").count() >= 5 * 8
    tellers = desk.locator("#h-teller-chart svg rect")
    assert tellers.count() == 4 and "人" in desk.locator("#h-teller-chart svg").text_content()
    assert desk.locator("#h-chart svg rect.p90").count() >= 8  # waits against target over the day
    screenshot(desk, "history-desk-zh")
    with desk.expect_download() as download:
        desk.click("#range-csv")
    saved = download.value
    assert saved.suggested_filename.startswith("branchq-DEMO-stats-") and saved.suggested_filename.endswith(".csv")
    body = Path(saved.path()).read_text(encoding="utf-8")
    assert body.startswith("\ufeff分组,键,名称,取号数")
    switch_language(desk, "en")
    desk.wait_for_selector("#h-heatmap svg text:text('Mon')")
    desk.locator("#h-heatmap").scroll_into_view_if_needed()
    screenshot(desk, "history-desk-heatmap-en")

    for lang in ("zh", "en"):
        phone = new_page(390, 844)
        _history(phone, demo_site)
        switch_language(phone, lang)
        phone.wait_for_selector("#h-teller-chart svg")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
        screenshot(phone, f"history-phone-{lang}")
        phone.locator("#h-heatmap").scroll_into_view_if_needed()
        screenshot(phone, f"history-phone-heatmap-{lang}")


def test_a_tellers_counter_page_is_its_terminal_and_the_counter_pauses_when_it_is_gone(
    site: Site, new_page: Any
) -> None:
    branch = site.branch
    # limits past the 10 s between a held socket's heartbeats, short enough for a test
    limits = {"settings": {"alerts": {"device_heartbeat_s": 15, "counter_gone_s": 20}}}
    patched = requests.patch(f"{site.url}/api/v1/branches/{branch.id}", json=limits, headers=branch.headers("manager"))
    assert patched.status_code == 200
    counter = new_page()
    counter.goto(f"{site.url}/counter")
    staff_login(counter, "teller-b1", PASSWORD)
    counter.click("#counters button >> nth=0")
    counter.wait_for_selector("#work:not([hidden])")
    counter_id = branch.counters[1]
    counter.wait_for_timeout(25_000)  # past both limits while the page is there: its heartbeats keep it
    assert _counter_status(site, counter_id) == "open"
    assert not _alerts(site, "device_offline", {"counter_id": counter_id})
    counter.context.close()  # the teller's browser closes
    alert = wait_for(lambda: _alerts(site, "device_offline", {"counter_id": counter_id}), timeout=30)
    assert alert[0]["message"]["en"].startswith("Counter 1: the teller's terminal has been silent")
    assert wait_for(lambda: _counter_status(site, counter_id) == "paused", timeout=45)


def _counter_status(site: Site, counter_id: int) -> str:
    response = requests.get(f"{site.url}/api/v1/counters/{counter_id}", headers=site.branch.headers(), timeout=10)
    return str(response.json()["status"])


def _alerts(site: Site, kind: str, subject: dict[str, int]) -> list[dict[str, Any]]:
    url = f"{site.url}/api/v1/branches/{site.branch.id}/alerts"
    listed = requests.get(url, headers=site.branch.headers("manager"), timeout=10).json()
    return [a for a in listed if a["kind"] == kind and a["subject"] == subject]
