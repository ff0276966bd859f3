"""A screen opened from its pairing link ends on a clean URL, paired with a token of its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import Site, start_site

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("pairing"))
    yield site
    site.server.stop()


def test_the_pairing_link_leaves_no_token_in_the_url_and_is_spent(site: Site, new_page: Any) -> None:
    created = requests.post(
        f"{site.url}/api/v1/branches/{site.branch.id}/devices",
        json={"kind": "kiosk", "name": "door"},
        headers=site.branch.headers("manager"),
        timeout=10,
    ).json()
    link_token = created["pair_url"].partition("?device=")[2]
    kiosk = new_page()
    kiosk.goto(site.url + created["pair_url"])
    kiosk.wait_for_selector("button.service")
    assert kiosk.url == f"{site.url}/kiosk"
    kept = kiosk.evaluate("localStorage.getItem('branchq.device.kiosk')")
    assert kept and kept not in (link_token, created["token"])
    assert "device=" not in kiosk.evaluate("JSON.stringify(history.state) + location.href")
    kiosk.reload()  # still paired, from its own token
    kiosk.wait_for_selector("button.service")
    spent = requests.post(
        f"{site.url}/api/v1/devices/pair", headers={"Authorization": f"Bearer {link_token}"}, timeout=10
    )
    assert spent.status_code == 401
