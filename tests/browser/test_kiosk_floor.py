"""The kiosk as customers meet it at 1080×1920: each one starts afresh, classes the branch allows,
errors in their language, idle and closed screens, the branch's clock."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.browser.conftest import Site, screenshot, start_site, switch_language, wait_until

pytestmark = pytest.mark.browser

KIOSK = {"width": 1080, "height": 1920}
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("kiosk"))
    yield site
    site.server.stop()


def manager(site: Site) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.branch.tokens['manager']}"}


def set_rules(site: Site, rules: dict[str, str]) -> None:
    url = f"{site.url}/api/v1/branches/{site.branch.id}/eligibility/rules"
    assert requests.put(url, json=rules, headers=manager(site), timeout=10).status_code == 200


def open_kiosk(site: Site, new_page: Any, **options: Any) -> Any:
    kiosk = new_page(**KIOSK, **options)
    kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
    kiosk.wait_for_selector("button.service")
    return kiosk


def issued_class(kiosk: Any, click: str) -> str:
    """Tap ``click`` (a service) and return the class the kiosk asked the server for."""
    with kiosk.expect_request(lambda r: r.url.endswith("/tickets") and r.method == "POST") as sent:
        kiosk.click(click)
    kiosk.wait_for_selector("#ticket:not([hidden])")
    return str(sent.value.post_data_json["customer_class"])


def service(site: Site, prefix: str = "A") -> str:
    return f"button.service[data-service='{site.branch.services[prefix]}']"


def test_every_customer_starts_afresh_after_the_ticket_screen(site: Site, new_page: Any) -> None:
    kiosk = open_kiosk(site, new_page)
    screenshot(kiosk, "kiosk-start-zh")
    kiosk.click("#green")  # an elderly customer: green channel, in English, with spoken prompts
    switch_language(kiosk, "en")
    kiosk.click("#prompts")
    screenshot(kiosk, "kiosk-green-selected-en")
    assert issued_class(kiosk, service(site)) == "priority"
    assert kiosk.locator("#t-class").inner_text() == "Green channel"
    screenshot(kiosk, "kiosk-ticket-green-en")
    kiosk.click("#t-done")
    kiosk.wait_for_selector("#start:not([hidden])")
    # the next walk-in meets the kiosk as new: regular, Chinese, silent
    assert kiosk.get_attribute("#green", "aria-pressed") == "false"
    assert kiosk.get_attribute("[data-class=regular]", "aria-checked") == "true"
    assert kiosk.evaluate("document.documentElement.lang") == "zh-CN"
    assert kiosk.get_attribute("#prompts", "aria-pressed") == "false"
    assert issued_class(kiosk, service(site)) == "regular"


def test_an_untouched_kiosk_forgets_the_customer_and_shows_its_attract_screen(site: Site, new_page: Any) -> None:
    kiosk = new_page(**KIOSK)
    kiosk.clock.install()
    kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
    kiosk.wait_for_selector("button.service")
    kiosk.click("[data-class=vip]")
    switch_language(kiosk, "en")
    kiosk.clock.fast_forward(61_000)
    kiosk.wait_for_selector("#attract:not([hidden])")
    assert kiosk.evaluate("document.documentElement.lang") == "zh-CN"
    assert "欢迎" in kiosk.locator("#attract").inner_text()
    kiosk.wait_for_selector("#conn", state="hidden", timeout=20_000)  # the jump in time dropped the socket
    screenshot(kiosk, "kiosk-attract-zh")
    kiosk.click("#attract-start")
    kiosk.wait_for_selector("#start:not([hidden])")
    assert kiosk.get_attribute("[data-class=vip]", "aria-checked") == "false"
    assert issued_class(kiosk, service(site, "B")) == "regular"


def test_the_speaker_icon_is_drawn_not_a_missing_glyph_and_the_clock_is_the_branchs(site: Site, new_page: Any) -> None:
    kiosk = open_kiosk(site, new_page, timezone_id="America/New_York")  # the screen's own setting is wrong
    assert kiosk.locator("#prompts svg").is_visible()
    assert not re.search(r"[\U0001F300-\U0001FAFF]", kiosk.locator("#prompts").inner_text())
    shown = kiosk.locator("#clock").inner_text()
    now = datetime.now(SHANGHAI)
    assert shown in {(now + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}


def test_the_layout_fills_the_portrait_screen(site: Site, new_page: Any) -> None:
    kiosk = open_kiosk(site, new_page)
    boxes = kiosk.evaluate(
        """() => ['#services', '#green', '#appointment'].map((s) => {
            const r = document.querySelector(s).getBoundingClientRect(); return {top: r.top, bottom: r.bottom};
        })"""
    )
    services, green, appointment = boxes
    assert services["bottom"] - services["top"] > 800  # the service buttons take the middle of the screen
    assert green["bottom"] - green["top"] >= 100  # the green channel is a big button of its own
    assert 1920 - appointment["bottom"] < 80  # nothing left empty below


def test_staff_only_classes_are_not_offered_and_the_kiosk_cannot_issue_them(site: Site, new_page: Any) -> None:
    set_rules(site, {"vip": "staff", "priority": "staff"})
    try:
        kiosk = open_kiosk(site, new_page)
        wait_until(kiosk, "document.querySelector('#green').hidden")
        assert kiosk.locator("[data-class=vip]").is_hidden()
        assert "大堂经理" in kiosk.locator("#class-note").inner_text()
        screenshot(kiosk, "kiosk-staff-only-zh")
        body = {"service_id": site.branch.services["A"], "customer_class": "priority"}
        direct = requests.post(
            f"{site.url}/api/v1/branches/{site.branch.id}/tickets",
            json=body,
            headers={"Authorization": f"Bearer {site.branch.tokens['kiosk']}"},
            timeout=10,
        )
        assert direct.status_code == 403 and direct.json()["error"]["code"] == "class_staff_only"
    finally:
        set_rules(site, {"vip": "anyone", "priority": "anyone"})


def test_a_listed_card_read_by_a_usb_reader_gets_a_vip_ticket(site: Site, new_page: Any) -> None:
    set_rules(site, {"vip": "verified"})
    url = f"{site.url}/api/v1/branches/{site.branch.id}/eligibility/entries"
    entry = {"number": "6222020200112233", "kind": "card", "classes": ["vip"]}
    assert requests.post(url, json=entry, headers=manager(site), timeout=10).status_code == 201
    try:
        kiosk = open_kiosk(site, new_page)
        kiosk.click("[data-class=vip]")
        kiosk.wait_for_selector("#verify:not([hidden])")
        for key in "13900000000":  # typed on the on-screen keys: not on the list
            kiosk.click(f"#verify-keys button:text-is('{key}')")
        kiosk.click(service(site))
        kiosk.wait_for_selector("#issue-error:not([hidden])")
        assert "未找到该号码的登记" in kiosk.locator("#issue-error").inner_text()
        screenshot(kiosk, "kiosk-verify-refused-zh")
        kiosk.click("[data-class=regular]")
        kiosk.keyboard.type("6222020200112233", delay=5)  # the reader types fast and ends with Enter
        kiosk.keyboard.press("Enter")
        wait_until(kiosk, "document.querySelector('[data-class=vip]').getAttribute('aria-checked') === 'true'")
        assert kiosk.input_value("#verify-number") == "6222020200112233"
        assert issued_class(kiosk, service(site)) == "vip"
        assert kiosk.locator("#t-class").inner_text() == "贵宾"
    finally:
        set_rules(site, {"vip": "anyone"})


def book_tomorrow(site: Site) -> str:
    """A booking for tomorrow, 10:00 in the branch: checking in today is too early."""
    day = (datetime.now(SHANGHAI) + timedelta(days=1)).date().isoformat()
    settings = f"{site.url}/api/v1/branches/{site.branch.id}/services/{site.branch.services['A']}/booking-settings"
    assert requests.patch(settings, json={"reserved_share": 0.5}, headers=manager(site), timeout=10).ok
    slots = requests.get(
        f"{site.url}/api/v1/branches/{site.branch.id}/slots",
        params={"service_id": site.branch.services["A"], "date": day},
        timeout=10,
    ).json()
    start = next(s["start"] for s in slots if s["available"] and "T10:" in s["start"])
    body = {
        "branch_id": site.branch.id,
        "service_id": site.branch.services["A"],
        "start": start,
        "name": "王小明",
        "phone": "13812345678",
        "language": "zh",
        "consent": True,
    }
    booked = requests.post(f"{site.url}/api/v1/appointments", json=body, timeout=10)
    assert booked.status_code == 201, booked.text
    return str(booked.json()["code"])


def opens_at(code: str, site: Site) -> str:
    """When check-in opens, as the server tells any client (branch-local ISO time)."""
    answer = requests.post(
        f"{site.url}/api/v1/branches/{site.branch.id}/check-in",
        json={"code": code},
        headers={"Authorization": f"Bearer {site.branch.tokens['kiosk']}"},
        timeout=10,
    )
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "too_early"
    return str(answer.json()["error"]["params"]["opens_at"])


def type_code(kiosk: Any, code: str) -> None:
    for ch in code:
        kiosk.click(f"#code-keys button:text-is('{ch}')")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_in_errors_are_in_the_customers_language_with_local_times(site: Site, new_page: Any, lang: str) -> None:
    code = book_tomorrow(site)
    kiosk = open_kiosk(site, new_page)
    switch_language(kiosk, lang)
    kiosk.click("#appointment")
    kiosk.wait_for_selector("#checkin:not([hidden])")
    type_code(kiosk, "22222222")  # a touch-only kiosk: typed on the on-screen keys
    kiosk.click("#checkin-form button[type=submit]")
    kiosk.wait_for_selector("#checkin-error:not([hidden])")
    unknown = kiosk.locator("#checkin-error").inner_text()
    assert unknown == {"zh": "未找到该预约，请核对预约码", "en": "No booking has this code: please check it"}[lang]
    kiosk.click("#code-keys button.fn >> nth=1")  # clear
    type_code(kiosk, code)
    screenshot(kiosk, f"kiosk-checkin-{lang}")
    kiosk.click("#checkin-form button[type=submit]")
    wait_until(kiosk, f"!document.querySelector('#checkin-error').textContent.includes({unknown!r})")
    early = kiosk.locator("#checkin-error").inner_text()
    opens = datetime.fromisoformat(opens_at(code, site)).strftime("%H:%M")
    assert opens in early and "+08:00" not in early and "check-in opens at 20" not in early
    assert ("您来早了" in early) if lang == "zh" else early.startswith("You are early")
    screenshot(kiosk, f"kiosk-checkin-too-early-{lang}")


def test_outside_opening_hours_the_kiosk_says_when_it_opens_next(site: Site, new_page: Any) -> None:
    now = datetime.now(SHANGHAI)
    tomorrow = now + timedelta(days=1)
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[tomorrow.weekday()]
    url = f"{site.url}/api/v1/branches/{site.branch.id}"
    before = requests.get(url, headers=manager(site), timeout=10).json()["opening_hours"]
    assert requests.patch(
        url, json={"opening_hours": {day: [["08:30", "17:00"]]}}, headers=manager(site), timeout=10
    ).ok
    try:
        kiosk = open_kiosk_closed(site, new_page)
        text = kiosk.locator("#closed-next").inner_text()
        assert text.startswith("下次营业：") and "08:30" in text
        assert "Opens again" in kiosk.locator("#closed-other").inner_text()
        assert kiosk.locator("#start").is_hidden()
        screenshot(kiosk, "kiosk-closed-zh")
        switch_language(kiosk, "en")
        assert kiosk.locator("#closed-next").inner_text().startswith("Opens again:")
        screenshot(kiosk, "kiosk-closed-en")
    finally:
        requests.patch(url, json={"opening_hours": before}, headers=manager(site), timeout=10)


def open_kiosk_closed(site: Site, new_page: Any) -> Any:
    kiosk = new_page(**KIOSK)
    kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
    kiosk.wait_for_selector("#closed:not([hidden])")
    return kiosk


def test_start_screen_in_english(site: Site, new_page: Any) -> None:
    kiosk = open_kiosk(site, new_page)
    switch_language(kiosk, "en")
    assert kiosk.locator("#green .green-name").inner_text() == "Green channel"
    screenshot(kiosk, "kiosk-start-en")


def test_the_manager_keeps_the_rules_the_list_and_the_displays_images(site: Site, new_page: Any, tmp_path: Any) -> None:
    from PIL import Image

    from tests.browser.conftest import staff_login
    from tests.support.builders import PASSWORD

    page = new_page(1440, 900, timezone_id="Asia/Shanghai")
    page.goto(f"{site.url}/manager")
    staff_login(page, "manager-b1", PASSWORD)
    page.wait_for_selector("#rule-vip option", state="attached")
    page.select_option("#rule-priority", "verified")
    page.click("#eligibility-rules button[type=submit]")
    page.wait_for_selector("#eligibility-result.ok")
    page.fill("#eligibility-number", "139 1111 2222")
    page.check("#eligibility-add input[value=priority]")
    page.fill("#eligibility-note", "行动不便")
    page.click("#eligibility-add button[type=submit]")
    page.wait_for_selector("#eligibility-list td.number:text('139****2222')")
    assert "13911112222" not in page.content()  # never shown back, only masked
    image = tmp_path / "savings.png"
    Image.new("RGB", (1280, 720), (240, 180, 0)).save(image)
    page.set_input_files("#media-file", str(image))
    page.click("#media-form button[type=submit]")
    page.wait_for_selector("#media-list img")
    page.locator("#eligibility").scroll_into_view_if_needed()
    screenshot(page, "manager-eligibility-zh")
    rules = requests.get(
        f"{site.url}/api/v1/branches/{site.branch.id}/eligibility", headers=manager(site), timeout=10
    ).json()["rules"]
    assert rules["priority"] == "verified"
    kiosk = open_kiosk(site, new_page)
    kiosk.click("#green")
    kiosk.wait_for_selector("#verify:not([hidden])")  # the kiosk follows the new rule
    for key in "13911112222":
        kiosk.click(f"#verify-keys button:text-is('{key}')")
    assert issued_class(kiosk, service(site)) == "priority"
    set_rules(site, {"priority": "anyone"})
    media = requests.get(f"{site.url}/api/v1/branches/{site.branch.id}/media", headers=manager(site), timeout=10).json()
    for item in media:
        requests.delete(
            f"{site.url}/api/v1/branches/{site.branch.id}/media/{item['id']}", headers=manager(site), timeout=10
        )
