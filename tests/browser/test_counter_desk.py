"""The counter in real Chromium: confirmations, IME-proof shortcuts, double calls, transfers,
the waiting list, pause reasons, the recall limit and the teller's day from the server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Site, screenshot, start_site, switch_language
from tests.browser.floor_support import api, clear_queue, issue, teller_at_counter

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("counter-desk"))
    yield site
    site.server.stop()


@pytest.fixture(autouse=True)
def clean_floor(site: Site) -> None:
    clear_queue(site)


def ime_key(page: Any, code: str) -> None:
    """A key pressed with a Chinese IME on: the browser reports key "Process", only the code is real."""
    page.evaluate(
        f"document.body.dispatchEvent(new KeyboardEvent('keydown', {{key: 'Process', code: '{code}', bubbles: true}}))"
    )


def test_shortcuts_work_with_an_ime_on_and_a_double_click_keeps_the_called_message(site: Site, new_page: Any) -> None:
    first, second = issue(site), issue(site)
    page = teller_at_counter(new_page, site)
    page.wait_for_selector(f"#c-queue tr[data-ticket='{second['id']}']")
    ime_key(page, "KeyN")
    page.wait_for_selector(f"#c-number:text('{first['number']}')")
    assert page.locator("#c-message").get_attribute("class") == "message ok"
    page.dblclick("#a-recall")
    page.wait_for_timeout(600)
    message = page.locator("#c-message")
    assert first["number"] in message.inner_text() and message.get_attribute("class") == "message ok"
    # The second click found its own ticket still called: no orange warning in its place.
    ime_key(page, "KeyN")
    page.wait_for_timeout(400)
    assert message.get_attribute("class") == "message ok"
    assert page.locator("#a-pad").count() == 0 and page.locator("#pad").count() == 0  # no rating pad on this screen


def test_no_show_and_close_ask_first(site: Site, new_page: Any) -> None:
    ticket = issue(site)
    page = teller_at_counter(new_page, site)
    page.click("#a-next")
    page.wait_for_selector(f"#c-number:text('{ticket['number']}')")
    page.click("#a-noshow")
    page.wait_for_selector("#confirm-dialog[open]")
    assert ticket["number"] in page.locator("#confirm-text").inner_text()
    screenshot(page, "counter-confirm-no-show-zh")
    page.click("#confirm-dialog button[value=cancel]")
    assert api(site, "GET", f"/api/v1/tickets/{ticket['id']}")["status"] == "called"
    page.click("#a-noshow")
    page.click("#confirm-ok")
    page.wait_for_selector("#c-empty:not([hidden])")
    assert api(site, "GET", f"/api/v1/tickets/{ticket['id']}")["status"] == "no_show"
    page.wait_for_selector("#c-today:has-text('过号 1')")
    page.click("#a-close")
    page.wait_for_selector("#confirm-dialog[open]")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.locator("#c-state").inner_text() == "开启"
    page.click("#a-close")
    page.click("#confirm-ok")
    page.wait_for_selector("#c-state.closed")


def test_the_transfer_dialog_lists_only_open_counters_that_serve_the_ticket(site: Site, new_page: Any) -> None:
    ticket = issue(site, "A")
    page = teller_at_counter(new_page, site)
    page.click("#a-next")
    page.wait_for_selector(f"#c-number:text('{ticket['number']}')")
    page.click("#a-transfer")
    counter_two = f"#transfer-target option[value='counter_id:{site.branch.counters[2]}']"
    assert page.locator(counter_two).count() == 0  # counter 2 is closed
    assert page.locator(f"#transfer-target option[value='service_id:{site.branch.services['A']}']").count() == 0
    page.keyboard.press("Escape")
    api(site, "POST", f"/api/v1/counters/{site.branch.counters[2]}/open")
    page.wait_for_timeout(500)
    page.click("#a-transfer")
    assert page.locator(counter_two).count() == 1
    page.select_option("#transfer-target", f"counter_id:{site.branch.counters[2]}")
    page.click("#transfer-dialog button[value=ok]")
    page.wait_for_selector("#c-empty:not([hidden])")
    assert api(site, "GET", f"/api/v1/tickets/{ticket['id']}")["status"] == "waiting"


def test_the_waiting_list_calls_by_number_and_the_pause_has_a_reason(site: Site, new_page: Any) -> None:
    issue(site, "A")
    vip = issue(site, "B", "vip")
    page = teller_at_counter(new_page, site)
    row = page.locator(f"#c-queue tr[data-ticket='{vip['id']}']")
    row.wait_for()
    assert "贵宾" in row.inner_text() and vip["number"] in row.inner_text()
    screenshot(page, "counter-desk-zh")
    row.locator("button").click()
    page.wait_for_selector(f"#c-number:text('{vip['number']}')")
    called = api(site, "GET", f"/api/v1/tickets/{vip['id']}")
    assert called["status"] == "called" and called["call_reason"]["code"] == "chosen_by_teller"
    page.click("#a-start")
    page.click("#a-finish")
    page.wait_for_selector("#c-today:has-text('已办理 1')")
    row.wait_for(state="detached")  # served: no longer in the queue
    page.click("#a-pause")
    page.click("#pause-dialog button[value=training]")
    page.wait_for_selector("#c-state.paused:has-text('培训')")
    counters = api(site, "GET", f"/api/v1/branches/{site.branch.id}/queue")["counters"]
    assert [c["pause_reason"] for c in counters if c["number"] == 1] == ["training"]
    switch_language(page, "en")
    page.wait_for_selector("#c-state:has-text('Training')")
    page.wait_for_selector("#c-queue button:disabled")  # paused: nobody can be called from the list
    screenshot(page, "counter-desk-en")
    # The figures come from the server: a fresh browser (no storage) shows the same day.
    again = teller_at_counter(new_page, site)
    again.wait_for_selector("#c-today:has-text('已办理 1')")


def test_recalls_stop_at_the_limit_with_a_clear_message(site: Site, new_page: Any) -> None:
    ticket = issue(site)
    page = teller_at_counter(new_page, site)
    page.click("#a-next")
    page.wait_for_selector(f"#c-number:text('{ticket['number']}')")
    for n in range(1, 4):
        page.click("#a-recall")
        page.wait_for_selector(f"#c-recalls:text('已重呼 {n}/3 次')")
    page.wait_for_selector("#a-recall:disabled")  # the branch's limit: next is no-show
    assert page.locator("#a-noshow").is_enabled()
    refused = api(site, "POST", f"/api/v1/tickets/{ticket['id']}/recall")  # and the server holds it
    assert refused["error"]["code"] == "recall_limit"
    ime_key(page, "KeyR")
    page.wait_for_timeout(300)
    assert api(site, "GET", f"/api/v1/tickets/{ticket['id']}")["recall_count"] == 3
    screenshot(page, "counter-recall-limit-zh")
