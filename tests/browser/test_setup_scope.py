"""Two branches: a manager sees only theirs; a branch made through the API opens the console on what it lacks.

Its own server: the login limit (10 a minute from one address) counts this module's sign-ins apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import Site, staff_login, start_site
from tests.browser.test_setup_editing import open_step
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("setup-scope"))
    yield site
    site.server.stop()


@pytest.fixture(scope="module")
def elsewhere(site: Site) -> dict[str, Any]:
    """Another branch with its own teller, made by an admin (`branchq create-admin`, then the API)."""
    env = os.environ | {"BRANCHQ_INSTANCE": str(site.instance), "DATABASE_URL": site.server.database_url}
    made = subprocess.run(
        [sys.executable, "-m", "server", "create-admin", "root", "--password", "root-password-1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    login = {"username": "root", "password": "root-password-1"}
    token = requests.post(f"{site.url}/api/v1/auth/login", json=login, timeout=10).json()["token"]
    admin = {"Authorization": f"Bearer {token}"}
    body = {"code": "B2", "name": "Elsewhere"}
    other = requests.post(f"{site.url}/api/v1/branches", json=body, headers=admin, timeout=10)
    assert other.status_code == 201
    teller = {"username": "teller-elsewhere", "password": PASSWORD, "role": "teller"}
    teller["branch_ids"] = [other.json()["id"]]
    assert requests.post(f"{site.url}/api/v1/users", json=teller, headers=admin, timeout=10).status_code == 201
    return {"headers": admin, "id": other.json()["id"]}


def test_a_manager_sees_only_their_branch_and_its_staff(site: Site, new_page: Any, elsewhere: dict[str, Any]) -> None:
    page = open_step(site, new_page, "staff")
    page.wait_for_selector("#user-list li:has-text('teller-b1')")
    assert page.locator("#user-list li:has-text('teller-elsewhere')").count() == 0
    assert page.locator("#user-form input[id^=user-branch-]").count() == 1  # their one branch to hand out
    assert page.locator("#branch").is_hidden()  # nothing to switch to


def test_a_branch_made_through_the_api_opens_on_the_step_it_lacks_and_tellers_get_no_set_up(
    site: Site, new_page: Any, elsewhere: dict[str, Any]
) -> None:
    page = new_page(1440, 900)
    page.goto(f"{site.url}/manager")
    staff_login(page, "root", "root-password-1")
    page.wait_for_selector("#branch:not([hidden])")
    page.select_option("#branch", str(elsewhere["id"]))  # the console reloads on that branch
    page.wait_for_selector("#setup:not([hidden]) #setup-body[data-step=services]")
    assert page.get_attribute("#tab-setup", "aria-selected") == "true"
    assert page.locator("#live").is_hidden()

    teller = new_page(1440, 900)
    teller.goto(f"{site.url}/manager")
    staff_login(teller, "teller-elsewhere", PASSWORD)
    teller.wait_for_selector("#tabs:not([hidden]) #tab-history")
    assert teller.locator("#tab-setup").count() == 0
