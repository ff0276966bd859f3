"""When things break: no printer, no voice, a server restart under a display."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from kiosk.agent import KioskAgent
from kiosk.printers import EscposTicketPrinter
from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language, wait_until
from tests.devices.support import wait_for
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A server without a speech engine: announcements are the chime alone."""
    site = start_site(tmp_path_factory.mktemp("failures"), {"BRANCHQ_SPEECH_ENGINE": "none"})
    yield site
    site.server.stop()


class Teller:
    def __init__(self, site: Site, counter_number: int = 1) -> None:
        self.site = site
        self.counter = site.branch.counters[counter_number]
        self.post(f"/api/v1/counters/{self.counter}/open")

    def post(self, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        response = requests.post(self.site.url + path, json=body, headers=self.site.branch.headers(), timeout=10)
        assert response.status_code < 400, response.text
        return response

    def issue_and_call(self) -> str:
        branch = self.site.branch
        self.post(f"/api/v1/branches/{branch.id}/tickets", {"service_id": branch.services["A"]})
        called = self.post(f"/api/v1/counters/{self.counter}/call-next").json()
        self.post(f"/api/v1/tickets/{called['id']}/start")
        self.post(f"/api/v1/tickets/{called['id']}/finish")
        return str(called["number"])

    def drain(self) -> None:
        """Serve everyone still waiting, so the next test starts with an empty queue."""
        while (response := self.post(f"/api/v1/counters/{self.counter}/call-next")).status_code == 200:
            self.post(f"/api/v1/tickets/{response.json()['id']}/no-show")


def announced(display: Any) -> list[str]:
    return list(
        display.evaluate("window.branchq.voice.played.map((p) => new URL(p.url, location).searchParams.get('number'))")
    )


def open_display(site: Site, new_page: Any) -> Any:
    display = new_page(1920, 1080)
    display.goto(f"{site.url}/display?device={site.branch.tokens['display']}")
    display.wait_for_selector("#waiting li")
    return display


def test_an_offline_printer_leaves_the_ticket_and_its_qr_on_the_kiosk_with_a_notice(
    site: Site, new_page: Any, tmp_path: Path
) -> None:
    unplugged = tmp_path / "usb" / "lp0"  # its folder is missing: the printer is unplugged
    agent = KioskAgent(site.url, site.branch.tokens["kiosk"], EscposTicketPrinter.from_url(f"file://{unplugged}"))
    agent.start()
    try:
        kiosk = new_page()
        kiosk.clock.install()
        kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
        kiosk.click(f"button.service[data-service='{site.branch.services['B']}']")
        kiosk.wait_for_selector("#t-printer:not([hidden])")
        kiosk.clock.fast_forward(15_000)  # past the usual few seconds on screen
        assert kiosk.locator("#ticket").is_visible() and kiosk.locator("#t-qr svg").is_visible()
        assert kiosk.locator("#t-number").inner_text().startswith("B")
        screenshot(kiosk, "kiosk-printer-offline-zh")
        switch_language(kiosk, "en")
        assert "printer" in kiosk.locator("#t-printer").inner_text()
        screenshot(kiosk, "kiosk-printer-offline-en")
        kiosk.click("#t-done")
        kiosk.wait_for_selector("#start:not([hidden])")
    finally:
        agent.stop()
    devices = requests.get(
        f"{site.url}/api/v1/branches/{site.branch.id}/devices", headers=site.branch.headers("manager"), timeout=10
    ).json()
    kiosk_status = next(d for d in devices if d["kind"] == "kiosk")["status"]
    assert kiosk_status["printer"]["status"] == "offline"

    # The printer is plugged back in: its agent says so and the kiosk drops its warning at once.
    repaired = KioskAgent(
        site.url, site.branch.tokens["kiosk"], EscposTicketPrinter.from_url(f"file://{tmp_path / 'lp0'}")
    )
    repaired.start()
    try:
        wait_until(kiosk, "localStorage.getItem('branchq.kiosk.printer_bad') === '0'")
        kiosk.click(f"button.service[data-service='{site.branch.services['B']}']")
        kiosk.wait_for_selector("#t-printing:not([hidden])")
        assert kiosk.locator("#t-printer").is_hidden()
        kiosk.click("#t-done")
    finally:
        repaired.stop()


def test_without_a_speech_engine_the_display_chimes_says_so_and_tells_the_manager(site: Site, new_page: Any) -> None:
    display = open_display(site, new_page)
    number = Teller(site, 2).issue_and_call()
    display.wait_for_selector(f"#now-number:text('{number}')")
    display.wait_for_selector("#voice-off:not([hidden])")
    wait_for(lambda: announced(display) == [number])
    screenshot(display, "display-no-voice-zh")

    def speech_reported() -> bool:
        devices = requests.get(
            f"{site.url}/api/v1/branches/{site.branch.id}/devices", headers=site.branch.headers("manager"), timeout=10
        ).json()
        display_status = next(d for d in devices if d["kind"] == "display")["status"]
        return display_status.get("speech", {}).get("status") == "unavailable"

    wait_for(speech_reported)


def test_a_display_resyncs_after_a_server_restart_and_announces_no_call_twice(site: Site, new_page: Any) -> None:
    display = open_display(site, new_page)
    teller = Teller(site, 1)
    first = teller.issue_and_call()
    wait_for(lambda: announced(display) == [first])

    site.restart()
    display.wait_for_selector("#conn", state="hidden", timeout=20_000)
    teller = Teller(site, 1)
    second = teller.issue_and_call()
    display.wait_for_selector(f"#now-number:text('{second}')", timeout=20_000)
    wait_for(lambda: announced(display)[-1:] == [second])
    assert announced(display) == [first, second]

    display.reload()  # a reload keeps the tab's memory of what was announced
    display.wait_for_selector(f"#recent td.number:text('{second}')")  # served: no longer "now calling"
    assert display.locator("#now-idle").is_visible() and display.locator("#now-number").is_hidden()
    display.wait_for_timeout(1500)
    assert display.evaluate("window.branchq.voice.played.length") == 0


def test_the_counter_says_when_nobody_waits_and_when_another_teller_took_the_ticket(site: Site, new_page: Any) -> None:
    other = Teller(site, 2)
    other.drain()
    counter = new_page()
    counter.goto(f"{site.url}/counter")
    staff_login(counter, "teller-b1", PASSWORD)
    counter.click("#counters button >> nth=0")
    counter.wait_for_selector("#work:not([hidden])")
    switch_language(counter, "en")
    counter.keyboard.press("n")
    counter.wait_for_selector("#c-message:text('Nobody is waiting')")

    branch = site.branch
    ticket = other.post(f"/api/v1/branches/{branch.id}/tickets", {"service_id": branch.services["A"]}).json()
    counter.wait_for_selector("#c-waiting li strong:text('1')")
    other.post(f"/api/v1/counters/{other.counter}/call", {"ticket_id": ticket["id"]})
    counter.keyboard.press("c")
    counter.fill("#ticket-number", ticket["number"])
    counter.keyboard.press("Enter")
    counter.wait_for_selector("#c-message:text('Another teller already took this ticket')")
    screenshot(counter, "counter-conflict-en")
    other.post(f"/api/v1/tickets/{ticket['id']}/no-show")

    walk_in = other.post(f"/api/v1/branches/{branch.id}/tickets", {"service_id": branch.services["A"]}).json()
    counter.keyboard.press("c")
    counter.fill("#ticket-number", walk_in["number"].lower())  # looked up on the server, typed any case
    counter.keyboard.press("Enter")
    counter.wait_for_selector(f"#c-number:text('{walk_in['number']}')")
    counter.keyboard.press("k")  # reprint, offered for the ticket at the counter
    assert counter.input_value("#ticket-number") == walk_in["number"]
    counter.keyboard.press("Enter")
    counter.wait_for_selector(f"#c-message:text('{walk_in['number']} sent to its kiosk')")
    screenshot(counter, "counter-reprint-en")
    other.post(f"/api/v1/tickets/{walk_in['id']}/no-show")
