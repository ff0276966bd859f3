"""The booking page on a phone (390x844) in real Chromium: part of the day then a time, consent,
confirmations that stay, cancel that asks, the shared look, large print; zh and en."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import Site, screenshot, start_site, switch_language, wait_until
from tests.browser.floor_support import api

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("phone-booking"), {"BRANCHQ_NOTIFY": "log"})
    rules = f"/api/v1/branches/{site.branch.id}/services/{site.branch.services['A']}/booking-settings"
    api(site, "PATCH", rules, "manager", {"reserved_share": 1.0})
    yield site
    site.server.stop()


def tomorrow() -> str:
    return (datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()


def open_booking(new_page: Any, site: Site, locale: str = "zh-CN") -> Any:
    page = new_page(390, 844, is_mobile=True, has_touch=True, locale=locale, timezone_id="Asia/Shanghai")
    page.goto(f"{site.url}/book")
    page.wait_for_selector("#branch option", state="attached")
    page.fill("#day", tomorrow())
    page.dispatch_event("#day", "change")
    page.wait_for_selector("#hours button.hour")
    return page


def book_first_time(page: Any, hour: int = 10) -> str:
    page.click(f"#hours button[data-hour='{hour}']")
    page.click("#slots button.slot:not([disabled]) >> nth=0")
    page.fill("#name", "李雷")
    page.fill("#phone", "13812345678")
    page.check("#consent")
    page.click("#book")
    page.wait_for_selector("#done:not([hidden])")
    return str(page.inner_text("#code")).strip()


def test_a_whole_day_of_five_minute_slots_is_picked_by_part_of_day_then_time(site: Site, new_page: Any) -> None:
    page = open_booking(new_page, site)
    hours = page.locator("#hours button.hour").count()
    times = page.locator("#slots button.slot").count()
    assert hours == 24 and times == 12  # an always-open branch: 288 slots, never all at once
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2600, height  # was 7,319 px with every slot a button
    assert page.locator(".part-label").all_inner_texts() == ["上午", "下午", "晚上"]
    page.click("#hours button[data-hour='14']")
    assert page.locator("#slots button.slot").first.get_attribute("data-start")[11:16] == "14:00"
    assert page.locator("#hours button[data-hour='14']").get_attribute("aria-pressed") == "true"
    screenshot(page, "book-zh")
    switch_language(page, "en")
    assert page.locator(".part-label").all_inner_texts() == ["Morning", "Afternoon", "Evening"]
    screenshot(page, "book-en")


def test_booking_needs_consent_and_the_confirmation_stays_when_moved_or_cancelled(site: Site, new_page: Any) -> None:
    page = open_booking(new_page, site, "en-GB")
    assert page.evaluate("document.documentElement.lang") == "en"  # the phone's language
    page.click("#hours button[data-hour='9']")
    page.click("#slots button.slot:not([disabled]) >> nth=0")
    page.fill("#name", "Li Lei")
    page.fill("#phone", "13812345678")
    assert "name and phone" in page.locator("#privacy").inner_text()
    page.click("#book")
    assert page.locator("#done").is_hidden()  # the consent box is required
    screenshot(page, "book-details-en")
    page.check("#consent")
    page.click("#book")
    page.wait_for_selector("#done:not([hidden])")
    code = page.inner_text("#code").strip()
    wait_until(page, "document.getElementById('ics').href.startsWith('blob:')")
    screenshot(page, "book-done-en")

    page.fill("#m-code", code)
    page.fill("#m-phone", "13812345678")
    page.click("#lookup")
    page.wait_for_selector("#found:not([hidden])")
    page.click("#hours button[data-hour='11']")
    page.click("#slots button.slot:not([disabled]) >> nth=1")
    page.click("#reschedule")
    page.wait_for_selector("#message.ok:has-text('Moved to')")
    page.wait_for_timeout(800)  # the times reload after the move: the message stays
    assert "Moved to" in page.inner_text("#message") and "11:05" in page.inner_text("#message")

    page.click("#cancel")
    page.wait_for_selector("#cancel-dialog[open]")
    assert code in page.inner_text("#cancel-text")
    screenshot(page, "book-cancel-en")
    page.click("#cancel-dialog button[value=cancel]")
    status = page.evaluate(
        f"fetch('/api/v1/appointments/{code}', {{headers: {{'X-Phone': '13812345678'}}}}).then(r => r.json())"
    )
    assert status["status"] == "booked"  # "keep it" kept it
    page.click("#cancel")
    page.click("#cancel-ok")
    page.wait_for_selector("#message.ok:has-text('Booking cancelled')")
    page.wait_for_timeout(800)
    assert "Booking cancelled" in page.inner_text("#message")


def test_errors_read_in_the_customers_language_and_large_print_is_offered(site: Site, new_page: Any) -> None:
    page = open_booking(new_page, site)
    page.fill("#m-code", "ZZZZZZZZ")
    page.fill("#m-phone", "13800000000")
    page.click("#lookup")
    page.wait_for_selector("#message.bad")
    assert "没有找到" in page.inner_text("#message")
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("#large-print")
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after >= 1.5 * before
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(page, "book-large-print-zh")
