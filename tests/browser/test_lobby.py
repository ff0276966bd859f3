"""The floor manager's tablet (/lobby, 1024x768) in real Chromium: a green-channel ticket on a
customer's behalf (audited), every queue and counter, a move, a booked customer checked in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language
from tests.browser.floor_support import api, audit_log, book_now, clear_queue, issue
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("lobby"))
    yield site
    site.server.stop()


def open_lobby(new_page: Any, site: Site, who: str = "manager-b1") -> Any:
    page = new_page(1024, 768, has_touch=True, timezone_id="Asia/Shanghai")
    page.goto(f"{site.url}/lobby")
    staff_login(page, who, PASSWORD)
    return page


def test_the_floor_manager_issues_a_green_channel_ticket_and_sees_queues_and_counters(
    site: Site, new_page: Any
) -> None:
    clear_queue(site)
    api(site, "POST", f"/api/v1/counters/{site.branch.counters[2]}/open")
    api(site, "POST", f"/api/v1/counters/{site.branch.counters[2]}/pause", body={"reason": "meeting"})
    issue(site, "B")
    page = open_lobby(new_page, site)
    page.wait_for_selector("#floor:not([hidden])")
    page.check("input[name=i-class][value=priority]")
    page.fill("#i-reason", "坐轮椅的顾客")
    page.click("#issue-form button[type=submit]")
    page.wait_for_selector("#i-result:not([hidden])")
    number = page.locator("#i-number").inner_text()
    assert number.startswith("A") and page.locator("#i-qr svg").is_visible()
    assert page.is_checked("input[name=i-class][value=regular]")  # the next customer starts plain
    ticket = next(t for t in api(site, "GET", f"/api/v1/branches/{site.branch.id}/tickets") if t["number"] == number)
    assert ticket["customer_class"] == "priority"
    [(action, detail)] = audit_log(site, ticket["id"])
    assert action == "issue_on_behalf" and detail["reason"] == "坐轮椅的顾客"
    page.wait_for_selector(f"#l-waiting tr[data-ticket='{ticket['id']}']")
    assert "开会" in page.locator("#l-counters li.paused").inner_text()
    assert page.locator("#l-services tr").count() == 2
    screenshot(page, "lobby-zh")
    switch_language(page, "en")
    page.wait_for_selector("#l-counters li.paused:has-text('Meeting')")
    screenshot(page, "lobby-en")


def test_a_waiting_ticket_is_moved_and_a_booked_customer_marked_arrived(site: Site, new_page: Any) -> None:
    clear_queue(site)
    ticket = issue(site, "A")
    booking = book_now(site)
    page = open_lobby(new_page, site)
    row = page.locator(f"#l-waiting tr[data-ticket='{ticket['id']}']")
    row.locator("button").click()
    page.wait_for_selector("#move-dialog[open]")
    page.select_option("#m-service", str(site.branch.services["B"]))
    page.select_option("#m-class", "vip")
    page.fill("#m-reason", "选错了业务")
    screenshot(page, "lobby-move-zh")
    page.click("#move-dialog button[value=ok]")
    page.wait_for_selector("#l-message.ok")
    moved = api(site, "GET", f"/api/v1/tickets/{ticket['id']}")
    assert (moved["service_id"], moved["customer_class"]) == (site.branch.services["B"], "vip")
    assert audit_log(site, ticket["id"])[-1][1]["reason"] == "选错了业务"

    booked = page.locator(f"#l-bookings tr[data-code='{booking['code']}']")
    booked.wait_for()
    booked.locator("button").click()
    page.wait_for_selector("#l-message.ok:has-text('已签到')")
    page.wait_for_selector(f"#l-bookings tr[data-code='{booking['code']}'] >> text=已签到")
    screenshot(page, "lobby-checked-in-zh")


def test_a_teller_is_told_the_lobby_is_for_managers(site: Site, new_page: Any) -> None:
    page = open_lobby(new_page, site, "teller-b1")
    page.wait_for_selector("#l-refused:not([hidden])")
    assert page.locator("#floor").is_hidden()
