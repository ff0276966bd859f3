"""The kiosk screen, the tracking page and the API say the same wait, in the server's words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import WAIT_MS, Site, start_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("wording"))
    yield site
    site.server.stop()


def post(site: Site, path: str, who: str, body: dict[str, Any] | None = None) -> Any:
    response = requests.post(f"{site.url}{path}", json=body, headers=site.branch.headers(who), timeout=10)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_kiosk_and_tracking_page_print_the_label_the_server_sends(site: Site, new_page: Any) -> None:
    b = site.branch
    post(site, f"/api/v1/counters/{b.counters[1]}/open", "teller")
    post(site, f"/api/v1/branches/{b.id}/tickets", "kiosk", {"service_id": b.services["A"]})
    post(site, f"/api/v1/counters/{b.counters[1]}/call-next", "teller")  # someone is at the counter

    kiosk = new_page()
    kiosk.goto(f"{site.url}/kiosk?device={b.tokens['kiosk']}")
    kiosk.click(f"button.service[data-service='{b.services['A']}']")
    kiosk.wait_for_selector("#ticket:not([hidden])")
    track_url = kiosk.get_attribute("#t-qr", "data-text")
    ticket_id, token = track_url.split("/track/")[1].split("?token=")
    ticket = requests.get(f"{site.url}/api/v1/tickets/{ticket_id}?token={token}", timeout=10).json()
    label = ticket["estimated_wait"]["label"]
    assert ticket["estimated_wait"]["now"] is False and label["en"].endswith("min")
    assert kiosk.locator("#t-wait").inner_text() == f"预计等候 {label['zh']}"

    phone = new_page(400, 820, is_mobile=True, has_touch=True)
    phone.goto(track_url)
    phone.wait_for_function(
        "expected => document.querySelector('#estimate').textContent === expected", arg=label["zh"], timeout=WAIT_MS
    )
