"""A counter named in several languages is shown in the page's language at the counter desk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser

NAME = {"zh": "贵宾窗口", "en": "Premier desk", "yue": "貴賓櫃位"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("counter-names"))
    yield site
    site.server.stop()


def _first_counter_label(page: Any) -> str:
    page.wait_for_selector("#counters button")
    return str(page.locator("#counters button >> nth=0").inner_text())


def test_the_counter_list_names_each_counter_in_the_page_language(site: Site, new_page: Any) -> None:
    counter_id = site.branch.counters[1]
    renamed = requests.patch(
        f"{site.url}/api/v1/counters/{counter_id}",
        json={"name": NAME},
        headers={"Authorization": f"Bearer {site.branch.tokens['manager']}"},
        timeout=10,
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == NAME
    page = new_page(1440, 900)
    page.goto(f"{site.url}/counter")
    staff_login(page, "teller-b1", PASSWORD)
    assert _first_counter_label(page) == "1 号窗口\n贵宾窗口"
    assert page.locator("#counters button >> nth=1").inner_text() == "2 号窗口"  # named by its number: once
    screenshot(page, "counter-names-zh")
    switch_language(page, "en")
    page.reload()
    if page.locator("#login-form").is_visible():
        staff_login(page, "teller-b1", PASSWORD)
    assert _first_counter_label(page) == "Counter 1\nPremier desk"
    screenshot(page, "counter-names-en")
