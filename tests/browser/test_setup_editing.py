"""After the first run, a branch manager changes what the API configures with the same forms, within their branch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.browser.conftest import Site, screenshot, staff_login, start_site, switch_language
from tests.browser.test_walk_in_journey import seed_yesterday
from tests.support.builders import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = start_site(tmp_path_factory.mktemp("setup-editing"))
    yield site
    site.server.stop()


def open_step(site: Site, new_page: Any, step: str, lang: str = "en") -> Any:
    page = new_page(1440, 900, timezone_id="Asia/Shanghai")
    page.goto(f"{site.url}/manager")
    staff_login(page, "manager-b1", PASSWORD)
    page.click("#tab-setup")
    switch_language(page, lang)
    page.click(f"#step-{step}")
    page.wait_for_selector(f"#setup-body[data-step={step}] form")
    return page


def api_get(site: Site, path: str) -> Any:
    answer = requests.get(f"{site.url}{path}", headers=site.branch.headers("manager"), timeout=10)
    assert answer.status_code == 200
    return answer.json()


def test_a_service_and_a_counter_are_changed_with_the_same_forms(site: Site, new_page: Any) -> None:
    branch = site.branch
    page = open_step(site, new_page, "services")
    page.click(f"#service-list li[data-id='{branch.services['A']}'] button:text('Edit')")
    assert page.input_value("#service-prefix") == "A"
    page.fill("#service-target", "12")
    page.click("#service-form button[type=submit]")
    page.wait_for_selector(f"#service-list li[data-id='{branch.services['A']}']:has-text('target 12 min')")
    assert api_get(site, f"/api/v1/services/{branch.services['A']}")["target_wait"] == 720

    page.click("#step-counters")
    page.click(f"#counter-list li[data-id='{branch.counters[2]}'] button:text('Edit')")
    page.click("#counter-services li >> nth=1 >> button >> nth=0")  # move service A above B
    page.click("#counter-form button[type=submit]")
    page.wait_for_selector(f"#counter-list li[data-id='{branch.counters[2]}']:has-text('A › B')")
    counter = api_get(site, f"/api/v1/counters/{branch.counters[2]}")
    assert counter["service_ids"] == [branch.services["A"], branch.services["B"]]


def test_a_manager_resets_a_tellers_password_and_deactivates_them_but_makes_no_admin(site: Site, new_page: Any) -> None:
    page = open_step(site, new_page, "staff")
    assert page.locator("#user-role option[value=admin]").count() == 0  # only an admin makes admins
    assert page.locator("#user-branch-1").is_checked()
    teller = "#user-list li:has-text('teller-b1')"
    page.click(f"{teller} button:text('Reset password')")
    assert page.evaluate("document.activeElement.id") == "user-password"
    page.fill("#user-password", "a-new-password-2")
    page.click("#user-form button[type=submit]")
    page.wait_for_selector("#setup-body .step-note:text('Saved')")
    login = {"username": "teller-b1", "password": "a-new-password-2"}
    assert requests.post(f"{site.url}/api/v1/auth/login", json=login, timeout=10).status_code == 200
    screenshot(page, "setup-staff-edited-desk-en")

    page.click(f"{teller} button:text('Deactivate')")
    page.wait_for_selector(f"{teller}:has-text('inactive')")
    assert requests.post(f"{site.url}/api/v1/auth/login", json=login, timeout=10).status_code == 401
    page.click(f"{teller} button:text('Reactivate')")
    page.wait_for_selector(f"{teller} button:text('Deactivate')")


def test_a_refused_booking_setting_is_shown_beside_its_field_in_chinese(site: Site, new_page: Any) -> None:
    page = open_step(site, new_page, "booking", lang="zh")
    service = site.branch.services["A"]
    page.fill(f"#booking-{service}-late_s", "30")
    page.fill(f"#booking-{service}-grace_s", "20")  # the server wants grace at least the late check-in
    page.click(f"#booking-form-{service} button[type=submit]")
    page.wait_for_selector(f"#booking-{service}-grace_s-error:not([hidden])")
    assert page.text_content(f"#booking-{service}-grace_s-error") == "0 到 480 分钟，且不少于迟到时长"
    assert "grace_s" not in page.text_content("#setup-body")  # never the server's English
    page.fill(f"#booking-{service}-grace_s", "40")
    page.click(f"#booking-form-{service} button[type=submit]")
    page.wait_for_selector(f"#booking-form-{service} .form-saved:not([hidden])")
    rules = next(s["rules"] for s in api_get(site, f"/api/v1/branches/{site.branch.id}/booking-settings")["services"])
    assert (rules["late_s"], rules["grace_s"]) == (1800, 2400)


def test_a_manager_edits_the_branch_but_creates_none_and_revokes_a_device(site: Site, new_page: Any) -> None:
    page = open_step(site, new_page, "branch")
    assert page.locator("#branch-add").count() == 0 and page.locator("#branch-code").is_disabled()
    page.fill("#branch-name-en", "Test Branch, Main Street")
    page.click("#branch-form button[type=submit]")
    page.wait_for_selector("#setup-body .step-note")
    assert api_get(site, f"/api/v1/branches/{site.branch.id}")["name"]["en"] == "Test Branch, Main Street"

    page.click("#step-devices")
    kiosk = f"#device-list li[data-id='{site.branch.devices['kiosk']}']"
    page.click(f"{kiosk} button:text('Revoke')")
    page.click(f"{kiosk} button:text('Really revoke?')")  # a second press confirms
    page.wait_for_selector(kiosk, state="detached")
    devices = api_get(site, f"/api/v1/branches/{site.branch.id}/devices")
    assert [d["revoked"] for d in devices if d["kind"] == "kiosk"] == [True]


def test_switching_language_keeps_what_was_typed(site: Site, new_page: Any) -> None:
    page = open_step(site, new_page, "services", lang="zh")
    page.fill("#service-name-zh", "外汇业务")
    page.fill("#service-prefix", "F")
    switch_language(page, "en")
    assert page.text_content("label[for=service-name-zh]") == "Name in Chinese"
    assert (page.input_value("#service-name-zh"), page.input_value("#service-prefix")) == ("外汇业务", "F")
    page.click("#step-policy")
    page.wait_for_selector("#policy-kind option[value=fifo]", state="attached")
    switch_language(page, "zh")
    assert page.text_content("#policy-kind option[value=fifo]") == "先到先叫"


def test_the_policy_preview_replays_yesterday_and_saving_waits_for_a_preview_of_what_is_shown(
    site: Site, new_page: Any
) -> None:
    seed_yesterday(site)  # 49 tickets at counters 1 and 2
    page = open_step(site, new_page, "policy")
    save = "#policy-form button[type=submit]"
    assert page.locator(save).is_disabled()
    page.fill("#policy-regular-target", "20")
    page.click("#policy-preview-button")
    page.wait_for_selector("#policy-preview tr[data-class=regular]")
    assert "last 1 business day(s), 49 customers" in str(page.text_content("#preview-source"))
    assert page.locator(save).is_enabled()
    page.fill("#policy-regular-target", "25")  # changed since: preview again before saving
    assert page.locator(save).is_disabled()
    page.click("#policy-preview-button")
    page.wait_for_selector(f"{save}:not([disabled])")
    page.locator("#policy-preview").scroll_into_view_if_needed()
    screenshot(page, "setup-policy-history-desk-en")
    page.click(save)
    page.wait_for_selector("#policy-form .form-saved:not([hidden])")
    assert api_get(site, f"/api/v1/branches/{site.branch.id}/policy")["classes"]["regular"]["target"] == 1500
