"""axe-core on every page, zh and en, at the size it runs at: no serious or critical violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Site, start_site, switch_language
from tests.browser.floor_support import api, issue, teller_at_counter
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BAD = ("serious", "critical")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("accessibility"))
    body = {"kind": "rating", "name": "pad 1", "counter_id": site.branch.counters[1]}
    made = api(site, "POST", f"/api/v1/branches/{site.branch.id}/devices", "manager", body)
    site.branch.tokens["rating"] = made["token"]
    yield site
    site.server.stop()


def violations(page: Any) -> list[str]:
    """Serious and critical findings of axe-core, as "rule: selector" lines."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id,"
        " impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in found if v["impact"] in BAD]


def staff_page(path: str, who: str) -> Callable[[Any, Site], Any]:
    def open_page(new_page: Any, site: Site) -> Any:
        page = new_page(1024, 768, bypass_csp=True)
        page.goto(f"{site.url}{path}")
        page.fill("#username", who)
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        return page

    return open_page


def device_page(kind: str, size: tuple[int, int], ready: str) -> Callable[[Any, Site], Any]:
    def open_page(new_page: Any, site: Site) -> Any:
        page = new_page(*size, bypass_csp=True)
        page.goto(f"{site.url}/{'rate' if kind == 'rating' else kind}?device={site.branch.tokens[kind]}")
        page.wait_for_selector(ready)
        return page

    return open_page


def track_page(new_page: Any, site: Site) -> Any:
    page = new_page(390, 844, bypass_csp=True, is_mobile=True)
    page.goto(f"{site.url}{issue(site)['track_url']}")
    page.wait_for_selector("#card:not([hidden])")
    return page


def book_page(new_page: Any, site: Site) -> Any:
    page = new_page(390, 844, bypass_csp=True, is_mobile=True)
    page.goto(f"{site.url}/book")
    page.wait_for_selector("#branch option", state="attached")
    return page


def counter_page(new_page: Any, site: Site) -> Any:
    issue(site)
    return teller_at_counter(new_page, site, bypass_csp=True)


def manager_page(new_page: Any, site: Site) -> Any:
    page = staff_page("/manager", "manager-b1")(new_page, site)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.wait_for_selector("#m-devices tr")
    return page


def lobby_page(new_page: Any, site: Site) -> Any:
    page = staff_page("/lobby", "manager-b1")(new_page, site)
    page.wait_for_selector("#floor:not([hidden])")
    return page


PAGES: dict[str, Callable[[Any, Site], Any]] = {
    "kiosk": device_page("kiosk", (1080, 1920), "button.service"),
    "display": device_page("display", (1920, 1080), "#waiting li"),
    "rate": device_page("rating", (1024, 768), "#idle:not([hidden])"),
    "counter": counter_page,
    "track": track_page,
    "book": book_page,
    "manager": manager_page,
    "lobby": lobby_page,
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_has_no_serious_or_critical_accessibility_violation(site: Site, new_page: Any, name: str) -> None:
    page = PAGES[name](new_page, site)
    page.wait_for_timeout(300)
    for lang in ("zh", "en"):
        switch_language(page, lang)
        assert violations(page) == [], f"/{name} in {lang}"


def test_the_check_finds_what_the_old_booking_page_had(new_page: Any) -> None:
    """A list of bare buttons (the old slot picker) is critical for axe: the check above can fail."""
    page = new_page(390, 844)
    slots = '<div role="list"><button>09:00</button></div>'
    page.set_content(f'<html lang="en"><title>t</title><main>{slots}</main></html>')
    assert any(line.startswith("aria-required-children (critical)") for line in violations(page))
