"""The rating pad at counter 1 in real Chromium: idle, asks after "finish" in the customer's
language, stores the score with the ticket and teller, a low score alerts the manager."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language
from tests.browser.floor_support import api, clear_queue, issue
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("rating-pad"))
    body = {"kind": "rating", "name": "pad 1", "counter_id": site.branch.counters[1]}
    made = api(site, "POST", f"/api/v1/branches/{site.branch.id}/devices", "manager", body)
    assert made["pair_url"].startswith("/rate?device=")
    site.branch.tokens["rating"] = made["token"]
    yield site
    site.server.stop()


@pytest.fixture
def pad(site: Site, new_page: Any) -> Any:
    clear_queue(site)
    page = new_page(1024, 768, has_touch=True)
    page.goto(f"{site.url}/rate?device={site.branch.tokens['rating']}")
    page.wait_for_selector("#idle:not([hidden])")
    return page


def serve_at_counter_one(site: Site, language: str) -> dict[str, Any]:
    ticket = issue(site, language=language)
    counter = site.branch.counters[1]
    api(site, "POST", f"/api/v1/counters/{counter}/open")
    api(site, "POST", f"/api/v1/counters/{counter}/call", body={"ticket_id": ticket["id"]})
    api(site, "POST", f"/api/v1/tickets/{ticket['id']}/start")
    api(site, "POST", f"/api/v1/tickets/{ticket['id']}/finish")
    return ticket


def test_the_pad_asks_after_finish_in_the_customers_language_and_a_low_score_alerts(
    site: Site, pad: Any, new_page: Any
) -> None:
    manager = new_page(1440, 900)
    manager.goto(f"{site.url}/manager")
    staff_login(manager, "manager-b1", PASSWORD)
    manager.wait_for_selector("#m-devices tr")
    assert pad.locator("#r-counter").inner_text() == "1 号窗口"
    screenshot(pad, "rate-idle-zh")
    ticket = serve_at_counter_one(site, "en")
    pad.wait_for_selector("#ask:not([hidden])")
    assert pad.locator("#ask-title").inner_text() == f"{ticket['number']}: how was our service?"
    assert pad.locator("#faces button.face").count() == 5 and pad.locator("#r-counter").inner_text() == "Counter 1"
    screenshot(pad, "rate-ask-en")
    pad.tap("#faces button[data-score='2']")
    pad.fill("#comment", "Long wait at the counter")
    screenshot(pad, "rate-comment-en")
    pad.click("#comment-form button[type=submit]")
    pad.wait_for_selector("#thanks:not([hidden])")
    alerts = api(site, "GET", f"/api/v1/branches/{site.branch.id}/alerts", "manager")
    low = [a for a in alerts if a["kind"] == "low_feedback" and a["subject"] == {"ticket_id": ticket["id"]}]
    assert len(low) == 1
    manager.wait_for_selector("#m-alerts li.open[data-kind=low_feedback]")  # pushed live to the manager
    assert f"{ticket['number']}" in manager.inner_text("#m-alerts li.open[data-kind=low_feedback]")
    pad.wait_for_selector("#idle:not([hidden])", timeout=8000)
    assert pad.evaluate("document.documentElement.lang") == "zh-CN"  # the next customer starts in the pad's own


def test_a_zh_customer_rates_without_a_comment_and_the_next_call_sends_the_pad_back_to_idle(
    site: Site, pad: Any
) -> None:
    ticket = serve_at_counter_one(site, "zh")
    pad.wait_for_selector("#ask:not([hidden])")
    title = pad.locator("#ask-title").inner_text()
    assert ticket["number"] in title and "评价" in title
    screenshot(pad, "rate-ask-zh")
    pad.click("#faces button[data-score='5']")
    pad.click("#skip-comment")
    pad.wait_for_selector("#thanks:not([hidden])")
    screenshot(pad, "rate-thanks-zh")
    alerts = api(site, "GET", f"/api/v1/branches/{site.branch.id}/alerts", "manager")
    assert not [a for a in alerts if a["subject"] == {"ticket_id": ticket["id"]}]

    pad.wait_for_selector("#idle:not([hidden])", timeout=8000)
    serve_at_counter_one(site, "zh")
    pad.wait_for_selector("#ask:not([hidden])")
    nxt = issue(site)
    api(site, "POST", f"/api/v1/counters/{site.branch.counters[1]}/call", body={"ticket_id": nxt["id"]})
    pad.wait_for_selector("#idle:not([hidden])")  # the customer left without rating: the pad stops asking
    switch_language(pad, "en")
    screenshot(pad, "rate-idle-en")


def test_a_customer_who_walks_away_leaves_the_pad_idle_after_the_branchs_window(site: Site, pad: Any) -> None:
    branch = f"/api/v1/branches/{site.branch.id}"
    api(site, "PATCH", branch, "manager", {"settings": {"rating_window_s": 10}})
    try:
        pad.reload()
        pad.wait_for_selector("#idle:not([hidden])")
        serve_at_counter_one(site, "zh")
        pad.wait_for_selector("#ask:not([hidden])")
        pad.wait_for_selector("#idle:not([hidden])", timeout=15_000)  # nobody touched it: the question goes
    finally:
        api(site, "PATCH", branch, "manager", {"settings": {}})
