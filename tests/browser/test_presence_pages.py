"""Presence in the browser: a kiosk whose printer agent is not there says so at once and keeps
the ticket with its QR code on screen (never "printing…" for nothing); it drops the notice the
moment a real agent connects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.agent import KioskAgent
from kiosk.printers import RecordingPrinter
from tests.browser.conftest import Site, screenshot, start_site, switch_language, wait_until

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
    kiosk.click("#t-done")
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
