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


# p10 = 170 s, p90 = 610 s once read "3–10 min" on screen and "2-11" on paper; now one rule.
SAME_SECONDS = [(170, 610, False), (0, 50, False), (600, 600, False), (59, 61, False), (0, 0, True), (3000, 5400, 0)]


def test_screen_paper_and_voice_word_the_same_seconds_alike_in_every_language(site: Site, new_page: Any) -> None:
    from server.domain.languages import CODES
    from server.domain.wait_label import wait_text
    from server.i18n import render, say
    from server.services.views import wait_label
    from server.web.ticket_print import ticket_labels

    page = new_page()
    page.goto(f"{site.url}/book")
    page.wait_for_selector("#branch option", state="attached")
    on_screen = page.evaluate(
        """async (cases) => {
          const m = await import("/static/js/common.js");
          await m.loadI18n(null);
          return Object.fromEntries(m.getLanguages().map((l) => [l.code, cases.map(([p10, p90, now]) =>
            [m.waitLabel(p10, p90, now, l.code), m.waitRange({ p10, p90, now }, l.code)])]));
        }""",
        SAME_SECONDS,
    )
    assert sorted(on_screen) == sorted(CODES)
    for code in CODES:
        for (p10, p90, now), (computed, ranged) in zip(SAME_SECONDS, on_screen[code], strict=True):
            server = wait_label(p10, p90, now)[code]
            assert computed == ranged == server, (code, p10, p90)
            estimate = {"p10": p10, "p50": p10, "p90": p90, "now": now, "label": wait_label(p10, p90, now)}
            paper = ticket_labels({"estimated_wait": estimate}, "UTC", code)["wait"]
            assert paper == say("ticket.estimate", code, range=server)
            assert render(wait_text(p10, p90, now), code) == server  # what the kiosk's voice says
    assert wait_label(170, 610) == {"zh": "约 2–11 分钟", "en": "2–11 min", "yue": "約 2–11 分鐘"}
