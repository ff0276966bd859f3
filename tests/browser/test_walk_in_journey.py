"""The whole walk-in path through the real pages: kiosk → printer → counter → display voice → phone."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from kiosk.agent import KioskAgent
from kiosk.printers import EscposTicketPrinter
from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language
from tests.devices.support import wait_for
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser

QR_COMMAND = b"\x1d(k"  # ESC/POS GS ( k: a native QR code


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("journey"))
    yield site
    site.server.stop()


@pytest.fixture
def printer_file(site: Site, tmp_path: Path) -> Iterator[Path]:
    """The kiosk's print agent, printing ESC/POS into a file."""
    path = tmp_path / "lp0"
    agent = KioskAgent(site.url, site.branch.tokens["kiosk"], EscposTicketPrinter.from_url(f"file://{path}"))
    agent.start()
    yield path
    agent.stop()


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_a_ticket_taken_at_the_kiosk_is_printed_called_announced_and_followed_on_the_phone(
    site: Site, new_page: Any, printer_file: Path
) -> None:
    kiosk = new_page()
    kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
    display = new_page(1920, 1080)
    display.goto(f"{site.url}/display?device={site.branch.tokens['display']}")
    display.wait_for_selector("#waiting li")
    kiosk.wait_for_selector("button.service")
    screenshot(kiosk, "kiosk-zh")

    kiosk.click(f"button.service[data-service='{site.branch.services['A']}']")
    kiosk.wait_for_selector("#ticket:not([hidden])")
    number = kiosk.locator("#t-number").inner_text()
    assert number.startswith("A") and kiosk.locator("#t-qr svg").is_visible()
    track_url = kiosk.get_attribute("#t-qr", "data-text")
    screenshot(kiosk, "kiosk-ticket-zh")
    switch_language(kiosk, "en")  # a customer switches language on the spot
    screenshot(kiosk, "kiosk-ticket-en")
    kiosk.click("#t-done")
    kiosk.wait_for_selector("#start:not([hidden])")
    screenshot(kiosk, "kiosk-en")

    printed = wait_for(lambda: printer_file.exists() and number.encode() in printer_file.read_bytes() and printer_file)
    assert QR_COMMAND in printed.read_bytes() and track_url.encode() in printed.read_bytes()

    counter = new_page()
    counter.goto(f"{site.url}/counter")
    staff_login(counter, "teller-b1", PASSWORD)
    counter.click("#counters button >> nth=0")
    counter.wait_for_selector("#work:not([hidden])")
    with display.expect_response(lambda r: "/announcements/audio.wav" in r.url, timeout=20_000) as audio:
        counter.keyboard.press("n")
        counter.wait_for_selector(f"#c-number:text('{number}')")
    assert "1" in counter.locator("#c-message").inner_text()
    response = audio.value
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"
    assert f"number={number}" in response.url and "counter=1" in response.url
    assert response.headers.get("x-branchq-speech") == "ok"
    display.wait_for_selector(f"#now-number:text('{number}')")
    display.wait_for_selector("#now.flash")
    screenshot(display, "display-zh")
    assert 2.0 < wav_seconds(requests.get(response.url, timeout=10).content) < 20.0  # chime, then zh and en speech
    display.wait_for_function("window.branchq.voice.played.length === 1", timeout=20_000)
    assert display.evaluate("window.branchq.voice.played[0].ok")
    screenshot(counter, "counter-zh")

    phone = new_page(400, 820, is_mobile=True, has_touch=True)
    phone.goto(track_url)
    phone.wait_for_selector("#banner-called:text('请到 1 号窗口')")
    screenshot(phone, "track-zh")
    switch_language(phone, "en")
    phone.wait_for_selector("#banner-called:text('Please go to counter 1')")
    screenshot(phone, "track-en")

    for page, name in ((display, "display"), (counter, "counter")):
        switch_language(page, "en")
        screenshot(page, f"{name}-en")


def test_the_manager_sees_the_branch_live_and_sets_the_display_notice(site: Site, new_page: Any) -> None:
    display = new_page(1080, 1920)  # a portrait screen, already running when the notice changes
    display.goto(f"{site.url}/display?device={site.branch.tokens['display']}")
    display.wait_for_selector("#waiting li")
    manager = new_page()
    manager.goto(f"{site.url}/manager")
    staff_login(manager, "manager-b1", PASSWORD)
    manager.wait_for_selector("#m-devices tr")
    manager.fill("#notice-zh", "今天 16:00 后暂停对公业务")
    manager.fill("#notice-en", "Business banking closes at 16:00 today")
    manager.click("#notice-form button[type=submit]")
    manager.wait_for_selector("#notice-result.ok")
    screenshot(manager, "manager-zh")
    switch_language(manager, "en")
    screenshot(manager, "manager-en")

    display.wait_for_selector("#notice-text:text('今天 16:00 后暂停对公业务')", timeout=3000)  # the event, not a poll
    screenshot(display, "display-portrait-zh")
    switch_language(display, "en")
    display.wait_for_selector("#notice-text:text('Business banking closes at 16:00 today')")
    screenshot(display, "display-portrait-en")


def test_a_screen_without_a_device_token_shows_pairing_not_an_error(site: Site, new_page: Any) -> None:
    for kind in ("kiosk", "display"):
        page = new_page()
        page.goto(f"{site.url}/{kind}")
        page.wait_for_selector("#pairing:not([hidden])")
        screenshot(page, f"{kind}-pairing-zh")
        page.fill("#pair-token", "not-a-token")
        page.click("#pair-form button[type=submit]")
        page.wait_for_selector("#pair-error:not([hidden])")


def test_every_page_loads_with_nothing_from_beyond_the_server(
    site: Site, new_page: Any, outside_requests: list[str]
) -> None:
    tokens = site.branch.tokens
    ticket = requests.post(
        f"{site.url}/api/v1/branches/{site.branch.id}/tickets",
        json={"service_id": site.branch.services["B"], "language": "en"},
        headers=site.branch.headers("kiosk"),
        timeout=10,
    ).json()
    pages = {
        "/": "body",
        f"/kiosk?device={tokens['kiosk']}": "button.service",
        f"/display?device={tokens['display']}": "#waiting li",
        "/counter": "#login:not([hidden])",
        "/manager": "#login:not([hidden])",
        ticket["track_url"]: "#number:text('B')",
        "/book": "body",
    }
    for path, ready in pages.items():
        page = new_page()
        loaded: list[str] = []
        page.on("requestfinished", lambda request, loaded=loaded: loaded.append(request.url))
        page.goto(site.url + path)
        page.wait_for_selector(ready)
        assert loaded and all(url.startswith(site.url) or url.startswith("data:") for url in loaded), loaded
        page.close()
    assert outside_requests == []
