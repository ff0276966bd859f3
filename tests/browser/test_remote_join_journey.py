"""From the door poster's QR to being called: a phone takes a remote ticket with a code that the
SMS gateway (a real HTTP server on 127.0.0.1) received, says "I'm here", and a teller calls it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language, wait_until
from tests.support.builders import PASSWORD
from tests.support.receiver import Receiver, receiver

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def gateway() -> Iterator[Receiver]:
    with receiver() as rx:
        yield rx


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, gateway: Receiver) -> Iterator[Site]:
    env = {
        "BRANCHQ_NOTIFY": "sms",
        "BRANCHQ_SMS_URL": gateway.url,
        "BRANCHQ_SMS_AUTH_HEADER": "X-Api-Key: gw-key",
        "BRANCHQ_WEBHOOK_ALLOW_PRIVATE": "1",
    }
    site = start_site(tmp_path_factory.mktemp("remote"), env)
    yield site
    site.server.stop()


def code_for(gateway: Receiver, phone: str, timeout_s: float = 15) -> str:
    """The one-time code the gateway got for this phone (the scheduler sends every few seconds)."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with gateway.lock:
            texts = [r.json()["text"] for r in gateway.requests if r.json()["to"].endswith(phone)]
        found = [m.group(1) for text in texts if (m := re.search(r"\b(\d{6})\b", text))]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise TimeoutError(f"no code reached the gateway for {phone}")


def poster_link(site: Site, new_page: Any, lang_tag: str) -> str:
    poster = new_page(1080, 1920)
    poster.goto(f"{site.url}/join/B1/poster")
    poster.wait_for_selector("#qr svg")
    wait_until(poster, "document.querySelector('#branch-name').textContent.length > 0")
    link = poster.get_attribute("#join-link", "href")
    assert poster.get_attribute("#qr", "data-text") == link  # the QR says what the link says
    screenshot(poster, f"remote-poster-{lang_tag}")
    return str(link)


def take_remote_ticket(site: Site, new_page: Any, gateway: Receiver, lang: str, phone: str) -> Any:
    link = poster_link(site, new_page, lang)
    assert link.endswith("/join/B1")
    phone_page = new_page(390, 844, is_mobile=True, has_touch=True)
    phone_page.goto(link)
    switch_language(phone_page, lang)
    phone_page.wait_for_selector("#services button")
    screenshot(phone_page, f"remote-join-{lang}")
    phone_page.click("#services button >> nth=0")
    phone_page.fill("#phone", phone)
    phone_page.click("#send")
    phone_page.wait_for_selector("#verify:not([hidden])")
    screenshot(phone_page, f"remote-code-{lang}")
    phone_page.fill("#code", code_for(gateway, phone))
    phone_page.click("#take")
    phone_page.wait_for_url(re.compile(r"/track/\d+\?token="))
    phone_page.wait_for_selector("#remote-here:not([hidden])")
    wait_until(phone_page, "document.querySelector('#remote-back').textContent.length > 0")
    screenshot(phone_page, f"remote-track-held-{lang}")
    return phone_page


@pytest.mark.parametrize(("lang", "phone"), [("zh", "13812340001"), ("en", "13812340002")])
def test_from_the_door_poster_to_being_called(site: Site, new_page: Any, gateway: Receiver, lang: str, phone: str):
    teller = {"Authorization": f"Bearer {site.branch.tokens['teller']}"}
    counter = site.branch.counters[1]
    requests.post(f"{site.url}/api/v1/counters/{counter}/open", headers=teller, timeout=5)
    page = take_remote_ticket(site, new_page, gateway, lang, phone)
    held = page.text_content("#remote-held")
    assert ("我已到达" in held) if lang == "zh" else ("I'm here" in held)
    assert page.get_attribute("#remote-qr", "data-text") == page.text_content("#remote-code")
    ticket_id = int(re.search(r"/track/(\d+)", page.url).group(1))
    nothing = requests.post(f"{site.url}/api/v1/counters/{counter}/call-next", headers=teller, timeout=5)
    assert nothing.status_code == 204  # held: the customer is not in the branch yet

    page.click("#remote-here")
    page.wait_for_selector("#remote-arrived:not([hidden])")
    assert page.is_hidden("#remote-here")
    screenshot(page, f"remote-track-arrived-{lang}")

    called = requests.post(f"{site.url}/api/v1/counters/{counter}/call-next", headers=teller, timeout=5)
    assert called.status_code == 200 and called.json()["id"] == ticket_id
    page.wait_for_selector("#banner-called:not([hidden])")
    banner = page.text_content("#banner-called")
    assert "1" in banner
    screenshot(page, f"remote-track-called-{lang}")
    start = requests.post(f"{site.url}/api/v1/tickets/{ticket_id}/start", headers=teller, timeout=5)
    finish = requests.post(f"{site.url}/api/v1/tickets/{ticket_id}/finish", headers=teller, timeout=5)
    assert start.status_code == finish.status_code == 200
    assert all(r.headers.get("X-Api-Key") == "gw-key" for r in gateway.requests)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_manager_sees_the_remote_share_and_message_figures(site: Site, new_page: Any, lang: str):
    body = {"service_id": site.branch.services["B"], "phone": "13900009999", "language": lang}
    asked = requests.post(f"{site.url}/api/v1/branches/{site.branch.id}/remote-tickets", json=body, timeout=5)
    assert asked.status_code == 202  # at least one message in the outbox, whatever ran before
    page = new_page(1440, 900)
    page.goto(f"{site.url}/manager")
    switch_language(page, lang)
    staff_login(page, "manager-b1", PASSWORD)
    page.wait_for_selector("#remote-panel")
    wait_until(page, "document.querySelector('#rm-share').textContent.length > 0")
    share = page.text_content("#rm-share")
    assert re.search(r"\d+", share)
    wait_until(page, "document.querySelectorAll('#rm-messages tr').length >= 1")
    assert "*" in page.text_content("#rm-messages")  # phones masked
    page.locator("#remote-panel").scroll_into_view_if_needed()
    screenshot(page, f"remote-manager-{lang}")
    wait_until(page, "document.querySelector('#rm-step').value !== ''")
    page.fill("#rm-networks", "not a network")
    page.click("#rm-settings button[type=submit]")
    page.wait_for_selector("#rm-settings-result.bad:not([hidden])")
    page.fill("#rm-networks", "")
    page.fill("#rm-step", "2")
    page.click("#rm-settings button[type=submit]")
    page.wait_for_selector("#rm-settings-result.ok:not([hidden])")
    saved = requests.get(
        f"{site.url}/api/v1/branches/{site.branch.id}/remote-settings",
        headers={"Authorization": f"Bearer {site.branch.tokens['manager']}"},
        timeout=5,
    ).json()
    assert saved["step_back_places"] == 2 and saved["arrival_networks"] == []
    page.locator("#rm-settings").scroll_into_view_if_needed()
    screenshot(page, f"remote-manager-settings-{lang}")
