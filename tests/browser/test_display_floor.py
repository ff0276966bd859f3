"""The call display at 1920×1080 and the window screen over one counter, as the hall sees them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from PIL import Image

from tests.browser.conftest import Site, screenshot, start_site, tv_language, wait_until

pytestmark = pytest.mark.browser

TV = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("display"))
    yield site
    site.server.stop()


class Staff:
    def __init__(self, site: Site) -> None:
        self.site = site

    def post(self, path: str, body: dict[str, Any] | None = None, who: str = "teller") -> requests.Response:
        response = requests.post(self.site.url + path, json=body, headers=self.site.branch.headers(who), timeout=10)
        assert response.status_code < 400, response.text
        return response

    def counter(self, number: int, action: str) -> None:
        self.post(f"/api/v1/counters/{self.site.branch.counters[number]}/{action}")

    def issue(self, prefix: str = "A") -> str:
        ticket = self.post(
            f"/api/v1/branches/{self.site.branch.id}/tickets", {"service_id": self.site.branch.services[prefix]}
        )
        return str(ticket.json()["number"])

    def call(self, number: int) -> dict[str, Any]:
        return dict(self.post(f"/api/v1/counters/{self.site.branch.counters[number]}/call-next").json())

    def serve(self, ticket: dict[str, Any]) -> None:
        self.post(f"/api/v1/tickets/{ticket['id']}/start")
        self.post(f"/api/v1/tickets/{ticket['id']}/finish")

    def drain(self) -> None:
        """Serve whoever is called or waiting and close every counter: the next test starts empty."""
        queue = requests.get(
            f"{self.site.url}/api/v1/branches/{self.site.branch.id}/queue",
            headers=self.site.branch.headers(),
            timeout=10,
        ).json()
        for counter in queue["counters"]:
            self.post(f"/api/v1/counters/{counter['id']}/open")
            if counter["ticket"]:
                if counter["ticket"]["status"] == "called":
                    self.post(f"/api/v1/tickets/{counter['ticket']['id']}/start")
                self.post(f"/api/v1/tickets/{counter['ticket']['id']}/finish")
            while (r := self.post(f"/api/v1/counters/{counter['id']}/call-next")).status_code == 200:
                self.serve(r.json())
            self.post(f"/api/v1/counters/{counter['id']}/close")


@pytest.fixture
def staff(site: Site) -> Iterator[Staff]:
    staff = Staff(site)
    yield staff
    staff.drain()


def open_display(site: Site, new_page: Any) -> Any:
    display = new_page(**TV)
    display.goto(f"{site.url}/display?device={site.branch.tokens['display']}")
    display.wait_for_selector("#counters li")
    return display


def played(display: Any) -> int:
    return int(display.evaluate("window.branchq.voice.played.length"))


def test_every_counter_is_on_the_board_with_its_state_services_and_number(
    site: Site, new_page: Any, staff: Staff
) -> None:
    staff.counter(1, "open")
    staff.counter(2, "open")
    staff.issue("A")
    ticket = staff.call(1)
    staff.counter(2, "pause")
    display = open_display(site, new_page)
    one, two = display.locator("#counters li[data-counter='1']"), display.locator("#counters li[data-counter='2']")
    wait_until(display, "document.querySelector(\"#counters li[data-counter='2']\").classList.contains('paused')")
    assert (
        one.locator(".c-status").inner_text() == "服务中" and one.locator(".c-serving").inner_text() == ticket["number"]
    )
    assert "业务A" in one.locator(".c-services").inner_text() and "业务B" in one.locator(".c-services").inner_text()
    assert two.locator(".c-status").inner_text() == "暂停服务"
    assert display.locator("#lang").count() == 0  # nothing on a TV to click
    screenshot(display, "display-board-zh")
    tv_language(display, "en")
    display.wait_for_selector("#counters li[data-counter='2'] .c-status:text('Paused')")
    screenshot(display, "display-board-en")


def test_now_calling_follows_the_voice_and_clears_when_nobody_is_called(
    site: Site, new_page: Any, staff: Staff
) -> None:
    display = open_display(site, new_page)
    staff.counter(1, "open")
    staff.counter(2, "open")
    staff.issue("A")
    staff.issue("A")
    first, second = staff.call(1), staff.call(2)
    # the voice speaks the first; the second waits its turn, shown as next
    display.wait_for_selector(f"#now-number:text('{first['number']}')")
    display.wait_for_selector(f"#now-next:text('{second['number']}')")
    assert display.locator("#now-number").inner_text() == first["number"]
    screenshot(display, "display-calling-with-next-zh")
    wait_until(display, "window.branchq.voice.played.length >= 1", timeout=20_000)
    display.wait_for_selector(f"#now-number:text('{second['number']}')")  # now the voice says the second
    wait_until(display, "window.branchq.voice.played.length >= 2", timeout=20_000)
    assert display.locator("#now-next").is_hidden()
    staff.serve(second)  # the second customer arrived: the first is still being waited for
    display.wait_for_selector(f"#now-number:text('{first['number']}')")
    staff.counter(1, "pause")  # nobody is called any more
    display.wait_for_selector("#now-idle:not([hidden])")
    assert display.locator("#now-number").is_hidden()
    screenshot(display, "display-nobody-called-zh")


def test_recent_calls_fit_the_panel(site: Site, new_page: Any, staff: Staff) -> None:
    staff.counter(1, "open")
    for _ in range(10):
        staff.issue("B")
        staff.serve(staff.call(1))
    display = open_display(site, new_page)
    rows = display.evaluate(
        """() => {
            const panel = document.querySelector('#recent-panel').getBoundingClientRect();
            return [...document.querySelectorAll('#recent tr')].map((r) => {
                const box = r.getBoundingClientRect(); return box.top >= panel.top && box.bottom <= panel.bottom;
            });
        }"""
    )
    assert len(rows) >= 6 and all(rows), rows  # as many as fit, none cut off


def png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), color).save(out, "PNG")
    return out.getvalue()


def test_the_managers_image_shows_beside_the_calls_and_each_service_shows_its_forecast(
    site: Site, new_page: Any, staff: Staff
) -> None:
    headers = site.branch.headers("manager") | {"Content-Type": "image/png"}
    uploaded = requests.post(
        f"{site.url}/api/v1/branches/{site.branch.id}/media?title=ad",
        data=png((0, 120, 200)),
        headers=headers,
        timeout=10,
    )
    assert uploaded.status_code == 201, uploaded.text
    staff.counter(1, "open")
    staff.issue("A")
    staff.issue("A")
    display = open_display(site, new_page)
    display.wait_for_selector("#media:not([hidden]) img")
    wait_until(
        display,
        "document.querySelector('#media-image').complete && document.querySelector('#media-image').naturalWidth > 0",
    )
    queue = requests.get(
        f"{site.url}/api/v1/branches/{site.branch.id}/queue", headers=site.branch.headers(), timeout=10
    ).json()
    a = next(s for s in queue["services"] if s["prefix"] == "A")
    line = display.locator(f"#waiting li[data-service='{a['id']}']")
    wait_until(
        display, f"document.querySelector(\"#waiting li[data-service='{a['id']}'] .count\").textContent.includes('2')"
    )
    assert line.locator(".s-wait").inner_text() == a["estimated_wait"]["label"]["zh"]
    boxes = display.evaluate(
        """() => ['#media', '#now', '#recent-panel', '#counters']
            .map((s) => document.querySelector(s).getBoundingClientRect().toJSON())"""
    )
    media, *calls = boxes
    for box in calls:  # the image never covers a call
        assert (
            media["left"] >= box["right"]
            or media["right"] <= box["left"]
            or media["top"] >= box["bottom"]
            or media["bottom"] <= box["top"]
        )
    screenshot(display, "display-media-zh")
    requests.delete(
        f"{site.url}/api/v1/branches/{site.branch.id}/media/{uploaded.json()['id']}",
        headers=site.branch.headers("manager"),
        timeout=10,
    )
    display.wait_for_selector("#media", state="hidden")


def window_token(site: Site, counter: int) -> str:
    created = requests.post(
        f"{site.url}/api/v1/branches/{site.branch.id}/devices",
        json={"kind": "window", "name": f"over {counter}", "counter_id": site.branch.counters[counter]},
        headers=site.branch.headers("manager"),
        timeout=10,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["pair_url"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_window_screen_shows_its_counter_live(site: Site, new_page: Any, staff: Staff, lang: str) -> None:
    screen = new_page(800, 480)
    screen.goto(site.url + window_token(site, 2))
    screen.wait_for_selector("#window:not([hidden])")
    if lang == "en":
        tv_language(screen, "en")
    counter = {"zh": "2号窗口", "en": "Counter 2"}[lang]
    screen.wait_for_selector(f"#w-counter:text('{counter}')")
    staff.counter(2, "open")
    staff.issue("B")
    staff.issue("B")
    ticket = staff.call(2)
    screen.wait_for_selector(f"#w-number:text('{ticket['number']}')")  # live, no reload
    assert screen.locator("#w-next").inner_text() == {"zh": "等候 1 人", "en": "1 waiting"}[lang]
    screenshot(screen, f"window-calling-{lang}")
    staff.counter(2, "pause")
    screen.wait_for_selector("#w-paused:not([hidden])")
    assert "暂停服务" in screen.locator("#w-paused").inner_text()
    assert screen.locator("#w-number").is_hidden()
    screenshot(screen, f"window-paused-{lang}")
