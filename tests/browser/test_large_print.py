"""Large print on the kiosk (1080x1920): one toggle, type 1.5x, nothing pushed off the screen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Site, screenshot, start_site, switch_language

pytestmark = pytest.mark.browser

BODY_SIZE = "parseFloat(getComputedStyle(document.body).fontSize)"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("large-print"))
    yield site
    site.server.stop()


def test_the_kiosk_offers_large_print_in_both_languages(site: Site, new_page: Any) -> None:
    kiosk = new_page(1080, 1920)
    kiosk.goto(f"{site.url}/kiosk?device={site.branch.tokens['kiosk']}")
    kiosk.wait_for_selector("button.service")
    toggle = kiosk.locator("#large-print")
    assert toggle.inner_text() == "大字" and toggle.get_attribute("aria-pressed") == "false"
    before = kiosk.evaluate(BODY_SIZE)
    toggle.click()
    assert kiosk.evaluate(BODY_SIZE) >= 1.5 * before and toggle.get_attribute("aria-pressed") == "true"
    assert kiosk.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(kiosk, "kiosk-large-print-zh")
    switch_language(kiosk, "en")
    assert toggle.inner_text() == "Large print"
    screenshot(kiosk, "kiosk-large-print-en")
    toggle.click()
    assert kiosk.evaluate(BODY_SIZE) == before
