"""The manager's live view lists the branch's open alerts on top, live, and acknowledges them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("alerts"))
    yield site
    site.server.stop()


def test_an_alert_appears_live_is_acknowledged_and_goes_when_its_cause_ends(site: Site, new_page: Any) -> None:
    branch = site.branch
    manager = new_page(390, 844)
    manager.goto(f"{site.url}/manager")
    staff_login(manager, "manager-b1", PASSWORD)
    manager.wait_for_selector("#m-no-alerts:not([hidden])")

    body = {"service_id": branch.services["B"]}
    issued = requests.post(
        f"{site.url}/api/v1/branches/{branch.id}/tickets", json=body, headers=branch.headers("kiosk"), timeout=10
    )
    assert issued.status_code == 201
    item = "#m-alerts li.open[data-kind=no_counter_open]"
    manager.wait_for_selector(item, timeout=15_000)  # raised by the server's job within seconds, pushed live
    assert manager.locator("#m-alerts li").first.get_attribute("data-kind") == "no_counter_open"
    assert manager.text_content(f"{item} span") == "业务B：1 人等候，没有开放的窗口办理"
    switch_language(manager, "en")
    manager.wait_for_selector(f"{item} span:text('Service B: 1 waiting and no open counter serves it')")
    manager.locator(item).scroll_into_view_if_needed()
    screenshot(manager, "manager-alert-phone-en")
    manager.click(f"{item} button.ack")
    manager.wait_for_selector(f"{item} :text('seen by manager-b1')")
    screenshot(manager, "manager-alert-acknowledged-phone-en")
    listed = requests.get(f"{site.url}/api/v1/branches/{branch.id}/alerts", headers=branch.headers("manager"))
    assert [(a["kind"], a["acknowledged_by"]) for a in listed.json()] == [("no_counter_open", "manager-b1")]
    # the alert wraps inside its panel (the page's tables are another matter)
    assert manager.evaluate(
        "(() => { const ul = document.querySelector('#m-alerts'); return ul.scrollWidth <= ul.clientWidth; })()"
    )

    opened = requests.post(f"{site.url}/api/v1/counters/{branch.counters[2]}/open", headers=branch.headers())
    assert opened.status_code == 200
    manager.wait_for_selector(item, state="detached", timeout=15_000)
    manager.wait_for_selector("#m-no-alerts:not([hidden])")
