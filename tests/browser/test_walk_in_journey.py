"""The whole walk-in path through the real pages: kiosk → printer → counter → display voice → phone."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from kiosk.agent import KioskAgent
from kiosk.printers import EscposTicketPrinter
from server.settings import Settings
from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language, tv_language, wait_until
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
    assert kiosk.evaluate("document.documentElement.lang") == "zh-CN"  # the next customer starts afresh
    switch_language(kiosk, "en")
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
    wait_until(display, "window.branchq.voice.played.length === 1", timeout=20_000)
    assert display.evaluate("window.branchq.voice.played[0].ok")
    screenshot(counter, "counter-zh")

    phone = new_page(400, 820, is_mobile=True, has_touch=True)
    phone.goto(track_url)
    phone.wait_for_selector("#banner-called:text('请到 1 号窗口')")
    screenshot(phone, "track-zh")
    switch_language(phone, "en")
    phone.wait_for_selector("#banner-called:text('Please go to counter 1')")
    screenshot(phone, "track-en")

    tv_language(display, "en")
    display.wait_for_selector(f"#now-number:text('{number}')")  # still waiting for its customer
    screenshot(display, "display-en")
    switch_language(counter, "en")
    screenshot(counter, "counter-en")


def test_the_manager_sees_the_branch_live_and_sets_the_display_notice(site: Site, new_page: Any) -> None:
    display = new_page(1080, 1920)  # a portrait screen, already running when the notice changes
    display.goto(f"{site.url}/display?device={site.branch.tokens['display']}")
    display.wait_for_selector("#waiting li")
    manager = new_page(timezone_id="Asia/Shanghai")  # the branch's time zone: "today" is its business day
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
    tv_language(display, "en")
    display.wait_for_selector("#notice-text:text('Business banking closes at 16:00 today')")
    screenshot(display, "display-portrait-en")

    seed_yesterday(site)
    manager.click("#tab-history")  # the last seven days, today included
    manager.wait_for_selector("#h-chart svg rect.p90 >> nth=2", state="attached")
    assert manager.locator("#h-services tr").count() == len(site.branch.services) + 1  # and the total
    assert manager.locator("#h-tellers tr th:text('teller-b1')").is_visible()
    assert int(manager.locator("#h-staffing tr >> nth=0 >> td >> nth=2").inner_text()) >= 1
    assert manager.locator("#live").is_hidden()
    manager.set_viewport_size({"width": 1280, "height": 1900})  # the whole report in the picture
    screenshot(manager, "manager-history-en")
    with manager.expect_download() as download:
        manager.click("#range-csv")
    assert download.value.suggested_filename.endswith(".csv")
    assert "Group,Key,Name,Tickets" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    switch_language(manager, "zh")
    manager.wait_for_selector("#h-head-services th:text('号票')")
    screenshot(manager, "manager-history-zh")


def seed_yesterday(site: Site) -> None:
    """Yesterday from 09:00 in the branch: a walk-in every 3-5 minutes, two counters, 6-10 minutes each.

    Written straight into the tickets table (no events), so the history has hours and waits to show.
    """
    from server.store import migrate
    from server.web import create_app

    settings = Settings(database_url=site.server.database_url, secret_key="seed", instance_dir=site.instance)
    app = create_app(settings)
    store = app.extensions["branchq"].deps.store
    migrate.upgrade(store.engine)
    tz = ZoneInfo("Asia/Shanghai")
    day = datetime.now(tz).date() - timedelta(days=1)
    arrival = datetime.combine(day, time(9), tz).astimezone(UTC)
    free = {site.branch.counters[1]: arrival, site.branch.counters[2]: arrival}
    with store.write() as uow:
        teller = uow.users.credentials("teller-b1")[0].id
        for n in range(1, 50):
            arrival += timedelta(minutes=3 + n % 3)
            counter = min(free, key=free.__getitem__)
            called = max(arrival, free[counter])
            free[counter] = called + timedelta(minutes=6 + (n * 7) % 5)
            prefix = "AB"[n % 3 == 0]
            uow.tickets.add(
                {
                    "branch_id": site.branch.id,
                    "service_id": site.branch.services[prefix],
                    "number": f"{prefix}{n:03d}",
                    "sequence": n,
                    "business_date": day,
                    "customer_class": ("regular", "vip", "priority")[int(n % 7 == 0) + int(n % 11 == 0)],
                    "status": "no_show" if n % 13 == 0 else "done",
                    "issued_at": arrival,
                    "anchor_at": arrival,
                    "called_at": called,
                    "started_at": called,
                    "finished_at": free[counter],
                    "counter_id": counter,
                    "served_by": teller,
                    "tracking_token": f"seed-{n}",
                }
            )
    store.engine.dispose()


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


def test_kiosk_speaks_its_prompts_in_the_customers_language_when_turned_on(site: Site, new_page: Any) -> None:
    kiosk = new_page()
    prompts: list[tuple[str, int]] = []
    kiosk.on("response", lambda r: "/api/v1/prompts/" in r.url and prompts.append((r.url, r.status)))
    kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
    kiosk.wait_for_selector("button.service")
    kiosk.click(f"button.service[data-service='{site.branch.services['B']}']")
    kiosk.wait_for_selector("#ticket:not([hidden])")
    kiosk.click("#t-done")
    assert prompts == []  # off by default
    kiosk.click("#prompts")
    assert kiosk.get_attribute("#prompts", "aria-pressed") == "true"
    switch_language(kiosk, "en")
    kiosk.click(f"button.service[data-service='{site.branch.services['B']}']")
    # Played one after another: the second is fetched once the first has played. Wait inside
    # Playwright (a plain sleep would stall its request routing).
    for _ in range(150):
        if any("key=your_number" in url for url, _ in prompts):
            break
        kiosk.wait_for_timeout(200)
    number = kiosk.locator("#t-number").inner_text()
    assert any("key=choose_service" in url for url, _ in prompts)
    spoken = next(url for url, _ in prompts if "key=your_number" in url)
    assert f"number={number}" in spoken and "lang=en" in spoken
    assert {status for _, status in prompts} == {200}
    kiosk.click("#prompts")  # off again for the next customer
    assert kiosk.get_attribute("#prompts", "aria-pressed") == "false"
